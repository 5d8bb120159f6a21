package engine

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	portico "github.com/portico-dev/portico"
)

// Actor is who asks for a change: the SaaS backend (trusted, may set custom
// prices), a customer through a portal session limited to a scope, or the
// billing provider reporting a change it made.
type Actor struct {
	Portal bool
	Scope  portico.PortalScope
	// FromProvider marks a change the billing provider reported: it is
	// applied to Portico and not mirrored back to where it came from.
	FromProvider bool
}

// Backend is the SaaS backend, acting through the secret-key API.
var Backend = Actor{}

// Provider is the billing provider reporting a change it made (a
// subscription it ended): trusted like the backend, never mirrored back.
var Provider = Actor{FromProvider: true}

// PortalActor is a customer acting through a portal session.
func PortalActor(scope portico.PortalScope) Actor { return Actor{Portal: true, Scope: scope} }

// contactSupport is the reason self-service stops at custom prices.
const contactSupport = "this subscription has a custom price; contact support to change it"

// plannedChange is a change worked out but not yet written: the preview
// shows it, ChangeSubscription applies it.
type plannedChange struct {
	product   portico.Product
	cur       *portico.Subscription // the live subscription changed, nil for a new one
	next      *portico.Subscription // the state after an immediate change
	scheduled *portico.ScheduledUpdate
	preview   portico.Preview
	newCredit int64 // the customer's credit balance afterwards
	reset     bool  // metered usage restarts from zero
	oldAnchor time.Time
	trial     bool
	actor     Actor // who asks for it
	// currency is what the change is priced in: the customer's.
	currency string
	// billedUsage is set when the change ends the period early and bills
	// its usage: the usage-priced features then start from zero.
	billedUsage bool
}

// ChangeSubscription provisions or changes a subscription under the
// product's journey rules.
func (e *Engine) ChangeSubscription(ctx context.Context, customerID string, req portico.ChangeRequest, actor Actor) (*portico.ChangeResult, error) {
	var res *portico.ChangeResult
	err := e.writeCustomer(ctx, customerID, func(o *op, c *portico.Customer) error {
		ch, err := o.planChange(c, req, actor)
		if err != nil {
			return err
		}
		s, err := o.applyChange(c, ch)
		if err != nil {
			return err
		}
		res = &portico.ChangeResult{Subscription: o.subView(s), Preview: ch.preview}
		return nil
	})
	return res, err
}

// Preview works out what a change would do without making it.
func (e *Engine) Preview(ctx context.Context, customerID string, req portico.ChangeRequest, actor Actor) (*portico.Preview, error) {
	var p *portico.Preview
	err := e.readCustomer(ctx, customerID, func(o *op, c *portico.Customer) error {
		ch, err := o.planChange(c, req, actor)
		if err != nil {
			return err
		}
		p = &ch.preview
		return nil
	})
	return p, err
}

func (o *op) planChange(c *portico.Customer, req portico.ChangeRequest, actor Actor) (*plannedChange, error) {
	plan, ok := o.cat.Plan(req.PlanID)
	if !ok {
		return nil, portico.Invalid("planId", "unknown plan %q", req.PlanID)
	}
	product, _ := o.cat.Product(plan.ProductID)
	if actor.Portal && actor.Scope.ProductID != "" && actor.Scope.ProductID != product.ID {
		return nil, portico.Forbidden("this portal session is limited to product %q", actor.Scope.ProductID)
	}
	resourceID, err := o.resourceFor(c.ID, product, req, actor)
	if err != nil {
		return nil, err
	}
	cur, err := o.currentSub(c.ID, product, resourceID, req.SubscriptionID, actor)
	if err != nil {
		return nil, err
	}
	if err := checkAllowed(product, plan, cur, actor); err != nil {
		return nil, err
	}
	currency, err := o.changeCurrency(c, product.ID, req.Price)
	if err != nil {
		return nil, err
	}
	if plan.Pricing == portico.PricingPaid && !plan.SoldIn(currency) {
		return nil, portico.Invalid("planId", "plan %q is not sold in %s, the customer's currency", plan.ID, currency)
	}
	period, err := periodFor(plan, req.BillingPeriod, cur, currency)
	if err != nil {
		return nil, err
	}
	addons, err := o.checkAddons(plan, period, currency, req.Addons, cur)
	if err != nil {
		return nil, err
	}
	price, err := priceOf(plan, period, currency, req.Price, cur)
	if err != nil {
		return nil, err
	}
	quantities, err := quantitiesFor(plan, req.Quantities, cur)
	if err != nil {
		return nil, err
	}
	target := &portico.Subscription{
		CustomerID: c.ID, ProductID: product.ID, ResourceID: resourceID,
		PlanID: plan.ID, Pricing: plan.Pricing, BillingPeriod: period, Price: price, Addons: addons,
		AddonPrices: o.catalogAddonPrices(addons, period, currency), Quantities: quantities,
	}
	setCatalogCharges(target, plan, currency)
	ch := &plannedChange{product: product, cur: cur, actor: actor, currency: currency}
	if cur == nil {
		o.planNew(c, ch, plan, target)
	} else if err := o.planUpdate(c, ch, plan, target); err != nil {
		return nil, err
	}
	o.finishPreview(c, ch, target)
	return ch, nil
}

