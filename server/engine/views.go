package engine

import (
	"context"
	"errors"
	"slices"

	portico "github.com/portico-dev/portico"
)

func (o *op) subView(s *portico.Subscription) portico.SubscriptionView {
	plan, _ := o.cat.Plan(s.PlanID)
	product, _ := o.cat.Product(s.ProductID)
	v := portico.SubscriptionView{
		ID: s.ID, ProductID: s.ProductID, ProductName: product.Name, ResourceID: s.ResourceID,
		Plan: portico.PlanRef{ID: plan.ID, Name: plan.Name}, Status: s.Status, Pricing: s.Pricing,
		BillingPeriod: s.BillingPeriod, Price: s.Price, Total: o.total(s), Addons: []portico.AddonView{},
		TrialEndsAt: s.TrialEndsAt, CurrentPeriodStart: s.CurrentPeriodStart, CurrentPeriodEnd: s.CurrentPeriodEnd,
		CancelAt: s.CancelAt, EndedAt: s.EndedAt, ScheduledUpdates: s.ScheduledUpdates,
		Cancellation: cancellationTiming(product, s),
		Quantities:   s.Quantities, Charges: o.chargeViews(s), MinimumSpend: s.MinimumSpend,
	}
	if v.Quantities == nil {
		v.Quantities = map[string]int64{}
	}
	v.ScheduledUpdates = make([]portico.ScheduledUpdate, len(s.ScheduledUpdates))
	for i, u := range s.ScheduledUpdates {
		targetID := u.TargetPlanID
		if targetID == "" {
			targetID = u.DowngradeToPlanID
		}
		target, _ := o.cat.Plan(targetID)
		u.TargetPlanName = target.Name
		v.ScheduledUpdates[i] = u
	}
	v.TrialOutcome = o.trialOutcome(s)
	for _, aq := range s.Addons {
		a, _ := o.cat.Addon(aq.ID)
		pr, _ := o.addonPrice(s, aq.ID)
		v.Addons = append(v.Addons, portico.AddonView{ID: a.ID, Name: a.Name, Quantity: aq.Quantity, Price: pr})
	}
	return v
}

// trialOutcome is what the end of s's trial will do as things stand: the
// paid plan with a payment method on file, else the rule fixed when the
// trial started. Nil when s is not on a trial.
func (o *op) trialOutcome(s *portico.Subscription) *portico.TrialOutcome {
	if s.Status != portico.StatusTrialing {
		return nil
	}
	if o.hasPaymentMethod(s.CustomerID) {
		return &portico.TrialOutcome{Action: portico.TrialConverts}
	}
	if s.TrialEnd != nil && s.TrialEnd.DowngradeToPlanID != "" {
		plan, _ := o.cat.Plan(s.TrialEnd.DowngradeToPlanID)
		return &portico.TrialOutcome{Action: portico.TrialDowngrades, Plan: &portico.PlanRef{ID: plan.ID, Name: plan.Name}}
	}
	return &portico.TrialOutcome{Action: portico.TrialExpires}
}

// cancellationTiming is when cancelling s now would end it, as cancel
// applies the product's rule: a free plan has no paid period to run out.
func cancellationTiming(product portico.Product, s *portico.Subscription) portico.Timing {
	switch {
	case !s.Live():
		return ""
	case product.Journey.Cancellation == portico.EndOfPeriod && s.Pricing != portico.PricingFree:
		return portico.EndOfPeriod
	}
	return portico.Immediate
}

// Portal returns everything the portal shows for a portal session's scope.
func (e *Engine) Portal(ctx context.Context, scope portico.PortalScope) (*portico.PortalView, error) {
	var out *portico.PortalView
	err := e.readCustomer(ctx, scope.CustomerID, func(o *op, c *portico.Customer) error {
		var err error
		out, err = o.portal(c, scope)
		return err
	})
	return out, err
}

