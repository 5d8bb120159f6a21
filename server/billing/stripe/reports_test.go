package stripebilling_test

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/server/billing"
)

// meteredStripe makes the fake hold a subscription with a metered item
// whose usage records behave as Stripe's do: one quantity per timestamp,
// overwritten by "set", added to by "increment", and a request replayed
// with its idempotency key answered from before without being applied.
// While down, every usage record is refused with a 503; while losing,
// each is applied but its answer lost (a 500).
type meteredStripe struct {
	mu            sync.Mutex
	down, losing  bool
	usage         map[string]int64 // timestamp → quantity
	keys          map[string]bool
	applied, seen int
}

func newMeteredStripe(f *fakeStripe) *meteredStripe {
	m := &meteredStripe{usage: map[string]int64{}, keys: map[string]bool{}}
	f.on("GET /v1/subscriptions/{id}", func(s sent) reply {
		return ok(subscriptionObj(lastSegment(s.Path), "active", subItem{"si_seats", "price_seats", 12}, subItem{"si_calls", "price_calls", 0}))
	})
	f.on("POST /v1/subscription_items/{id}/usage_records", func(s sent) reply {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.seen++
		if m.down {
			return stripeError(http.StatusServiceUnavailable, "api_error", "", "Stripe is down")
		}
		if !m.keys[s.key()] {
			m.keys[s.key()] = true
			m.applied++
			q, _ := strconv.ParseInt(s.Form.Get("quantity"), 10, 64)
			if ts := s.Form.Get("timestamp"); s.Form.Get("action") == "set" {
				m.usage[ts] = q
			} else {
				m.usage[ts] += q
			}
		}
		if m.losing {
			return stripeError(http.StatusInternalServerError, "api_error", "", "answer lost")
		}
		return ok(map[string]any{"id": "mbur_1", "object": "usage_record", "subscription_item": "si_calls"})
	})
	return m
}

func (m *meteredStripe) set(down, losing bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.down, m.losing = down, losing
}

// total is the period's usage as Stripe would bill it.
func (m *meteredStripe) total() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	var t int64
	for _, q := range m.usage {
		t += q
	}
	return t
}

var (
	periodFrom = time.Unix(periodStart, 0)
	periodTo   = time.Unix(periodEnd, 0)
)

func usageReport(blocks int64) billing.Report {
	return billing.Report{Kind: billing.ReportUsage, CustomerID: "acme", SubscriptionID: "sub-1", FeatureID: "api-calls",
		PriceID: "price_calls", PeriodStart: periodFrom, PeriodEnd: periodTo, Quantity: blocks}
}

// testReporter sends the outbox's reports with a clock the test moves.
type testReporter struct {
	*billing.Reporter
	now time.Time
}

func newTestReporter(o billing.Outbox, s billing.ReportSender) *testReporter {
	r := &testReporter{now: periodFrom.Add(time.Hour)}
	r.Reporter = billing.NewReporter(o, s, nil)
	r.Now = func() time.Time { return r.now }
	return r
}

