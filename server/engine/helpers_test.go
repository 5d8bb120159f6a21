package engine_test

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/internal/pgtest"
	"github.com/portico-dev/portico/internal/testkit"
	"github.com/portico-dev/portico/server/clock"
	"github.com/portico-dev/portico/server/engine"
)

// t0 is where every scenario's clock starts unless it says otherwise (see
// testkit.T0).
var t0 = testkit.T0()

// day is midnight UTC of a calendar day.
func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// Product, plan, add-on and feature IDs of the test catalog.
const (
	app   = "app"   // single subscription
	sites = "sites" // one subscription per resource

	free       = "free"
	basic      = "basic"
	pro        = "pro"
	enterprise = "enterprise"
	siteFree   = "site-free"
	sitePlus   = "site-plus"

	extraSeats = "extra-seats"
	extraCalls = "extra-calls"

	seats    = "seats"     // numeric
	apiCalls = "api-calls" // metered, monthly reset
	exports  = "exports"   // metered, yearly reset
	sso      = "sso"       // boolean
	storage  = "storage"   // numeric
	pages    = "pages"     // numeric, granted per site
)

// Prices of the test catalog, in cents.
const (
	basicMonthly  = 1200
	basicAnnual   = 12000
	proMonthly    = 3000
	proAnnual     = 30000
	seatsMonthly  = 500
	seatsAnnual   = 5000
	callsMonthly  = 1000
	callsAnnual   = 10000
	sitePlusMonth = 900
	sitePlusYear  = 9000
	proTrialDays  = 14
)

func prices(monthly, annual int64) []portico.Price {
	return []portico.Price{
		{BillingPeriod: portico.Monthly, Amount: monthly, Currency: "usd"},
		{BillingPeriod: portico.Annually, Amount: annual, Currency: "usd"},
	}
}

// defaultJourney is the app product's journey unless a test changes it:
// pick from the pricing table, immediate downgrades with credit, usage reset
// on every change, immediate cancellation that revokes access.
func defaultJourney() portico.Journey {
	return portico.Journey{
		Start: portico.StartPricingTable, FreePlanID: free, TrialPlanID: pro,
		Downgrade: portico.Immediate, UsageReset: portico.ResetAlways,
		Cancellation: portico.Immediate, AfterCancel: portico.AfterCancelRevoke,
	}
}

