package engine

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	portico "github.com/portico-dev/portico"
)

// agreedCharges are the plan's charges and minimum spend for the period in
// the currency: what a subscription agrees to, each charge narrowed to its
// one price.
func agreedCharges(plan portico.Plan, period portico.BillingPeriod, currency string) ([]portico.Charge, *portico.Money) {
	var out []portico.Charge
	for _, c := range plan.Charges {
		if at, ok := c.At(period, currency); ok {
			out = append(out, at)
		}
	}
	var floor *portico.Money
	if m, ok := plan.MinimumSpendFor(period, currency); ok {
		floor = &m
	}
	return out, floor
}

// minQuantities are the least committed quantities of the plan's charges:
// what a subscription the engine starts by itself (a journey's first plan,
// a trial's end on the free plan) commits to.
func minQuantities(plan portico.Plan) map[string]int64 {
	var out map[string]int64
	for _, c := range plan.Charges {
		if c.Model.Committed() {
			if out == nil {
				out = map[string]int64{}
			}
			out[c.FeatureID] = c.Min()
		}
	}
	return out
}

// quantitiesFor checks the committed quantities a change asks for on the
// plan: each per-unit or tiered charge needs one, asked for or kept from the
// current subscription, within the charge's bounds; nothing else may be
// asked for.
func quantitiesFor(plan portico.Plan, asked map[string]int64, cur *portico.Subscription) (map[string]int64, error) {
	for _, f := range slices.Sorted(maps.Keys(asked)) {
		if c, ok := plan.ChargeFor(f); !ok || !c.Model.Committed() {
			return nil, portico.Invalid("quantities."+f, "plan %q has no per-unit or tiered charge for %q", plan.ID, f)
		}
	}
	var out map[string]int64
	for _, c := range plan.Charges {
		if !c.Model.Committed() {
			continue
		}
		field := "quantities." + c.FeatureID
		q, ok := asked[c.FeatureID]
		if !ok && cur != nil {
			q, ok = cur.Quantities[c.FeatureID]
		}
		switch {
		case !ok:
			return nil, portico.Invalid(field, "is required: plan %q is priced per %s", plan.ID, c.FeatureID)
		case q < c.Min():
			return nil, portico.Invalid(field, "must be at least %d on plan %q", c.Min(), plan.ID)
		case c.MaxQuantity > 0 && q > c.MaxQuantity:
			return nil, portico.Invalid(field, "must be at most %d on plan %q", c.MaxQuantity, plan.ID)
		}
		if out == nil {
			out = map[string]int64{}
		}
		out[c.FeatureID] = q
	}
	return out, nil
}

// committedAmount is what the subscription's committed quantities cost for
// a whole period.
func committedAmount(s *portico.Subscription) int64 {
	var t int64
	for _, c := range s.Charges {
		if c.Model.Committed() && len(c.Prices) == 1 {
			t += c.Amount(c.Prices[0], s.Quantities[c.FeatureID])
		}
	}
	return t
}

func ptr[T any](v T) *T { return &v }

// periodLines are the lines of what s costs for a whole period in advance:
// the plan's fee, each committed charge (a line per tier reached), each
// add-on. They add up to total(s).
func (o *op) periodLines(s *portico.Subscription, start, end time.Time) []portico.Line {
	plan, _ := o.cat.Plan(s.PlanID)
	span := func(l portico.Line) portico.Line {
		l.PeriodStart, l.PeriodEnd = ptr(start), ptr(end)
		return l
	}
	var out []portico.Line
	if s.Price.Amount > 0 || len(s.Charges) == 0 {
		out = append(out, span(portico.Line{Kind: portico.LineFee, PlanID: plan.ID, Amount: s.Price.Amount,
			Description: fmt.Sprintf("%s (%s)", plan.Name, s.BillingPeriod)}))
	}
	for _, c := range s.Charges {
		if c.Model.Committed() && len(c.Prices) == 1 {
			for _, l := range o.committedLines(c, s.Quantities[c.FeatureID]) {
				out = append(out, span(l))
			}
		}
	}
	for _, aq := range s.Addons {
		a, _ := o.cat.Addon(aq.ID)
		pr, _ := o.addonPrice(s, aq.ID)
		q := int64(aq.Quantity)
		out = append(out, span(portico.Line{Kind: portico.LineAddon, AddonID: a.ID, Quantity: &q, UnitAmount: ptr(pr.Amount),
			Amount: pr.Amount * q, Description: fmt.Sprintf("%s × %d", a.Name, aq.Quantity)}))
	}
	return out
}

