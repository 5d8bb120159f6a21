package server_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/assets"
	"github.com/portico-dev/portico/internal/testkit"
)

// M is a JSON object body.
type M = map[string]any

func planIndex(c portico.Catalog, id string) int {
	return slices.IndexFunc(c.Plans, func(p portico.Plan) bool { return p.ID == id })
}

func productIndex(c portico.Catalog, id string) int {
	return slices.IndexFunc(c.Products, func(p portico.Product) bool { return p.ID == id })
}

// withJourneyStart is the demo catalog with acme's journey starting so.
func withJourneyStart(t *testing.T, start portico.JourneyStart) portico.Catalog {
	c := *testkit.DemoCatalog(t)
	c.Products[productIndex(c, acme)].Journey.Start = start
	return c
}

func (h *harness) putCatalog(c any) portico.Catalog {
	h.t.Helper()
	r := h.backend(http.MethodPut, "/api/v1/catalog", c)
	expectStatus(h.t, r, http.StatusOK)
	return decodeAs[portico.Catalog](h.t, r)
}

// invoiceTotals lists the invoices' totals in ascending order (invoices
// issued at one instant have no defined order).
func invoiceTotals(v portico.PortalView) []int64 {
	out := []int64{}
	for _, inv := range v.Invoices {
		out = append(out, inv.Total)
	}
	slices.Sort(out)
	return out
}

func TestCatalogPutAndGet(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	want := *testkit.DemoCatalog(t)

	r := h.backend(http.MethodGet, "/api/v1/catalog", nil)
	expectStatus(t, r, http.StatusOK)
	if got := decodeAs[portico.Catalog](t, r); !reflect.DeepEqual(got, want) {
		t.Fatalf("GET catalog differs from the catalog applied:\n got %+v\nwant %+v", got, want)
	}

	// A new feature and plan are added; the answer and later reads carry them.
	next := *testkit.DemoCatalog(t)
	next.Features = append(next.Features, portico.Feature{ID: "webhooks", Name: "Webhooks", Type: portico.FeatureBoolean})
	next.Plans = append(next.Plans, portico.Plan{ID: "team", ProductID: acme, Name: "Team", Order: 5, Pricing: portico.PricingPaid,
		Prices:       []portico.Price{{BillingPeriod: portico.Monthly, Amount: 4900, Currency: "usd"}},
		Entitlements: []portico.Entitlement{{FeatureID: "webhooks"}, {FeatureID: featSeats, Limit: 25}}})
	if got := h.putCatalog(next); !reflect.DeepEqual(got, next) {
		t.Fatalf("PUT catalog answered %+v, want %+v", got, next)
	}
	r = h.backend(http.MethodGet, "/api/v1/catalog", nil)
	if got := decodeAs[portico.Catalog](t, r); !reflect.DeepEqual(got, next) {
		t.Fatalf("GET after PUT = %+v, want %+v", got, next)
	}

	// Nothing is removed: dropping the plan is a 422 naming the collection.
	h.createCustomer("ada", false)
	before := h.snapshot("ada")
	expectProblem(t, h.backend(http.MethodPut, "/api/v1/catalog", assets.DemoCatalog), http.StatusUnprocessableEntity, "plans", "features")
	h.expectUnchanged(before, "ada")

	// A subscribed product keeps its subscription type (409); one without
	// subscriptions may change it.
	locked := next
	locked.Products = slices.Clone(next.Products)
	locked.Products[productIndex(locked, acme)].SubscriptionType = portico.SubscriptionMultiple
	expectProblem(t, h.backend(http.MethodPut, "/api/v1/catalog", locked), http.StatusConflict)
	h.expectUnchanged(before, "ada")

	free := next
	free.Products = slices.Clone(next.Products)
	free.Products[productIndex(free, sites)].SubscriptionType = portico.SubscriptionSingle
	got := h.putCatalog(free)
	if got.Products[productIndex(got, sites)].SubscriptionType != portico.SubscriptionSingle {
		t.Fatalf("sites has no subscriptions, so its type may change: %+v", got.Products)
	}
}

// Collections are answered as arrays, never null, also before any catalog
// is applied and when a document leaves one out.
func TestCatalogCollectionsAreArrays(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	fresh := newBareHarness(t)
	expectArrays := func(r *response) {
		t.Helper()
		expectStatus(t, r, http.StatusOK)
		for _, k := range []string{"features", "products", "plans", "addons"} {
			if v, _ := r.get(k); v == nil {
				t.Errorf("%s: %q is %v, want an array", r, k, v)
			}
		}
	}
	expectArrays(fresh.backend(http.MethodGet, "/api/v1/catalog", nil))
	noAddons := *testkit.DemoCatalog(t)
	noAddons.Addons = nil
	for i := range noAddons.Plans {
		noAddons.Plans[i].AddonIDs = nil
	}
	expectArrays(fresh.backend(http.MethodPut, "/api/v1/catalog", noAddons))
	expectArrays(fresh.backend(http.MethodGet, "/api/v1/catalog", nil))
	expectArrays(fresh.backend(http.MethodPost, "/api/v1/plans/basic/archive", nil))
	expectArrays(h.backend(http.MethodGet, "/api/v1/catalog", nil))
}

func TestArchive(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createCustomer("old", true)
	h.change("old", M{"planId": planBasic, "addons": []M{{"id": addonSeats, "quantity": 1}}})
	blog := h.change("old", M{"planId": planStarter, "resourceId": "blog"}).Subscription

	for _, path := range []string{"/api/v1/plans/basic/archive", "/api/v1/products/sites/archive", "/api/v1/addons/extra-seats/archive"} {
		r := h.backend(http.MethodPost, path, nil)
		expectStatus(t, r, http.StatusOK)
	}
	r := h.backend(http.MethodPost, "/api/v1/plans/basic/archive", nil) // archiving twice is harmless
	expectStatus(t, r, http.StatusOK)
	cat := decodeAs[portico.Catalog](t, r)
	archived := []string{}
	for _, p := range cat.Products {
		if p.Archived {
			archived = append(archived, "product:"+p.ID)
		}
	}
	for _, p := range cat.Plans {
		if p.Archived {
			archived = append(archived, "plan:"+p.ID)
		}
	}
	for _, a := range cat.Addons {
		if a.Archived {
			archived = append(archived, "addon:"+a.ID)
		}
	}
	if want := []string{"product:sites", "plan:basic", "addon:extra-seats"}; !slices.Equal(archived, want) {
		t.Fatalf("archived %v, want %v", archived, want)
	}
	if r := h.backend(http.MethodGet, "/api/v1/catalog", nil); !reflect.DeepEqual(decodeAs[portico.Catalog](t, r), cat) {
		t.Fatalf("GET catalog does not show the archived objects")
	}
	for _, path := range []string{"/api/v1/plans/nope/archive", "/api/v1/products/nope/archive", "/api/v1/addons/nope/archive"} {
		expectProblem(t, h.backend(http.MethodPost, path, nil), http.StatusNotFound)
	}

	// No new subscriptions: archived plan, product and add-on are 409s, and
	// nothing changes.
	h.createCustomer("new", true)
	tok := h.session("new", "", "")
	before := h.snapshot("new")
	for _, body := range []M{
		{"planId": planBasic},
		{"planId": planStarter, "resourceId": "blog"},
		{"planId": planPro, "addons": []M{{"id": addonSeats, "quantity": 1}}},
	} {
		expectProblem(t, h.backend(http.MethodPost, "/api/v1/customers/new/subscriptions", body), http.StatusConflict)
		expectProblem(t, h.portal(tok, http.MethodPost, "/api/v1/portal/subscriptions", body), http.StatusConflict)
	}
	h.expectUnchanged(before, "new")
	pw := decodeAs[portico.PaywallView](t, h.portal(tok, http.MethodGet, "/api/v1/portal/paywall?productId=acme", nil))
	for _, p := range pw.Plans {
		if p.ID == planBasic {
			t.Errorf("the paywall offers archived plan basic to a customer not on it")
		}
	}
	for _, a := range pw.Addons {
		if a.ID == addonSeats {
			t.Errorf("the paywall offers archived add-on extra-seats")
		}
	}

	// Existing subscriptions go on: the add-on held can be bought in a
	// higher quantity on the archived plan, and both renew.
	sub := h.change("old", M{"planId": planBasic, "addons": []M{{"id": addonSeats, "quantity": 2}}}).Subscription
	if sub.Plan.ID != planBasic || sub.Status != portico.StatusActive || len(sub.Addons) != 1 || sub.Addons[0].Quantity != 2 {
		t.Fatalf("change on the archived plan: %+v", sub)
	}
	if e := h.entitlements("old", ""); e[featSeats].Limit != 5+2*5 {
		t.Fatalf("seats on basic with 2 extra-seats = %d, want 15", e[featSeats].Limit)
	}
	h.advance(M{"to": "2026-02-01T01:00:00Z"})
	feb1 := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	for _, s := range []portico.SubscriptionView{h.liveSub("old", acme, ""), h.liveSub("old", sites, "blog")} {
		if !s.CurrentPeriodStart.Equal(feb1) || s.Status != portico.StatusActive {
			t.Errorf("subscription %s (%s) did not renew on Feb 1: %+v", s.ID, s.Plan.ID, s)
		}
	}
	if got := h.liveSub("old", sites, "blog").ID; got != blog.ID {
		t.Errorf("blog subscription changed id: %s, want %s", got, blog.ID)
	}
	pwOld := decodeAs[portico.PaywallView](t, h.portal(h.session("old", "", ""), http.MethodGet, "/api/v1/portal/paywall?productId=acme", nil))
	if i := slices.IndexFunc(pwOld.Plans, func(p portico.PaywallPlan) bool { return p.ID == planBasic }); i < 0 || pwOld.Plans[i].Intent != portico.IntentCurrent {
		t.Errorf("a customer on archived plan basic sees it as current: %+v", pwOld.Plans)
	}
}

