package engine

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/billing"
)

// CreateCustomer creates a customer and starts each single-subscription
// product's journey: a free plan, a trial, or nothing until the customer
// picks from the pricing table. Products with one subscription per resource
// start when a resource is provisioned.
func (e *Engine) CreateCustomer(ctx context.Context, req portico.CreateCustomerRequest) (*portico.CustomerView, error) {
	var out *portico.CustomerView
	err := e.update(ctx, func(o *op) error {
		if _, err := o.tx.Customer(req.ID); err == nil {
			return portico.Conflict("customer %q already exists", req.ID)
		} else if !errors.Is(err, portico.ErrNotFound) {
			return err
		}
		if err := o.checkCurrencySold(req.Currency); err != nil {
			return err
		}
		c := &portico.Customer{ID: req.ID, Name: req.Name, Email: req.Email, Metadata: req.Metadata, CreatedAt: o.now,
			Currency: req.Currency, Credit: portico.Money{Currency: req.Currency}}
		if err := o.tx.CreateCustomer(c); err != nil {
			return err
		}
		if req.Billing != nil {
			if err := o.tx.PutBillingProfile(c.ID, req.Billing); err != nil {
				return err
			}
		}
		if err := o.startJourneys(c); err != nil {
			return err
		}
		var err error
		out, err = o.customerView(c)
		return err
	})
	return out, err
}

// startJourneys starts each single-subscription product's journey, then
// mirrors the new subscriptions to the billing provider. A product whose
// journey starts on a paid plan not sold in the customer's currency starts
// nothing: the customer picks from its pricing table. Every subscription
// is written and every mirror worked out first, so the rows the
// provider's links refer to exist, and a price the provider does not know
// is refused before anything reaches it.
func (o *op) startJourneys(c *portico.Customer) error {
	var mirrors []billing.Sync
	for _, p := range o.cat.Products {
		planID := journeyStartPlan(p)
		if planID == "" {
			continue
		}
		plan, _ := o.cat.Plan(planID)
		if currency, _ := o.customerCurrency(c, p.ID); plan.Pricing == portico.PricingPaid && !plan.SoldIn(currency) {
			continue
		}
		ch, err := o.planChange(c, portico.ChangeRequest{PlanID: planID, Quantities: minQuantities(plan)}, Backend)
		if err != nil {
			return err
		}
		if _, err := o.writeChange(c, ch); err != nil {
			return err
		}
		m, err := o.mirrorOf(ch)
		if err != nil {
			return err
		}
		if m != nil {
			mirrors = append(mirrors, *m)
		}
	}
	if err := o.tx.UpdateCustomer(c); err != nil {
		return err
	}
	for _, m := range mirrors {
		if err := o.sync(c, m, Backend); err != nil {
			return err
		}
	}
	return nil
}

// journeyStartPlan is the plan a new customer starts on in the product:
// its free plan or its trial's plan; "" when the customer picks from the
// pricing table, or when the product starts per resource or is archived.
func journeyStartPlan(p portico.Product) string {
	if p.Archived || p.SubscriptionType != portico.SubscriptionSingle {
		return ""
	}
	switch p.Journey.Start {
	case portico.StartFreePlan:
		return p.Journey.FreePlanID
	case portico.StartTrial:
		return p.Journey.TrialPlanID
	}
	return ""
}

// UpdateCustomer changes the fields the request gives and returns the
// customer. A currency change is refused (409 naming "currency") while a
// live subscription is billed in another currency or a credit balance in
// another currency remains: each would be billed or spent in a currency
// the customer no longer pays in.
func (e *Engine) UpdateCustomer(ctx context.Context, id string, req portico.UpdateCustomerRequest) (*portico.CustomerView, error) {
	var out *portico.CustomerView
	err := e.writeCustomer(ctx, id, func(o *op, c *portico.Customer) error {
		if req.Currency != "" && req.Currency != c.Currency {
			if err := o.changeCustomerCurrency(c, req.Currency); err != nil {
				return err
			}
		}
		var err error
		out, err = o.customerView(c)
		return err
	})
	return out, err
}

// changeCustomerCurrency moves the customer to the currency, when nothing
// they hold is billed in another.
func (o *op) changeCustomerCurrency(c *portico.Customer, currency string) error {
	if err := o.checkCurrencySold(currency); err != nil {
		return err
	}
	subs, err := o.tx.SubscriptionsOf(c.ID)
	if err != nil {
		return err
	}
	for _, s := range subs {
		if billed := agreedCurrency(s); s.Live() && billed != "" && billed != currency {
			return portico.ConflictField("currency", "subscription %q is billed in %s; the customer's currency can change once it has ended or moved to a free plan", s.ID, billed)
		}
	}
	if c.Credit.Amount != 0 && c.Credit.Currency != currency {
		return portico.ConflictField("currency", "the customer has a credit balance in %s, which is spent in %s only; the currency can change once it is spent", c.Credit.Currency, c.Credit.Currency)
	}
	c.Currency, c.Credit.Currency = currency, currency
	return o.tx.UpdateCustomer(c)
}

// checkCurrencySold refuses a customer currency the catalog sells nothing
// in (422 naming "currency"), as long as the catalog sells in any.
func (o *op) checkCurrencySold(currency string) error {
	sold := o.cat.Currencies()
	if currency == "" || len(sold) == 0 || slices.Contains(sold, currency) {
		return nil
	}
	return portico.Invalid("currency", "the catalog has no prices in %s; it sells in %s", currency, strings.Join(sold, ", "))
}