// resourceFor is the resource a change applies to: the one asked for, else
// the named subscription's, else the portal session's.
func (o *op) resourceFor(customerID string, product portico.Product, req portico.ChangeRequest, actor Actor) (string, error) {
	if product.SubscriptionType == portico.SubscriptionSingle {
		return "", nil
	}
	resourceID := req.ResourceID
	if resourceID == "" && req.SubscriptionID != "" {
		s, err := o.ownedSub(customerID, req.SubscriptionID, actor)
		if err != nil {
			return "", err
		}
		resourceID = s.ResourceID
	}
	if resourceID == "" && actor.Portal {
		resourceID = actor.Scope.ResourceID
	}
	if resourceID == "" {
		return "", portico.Invalid("resourceId", "is required: product %q holds one subscription per resource", product.ID)
	}
	if actor.Portal && actor.Scope.ResourceID != "" && resourceID != actor.Scope.ResourceID {
		return "", portico.Forbidden("this portal session is limited to resource %q", actor.Scope.ResourceID)
	}
	return resourceID, nil
}

// currentSub finds the live subscription a change applies to: the one named,
// or the product's (and resource's) live one.
func (o *op) currentSub(customerID string, product portico.Product, resourceID, subID string, actor Actor) (*portico.Subscription, error) {
	if subID != "" {
		s, err := o.ownedSub(customerID, subID, actor)
		if err != nil {
			return nil, err
		}
		if s.ProductID != product.ID {
			return nil, portico.Invalid("planId", "plan belongs to product %q but subscription %q is to %q", product.ID, subID, s.ProductID)
		}
		if !s.Live() {
			return nil, portico.Conflict("subscription %q has ended (%s); start a new one without subscriptionId", subID, s.Status)
		}
		return s, nil
	}
	return o.liveSub(customerID, product.ID, resourceID)
}

// ownedSub returns the customer's subscription, as 404 when it is someone
// else's or outside the portal session's scope (its existence is not told).
func (o *op) ownedSub(customerID, subID string, actor Actor) (*portico.Subscription, error) {
	s, err := o.tx.Subscription(subID)
	if errors.Is(err, portico.ErrNotFound) || (err == nil && !inScope(s, customerID, actor)) {
		return nil, portico.NotFound("subscription", subID)
	}
	return s, err
}

func inScope(s *portico.Subscription, customerID string, actor Actor) bool {
	if s.CustomerID != customerID {
		return false
	}
	if !actor.Portal {
		return true
	}
	return (actor.Scope.ProductID == "" || actor.Scope.ProductID == s.ProductID) && inResourceScope(s, actor)
}

// inResourceScope tells whether a portal session limited to a resource
// reaches the subscription: one of that resource, or one held for the
// customer as a whole (no resource).
func inResourceScope(s *portico.Subscription, actor Actor) bool {
	return !actor.Portal || actor.Scope.ResourceID == "" || s.ResourceID == "" || actor.Scope.ResourceID == s.ResourceID
}

func (o *op) liveSub(customerID, productID, resourceID string) (*portico.Subscription, error) {
	subs, err := o.tx.SubscriptionsOf(customerID)
	if err != nil {
		return nil, err
	}
	for _, s := range subs {
		if s.Live() && s.ProductID == productID && s.ResourceID == resourceID {
			return s, nil
		}
	}
	return nil, nil
}

func checkAllowed(product portico.Product, plan portico.Plan, cur *portico.Subscription, actor Actor) error {
	if actor.Portal && (plan.Pricing == portico.PricingCustom || (cur != nil && cur.Pricing == portico.PricingCustom)) {
		return portico.Forbidden(contactSupport)
	}
	if cur == nil && product.Archived {
		return portico.Conflict("product %q is archived and takes no new subscriptions", product.ID)
	}
	if plan.Archived && (cur == nil || cur.PlanID != plan.ID) {
		return portico.Conflict("plan %q is archived and takes no new subscriptions", plan.ID)
	}
	return nil
}

