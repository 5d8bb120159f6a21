package engine

import (
	"context"
	"slices"

	portico "github.com/portico-dev/portico"
)

// PriceHolders counts the live subscriptions on one price of a plan or an
// add-on (kind KindPlan or KindAddon), billing period and currency (""
// for any): those on it now and those a scheduled change moves onto it,
// with their customers. It
// reads without settling what has fallen due: a change due but not yet
// applied is counted as scheduled, which is what it still is.
func (e *Engine) PriceHolders(ctx context.Context, kind, id string, period portico.BillingPeriod, currency string) (*portico.PriceHolders, error) {
	if period != portico.Monthly && period != portico.Annually {
		return nil, portico.Invalid("billingPeriod", "must be monthly or annually")
	}
	out := &portico.PriceHolders{BillingPeriod: period, Currency: currency}
	err := e.view(ctx, func(o *op) error {
		productID, err := priceOwner(o.cat, kind, id)
		if err != nil {
			return err
		}
		match := holdsPlan(id, period)
		out.PlanID = id
		if kind == KindAddon {
			match, out.PlanID, out.AddonID = holdsAddon(id, period), "", id
		}
		customers := map[string]bool{}
		return o.tx.EachLiveSubscription(productID, func(s *portico.Subscription) error {
			if billed := agreedCurrency(s); currency != "" && billed != "" && billed != currency {
				return nil // a subscription keeps its currency, now and after a scheduled change
			}
			now, later := match(s.PlanID, s.BillingPeriod, s.Addons), scheduledOnto(s, match)
			if !now && !later {
				return nil
			}
			out.Subscriptions++
			if !now {
				out.Scheduled++
			}
			if !customers[s.CustomerID] {
				customers[s.CustomerID] = true
				out.Customers++
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// priceOwner is the product of the plan or add-on, or a 404.
func priceOwner(cat *portico.Catalog, kind, id string) (string, error) {
	switch kind {
	case KindPlan:
		if p, ok := cat.Plan(id); ok {
			return p.ProductID, nil
		}
		return "", portico.NotFound("plan", id)
	case KindAddon:
		if a, ok := cat.Addon(id); ok {
			return a.ProductID, nil
		}
		return "", portico.NotFound("add-on", id)
	}
	return "", portico.NotFound(kind, id)
}

// priceMatch reports whether a subscription's plan, billing period and
// add-ons, as they are or as a scheduled change makes them, use a price.
type priceMatch func(planID string, period portico.BillingPeriod, addons []portico.AddonQuantity) bool

func holdsPlan(id string, period portico.BillingPeriod) priceMatch {
	return func(planID string, p portico.BillingPeriod, _ []portico.AddonQuantity) bool {
		return planID == id && p == period
	}
}

// holdsAddon: an add-on is billed at the subscription's billing period.
func holdsAddon(id string, period portico.BillingPeriod) priceMatch {
	return func(_ string, p portico.BillingPeriod, addons []portico.AddonQuantity) bool {
		return p == period && slices.ContainsFunc(addons, func(a portico.AddonQuantity) bool { return a.ID == id && a.Quantity > 0 })
	}
}

// scheduledOnto reports whether a change scheduled on s moves it onto the
// price; a scheduled cancellation moves it onto none.
func scheduledOnto(s *portico.Subscription, match priceMatch) bool {
	return slices.ContainsFunc(s.ScheduledUpdates, func(u portico.ScheduledUpdate) bool {
		return u.Type != portico.UpdateCancellation && match(u.TargetPlanID, u.TargetBillingPeriod, u.TargetAddons)
	})
}
