package server_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server"
	"github.com/portico-dev/portico/server/billing"
	stripebilling "github.com/portico-dev/portico/server/billing/stripe"
	"github.com/portico-dev/portico/server/billing/stripemock"
)

// withStripe connects the Stripe provider to the server, against the
// Stripe API at api (stripe-mock), with its links kept in the server's
// store: the provider writes them in the engine's transactions, so they
// meet the store's constraints as they do in production.
func withStripe(t *testing.T, api string) option {
	return func(s *server.Server) {
		links, ok := s.Store.(billing.Store)
		if !ok {
			t.Fatalf("the store %T keeps no billing links", s.Store)
		}
		p, err := stripebilling.New(stripebilling.Options{SecretKey: "sk_test_portico", APIBase: api, Store: links,
			MaxNetworkRetries: new(int64(0)), CacheTTL: -1})
		if err != nil {
			t.Fatal(err)
		}
		s.ConnectBilling(p)
	}
}

// journeyStart is how a product's journey starts, and ends when unpaid.
type journeyStart struct {
	start       portico.JourneyStart
	afterCancel portico.AfterCancel
	perResource bool
}

func (j journeyStart) String() string {
	kind := "per customer"
	if j.perResource {
		kind = "per resource"
	}
	return fmt.Sprintf("%s, then %s, %s", j.start, j.afterCancel, kind)
}

// The catalog of the journey-start tests: one product, "app", with a free
// plan, a paid plan with a trial ("pro") and one without ("basic"), every
// paid price billed as a Stripe price.
const (
	startFree  = "free"
	startTrial = "pro"
	startPaid  = "basic"
)

func journeyCatalog(j journeyStart) M {
	subscriptionType := portico.SubscriptionSingle
	if j.perResource {
		subscriptionType = portico.SubscriptionMultiple
	}
	price := func(plan string, amount int) []M {
		return []M{{"billingPeriod": "monthly", "amount": amount, "currency": "usd", "stripePriceId": "price_" + plan + "_monthly"}}
	}
	seats := func(n int) []M { return []M{{"featureId": "seats", "limit": n}} }
	return M{
		"features": []M{{"id": "seats", "name": "Seats", "type": "numeric", "unit": "seat"}},
		"products": []M{{"id": "app", "name": "App", "subscriptionType": subscriptionType,
			"journey": M{"start": j.start, "freePlanId": startFree, "trialPlanId": startTrial, "downgrade": "immediate",
				"usageReset": "always", "cancellation": "immediate", "afterCancel": j.afterCancel}}},
		"plans": []M{
			{"id": startFree, "productId": "app", "name": "Free", "order": 0, "pricing": "free", "entitlements": seats(1)},
			{"id": startPaid, "productId": "app", "name": "Basic", "order": 1, "pricing": "paid", "prices": price(startPaid, 900), "entitlements": seats(5)},
			{"id": startTrial, "productId": "app", "name": "Pro", "order": 2, "pricing": "paid", "prices": price(startTrial, 2900),
				"trialDays": 14, "entitlements": seats(10)},
		},
		"addons": []M{},
	}
}

// startPlan is the plan a customer starts on: the journey's free plan or
// trial, or, from the pricing table, the paid plan without a trial.
func (j journeyStart) startPlan() string {
	switch j.start {
	case portico.StartFreePlan:
		return startFree
	case portico.StartTrial:
		return startTrial
	}
	return startPaid
}

// startedByCreating tells whether creating the customer starts the journey
// (a free plan or a trial sold per customer); otherwise choosing the start
// plan (for a resource, when sold per resource) once the customer exists.
func (j journeyStart) startedByCreating() bool {
	return !j.perResource && j.start != portico.StartPricingTable
}

// Every journey start, sold per customer or per resource, with Stripe
// connected: what starts is what starts without Stripe, a paid
// subscription (a trial included) is linked to a Stripe subscription in
// the same transaction, and while Stripe refuses it the answer is a
// problem document with Stripe's reason that leaves nothing behind, so
// the same request succeeds once Stripe accepts. From a free plan, the
// trial of the paid plan (a reverse trial, back to the free plan when
// unpaid) is mirrored the same way. No answer is a 5xx.
func TestJourneyStartsWithStripe(t *testing.T) {
	api := stripemock.Start(t)
	for _, start := range portico.JourneyStart("").Values() {
		for _, afterCancel := range portico.AfterCancel("").Values() {
			for _, perResource := range []bool{false, true} {
				j := journeyStart{start: start, afterCancel: afterCancel, perResource: perResource}
				t.Run(j.String(), func(t *testing.T) {
					t.Parallel()
					testJourneyStartWithStripe(t, api, j)
				})
			}
		}
	}
}

