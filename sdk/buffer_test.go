package sdk_test

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/sdk"
)

func usageOf(t *testing.T, c *sdk.Client, customerID, featureID string) int64 {
	t.Helper()
	ents, err := c.Entitlements(ctxT(t), customerID, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if e.FeatureID == featureID {
			return e.Usage
		}
	}
	t.Fatalf("%s has no %s", customerID, featureID)
	return 0
}

// Events queued while Portico is down are sent once it is back, each
// counted exactly once — even when a batch's answer is lost after Portico
// counted it, and the batch is sent again.
func TestBufferSurvivesAnOutage(t *testing.T) {
	p := startPortico(t)
	c := p.client()
	before := usageOf(t, c, "dennis", "requests")
	var failures atomic.Int64
	buf := sdk.NewUsageBuffer(c, sdk.UsageBufferOptions{FlushEvery: 20 * time.Millisecond, BatchSize: 50,
		OnError: func(error) { failures.Add(1) }})

	p.stop()
	for range 300 {
		if err := buf.Add(portico.UsageEvent{CustomerID: "dennis", FeatureID: "requests", Value: 1}); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, 2*time.Second, "sends failing during the outage", func() bool { return failures.Load() >= 2 })
	if buf.Len() != 300 {
		t.Fatalf("%d events queued during the outage, want 300", buf.Len())
	}

	// Back, but the first batch's answer is lost after it was counted.
	var batches atomic.Int64
	p.setFront(func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if r.URL.Path == "/api/v1/usage/batch" && batches.Add(1) == 1 {
			next.ServeHTTP(discard{}, r)
			hijackAndClose(w)
			return
		}
		next.ServeHTTP(w, r)
	})
	p.restart()
	if err := buf.Close(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if got := usageOf(t, c, "dennis", "requests"); got != before+300 {
		t.Fatalf("usage after the outage: %d, want %d (each event once)", got, before+300)
	}
	if batches.Load() < 7 {
		t.Fatalf("%d batches sent, want 6 and the lost one again", batches.Load())
	}
}

// An event Portico refuses is reported and not sent again; the others
// count.
func TestBufferReportsRejectedEvents(t *testing.T) {
	p := startPortico(t)
	c := p.client()
	before := usageOf(t, c, "dennis", "requests")
	var mu sync.Mutex
	var rejected []portico.FieldError
	buf := sdk.NewUsageBuffer(c, sdk.UsageBufferOptions{FlushEvery: time.Hour,
		OnRejected: func(_ portico.UsageEvent, fe portico.FieldError) {
			mu.Lock()
			rejected = append(rejected, fe)
			mu.Unlock()
		}})
	_ = buf.Add(portico.UsageEvent{CustomerID: "dennis", FeatureID: "requests", Value: 7})
	_ = buf.Add(portico.UsageEvent{CustomerID: "dennis", FeatureID: "no-such-feature", Value: 1})
	if err := buf.Flush(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if len(rejected) != 1 || rejected[0].Field != "featureId" {
		t.Fatalf("rejected = %+v, want one naming featureId", rejected)
	}
	if got := usageOf(t, c, "dennis", "requests"); got != before+7 {
		t.Fatalf("usage %d, want %d", got, before+7)
	}
	if err := buf.Close(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if err := buf.Add(portico.UsageEvent{CustomerID: "dennis", FeatureID: "requests", Value: 1}); !errors.Is(err, sdk.ErrBufferClosed) {
		t.Fatalf("Add after Close: %v", err)
	}
}

// A full buffer refuses new events rather than growing or dropping what
// it holds; Close with a deadline leaves what it could not send in
// Pending.
func TestBufferIsBounded(t *testing.T) {
	c := sdk.New("http://127.0.0.1:1", secretKey) // nothing there
	buf := sdk.NewUsageBuffer(c, sdk.UsageBufferOptions{MaxQueued: 5, FlushEvery: time.Hour})
	for i := range 6 {
		err := buf.Add(portico.UsageEvent{CustomerID: "dennis", FeatureID: "requests", Value: 1})
		if (i < 5) != (err == nil) || (i == 5 && !errors.Is(err, sdk.ErrBufferFull)) {
			t.Fatalf("Add #%d: %v", i+1, err)
		}
	}
	ctx, cancel := contextWithTimeout(50 * time.Millisecond)
	defer cancel()
	err := buf.Close(ctx)
	if err == nil || !strings.Contains(err.Error(), "5 events not sent") {
		t.Fatalf("Close while down: %v", err)
	}
	pending := buf.Pending()
	if len(pending) != 5 || pending[0].IdempotencyKey == "" || pending[0].IdempotencyKey == pending[1].IdempotencyKey {
		t.Fatalf("pending = %+v, want 5 events, each with its own key", pending)
	}
}
