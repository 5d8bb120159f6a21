package stripebilling_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/billing"
	stripebilling "github.com/portico-dev/portico/server/billing/stripe"
)

var ctx = context.Background()

func TestNewNeedsKeyAndStore(t *testing.T) {
	if _, err := stripebilling.New(stripebilling.Options{Store: billing.NewMemoryStore()}); err == nil {
		t.Error("New without a secret key succeeded")
	}
	if _, err := stripebilling.New(stripebilling.Options{SecretKey: testKey}); err == nil {
		t.Error("New without a store succeeded")
	}
}

func TestDetailsWithoutStripeCustomerCallsNothing(t *testing.T) {
	f := newFake(t)
	p, _ := f.provider(t)
	view, err := p.Details(ctx, acme)
	if err != nil {
		t.Fatal(err)
	}
	want := portico.BillingView{Connected: true, Provider: "stripe", Name: acme.Name, Email: acme.Email}
	if fmt.Sprint(view) != fmt.Sprint(want) {
		t.Errorf("Details = %+v, want %+v", view, want)
	}
	if n := len(f.requests("")); n != 0 {
		t.Errorf("viewing sent %d requests to Stripe: %s", n, f.summary())
	}
}

func TestDetailsReadsCustomerAndDefaultPaymentMethod(t *testing.T) {
	f := newFake(t)
	p, store := f.provider(t)
	must(t, store.LinkCustomer(ctx, "acme", "cus_acme"))

	view, err := p.Details(ctx, billing.Customer{ID: "acme", Name: "Portico's name"})
	if err != nil {
		t.Fatal(err)
	}
	got := f.only("GET /v1/customers/{id}")
	if got.Path != "/v1/customers/cus_acme" {
		t.Errorf("path = %s", got.Path)
	}
	form(t, got, map[string]string{"expand[0]": "invoice_settings.default_payment_method"})
	if auth := got.Header.Get("Authorization"); auth != "Bearer "+testKey {
		t.Errorf("Authorization = %q", auth)
	}
	if v := got.Header.Get("Stripe-Version"); v != "2023-10-16" {
		t.Errorf("Stripe-Version = %q, want 2023-10-16", v)
	}
	if view.Name != "Acme Inc" || view.Email != "billing@acme.test" || !view.Connected || view.Provider != "stripe" {
		t.Errorf("view = %+v", view)
	}
	if a := view.Address; a == nil || a.Line1 != "1 Main St" || a.Country != "US" || a.PostalCode != "12345" {
		t.Errorf("address = %+v", view.Address)
	}
	want := portico.PaymentMethod{Brand: "visa", Last4: "4242", ExpMonth: 12, ExpYear: 2030}
	if view.PaymentMethod == nil || *view.PaymentMethod != want {
		t.Errorf("payment method = %+v, want %+v", view.PaymentMethod, want)
	}
	if len(f.requests("GET /v1/customers/{id}/payment_methods")) != 0 {
		t.Error("listed payment methods although the customer has a default")
	}

	// Cached: the portal's refreshes cost Stripe nothing, until invalidated.
	if _, err := p.Details(ctx, acme); err != nil {
		t.Fatal(err)
	}
	if n := len(f.requests("GET /v1/customers/{id}")); n != 1 {
		t.Errorf("%d customer reads after a cached one, want 1", n)
	}
	p.Invalidate("acme")
	if _, err := p.Details(ctx, acme); err != nil {
		t.Fatal(err)
	}
	if n := len(f.requests("GET /v1/customers/{id}")); n != 2 {
		t.Errorf("%d customer reads after invalidation, want 2", n)
	}
}