// committedLines are a committed charge's lines for a quantity: one per
// tier reached of a graduated price, else one.
func (o *op) committedLines(c portico.Charge, quantity int64) []portico.Line {
	f, _ := o.cat.Feature(c.FeatureID)
	p := c.Prices[0]
	var out []portico.Line
	for _, st := range c.Steps(p, quantity) {
		l := portico.Line{Kind: portico.LineCharge, FeatureID: c.FeatureID, Quantity: ptr(st.Quantity),
			UnitAmount: ptr(st.UnitAmount), FlatAmount: st.FlatAmount, Amount: st.Amount,
			Description: fmt.Sprintf("%s × %d", f.Name, st.Quantity)}
		if len(p.Tiers) > 0 {
			l.TierFrom, l.TierTo = st.From, st.To
			l.Description = tierDescription(f.Name, st)
		}
		out = append(out, l)
	}
	return out
}

func tierDescription(name string, st portico.Step) string {
	if st.To == 0 {
		return fmt.Sprintf("%s × %d (%d and above)", name, st.Quantity, st.From)
	}
	return fmt.Sprintf("%s × %d (%d–%d)", name, st.Quantity, st.From, st.To)
}

// prorateLines prorates each line to part of whole, rounding each line
// half up (the one rounding rule, portico.Prorate).
func prorateLines(lines []portico.Line, part, whole time.Duration, start time.Time) []portico.Line {
	out := make([]portico.Line, len(lines))
	for i, l := range lines {
		l.Amount = portico.Prorate(l.Amount, part, whole)
		l.PeriodStart, l.Prorated = ptr(start), part < whole
		out[i] = l
	}
	return out
}

// usageCharges are s's usage-priced charges.
func usageCharges(s *portico.Subscription) []portico.Charge {
	var out []portico.Charge
	for _, c := range s.Charges {
		if c.Model == portico.ModelUsage && len(c.Prices) == 1 {
			out = append(out, c)
		}
	}
	return out
}

// periodUsage is the usage of a metered feature recorded in the usage
// period that contains t, for s's resource.
func (o *op) periodUsage(recs []portico.UsageRecord, s *portico.Subscription, featureID string, t time.Time) int64 {
	f, ok := o.cat.Feature(featureID)
	if !ok || f.Type != portico.FeatureMetered {
		return 0
	}
	start, _ := periodAround(s.UsageAnchor, f.ResetPeriod, t)
	for _, r := range recs {
		if r.FeatureID == featureID && r.ResourceID == s.ResourceID && !r.PeriodStart.Before(start) {
			return r.Value
		}
	}
	return 0
}

// usageLines price s's usage in the usage period containing t (the period
// being closed): a line per usage charge with billable usage, a line per
// tier reached of a graduated price.
func (o *op) usageLines(s *portico.Subscription, t time.Time) ([]portico.Line, error) {
	charges := usageCharges(s)
	if len(charges) == 0 || s.Status != portico.StatusActive {
		return nil, nil
	}
	recs, err := o.tx.UsageOf(s.CustomerID)
	if err != nil {
		return nil, err
	}
	var out []portico.Line
	for _, c := range charges {
		usage := o.periodUsage(recs, s, c.FeatureID, t)
		out = append(out, o.usageChargeLines(c, usage)...)
	}
	return out, nil
}

// usageChargeLines price one period's usage of a usage charge; nothing when
// it stays within what is included.
func (o *op) usageChargeLines(c portico.Charge, usage int64) []portico.Line {
	blocks := c.Blocks(usage)
	if blocks == 0 {
		return nil
	}
	f, _ := o.cat.Feature(c.FeatureID)
	p := c.Prices[0]
	var out []portico.Line
	for _, st := range c.Steps(p, blocks) {
		if st.Amount == 0 && st.Quantity == 0 {
			continue
		}
		l := portico.Line{Kind: portico.LineUsage, FeatureID: c.FeatureID, Quantity: ptr(st.Quantity),
			UnitAmount: ptr(st.UnitAmount), FlatAmount: st.FlatAmount, Amount: st.Amount, Usage: ptr(usage), Included: c.Included,
			Description: usageDescription(f, c, usage, st)}
		if len(p.Tiers) > 0 {
			l.TierFrom, l.TierTo = st.From, st.To
		}
		out = append(out, l)
	}
	return out
}

func usageDescription(f portico.Feature, c portico.Charge, usage int64, st portico.Step) string {
	unit := f.Unit
	if unit == "" {
		unit = "unit"
	}
	over := max(usage-c.Included, 0)
	if c.Block() == 1 {
		return fmt.Sprintf("%s: %d %s beyond %d included", f.Name, over, unit, c.Included)
	}
	return fmt.Sprintf("%s: %d %s beyond %d included, %d blocks of %d", f.Name, over, unit, c.Included, st.Quantity, c.Block())
}