func (o *op) portal(c *portico.Customer, scope portico.PortalScope) (*portico.PortalView, error) {
	defer o.inLocale(scope.Locale)()
	subs, err := o.tx.SubscriptionsOf(c.ID)
	if err != nil {
		return nil, err
	}
	currency, _ := o.customerCurrency(c, scope.ProductID)
	v := &portico.PortalView{
		Customer: portico.PortalCustomer{ID: c.ID, Name: c.Name, Email: c.Email, Currency: currency},
		Scope:    scope, Credit: c.Credit, Subscriptions: []portico.SubscriptionView{},
		Promotions: []portico.PromotionView{}, Invoices: []portico.Invoice{}, Now: o.now, PastDue: c.PastDue,
	}
	var bills []*portico.Bill
	var billed []string // the subscription of each bill
	for _, s := range shownSubs(subs, c.ID, PortalActor(scope)) {
		sv := o.subView(s)
		v.Subscriptions = append(v.Subscriptions, sv)
		if b := o.nextBill(s, sv.TrialOutcome); b != nil {
			bills, billed = append(bills, b), append(billed, s.ID)
		}
	}
	v.NextBill = earliestBill(bills)
	v.NextBillFor = billedFor(v.NextBill, bills, billed)
	if v.NextBill != nil && c.Credit.Currency == v.NextBill.Currency {
		v.NextBill.Amount = max(v.NextBill.Amount-c.Credit.Amount, 0)
	}
	if v.Entitlements, err = o.entitlements(c, scope.ResourceID); err != nil {
		return nil, err
	}
	if scope.ProductID != "" {
		v.Entitlements = o.productEntitlements(v.Entitlements, scope.ProductID)
	}
	if v.Promotions, err = o.promotionViews(c.ID); err != nil {
		return nil, err
	}
	if v.Billing, err = o.billingView(c.ID); err != nil {
		return nil, err
	}
	invoices, err := o.tx.InvoicesOf(c.ID)
	if err != nil {
		return nil, err
	}
	v.Invoices = invoicesInScope(invoices, subs, c.ID, scope)
	return v, nil
}

// InvoicesInScope keeps the invoices a portal session may see: all of the
// customer's for an unlimited session; for one limited to a product or a
// resource, those of its subscriptions only (an invoice for no known
// subscription is not shown there).
func (e *Engine) InvoicesInScope(ctx context.Context, scope portico.PortalScope, invoices []portico.Invoice) ([]portico.Invoice, error) {
	var out []portico.Invoice
	err := e.view(ctx, func(o *op) error {
		subs, err := o.tx.SubscriptionsOf(scope.CustomerID)
		out = invoicesInScope(invoices, subs, scope.CustomerID, scope)
		return err
	})
	return out, err
}

func invoicesInScope(invoices []portico.Invoice, subs []*portico.Subscription, customerID string, scope portico.PortalScope) []portico.Invoice {
	out := []portico.Invoice{}
	if scope.ProductID == "" && scope.ResourceID == "" {
		return append(out, invoices...)
	}
	shown := map[string]bool{}
	for _, s := range subs {
		shown[s.ID] = inScope(s, customerID, PortalActor(scope))
	}
	for _, inv := range invoices {
		if shown[inv.SubscriptionID] {
			out = append(out, inv)
		}
	}
	return out
}

// shownSubs keeps the live subscriptions in scope and, where a product (and
// resource) has none, its most recent ended one, so the portal can say so.
func shownSubs(subs []*portico.Subscription, customerID string, actor Actor) []*portico.Subscription {
	type key struct{ product, resource string }
	latest := map[key]*portico.Subscription{}
	var order []key
	for _, s := range subs {
		if !inScope(s, customerID, actor) {
			continue
		}
		k := key{s.ProductID, s.ResourceID}
		prev, seen := latest[k]
		if !seen {
			order = append(order, k)
		}
		if !seen || s.Live() || (!prev.Live() && s.CreatedAt.After(prev.CreatedAt)) {
			latest[k] = s
		}
	}
	out := make([]*portico.Subscription, 0, len(order))
	for _, k := range order {
		out = append(out, latest[k])
	}
	return out
}

// nextBill is the subscription's next charge: a scheduled change's new
// total, the paid plan after a trial, or the renewal. None once cancelled.
// trial is the trial's outcome its view holds (asking the billing provider
// once per subscription).
func (o *op) nextBill(s *portico.Subscription, trial *portico.TrialOutcome) *portico.Bill {
	if !s.Live() || s.CancelAt != nil {
		return nil
	}
	// An unpaid trial's end bills nothing: it downgrades or expires.
	if trial != nil && trial.Action != portico.TrialConverts {
		return nil
	}
	at, total := s.CurrentPeriodEnd, o.total(s)
	for _, u := range s.ScheduledUpdates {
		if u.Type != portico.UpdateCancellation {
			at, total = u.EffectiveAt, o.total(o.scheduledTerms(s, u))
		}
	}
	if len(usageCharges(s)) > 0 || s.MinimumSpend != nil {
		// Usage so far and the minimum are billed with the renewal.
		total = portico.Money{Amount: portico.SumLines(o.upcomingLines(s, s.NextDue())), Currency: o.currency(nil, s, nil)}
		at = s.NextDue()
	}
	if total.Amount == 0 {
		return nil
	}
	return &portico.Bill{Amount: total.Amount, Currency: total.Currency, Date: at}
}

