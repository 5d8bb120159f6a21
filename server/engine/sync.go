package engine

import (
	"context"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/billing"
)

// items is what a subscription is billed as at the provider: its plan's,
// add-ons' and charges' provider prices for its period and currency (each
// currency has provider prices of its own). Free and custom
// prices have none: nothing is billed, or the contract is invoiced by hand.
// A plan whose charges carry its price needs no provider price for a fee
// of 0.
func (o *op) items(s *portico.Subscription) ([]billing.Item, error) {
	if s.Pricing != portico.PricingPaid {
		return nil, nil
	}
	plan, _ := o.cat.Plan(s.PlanID)
	currency := agreedCurrency(s)
	pr, _ := plan.PriceFor(s.BillingPeriod, currency)
	var out []billing.Item
	switch {
	case pr.StripePriceID != "":
		out = append(out, billing.Item{PriceID: pr.StripePriceID, Quantity: 1})
	case pr.Amount > 0 || len(s.Charges) == 0:
		return nil, portico.Conflict("plan %q has no stripePriceId for %s in %s: add it to the catalog to bill the plan with Stripe", plan.ID, s.BillingPeriod, currency)
	}
	for _, aq := range s.Addons {
		a, _ := o.cat.Addon(aq.ID)
		ap, _ := a.PriceFor(s.BillingPeriod, currency)
		if ap.StripePriceID == "" {
			return nil, portico.Conflict("add-on %q has no stripePriceId for %s in %s: add it to the catalog to bill it with Stripe", a.ID, s.BillingPeriod, currency)
		}
		out = append(out, billing.Item{PriceID: ap.StripePriceID, Quantity: int64(aq.Quantity)})
	}
	charges, err := chargeItems(plan.ID, s)
	return append(out, charges...), err
}

// chargeItems are the provider items of s's charges: a per-unit or tiered
// charge's price with the committed quantity (none at a quantity of 0:
// nothing is billed), a usage charge's metered price.
func chargeItems(planID string, s *portico.Subscription) ([]billing.Item, error) {
	var out []billing.Item
	for _, c := range s.Charges {
		if len(c.Prices) != 1 {
			continue
		}
		p := c.Prices[0]
		if p.StripePriceID == "" {
			return nil, portico.Conflict("plan %q: the %s charge for %q has no stripePriceId for %s in %s (charges[].prices[].stripePriceId): add it to the catalog to bill it with Stripe",
				planID, c.Model, c.FeatureID, p.BillingPeriod, p.Currency)
		}
		switch q := s.Quantities[c.FeatureID]; {
		case c.Model == portico.ModelUsage:
			out = append(out, billing.Item{PriceID: p.StripePriceID, Metered: true})
		case q > 0:
			out = append(out, billing.Item{PriceID: p.StripePriceID, Quantity: q})
		}
	}
	return out, nil
}

// sync mirrors a change the actor made to the billing provider, when one
// is connected and the change did not come from it. It runs inside the
// change's transaction: an error undoes the change.
func (o *op) sync(c *portico.Customer, s billing.Sync, actor Actor) error {
	if o.e.SyncBilling == nil || actor.FromProvider {
		return nil
	}
	s.Key = newID("chg")
	// The transaction's context: what the provider records joins the change.
	return o.e.SyncBilling(o.tx.Context(), c, s)
}

// syncChange mirrors a planned change (see mirrorOf), when it bills
// anything.
func (o *op) syncChange(c *portico.Customer, ch *plannedChange) error {
	m, err := o.mirrorOf(ch)
	if err != nil || m == nil {
		return err
	}
	return o.sync(c, *m, ch.actor)
}

// mirrorOf is what the billing provider is sent for a planned change: the
// subscription's new lines, now or at the period's end, a trial's end, or
// the end of a paid subscription moving to a free or custom price. It is
// nil when there is no provider, the provider made the change, or nothing
// is billed before or after. A price the provider does not know is refused
// here, before anything is sent.
func (o *op) mirrorOf(ch *plannedChange) (*billing.Sync, error) {
	if o.e.SyncBilling == nil || ch.actor.FromProvider {
		return nil, nil
	}
	target := ch.next
	if ch.scheduled != nil {
		u := ch.scheduled
		plan, _ := o.cat.Plan(u.TargetPlanID)
		target = &portico.Subscription{ID: ch.cur.ID, PlanID: plan.ID, Pricing: plan.Pricing,
			BillingPeriod: u.TargetBillingPeriod, Addons: u.TargetAddons, AddonPrices: u.TargetAddonPrices}
		if u.TargetPrice != nil {
			target.Price = *u.TargetPrice
		}
		// The charges it moves to, as moveCharges will give them.
		o.moveCharges(target, ch.cur, plan, u, ch.currency)
	}
	after, err := o.items(target)
	if err != nil {
		return nil, err
	}
	if len(after) == 0 && (ch.cur == nil || ch.cur.Pricing != portico.PricingPaid) {
		return nil, nil // nothing billed before or after
	}
	s := billing.Sync{SubscriptionID: target.ID, Items: after, Timing: ch.preview.Effective}
	if ch.trial && ch.next.TrialEndsAt != nil {
		s.TrialEnd = *ch.next.TrialEndsAt
	}
	return &s, nil
}