// minimumLine tops a whole period's lines up to the subscription's minimum
// spend; nil when they reach it.
func minimumLine(s *portico.Subscription, spent int64) *portico.Line {
	if s.MinimumSpend == nil || s.Status != portico.StatusActive || spent >= s.MinimumSpend.Amount {
		return nil
	}
	return &portico.Line{Kind: portico.LineMinimum, Amount: s.MinimumSpend.Amount - spent,
		Description: fmt.Sprintf("Minimum spend top-up (%s)", s.BillingPeriod)}
}

// closingLines are what closing s's current period at t bills in arrears:
// its usage beyond what is included, and, when the period ran whole, the
// top-up to its minimum spend (the period's fee, committed charges, add-ons
// and usage counted). A period cut short by a change or a cancellation
// owes no minimum.
func (o *op) closingLines(s *portico.Subscription, t time.Time) ([]portico.Line, error) {
	// The usage of the period that ends at t was recorded just before it.
	usage, err := o.usageLines(s, t.Add(-time.Nanosecond))
	if err != nil {
		return nil, err
	}
	if t.Before(s.CurrentPeriodEnd) {
		return usage, nil
	}
	if l := minimumLine(s, o.total(s).Amount+s.UsageBilled+portico.SumLines(usage)); l != nil {
		usage = append(usage, *l)
	}
	return usage, nil
}

// chargeViews are s's charges for its current period: committed amounts,
// usage so far priced.
func (o *op) chargeViews(s *portico.Subscription) []portico.ChargeView {
	out := []portico.ChargeView{}
	var recs []portico.UsageRecord
	if len(usageCharges(s)) > 0 {
		var err error
		recs, err = o.tx.UsageOf(s.CustomerID)
		o.fail(err)
	}
	for _, c := range s.Charges {
		if len(c.Prices) != 1 {
			continue
		}
		f, _ := o.cat.Feature(c.FeatureID)
		v := portico.ChargeView{FeatureID: c.FeatureID, FeatureName: f.Name, Unit: f.Unit, Model: c.Model, TiersMode: c.TiersMode,
			Included: c.Included, BlockSize: c.BlockSize, MaxQuantity: c.MaxQuantity, Price: c.Prices[0]}
		if c.Model.Committed() {
			q := s.Quantities[c.FeatureID]
			v.Quantity, v.MinQuantity, v.Amount = &q, c.Min(), c.Amount(c.Prices[0], q)
		} else {
			u := o.periodUsage(recs, s, c.FeatureID, o.now)
			v.Usage, v.Amount = &u, c.Amount(c.Prices[0], c.Blocks(u))
			if s.Status != portico.StatusActive {
				v.Amount = 0 // usage on a trial is not billed
			}
		}
		out = append(out, v)
	}
	return out
}

// setCatalogCharges gives s the plan's charges and minimum spend for its
// billing period in the currency, as the catalog sells them now.
func setCatalogCharges(s *portico.Subscription, plan portico.Plan, currency string) {
	s.Charges, s.MinimumSpend = agreedCharges(plan, s.BillingPeriod, currency)
}

// cardCharges adds a plan's charges to its paywall card: the period's
// prices in the currency, what the plan starts at (the fee and each
// committed charge at its least quantity, no usage), its minimum spend,
// and the customer's quantities to start the stepper from.
func (o *op) cardCharges(card *portico.PaywallPlan, p portico.Plan, period portico.BillingPeriod, currency string, cur *portico.Subscription) {
	charges, floor := agreedCharges(p, period, currency)
	if len(charges) == 0 {
		return
	}
	card.Charges, card.MinimumSpend = charges, floor
	for _, c := range charges {
		card.ChargeFeatures = append(card.ChargeFeatures, o.line(portico.Entitlement{FeatureID: c.FeatureID}, "", nil))
	}
	start := portico.Money{Currency: charges[0].Prices[0].Currency}
	if card.Price != nil {
		start.Amount = card.Price.Amount
	}
	for _, c := range charges {
		if c.Model.Committed() {
			start.Amount += c.Amount(c.Prices[0], c.Min())
		}
	}
	if floor != nil && floor.Amount > start.Amount {
		start.Amount = floor.Amount
	}
	card.StartsAt = &start
	if cur != nil {
		for _, c := range charges {
			if q, ok := cur.Quantities[c.FeatureID]; ok && c.Model.Committed() {
				if card.Quantities == nil {
					card.Quantities = map[string]int64{}
				}
				card.Quantities[c.FeatureID] = q
			}
		}
	}
}