func TestDetailsCacheExpires(t *testing.T) {
	f := newFake(t)
	var mu sync.Mutex
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	p, store := f.provider(t, func(o *stripebilling.Options) {
		o.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	})
	must(t, store.LinkCustomer(ctx, "acme", "cus_acme"))
	for range 2 {
		if _, err := p.Details(ctx, acme); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	now = now.Add(stripebilling.DefaultCacheTTL)
	mu.Unlock()
	if _, err := p.Details(ctx, acme); err != nil {
		t.Fatal(err)
	}
	if n := len(f.requests("GET /v1/customers/{id}")); n != 2 {
		t.Errorf("%d reads, want 2 (one cached, one after expiry)", n)
	}
}

func TestDetailsFallsBackToCustomersCard(t *testing.T) {
	f := newFake(t)
	f.on("GET /v1/customers/{id}", func(s sent) reply {
		c := customerObj(lastSegment(s.Path))
		c["invoice_settings"] = map[string]any{"default_payment_method": nil}
		return ok(c)
	})
	p, store := f.provider(t)
	must(t, store.LinkCustomer(ctx, "acme", "cus_acme"))
	view, err := p.Details(ctx, acme)
	if err != nil {
		t.Fatal(err)
	}
	got := f.only("GET /v1/customers/{id}/payment_methods")
	if got.Path != "/v1/customers/cus_acme/payment_methods" {
		t.Errorf("path = %s", got.Path)
	}
	form(t, got, map[string]string{"type": "card", "limit": "1"})
	if view.PaymentMethod == nil || view.PaymentMethod.Last4 != "4242" {
		t.Errorf("payment method = %+v", view.PaymentMethod)
	}
}

func TestStripeCustomerIsCreatedOnceOnFirstNeed(t *testing.T) {
	f := newFake(t)
	p, store := f.provider(t)
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := p.PortalURL(ctx, acme, portico.FlowGeneral, "https://app.acme.test/account")
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	created := f.only("POST /v1/customers")
	form(t, created, map[string]string{"name": "Acme Inc", "email": "billing@acme.test",
		"metadata[portico_customer_id]": "acme"})
	if k := created.key(); !strings.HasPrefix(k, "portico-customer-acme-") {
		t.Errorf("Idempotency-Key = %q, want a key derived from the customer", k)
	}
	if id, _ := store.ProviderCustomer(ctx, "acme"); id != "cus_new" {
		t.Errorf("stored link = %q, want cus_new", id)
	}
	if n := len(f.requests("POST /v1/billing_portal/sessions")); n != 10 {
		t.Errorf("%d portal sessions, want 10", n)
	}
}

func TestPortalURL(t *testing.T) {
	const back = "https://app.acme.test/account"
	for _, tc := range []struct {
		flow portico.BillingFlow
		want map[string]string
		not  []string
	}{
		{portico.FlowGeneral, map[string]string{"customer": "cus_acme", "return_url": back}, []string{"flow_data[type]"}},
		{portico.FlowPaymentMethodUpdate, map[string]string{"customer": "cus_acme", "return_url": back,
			"flow_data[type]":                                   "payment_method_update",
			"flow_data[after_completion][type]":                 "redirect",
			"flow_data[after_completion][redirect][return_url]": back}, nil},
		{portico.FlowSubscriptionCancel, map[string]string{"customer": "cus_acme",
			"flow_data[type]": "subscription_cancel", "flow_data[subscription_cancel][subscription]": "sub_only"}, nil},
		{portico.FlowSubscriptionUpdate, map[string]string{"customer": "cus_acme",
			"flow_data[type]": "subscription_update", "flow_data[subscription_update][subscription]": "sub_only"}, nil},
	} {
		t.Run("flow="+string(tc.flow), func(t *testing.T) {
			f := newFake(t)
			p, store := f.provider(t)
			must(t, store.LinkCustomer(ctx, "acme", "cus_acme"))
			u, err := p.PortalURL(ctx, acme, tc.flow, back)
			if err != nil {
				t.Fatal(err)
			}
			if u != "https://billing.stripe.test/p/session/bps_1" {
				t.Errorf("url = %q", u)
			}
			s := f.only("POST /v1/billing_portal/sessions")
			form(t, s, tc.want)
			absent(t, s, tc.not...)
			if s.key() == "" {
				t.Error("POST without an Idempotency-Key")
			}
			if strings.HasPrefix(string(tc.flow), "subscription_") {
				form(t, f.only("GET /v1/subscriptions"), map[string]string{"customer": "cus_acme", "limit": "2"})
			}
		})
	}
}

func TestPortalURLRefusals(t *testing.T) {
	f := newFake(t)
	p, store := f.provider(t)
	must(t, store.LinkCustomer(ctx, "acme", "cus_acme"))
	if _, err := p.PortalURL(ctx, acme, "delete_everything", ""); portico.KindOf(err) != portico.KindInvalid {
		t.Errorf("unknown flow: err = %v, want KindInvalid", err)
	}
	if n := len(f.requests("")); n != 0 {
		t.Errorf("an unknown flow sent %d requests", n)
	}

	f.reply("GET /v1/subscriptions", ok(list("/v1/subscriptions", nil, false)))
	if _, err := p.PortalURL(ctx, acme, portico.FlowSubscriptionCancel, ""); portico.KindOf(err) != portico.KindConflict {
		t.Errorf("no subscription: err = %v, want KindConflict", err)
	}
	f.reply("GET /v1/subscriptions", ok(list("/v1/subscriptions",
		[]any{subscriptionObj("sub_a", "active"), subscriptionObj("sub_b", "active")}, false)))
	if _, err := p.PortalURL(ctx, acme, portico.FlowSubscriptionUpdate, ""); portico.KindOf(err) != portico.KindConflict {
		t.Errorf("several subscriptions: err = %v, want KindConflict", err)
	}
	if n := len(f.requests("POST /v1/billing_portal/sessions")); n != 0 {
		t.Errorf("%d portal sessions created for refused flows", n)
	}
}

func TestCheckoutURL(t *testing.T) {
	f := newFake(t)
	p, store := f.provider(t)
	must(t, store.LinkCustomer(ctx, "acme", "cus_acme"))
	trialEnd := time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC)
	co := billing.Checkout{
		SubscriptionID: "sub-1",
		Items:          []billing.Item{{PriceID: "price_pro", Quantity: 1}, {PriceID: "price_seats", Quantity: 3}},
		SuccessURL:     "https://app.acme.test/ok?session={CHECKOUT_SESSION_ID}",
		CancelURL:      "https://app.acme.test/pricing",
		TrialEnd:       trialEnd,
		Metadata:       map[string]string{"plan": "pro"},
		Key:            "click-42",
	}
	u, err := p.CheckoutURL(ctx, acme, co)
	if err != nil {
		t.Fatal(err)
	}
	if u != "https://checkout.stripe.test/c/pay/cs_1" {
		t.Errorf("url = %q", u)
	}
	s := f.only("POST /v1/checkout/sessions")
	form(t, s, map[string]string{
		"mode": "subscription", "customer": "cus_acme", "client_reference_id": "acme",
		"success_url": co.SuccessURL, "cancel_url": co.CancelURL,
		"line_items[0][price]": "price_pro", "line_items[0][quantity]": "1",
		"line_items[1][price]": "price_seats", "line_items[1][quantity]": "3",
		"metadata[plan]": "pro", "metadata[portico_subscription_id]": "sub-1", "metadata[portico_customer_id]": "acme",
		"subscription_data[metadata][portico_subscription_id]": "sub-1",
		"subscription_data[metadata][portico_customer_id]":     "acme",
		"subscription_data[trial_end]":                         strconv.FormatInt(trialEnd.Unix(), 10),
	})
	if k := s.key(); k != "portico-click-42-checkout" {
		t.Errorf("Idempotency-Key = %q", k)
	}
	if co.Metadata["portico_subscription_id"] != "" {
		t.Error("CheckoutURL wrote into the caller's metadata")
	}

	co.Items = nil
	if _, err := p.CheckoutURL(ctx, acme, co); portico.KindOf(err) != portico.KindInvalid {
		t.Errorf("no items: err = %v, want KindInvalid", err)
	}
}

