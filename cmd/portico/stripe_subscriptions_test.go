package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76/webhook"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/assets"
	"github.com/portico-dev/portico/internal/pgtest"
	"github.com/portico-dev/portico/server/billing"
	"github.com/portico-dev/portico/server/billing/stripemock"
	"github.com/portico-dev/portico/server/store/postgres"
	"github.com/portico-dev/portico/server/store/sqlite"
)

// Every way a subscription starts and is mirrored to Stripe in one go, run
// through the binary against stripe-mock, on SQLite and on PostgreSQL: the
// subscription and its Stripe link are written in one transaction, in an
// order both stores' constraints accept; a Stripe refusal answers with its
// reason and leaves nothing behind; no answer is a 5xx.

// onEachStore runs a test of the binary on SQLite, then on PostgreSQL.
func onEachStore(t *testing.T, test func(t *testing.T)) {
	t.Run("sqlite", test)
	t.Run("postgres", func(t *testing.T) {
		t.Setenv("PORTICO_DATABASE_URL", pgtest.URL(t))
		test(t)
	})
}

// stripeServer is `portico serve` with the demo, connected to stripe-mock
// through a proxy that refuses new Stripe subscriptions while told to, and
// one that records what reaches stripe-mock.
type stripeServer struct {
	t         *testing.T
	base, key string
	refusal   atomic.Pointer[stripemock.Refusal]
	sent      *stripemock.Calls
}

func serveWithStripe(t *testing.T, api string) *stripeServer {
	t.Helper()
	s := &stripeServer{t: t}
	recording, sent := stripemock.Recording(t, api)
	s.sent = sent
	proxy := stripemock.Refusing(t, recording, func(url.Values) *stripemock.Refusal { return s.refusal.Load() })
	urls, key, stop := serveDemo(t, map[string]string{
		"STRIPE_SECRET_KEY": "sk_test_portico", "STRIPE_API_BASE": proxy, "STRIPE_WEBHOOK_SECRET": webhookSecret,
	})
	t.Cleanup(stop)
	s.base, _ = splitPortalURL(urls["ada"])
	s.key = key
	return s
}

// refuse makes Stripe refuse every new subscription with r; nil accepts
// them again.
func (s *stripeServer) refuse(r *stripemock.Refusal) { s.refusal.Store(r) }

// answer is a backend API answer.
type answer struct {
	status int
	body   []byte
	ctype  string
}

func (a answer) String() string { return fmt.Sprintf("%d %s", a.status, bytes.TrimSpace(a.body)) }

func (s *stripeServer) backend(method, path string, body any) answer {
	s.t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			s.t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.base+path, r)
	req.Header.Set("Authorization", "Bearer "+s.key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 500 {
		s.t.Fatalf("%s %s answered %d: %s", method, path, resp.StatusCode, b)
	}
	return answer{status: resp.StatusCode, body: b, ctype: resp.Header.Get("Content-Type")}
}

// expect checks an answer's status and decodes it into out.
func (s *stripeServer) expect(a answer, status int, out any) {
	s.t.Helper()
	if a.status != status {
		s.t.Fatalf("answer %s, want %d", a, status)
	}
	if out != nil {
		if err := json.Unmarshal(a.body, out); err != nil {
			s.t.Fatalf("answer %s: %v", a, err)
		}
	}
}

// expectRefused checks that an answer is a problem document with Stripe's
// reason.
func (s *stripeServer) expectRefused(a answer, status int, reason string) {
	s.t.Helper()
	var p struct{ Status int }
	if a.status != status || a.ctype != "application/problem+json" || !strings.Contains(string(a.body), reason) {
		s.t.Fatalf("answer %s (%s), want a %d problem document saying %q", a, a.ctype, status, reason)
	}
	if err := json.Unmarshal(a.body, &p); err != nil || p.Status != status {
		s.t.Fatalf("answer %s is not a problem document: %v", a, err)
	}
}

// catalog applies the demo catalog with the product's journey changed.
func (s *stripeServer) catalog(productID string, journey func(j map[string]any)) {
	s.t.Helper()
	var cat map[string]any
	if err := json.Unmarshal(assets.DemoCatalog, &cat); err != nil {
		s.t.Fatal(err)
	}
	for _, p := range cat["products"].([]any) {
		if p := p.(map[string]any); p["id"] == productID {
			journey(p["journey"].(map[string]any))
		}
	}
	s.expect(s.backend("PUT", "/api/v1/catalog", cat), http.StatusOK, nil)
}