// Archiving the plan a journey starts on must not stop customers from
// being created: either the archive is refused or creation still works.
func TestArchivedJourneyPlanKeepsCustomerCreationWorking(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.backend(http.MethodPost, "/api/v1/plans/free/archive", nil)
	if r.Status == http.StatusConflict {
		return
	}
	expectStatus(t, r, http.StatusOK)
	r = h.backend(http.MethodPost, "/api/v1/customers", M{"id": "zed"})
	expectStatus(t, r, http.StatusCreated)
	h.customer("zed")
}

func TestCreateCustomerStartsJourneys(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		start     portico.JourneyStart
		plan      string // "" for no subscription
		status    portico.SubscriptionStatus
		periodEnd time.Time
		trialEnds bool
	}{
		{start: portico.StartFreePlan, plan: planFree, status: portico.StatusActive, periodEnd: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)},
		{start: portico.StartTrial, plan: planPro, status: portico.StatusTrialing, periodEnd: t0.AddDate(0, 0, 14), trialEnds: true},
		{start: portico.StartPricingTable},
	} {
		t.Run(string(tc.start), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.putCatalog(withJourneyStart(t, tc.start))

			r := h.backend(http.MethodPost, "/api/v1/customers", M{"id": "ada", "name": "Ada Lovelace", "email": "ada@example.com",
				"metadata": M{"crm": "hub-42"}})
			expectStatus(t, r, http.StatusCreated)
			created := decodeAs[portico.CustomerView](t, r)
			if created.ID != "ada" || created.Name != "Ada Lovelace" || created.Email != "ada@example.com" ||
				created.Metadata["crm"] != "hub-42" || !created.CreatedAt.Equal(t0) {
				t.Fatalf("created customer %+v", created.Customer)
			}
			for _, key := range []string{"subscriptions", "promotions", "credit"} {
				if _, ok := r.get(key); !ok {
					t.Errorf("customer view lacks %q: %s", key, r.Body)
				}
			}
			// Only the single-subscription product starts; sites waits for a resource.
			if tc.plan == "" {
				if v, _ := r.get("subscriptions"); v == nil || len(created.Subscriptions) != 0 {
					t.Fatalf("pricing_table start provisioned %+v", created.Subscriptions)
				}
			} else {
				if len(created.Subscriptions) != 1 {
					t.Fatalf("subscriptions %+v, want one to %s", created.Subscriptions, acme)
				}
				s := created.Subscriptions[0]
				if s.ProductID != acme || s.Plan.ID != tc.plan || s.Status != tc.status ||
					!s.CurrentPeriodStart.Equal(t0) || !s.CurrentPeriodEnd.Equal(tc.periodEnd) {
					t.Fatalf("started subscription %+v", s)
				}
				if tc.trialEnds != (s.TrialEndsAt != nil) || (s.TrialEndsAt != nil && !s.TrialEndsAt.Equal(tc.periodEnd)) {
					t.Fatalf("trialEndsAt %v, want set=%v at %v", s.TrialEndsAt, tc.trialEnds, tc.periodEnd)
				}
			}

			g := h.backend(http.MethodGet, "/api/v1/customers/ada", nil)
			expectStatus(t, g, http.StatusOK)
			if !bytes.Equal(g.Body, r.Body) {
				t.Fatalf("GET customer differs from the creation answer:\n%s\n%s", g.Body, r.Body)
			}

			before := h.snapshot("ada")
			expectProblem(t, h.backend(http.MethodPost, "/api/v1/customers", M{"id": "ada", "name": "Someone else"}), http.StatusConflict)
			h.expectUnchanged(before, "ada")
			expectProblem(t, h.backend(http.MethodGet, "/api/v1/customers/nobody", nil), http.StatusNotFound)
		})
	}
}

func TestBackendProvisionsAndChangesSubscriptions(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	freeSub := h.createCustomer("ada", true).Subscriptions[0]

	res := h.change("ada", M{"planId": planBasic})
	s := res.Subscription
	if s.ID != freeSub.ID || s.Plan.ID != planBasic || s.Plan.Name != "Basic" || s.Status != portico.StatusActive ||
		s.Pricing != portico.PricingPaid || s.BillingPeriod != portico.Monthly || s.Price != testkit.USD(900) ||
		!s.CurrentPeriodStart.Equal(t0) || !s.CurrentPeriodEnd.Equal(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("free → basic: %+v", s)
	}
	if p := res.Preview; p.Intent != portico.IntentUpgrade || p.Effective != portico.Immediate || p.AmountDueNow != testkit.USD(900) {
		t.Fatalf("free → basic preview: %+v", p)
	}

	// The backend may set a custom price; self-service may not (see the portal tests).
	res = h.change("ada", M{"planId": planEnterprise, "billingPeriod": "annually", "price": M{"amount": 1200000, "currency": "usd"}})
	s = res.Subscription
	if s.ID != freeSub.ID || s.Plan.ID != planEnterprise || s.Pricing != portico.PricingCustom || s.Price != testkit.USD(1200000) ||
		s.BillingPeriod != portico.Annually || !s.CurrentPeriodEnd.Equal(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("basic → enterprise at a custom price: %+v", s)
	}
	// The whole unused basic month is credited against the first year.
	if p := res.Preview; p.AmountDueNow != testkit.USD(1200000-900) || p.Credit != testkit.USD(900) {
		t.Fatalf("custom price preview: %+v", p)
	}
	if got := invoiceTotals(h.portalView("ada")); !slices.Equal(got, []int64{900, 1200000 - 900}) {
		t.Fatalf("invoices %v, want [900 1199100]", got)
	}

	// One subscription per resource for "sites"; a resource is required.
	blog := h.change("ada", M{"planId": planStarter, "resourceId": "blog"}).Subscription
	docs := h.change("ada", M{"planId": planGrowth, "resourceId": "docs"}).Subscription
	if blog.ID == docs.ID || blog.ResourceID != "blog" || docs.ResourceID != "docs" || blog.ProductID != sites || docs.Price != testkit.USD(1500) {
		t.Fatalf("per-resource subscriptions: %+v / %+v", blog, docs)
	}
	up := h.change("ada", M{"planId": planGrowth, "resourceId": "blog"}).Subscription
	if up.ID != blog.ID || up.Plan.ID != planGrowth {
		t.Fatalf("changing the blog's plan made %+v, want subscription %s on growth", up, blog.ID)
	}
	before := h.snapshot("ada")
	expectProblem(t, h.backend(http.MethodPost, "/api/v1/customers/ada/subscriptions", M{"planId": planStarter}), http.StatusUnprocessableEntity, "resourceId")
	expectProblem(t, h.backend(http.MethodPost, "/api/v1/customers/ada/subscriptions", M{"planId": planEnterprise, "billingPeriod": "annually"}), http.StatusConflict)
	expectProblem(t, h.backend(http.MethodPost, "/api/v1/customers/nobody/subscriptions", M{"planId": planBasic}), http.StatusNotFound)
	h.expectUnchanged(before, "ada")

	c := h.customer("ada")
	if n := len(liveSubs(c, acme)); n != 1 {
		t.Fatalf("%d live acme subscriptions, want 1", n)
	}
	if n := len(liveSubs(c, sites)); n != 2 {
		t.Fatalf("%d live sites subscriptions, want 2", n)
	}
}