// syncCancel mirrors a cancellation of a paid subscription.
func (o *op) syncCancel(c *portico.Customer, s *portico.Subscription, actor Actor) error {
	if s.Pricing != portico.PricingPaid {
		return nil
	}
	product, _ := o.cat.Product(s.ProductID)
	return o.sync(c, billing.Sync{SubscriptionID: s.ID, Cancel: true, Timing: product.Journey.Cancellation}, actor)
}

// syncUnschedule mirrors dropping a paid subscription's scheduled updates.
func (o *op) syncUnschedule(c *portico.Customer, s *portico.Subscription, actor Actor) error {
	if s.Pricing != portico.PricingPaid {
		return nil
	}
	return o.sync(c, billing.Sync{SubscriptionID: s.ID, Unschedule: true}, actor)
}

// Checkout is what paying for a change at the billing provider's checkout
// takes: the subscription it upgrades, its new lines and what is due.
type Checkout struct {
	Subscription  portico.SubscriptionView
	BillingPeriod portico.BillingPeriod // the period the change moves to
	Items         []billing.Item
	Preview       portico.Preview
}

// PlanCheckout works out the checkout for a change that moves a free or
// trialing subscription to a paid price with something due now; nil when
// the change needs no checkout (nothing due, or already paying).
func (e *Engine) PlanCheckout(ctx context.Context, customerID string, req portico.ChangeRequest, actor Actor) (*Checkout, error) {
	var out *Checkout
	err := e.readCustomer(ctx, customerID, func(o *op, c *portico.Customer) error {
		ch, err := o.planChange(c, req, actor)
		if err != nil || ch.cur == nil || ch.scheduled != nil || ch.preview.AmountDueNow.Amount == 0 {
			return err
		}
		if ch.cur.Pricing == portico.PricingPaid && ch.cur.Status != portico.StatusTrialing {
			return nil
		}
		items, err := o.items(ch.next)
		if err != nil || len(items) == 0 {
			return err
		}
		out = &Checkout{Subscription: o.subView(ch.cur), BillingPeriod: ch.next.BillingPeriod, Items: items, Preview: ch.preview}
		return nil
	})
	return out, err
}

// PaidCheckout is a checkout the customer paid at the billing provider:
// the change it was for, whose SubscriptionID names the subscription paid
// for, and the provider's subscription the checkout created.
type PaidCheckout struct {
	Change                 portico.ChangeRequest
	ProviderSubscriptionID string
}

// CompleteCheckout applies the change a customer paid for at the billing
// provider's checkout and records the provider's subscription that the
// checkout created as the one billing it, in one transaction: the
// subscription first, then the link that refers to it. The change is not
// sent back to the provider, which made it. When the subscription paid for
// has ended since the checkout began (its trial ran out, it was
// cancelled), the plan paid for starts anew: the customer gets what they
// paid for.
func (e *Engine) CompleteCheckout(ctx context.Context, customerID string, co PaidCheckout) (*portico.ChangeResult, error) {
	var res *portico.ChangeResult
	err := e.writeCustomer(ctx, customerID, func(o *op, c *portico.Customer) error {
		req, err := o.checkoutChange(c, co.Change)
		if err != nil {
			return err
		}
		ch, err := o.planChange(c, req, Provider)
		if err != nil {
			return err
		}
		s, err := o.writeChange(c, ch)
		if err != nil {
			return err
		}
		if err := o.adopt(c, s.ID, co.ProviderSubscriptionID); err != nil {
			return err
		}
		res = &portico.ChangeResult{Subscription: o.subView(s), Preview: ch.preview}
		return nil
	})
	return res, err
}