func (s *stripeServer) customer(id string) portico.CustomerView {
	s.t.Helper()
	var v portico.CustomerView
	s.expect(s.backend("GET", "/api/v1/customers/"+id, nil), http.StatusOK, &v)
	return v
}

// liveSub is the customer's one live subscription to the product and
// resource.
func (s *stripeServer) liveSub(customerID, productID, resourceID string) portico.SubscriptionView {
	s.t.Helper()
	var found []portico.SubscriptionView
	for _, sub := range s.customer(customerID).Subscriptions {
		if sub.ProductID == productID && sub.ResourceID == resourceID &&
			(sub.Status == portico.StatusActive || sub.Status == portico.StatusTrialing) {
			found = append(found, sub)
		}
	}
	if len(found) != 1 {
		s.t.Fatalf("%s has %d live subscriptions to %s/%q, want 1", customerID, len(found), productID, resourceID)
	}
	return found[0]
}

// stripeLinks opens the server's store, as configured, to read its links
// to Stripe objects.
func stripeLinks(t *testing.T) billing.Store {
	t.Helper()
	ctx := context.Background()
	var st interface {
		billing.Store
		Close() error
	}
	var err error
	if u := os.Getenv("PORTICO_DATABASE_URL"); u != "" {
		st, err = postgres.Open(ctx, u)
	} else {
		st, err = sqlite.Open(ctx, filepath.Join(os.Getenv("PORTICO_DATA"), "portico.db"))
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// expectLinked checks that a subscription is linked to a Stripe
// subscription (want, or any when want is "").
func expectLinked(t *testing.T, links billing.Store, subID, want string) {
	t.Helper()
	got, err := links.ProviderSubscription(context.Background(), subID)
	if err != nil || !strings.HasPrefix(got, "sub_") || (want != "" && got != want) {
		t.Errorf("subscription %s is linked to %q (%v), want a Stripe subscription %s", subID, got, err, want)
	}
}

// expectNoStripeCustomer checks that a customer has no Stripe customer.
func expectNoStripeCustomer(t *testing.T, links billing.Store, customerID string) {
	t.Helper()
	if got, err := links.ProviderCustomer(context.Background(), customerID); !errors.Is(err, portico.ErrNotFound) {
		t.Errorf("customer %s is linked to %q (%v) after a refusal", customerID, got, err)
	}
}

// A product whose journey starts with a trial: creating a customer starts
// it and links its Stripe subscription (this answered 500 on a foreign
// key); a refused one answers with Stripe's reason and no customer is
// left, so the same request succeeds once Stripe accepts.
func TestServeWithStripeStartsATrialOnCreatingACustomer(t *testing.T) {
	api := stripemock.Start(t)
	onEachStore(t, func(t *testing.T) {
		s := serveWithStripe(t, api)
		s.catalog("acme", func(j map[string]any) { j["start"], j["afterCancel"] = "trial", "revoke" })
		links := stripeLinks(t)

		var hal portico.CustomerView
		s.expect(s.backend("POST", "/api/v1/customers", map[string]string{"id": "hal1"}), http.StatusCreated, &hal)
		if len(hal.Subscriptions) != 1 || hal.Subscriptions[0].Plan.ID != "pro" || hal.Subscriptions[0].Status != portico.StatusTrialing {
			t.Fatalf("hal1 started on %+v, want pro's trial", hal.Subscriptions)
		}
		expectLinked(t, links, hal.Subscriptions[0].ID, "")

		s.refuse(stripemock.NoSuchPrice("price_pro_monthly"))
		s.expectRefused(s.backend("POST", "/api/v1/customers", map[string]string{"id": "hal2"}), http.StatusUnprocessableEntity,
			"No such price: 'price_pro_monthly'")
		s.expect(s.backend("GET", "/api/v1/customers/hal2", nil), http.StatusNotFound, nil)
		expectNoStripeCustomer(t, links, "hal2")
		s.refuse(nil)
		s.expect(s.backend("POST", "/api/v1/customers", map[string]string{"id": "hal2"}), http.StatusCreated, &hal)
		expectLinked(t, links, hal.Subscriptions[0].ID, "")
	})
}

// A reverse trial (the paid plan's trial, back to the free plan when
// unpaid) started by choosing the paid plan, as a customer's first
// subscription to the product or from its free plan: the trial is linked
// to its Stripe subscription; refused, nothing changes.
func TestServeWithStripeStartsAReverseTrial(t *testing.T) {
	api := stripemock.Start(t)
	onEachStore(t, func(t *testing.T) {
		s := serveWithStripe(t, api)
		links := stripeLinks(t)
		for _, start := range []string{"pricing_table", "free_plan"} {
			s.catalog("acme", func(j map[string]any) { j["start"], j["afterCancel"] = start, "downgrade_to_free" })
			id := "rev-" + strings.ReplaceAll(start, "_", "-")
			s.expect(s.backend("POST", "/api/v1/customers", map[string]string{"id": id}), http.StatusCreated, nil)
			before := s.customer(id)

			s.refuse(stripemock.NoSuchPrice("price_pro_monthly"))
			s.expectRefused(s.backend("POST", "/api/v1/customers/"+id+"/subscriptions", map[string]string{"planId": "pro"}),
				http.StatusUnprocessableEntity, "No such price: 'price_pro_monthly'")
			if after := s.customer(id); !sameSubscriptions(before, after) {
				t.Errorf("%s: a refused trial changed %+v into %+v", start, before.Subscriptions, after.Subscriptions)
			}
			expectNoStripeCustomer(t, links, id)
			s.refuse(nil)

			var res portico.ChangeResult
			s.expect(s.backend("POST", "/api/v1/customers/"+id+"/subscriptions", map[string]string{"planId": "pro"}), http.StatusOK, &res)
			if res.Subscription.Plan.ID != "pro" || res.Subscription.Status != portico.StatusTrialing {
				t.Errorf("%s: choosing pro gave %s %s, want its trial", start, res.Subscription.Plan.ID, res.Subscription.Status)
			}
			expectLinked(t, links, res.Subscription.ID, "")
		}
	})
}

// sameSubscriptions reports whether two views of a customer hold the same
// subscriptions, as the API shows them.
func sameSubscriptions(a, b portico.CustomerView) bool {
	x, _ := json.Marshal(a.Subscriptions)
	y, _ := json.Marshal(b.Subscriptions)
	return bytes.Equal(x, y)
}

// A product sold per resource: each resource's first subscription is
// linked to its Stripe subscription (this answered 500 on a foreign key);
// a declined card answers 409 with Stripe's reason and starts nothing.
func TestServeWithStripeStartsAResourcesFirstSubscription(t *testing.T) {
	api := stripemock.Start(t)
	onEachStore(t, func(t *testing.T) {
		s := serveWithStripe(t, api)
		links := stripeLinks(t)
		s.expect(s.backend("POST", "/api/v1/customers", map[string]string{"id": "web1"}), http.StatusCreated, nil)
		provision := func(resource string) answer {
			return s.backend("POST", "/api/v1/customers/web1/subscriptions", map[string]string{"planId": "site-starter", "resourceId": resource})
		}

		var res portico.ChangeResult
		s.expect(provision("shop"), http.StatusOK, &res)
		expectLinked(t, links, res.Subscription.ID, "")

		s.refuse(stripemock.CardDeclined())
		s.expectRefused(provision("blog"), http.StatusConflict, "Your card was declined.")
		for _, sub := range s.customer("web1").Subscriptions {
			if sub.ResourceID == "blog" {
				t.Errorf("a declined resource was provisioned: %+v", sub)
			}
		}
		s.refuse(nil)
		s.expect(provision("blog"), http.StatusOK, &res)
		expectLinked(t, links, res.Subscription.ID, "")
	})
}

// postEvent sends a webhook event signed with the endpoint's secret and
// returns the status.
func (s *stripeServer) postEvent(id, typ string, object map[string]any) int {
	s.t.Helper()
	payload, err := json.Marshal(map[string]any{"id": id, "object": "event", "api_version": "2023-10-16", "type": typ,
		"created": time.Now().Unix(), "data": map[string]any{"object": object}})
	if err != nil {
		s.t.Fatal(err)
	}
	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: webhookSecret})
	req, _ := http.NewRequest("POST", s.base+"/webhooks/stripe", bytes.NewReader(signed.Payload))
	req.Header.Set("Stripe-Signature", signed.Header)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// checkoutCompleted is a paid checkout.session.completed object as Stripe
// sends it for a checkout Portico started.
func checkoutCompleted(customerID, subID, planID, stripeSub string) map[string]any {
	return map[string]any{"id": "cs_" + stripeSub, "object": "checkout.session", "mode": "subscription",
		"status": "complete", "payment_status": "paid", "client_reference_id": customerID, "subscription": stripeSub,
		"metadata": map[string]any{"portico_customer_id": customerID, "portico_subscription_id": subID,
			"portico_plan_id": planID, "portico_billing_period": "monthly"}}
}

// A paid checkout applies its change and links the Stripe subscription it
// created in one transaction: to the subscription it was for (sold per
// customer or per resource: a resource's answered 500), or, when that one
// has ended meanwhile, to the plan started anew. A checkout for a
// subscription Portico does not have is acknowledged (it answered 500 on
// a foreign key, which Stripe would deliver again and again).
func TestServeWithStripeCompletesCheckouts(t *testing.T) {
	api := stripemock.Start(t)
	onEachStore(t, func(t *testing.T) {
		s := serveWithStripe(t, api)
		links := stripeLinks(t)
		var c portico.CustomerView
		s.expect(s.backend("POST", "/api/v1/customers", map[string]string{"id": "pay1"}), http.StatusCreated, &c)
		free := c.Subscriptions[0]

		if status := s.postEvent("evt_co_live", "checkout.session.completed", checkoutCompleted("pay1", free.ID, "basic", "sub_co_live")); status != http.StatusOK {
			t.Fatalf("a checkout for the free plan: %d", status)
		}
		if sub := s.liveSub("pay1", "acme", ""); sub.ID != free.ID || sub.Plan.ID != "basic" || sub.Status != portico.StatusActive {
			t.Errorf("after the checkout: %s %s %s, want %s on basic", sub.ID, sub.Plan.ID, sub.Status, free.ID)
		}
		expectLinked(t, links, free.ID, "sub_co_live")

		// Per resource: the checkout names the subscription, which names
		// the resource.
		var site portico.ChangeResult
		s.expect(s.backend("POST", "/api/v1/customers/pay1/subscriptions", map[string]string{"planId": "site-starter", "resourceId": "shop"}), http.StatusOK, &site)
		if status := s.postEvent("evt_co_site", "checkout.session.completed", checkoutCompleted("pay1", site.Subscription.ID, "site-growth", "sub_co_site")); status != http.StatusOK {
			t.Fatalf("a checkout for a resource's subscription: %d", status)
		}
		if sub := s.liveSub("pay1", "sites", "shop"); sub.ID != site.Subscription.ID || sub.Plan.ID != "site-growth" {
			t.Errorf("after the checkout for the shop: %s %s, want %s on site-growth", sub.ID, sub.Plan.ID, site.Subscription.ID)
		}
		expectLinked(t, links, site.Subscription.ID, "sub_co_site")

		s.expect(s.backend("POST", "/api/v1/subscriptions/"+site.Subscription.ID+"/cancel", nil), http.StatusOK, nil)
		if status := s.postEvent("evt_co_ended", "checkout.session.completed", checkoutCompleted("pay1", site.Subscription.ID, "site-starter", "sub_co_ended")); status != http.StatusOK {
			t.Fatalf("a checkout for an ended subscription: %d", status)
		}
		anew := s.liveSub("pay1", "sites", "shop")
		if anew.ID == site.Subscription.ID || anew.Plan.ID != "site-starter" || anew.Status != portico.StatusActive {
			t.Errorf("after a checkout for an ended subscription: %s %s %s, want a new one on site-starter", anew.ID, anew.Plan.ID, anew.Status)
		}
		expectLinked(t, links, anew.ID, "sub_co_ended")
		if status := s.postEvent("evt_co_ended", "checkout.session.completed", checkoutCompleted("pay1", site.Subscription.ID, "site-starter", "sub_co_ended")); status != http.StatusOK {
			t.Errorf("a checkout delivered again: %d", status)
		}
		if got := s.liveSub("pay1", "sites", "shop"); got.ID != anew.ID {
			t.Errorf("a checkout delivered again started %s", got.ID)
		}

		if status := s.postEvent("evt_co_unknown", "checkout.session.completed", checkoutCompleted("pay1", "sub_gone", "basic", "sub_co_unknown")); status != http.StatusOK {
			t.Errorf("a checkout for a subscription Portico does not have: %d, want it acknowledged", status)
		}
		if id, err := links.SubscriptionOf(context.Background(), "sub_co_unknown"); !errors.Is(err, portico.ErrNotFound) {
			t.Errorf("sub_co_unknown is linked to %q (%v)", id, err)
		}
	})
}

// A trial paid for through Checkout: the checkout's Stripe subscription is
// linked in place of the trial's, which is cancelled at Stripe with a key
// of its own. When Stripe reports the trial's subscription ended, the paid
// subscription, whose ID its metadata still carries, stays (it was ended);
// the end of the Stripe subscription linked to it still ends it.
func TestServeWithStripeCheckoutReplacesATrialsStripeSubscription(t *testing.T) {
	api := stripemock.Start(t)
	onEachStore(t, func(t *testing.T) {
		s := serveWithStripe(t, api)
		s.catalog("acme", func(j map[string]any) { j["start"], j["afterCancel"] = "trial", "revoke" })
		links := stripeLinks(t)
		var c portico.CustomerView
		s.expect(s.backend("POST", "/api/v1/customers", map[string]string{"id": "up1"}), http.StatusCreated, &c)
		trial := c.Subscriptions[0]
		trialStripe, err := links.ProviderSubscription(context.Background(), trial.ID)
		if err != nil || trial.Status != portico.StatusTrialing {
			t.Fatalf("up1 started %s on %s, linked to %q (%v); want a linked trial", trial.Status, trial.Plan.ID, trialStripe, err)
		}

		if status := s.postEvent("evt_co_trial", "checkout.session.completed", checkoutCompleted("up1", trial.ID, "pro", "sub_co_up1")); status != http.StatusOK {
			t.Fatalf("a checkout for the trial: %d", status)
		}
		if sub := s.liveSub("up1", "acme", ""); sub.ID != trial.ID || sub.Plan.ID != "pro" || sub.Status != portico.StatusActive {
			t.Fatalf("after the checkout: %s %s %s, want %s on pro, active", sub.ID, sub.Plan.ID, sub.Status, trial.ID)
		}
		expectLinked(t, links, trial.ID, "sub_co_up1")
		cancels := s.sent.To("DELETE", "/v1/subscriptions/"+trialStripe)
		if len(cancels) != 1 || cancels[0].Status != http.StatusOK || cancels[0].Key == "" {
			t.Errorf("cancellations of the trial's Stripe subscription: %+v, want one, keyed, accepted", cancels)
		}

		ended := func(stripeSub string) map[string]any {
			return map[string]any{"id": stripeSub, "object": "subscription", "status": "canceled",
				"metadata": map[string]any{"portico_customer_id": "up1", "portico_subscription_id": trial.ID}}
		}
		if status := s.postEvent("evt_trial_ended", "customer.subscription.deleted", ended(trialStripe)); status != http.StatusOK {
			t.Fatalf("the trial's Stripe subscription ended: %d", status)
		}
		if sub := s.liveSub("up1", "acme", ""); sub.ID != trial.ID || sub.Plan.ID != "pro" || sub.Status != portico.StatusActive {
			t.Errorf("after the trial's Stripe subscription ended: %s %s %s, want %s still on pro, active", sub.ID, sub.Plan.ID, sub.Status, trial.ID)
		}

		if status := s.postEvent("evt_paid_ended", "customer.subscription.deleted", ended("sub_co_up1")); status != http.StatusOK {
			t.Fatalf("the paid Stripe subscription ended: %d", status)
		}
		for _, sub := range s.customer("up1").Subscriptions {
			if sub.ID == trial.ID && (sub.Status == portico.StatusActive || sub.Status == portico.StatusTrialing) {
				t.Errorf("after its Stripe subscription ended, %s is still %s", sub.ID, sub.Status)
			}
		}
	})
}