// changeCurrency is the currency a change is priced in: the customer's (see
// customerCurrency). A custom price sets it for a customer who has none
// yet, and is refused in another.
func (o *op) changeCurrency(c *portico.Customer, productID string, custom *portico.Money) (string, error) {
	currency, held := o.customerCurrency(c, productID)
	switch {
	case custom == nil:
		return currency, nil
	case !held:
		return custom.Currency, nil
	case custom.Currency != currency:
		return "", portico.Invalid("price.currency", "must be %s, the customer's currency", currency)
	}
	return currency, nil
}

// customerCurrency is the currency the customer pays in: theirs, else that
// of a live subscription they hold (one from before customers had a
// currency), else the product's first; held is false in the last case.
func (o *op) customerCurrency(c *portico.Customer, productID string) (currency string, held bool) {
	if c.Currency != "" {
		return c.Currency, true
	}
	if c.ID != "" {
		subs, err := o.tx.SubscriptionsOf(c.ID)
		o.fail(err)
		for _, s := range subs {
			if cur := agreedCurrency(s); cur != "" && s.Live() {
				return cur, true
			}
		}
	}
	return o.cat.ProductCurrency(productID), false
}

// periodFor picks the billing period: the one asked for, else the current
// one when the plan offers it in the currency, else monthly, else the
// plan's first in the currency (monthly for unpriced).
func periodFor(plan portico.Plan, asked portico.BillingPeriod, cur *portico.Subscription, currency string) (portico.BillingPeriod, error) {
	if plan.Pricing != portico.PricingPaid {
		if asked != "" {
			return asked, nil
		}
		if cur != nil && cur.BillingPeriod != "" {
			return cur.BillingPeriod, nil
		}
		return portico.Monthly, nil
	}
	if asked != "" {
		if _, ok := plan.PriceFor(asked, currency); !ok {
			return "", portico.Invalid("billingPeriod", "plan %q has no %s price in %s", plan.ID, asked, currency)
		}
		return asked, nil
	}
	if cur != nil {
		if _, ok := plan.PriceFor(cur.BillingPeriod, currency); ok {
			return cur.BillingPeriod, nil
		}
	}
	if _, ok := plan.PriceFor(portico.Monthly, currency); ok {
		return portico.Monthly, nil
	}
	return portico.PricesIn(plan.Prices, currency)[0].BillingPeriod, nil
}

func (o *op) checkAddons(plan portico.Plan, period portico.BillingPeriod, currency string, asked []portico.AddonQuantity, cur *portico.Subscription) ([]portico.AddonQuantity, error) {
	seen := map[string]bool{}
	out := []portico.AddonQuantity{}
	for i, aq := range asked {
		field := fmt.Sprintf("addons[%d]", i)
		a, ok := o.cat.Addon(aq.ID)
		switch {
		case !ok:
			return nil, portico.Invalid(field+".id", "unknown add-on %q", aq.ID)
		case !plan.AllowsAddon(aq.ID):
			return nil, portico.Invalid(field+".id", "add-on %q cannot be bought with plan %q", aq.ID, plan.ID)
		case seen[aq.ID]:
			return nil, portico.Invalid(field+".id", "add-on %q is listed twice", aq.ID)
		case aq.Quantity < 1:
			return nil, portico.Invalid(field+".quantity", "must be at least 1")
		case a.MaxQuantity > 0 && aq.Quantity > a.MaxQuantity:
			return nil, portico.Invalid(field+".quantity", "must be at most %d for add-on %q", a.MaxQuantity, aq.ID)
		case a.Archived && !hasAddon(cur, aq.ID):
			return nil, portico.Conflict("add-on %q is archived and cannot be bought", aq.ID)
		}
		if _, ok := a.PriceFor(period, currency); !ok {
			return nil, portico.Invalid(field+".id", "add-on %q has no %s price in %s", aq.ID, period, currency)
		}
		seen[aq.ID] = true
		out = append(out, aq)
	}
	return out, nil
}

func hasAddon(s *portico.Subscription, id string) bool {
	return s != nil && slices.ContainsFunc(s.Addons, func(a portico.AddonQuantity) bool { return a.ID == id })
}