// scheduledTerms is the subscription a scheduled change leads to, at the
// prices agreed when it was scheduled (the catalog's for changes scheduled
// before prices were kept).
func (o *op) scheduledTerms(s *portico.Subscription, u portico.ScheduledUpdate) *portico.Subscription {
	next := &portico.Subscription{PlanID: u.TargetPlanID, BillingPeriod: u.TargetBillingPeriod, Addons: u.TargetAddons,
		AddonPrices: u.TargetAddonPrices, Quantities: u.TargetQuantities, Charges: u.TargetCharges, MinimumSpend: u.TargetMinimumSpend}
	plan, _ := o.cat.Plan(u.TargetPlanID)
	switch {
	case u.TargetPrice != nil:
		next.Price = *u.TargetPrice
	case plan.Pricing == portico.PricingCustom:
		next.Price = s.Price
	default:
		next.Price, _ = priceOf(plan, u.TargetBillingPeriod, agreedCurrency(s), nil, nil)
	}
	return next
}

func (o *op) promotionViews(customerID string) ([]portico.PromotionView, error) {
	promos, err := o.tx.PromotionsOf(customerID)
	if err != nil {
		return nil, err
	}
	out := []portico.PromotionView{}
	for _, p := range promos {
		if !p.ActiveAt(o.now) {
			continue
		}
		f, _ := o.cat.Feature(p.FeatureID)
		out = append(out, portico.PromotionView{Promotion: p, FeatureName: f.Name, Unit: f.Unit})
	}
	return out, nil
}

func (o *op) billingView(customerID string) (portico.BillingView, error) {
	p, err := o.tx.BillingProfile(customerID)
	if errors.Is(err, portico.ErrNotFound) {
		return portico.BillingView{}, nil
	}
	if err != nil {
		return portico.BillingView{}, err
	}
	return portico.BillingView{Connected: true, Provider: "local", Name: p.Name, Email: p.Email,
		Address: p.Address, PaymentMethod: p.PaymentMethod}, nil
}

// CancelScheduled drops a subscription's pending scheduled changes,
// including a cancellation at period end.
func (e *Engine) CancelScheduled(ctx context.Context, customerID, subID string, actor Actor) (*portico.SubscriptionView, error) {
	var out portico.SubscriptionView
	err := e.writeCustomer(ctx, customerID, func(o *op, c *portico.Customer) error {
		s, err := o.ownedSub(c.ID, subID, actor)
		if err != nil {
			return err
		}
		if len(s.ScheduledUpdates) == 0 {
			return portico.Conflict("subscription %q has no scheduled updates", s.ID)
		}
		if err := o.syncUnschedule(c, s, actor); err != nil {
			return err
		}
		s.ScheduledUpdates, s.CancelAt = []portico.ScheduledUpdate{}, nil
		out = o.subView(s)
		return o.tx.PutSubscription(s)
	})
	return &out, err
}

// Paywall returns a product's plans with what choosing each would do for
// the customer, priced for the billing period.
func (e *Engine) Paywall(ctx context.Context, scope portico.PortalScope, productID string, period portico.BillingPeriod) (*portico.PaywallView, error) {
	var out *portico.PaywallView
	err := e.readCustomer(ctx, scope.CustomerID, func(o *op, c *portico.Customer) error {
		var err error
		out, err = o.paywall(c, scope, productID, period)
		return err
	})
	return out, err
}

func (o *op) paywall(c *portico.Customer, scope portico.PortalScope, productID string, period portico.BillingPeriod) (*portico.PaywallView, error) {
	defer o.inLocale(scope.Locale)()
	product, err := o.paywallProduct(c, scope, productID)
	if err != nil {
		return nil, err
	}
	resourceID := ""
	if product.SubscriptionType == portico.SubscriptionMultiple {
		resourceID = scope.ResourceID
	}
	cur, err := o.liveSub(c.ID, product.ID, resourceID)
	if err != nil {
		return nil, err
	}
	v := &portico.PaywallView{Product: portico.ProductRef{ID: product.ID, Name: product.Name,
		Description: product.Description, Metadata: product.Metadata}, Plans: []portico.PaywallPlan{}, Addons: []portico.PaywallAddon{}}
	v.Currency, _ = o.customerCurrency(c, product.ID)
	plans := o.cat.PlansOf(product.ID)
	v.BillingPeriods = billingPeriods(plans, v.Currency)
	v.BillingPeriod = choosePeriod(period, cur, v.BillingPeriods)
	if period != "" && !slices.Contains(v.BillingPeriods, period) {
		return nil, portico.Invalid("billingPeriod", "product %q is not sold %s", product.ID, period)
	}
	if cur != nil {
		v.SubscriptionID = cur.ID
	}
	usage := o.usageNow(c, resourceID)
	held := o.holdingsOf(c)
	for _, p := range plans {
		if card, ok := o.planCard(c, cur, product, p, v.BillingPeriod, v.Currency, usage, held); ok {
			v.Plans = append(v.Plans, card)
		}
	}
	for _, a := range o.cat.Addons {
		// Add-ons not sold in the customer's currency are not offered.
		if prices := portico.PricesIn(a.Prices, v.Currency); a.ProductID == product.ID && !a.Archived && len(prices) > 0 {
			v.Addons = append(v.Addons, portico.PaywallAddon{ID: a.ID, Name: a.Name, Description: a.Description,
				MaxQuantity: a.MaxQuantity, Prices: prices, Entitlements: o.lines(a.Entitlements)})
		}
	}
	return v, nil
}