// UpcomingInvoice is what the next invoice of a subscription holds as
// things stand, usage so far priced; with no subscription named, the
// customer's next invoice among the subscriptions the actor sees.
func (e *Engine) UpcomingInvoice(ctx context.Context, customerID, subID string, actor Actor) (*portico.UpcomingInvoice, error) {
	var inv *portico.UpcomingInvoice
	err := e.readCustomer(ctx, customerID, func(o *op, c *portico.Customer) error {
		if subID != "" {
			s, err := o.ownedSub(c.ID, subID, actor)
			if err != nil {
				return err
			}
			if !s.Live() {
				return portico.Conflict("subscription %q has ended (%s) and has no upcoming invoice", s.ID, s.Status)
			}
			inv = o.upcoming(c, s)
			return nil
		}
		subs, err := o.tx.SubscriptionsOf(c.ID)
		if err != nil {
			return err
		}
		for _, s := range shownSubs(subs, c.ID, actor) {
			if !s.Live() {
				continue
			}
			next := o.upcoming(c, s)
			if inv == nil || earlierInvoice(next, inv) {
				inv = next
			}
		}
		if inv == nil {
			return portico.NotFound("upcoming invoice of customer", c.ID)
		}
		return nil
	})
	return inv, err
}

// earlierInvoice orders upcoming invoices: one that bills something before
// one that bills nothing, then the earlier date.
func earlierInvoice(a, b *portico.UpcomingInvoice) bool {
	if (a.Total > 0) != (b.Total > 0) {
		return a.Total > 0
	}
	return a.Date.Before(b.Date)
}

// upcoming works out s's next invoice: at its next due date, what closing
// the current period bills in arrears and what the next period (on the
// terms it will then have) bills in advance, less the credit balance.
func (o *op) upcoming(c *portico.Customer, s *portico.Subscription) *portico.UpcomingInvoice {
	date := s.NextDue()
	inv := &portico.UpcomingInvoice{SubscriptionID: s.ID, Date: date, Currency: o.currency(c, s, nil), Lines: o.upcomingLines(s, date)}
	inv.Estimated = s.Status == portico.StatusActive && len(usageCharges(s)) > 0
	inv.Subtotal = portico.SumLines(inv.Lines)
	if c.Credit.Amount > 0 && (c.Credit.Currency == "" || c.Credit.Currency == inv.Currency) {
		inv.Credit = min(c.Credit.Amount, max(inv.Subtotal, 0))
	}
	inv.Total = inv.Subtotal - inv.Credit
	return inv
}

// upcomingLines are the lines of s's invoice at its next due date: what
// closing the current period bills in arrears so far, then the next period
// in advance on the terms it will have.
func (o *op) upcomingLines(s *portico.Subscription, date time.Time) []portico.Line {
	lines, err := o.closingLines(s, date)
	o.fail(err)
	if lines == nil {
		lines = []portico.Line{}
	}
	if next := o.termsAt(s, date); next != nil {
		end := boundary(date, billingUnit(next.BillingPeriod), 1)
		lines = append(lines, o.paidLines(next, date, end)...)
	}
	return lines
}

// termsAt is what s will be billed for in advance from its next due date
// at: the scheduled change's terms, the paid plan after a trial that
// converts, the same terms on renewal; nil when nothing follows (a
// cancellation, a trial that ends unpaid).
func (o *op) termsAt(s *portico.Subscription, at time.Time) *portico.Subscription {
	for _, u := range s.ScheduledUpdates {
		if !u.EffectiveAt.Equal(at) {
			continue
		}
		if u.Type == portico.UpdateCancellation {
			return nil
		}
		return o.scheduledTerms(s, u)
	}
	if s.Status == portico.StatusTrialing && s.TrialEndsAt != nil && s.TrialEndsAt.Equal(at) {
		if out := o.trialOutcome(s); out == nil || out.Action != portico.TrialConverts {
			return nil
		}
	}
	return s
}

// keptQuantities are the committed quantities on plan for a subscription
// coming from old: each one the plan still charges for, within its bounds,
// else the charge's least.
func keptQuantities(plan portico.Plan, old *portico.Subscription) map[string]int64 {
	out := minQuantities(plan)
	if old == nil {
		return out
	}
	for _, c := range plan.Charges {
		if q, ok := old.Quantities[c.FeatureID]; ok && c.Model.Committed() {
			q = max(q, c.Min())
			if c.MaxQuantity > 0 {
				q = min(q, c.MaxQuantity)
			}
			out[c.FeatureID] = q
		}
	}
	return out
}
