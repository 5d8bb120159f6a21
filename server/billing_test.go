package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server"
	"github.com/portico-dev/portico/server/billing"
)

// fakeBilling is a billing provider in memory; hang makes its reads wait
// for the caller's deadline.
type fakeBilling struct {
	mu        sync.Mutex
	hang      bool
	noCard    bool
	checkouts []billing.Checkout
	setups    []billing.Setup
	links     []string // "flow|returnURL" of each portal link asked for
	onEvent   billing.EventHandler
}

func (f *fakeBilling) Name() string { return "stripe" }

func (f *fakeBilling) wait(ctx context.Context) error {
	f.mu.Lock()
	hang := f.hang
	f.mu.Unlock()
	if hang {
		<-ctx.Done()
		return &portico.Error{Kind: portico.KindUnavailable, Title: "Unavailable", Detail: "billing is unavailable; try again"}
	}
	return nil
}

func (f *fakeBilling) Details(ctx context.Context, c billing.Customer) (portico.BillingView, error) {
	v := portico.BillingView{Connected: true, Provider: "stripe", Name: c.Name, Email: c.Email,
		PaymentMethod: &portico.PaymentMethod{Brand: "mastercard", Last4: "4444", ExpMonth: 3, ExpYear: 2031}}
	if f.noCard {
		v.PaymentMethod = nil
	}
	return v, f.wait(ctx)
}

func (f *fakeBilling) Invoices(ctx context.Context, c billing.Customer, limit int, after string) ([]portico.Invoice, bool, error) {
	inv := []portico.Invoice{{ID: "in_s1", Number: "STRIPE-0001", Status: "paid", Total: 2900, Currency: "usd",
		Created: t0, HostedURL: "https://invoice.stripe.test/in_s1", PDFURL: "https://invoice.stripe.test/in_s1.pdf"}}
	return inv, false, f.wait(ctx)
}

func (f *fakeBilling) PortalURL(ctx context.Context, c billing.Customer, flow portico.BillingFlow, returnURL string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.links = append(f.links, string(flow)+"|"+returnURL)
	return "https://billing.stripe.test/session/" + c.ID, nil
}

func (f *fakeBilling) CheckoutURL(_ context.Context, _ billing.Customer, co billing.Checkout) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.checkouts = append(f.checkouts, co)
	return "https://checkout.stripe.test/" + co.SubscriptionID, nil
}

func (f *fakeBilling) SetupURL(_ context.Context, c billing.Customer, st billing.Setup) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.setups = append(f.setups, st)
	return "https://checkout.stripe.test/setup/" + c.ID, nil
}

func (f *fakeBilling) SyncSubscription(context.Context, billing.Customer, billing.Sync) error {
	return nil
}

// Webhooks hands the server's event handler to the test, which calls it
// as the provider would after verifying a delivery.
func (f *fakeBilling) Webhooks(onEvent billing.EventHandler) http.Handler {
	f.onEvent = onEvent
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
}

func TestPortalShowsTheBillingProvidersDetailsAndInvoices(t *testing.T) {
	t.Parallel()
	fb := &fakeBilling{}
	h := newHarness(t, func(s *server.Server) { s.Billing = fb; s.BillingDeadline = 200 * time.Millisecond })
	h.createCustomer("ada", false)
	tok := h.session("ada", "", "")

	pv := decodeAs[portico.PortalView](t, h.portal(tok, http.MethodGet, "/api/v1/portal", nil))
	if pv.Billing.Provider != "stripe" || pv.Billing.Unavailable || pv.Billing.PaymentMethod == nil || pv.Billing.PaymentMethod.Last4 != "4444" {
		t.Errorf("billing = %+v, want the provider's card", pv.Billing)
	}
	if len(pv.Invoices) != 1 || pv.Invoices[0].HostedURL == "" || pv.Invoices[0].Number != "STRIPE-0001" {
		t.Errorf("invoices = %+v, want the provider's", pv.Invoices)
	}

	r := h.portal(tok, http.MethodPost, "/api/v1/portal/billing-session", M{"flow": "payment_method_update"})
	bs := decodeAs[portico.BillingSession](t, r)
	if bs.URL != "https://billing.stripe.test/session/ada" || len(fb.links) != 1 || fb.links[0] != "payment_method_update|"+publicURL {
		t.Errorf("billing session %+v, links asked %v", bs, fb.links)
	}
}

