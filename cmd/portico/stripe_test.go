package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76/webhook"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/billing/stripemock"
)

const webhookSecret = "whsec_portico_test"

// With stripe-mock standing in for Stripe, the portal shows Stripe's card
// and invoices, billing links open Stripe's portal, plan changes reach
// Stripe, and signed webhooks are verified and handled once.
func TestServeWithStripe(t *testing.T) {
	api := stripemock.Start(t, stripemock.PaidInvoices())
	urls, _, stop := serveDemo(t, map[string]string{
		"STRIPE_SECRET_KEY": "sk_test_portico", "STRIPE_API_BASE": api, "STRIPE_WEBHOOK_SECRET": webhookSecret,
	})
	defer stop()
	base, tok := splitPortalURL(urls["grace"])

	var bs portico.BillingSession
	if status := call(t, "POST", base+"/api/v1/portal/billing-session", tok, map[string]string{"flow": "payment_method_update"}, &bs); status != 200 || bs.URL == "" {
		t.Fatalf("billing session: %d %+v", status, bs)
	}
	var pv portico.PortalView
	if status := call(t, "GET", base+"/api/v1/portal", tok, nil, &pv); status != 200 {
		t.Fatalf("portal: %d", status)
	}
	if pv.Billing.Provider != "stripe" || pv.Billing.Unavailable || pv.Billing.PaymentMethod == nil {
		t.Errorf("billing = %+v, want Stripe's card", pv.Billing)
	}
	if len(pv.Invoices) == 0 || pv.Invoices[0].Number != "PORTICO-0001" || pv.Invoices[0].Status != "paid" ||
		pv.Invoices[0].HostedURL == "" || pv.Invoices[0].PDFURL == "" {
		t.Errorf("invoices = %+v, want Stripe's paid invoice with its links", pv.Invoices)
	}

	var res portico.ChangeResult
	if status := call(t, "POST", base+"/api/v1/portal/subscriptions", tok, portico.ChangeRequest{PlanID: "basic"}, &res); status != 200 ||
		res.Preview.Effective != portico.EndOfPeriod {
		t.Errorf("a downgrade mirrored to Stripe: %d %+v", status, res.Preview)
	}

	customer := linkedCustomer(t, "grace")
	post := func(id, typ string) int {
		payload := fmt.Sprintf(`{"id":%q,"object":"event","api_version":"2023-10-16","type":%q,"created":%d,`+
			`"data":{"object":{"id":"in_portico","object":"invoice","customer":%q,"status":"open"}}}`, id, typ, time.Now().Unix(), customer)
		signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: []byte(payload), Secret: webhookSecret})
		req, _ := http.NewRequest("POST", base+"/webhooks/stripe", bytes.NewReader(signed.Payload))
		req.Header.Set("Stripe-Signature", signed.Header)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	pastDue := func() bool {
		var v portico.PortalView
		call(t, "GET", base+"/api/v1/portal", tok, nil, &v)
		return v.PastDue
	}
	if status := post("evt_failed", "invoice.payment_failed"); status != 200 || !pastDue() {
		t.Fatalf("a failed payment: webhook %d, past due %v", status, pastDue())
	}
	if status := post("evt_paid", "invoice.paid"); status != 200 || pastDue() {
		t.Fatalf("a paid invoice: webhook %d, past due %v", status, pastDue())
	}
	if status := post("evt_failed", "invoice.payment_failed"); status != 200 || pastDue() {
		t.Errorf("a replayed event was handled again: webhook %d, past due %v", status, pastDue())
	}
	req, _ := http.NewRequest("POST", base+"/webhooks/stripe", bytes.NewReader([]byte(`{"id":"evt_x"}`)))
	req.Header.Set("Stripe-Signature", "t=1,v1=bad")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusBadRequest {
		t.Errorf("an unsigned webhook: %v %v, want 400", resp.StatusCode, err)
	}
}

// linkedCustomer is the Stripe customer Portico linked to a customer.
func linkedCustomer(t *testing.T, customerID string) string {
	id, err := stripeLinks(t).ProviderCustomer(context.Background(), customerID)
	if err != nil {
		t.Fatalf("no Stripe customer linked to %s: %v", customerID, err)
	}
	return id
}