// priceOf is the plan's price for the period in the currency; custom-priced
// plans take the price the backend sets, or keep the one they have.
func priceOf(plan portico.Plan, period portico.BillingPeriod, currency string, custom *portico.Money, cur *portico.Subscription) (portico.Money, error) {
	switch plan.Pricing {
	case portico.PricingPaid:
		if custom != nil {
			return portico.Money{}, portico.Invalid("price", "only custom-priced plans take a price")
		}
		pr, _ := plan.PriceFor(period, currency)
		return portico.Money{Amount: pr.Amount, Currency: pr.Currency}, nil
	case portico.PricingCustom:
		if custom != nil {
			return *custom, nil
		}
		if cur != nil && cur.PlanID == plan.ID {
			return cur.Price, nil
		}
		return portico.Money{}, portico.Invalid("price", "is required: plan %q is custom-priced", plan.ID)
	}
	if custom != nil {
		return portico.Money{}, portico.Invalid("price", "only custom-priced plans take a price")
	}
	return portico.Money{}, nil
}

// currency is the subscription's currency, that of the prices it agreed
// to; a free plan has none of its own, so the one it comes from is used,
// else the customer's (c may be nil: unknown), else the product's first.
func (o *op) currency(c *portico.Customer, s, from *portico.Subscription) string {
	if cur := agreedCurrency(s); cur != "" {
		return cur
	}
	if from != nil {
		if cur := agreedCurrency(from); cur != "" {
			return cur
		}
	}
	if c != nil && c.Currency != "" {
		return c.Currency
	}
	return o.cat.ProductCurrency(s.ProductID)
}

// agreedCurrency is the currency of the prices s agreed to: its plan's, its
// charges' or its add-ons'; "" on a free plan.
func agreedCurrency(s *portico.Subscription) string {
	if s.Price.Currency != "" {
		return s.Price.Currency
	}
	for _, c := range s.Charges {
		if len(c.Prices) > 0 {
			return c.Prices[0].Currency
		}
	}
	if len(s.AddonPrices) > 0 {
		first := slices.Sorted(maps.Keys(s.AddonPrices))[0]
		return s.AddonPrices[first].Currency
	}
	return ""
}

// total is what the subscription costs per period: plan plus add-ons, at
// the prices agreed at its last change.
func (o *op) total(s *portico.Subscription) portico.Money {
	t := s.Price
	t.Amount += committedAmount(s)
	if t.Currency == "" {
		t.Currency = agreedCurrency(s)
	}
	for _, aq := range s.Addons {
		if pr, ok := o.addonPrice(s, aq.ID); ok {
			t.Amount += pr.Amount * int64(aq.Quantity)
			if t.Currency == "" {
				t.Currency = pr.Currency
			}
		}
	}
	return t
}

// addonPrice is the price of one unit of an add-on on s: the one agreed,
// else the catalog's for s's billing period and currency (the product's
// first for an add-on on a free plan, which has no currency of its own).
func (o *op) addonPrice(s *portico.Subscription, addonID string) (portico.Money, bool) {
	if pr, ok := s.AddonPrices[addonID]; ok {
		return pr, true
	}
	a, _ := o.cat.Addon(addonID)
	currency := agreedCurrency(s)
	if currency == "" {
		currency = o.cat.ProductCurrency(s.ProductID)
	}
	pr, ok := a.PriceFor(s.BillingPeriod, currency)
	return portico.Money{Amount: pr.Amount, Currency: pr.Currency}, ok
}

// catalogAddonPrices are the catalog's prices of the add-ons for period in
// the currency: what a change agrees to.
func (o *op) catalogAddonPrices(addons []portico.AddonQuantity, period portico.BillingPeriod, currency string) map[string]portico.Money {
	if len(addons) == 0 {
		return nil
	}
	out := make(map[string]portico.Money, len(addons))
	for _, aq := range addons {
		a, _ := o.cat.Addon(aq.ID)
		if pr, ok := a.PriceFor(period, currency); ok {
			out[aq.ID] = portico.Money{Amount: pr.Amount, Currency: pr.Currency}
		}
	}
	return out
}

