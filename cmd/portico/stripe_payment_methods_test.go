package main

import (
	"net/http"
	"strings"
	"testing"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/billing/stripemock"
)

// A trial without a payment method, with Stripe connected: the portal's
// payment_method_setup flow answers the URL of a Stripe Checkout session in
// setup mode for the customer, in the trial's currency, leading back to the
// portal (also for a session limited to the trial's product: it only adds
// a card); when Stripe reports that checkout completed, the payment method
// its SetupIntent collected becomes the Stripe customer's default, what
// Stripe bills the trial with at its end.
func TestServeWithStripeAddsAPaymentMethodToATrial(t *testing.T) {
	api := stripemock.Start(t, stripemock.CompletedSetups())
	onEachStore(t, func(t *testing.T) {
		s := serveWithStripe(t, api)
		s.catalog("acme", func(j map[string]any) { j["start"], j["afterCancel"] = "trial", "revoke" })
		var c portico.CustomerView
		s.expect(s.backend("POST", "/api/v1/customers", map[string]string{"id": "card1"}), http.StatusCreated, &c)
		if c.Subscriptions[0].Status != portico.StatusTrialing {
			t.Fatalf("card1 started %s, want a trial", c.Subscriptions[0].Status)
		}
		customer := linkedCustomer(t, "card1")

		for _, product := range []string{"", "acme"} {
			var ps portico.PortalSession
			s.expect(s.backend("POST", "/api/v1/portal-sessions", map[string]string{"customerId": "card1", "productId": product}), http.StatusCreated, &ps)
			var bs portico.BillingSession
			if status := call(t, "POST", s.base+"/api/v1/portal/billing-session", ps.Token, map[string]string{"flow": "payment_method_setup"}, &bs); status != http.StatusOK || bs.URL == "" {
				t.Errorf("session for %q: billing session %d %+v, want a Stripe Checkout URL", product, status, bs)
			}
		}
		sessions := s.sent.To("POST", "/v1/checkout/sessions")
		if len(sessions) != 2 {
			t.Fatalf("checkout sessions sent: %+v, want two", sessions)
		}
		for _, cs := range sessions {
			f := cs.Form
			if cs.Status != http.StatusOK || f.Get("mode") != "setup" || f.Get("customer") != customer || f.Get("currency") != "usd" ||
				!strings.Contains(f.Get("success_url"), "/portal?session=") || !strings.HasSuffix(f.Get("success_url"), "&setup=done") ||
				!strings.Contains(f.Get("cancel_url"), "/portal?session=") || f.Get("metadata[portico_customer_id]") != "card1" {
				t.Errorf("checkout session %d %v, want an accepted setup session for %s in usd, back to the portal", cs.Status, f, customer)
			}
		}

		completed := map[string]any{"id": "cs_setup_card1", "object": "checkout.session", "mode": "setup", "status": "complete",
			"payment_status": "no_payment_required", "customer": customer, "setup_intent": "seti_card1",
			"metadata": map[string]any{"portico_customer_id": "card1"}}
		if status := s.postEvent("evt_setup_card1", "checkout.session.completed", completed); status != http.StatusOK {
			t.Fatalf("the setup checkout completed: %d", status)
		}
		s.expectSent("GET", "/v1/setup_intents/seti_card1", nil)
		s.expectSent("POST", "/v1/customers/"+customer, map[string]string{"invoice_settings[default_payment_method]": stripemock.SetupPaymentMethod})
	})
}

// expectSent checks that one accepted request reached stripe-mock, with
// the form values given.
func (s *stripeServer) expectSent(method, path string, form map[string]string) {
	s.t.Helper()
	calls := s.sent.To(method, path)
	if len(calls) != 1 || calls[0].Status != http.StatusOK {
		s.t.Errorf("%s %s: sent %+v, want one accepted request", method, path, calls)
		return
	}
	for k, v := range form {
		if got := calls[0].Form.Get(k); got != v {
			s.t.Errorf("%s %s: %s = %q, want %q", method, path, k, got, v)
		}
	}
}
