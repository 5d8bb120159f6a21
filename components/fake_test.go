package components

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	portico "github.com/portico-dev/portico"
)

// fakeSource is an in-memory Source recording what the components ask.
type fakeSource struct {
	mu       sync.Mutex
	portal   *portico.PortalView
	paywall  *portico.PaywallView
	preview  *portico.Preview
	err      error // returned by Portal while set
	calls    []string
	billing  error
	changed  []portico.ChangeRequest
	canceled []string
	upcoming *portico.UpcomingInvoice
	// history answers UsageHistory by "featureId/bucket".
	history map[string]*portico.UsageHistory

	// gate, when set, holds Portal until it is closed; entered is closed
	// when Portal starts waiting on it.
	gate    chan struct{}
	entered chan struct{}
	// Errors returned by the other calls while set.
	paywallErr, previewErr, changeErr, cancelErr error
	// cancelResult, when set, is what Cancel answers.
	cancelResult *portico.CancelResult
	// previews, when set, answer Preview and Change by the request's
	// add-ons (see addonsKey), before preview.
	previews map[string]*portico.Preview
}

// count counts the calls that start with prefix.
func (f *fakeSource) count(prefix string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if strings.HasPrefix(c, prefix) {
			n++
		}
	}
	return n
}

// log returns the calls so far.
func (f *fakeSource) log() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

func (f *fakeSource) record(call string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call)
}

func (f *fakeSource) Portal(ctx context.Context) (*portico.PortalView, error) {
	f.record("portal")
	if f.gate != nil {
		if f.entered != nil {
			close(f.entered)
		}
		<-f.gate
	}
	if f.err != nil {
		return nil, f.err
	}
	return f.portal, nil
}

func (f *fakeSource) Paywall(ctx context.Context, productID string, period portico.BillingPeriod) (*portico.PaywallView, error) {
	f.record("paywall " + productID + " " + string(period))
	if f.paywallErr != nil {
		return nil, f.paywallErr
	}
	if f.paywall == nil {
		return nil, errNoPlans
	}
	v := *f.paywall
	if period != "" {
		v.BillingPeriod = period
	}
	v.Plans = slices.Clone(v.Plans)
	for i, pl := range v.Plans {
		for _, pr := range pl.Prices {
			if pr.BillingPeriod == v.BillingPeriod {
				v.Plans[i].Price = &portico.Money{Amount: pr.Amount, Currency: pr.Currency}
			}
		}
	}
	return &v, nil
}

func (f *fakeSource) Preview(ctx context.Context, req portico.ChangeRequest) (*portico.Preview, error) {
	f.record("preview " + req.PlanID)
	if f.previewErr != nil {
		return nil, f.previewErr
	}
	if pv, ok := f.previews[addonsKey(req.Addons)]; ok {
		return pv, nil
	}
	return f.preview, nil
}

func (f *fakeSource) Change(ctx context.Context, req portico.ChangeRequest) (*portico.ChangeResult, error) {
	f.record("change " + req.PlanID)
	if f.changeErr != nil {
		return nil, f.changeErr
	}
	f.mu.Lock()
	f.changed = append(f.changed, req)
	f.mu.Unlock()
	pv := f.preview
	if p, ok := f.previews[addonsKey(req.Addons)]; ok {
		pv = p
	}
	return &portico.ChangeResult{Preview: *pv}, nil
}

func (f *fakeSource) Cancel(ctx context.Context, id string) (*portico.CancelResult, error) {
	f.record("cancel " + id)
	if f.cancelErr != nil {
		return nil, f.cancelErr
	}
	f.mu.Lock()
	f.canceled = append(f.canceled, id)
	f.mu.Unlock()
	if f.cancelResult != nil {
		return f.cancelResult, nil
	}
	return &portico.CancelResult{}, nil
}

func (f *fakeSource) CancelScheduled(ctx context.Context, id string) (*portico.SubscriptionView, error) {
	f.record("cancel-scheduled " + id)
	return &portico.SubscriptionView{}, nil
}

func (f *fakeSource) UpcomingInvoice(ctx context.Context, id string) (*portico.UpcomingInvoice, error) {
	f.record("upcoming " + id)
	if f.upcoming != nil {
		return f.upcoming, nil
	}
	return &portico.UpcomingInvoice{SubscriptionID: id, Currency: "usd", Lines: []portico.Line{}}, nil
}

func (f *fakeSource) UsageHistory(ctx context.Context, q portico.UsageHistoryQuery) (*portico.UsageHistory, error) {
	f.record("history " + q.FeatureID + " " + string(q.Bucket))
	if h, ok := f.history[q.FeatureID+"/"+string(q.Bucket)]; ok {
		return h, nil
	}
	return &portico.UsageHistory{FeatureID: q.FeatureID, Bucket: q.Bucket, Points: []portico.UsagePoint{}}, nil
}

func (f *fakeSource) BillingSession(ctx context.Context, flow string) (*portico.BillingSession, error) {
	f.record("billing " + flow)
	if f.billing != nil {
		return nil, f.billing
	}
	return &portico.BillingSession{URL: "https://billing.example/session"}, nil
}

// addonsKey spells a request's add-ons: "extra-seats×3,extra-calls×1".
func addonsKey(addons []portico.AddonQuantity) string {
	parts := make([]string, len(addons))
	for i, a := range addons {
		parts[i] = a.ID + "×" + strconv.Itoa(a.Quantity)
	}
	return strings.Join(parts, ",")
}