// checkoutChange is the change a paid checkout makes, for the resource of
// the subscription it was for (the checkout does not carry it): to that
// subscription while it is live; once it has ended, to the product's (and
// resource's) live subscription, or a new one.
func (o *op) checkoutChange(c *portico.Customer, req portico.ChangeRequest) (portico.ChangeRequest, error) {
	s, err := o.ownedSub(c.ID, req.SubscriptionID, Provider)
	if err != nil {
		return req, err
	}
	req.ResourceID = s.ResourceID
	if !s.Live() {
		req.SubscriptionID = ""
	}
	return req, nil
}

// adopt records the provider's subscription made at the provider itself
// (by a checkout) as the one mirroring a Portico subscription. Unlike a
// mirror it is written for changes the provider reported: it is their
// record.
func (o *op) adopt(c *portico.Customer, subscriptionID, providerSubscriptionID string) error {
	if o.e.SyncBilling == nil || providerSubscriptionID == "" {
		return nil
	}
	return o.e.SyncBilling(o.tx.Context(), c, billing.Sync{Key: newID("chg"), SubscriptionID: subscriptionID, Adopt: providerSubscriptionID})
}

// PaymentCurrency is the currency a payment method added in a portal
// session would pay in: that of a trial in the session's scope, the
// subscription a payment method is added for (it converts at its end),
// else that of another live subscription there (a free plan's is its
// product's). Nothing live in scope with a currency is a Conflict: there
// would be nothing for the payment method to pay.
func (e *Engine) PaymentCurrency(ctx context.Context, scope portico.PortalScope) (string, error) {
	var out string
	err := e.readCustomer(ctx, scope.CustomerID, func(o *op, c *portico.Customer) error {
		subs, err := o.tx.SubscriptionsOf(c.ID)
		if err != nil {
			return err
		}
		if out = o.paymentCurrency(c, subs, PortalActor(scope)); out == "" {
			return portico.Conflict("nothing in this portal is billed in a currency: there is no subscription for a payment method to pay")
		}
		return nil
	})
	return out, err
}

// paymentCurrency is the currency of the first trial in the actor's reach,
// else of its first live subscription with one; "" when none has one.
func (o *op) paymentCurrency(c *portico.Customer, subs []*portico.Subscription, actor Actor) string {
	fallback := ""
	for _, s := range subs {
		if !s.Live() || !inScope(s, c.ID, actor) {
			continue
		}
		currency := o.currency(c, s, nil)
		if s.Status == portico.StatusTrialing && currency != "" {
			return currency
		}
		if fallback == "" {
			fallback = currency
		}
	}
	return fallback
}

// queueUsageOf keeps, for the billing provider, the period's usage of each
// live paid subscription of subs that prices rec's feature by usage: its
// total of priced blocks so far, which replaces any total not yet sent.
func (o *op) queueUsageOf(customerID string, subs []*portico.Subscription, rec portico.UsageRecord) error {
	if o.e.QueueBilling == nil {
		return nil
	}
	for _, s := range subs {
		if s.Pricing != portico.PricingPaid || s.Status != portico.StatusActive || s.ResourceID != rec.ResourceID {
			continue
		}
		for _, c := range usageCharges(s) {
			if c.FeatureID != rec.FeatureID || c.Prices[0].StripePriceID == "" {
				continue
			}
			err := o.e.QueueBilling(o.tx.Context(), billing.Report{Kind: billing.ReportUsage, CustomerID: customerID,
				SubscriptionID: s.ID, FeatureID: c.FeatureID, PriceID: c.Prices[0].StripePriceID,
				PeriodStart: s.CurrentPeriodStart, PeriodEnd: s.CurrentPeriodEnd, Quantity: c.Blocks(rec.Value)})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// queueTopUp keeps, for the billing provider, the minimum-spend top-up
// among the lines that closed s's period [start, end), if any.
func (o *op) queueTopUp(s *portico.Subscription, start, end time.Time, closing []portico.Line) {
	if o.e.QueueBilling == nil || s.Pricing != portico.PricingPaid {
		return
	}
	for _, l := range closing {
		if l.Kind != portico.LineMinimum || l.Amount <= 0 {
			continue
		}
		o.fail(o.e.QueueBilling(o.tx.Context(), billing.Report{Kind: billing.ReportTopUp, CustomerID: s.CustomerID,
			SubscriptionID: s.ID, PeriodStart: start, PeriodEnd: end, Amount: l.Amount,
			Currency: o.currency(nil, s, nil), Description: l.Description}))
	}
}
