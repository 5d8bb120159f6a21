package engine

import (
	"context"
	"fmt"
	"slices"
	"time"

	portico "github.com/portico-dev/portico"
)

// maxSteps bounds how many periods one subscription catches up on in one
// go (a test clock moved decades ahead); the rest follows on the next pass.
const maxSteps = 1000

// RunDue applies everything that has fallen due by now across all
// customers: trial ends and their reminders, scheduled changes and
// cancellations, renewals; then it announces the promotions that expired.
// It returns the number of subscription events applied.
func (e *Engine) RunDue(ctx context.Context) (int, error) {
	late, err := e.ApplyDue(ctx)
	return len(late), err
}

// ApplyDue is RunDue telling, for each event it applied, how late it was
// applied: the engine's time less the time the event fell due. On an
// error, it tells those of the transactions that committed.
func (e *Engine) ApplyDue(ctx context.Context) ([]time.Duration, error) {
	late, err := e.applyDueSubscriptions(ctx)
	if err != nil {
		return late, err
	}
	return late, e.expirePromotions(ctx)
}

func (e *Engine) applyDueSubscriptions(ctx context.Context) ([]time.Duration, error) {
	var late []time.Duration
	for {
		var round []time.Duration
		err := e.update(ctx, func(o *op) error {
			o.lateness = []time.Duration{}
			defer func() { round = o.lateness }()
			due, err := o.tx.DueSubscriptions(o.now, 100)
			if err != nil {
				return err
			}
			done := map[string]bool{}
			for _, s := range due {
				if done[s.CustomerID] {
					continue
				}
				done[s.CustomerID] = true
				c, err := o.customer(s.CustomerID)
				if err != nil {
					return err
				}
				if err := o.settle(c); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil || len(round) == 0 {
			return late, err
		}
		late = append(late, round...)
	}
}

// settle applies everything due for the customer.
func (o *op) settle(c *portico.Customer) error {
	_, _, err := o.settled(c)
	return err
}

// settled applies everything due for the customer and returns their
// subscriptions as they then stand, and how many events it applied.
func (o *op) settled(c *portico.Customer) ([]*portico.Subscription, int, error) {
	subs, err := o.tx.SubscriptionsOf(c.ID)
	if err != nil {
		return nil, 0, err
	}
	return o.settleSubs(c, subs)
}

// settleSubs is settled for a customer whose subscriptions were read.
func (o *op) settleSubs(c *portico.Customer, subs []*portico.Subscription) ([]*portico.Subscription, int, error) {
	n := 0
	for _, s := range subs {
		k := o.settleSub(c, s)
		if k == 0 {
			continue
		}
		n += k
		if err := o.tx.PutSubscription(s); err != nil {
			return nil, n, err
		}
	}
	if n > 0 {
		return subs, n, o.tx.UpdateCustomer(c)
	}
	return subs, 0, nil
}

// settleSub applies the subscription's due events in time order. At one
// instant a scheduled update comes first (it starts the next period in
// place of a plain renewal), then a trial end, then a renewal.
func (o *op) settleSub(c *portico.Customer, s *portico.Subscription) int {
	n := 0
	for ; n < maxSteps; n++ {
		due := s.WakeAt()
		if due.IsZero() || due.After(o.now) {
			break
		}
		if o.lateness != nil {
			o.lateness = append(o.lateness, o.now.Sub(due))
		}
		if i := slices.IndexFunc(s.ScheduledUpdates, func(u portico.ScheduledUpdate) bool { return !u.EffectiveAt.After(due) }); i >= 0 {
			u := s.ScheduledUpdates[i]
			s.ScheduledUpdates = slices.Delete(s.ScheduledUpdates, i, i+1)
			o.applyScheduled(c, s, u)
			continue
		}
		if s.Status == portico.StatusTrialing && s.TrialEndsAt != nil && !s.TrialEndsAt.After(due) {
			o.endTrial(c, s)
			continue
		}
		if r := s.TrialReminderDue(); !r.IsZero() && !r.After(due) {
			o.remindTrial(s)
			continue
		}
		o.renew(c, s)
	}
	return n
}

func (o *op) applyScheduled(c *portico.Customer, s *portico.Subscription, u portico.ScheduledUpdate) {
	if u.Type == portico.UpdateCancellation {
		o.end(c, s, u.EffectiveAt, u.DowngradeToPlanID)
		return
	}
	o.moveTo(c, s, u.EffectiveAt, u.TargetPlanID, u.TargetBillingPeriod, u.TargetAddons, &u)
}

// endTrial converts a trial to the paid plan when the customer has a payment
// method; otherwise it follows the rule fixed when the trial started.
func (o *op) endTrial(c *portico.Customer, s *portico.Subscription) {
	t := *s.TrialEndsAt
	if o.hasPaymentMethod(c.ID) {
		s.Status, s.TrialEnd = portico.StatusActive, nil
		s.BillingAnchor = t
		s.CurrentPeriodStart, s.CurrentPeriodEnd = t, boundary(t, billingUnit(s.BillingPeriod), 1)
		if len(usageCharges(s)) > 0 {
			// Usage is billed per billing period, so usage periods start
			// with the paid ones; what was used on the trial is free.
			old := s.UsageAnchor
			s.UsageAnchor = t
			o.fail(o.rebaseUsageAt(c, s, old, false, t))
			o.fail(o.zeroUsage(c.ID, s))
		}
		o.bill(c, s, t, nil, "")
		return
	}
	free := ""
	if s.TrialEnd != nil {
		free = s.TrialEnd.DowngradeToPlanID
	}
	if free == "" {
		s.ScheduledUpdates, s.TrialEnd = []portico.ScheduledUpdate{}, nil
		s.Status, s.EndedAt = portico.StatusExpired, &t
		return
	}
	o.moveTo(c, s, t, free, portico.Monthly, nil, nil)
}

// remindTrial sends trial.ends_soon, once per trial end, unless the trial
// has ended by now (the scheduler was held up past it): the end's own
// event tells then.
func (o *op) remindTrial(s *portico.Subscription) {
	end := *s.TrialEndsAt
	s.TrialRemindedFor = &end
	if !end.After(o.now) {
		return
	}
	view := o.subView(s)
	o.announce(portico.EventTrialEndsSoon, s.CustomerID, fmt.Sprintf("trial.ends_soon/%s/%d", s.ID, end.Unix()),
		portico.SubscriptionEventData{CustomerID: s.CustomerID, Subscription: &view})
}

// renew starts the next billing period and bills it.
func (o *op) renew(c *portico.Customer, s *portico.Subscription) {
	start := s.CurrentPeriodEnd
	closing, err := o.closingLines(s, start)
	o.fail(err)
	o.queueTopUp(s, s.CurrentPeriodStart, start, closing)
	_, end := periodAround(s.BillingAnchor, billingUnit(s.BillingPeriod), start)
	s.CurrentPeriodStart, s.CurrentPeriodEnd = start, end
	s.UsageBilled = 0
	o.bill(c, s, start, closing, "")
}

// moveTo puts the subscription on a plan from t: a new period begins, usage
// follows the product's reset rule, and the new period is billed. A
// scheduled change (agreed, else nil) applies at the prices agreed when it
// was scheduled, as long as the catalog still sells its plan for its period.
func (o *op) moveTo(c *portico.Customer, s *portico.Subscription, t time.Time, planID string, period portico.BillingPeriod, addons []portico.AddonQuantity, agreed *portico.ScheduledUpdate) {
	plan, _ := o.cat.Plan(planID)
	product, _ := o.cat.Product(s.ProductID)
	old := *s
	closing, err := o.closingLines(&old, t)
	o.fail(err)
	o.queueTopUp(&old, old.CurrentPeriodStart, t, closing)
	s.PlanID, s.Pricing, s.Status, s.TrialEnd = plan.ID, plan.Pricing, portico.StatusActive, nil
	s.UsageBilled = 0 // a new period begins at t
	s.BillingPeriod = period
	currency := o.currency(c, &old, nil) // a subscription keeps its currency
	if plan.Pricing == portico.PricingPaid {
		if sold := portico.PricesIn(plan.Prices, currency); !hasPeriod(sold, period) && len(sold) > 0 {
			s.BillingPeriod = sold[0].BillingPeriod
		}
	}
	if plan.Pricing != portico.PricingCustom || old.PlanID != plan.ID {
		s.Price, _ = priceOf(plan, s.BillingPeriod, currency, nil, nil)
	}
	s.Addons = slices.DeleteFunc(slices.Clone(addons), func(a portico.AddonQuantity) bool { return !plan.AllowsAddon(a.ID) })
	if s.Addons == nil {
		s.Addons = []portico.AddonQuantity{}
	}
	s.AddonPrices = o.catalogAddonPrices(s.Addons, s.BillingPeriod, currency)
	if agreed != nil && s.BillingPeriod == agreed.TargetBillingPeriod {
		if agreed.TargetPrice != nil {
			s.Price = *agreed.TargetPrice
		}
		for id, pr := range agreed.TargetAddonPrices {
			if _, sold := s.AddonPrices[id]; sold {
				s.AddonPrices[id] = pr
			}
		}
	}
	o.moveCharges(s, &old, plan, agreed, currency)
	anchored := anchorChanges(&old, s)
	if anchored {
		s.BillingAnchor, s.UsageAnchor = t, t
	}
	_, end := periodAround(s.BillingAnchor, billingUnit(s.BillingPeriod), t)
	s.CurrentPeriodStart, s.CurrentPeriodEnd = t, end
	o.fail(o.rebaseUsageAt(c, s, old.UsageAnchor, resetsUsage(product.Journey.UsageReset, anchored), t))
	if len(usageCharges(&old)) > 0 && t.Before(old.CurrentPeriodEnd) {
		o.fail(o.zeroUsage(c.ID, &old)) // billed with the period cut short
	}
	o.bill(c, s, t, closing, o.currency(c, s, &old))
}

func hasPeriod(prices []portico.Price, period portico.BillingPeriod) bool {
	return slices.ContainsFunc(prices, func(pr portico.Price) bool { return pr.BillingPeriod == period })
}

// moveCharges gives s, moved onto plan, its committed quantities and
// charges: those agreed when a change was scheduled, else the catalog's in
// the currency, keeping each quantity the plan still charges for within
// its bounds.
func (o *op) moveCharges(s, old *portico.Subscription, plan portico.Plan, agreed *portico.ScheduledUpdate, currency string) {
	if agreed != nil && s.BillingPeriod == agreed.TargetBillingPeriod && (agreed.TargetCharges != nil || len(plan.Charges) == 0) {
		s.Quantities, s.Charges, s.MinimumSpend = agreed.TargetQuantities, agreed.TargetCharges, agreed.TargetMinimumSpend
		return
	}
	setCatalogCharges(s, plan, currency)
	s.Quantities = keptQuantities(plan, old)
}

// bill invoices the period of s starting at t: what closing the period
// before bills in arrears, then the new period in advance. currency is the
// invoice's when s alone does not tell (a move onto a free plan).
func (o *op) bill(c *portico.Customer, s *portico.Subscription, t time.Time, closing []portico.Line, currency string) {
	lines := append(slices.Clip(closing), o.paidLines(s, s.CurrentPeriodStart, s.CurrentPeriodEnd)...)
	if currency == "" {
		currency = o.currency(c, s, nil)
	}
	o.issue(c, s, t, lines, currency)
}

// issue records an invoice of the lines dated t, spending the customer's
// credit balance first; nothing when they come to nothing.
func (o *op) issue(c *portico.Customer, s *portico.Subscription, t time.Time, lines []portico.Line, currency string) {
	due := portico.SumLines(lines)
	if due <= 0 {
		return
	}
	if c.Credit.Amount > 0 && (c.Credit.Currency == "" || c.Credit.Currency == currency) {
		used := min(c.Credit.Amount, due)
		c.Credit.Amount -= used
		due -= used
		lines = append(lines, portico.Line{Kind: portico.LineBalance, Amount: -used, Description: "Credit balance applied"})
	}
	o.fail(o.invoiceAt(c, s, due, currency, t, lines))
}

// zeroUsage restarts from zero the usage of s's usage-priced features, once
// that usage has been billed.
func (o *op) zeroUsage(customerID string, s *portico.Subscription) error {
	charges := usageCharges(s)
	if len(charges) == 0 {
		return nil
	}
	recs, err := o.tx.UsageOf(customerID)
	if err != nil {
		return err
	}
	for _, r := range recs {
		priced := slices.ContainsFunc(charges, func(c portico.Charge) bool { return c.FeatureID == r.FeatureID })
		if priced && r.ResourceID == s.ResourceID && r.Value != 0 {
			r.Value = 0
			if err := o.tx.PutUsage(r); err != nil {
				return err
			}
		}
	}
	return nil
}

func (o *op) hasPaymentMethod(customerID string) bool {
	if o.e.PaymentMethods != nil {
		return o.e.PaymentMethods(o.tx, customerID)
	}
	p, err := o.tx.BillingProfile(customerID)
	return err == nil && p.PaymentMethod != nil
}

// rebaseUsage moves the subscription's metered usage onto its (possibly
// new) usage anchor at now: kept, or restarted from zero when reset.
func (o *op) rebaseUsage(c *portico.Customer, s *portico.Subscription, oldAnchor time.Time, reset bool) error {
	return o.rebaseUsageAt(c, s, oldAnchor, reset, o.now)
}

func (o *op) rebaseUsageAt(c *portico.Customer, s *portico.Subscription, oldAnchor time.Time, reset bool, at time.Time) error {
	recs, err := o.tx.UsageOf(c.ID)
	if err != nil {
		return err
	}
	own := o.productFeatures(s.ProductID)
	for _, r := range recs {
		f, ok := o.cat.Feature(r.FeatureID)
		if !ok || f.Type != portico.FeatureMetered || r.ResourceID != s.ResourceID || !own[f.ID] {
			continue
		}
		oldStart, _ := periodAround(oldAnchor, f.ResetPeriod, at)
		if reset || r.PeriodStart.Before(oldStart) {
			r.Value = 0
		}
		r.PeriodStart, _ = periodAround(s.UsageAnchor, f.ResetPeriod, at)
		if err := o.tx.PutUsage(r); err != nil {
			return err
		}
	}
	return nil
}

// productFeatures lists the features the product's plans and add-ons grant:
// the usage a change to one of its subscriptions may reset. Another
// product's features keep their usage and their own reset periods.
func (o *op) productFeatures(productID string) map[string]bool {
	out := map[string]bool{}
	for _, p := range o.cat.Plans {
		if p.ProductID == productID {
			for _, e := range p.Entitlements {
				out[e.FeatureID] = true
			}
			for _, c := range p.Charges {
				out[c.FeatureID] = true
			}
		}
	}
	for _, a := range o.cat.Addons {
		if a.ProductID == productID {
			for _, e := range a.Entitlements {
				out[e.FeatureID] = true
			}
		}
	}
	return out
}