// A setup checkout asks Stripe for a payment method in the customer's
// currency, charging nothing, and carries the Portico customer back on its
// completion; a Setup that is wrong sends nothing.
func TestSetupURL(t *testing.T) {
	f := newFake(t)
	p, store := f.provider(t)
	must(t, store.LinkCustomer(ctx, "acme", "cus_acme"))
	setup := billing.Setup{Currency: "eur", SuccessURL: "https://app.acme.test/portal?setup=done", CancelURL: "https://app.acme.test/portal"}
	u, err := p.SetupURL(ctx, acme, setup)
	if err != nil {
		t.Fatal(err)
	}
	if u != "https://checkout.stripe.test/c/pay/cs_1" {
		t.Errorf("url = %q", u)
	}
	s := f.only("POST /v1/checkout/sessions")
	form(t, s, map[string]string{
		"mode": "setup", "customer": "cus_acme", "currency": "eur", "client_reference_id": "acme",
		"success_url": setup.SuccessURL, "cancel_url": setup.CancelURL, "metadata[portico_customer_id]": "acme",
	})
	absent(t, s, "line_items[0][price]", "subscription_data[metadata][portico_subscription_id]")

	for field, bad := range map[string]billing.Setup{
		"currency":   {Currency: "EUR", SuccessURL: setup.SuccessURL, CancelURL: setup.CancelURL},
		"successUrl": {Currency: "eur", CancelURL: setup.CancelURL},
		"cancelUrl":  {Currency: "eur", SuccessURL: setup.SuccessURL},
	} {
		_, err := p.SetupURL(ctx, acme, bad)
		var pe *portico.Error
		if !errors.As(err, &pe) || pe.Kind != portico.KindInvalid || len(pe.Fields) != 1 || pe.Fields[0].Field != field {
			t.Errorf("%s wrong: err = %v, want KindInvalid naming %s", field, err, field)
		}
	}
	if n := len(f.requests("POST /v1/checkout/sessions")); n != 1 {
		t.Errorf("%d checkout sessions asked for, want 1: a wrong Setup sends nothing", n)
	}
}