func TestCustomPricedPlanNeedsAPrice(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createCustomer("ada", false)
	before := h.snapshot("ada")
	expectProblem(t, h.backend(http.MethodPost, "/api/v1/customers/ada/subscriptions", M{"planId": planEnterprise}), http.StatusUnprocessableEntity, "price")
	expectProblem(t, h.backend(http.MethodPost, "/api/v1/customers/ada/subscriptions",
		M{"planId": planBasic, "price": M{"amount": 100, "currency": "usd"}}), http.StatusUnprocessableEntity, "price")
	h.expectUnchanged(before, "ada")
}

func TestCancel(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createCustomer("ada", true)
	acmeSub := h.change("ada", M{"planId": planBasic}).Subscription
	blog := h.change("ada", M{"planId": planStarter, "resourceId": "blog"}).Subscription
	docs := h.change("ada", M{"planId": planGrowth, "resourceId": "docs"}).Subscription
	h.advance(M{"by": "240h"}) // Jan 11: 21 of 31 days left
	jan11 := t0.AddDate(0, 0, 10)
	feb1 := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)

	// sites cancels immediately, revoking access, with credit for 21/31 of 500.
	r := h.backend(http.MethodPost, "/api/v1/subscriptions/"+blog.ID+"/cancel", nil)
	expectStatus(t, r, http.StatusOK)
	res := decodeAs[portico.CancelResult](t, r)
	if s := res.Subscription; s.ID != blog.ID || s.Status != portico.StatusCanceled || s.EndedAt == nil || !s.EndedAt.Equal(jan11) {
		t.Fatalf("immediate cancel: %+v", s)
	}
	if res.Credit != testkit.USD(339) || len(res.AlsoCanceled) != 0 {
		t.Fatalf("immediate cancel credit %+v, also %+v; want 339 usd and none", res.Credit, res.AlsoCanceled)
	}
	if _, ok := h.entitlements("ada", "blog")[featViews]; ok {
		t.Fatalf("the canceled blog keeps page views")
	}

	// acme cancels at period end (then downgrades to free); sites goes with it now.
	r = h.backend(http.MethodPost, "/api/v1/subscriptions/"+acmeSub.ID+"/cancel", M{"alsoCancelProductIds": []string{sites}})
	expectStatus(t, r, http.StatusOK)
	res = decodeAs[portico.CancelResult](t, r)
	s := res.Subscription
	if s.ID != acmeSub.ID || s.Status != portico.StatusActive || s.CancelAt == nil || !s.CancelAt.Equal(feb1) ||
		len(s.ScheduledUpdates) != 1 || s.ScheduledUpdates[0].Type != portico.UpdateCancellation || !s.ScheduledUpdates[0].EffectiveAt.Equal(feb1) {
		t.Fatalf("end-of-period cancel: %+v", s)
	}
	if len(res.AlsoCanceled) != 1 || res.AlsoCanceled[0].ID != docs.ID || res.AlsoCanceled[0].Status != portico.StatusCanceled {
		t.Fatalf("alsoCanceled %+v, want docs %s canceled", res.AlsoCanceled, docs.ID)
	}
	if res.Credit != testkit.USD(1016) { // 21/31 of 1500
		t.Fatalf("credit %+v, want 1016 usd", res.Credit)
	}
	if got := h.customer("ada").Credit; got != testkit.USD(339+1016) {
		t.Fatalf("customer credit %+v, want 1355 usd", got)
	}

	before := h.snapshot("ada")
	expectProblem(t, h.backend(http.MethodPost, "/api/v1/subscriptions/"+blog.ID+"/cancel", nil), http.StatusConflict)
	expectProblem(t, h.backend(http.MethodPost, "/api/v1/subscriptions/sub_nope/cancel", nil), http.StatusNotFound)
	expectProblem(t, h.backend(http.MethodPost, "/api/v1/subscriptions/"+acmeSub.ID+"/cancel", M{"alsoCancelProductIds": []string{"nope"}}),
		http.StatusUnprocessableEntity, "alsoCancelProductIds[0]")
	h.expectUnchanged(before, "ada")

	// At period end the acme subscription moves to the free plan.
	h.advance(M{"to": "2026-02-01T00:00:00Z"})
	after := h.liveSub("ada", acme, "")
	if after.ID != acmeSub.ID || after.Plan.ID != planFree || after.CancelAt != nil || len(after.ScheduledUpdates) != 0 {
		t.Fatalf("after the period: %+v, want %s on free", after, acmeSub.ID)
	}
}

func TestImmediateDowngradeCreditsTheCustomer(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createCustomer("ada", true)
	blog := h.change("ada", M{"planId": planGrowth, "resourceId": "blog"}).Subscription
	h.advance(M{"by": "240h"}) // Jan 11
	tok := h.session("ada", sites, "blog")
	r := h.portal(tok, http.MethodPost, "/api/v1/portal/subscriptions", M{"planId": planStarter})
	expectStatus(t, r, http.StatusOK)
	res := decodeAs[portico.ChangeResult](t, r)
	// 21/31 of growth (1016) is credited; 21/31 of starter (339) is charged from it.
	if s := res.Subscription; s.ID != blog.ID || s.Plan.ID != planStarter || s.Price != testkit.USD(500) {
		t.Fatalf("immediate downgrade %+v", s)
	}
	if p := res.Preview; p.Intent != "downgrade" || p.Effective != "immediate" || p.Credit != testkit.USD(1016) || p.AmountDueNow != testkit.USD(0) || !p.UsageReset {
		t.Fatalf("immediate downgrade preview %+v", p)
	}
	if c := h.customer("ada").Credit; c != testkit.USD(1016-339) {
		t.Fatalf("customer credit %+v, want 677 usd", c)
	}
	// The Feb 1 renewal (500) is paid from the credit: no invoice, 177 left.
	h.advance(M{"to": "2026-02-01T00:00:00Z"})
	pv := h.portalView("ada")
	if got := invoiceTotals(pv); !slices.Equal(got, []int64{1500}) {
		t.Fatalf("invoices %v, want only the first 1500", got)
	}
	if pv.Credit != testkit.USD(177) || pv.NextBill == nil || pv.NextBill.Amount != 500-177 {
		t.Fatalf("credit %+v, next bill %+v; want 177 left and 323 due Mar 1", pv.Credit, pv.NextBill)
	}
}

func TestBillingProfile(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createCustomer("ada", false)
	if b := h.portalView("ada").Billing; b.Connected || b.PaymentMethod != nil {
		t.Fatalf("billing before a profile: %+v", b)
	}
	profile := portico.BillingProfile{Name: "Ada Lovelace", Email: "billing@example.com", PaymentMethod: testkit.Card(),
		Address: &portico.Address{Line1: "12 St James's Square", City: "London", PostalCode: "SW1Y 4LB", Country: "GB"}}
	r := h.backend(http.MethodPut, "/api/v1/customers/ada/billing", profile)
	expectStatus(t, r, http.StatusOK)
	if got := decodeAs[portico.BillingProfile](t, r); got.Name != profile.Name || *got.PaymentMethod != *testkit.Card() || *got.Address != *profile.Address {
		t.Fatalf("billing answer %+v", got)
	}
	b := h.portalView("ada").Billing
	if !b.Connected || b.Provider != "local" || b.Name != profile.Name || b.Email != profile.Email ||
		b.PaymentMethod == nil || *b.PaymentMethod != *testkit.Card() || b.Address == nil || *b.Address != *profile.Address {
		t.Fatalf("portal billing %+v", b)
	}
}

