package stripebilling_test

import (
	"testing"
	"time"

	stripebilling "github.com/portico-dev/portico/server/billing/stripe"
	"github.com/portico-dev/portico/server/metrics"
	"github.com/portico-dev/portico/server/metrics/metricstest"
)

// Each request to Stripe counts by endpoint and outcome, and each report
// the reporter sends counts as sent or failed: an operator sees Stripe
// failing, and the outbox falling behind, from the metrics.
func TestStripeCallsAndReportsAreCounted(t *testing.T) {
	f := newFake(t)
	stripe := newMeteredStripe(f)
	m := metrics.New()
	p, store := f.provider(t, func(o *stripebilling.Options) { o.Metrics = m })
	must(t, store.LinkCustomer(ctx, "acme", "cus_acme"))
	must(t, store.LinkSubscription(ctx, "sub-1", "sub_stripe"))

	if _, err := p.Details(ctx, acme); err != nil {
		t.Fatal(err)
	}
	f.reply("GET /v1/customers/{id}", stripeError(500, "api_error", "", "An unknown error occurred"))
	p.Invalidate("acme")
	if _, err := p.Details(ctx, acme); err == nil {
		t.Fatal("Details succeeded with Stripe failing")
	}

	r := newTestReporter(store, p)
	r.Metrics = m
	stripe.set(true, false)
	must(t, store.Enqueue(ctx, usageReport(3)))
	r.flush(t)
	stripe.set(false, false)
	r.now = r.now.Add(time.Hour)
	r.flush(t)

	read := func(name string, l metricstest.Labels) float64 {
		return metricstest.Read(t, m.Gatherer(), name, l).Value
	}
	customer := metricstest.Labels{"provider": "stripe", "method": "GET", "endpoint": "/v1/customers/{id}"}
	for outcome, want := range map[string]float64{"ok": 1, "server_error": 1} {
		customer["outcome"] = outcome
		if got := read("portico_billing_requests_total", customer); got != want {
			t.Errorf("GET /v1/customers/{id} %s: %v, want %v (sent: %s)", outcome, got, want, f.summary())
		}
	}
	usage := metricstest.Labels{"provider": "stripe", "method": "POST", "endpoint": "/v1/subscription_items/{id}/usage_records"}
	for outcome, want := range map[string]float64{"ok": 1, "server_error": 1} {
		usage["outcome"] = outcome
		if got := read("portico_billing_requests_total", usage); got != want {
			t.Errorf("usage records %s: %v, want %v (sent: %s)", outcome, got, want, f.summary())
		}
	}
	for outcome, want := range map[string]float64{"sent": 1, "failed": 1} {
		if got := read("portico_billing_reports_total", metricstest.Labels{"kind": "usage", "outcome": outcome}); got != want {
			t.Errorf("usage reports %s: %v, want %v", outcome, got, want)
		}
	}
}