// invoiceRoute serves invoices newest first, paged like Stripe.
func invoiceRoute(invoices []map[string]any) func(sent) reply {
	return func(s sent) reply {
		start := 0
		if after := s.Form.Get("starting_after"); after != "" {
			for i, inv := range invoices {
				if inv["id"] == after {
					start = i + 1
				}
			}
		}
		limit, _ := strconv.Atoi(s.Form.Get("limit"))
		end := min(start+limit, len(invoices))
		var data []any
		for _, inv := range invoices[start:end] {
			data = append(data, inv)
		}
		return ok(list("/v1/invoices", data, end < len(invoices)))
	}
}

func invoiceObj(n int, status string) map[string]any {
	inv := map[string]any{"id": fmt.Sprintf("in_%d", n), "object": "invoice", "status": status,
		"total": 2900, "currency": "usd", "created": periodStart - int64(n)*86400, "customer": "cus_acme",
		"lines": list("/v1/invoices/lines", []any{map[string]any{"id": "il_1", "object": "line_item",
			"description": "1 × Pro (at $29.00 / month)"}}, false)}
	if status != "draft" {
		inv["number"] = fmt.Sprintf("ACME-%04d", n)
		inv["hosted_invoice_url"] = fmt.Sprintf("https://invoice.stripe.test/i/%d", n)
		inv["invoice_pdf"] = fmt.Sprintf("https://pay.stripe.test/invoice/%d/pdf", n)
	}
	return inv
}