// stripeJourney is one customer's journey on a server whose Stripe
// refuses every new subscription while refusing is set.
type stripeJourney struct {
	t          *testing.T
	h          *harness
	refusing   atomic.Bool
	customerID string
	resourceID string // "" when the product is sold per customer
}

func testJourneyStartWithStripe(t *testing.T, api string, j journeyStart) {
	sj := &stripeJourney{t: t, customerID: "hal1"}
	refusingAPI := stripemock.Refusing(t, api, func(form url.Values) *stripemock.Refusal {
		if !sj.refusing.Load() {
			return nil
		}
		return stripemock.NoSuchPrice(form.Get("items[0][price]"))
	})
	sj.h = newBareHarness(t, withStripe(t, refusingAPI))
	expectStatus(t, sj.h.backend(http.MethodPut, "/api/v1/catalog", journeyCatalog(j)), http.StatusOK)
	if j.perResource {
		sj.resourceID = "site-1"
	}

	if j.startedByCreating() {
		sj.expectStarts(j.startPlan(), http.StatusCreated, func() *response {
			return sj.h.backend(http.MethodPost, "/api/v1/customers", M{"id": sj.customerID})
		})
	} else {
		if created := sj.h.createCustomer(sj.customerID, false); len(created.Subscriptions) != 0 {
			t.Fatalf("a customer of a product that starts %s started %+v", j, created.Subscriptions)
		}
		sj.expectStarts(j.startPlan(), http.StatusOK, sj.choose(j.startPlan()))
	}
	if j.startPlan() == startFree {
		sj.expectStarts(startTrial, http.StatusOK, sj.choose(startTrial))
	}
}

// choose is the request that puts the customer (or their resource) on the
// plan.
func (sj *stripeJourney) choose(planID string) func() *response {
	return func() *response {
		req := M{"planId": planID}
		if sj.resourceID != "" {
			req["resourceId"] = sj.resourceID
		}
		return sj.h.backend(http.MethodPost, "/api/v1/customers/"+sj.customerID+"/subscriptions", req)
	}
}

// expectStarts sends a request that puts the customer on a plan: while
// Stripe refuses, when the plan is billed, it must change nothing and say
// why; once Stripe accepts, it must start the plan, linked to a Stripe
// subscription when billed.
func (sj *stripeJourney) expectStarts(planID string, status int, send func() *response) {
	t, h := sj.t, sj.h
	t.Helper()
	billed := planID != startFree
	sj.refusing.Store(true)
	before := h.snapshot(sj.customerID)
	r := send()
	if billed {
		p := expectProblem(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(p.Detail, "No such price: 'price_"+planID+"_monthly'") {
			t.Errorf("refused by Stripe: %+v, want Stripe's reason", p)
		}
		h.expectUnchanged(before, sj.customerID)
		expectNoLinks(t, h, sj.customerID)
		sj.refusing.Store(false)
		r = send()
	}
	expectStatus(t, r, status)
	sj.refusing.Store(false)

	sub := h.liveSub(sj.customerID, "app", sj.resourceID)
	want := portico.StatusActive
	if planID == startTrial {
		want = portico.StatusTrialing
	}
	if sub.Plan.ID != planID || sub.Status != want {
		t.Errorf("on %s %s, want %s %s", sub.Plan.ID, sub.Status, planID, want)
	}
	provider, err := h.srv.Store.(billing.Store).ProviderSubscription(t.Context(), sub.ID)
	switch {
	case billed && (err != nil || !strings.HasPrefix(provider, "sub_")):
		t.Errorf("subscription %s on %s is linked to %q (%v), want a Stripe subscription", sub.ID, planID, provider, err)
	case !billed && !errors.Is(err, portico.ErrNotFound):
		t.Errorf("free subscription %s is linked to %q (%v), want none", sub.ID, provider, err)
	}
}

// expectNoLinks fails when the customer or any subscription of theirs is
// linked to a Stripe object.
func expectNoLinks(t *testing.T, h *harness, customerID string) {
	t.Helper()
	links := h.srv.Store.(billing.Store)
	if id, err := links.ProviderCustomer(t.Context(), customerID); !errors.Is(err, portico.ErrNotFound) {
		t.Errorf("customer %s is linked to %q (%v) after a refusal", customerID, id, err)
	}
	r := h.backend(http.MethodGet, "/api/v1/customers/"+customerID, nil)
	if r.Status == http.StatusNotFound {
		return
	}
	for _, s := range decodeAs[portico.CustomerView](t, r).Subscriptions {
		if id, err := links.ProviderSubscription(t.Context(), s.ID); !errors.Is(err, portico.ErrNotFound) {
			t.Errorf("subscription %s is linked to %q (%v) after a refusal", s.ID, id, err)
		}
	}
}