// planNew starts a subscription: a trial when the plan has one and the
// customer has not had this product's trial, else the plan itself now.
func (o *op) planNew(c *portico.Customer, ch *plannedChange, plan portico.Plan, s *portico.Subscription) {
	now := o.now
	s.ID = newID("sub")
	s.CreatedAt, s.BillingAnchor, s.UsageAnchor = now, now, now
	s.ScheduledUpdates = []portico.ScheduledUpdate{}
	ch.next = s
	ch.preview.Effective, ch.preview.EffectiveAt = portico.Immediate, now
	if offersTrial(c, plan) {
		freePlan := ""
		if ch.product.Journey.AfterCancel == portico.AfterCancelDowngradeToFree {
			freePlan = ch.product.Journey.FreePlanID
		}
		o.startTrial(c, ch, plan, s, freePlan)
		return
	}
	s.Status = portico.StatusActive
	s.CurrentPeriodStart, s.CurrentPeriodEnd = now, boundary(now, billingUnit(s.BillingPeriod), 1)
	ch.preview.Intent = portico.IntentSubscribe
	o.charge(c, ch, o.paidLines(s, s.CurrentPeriodStart, s.CurrentPeriodEnd), 0)
}

// paidLines are the lines of a period billed in advance; none when it
// costs nothing.
func (o *op) paidLines(s *portico.Subscription, start, end time.Time) []portico.Line {
	if o.total(s).Amount == 0 {
		return nil
	}
	return o.periodLines(s, start, end)
}

// offersTrial reports whether choosing the plan starts its trial: the plan
// has one and the customer has not had this product's trial.
func offersTrial(c *portico.Customer, plan portico.Plan) bool {
	return plan.Pricing == portico.PricingPaid && plan.TrialDays > 0 && !slices.Contains(c.TrialedProducts, plan.ProductID)
}

// startTrial puts s on the plan's trial from now. An unpaid trial ends on
// freePlan, or is revoked when there is none.
func (o *op) startTrial(c *portico.Customer, ch *plannedChange, plan portico.Plan, s *portico.Subscription, freePlan string) {
	end := o.now.AddDate(0, 0, plan.TrialDays)
	s.Status, s.TrialEndsAt, s.EndedAt = portico.StatusTrialing, &end, nil
	s.CurrentPeriodStart, s.CurrentPeriodEnd = o.now, end
	s.TrialEnd = &portico.TrialEnd{DowngradeToPlanID: freePlan}
	ch.trial = true
	ch.preview.Intent = portico.IntentStartTrial
	ch.preview.Effective, ch.preview.EffectiveAt = portico.Immediate, o.now
	ch.newCredit = c.Credit.Amount
	ch.preview.AmountDueNow = portico.Money{Currency: ch.currency}
	ch.preview.Credit = portico.Money{Currency: ch.currency}
	ch.preview.Lines = []portico.Line{}
}

// planTrialFromFree starts a trial for a customer on the free plan. An
// unpaid trial returns them to the free plan they came from.
func (o *op) planTrialFromFree(c *portico.Customer, ch *plannedChange, plan portico.Plan, target *portico.Subscription) {
	cur := ch.cur
	next := *cur
	next.PlanID, next.Pricing, next.BillingPeriod = target.PlanID, target.Pricing, target.BillingPeriod
	next.Price, next.Addons, next.AddonPrices = target.Price, target.Addons, target.AddonPrices
	next.Quantities, next.Charges, next.MinimumSpend = target.Quantities, target.Charges, target.MinimumSpend
	next.ScheduledUpdates, next.CancelAt = []portico.ScheduledUpdate{}, nil
	next.BillingAnchor, next.UsageAnchor = o.now, o.now
	ch.next, ch.oldAnchor = &next, cur.UsageAnchor
	ch.reset = resetsUsage(ch.product.Journey.UsageReset, true)
	o.startTrial(c, ch, plan, &next, cur.PlanID)
	ch.preview.UsageReset = ch.reset
}

// charge works out what is due now from the lines charged and a credit for
// unused time, spending the customer's credit balance first. The preview's
// lines say it all: what is charged, the balance spent and any credit left
// over kept as balance, so that they add up, less the credit, to what is
// due now.
func (o *op) charge(c *portico.Customer, ch *plannedChange, lines []portico.Line, credit int64) {
	charge := portico.SumLines(lines)
	lines = slices.Clip(lines)
	if lines == nil {
		lines = []portico.Line{}
	}
	net := charge - credit
	cur := ch.currency
	// A balance in another currency is neither spent nor added to.
	sameCurrency := c.Credit.Currency == "" || c.Credit.Currency == cur || c.Credit.Amount == 0
	ch.newCredit = c.Credit.Amount
	if spend := min(max(net, 0), c.Credit.Amount); spend > 0 && sameCurrency {
		lines = append(lines, portico.Line{Kind: portico.LineBalance, Amount: -spend, Description: "Credit balance applied"})
		ch.newCredit -= spend
	}
	if net < 0 {
		if !sameCurrency {
			o.fail(portico.Conflict("the change would leave a credit in %s beside the customer's credit balance in %s; contact support", cur, c.Credit.Currency))
		}
		lines = append(lines, portico.Line{Kind: portico.LineCarried, Amount: -net, Description: "Unused credit kept as balance"})
		ch.newCredit += -net
	}
	due := max(portico.SumLines(lines)-credit, 0)
	ch.preview.AmountDueNow = portico.Money{Amount: due, Currency: cur}
	ch.preview.Credit = portico.Money{Amount: credit, Currency: cur}
	ch.preview.Lines = lines
}