func TestPromotions(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createCustomer("ada", false)
	e := h.entitlements("ada", "")
	if _, ok := e[featSSO]; ok || e[featSeats].Limit != 3 || e[featStorage].Limit != 1 {
		t.Fatalf("free plan entitlements %+v", e)
	}

	r := h.backend(http.MethodPost, "/api/v1/customers/ada/promotions", M{"featureId": featSSO})
	expectStatus(t, r, http.StatusCreated)
	p := decodeAs[portico.Promotion](t, r)
	if !strings.HasPrefix(p.ID, "promo_") || p.CustomerID != "ada" || p.FeatureID != featSSO || !p.GrantedAt.Equal(t0) || p.ExpiresAt != nil {
		t.Fatalf("promotion %+v", p)
	}
	r = h.backend(http.MethodPost, "/api/v1/customers/ada/promotions", M{"featureId": featSeats, "limit": 50})
	expectStatus(t, r, http.StatusCreated)
	r = h.backend(http.MethodPost, "/api/v1/customers/ada/promotions", M{"featureId": featStorage, "unlimited": true, "expiresAt": t0.Add(48 * time.Hour)})
	expectStatus(t, r, http.StatusCreated)

	e = h.entitlements("ada", "")
	if v := e[featSSO]; !v.HasAccess || v.Source != "promotion" {
		t.Errorf("sso %+v, want access from a promotion", v)
	}
	if v := e[featSeats]; v.Limit != 50 || v.Source != "promotion" || !v.HasAccess {
		t.Errorf("seats %+v, want limit 50 from a promotion", v)
	}
	if v := e[featStorage]; !v.Unlimited || v.Source != "promotion" {
		t.Errorf("storage %+v, want unlimited from a promotion", v)
	}
	if n := len(h.customer("ada").Promotions); n != 3 {
		t.Errorf("customer view lists %d promotions, want 3", n)
	}

	// The storage promotion expires after 48 hours.
	h.advance(M{"by": "72h"})
	e = h.entitlements("ada", "")
	if v := e[featStorage]; v.Unlimited || v.Limit != 1 || v.Source != "plan" {
		t.Errorf("storage after the promotion expired: %+v, want the plan's 1", v)
	}
	pv := h.portalView("ada")
	if len(pv.Promotions) != 2 {
		t.Fatalf("portal shows %d active promotions, want 2: %+v", len(pv.Promotions), pv.Promotions)
	}
	for _, p := range pv.Promotions {
		if p.FeatureName == "" {
			t.Errorf("portal promotion %+v lacks featureName", p)
		}
	}
	expectProblem(t, h.backend(http.MethodPost, "/api/v1/customers/nobody/promotions", M{"featureId": featSSO}), http.StatusNotFound)
}

func TestUsageAndEntitlements(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createCustomer("ada", true)
	feb1 := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)

	v := h.reportUsage("ada", featCalls, 250, "")
	if v.FeatureID != featCalls || v.Usage != 250 || v.Limit != 1000 || !v.HasAccess || v.ResetAt == nil || !v.ResetAt.Equal(feb1) {
		t.Fatalf("api-calls after 250: %+v", v)
	}
	h.reportUsage("ada", featSeats, 2, "")
	if v := h.reportUsage("ada", featSeats, 1, ""); v.Usage != 3 || v.Limit != 3 || v.HasAccess {
		t.Fatalf("seats at 3 of 3: %+v, want no access (usage < limit fails)", v)
	}
	if v := h.reportUsage("ada", featSeats, -1, ""); v.Usage != 2 || !v.HasAccess {
		t.Fatalf("seats after freeing one: %+v", v)
	}

	e := h.entitlements("ada", "")
	want := map[string][2]int64{featSeats: {2, 3}, featProjects: {0, 3}, featCalls: {250, 1000}, featStorage: {0, 1}}
	if len(e) != len(want) {
		t.Fatalf("free plan entitlements %+v, want %v", e, want)
	}
	for id, uw := range want {
		if got := e[id]; got.Usage != uw[0] || got.Limit != uw[1] || got.FeatureName == "" || got.Source != "plan" {
			t.Errorf("%s = %+v, want usage %d of %d", id, got, uw[0], uw[1])
		}
	}
	if r := e[featCalls].ResetAt; r == nil || !r.Equal(feb1) {
		t.Errorf("api-calls resetAt %v, want %v", r, feb1)
	}

	// Per resource: each site has its own plan and page views; the single
	// product counts for every resource.
	h.change("ada", M{"planId": planGrowth, "resourceId": "blog"})
	h.change("ada", M{"planId": planStarter, "resourceId": "docs"})
	h.reportUsage("ada", featViews, 100, "blog")
	blog := h.entitlements("ada", "blog")
	if v := blog[featViews]; v.Limit != 100000 || v.Usage != 100 || !v.HasAccess {
		t.Errorf("blog page views %+v", v)
	}
	if v := blog[featDomain]; !v.HasAccess {
		t.Errorf("blog custom domain %+v", v)
	}
	if v := blog[featSeats]; v.Usage != 2 || v.Limit != 3 {
		t.Errorf("blog's view of acme seats %+v", v)
	}
	docs := h.entitlements("ada", "docs")
	if v := docs[featViews]; v.Limit != 10000 || v.Usage != 0 {
		t.Errorf("docs page views %+v", v)
	}
	if _, ok := docs[featDomain]; ok {
		t.Errorf("docs (starter) has a custom domain")
	}
	none := h.entitlements("ada", "")
	for _, f := range []string{featViews, featDomain} {
		if _, ok := none[f]; ok {
			t.Errorf("entitlements without resourceId include %s", f)
		}
	}
	expectProblem(t, h.backend(http.MethodGet, "/api/v1/customers/nobody/entitlements", nil), http.StatusNotFound)
}

func TestPortalSessions(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createCustomer("ada", false)

	r := h.backend(http.MethodPost, "/api/v1/portal-sessions", M{"customerId": "ada"})
	expectStatus(t, r, http.StatusCreated)
	ps := decodeAs[portico.PortalSession](t, r)
	if !strings.HasPrefix(ps.Token, "ps_") || !ps.ExpiresAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("portal session %+v, want a ps_ token expiring at %v", ps, t0.Add(time.Hour))
	}
	if want := "https://billing.example.com/portal?session=" + url.QueryEscape(ps.Token); ps.URL != want {
		t.Fatalf("url %q, want %q", ps.URL, want)
	}
	u, err := url.Parse(ps.URL)
	if err != nil || u.Query().Get("session") != ps.Token {
		t.Fatalf("url %q does not carry the token", ps.URL)
	}
	v := h.portal(ps.Token, http.MethodGet, "/api/v1/portal", nil)
	expectStatus(t, v, http.StatusOK)
	if pv := decodeAs[portico.PortalView](t, v); pv.Customer.ID != "ada" || pv.Scope != (portico.PortalScope{CustomerID: "ada"}) {
		t.Fatalf("portal for the session: %+v / %+v", pv.Customer, pv.Scope)
	}

	r = h.backend(http.MethodPost, "/api/v1/portal-sessions", M{"customerId": "ada", "productId": sites, "resourceId": "blog",
		"returnUrl": "https://app.example.com/settings", "ttl": "2h"})
	expectStatus(t, r, http.StatusCreated)
	ps = decodeAs[portico.PortalSession](t, r)
	if !ps.ExpiresAt.Equal(t0.Add(2 * time.Hour)) {
		t.Fatalf("ttl 2h: expiresAt %v", ps.ExpiresAt)
	}
	pv := decodeAs[portico.PortalView](t, h.portal(ps.Token, http.MethodGet, "/api/v1/portal", nil))
	if pv.Scope != (portico.PortalScope{CustomerID: "ada", ProductID: sites, ResourceID: "blog"}) {
		t.Fatalf("scope %+v", pv.Scope)
	}
	if pv.ReturnURL != "https://app.example.com/settings" || !pv.Now.Equal(h.clock.Now()) {
		t.Errorf("returnUrl %q, now %v: want the session's return URL and the server's time %v", pv.ReturnURL, pv.Now, h.clock.Now())
	}

	expectProblem(t, h.backend(http.MethodPost, "/api/v1/portal-sessions", M{"customerId": "nobody"}), http.StatusNotFound)
	expectProblem(t, h.backend(http.MethodPost, "/api/v1/portal-sessions", M{"customerId": "ada", "productId": "nope"}), http.StatusUnprocessableEntity, "productId")
	expectProblem(t, h.backend(http.MethodPost, "/api/v1/portal-sessions", M{"customerId": "ada", "ttl": "25h"}), http.StatusUnprocessableEntity, "ttl")
}