func (r *testReporter) flush(t *testing.T) int {
	t.Helper()
	n, err := r.Flush(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Stripe down while usage grows, then an answer lost, then a restart: the
// period ends up at the last total, set once, whatever was retried.
func TestUsageReportsSurviveAnOutageAndARestart(t *testing.T) {
	f := newFake(t)
	m := newMeteredStripe(f)
	p, store := f.provider(t)
	ctx := context.Background()
	must(t, store.LinkSubscription(ctx, "sub-1", "sub_stripe"))
	r := newTestReporter(store, p)

	m.set(true, false)
	must(t, store.Enqueue(ctx, usageReport(3)))
	if n := r.flush(t); n != 0 || m.applied != 0 {
		t.Fatalf("Stripe down: %d sent, %d applied", n, m.applied)
	}
	must(t, store.Enqueue(ctx, usageReport(7))) // a newer total replaces the unsent one
	r.flush(t)
	r.now = r.now.Add(time.Minute)
	r.flush(t)
	if m.applied != 0 || m.seen != 3 {
		t.Fatalf("Stripe down: %d applied in %d requests, want none in 3 (3, then 7 twice)", m.applied, m.seen)
	}

	m.set(false, true) // back, but the answer to the next request is lost
	r.now = r.now.Add(10 * time.Minute)
	if n := r.flush(t); n != 0 || m.total() != 7 {
		t.Fatalf("answer lost: %d sent, Stripe holds %d, want 0 sent and 7 held", n, m.total())
	}
	m.set(false, false)
	r.now = r.now.Add(time.Hour)
	if n := r.flush(t); n != 1 {
		t.Fatalf("Stripe back: %d sent, want 1", n)
	}

	restarted := newTestReporter(store, p)
	restarted.now = r.now.Add(time.Hour)
	if n := restarted.flush(t); n != 0 {
		t.Errorf("after a restart %d reports were sent again", n)
	}
	if m.total() != 7 || m.applied != 1 {
		t.Errorf("Stripe holds %d for the period from %d requests applied, want 7 from 1", m.total(), m.applied)
	}
	for _, s := range f.requests("POST /v1/subscription_items/{id}/usage_records") {
		if s.Path != "/v1/subscription_items/si_calls/usage_records" || s.Form.Get("timestamp") != strconv.FormatInt(periodStart, 10) {
			t.Errorf("usage sent to %s at %s, want si_calls at the period's start", s.Path, s.Form.Get("timestamp"))
		}
	}
}

// A top-up becomes one invoice item on the period's draft invoice, even
// when the answer to the first request is lost and it is sent again.
func TestATopUpIsAddedOnceToThePeriodsDraftInvoice(t *testing.T) {
	f := newFake(t)
	newMeteredStripe(f)
	var mu sync.Mutex
	var made []any
	lose := true
	f.on("GET /v1/invoiceitems", func(sent) reply {
		mu.Lock()
		defer mu.Unlock()
		return ok(list("/v1/invoiceitems", append([]any(nil), made...), false))
	})
	f.reply("GET /v1/invoices", ok(list("/v1/invoices", []any{
		map[string]any{"id": "in_old", "object": "invoice", "status": "draft", "period_end": periodStart},
		map[string]any{"id": "in_draft", "object": "invoice", "status": "draft", "period_end": periodEnd},
	}, false)))
	f.on("POST /v1/invoiceitems", func(s sent) reply {
		mu.Lock()
		defer mu.Unlock()
		item := map[string]any{"id": "ii_1", "object": "invoiceitem", "metadata": map[string]any{"portico_report": s.Form.Get("metadata[portico_report]")}}
		made = append(made, item)
		if lose {
			lose = false
			return stripeError(http.StatusInternalServerError, "api_error", "", "answer lost")
		}
		return ok(item)
	})
	p, store := f.provider(t)
	ctx := context.Background()
	must(t, store.LinkSubscription(ctx, "sub-1", "sub_stripe"))
	must(t, store.LinkCustomer(ctx, "acme", "cus_acme"))
	r := newTestReporter(store, p)
	must(t, store.Enqueue(ctx, billing.Report{Kind: billing.ReportTopUp, CustomerID: "acme", SubscriptionID: "sub-1",
		PeriodStart: periodFrom, PeriodEnd: periodTo, Amount: 3550, Currency: "usd", Description: "Minimum spend top-up (monthly)"}))

	r.flush(t)
	r.now = r.now.Add(time.Hour)
	if n := r.flush(t); n != 1 {
		t.Fatalf("after the lost answer: %d sent, want the retry to succeed", n)
	}
	posts := f.requests("POST /v1/invoiceitems")
	if len(posts) != 1 {
		t.Fatalf("%d invoice items made, want 1 (the retry finds it)", len(posts))
	}
	form(t, posts[0], map[string]string{"customer": "cus_acme", "invoice": "in_draft", "amount": "3550", "currency": "usd",
		"period[start]": strconv.FormatInt(periodStart, 10), "period[end]": strconv.FormatInt(periodEnd, 10)})
	absent(t, posts[0], "subscription")
}