// testCatalog is a single-subscription product "app" with free, basic, pro
// (with a trial) and enterprise (custom-priced) plans sold monthly and
// annually, two add-ons, boolean, numeric and metered features, and a
// multiple-subscription product "sites".
func testCatalog(j portico.Journey) *portico.Catalog {
	return &portico.Catalog{
		Features: []portico.Feature{
			{ID: seats, Name: "Seats", Type: portico.FeatureNumeric, Unit: "seat"},
			{ID: apiCalls, Name: "API calls", Type: portico.FeatureMetered, Unit: "call", ResetPeriod: "month"},
			{ID: exports, Name: "Exports", Type: portico.FeatureMetered, Unit: "export", ResetPeriod: "year"},
			{ID: sso, Name: "Single sign-on", Type: portico.FeatureBoolean},
			{ID: storage, Name: "Storage", Type: portico.FeatureNumeric, Unit: "GB"},
			{ID: pages, Name: "Pages", Type: portico.FeatureNumeric, Unit: "page"},
		},
		Products: []portico.Product{
			{ID: app, Name: "Acme App", SubscriptionType: portico.SubscriptionSingle,
				Metadata: map[string]string{"highlight": pro}, Journey: j},
			{ID: sites, Name: "Acme Sites", SubscriptionType: portico.SubscriptionMultiple,
				Journey: portico.Journey{Start: portico.StartPricingTable, Downgrade: portico.Immediate,
					UsageReset: portico.ResetAlways, Cancellation: portico.Immediate, AfterCancel: portico.AfterCancelRevoke}},
		},
		Plans: []portico.Plan{
			{ID: free, ProductID: app, Name: "Free", Order: 0, Pricing: portico.PricingFree,
				Entitlements: []portico.Entitlement{
					{FeatureID: seats, Limit: 2}, {FeatureID: apiCalls, Limit: 1000},
					{FeatureID: exports, Limit: 5}, {FeatureID: storage, Limit: 1},
				}},
			{ID: basic, ProductID: app, Name: "Basic", Order: 1, Pricing: portico.PricingPaid,
				Prices: prices(basicMonthly, basicAnnual),
				Entitlements: []portico.Entitlement{
					{FeatureID: seats, Limit: 5}, {FeatureID: apiCalls, Limit: 10000},
					{FeatureID: exports, Limit: 20}, {FeatureID: storage, Limit: 50},
				},
				AddonIDs: []string{extraSeats, extraCalls}},
			{ID: pro, ProductID: app, Name: "Pro", Order: 2, Pricing: portico.PricingPaid,
				Prices: prices(proMonthly, proAnnual), TrialDays: proTrialDays,
				Entitlements: []portico.Entitlement{
					{FeatureID: seats, Limit: 10}, {FeatureID: apiCalls, Limit: 100000},
					{FeatureID: exports, Limit: 100}, {FeatureID: sso}, {FeatureID: storage, Unlimited: true},
				},
				AddonIDs: []string{extraSeats, extraCalls}},
			{ID: enterprise, ProductID: app, Name: "Enterprise", Order: 3, Pricing: portico.PricingCustom,
				Entitlements: []portico.Entitlement{
					{FeatureID: seats, Limit: 100}, {FeatureID: apiCalls, Unlimited: true},
					{FeatureID: exports, Unlimited: true}, {FeatureID: sso}, {FeatureID: storage, Unlimited: true},
				}},
			{ID: siteFree, ProductID: sites, Name: "Site Free", Order: 0, Pricing: portico.PricingFree,
				Entitlements: []portico.Entitlement{{FeatureID: pages, Limit: 10}}},
			{ID: sitePlus, ProductID: sites, Name: "Site Plus", Order: 1, Pricing: portico.PricingPaid,
				Prices:       prices(sitePlusMonth, sitePlusYear),
				Entitlements: []portico.Entitlement{{FeatureID: pages, Limit: 100}}},
		},
		Addons: []portico.Addon{
			{ID: extraSeats, ProductID: app, Name: "Extra seats", MaxQuantity: 20,
				Prices: prices(seatsMonthly, seatsAnnual), Entitlements: []portico.Entitlement{{FeatureID: seats, Limit: 5}}},
			{ID: extraCalls, ProductID: app, Name: "Extra API calls",
				Prices: prices(callsMonthly, callsAnnual), Entitlements: []portico.Entitlement{{FeatureID: apiCalls, Limit: 50000}}},
		},
	}
}

func TestMain(m *testing.M) { pgtest.MainIfUsed(m) }

// newEngine returns an engine over a fresh store (see testkit.OpenStore)
// with cat applied, on a clock frozen at start.
func newEngine(t testing.TB, start time.Time, cat *portico.Catalog) (*engine.Engine, *clock.Test, testkit.Store) {
	t.Helper()
	ctx := context.Background()
	st := testkit.OpenStore(t)
	clk := clock.NewFrozen(start)
	eng := engine.New(st, clk)
	if _, _, err := eng.ApplyCatalog(ctx, cat, engine.CatalogChange{}); err != nil {
		t.Fatalf("apply catalog: %v", err)
	}
	return eng, clk, st
}

// env is one scenario's engine, clock and store with assertions that stop
// the test on unexpected errors.
type env struct {
	t   testing.TB
	ctx context.Context
	eng *engine.Engine
	clk *clock.Test
	st  testkit.Store
}

func newEnv(t testing.TB, j portico.Journey) *env {
	return newEnvAt(t, t0, testCatalog(j))
}

func newEnvAt(t testing.TB, start time.Time, cat *portico.Catalog) *env {
	t.Helper()
	eng, clk, st := newEngine(t, start, cat)
	return &env{t: t, ctx: context.Background(), eng: eng, clk: clk, st: st}
}

// createCustomer creates a customer, starting the journeys.
func (e *env) createCustomer(id string, billing *portico.BillingProfile) *portico.CustomerView {
	e.t.Helper()
	v, err := e.eng.CreateCustomer(e.ctx, portico.CreateCustomerRequest{ID: id, Name: "Customer " + id, Email: id + "@example.com", Billing: billing})
	if err != nil {
		e.t.Fatalf("create customer %s: %v", id, err)
	}
	return v
}