// expectKeys checks that the object at path in r has every key.
func expectKeys(t *testing.T, r *response, path string, keys ...string) {
	t.Helper()
	v, ok := r.get(path)
	obj, isObj := v.(map[string]any)
	if !ok || !isObj {
		t.Errorf("%s: no object at %q", r.Path, path)
		return
	}
	for _, k := range keys {
		if _, ok := obj[k]; !ok {
			t.Errorf("%s: %q lacks %q: %v", r.Path, path, k, obj)
		}
	}
}

func TestPortalViewHasEveryField(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createCustomer("grace", true)
	h.change("grace", M{"planId": planBasic})
	sub := h.change("grace", M{"planId": planPro, "addons": []M{{"id": addonSeats, "quantity": 2}}}).Subscription
	h.change("grace", M{"planId": planGrowth, "resourceId": "blog"})
	expectStatus(t, h.backend(http.MethodPost, "/api/v1/customers/grace/promotions", M{"featureId": featSupport}), http.StatusCreated)
	h.reportUsage("grace", featSeats, 4, "")
	tok := h.session("grace", "", "")
	// A downgrade to basic is scheduled for the period's end.
	expectStatus(t, h.portal(tok, http.MethodPost, "/api/v1/portal/subscriptions",
		M{"planId": planBasic, "addons": []M{{"id": addonSeats, "quantity": 2}}}), http.StatusOK)

	r := h.portal(tok, http.MethodGet, "/api/v1/portal", nil)
	expectStatus(t, r, http.StatusOK)
	expectKeys(t, r, "", "customer", "subscriptions", "entitlements", "promotions", "billing", "invoices", "nextBill", "credit", "scope")
	expectKeys(t, r, "customer", "id", "name", "email")
	subs, _ := r.get("subscriptions")
	if n := len(subs.([]any)); n != 2 {
		t.Fatalf("%d subscriptions, want acme and the blog", n)
	}
	acmeAt, blogAt := "subscriptions.0", "subscriptions.1"
	if id, _ := r.get("subscriptions.0.productId"); id == sites {
		acmeAt, blogAt = blogAt, acmeAt
	}
	for _, p := range []string{acmeAt, blogAt} {
		expectKeys(t, r, p, "id", "productId", "productName", "plan", "status", "pricing", "billingPeriod", "price", "total",
			"addons", "currentPeriodStart", "currentPeriodEnd", "scheduledUpdates")
		expectKeys(t, r, p+".plan", "id", "name")
		expectKeys(t, r, p+".price", "amount", "currency")
	}
	expectKeys(t, r, acmeAt+".addons.0", "id", "name", "quantity", "price")
	expectKeys(t, r, acmeAt+".scheduledUpdates.0", "type", "effectiveAt", "targetPlanId", "targetBillingPeriod", "targetAddons")
	expectKeys(t, r, blogAt, "resourceId")
	expectKeys(t, r, "entitlements.0", "featureId", "featureName", "type", "hasAccess", "limit", "unlimited", "usage", "source")
	expectKeys(t, r, "promotions.0", "id", "featureId", "featureName", "grantedAt")
	expectKeys(t, r, "billing", "connected", "provider", "name", "email", "address", "paymentMethod")
	expectKeys(t, r, "billing.paymentMethod", "brand", "last4", "expMonth", "expYear")
	expectKeys(t, r, "invoices.0", "id", "number", "status", "total", "currency", "created", "description")
	expectKeys(t, r, "credit", "amount", "currency")
	expectKeys(t, r, "scope", "customerId")

	pv := decodeAs[portico.PortalView](t, r)
	feb1 := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	if pv.Customer != (portico.PortalCustomer{ID: "grace", Name: "Customer grace", Email: "grace@example.com", Currency: "usd"}) {
		t.Errorf("customer %+v", pv.Customer)
	}
	i := slices.IndexFunc(pv.Subscriptions, func(s portico.SubscriptionView) bool { return s.ProductID == acme })
	if i < 0 {
		t.Fatalf("no acme subscription in %+v", pv.Subscriptions)
	}
	s := pv.Subscriptions[i]
	if s.ID != sub.ID || s.Plan.ID != planPro || s.Status != portico.StatusActive || s.Price != testkit.USD(2900) || s.Total != testkit.USD(3900) ||
		len(s.Addons) != 1 || s.Addons[0] != (portico.AddonView{ID: addonSeats, Name: "Extra seats", Quantity: 2, Price: testkit.USD(500)}) {
		t.Errorf("acme subscription %+v", s)
	}
	if len(s.ScheduledUpdates) != 1 || s.ScheduledUpdates[0].Type != portico.UpdatePlanChange || s.ScheduledUpdates[0].TargetPlanID != planBasic ||
		s.ScheduledUpdates[0].TargetBillingPeriod != portico.Monthly || !s.ScheduledUpdates[0].EffectiveAt.Equal(feb1) {
		t.Errorf("scheduled updates %+v", s.ScheduledUpdates)
	}
	if b := pv.Billing; !b.Connected || b.PaymentMethod == nil || *b.PaymentMethod != *testkit.Card() || b.Address == nil || b.Address.Country != "US" {
		t.Errorf("billing %+v", b)
	}
	// Basic for the month, then Pro with two seat packs less the unused Basic month, and the blog.
	if got := invoiceTotals(pv); !slices.Equal(got, []int64{900, 1500, 3900 - 900}) {
		t.Errorf("invoices %v, want [900 1500 3000]", got)
	}
	for _, inv := range pv.Invoices {
		if inv.Status != "paid" || inv.Currency != "usd" || !inv.Created.Equal(t0) || !strings.HasPrefix(inv.Number, "GRACE-") {
			t.Errorf("invoice %+v", inv)
		}
	}
	sources := map[string]string{}
	for _, e := range pv.Entitlements {
		sources[e.FeatureID] = e.Source
		if e.FeatureName == "" {
			t.Errorf("entitlement %+v lacks featureName", e)
		}
	}
	if sources[featSupport] != "promotion" || sources[featSeats] != "plan" || sources[featViews] != "" {
		t.Errorf("entitlement sources %v (an unscoped portal counts no site)", sources)
	}
	if len(pv.Promotions) != 1 || pv.Promotions[0].FeatureName != "Priority support" {
		t.Errorf("promotions %+v", pv.Promotions)
	}

	// A trial that is cancelled shows trialEndsAt and cancelAt, and no next bill.
	h2 := newHarness(t)
	h2.putCatalog(withJourneyStart(t, portico.StartTrial))
	trial := h2.createCustomer("alan", false).Subscriptions[0]
	tok2 := h2.session("alan", "", "")
	expectStatus(t, h2.portal(tok2, http.MethodPost, "/api/v1/portal/subscriptions/"+trial.ID+"/cancel", nil), http.StatusOK)
	r = h2.portal(tok2, http.MethodGet, "/api/v1/portal", nil)
	expectStatus(t, r, http.StatusOK)
	expectKeys(t, r, "subscriptions.0", "trialEndsAt", "cancelAt")
	expectKeys(t, r, "subscriptions.0.scheduledUpdates.0", "type", "effectiveAt")
	if nb, _ := r.get("nextBill"); nb != nil {
		t.Errorf("nextBill %v for a cancelled trial, want null", nb)
	}
	pv = decodeAs[portico.PortalView](t, r)
	end := t0.AddDate(0, 0, 14)
	if s := pv.Subscriptions[0]; s.Status != portico.StatusTrialing || s.TrialEndsAt == nil || !s.TrialEndsAt.Equal(end) ||
		s.CancelAt == nil || !s.CancelAt.Equal(end) || len(s.ScheduledUpdates) != 1 || s.ScheduledUpdates[0].Type != portico.UpdateCancellation {
		t.Errorf("cancelled trial %+v", s)
	}
}