// Customer returns a customer with subscriptions and promotions.
func (e *Engine) Customer(ctx context.Context, id string) (*portico.CustomerView, error) {
	var out *portico.CustomerView
	err := e.readCustomer(ctx, id, func(o *op, c *portico.Customer) error {
		var err error
		out, err = o.customerView(c)
		return err
	})
	return out, err
}

func (o *op) customerView(c *portico.Customer) (*portico.CustomerView, error) {
	subs, err := o.tx.SubscriptionsOf(c.ID)
	if err != nil {
		return nil, err
	}
	promos, err := o.tx.PromotionsOf(c.ID)
	if err != nil {
		return nil, err
	}
	v := &portico.CustomerView{Customer: *c, Subscriptions: []portico.SubscriptionView{}, Promotions: promos}
	if v.Promotions == nil {
		v.Promotions = []portico.Promotion{}
	}
	for _, s := range subs {
		v.Subscriptions = append(v.Subscriptions, o.subView(s))
	}
	return v, nil
}

// SubscriptionCustomer returns the customer a subscription belongs to.
func (e *Engine) SubscriptionCustomer(ctx context.Context, subID string) (string, error) {
	var id string
	err := e.view(ctx, func(o *op) error {
		s, err := o.tx.Subscription(subID)
		if errors.Is(err, portico.ErrNotFound) {
			return portico.NotFound("subscription", subID)
		}
		if err == nil {
			id = s.CustomerID
		}
		return err
	})
	return id, err
}

// GrantPromotion grants a promotional entitlement.
func (e *Engine) GrantPromotion(ctx context.Context, customerID string, req portico.PromotionRequest) (*portico.Promotion, error) {
	var out *portico.Promotion
	err := e.writeCustomer(ctx, customerID, func(o *op, c *portico.Customer) error {
		f, ok := o.cat.Feature(req.FeatureID)
		switch {
		case !ok:
			return portico.Invalid("featureId", "unknown feature %q", req.FeatureID)
		case f.Type == portico.FeatureBoolean && (req.Limit != nil || req.Unlimited):
			return portico.Invalid("limit", "feature %q is boolean: it takes no limit", f.ID)
		case f.Type != portico.FeatureBoolean && req.Limit == nil && !req.Unlimited:
			return portico.Invalid("limit", "is required for %s feature %q (or set unlimited)", f.Type, f.ID)
		case req.Limit != nil && req.Unlimited:
			return portico.Invalid("unlimited", "cannot be set together with limit")
		case req.ExpiresAt != nil && !req.ExpiresAt.After(o.now):
			return portico.Invalid("expiresAt", "must be in the future")
		}
		p := portico.Promotion{ID: newID("promo"), CustomerID: c.ID, FeatureID: f.ID,
			Unlimited: req.Unlimited, ExpiresAt: req.ExpiresAt, GrantedAt: o.now}
		if req.Limit != nil {
			p.Limit = *req.Limit
		}
		out = &p
		return o.tx.AddPromotion(p)
	})
	return out, err
}

// ReportUsage adds req.Value to the customer's usage of a numeric or metered
// feature and returns the feature's entitlement afterwards. Usage never goes
// below zero. It is a batch of one: the same checks, the same history, the
// same idempotency keys as ReportUsageBatch.
func (e *Engine) ReportUsage(ctx context.Context, req portico.UsageRequest) (*portico.EntitlementView, error) {
	out, err := e.ReportUsageBatch(ctx, []portico.UsageEvent{req.Event()}, true)
	if err != nil {
		return nil, err
	}
	return out[0].Single(req.CustomerID)
}

// grantFor is the customer's grant of the feature for the resource, or nil.
func (o *op) grantFor(c *portico.Customer, featureID, resourceID string) *grant {
	subs, err := o.tx.SubscriptionsOf(c.ID)
	o.fail(err)
	promos, err := o.tx.PromotionsOf(c.ID)
	o.fail(err)
	return o.resolve(c, resourceID, subs, promos)[featureID]
}

func afterUsage(views []portico.EntitlementView, f portico.Feature, usage int64, anchor, now time.Time) *portico.EntitlementView {
	i := slices.IndexFunc(views, func(v portico.EntitlementView) bool { return v.FeatureID == f.ID })
	v := portico.EntitlementView{FeatureID: f.ID, FeatureName: f.Name, Type: f.Type, Unit: f.Unit}
	if i >= 0 {
		v = views[i]
	}
	v.Usage = usage
	if f.Type == portico.FeatureMetered {
		_, end := periodAround(anchor, f.ResetPeriod, now)
		v.ResetAt = &end
	}
	v.HasAccess = i >= 0 && (v.Unlimited || v.Usage < v.Limit)
	return &v
}

// SetBillingProfile stores the customer's billing details and payment
// method summary (local billing).
func (e *Engine) SetBillingProfile(ctx context.Context, customerID string, p *portico.BillingProfile) error {
	return e.writeCustomer(ctx, customerID, func(o *op, c *portico.Customer) error {
		return o.tx.PutBillingProfile(c.ID, p)
	})
}

// SetPastDue records whether the customer's last payment failed, as the
// billing provider reports it.
func (e *Engine) SetPastDue(ctx context.Context, customerID string, pastDue bool) error {
	return e.writeCustomer(ctx, customerID, func(o *op, c *portico.Customer) error {
		if c.PastDue == pastDue {
			return nil
		}
		c.PastDue = pastDue
		return o.tx.UpdateCustomer(c)
	})
}