func (o *op) planUpdate(c *portico.Customer, ch *plannedChange, plan portico.Plan, target *portico.Subscription) error {
	cur := ch.cur
	curPlan, _ := o.cat.Plan(cur.PlanID)
	if sameTerms(cur, target) && cur.Status != portico.StatusTrialing {
		return portico.Conflict("subscription %q is already on plan %q, %s, with these add-ons", cur.ID, plan.ID, target.BillingPeriod)
	}
	if cur.Pricing == portico.PricingFree && cur.Status == portico.StatusActive && offersTrial(c, plan) {
		o.planTrialFromFree(c, ch, plan, target)
		return nil
	}
	dir := o.direction(cur, curPlan, plan, target)
	ch.preview.Intent = intentFor(cur, target, dir)
	if dir < 0 && ch.product.Journey.Downgrade == portico.EndOfPeriod {
		o.planScheduled(ch, target)
		return nil
	}
	o.planImmediate(c, ch, target)
	return nil
}

func sameTerms(a, b *portico.Subscription) bool {
	return a.PlanID == b.PlanID && a.BillingPeriod == b.BillingPeriod && a.Price == b.Price &&
		slices.Equal(a.Addons, b.Addons) && maps.Equal(a.Quantities, b.Quantities)
}

// direction is +1 for an upgrade (immediate), -1 for a downgrade: a lower
// plan order, annual to monthly, or a smaller bill on the same plan. Any
// change during a trial ends the trial now, like an upgrade.
func (o *op) direction(cur *portico.Subscription, curPlan, plan portico.Plan, target *portico.Subscription) int {
	if cur.Status == portico.StatusTrialing {
		return 1
	}
	if curPlan.ID != plan.ID {
		if plan.Order != curPlan.Order {
			return sign(plan.Order - curPlan.Order)
		}
		return sign(int(o.monthly(target) - o.monthly(cur)))
	}
	if target.BillingPeriod != cur.BillingPeriod {
		if target.BillingPeriod == portico.Annually {
			return 1
		}
		return -1
	}
	if o.total(target).Amount >= o.total(cur).Amount {
		return 1
	}
	return -1
}

// monthly is the subscription's cost per month, so plans of equal order
// billed over different periods compare fairly.
func (o *op) monthly(s *portico.Subscription) int64 {
	t := o.total(s).Amount
	if s.BillingPeriod == portico.Annually {
		return t / 12
	}
	return t
}

func sign(n int) int {
	switch {
	case n > 0:
		return 1
	case n < 0:
		return -1
	}
	return 1
}

func intentFor(cur, target *portico.Subscription, dir int) portico.Intent {
	switch {
	case cur.PlanID == target.PlanID && cur.BillingPeriod != target.BillingPeriod:
		return portico.IntentSwitchPeriod
	case dir < 0:
		return portico.IntentDowngrade
	}
	return portico.IntentUpgrade
}

// anchorChanges reports whether moving from cur to target moves the billing
// anchor: between free, paid and custom pricing, between billing periods, or
// out of a trial.
func anchorChanges(cur, target *portico.Subscription) bool {
	return cur.Pricing != target.Pricing || cur.BillingPeriod != target.BillingPeriod || cur.Status == portico.StatusTrialing
}

func resetsUsage(mode portico.UsageReset, anchorChanged bool) bool {
	return mode == portico.ResetAlways || (mode == portico.ResetOnAnchorChange && anchorChanged)
}