// paywallProduct is the product asked for, else the session's, else the
// one product the customer subscribes to, else the catalog's only product.
func (o *op) paywallProduct(c *portico.Customer, scope portico.PortalScope, productID string) (portico.Product, error) {
	if scope.ProductID != "" {
		if productID != "" && productID != scope.ProductID {
			return portico.Product{}, portico.Forbidden("this portal session is limited to product %q", scope.ProductID)
		}
		productID = scope.ProductID
	}
	if productID == "" {
		productID = o.onlySubscribedProduct(c.ID)
	}
	if productID == "" {
		var live []portico.Product
		for _, p := range o.cat.Products {
			if !p.Archived {
				live = append(live, p)
			}
		}
		if len(live) != 1 {
			return portico.Product{}, portico.Invalid("productId", "is required: the catalog has %d products", len(live))
		}
		return live[0], nil
	}
	p, ok := o.cat.Product(productID)
	if !ok {
		return portico.Product{}, portico.NotFound("product", productID)
	}
	return p, nil
}

// billingPeriods are the periods the plans are sold for in the currency,
// in the order BillingPeriod lists them; monthly when none is.
func billingPeriods(plans []portico.Plan, currency string) []portico.BillingPeriod {
	out := []portico.BillingPeriod{}
	for _, period := range portico.BillingPeriod("").Values() {
		for _, p := range plans {
			if _, ok := p.PriceFor(period, currency); ok && !p.Archived {
				out = append(out, period)
				break
			}
		}
	}
	if len(out) == 0 {
		out = append(out, portico.Monthly)
	}
	return out
}

func choosePeriod(asked portico.BillingPeriod, cur *portico.Subscription, periods []portico.BillingPeriod) portico.BillingPeriod {
	if asked != "" {
		return asked
	}
	if cur != nil && slices.Contains(periods, cur.BillingPeriod) {
		return cur.BillingPeriod
	}
	return periods[0]
}

// planCard is a plan as the paywall shows it, with its intent. Archived
// plans show only to those still on them; paid plans only in the periods
// they are sold for in the customer's currency, with their prices in it.
func (o *op) planCard(c *portico.Customer, cur *portico.Subscription, product portico.Product, p portico.Plan, period portico.BillingPeriod, currency string, usage map[string]int64, held holdings) (portico.PaywallPlan, bool) {
	onIt := cur != nil && cur.PlanID == p.ID
	pr, priced := p.PriceFor(period, currency)
	if (p.Archived && !onIt) || (p.Pricing == portico.PricingPaid && !priced && !onIt) {
		return portico.PaywallPlan{}, false
	}
	card := portico.PaywallPlan{ID: p.ID, Name: p.Name, Description: p.Description, Order: p.Order,
		Pricing: p.Pricing, Prices: portico.PricesIn(p.Prices, currency), TrialDays: p.TrialDays, Entitlements: o.lines(p.Entitlements),
		AddonIDs: p.AddonIDs, Highlighted: product.Metadata["highlight"] == p.ID}
	if priced {
		card.Price = &portico.Money{Amount: pr.Amount, Currency: pr.Currency}
	}
	o.cardCharges(&card, p, period, currency, cur)
	card.Intent = o.intent(c, cur, p, period, currency)
	target := o.planProbe(p, cur)
	card.BelowUsage = o.belowUsage(o.after(held, cur, target), o.touched(cur, target), usage)
	return card, true
}