func (e *env) customer(id string) *portico.CustomerView {
	e.t.Helper()
	v, err := e.eng.Customer(e.ctx, id)
	if err != nil {
		e.t.Fatalf("customer %s: %v", id, err)
	}
	return v
}

// change applies a change as the backend and fails the test on error.
func (e *env) change(customerID string, req portico.ChangeRequest) *portico.ChangeResult {
	e.t.Helper()
	res, err := e.eng.ChangeSubscription(e.ctx, customerID, req, engine.Backend)
	if err != nil {
		e.t.Fatalf("change %s to %+v: %v", customerID, req, err)
	}
	return res
}

func (e *env) preview(customerID string, req portico.ChangeRequest) *portico.Preview {
	e.t.Helper()
	p, err := e.eng.Preview(e.ctx, customerID, req, engine.Backend)
	if err != nil {
		e.t.Fatalf("preview %s to %+v: %v", customerID, req, err)
	}
	return p
}

func (e *env) cancel(customerID, subID string, also ...string) *portico.CancelResult {
	e.t.Helper()
	res, err := e.eng.Cancel(e.ctx, customerID, subID, portico.CancelRequest{AlsoCancelProductIDs: also}, engine.Backend)
	if err != nil {
		e.t.Fatalf("cancel %s: %v", subID, err)
	}
	return res
}

// sub is the customer's subscription to the product and resource: the live
// one, else the latest that ended.
func (e *env) sub(customerID, productID, resourceID string) portico.SubscriptionView {
	e.t.Helper()
	var found *portico.SubscriptionView
	for _, s := range e.customer(customerID).Subscriptions {
		if s.ProductID != productID || s.ResourceID != resourceID {
			continue
		}
		live := s.Status == portico.StatusActive || s.Status == portico.StatusTrialing
		if found == nil || live {
			s := s
			found = &s
		}
	}
	if found == nil {
		e.t.Fatalf("customer %s has no %s subscription for resource %q", customerID, productID, resourceID)
	}
	return *found
}

func (e *env) appSub(customerID string) portico.SubscriptionView {
	e.t.Helper()
	return e.sub(customerID, app, "")
}

// rawSubs reads the customer's subscriptions straight from the store.
func (e *env) rawSubs(customerID string) []*portico.Subscription {
	e.t.Helper()
	var subs []*portico.Subscription
	err := e.st.View(e.ctx, func(tx portico.Tx) error {
		var err error
		subs, err = tx.SubscriptionsOf(customerID)
		return err
	})
	if err != nil {
		e.t.Fatalf("subscriptions of %s: %v", customerID, err)
	}
	return subs
}

// liveCount counts the customer's live subscriptions to the product and
// resource, as stored.
func (e *env) liveCount(customerID, productID, resourceID string) int {
	e.t.Helper()
	n := 0
	for _, s := range e.rawSubs(customerID) {
		if s.Live() && s.ProductID == productID && s.ResourceID == resourceID {
			n++
		}
	}
	return n
}

// invoices lists the customer's invoices oldest first.
func (e *env) invoices(customerID string) []portico.Invoice {
	e.t.Helper()
	var out []portico.Invoice
	err := e.st.View(e.ctx, func(tx portico.Tx) error {
		var err error
		out, err = tx.InvoicesOf(customerID)
		return err
	})
	if err != nil {
		e.t.Fatalf("invoices of %s: %v", customerID, err)
	}
	slices.SortFunc(out, func(a, b portico.Invoice) int { return cmp.Compare(a.Number, b.Number) })
	return out
}

// bill is an expected invoice: its total and date.
type bill struct {
	total int64
	at    time.Time
}

func (e *env) wantInvoices(customerID string, want ...bill) {
	e.t.Helper()
	got := e.invoices(customerID)
	ok := len(got) == len(want)
	for i := 0; ok && i < len(got); i++ {
		ok = got[i].Total == want[i].total && got[i].Created.Equal(want[i].at) &&
			got[i].Currency == "usd" && got[i].Status == "paid"
	}
	if !ok {
		gotB := make([]bill, len(got))
		for i, inv := range got {
			gotB[i] = bill{inv.Total, inv.Created}
		}
		e.t.Errorf("invoices of %s = %v, want %v", customerID, gotB, want)
	}
}