// planImmediate applies a change now. A change of billing anchor starts a
// new period and bills it in full, less credit for the unused old one; on
// the same anchor the period goes on and both sides are prorated.
func (o *op) planImmediate(c *portico.Customer, ch *plannedChange, target *portico.Subscription) {
	cur, now := ch.cur, o.now
	next := *cur
	next.PlanID, next.Pricing, next.BillingPeriod = target.PlanID, target.Pricing, target.BillingPeriod
	next.Price, next.Addons, next.AddonPrices = target.Price, target.Addons, target.AddonPrices
	next.Quantities, next.Charges, next.MinimumSpend = target.Quantities, target.Charges, target.MinimumSpend
	next.Status, next.TrialEnd = portico.StatusActive, nil
	if cur.Status == portico.StatusTrialing {
		next.TrialEndsAt = &now // the trial ends early, now
	}
	next.ScheduledUpdates, next.CancelAt = []portico.ScheduledUpdate{}, nil
	ch.next = &next
	ch.oldAnchor = cur.UsageAnchor
	anchored := anchorChanges(cur, target)
	ch.reset = resetsUsage(ch.product.Journey.UsageReset, anchored)
	credit := unusedCredit(o.total(cur).Amount, cur, now)
	// Either way the usage so far is billed now, at the rates it was
	// agreed at, and usage-priced features go on from zero.
	lines, err := o.usageLines(cur, now)
	o.fail(err)
	ch.billedUsage = len(usageCharges(cur)) > 0
	if anchored {
		// The period ends early; a new one starts now, billed in full.
		next.CurrentPeriodStart, next.CurrentPeriodEnd = now, boundary(now, billingUnit(next.BillingPeriod), 1)
		next.BillingAnchor, next.UsageAnchor = now, now
		next.UsageBilled = 0
		lines = append(lines, o.paidLines(&next, next.CurrentPeriodStart, next.CurrentPeriodEnd)...)
	} else {
		// The period goes on under new terms: the usage billed counts
		// toward its minimum, the rest of it is prorated.
		next.UsageBilled = cur.UsageBilled + portico.SumLines(lines)
		part, whole := cur.CurrentPeriodEnd.Sub(now), cur.CurrentPeriodEnd.Sub(cur.CurrentPeriodStart)
		lines = append(lines, prorateLines(o.paidLines(&next, cur.CurrentPeriodStart, cur.CurrentPeriodEnd), part, whole, now)...)
	}
	ch.preview.Effective, ch.preview.EffectiveAt = portico.Immediate, now
	ch.preview.UsageReset = ch.reset
	o.charge(c, ch, lines, credit)
}

// planScheduled schedules a downgrade for the end of the current period,
// replacing any change scheduled before.
func (o *op) planScheduled(ch *plannedChange, target *portico.Subscription) {
	cur := ch.cur
	u := portico.ScheduledUpdate{
		Type: portico.UpdateAddonsChange, EffectiveAt: cur.CurrentPeriodEnd,
		TargetPlanID: target.PlanID, TargetBillingPeriod: target.BillingPeriod,
		TargetAddons: target.Addons, CreatedAt: o.now,
		TargetPrice: &target.Price, TargetAddonPrices: target.AddonPrices,
		TargetQuantities: target.Quantities, TargetCharges: target.Charges, TargetMinimumSpend: target.MinimumSpend,
	}
	switch {
	case target.PlanID != cur.PlanID:
		u.Type = portico.UpdatePlanChange
	case target.BillingPeriod != cur.BillingPeriod:
		u.Type = portico.UpdatePeriodChange
	case !maps.Equal(target.Quantities, cur.Quantities) && slices.Equal(target.Addons, cur.Addons):
		u.Type = portico.UpdateQuantityChange
	}
	ch.scheduled = &u
	ch.preview.Effective, ch.preview.EffectiveAt = portico.EndOfPeriod, u.EffectiveAt
	ch.preview.UsageReset = resetsUsage(ch.product.Journey.UsageReset, anchorChanges(cur, target))
	ch.preview.AmountDueNow = portico.Money{Currency: ch.currency}
	ch.preview.Credit = portico.Money{Currency: ch.currency}
	ch.preview.Lines = []portico.Line{}
}