var errDown = errors.New("the server is unreachable")

// errNoPlans answers Paywall for a source made without plans.
var errNoPlans = errors.New("no plans in this test")

var day0 = time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)

func at(days int) *time.Time { t := day0.AddDate(0, 0, days); return &t }

// demoPortal is a paid customer with add-ons, a promotion, usage near a
// limit, a card and invoices.
func demoPortal() *portico.PortalView {
	usd := func(n int64) portico.Money { return portico.Money{Amount: n, Currency: "usd"} }
	return &portico.PortalView{
		Now:      day0,
		Customer: portico.PortalCustomer{ID: "grace", Name: "Grace Hopper", Email: "grace@example.com"},
		Subscriptions: []portico.SubscriptionView{{
			ID: "sub_1", ProductID: "acme", ProductName: "Acme Cloud", Plan: portico.PlanRef{ID: "pro", Name: "Pro"},
			Status: "active", Pricing: "paid", BillingPeriod: "monthly", Price: usd(2900), Total: usd(4800),
			Addons:             []portico.AddonView{{ID: "extra-seats", Name: "Extra seats", Quantity: 2, Price: usd(500)}},
			CurrentPeriodStart: day0, CurrentPeriodEnd: *at(30), ScheduledUpdates: []portico.ScheduledUpdate{},
			Cancellation: portico.EndOfPeriod,
		}},
		Entitlements: []portico.EntitlementView{
			{FeatureID: "seats", FeatureName: "Seats", Type: "numeric", Unit: "seat", HasAccess: true, Limit: 20, Usage: 14, Source: "addon"},
			{FeatureID: "api-calls", FeatureName: "API calls", Type: "metered", Unit: "call", HasAccess: true, Limit: 100000, Usage: 96000, ResetAt: at(30), Source: "plan"},
			{FeatureID: "projects", FeatureName: "Projects", Type: "numeric", HasAccess: true, Unlimited: true, Usage: 23, Source: "plan"},
			{FeatureID: "storage_gb", FeatureName: "Storage", Type: "numeric", HasAccess: false, Limit: 10, Usage: 10, Source: "plan"},
			{FeatureID: "sso", FeatureName: "Single sign-on", Type: "boolean", HasAccess: true, Source: "plan"},
		},
		Promotions: []portico.PromotionView{{Promotion: portico.Promotion{ID: "promo_1", FeatureID: "priority-support", GrantedAt: day0, ExpiresAt: at(60)}, FeatureName: "Priority support"}},
		Billing: portico.BillingView{Connected: true, Provider: "stripe", Name: "Grace Hopper", Email: "grace@example.com",
			PaymentMethod: &portico.PaymentMethod{Brand: "visa", Last4: "4242", ExpMonth: 4, ExpYear: 2030}},
		Invoices: invoices(7),
		NextBill: &portico.Bill{Amount: 4800, Currency: "usd", Date: *at(30)},
		Credit:   usd(0),
	}
}

func invoices(n int) []portico.Invoice {
	var out []portico.Invoice
	for i := n; i >= 1; i-- {
		out = append(out, portico.Invoice{ID: "in_" + string(rune('a'+i)), Number: "GRACE-000" + string(rune('0'+i)),
			Status: "paid", Total: 4800, Currency: "usd", Created: day0.AddDate(0, -n+i, 0), HostedURL: "https://inv.example/" + string(rune('a'+i))})
	}
	return out
}

func demoPaywall() *portico.PaywallView {
	price := func(m, a int64) []portico.Price {
		return []portico.Price{{BillingPeriod: "monthly", Amount: m, Currency: "usd"}, {BillingPeriod: "annually", Amount: a, Currency: "usd"}}
	}
	money := func(n int64) *portico.Money { return &portico.Money{Amount: n, Currency: "usd"} }
	return &portico.PaywallView{
		Product: portico.ProductRef{ID: "acme", Name: "Acme Cloud"}, BillingPeriod: "monthly",
		BillingPeriods: []portico.BillingPeriod{"monthly", "annually"}, SubscriptionID: "sub_1",
		Plans: []portico.PaywallPlan{
			{ID: "free", Name: "Free", Pricing: "free", Prices: []portico.Price{}, Intent: "downgrade", BelowUsage: []string{"seats"},
				Entitlements: []portico.EntitlementLine{{FeatureID: "seats", FeatureName: "Seats", Type: "numeric", Limit: 3}}},
			{ID: "basic", Name: "Basic", Pricing: "paid", Prices: price(900, 9000), Price: money(900), Intent: "downgrade"},
			{ID: "pro", Name: "Pro", Pricing: "paid", Prices: price(2900, 29000), Price: money(2900), Intent: "current", Highlighted: true,
				AddonIDs: []string{"extra-seats"},
				Entitlements: []portico.EntitlementLine{{FeatureID: "sso", FeatureName: "Single sign-on", Type: "boolean"},
					{FeatureID: "projects", FeatureName: "Projects", Type: "numeric", Unlimited: true}}},
			{ID: "enterprise", Name: "Enterprise", Pricing: "custom", Prices: []portico.Price{}, Intent: "contact_sales"},
		},
		Addons: []portico.PaywallAddon{},
	}
}