func TestSlowBillingMarksOnlyTheBillingPartUnavailable(t *testing.T) {
	t.Parallel()
	fb := &fakeBilling{hang: true}
	h := newHarness(t, func(s *server.Server) { s.Billing = fb; s.BillingDeadline = 150 * time.Millisecond })
	h.createCustomer("ada", false)
	start := time.Now()
	pv := decodeAs[portico.PortalView](t, h.portal(h.session("ada", "", ""), http.MethodGet, "/api/v1/portal", nil))
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("the portal took %v with billing hanging", took)
	}
	if !pv.Billing.Unavailable || len(pv.Subscriptions) == 0 || len(pv.Entitlements) == 0 {
		t.Errorf("portal = billing %+v, %d subscriptions, %d entitlements; want billing unavailable and the rest there",
			pv.Billing, len(pv.Subscriptions), len(pv.Entitlements))
	}
}

func TestFailedPaymentPutsTheCustomerPastDueUntilPaid(t *testing.T) {
	t.Parallel()
	fb := &fakeBilling{}
	h := newHarness(t, func(s *server.Server) { s.Billing = fb })
	h.createCustomer("ada", true)
	tok := h.session("ada", "", "")
	if fb.onEvent == nil {
		t.Fatal("the webhook endpoint was not mounted")
	}
	ctx := context.Background()
	for _, step := range []struct {
		event billing.EventType
		want  bool
	}{{billing.EventInvoicePaymentFailed, true}, {billing.EventInvoicePaid, false}} {
		if err := fb.onEvent(ctx, billing.Event{ID: "evt", Type: step.event, CustomerID: "ada"}); err != nil {
			t.Fatal(err)
		}
		if pv := decodeAs[portico.PortalView](t, h.portal(tok, http.MethodGet, "/api/v1/portal", nil)); pv.PastDue != step.want {
			t.Errorf("after %s pastDue = %v, want %v", step.event, pv.PastDue, step.want)
		}
	}
	if err := fb.onEvent(ctx, billing.Event{ID: "evt2", Type: billing.EventInvoicePaymentFailed, CustomerID: "nobody"}); err != nil {
		t.Errorf("an event for an unknown customer: %v", err)
	}
	if r := h.do(http.MethodPost, "/webhooks/stripe", "", M{}); r.Status != http.StatusOK {
		t.Errorf("POST /webhooks/stripe = %d", r.Status)
	}
}