func TestPortalNextBill(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createCustomer("ada", true)
	h.change("ada", M{"planId": planBasic, "addons": []M{{"id": addonSeats, "quantity": 1}}})
	pv := h.portalView("ada")
	want := &portico.Bill{Amount: 1400, Currency: "usd", Date: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)}
	if pv.NextBill == nil || pv.NextBill.Amount != want.Amount || pv.NextBill.Currency != want.Currency || !pv.NextBill.Date.Equal(want.Date) {
		t.Fatalf("nextBill %+v, want %+v", pv.NextBill, want)
	}

	// A site renewing the same day is on the same bill.
	h.change("ada", M{"planId": planStarter, "resourceId": "blog"})
	pv = h.portalView("ada")
	if pv.NextBill == nil || !pv.NextBill.Date.Equal(want.Date) {
		t.Fatalf("nextBill %+v, want one on %v", pv.NextBill, want.Date)
	}
	if pv.NextBill.Amount != 1900 {
		t.Fatalf("nextBill %+v, want 1900 (1400 + 500) on %v", pv.NextBill, want.Date)
	}
}

func paywall(t *testing.T, h *harness, tok, query string) portico.PaywallView {
	t.Helper()
	r := h.portal(tok, http.MethodGet, "/api/v1/portal/paywall"+query, nil)
	expectStatus(t, r, http.StatusOK)
	return decodeAs[portico.PaywallView](t, r)
}

func intents(pw portico.PaywallView) map[string]portico.Intent {
	out := map[string]portico.Intent{}
	for _, p := range pw.Plans {
		out[p.ID] = p.Intent
	}
	return out
}

func TestPaywallIntents(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createCustomer("bo", true)
	sub := h.change("bo", M{"planId": planBasic}).Subscription
	tok := h.session("bo", "", "")

	pw := paywall(t, h, tok, "?productId=acme&billingPeriod=monthly")
	if pw.Product.ID != acme || pw.BillingPeriod != portico.Monthly || !slices.Equal(pw.BillingPeriods, []portico.BillingPeriod{"monthly", "annually"}) || pw.SubscriptionID != sub.ID {
		t.Fatalf("paywall head %+v", pw)
	}
	want := map[string]portico.Intent{planFree: "downgrade", planBasic: "current", planPro: "upgrade", planEnterprise: "contact_sales"}
	if got := intents(pw); !reflect.DeepEqual(got, want) {
		t.Fatalf("monthly intents %v, want %v", got, want)
	}
	for _, p := range pw.Plans {
		if p.Highlighted != (p.ID == planPro) {
			t.Errorf("plan %s highlighted=%v", p.ID, p.Highlighted)
		}
		if p.ID == planBasic && (p.Price == nil || *p.Price != testkit.USD(900)) {
			t.Errorf("basic monthly price %+v", p.Price)
		}
	}
	pw = paywall(t, h, tok, "?productId=acme&billingPeriod=annually")
	want = map[string]portico.Intent{planFree: "downgrade", planBasic: "switch_period", planPro: "upgrade", planEnterprise: "contact_sales"}
	if got := intents(pw); !reflect.DeepEqual(got, want) {
		t.Fatalf("annual intents %v, want %v", got, want)
	}

	// A scheduled downgrade shows as such.
	expectStatus(t, h.portal(tok, http.MethodPost, "/api/v1/portal/subscriptions", M{"planId": planFree}), http.StatusOK)
	if got := intents(paywall(t, h, tok, "?productId=acme&billingPeriod=monthly"))[planFree]; got != "scheduled" {
		t.Fatalf("free after scheduling the downgrade: %q, want scheduled", got)
	}

	// On the free plan, Pro's trial is offered once.
	h.createCustomer("di", true)
	di := h.session("di", "", "")
	want = map[string]portico.Intent{planFree: "current", planBasic: "upgrade", planPro: "start_trial", planEnterprise: "contact_sales"}
	if got := intents(paywall(t, h, di, "?productId=acme")); !reflect.DeepEqual(got, want) {
		t.Fatalf("free plan intents %v, want %v", got, want)
	}

	// With no subscription yet: subscribe, start_trial, contact_sales.
	h.putCatalog(withJourneyStart(t, portico.StartPricingTable))
	h.createCustomer("cy", false)
	cy := h.session("cy", "", "")
	pw = paywall(t, h, cy, "?productId=acme")
	want = map[string]portico.Intent{planFree: "subscribe", planBasic: "subscribe", planPro: "start_trial", planEnterprise: "contact_sales"}
	if got := intents(pw); !reflect.DeepEqual(got, want) || pw.SubscriptionID != "" {
		t.Fatalf("intents with no subscription %v (sub %q), want %v", got, pw.SubscriptionID, want)
	}

	// productId defaults to the session's product, else the one product
	// subscribed to; with two products and neither it is required.
	if pw := paywall(t, h, h.session("cy", sites, "blog"), ""); pw.Product.ID != sites {
		t.Fatalf("scoped paywall shows %s, want sites", pw.Product.ID)
	}
	if pw := paywall(t, h, tok, ""); pw.Product.ID != acme || pw.SubscriptionID != sub.ID {
		t.Fatalf("paywall of a customer subscribed to acme only shows %s", pw.Product.ID)
	}
	expectProblem(t, h.portal(cy, http.MethodGet, "/api/v1/portal/paywall", nil), http.StatusUnprocessableEntity, "productId")
	expectProblem(t, h.portal(tok, http.MethodGet, "/api/v1/portal/paywall?productId=nope", nil), http.StatusNotFound)
}