func TestInvoicesArePagedWithoutDrafts(t *testing.T) {
	f := newFake(t)
	all := []map[string]any{invoiceObj(1, "draft"), invoiceObj(2, "open"), invoiceObj(3, "draft"),
		invoiceObj(4, "draft"), invoiceObj(5, "draft"), invoiceObj(6, "paid"), invoiceObj(7, "void"), invoiceObj(8, "paid")}
	f.on("GET /v1/invoices", invoiceRoute(all))
	p, store := f.provider(t)

	// No Stripe customer yet: no invoices, and nothing asked.
	if invs, more, err := p.Invoices(ctx, acme, 2, ""); err != nil || len(invs) != 0 || more {
		t.Fatalf("Invoices without a customer = %v, %v, %v", invs, more, err)
	}
	if len(f.requests("")) != 0 {
		t.Fatalf("sent %s", f.summary())
	}
	must(t, store.LinkCustomer(ctx, "acme", "cus_acme"))

	var ids []string
	after := ""
	for page := 0; ; page++ {
		invs, more, err := p.Invoices(ctx, acme, 2, after)
		if err != nil {
			t.Fatal(err)
		}
		for _, inv := range invs {
			ids = append(ids, inv.ID)
		}
		if !more {
			break
		}
		if page > 5 || len(invs) == 0 {
			t.Fatalf("paging does not end: %v", ids)
		}
		after = invs[len(invs)-1].ID
	}
	if got := strings.Join(ids, ","); got != "in_2,in_6,in_7,in_8" {
		t.Errorf("invoices = %s, want in_2,in_6,in_7,in_8", got)
	}
	first := f.requests("GET /v1/invoices")[0]
	form(t, first, map[string]string{"customer": "cus_acme", "limit": "3"})
	absent(t, first, "starting_after")

	invs, _, err := p.Invoices(ctx, acme, 1, "")
	if err != nil {
		t.Fatal(err)
	}
	want := portico.Invoice{ID: "in_2", Number: "ACME-0002", Status: "open", Total: 2900, Currency: "usd",
		Created: time.Unix(periodStart-2*86400, 0).UTC(), Description: "1 × Pro (at $29.00 / month)",
		HostedURL: "https://invoice.stripe.test/i/2", PDFURL: "https://pay.stripe.test/invoice/2/pdf"}
	if len(invs) != 1 || !reflect.DeepEqual(invs[0], want) {
		t.Errorf("invoice = %+v,\n want %+v", invs, want)
	}

	if _, _, err := p.Invoices(ctx, acme, 0, ""); portico.KindOf(err) != portico.KindInvalid {
		t.Errorf("limit 0: err = %v, want KindInvalid", err)
	}
	if _, _, err := p.Invoices(ctx, acme, 101, ""); portico.KindOf(err) != portico.KindInvalid {
		t.Errorf("limit 101: err = %v, want KindInvalid", err)
	}
	// The largest page stays within Stripe's page limit.
	if _, _, err := p.Invoices(ctx, acme, stripebilling.MaxInvoicesPage, ""); err != nil {
		t.Fatal(err)
	}
	reqs := f.requests("GET /v1/invoices")
	form(t, reqs[len(reqs)-1], map[string]string{"limit": "100"})
}

func TestInvoicesAreCachedPerPage(t *testing.T) {
	f := newFake(t)
	f.on("GET /v1/invoices", invoiceRoute([]map[string]any{invoiceObj(1, "paid"), invoiceObj(2, "paid")}))
	p, store := f.provider(t)
	must(t, store.LinkCustomer(ctx, "acme", "cus_acme"))
	for range 3 {
		if _, _, err := p.Invoices(ctx, acme, 1, ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := p.Invoices(ctx, acme, 1, "in_1"); err != nil {
		t.Fatal(err)
	}
	if n := len(f.requests("GET /v1/invoices")); n != 2 {
		t.Errorf("%d invoice reads, want 2 (one per page)", n)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