// A free customer without a card pays at Stripe's checkout first; the
// change applies when Stripe reports the checkout paid. With a card on
// file the change applies at once.
func TestPaidChangeWithoutACardGoesThroughCheckout(t *testing.T) {
	t.Parallel()
	fb := &fakeBilling{noCard: true}
	h := newHarness(t, func(s *server.Server) { s.Billing = fb })
	h.createCustomer("ada", false)
	tok := h.session("ada", "", "")
	free := decodeAs[portico.PortalView](t, h.portal(tok, http.MethodGet, "/api/v1/portal", nil)).Subscriptions[0]

	res := decodeAs[portico.ChangeResult](t, h.portal(tok, http.MethodPost, "/api/v1/portal/subscriptions", M{"planId": planBasic, "billingPeriod": "annually"}))
	if res.CheckoutURL == "" || len(fb.checkouts) != 1 {
		t.Fatalf("change without a card = %+v, %d checkouts; want a checkout", res, len(fb.checkouts))
	}
	co := fb.checkouts[0]
	if co.SubscriptionID != free.ID || len(co.Items) != 1 || co.Items[0].PriceID != "price_basic_annually" ||
		co.Metadata["portico_plan_id"] != planBasic || co.Metadata["portico_billing_period"] != "annually" {
		t.Errorf("checkout = %+v", co)
	}
	if pv := decodeAs[portico.PortalView](t, h.portal(tok, http.MethodGet, "/api/v1/portal", nil)); pv.Subscriptions[0].Plan.ID != free.Plan.ID {
		t.Fatalf("the plan changed before payment: %+v", pv.Subscriptions[0])
	}

	ev := billing.Event{ID: "evt_co", Type: billing.EventCheckoutCompleted, CustomerID: "ada", SubscriptionID: free.ID,
		Status: "paid", Metadata: co.Metadata}
	if err := fb.onEvent(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	after := decodeAs[portico.PortalView](t, h.portal(tok, http.MethodGet, "/api/v1/portal", nil)).Subscriptions[0]
	if after.ID != free.ID || after.Plan.ID != planBasic || after.BillingPeriod != "annually" || after.Status != portico.StatusActive {
		t.Errorf("after the checkout: %+v, want basic annually active", after)
	}
	// Stripe resends events: a second completion changes nothing more.
	if err := fb.onEvent(context.Background(), ev); err != nil {
		t.Errorf("a repeated completion: %v", err)
	}

	fb.noCard = false
	res = decodeAs[portico.ChangeResult](t, h.portal(tok, http.MethodPost, "/api/v1/portal/subscriptions", M{"planId": planPro, "billingPeriod": "annually"}))
	if res.CheckoutURL != "" || res.Subscription.Plan.ID != planPro {
		t.Errorf("an upgrade with a card went to checkout: %+v", res)
	}
}

// A subscription Stripe ended (unpaid, or cancelled in Stripe's portal)
// ends in Portico too.
func TestSubscriptionEndedAtTheProviderEndsHere(t *testing.T) {
	t.Parallel()
	fb := &fakeBilling{}
	h := newHarness(t, func(s *server.Server) { s.Billing = fb })
	h.createCustomer("ada", true)
	tok := h.session("ada", "", "")
	sub := decodeAs[portico.ChangeResult](t, h.portal(tok, http.MethodPost, "/api/v1/portal/subscriptions", M{"planId": planBasic})).Subscription
	ev := billing.Event{ID: "evt_del", Type: billing.EventSubscriptionDeleted, CustomerID: "ada", SubscriptionID: sub.ID, Status: "canceled"}
	if err := fb.onEvent(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	after := decodeAs[portico.PortalView](t, h.portal(tok, http.MethodGet, "/api/v1/portal", nil)).Subscriptions[0]
	if after.ID != sub.ID || after.Plan.ID == planBasic {
		t.Errorf("after Stripe ended it: %+v, want it ended per the journey", after)
	}
}

// A trial without a payment method offers to add one: the portal's
// payment_method_setup flow opens the provider's setup page in the
// currency of the trial in the session's scope, leading back to the portal
// with a session of the same scope, also for a session limited to a
// product (it only adds a card). A scope with nothing billed has nothing
// for a payment method to pay: 409, nothing asked of the provider.
func TestPaymentMethodSetupFlowOpensTheProvidersSetupPage(t *testing.T) {
	t.Parallel()
	fb := &fakeBilling{noCard: true}
	h := newHarness(t, func(s *server.Server) { s.Billing = fb })
	h.createCustomerIn("ada", "eur", false)
	trial := h.change("ada", M{"planId": planPro}).Subscription
	if trial.Status != portico.StatusTrialing {
		t.Fatalf("ada is %s on %s, want pro's trial", trial.Status, trial.Plan.ID)
	}

	for _, tok := range []string{h.session("ada", "", ""), h.session("ada", acme, "")} {
		bs := decodeAs[portico.BillingSession](t, h.portal(tok, http.MethodPost, "/api/v1/portal/billing-session", M{"flow": "payment_method_setup"}))
		if bs.URL != "https://checkout.stripe.test/setup/ada" {
			t.Errorf("billing session = %+v, want the provider's setup page", bs)
		}
	}
	if len(fb.setups) != 2 || len(fb.links) != 0 {
		t.Fatalf("setups %+v, portal links %v; want two setups and no portal link", fb.setups, fb.links)
	}
	for i, wantProduct := range []string{"", acme} {
		st := fb.setups[i]
		if st.Currency != "eur" {
			t.Errorf("setup %d: currency %q, want the trial's eur", i, st.Currency)
		}
		back, done := st.CancelURL, st.SuccessURL
		if !strings.HasPrefix(back, strings.TrimRight(publicURL, "/")+"/portal?session=") || done != back+"&setup=done" {
			t.Errorf("setup %d: success %q, cancel %q; want the portal page, with setup=done on success", i, done, back)
			continue
		}
		u, _ := url.Parse(back)
		pv := decodeAs[portico.PortalView](t, h.portal(u.Query().Get("session"), http.MethodGet, "/api/v1/portal", nil))
		if pv.Scope.CustomerID != "ada" || pv.Scope.ProductID != wantProduct {
			t.Errorf("setup %d: the way back opens the portal of %+v, want ada's limited to %q", i, pv.Scope, wantProduct)
		}
	}

	before := h.snapshot("ada")
	expectProblem(t, h.portal(h.session("ada", sites, ""), http.MethodPost, "/api/v1/portal/billing-session", M{"flow": "payment_method_setup"}),
		http.StatusConflict)
	if len(fb.setups) != 2 {
		t.Errorf("a scope with nothing billed asked the provider for a setup: %+v", fb.setups)
	}
	h.expectUnchanged(before, "ada")
}