// finishPreview adds what the customer gains and loses and the next bill.
func (o *op) finishPreview(c *portico.Customer, ch *plannedChange, target *portico.Subscription) {
	touched := o.touched(ch.cur, target)
	h := o.holdingsOf(c)
	before, after := o.before(h, target), o.after(h, ch.cur, target)
	ch.preview.Gained, ch.preview.Lost = o.diffGrants(o.entitlementsOf(before, touched), o.entitlementsOf(after, touched))
	ch.preview.BelowUsage = o.belowUsage(after, touched, o.usageNow(c, target.ResourceID))
	ch.preview.DroppedAddons = o.droppedAddons(ch.cur, target)
	ch.preview.Quantities = target.Quantities
	total := o.total(target)
	switch {
	case ch.scheduled != nil && total.Amount > 0:
		due := total.Amount
		if c.Credit.Currency == total.Currency {
			due = max(due-c.Credit.Amount, 0)
		}
		ch.preview.NextBill = &portico.Bill{Amount: due, Currency: total.Currency, Date: ch.scheduled.EffectiveAt}
	case total.Amount > 0:
		due := max(total.Amount-ch.newCredit, 0)
		ch.preview.NextBill = &portico.Bill{Amount: due, Currency: total.Currency, Date: ch.next.CurrentPeriodEnd}
	}
}

// applyChange writes a planned change, then mirrors it to the billing
// provider. Portico's rows come first because the provider links its
// subscription to Portico's, and the stores refuse a link to a
// subscription not written yet (a new one); a refusal still undoes it all,
// as the transaction rolls back.
func (o *op) applyChange(c *portico.Customer, ch *plannedChange) (*portico.Subscription, error) {
	s, err := o.writeChange(c, ch)
	if err != nil {
		return nil, err
	}
	return s, o.syncChange(c, ch)
}

// writeChange writes a planned change in Portico: the subscription, its
// usage, its invoice and the customer's credit.
func (o *op) writeChange(c *portico.Customer, ch *plannedChange) (*portico.Subscription, error) {
	if ch.scheduled != nil {
		s := *ch.cur
		s.ScheduledUpdates, s.CancelAt = []portico.ScheduledUpdate{*ch.scheduled}, nil
		return &s, o.tx.PutSubscription(&s)
	}
	s := ch.next
	if ch.trial {
		c.TrialedProducts = append(c.TrialedProducts, s.ProductID)
	}
	if ch.cur != nil {
		if err := o.rebaseUsage(c, s, ch.oldAnchor, ch.reset); err != nil {
			return nil, err
		}
		if ch.billedUsage {
			if err := o.zeroUsage(c.ID, ch.cur); err != nil {
				return nil, err
			}
		}
	}
	if err := o.tx.PutSubscription(s); err != nil {
		return nil, fmt.Errorf("save subscription: %w", err)
	}
	due := ch.preview.AmountDueNow
	if err := o.invoiceAt(c, s, due.Amount, due.Currency, o.now, ch.invoiceLines()); err != nil {
		return nil, err
	}
	c.Credit = portico.Money{Amount: ch.newCredit, Currency: creditCurrency(c.Credit, due.Currency)}
	if c.Currency == "" {
		c.Currency = ch.currency // the default, recorded as the first subscription starts
	}
	return s, o.tx.UpdateCustomer(c)
}

// creditCurrency keeps the balance's currency once it has one.
func creditCurrency(prev portico.Money, cur string) string {
	if prev.Currency != "" && prev.Amount != 0 {
		return prev.Currency
	}
	return cur
}

// invoiceLines are the lines of the invoice a change issues: the
// preview's, with the credit for unused time as a line of its own.
func (ch *plannedChange) invoiceLines() []portico.Line {
	lines := slices.Clone(ch.preview.Lines)
	if cr := ch.preview.Credit.Amount; cr > 0 {
		lines = append(lines, portico.Line{Kind: portico.LineCredit, Amount: -cr, Description: "Credit for unused time"})
	}
	return lines
}

// invoiceAt records a paid local invoice of the lines, for amount, dated at
// (local billing; a billing provider takes this over when connected).
func (o *op) invoiceAt(c *portico.Customer, s *portico.Subscription, amount int64, currency string, at time.Time, lines []portico.Line) error {
	if amount <= 0 {
		return nil
	}
	prev, err := o.tx.InvoicesOf(c.ID)
	if err != nil {
		return err
	}
	plan, _ := o.cat.Plan(s.PlanID)
	return o.tx.AddInvoice(c.ID, portico.Invoice{
		ID: newID("in"), Number: fmt.Sprintf("%s-%04d", invoicePrefix(c.ID), len(prev)+1),
		Status: "paid", Total: amount, Currency: currency, Created: at,
		Description: fmt.Sprintf("%s (%s)", plan.Name, s.BillingPeriod), SubscriptionID: s.ID, Lines: lines,
	})
}

func invoicePrefix(customerID string) string {
	p := []rune{}
	for _, r := range customerID {
		if r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			p = append(p, r)
		}
		if len(p) == 8 {
			break
		}
	}
	return string(p)
}