func TestPreviewMakesNoChange(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createCustomer("bo", true)
	sub := h.change("bo", M{"planId": planBasic}).Subscription
	h.reportUsage("bo", featCalls, 40, "")
	h.advance(M{"by": "240h"}) // Jan 11
	jan11 := t0.AddDate(0, 0, 10)
	feb1 := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	tok := h.session("bo", "", "")
	before := h.snapshot("bo")

	r := h.portal(tok, http.MethodPost, "/api/v1/portal/preview", M{"planId": planPro})
	expectStatus(t, r, http.StatusOK)
	p := decodeAs[portico.Preview](t, r)
	// 21/31 of pro (1965) less 21/31 of basic (610).
	if p.Intent != "upgrade" || p.Effective != "immediate" || !p.EffectiveAt.Equal(jan11) ||
		p.AmountDueNow != testkit.USD(1355) || p.Credit != testkit.USD(610) || p.UsageReset {
		t.Fatalf("upgrade preview %+v", p)
	}
	if p.NextBill == nil || p.NextBill.Amount != 2900 || !p.NextBill.Date.Equal(feb1) {
		t.Fatalf("upgrade next bill %+v", p.NextBill)
	}
	gained := map[string]string{}
	for _, l := range p.Gained {
		gained[l.FeatureID] = l.Change
	}
	wantGained := map[string]string{featSeats: "increased", featProjects: "increased", featCalls: "increased", featStorage: "increased", featSSO: "added"}
	if !reflect.DeepEqual(gained, wantGained) || len(p.Lost) != 0 {
		t.Fatalf("gained %v lost %+v, want %v and nothing", gained, p.Lost, wantGained)
	}
	for _, l := range p.Gained {
		if l.FeatureID == featSeats && (l.PreviousLimit == nil || *l.PreviousLimit != 5 || l.Limit != 10) {
			t.Errorf("seats line %+v, want 5 → 10", l)
		}
	}

	r = h.portal(tok, http.MethodPost, "/api/v1/portal/preview", M{"planId": planFree})
	expectStatus(t, r, http.StatusOK)
	p = decodeAs[portico.Preview](t, r)
	if g, _ := r.get("gained"); g == nil {
		t.Errorf("gained is null, want []")
	}
	if p.Intent != "downgrade" || p.Effective != "end_of_period" || !p.EffectiveAt.Equal(feb1) || p.AmountDueNow.Amount != 0 ||
		p.NextBill != nil || len(p.Gained) != 0 || !p.UsageReset {
		t.Fatalf("downgrade preview %+v", p)
	}
	lost := map[string]string{}
	for _, l := range p.Lost {
		lost[l.FeatureID] = l.Change
	}
	if want := map[string]string{featSeats: "decreased", featProjects: "decreased", featCalls: "decreased", featStorage: "decreased", "audit-log": "removed"}; !reflect.DeepEqual(lost, want) {
		t.Fatalf("lost %v, want %v", lost, want)
	}

	r = h.portal(tok, http.MethodPost, "/api/v1/portal/preview", M{"subscriptionId": sub.ID, "planId": planBasic, "billingPeriod": "annually"})
	expectStatus(t, r, http.StatusOK)
	p = decodeAs[portico.Preview](t, r)
	if p.Intent != "switch_period" || p.Effective != "immediate" || p.AmountDueNow != testkit.USD(9000-610) || p.Credit != testkit.USD(610) || !p.UsageReset ||
		p.NextBill == nil || p.NextBill.Amount != 9000 || !p.NextBill.Date.Equal(jan11.AddDate(1, 0, 0)) {
		t.Fatalf("period switch preview %+v", p)
	}

	h.expectUnchanged(before, "bo")
	if got := h.entitlements("bo", "")[featCalls].Usage; got != 40 {
		t.Fatalf("usage after previews %d, want 40", got)
	}
}

func TestPortalChangesAndScheduledUpdates(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createCustomer("bo", true)
	sub := h.change("bo", M{"planId": planBasic}).Subscription
	h.advance(M{"by": "240h"})
	feb1 := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	tok := h.session("bo", "", "")

	r := h.portal(tok, http.MethodPost, "/api/v1/portal/subscriptions", M{"planId": planPro})
	expectStatus(t, r, http.StatusOK)
	res := decodeAs[portico.ChangeResult](t, r)
	if res.Subscription.ID != sub.ID || res.Subscription.Plan.ID != planPro || res.Preview.AmountDueNow != testkit.USD(1355) {
		t.Fatalf("portal upgrade %+v", res)
	}
	if got := invoiceTotals(h.portalView("bo")); !slices.Equal(got, []int64{900, 1355}) {
		t.Fatalf("invoices %v, want [900 1355]", got)
	}

	// A downgrade waits for the period's end; deleting it keeps Pro.
	r = h.portal(tok, http.MethodPost, "/api/v1/portal/subscriptions", M{"planId": planBasic})
	expectStatus(t, r, http.StatusOK)
	s := decodeAs[portico.ChangeResult](t, r).Subscription
	if s.Plan.ID != planPro || len(s.ScheduledUpdates) != 1 || s.ScheduledUpdates[0].TargetPlanID != planBasic ||
		s.ScheduledUpdates[0].Type != portico.UpdatePlanChange || !s.ScheduledUpdates[0].EffectiveAt.Equal(feb1) {
		t.Fatalf("scheduled downgrade %+v", s)
	}
	r = h.portal(tok, http.MethodDelete, "/api/v1/portal/subscriptions/"+sub.ID+"/scheduled-updates", nil)
	expectStatus(t, r, http.StatusOK)
	if s := decodeAs[portico.SubscriptionView](t, r); s.Plan.ID != planPro || len(s.ScheduledUpdates) != 0 {
		t.Fatalf("after deleting the scheduled update: %+v", s)
	}
	before := h.snapshot("bo")
	expectProblem(t, h.portal(tok, http.MethodDelete, "/api/v1/portal/subscriptions/"+sub.ID+"/scheduled-updates", nil), http.StatusConflict)
	h.expectUnchanged(before, "bo")

	// The backend route does the same.
	expectStatus(t, h.portal(tok, http.MethodPost, "/api/v1/portal/subscriptions", M{"planId": planFree}), http.StatusOK)
	r = h.backend(http.MethodDelete, "/api/v1/subscriptions/"+sub.ID+"/scheduled-updates", nil)
	expectStatus(t, r, http.StatusOK)
	if s := decodeAs[portico.SubscriptionView](t, r); len(s.ScheduledUpdates) != 0 {
		t.Fatalf("backend delete left %+v", s.ScheduledUpdates)
	}
	h.advance(M{"to": "2026-02-01T00:00:00Z"})
	if s := h.liveSub("bo", acme, ""); s.Plan.ID != planPro {
		t.Fatalf("after the period, plan %s, want pro (the downgrade was withdrawn)", s.Plan.ID)
	}

	// Prices are the backend's: a portal request setting one is refused.
	tok = h.session("bo", "", "")
	before = h.snapshot("bo")
	expectProblem(t, h.portal(tok, http.MethodPost, "/api/v1/portal/subscriptions",
		M{"planId": planEnterprise, "price": M{"amount": 1, "currency": "usd"}}), http.StatusUnprocessableEntity, "price")
	p := expectProblem(t, h.portal(tok, http.MethodPost, "/api/v1/portal/subscriptions", M{"planId": planEnterprise}), http.StatusForbidden)
	if !strings.Contains(p.Detail, "contact support") {
		t.Errorf("custom plan refusal detail %q lacks the contact-support reason", p.Detail)
	}
	h.expectUnchanged(before, "bo")
}

func TestPortalCustomPricedSubscriptionIsForbidden(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createCustomer("meg", true)
	sub := h.change("meg", M{"planId": planEnterprise, "billingPeriod": "annually", "price": M{"amount": 1200000, "currency": "usd"}}).Subscription
	tok := h.session("meg", "", "")
	before := h.snapshot("meg")
	for _, path := range []string{"/api/v1/portal/subscriptions", "/api/v1/portal/preview"} {
		for _, body := range []M{{"planId": planPro}, {"planId": planBasic, "billingPeriod": "monthly"}, {"subscriptionId": sub.ID, "planId": planFree}} {
			p := expectProblem(t, h.portal(tok, http.MethodPost, path, body), http.StatusForbidden)
			if !strings.Contains(p.Detail, "custom price") || !strings.Contains(p.Detail, "contact support") {
				t.Errorf("%s %v: detail %q, want the contact-support reason", path, body, p.Detail)
			}
		}
	}
	h.expectUnchanged(before, "meg")
	if got := intents(paywall(t, h, tok, "?productId=acme")); got[planPro] != "contact_sales" || got[planEnterprise] != "current" {
		t.Errorf("paywall for a custom price: %v", got)
	}

	// Cancellation is always possible.
	r := h.portal(tok, http.MethodPost, "/api/v1/portal/subscriptions/"+sub.ID+"/cancel", nil)
	expectStatus(t, r, http.StatusOK)
	if s := decodeAs[portico.CancelResult](t, r).Subscription; s.CancelAt == nil || !s.CancelAt.Equal(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("custom-priced cancel %+v", s)
	}
}

