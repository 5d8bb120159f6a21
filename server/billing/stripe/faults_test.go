package stripebilling_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/billing"
	stripebilling "github.com/portico-dev/portico/server/billing/stripe"
)

// wantKind checks a portico error's kind and, when given, its detail.
func wantKind(t *testing.T, err error, kind portico.Kind, detail string) {
	t.Helper()
	var pe *portico.Error
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v (%T), want a portico.Error", err, err)
	}
	if pe.Kind != kind {
		t.Fatalf("kind = %d (%v), want %d", pe.Kind, err, kind)
	}
	if detail != "" && pe.Detail != detail {
		t.Errorf("detail = %q, want %q", pe.Detail, detail)
	}
}

func TestStripeDownIsUnavailable(t *testing.T) {
	for name, r := range map[string]reply{
		"500 api_error":  stripeError(500, "api_error", "", "An unknown error occurred"),
		"500 not json":   {500, "<html>Internal Server Error</html>"},
		"503":            stripeError(503, "api_error", "", "Service unavailable"),
		"429 rate limit": stripeError(429, "invalid_request_error", "rate_limit", "Too many requests"),
		"401 bad key":    stripeError(401, "invalid_request_error", "", "Invalid API Key provided: sk_test_****"),
	} {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			f.reply("GET /v1/customers/{id}", r)
			p, store := f.provider(t)
			must(t, store.LinkCustomer(ctx, "acme", "cus_acme"))
			_, err := p.Details(ctx, acme)
			wantKind(t, err, portico.KindUnavailable, "billing is unavailable; try again")

			// Failures are not cached: the next look asks Stripe again.
			f.reply("GET /v1/customers/{id}", ok(customerObj("cus_acme")))
			if _, err := p.Details(ctx, acme); err != nil {
				t.Fatalf("after recovery: %v", err)
			}
		})
	}
}

func TestStripePostFailingIsUnavailable(t *testing.T) {
	f := newFake(t)
	f.reply("POST /v1/billing_portal/sessions", stripeError(500, "api_error", "", "An unknown error occurred"))
	p, store := f.provider(t)
	must(t, store.LinkCustomer(ctx, "acme", "cus_acme"))
	_, err := p.PortalURL(ctx, acme, portico.FlowPaymentMethodUpdate, "https://app.acme.test")
	wantKind(t, err, portico.KindUnavailable, "billing is unavailable; try again")
	var se *stripe.Error
	if !errors.As(err, &se) || se.HTTPStatusCode != 500 {
		t.Errorf("the Stripe error is not kept behind the portico one: %v", err)
	}
}

func TestStripeHangingTimesOut(t *testing.T) {
	f := newFake(t)
	f.hangAll()
	p, store := f.provider(t, func(o *stripebilling.Options) {
		o.Timeout = 150 * time.Millisecond
		o.MaxNetworkRetries = new(int64(2)) // retries stay within the timeout
	})
	must(t, store.LinkCustomer(ctx, "acme", "cus_acme"))
	must(t, store.LinkSubscription(ctx, "sub-1", "sub_1"))

	calls := map[string]func() error{
		"details":  func() error { _, err := p.Details(ctx, acme); return err },
		"invoices": func() error { _, _, err := p.Invoices(ctx, acme, 10, ""); return err },
		"portal":   func() error { _, err := p.PortalURL(ctx, acme, "", ""); return err },
		"sync": func() error {
			return p.SyncSubscription(ctx, acme, billing.Sync{Key: "k", SubscriptionID: "sub-1", Cancel: true})
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			err := call()
			if took := time.Since(start); took > time.Second {
				t.Errorf("took %v with a 150ms timeout", took)
			}
			wantKind(t, err, portico.KindUnavailable, "billing is unavailable; try again")
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("err = %v, want it to wrap context.DeadlineExceeded", err)
			}
		})
	}
}

func TestCallerCancellationStopsStripeCall(t *testing.T) {
	f := newFake(t)
	f.hangAll()
	p, store := f.provider(t)
	must(t, store.LinkCustomer(ctx, "acme", "cus_acme"))
	cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := p.Details(cctx, acme)
	if took := time.Since(start); took > time.Second {
		t.Errorf("took %v; the request context was not passed on", took)
	}
	wantKind(t, err, portico.KindUnavailable, "")
}

func TestStripeRefusingAChange(t *testing.T) {
	f := newFake(t)
	f.reply("POST /v1/subscriptions/{id}", stripeError(402, "card_error", "card_declined", "Your card was declined."))
	p, _ := linked(t, f, subscriptionObj("sub_1", "active", subItem{"si_plan", "price_basic", 1}))
	err := p.SyncSubscription(ctx, acme, billing.Sync{Key: "up-1", SubscriptionID: "sub-1",
		Items: []billing.Item{{PriceID: "price_pro", Quantity: 1}}})
	wantKind(t, err, portico.KindConflict, "Your card was declined.")
	form(t, f.only("POST /v1/subscriptions/{id}"), map[string]string{"payment_behavior": "error_if_incomplete"})

	f.reply("POST /v1/subscriptions/{id}", stripeError(400, "invalid_request_error", "resource_missing", "No such price: 'price_pro'"))
	err = p.SyncSubscription(ctx, acme, billing.Sync{Key: "up-2", SubscriptionID: "sub-1",
		Items: []billing.Item{{PriceID: "price_pro", Quantity: 1}}})
	wantKind(t, err, portico.KindInvalid, "No such price: 'price_pro'")

	f.reply("GET /v1/subscriptions/{id}", stripeError(404, "invalid_request_error", "resource_missing", "No such subscription: 'sub_1'"))
	err = p.SyncSubscription(ctx, acme, billing.Sync{Key: "up-3", SubscriptionID: "sub-1", Cancel: true})
	wantKind(t, err, portico.KindConflict, "No such subscription: 'sub_1'")
}

func TestStripeRetriesKeepTheIdempotencyKey(t *testing.T) {
	f := newFake(t)
	n := 0
	f.on("POST /v1/subscriptions", func(sent) reply {
		n++
		if n == 1 {
			return stripeError(503, "api_error", "", "Service unavailable")
		}
		return ok(subscriptionObj("sub_new", "active"))
	})
	p, store := f.provider(t, func(o *stripebilling.Options) { o.MaxNetworkRetries = new(int64(1)) })
	must(t, store.LinkCustomer(ctx, "acme", "cus_acme"))
	must(t, p.SyncSubscription(ctx, acme, billing.Sync{Key: "r", SubscriptionID: "sub-1",
		Items: []billing.Item{{PriceID: "price_pro", Quantity: 1}}}))
	posts := f.requests("POST /v1/subscriptions")
	if len(posts) != 2 || posts[0].key() != posts[1].key() || !strings.HasSuffix(posts[0].key(), "-create") {
		t.Fatalf("attempts %d with keys %q, want 2 with one key", len(posts), keys(posts))
	}
}