func (e *env) credit(customerID string) portico.Money {
	e.t.Helper()
	return e.customer(customerID).Credit
}

func (e *env) wantCredit(customerID string, want portico.Money) {
	e.t.Helper()
	if got := e.credit(customerID); got != want {
		e.t.Errorf("credit of %s = %+v, want %+v", customerID, got, want)
	}
}

// ents returns the customer's entitlements for the resource by feature.
func (e *env) ents(customerID, resourceID string) map[string]portico.EntitlementView {
	e.t.Helper()
	views, err := e.eng.Entitlements(e.ctx, customerID, resourceID)
	if err != nil {
		e.t.Fatalf("entitlements of %s: %v", customerID, err)
	}
	out := map[string]portico.EntitlementView{}
	for _, v := range views {
		if _, dup := out[v.FeatureID]; dup {
			e.t.Errorf("feature %s listed twice", v.FeatureID)
		}
		out[v.FeatureID] = v
	}
	return out
}

func (e *env) usageOf(customerID, resourceID, featureID string) int64 {
	e.t.Helper()
	return e.ents(customerID, resourceID)[featureID].Usage
}

func (e *env) report(customerID, resourceID, featureID string, value int64) *portico.EntitlementView {
	e.t.Helper()
	v, err := e.eng.ReportUsage(e.ctx, portico.UsageRequest{CustomerID: customerID, FeatureID: featureID, Value: value, ResourceID: resourceID})
	if err != nil {
		e.t.Fatalf("report %d %s for %s: %v", value, featureID, customerID, err)
	}
	return v
}

// advanceTo moves the clock and runs what fell due, like the scheduler.
func (e *env) advanceTo(t time.Time) int {
	e.t.Helper()
	e.clk.AdvanceTo(t)
	n, err := e.eng.RunDue(e.ctx)
	if err != nil {
		e.t.Fatalf("run due at %v: %v", t, err)
	}
	return n
}

// applyJourney re-applies the catalog with another journey for app.
func (e *env) applyJourney(j portico.Journey) {
	e.t.Helper()
	if _, _, err := e.eng.ApplyCatalog(e.ctx, testCatalog(j), engine.CatalogChange{}); err != nil {
		e.t.Fatalf("re-apply catalog: %v", err)
	}
}

func (e *env) setPaymentMethod(customerID string) {
	e.t.Helper()
	if err := e.eng.SetBillingProfile(e.ctx, customerID, withCard()); err != nil {
		e.t.Fatalf("set billing profile: %v", err)
	}
}

func withCard() *portico.BillingProfile {
	return &portico.BillingProfile{Name: "Ada", Email: "ada@example.com",
		PaymentMethod: testkit.Card()}
}

func portal(customerID string) engine.Actor {
	return engine.PortalActor(portico.PortalScope{CustomerID: customerID})
}

// wantKind checks that err is a domain error of the kind.
func wantKind(t testing.TB, err error, kind portico.Kind) {
	t.Helper()
	if got := portico.KindOf(err); got != kind {
		t.Fatalf("error = %v (kind %d), want kind %d", err, got, kind)
	}
}

// wantField checks that err is a 422 naming the field.
func wantField(t testing.TB, err error, field string) {
	t.Helper()
	wantKind(t, err, portico.KindInvalid)
	var pe *portico.Error
	if !errors.As(err, &pe) || !slices.ContainsFunc(pe.Fields, func(f portico.FieldError) bool { return f.Field == field }) {
		t.Fatalf("error = %v, want one naming field %q", err, field)
	}
}

func timeEq(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// wantPeriod checks a subscription's current period.
func wantPeriod(t testing.TB, s portico.SubscriptionView, start, end time.Time) {
	t.Helper()
	if !s.CurrentPeriodStart.Equal(start) || !s.CurrentPeriodEnd.Equal(end) {
		t.Errorf("period = [%v, %v), want [%v, %v)", s.CurrentPeriodStart, s.CurrentPeriodEnd, start, end)
	}
}