func TestPortalCancel(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createCustomer("bo", true)
	acmeSub := h.change("bo", M{"planId": planBasic}).Subscription
	blog := h.change("bo", M{"planId": planGrowth, "resourceId": "blog"}).Subscription
	h.advance(M{"by": "240h"})
	feb1 := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)

	tok := h.session("bo", "", "")
	r := h.portal(tok, http.MethodPost, "/api/v1/portal/subscriptions/"+acmeSub.ID+"/cancel", nil)
	expectStatus(t, r, http.StatusOK)
	res := decodeAs[portico.CancelResult](t, r)
	if s := res.Subscription; s.Status != portico.StatusActive || s.CancelAt == nil || !s.CancelAt.Equal(feb1) || res.Credit.Amount != 0 {
		t.Fatalf("portal cancel at period end: %+v credit %+v", s, res.Credit)
	}

	// A session scoped to the blog cancels it now, with credit.
	site := h.session("bo", sites, "blog")
	r = h.portal(site, http.MethodPost, "/api/v1/portal/subscriptions/"+blog.ID+"/cancel", M{})
	expectStatus(t, r, http.StatusOK)
	res = decodeAs[portico.CancelResult](t, r)
	if s := res.Subscription; s.Status != portico.StatusCanceled || res.Credit != testkit.USD(1016) {
		t.Fatalf("portal immediate cancel %+v credit %+v", s, res.Credit)
	}
	pv := decodeAs[portico.PortalView](t, h.portal(site, http.MethodGet, "/api/v1/portal", nil))
	if len(pv.Subscriptions) != 1 || pv.Subscriptions[0].ID != blog.ID || pv.Subscriptions[0].Status != portico.StatusCanceled {
		t.Fatalf("scoped portal shows %+v, want the canceled blog only", pv.Subscriptions)
	}
}

func TestBillingSessionWithoutProvider(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createCustomer("ada", true)
	tok := h.session("ada", "", "")
	before := h.snapshot("ada")
	p := expectProblem(t, h.portal(tok, http.MethodPost, "/api/v1/portal/billing-session", M{"flow": "payment_method_update"}), http.StatusConflict)
	if !strings.Contains(p.Detail, "billing provider") {
		t.Errorf("detail %q", p.Detail)
	}
	expectProblem(t, h.portal(tok, http.MethodPost, "/api/v1/portal/billing-session", nil), http.StatusConflict)
	expectProblem(t, h.portal(tok, http.MethodPost, "/api/v1/portal/billing-session", M{"flow": "payment_method_setup"}), http.StatusConflict)
	expectProblem(t, h.portal(tok, http.MethodPost, "/api/v1/portal/billing-session", M{"flow": "steal"}), http.StatusUnprocessableEntity, "flow")
	h.expectUnchanged(before, "ada")
}

func TestHealthAndUnknownRoutes(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.do(http.MethodGet, "/healthz", "", nil)
	expectStatus(t, r, http.StatusOK)
	if !reflect.DeepEqual(r.JSON, map[string]any{"status": "ok"}) {
		t.Fatalf("healthz %s", r.Body)
	}
	for _, tc := range []struct{ method, path, token string }{
		{http.MethodGet, "/api/v1/nope", secretKey},
		{http.MethodGet, "/api/v1/nope", ""},
		{http.MethodPost, "/api/v2/customers", secretKey},
		{http.MethodGet, "/api/v1/customers", secretKey},
		{http.MethodGet, "/api/v1/catalog/extra", secretKey},
	} {
		p := expectProblem(t, h.do(tc.method, tc.path, tc.token, nil), http.StatusNotFound)
		if !strings.Contains(p.Detail, tc.path) {
			t.Errorf("%s %s: detail %q does not name the path", tc.method, tc.path, p.Detail)
		}
	}
	for _, hdr := range []string{"X-Content-Type-Options", "Referrer-Policy", "Cache-Control"} {
		if r.Header.Get(hdr) == "" {
			t.Errorf("answers lack %s", hdr)
		}
	}
}

func TestHealthzReportsAnUnreachableStore(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	if err := h.srv.Store.Close(); err != nil {
		t.Fatalf("close store: %v", err)
	}
	r := h.do(http.MethodGet, "/healthz", "", nil)
	if r.Status != http.StatusServiceUnavailable || !reflect.DeepEqual(r.JSON, map[string]any{"status": "unavailable", "store": "unreachable"}) {
		t.Fatalf("healthz with the store closed: %s", r)
	}
}

// TestConcurrentChangesAndUsage runs 50 requests at once for one customer:
// plan changes through the portal and the backend and usage reports. The
// customer ends with one live subscription to the single product and the
// usage reported, all of it.
func TestConcurrentChangesAndUsage(t *testing.T) {
	t.Parallel()
	const n = 50
	h := newHarness(t)
	h.createCustomer("busy", true)
	tok := h.session("busy", "", "")
	changes := []M{
		{"planId": planBasic}, {"planId": planPro}, {"planId": planFree},
		{"planId": planBasic, "billingPeriod": "annually"},
		{"planId": planPro, "addons": []M{{"id": addonSeats, "quantity": 2}}},
	}

	var wg sync.WaitGroup
	var mu sync.Mutex
	var problems []string
	var reported int64
	changed := 0
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			var r *response
			var err error
			switch i % 3 {
			case 0:
				r, err = h.try(http.MethodPost, "/api/v1/portal/subscriptions", tok, changes[i%len(changes)])
			case 1:
				r, err = h.try(http.MethodPost, "/api/v1/customers/busy/subscriptions", secretKey, changes[i%len(changes)])
			default:
				v := int64(i + 1)
				r, err = h.try(http.MethodPost, "/api/v1/usage", secretKey, M{"customerId": "busy", "featureId": featSeats, "value": v})
				if err == nil && r.Status == http.StatusOK {
					mu.Lock()
					reported += v
					mu.Unlock()
				}
			}
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				problems = append(problems, err.Error())
			case r.Status == http.StatusOK && i%3 != 2:
				changed++
			case r.Status == http.StatusOK:
			case r.Status == http.StatusConflict && i%3 != 2:
				// A change to the terms already held.
			default:
				problems = append(problems, r.String())
			}
		}()
	}
	close(start)
	wg.Wait()
	for _, p := range problems {
		t.Error(p)
	}
	if changed == 0 {
		t.Fatalf("no plan change went through")
	}

	c := h.customer("busy")
	if live := liveSubs(c, acme); len(live) != 1 {
		t.Fatalf("%d live acme subscriptions, want exactly 1: %+v", len(live), live)
	}
	var want int64
	for i := 2; i < n; i += 3 {
		want += int64(i + 1)
	}
	if reported != want {
		t.Fatalf("only %d of %d seats were accepted", reported, want)
	}
	if got := h.entitlements("busy", "")[featSeats].Usage; got != want {
		t.Fatalf("seats usage %d, want %d (the sum reported)", got, want)
	}
}

// Many first portal reads at once, each computing and keeping a view
// (none is kept yet), all answer, and each answers its own customer.
func TestConcurrentFirstPortalReads(t *testing.T) {
	t.Parallel()
	const n = 48
	h := newHarness(t)
	tokens := make([]string, n)
	for i := range n {
		id := fmt.Sprintf("reader-%02d", i)
		h.createCustomer(id, i%2 == 0)
		tokens[i] = h.session(id, "", "")
	}
	var wg sync.WaitGroup
	errs := make(chan string, n)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			r, err := h.try(http.MethodGet, "/api/v1/portal", tokens[i], nil)
			switch {
			case err != nil:
				errs <- err.Error()
			case r.Status != http.StatusOK:
				errs <- r.String()
			default:
				if id, _ := r.get("customer.id"); id != fmt.Sprintf("reader-%02d", i) {
					errs <- fmt.Sprintf("reader %d got the portal of %v", i, id)
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	close(start)
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("concurrent first portal reads did not all answer within 20 s")
	}
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// An archive the catalog's rules refuse names the field that depends on
// the object, as a refused PUT does.
func TestArchivingWhatTheJourneyNeedsNamesTheField(t *testing.T) {
	h := newHarness(t)
	before := h.backend(http.MethodGet, "/api/v1/catalog", nil)
	r := h.backend(http.MethodPost, "/api/v1/plans/free/archive", nil)
	expectProblem(t, r, http.StatusConflict, "products[0].journey.freePlanId")
	if after := h.backend(http.MethodGet, "/api/v1/catalog", nil); string(after.Body) != string(before.Body) {
		t.Error("a refused archive changed the catalog")
	}
}