func (o *op) intent(c *portico.Customer, cur *portico.Subscription, p portico.Plan, period portico.BillingPeriod, currency string) portico.Intent {
	switch {
	case cur == nil && p.Pricing == portico.PricingCustom:
		return portico.IntentContactSales
	case (cur == nil || (cur.Pricing == portico.PricingFree && cur.Status == portico.StatusActive)) && offersTrial(c, p):
		return portico.IntentStartTrial
	case cur == nil:
		return portico.IntentSubscribe
	case cur.PlanID == p.ID && (p.Pricing != portico.PricingPaid || cur.BillingPeriod == period):
		return portico.IntentCurrent
	case cur.Pricing == portico.PricingCustom || p.Pricing == portico.PricingCustom:
		return portico.IntentContactSales
	}
	for _, u := range cur.ScheduledUpdates {
		if u.Type != portico.UpdateCancellation && u.TargetPlanID == p.ID && (p.Pricing != portico.PricingPaid || u.TargetBillingPeriod == period) {
			return portico.IntentScheduled
		}
	}
	if cur.PlanID == p.ID {
		if _, sold := p.PriceFor(period, currency); !sold {
			return portico.IntentCurrent // not sold for this period: nothing to switch to
		}
		return portico.IntentSwitchPeriod
	}
	curPlan, _ := o.cat.Plan(cur.PlanID)
	target := &portico.Subscription{PlanID: p.ID, Pricing: p.Pricing, BillingPeriod: period}
	target.Price, _ = priceOf(p, period, currency, nil, nil)
	probe := *cur
	probe.Status = portico.StatusActive // during a trial, label by order, not timing
	if o.direction(&probe, curPlan, p, target) < 0 {
		return portico.IntentDowngrade
	}
	return portico.IntentUpgrade
}

func (o *op) lines(es []portico.Entitlement) []portico.EntitlementLine {
	out := []portico.EntitlementLine{}
	for _, e := range es {
		out = append(out, o.line(e, "", nil))
	}
	return out
}

// onlySubscribedProduct is the product of the customer's live
// subscriptions when they are all to one product, else "".
func (o *op) onlySubscribedProduct(customerID string) string {
	subs, err := o.tx.SubscriptionsOf(customerID)
	o.fail(err)
	only := ""
	for _, s := range subs {
		if !s.Live() {
			continue
		}
		if only != "" && only != s.ProductID {
			return ""
		}
		only = s.ProductID
	}
	return only
}

// planProbe is the subscription choosing the plan would give: the plan
// with the current add-ons it also sells, which a change keeps.
func (o *op) planProbe(p portico.Plan, cur *portico.Subscription) *portico.Subscription {
	s := &portico.Subscription{PlanID: p.ID, Addons: []portico.AddonQuantity{}, Charges: p.Charges, Quantities: keptQuantities(p, cur)}
	if cur != nil {
		for _, a := range cur.Addons {
			if p.AllowsAddon(a.ID) {
				s.Addons = append(s.Addons, a)
			}
		}
		s.ResourceID = cur.ResourceID
	}
	return s
}

// earliestBill is the next bill: everything due on the earliest date, in
// the currency of the first bill on it.
func earliestBill(bills []*portico.Bill) *portico.Bill {
	var next *portico.Bill
	for _, b := range bills {
		if next == nil || b.Date.Before(next.Date) {
			next = &portico.Bill{Amount: b.Amount, Currency: b.Currency, Date: b.Date}
		} else if b.Date.Equal(next.Date) && b.Currency == next.Currency {
			next.Amount += b.Amount
		}
	}
	return next
}

// billedFor lists the subscriptions whose bills make up next.
func billedFor(next *portico.Bill, bills []*portico.Bill, subIDs []string) []string {
	var out []string
	for i, b := range bills {
		if next != nil && b.Date.Equal(next.Date) && b.Currency == next.Currency {
			out = append(out, subIDs[i])
		}
	}
	return out
}

// productEntitlements keeps the entitlements of features the product's
// plans or add-ons grant, for a portal limited to that product.
func (o *op) productEntitlements(all []portico.EntitlementView, productID string) []portico.EntitlementView {
	features := o.productFeatures(productID)
	out := []portico.EntitlementView{}
	for _, e := range all {
		if features[e.FeatureID] {
			out = append(out, e)
		}
	}
	return out
}

// ProspectPaywall is a product's paywall as a new customer would see it:
// the console's preview of the pricing table.
func (e *Engine) ProspectPaywall(ctx context.Context, productID string, period portico.BillingPeriod) (*portico.PaywallView, error) {
	var out *portico.PaywallView
	err := e.view(ctx, func(o *op) error {
		if _, ok := o.cat.Product(productID); !ok {
			return portico.NotFound("product", productID)
		}
		var err error
		if out, err = o.paywall(&portico.Customer{}, portico.PortalScope{}, productID, period); err != nil {
			return err
		}
		return o.err
	})
	return out, err
}
