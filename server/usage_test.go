package server_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
)

func usageOf(t *testing.T, h *harness, customerID, featureID string) int64 {
	t.Helper()
	ents := decodeAs[[]portico.EntitlementView](t, h.backend(http.MethodGet, "/api/v1/customers/"+customerID+"/entitlements", nil))
	if e := findEnt(ents, featureID); e != nil {
		return e.Usage
	}
	return 0
}

func statuses(res portico.UsageBatchResult) []string {
	out := make([]string, len(res.Results))
	for i, r := range res.Results {
		out[i] = string(r.Status)
		if r.Error != nil {
			out[i] += ":" + r.Error.Field
		}
	}
	return out
}

func TestABatchCountsEachEventOnceAndRefusesOnlyTheBadOnes(t *testing.T) {
	h := newHarness(t)
	h.createCustomer("ada", true) // on the free plan: 1,000 API calls a month
	h.createCustomer("bob", true)
	now := h.clock.Now()
	batch := M{"events": []M{
		{"customerId": "ada", "featureId": "api-calls", "value": 10, "idempotencyKey": "e1"},
		{"customerId": "ada", "featureId": "api-calls", "value": 10, "idempotencyKey": "e1"},
		{"customerId": "bob", "featureId": "api-calls", "value": 7, "idempotencyKey": "e2"},
		{"customerId": "ada", "featureId": "nope", "value": 1, "idempotencyKey": "e3"},
		{"customerId": "zed", "featureId": "api-calls", "value": 1, "idempotencyKey": "e4"},
		{"customerId": "ada", "featureId": "api-calls", "value": 1},
		{"customerId": "ada", "featureId": "api-calls", "value": 1, "idempotencyKey": "e5", "timestamp": now.Add(time.Hour)},
		{"customerId": "ada", "featureId": "api-calls", "value": 1, "idempotencyKey": "e6", "timestamp": now.AddDate(0, -2, 0)},
		{"customerId": "ada", "featureId": "api-calls", "value": -3, "idempotencyKey": "e7"},
		{"customerId": "ada", "featureId": "seats", "value": 2, "idempotencyKey": "e8"},
	}}
	want := []string{"accepted", "duplicate", "accepted", "rejected:featureId", "rejected:customerId",
		"rejected:idempotencyKey", "rejected:timestamp", "rejected:timestamp", "rejected:value", "accepted"}
	r := h.backend(http.MethodPost, "/api/v1/usage/batch", batch)
	expectStatus(t, r, http.StatusOK)
	got := statuses(decodeAs[portico.UsageBatchResult](t, r))
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("results %v, want %v", got, want)
	}
	if a, b, s := usageOf(t, h, "ada", "api-calls"), usageOf(t, h, "bob", "api-calls"), usageOf(t, h, "ada", "seats"); a != 10 || b != 7 || s != 2 {
		t.Errorf("usage ada %d, bob %d, ada's seats %d; want 10, 7 and 2", a, b, s)
	}

	// The whole batch again: what was counted is a duplicate, nothing twice.
	got = statuses(decodeAs[portico.UsageBatchResult](t, h.backend(http.MethodPost, "/api/v1/usage/batch", batch)))
	if got[0] != "duplicate" || got[2] != "duplicate" || got[9] != "duplicate" {
		t.Errorf("resent batch %v, want its counted events as duplicates", got)
	}
	if a := usageOf(t, h, "ada", "api-calls"); a != 10 {
		t.Errorf("usage after the resend %d, want still 10", a)
	}

	// A key counts once whichever call brings it.
	expectStatus(t, h.backend(http.MethodPost, "/api/v1/usage", M{"customerId": "ada", "featureId": "api-calls", "value": 5, "idempotencyKey": "single-1"}), http.StatusOK)
	got = statuses(decodeAs[portico.UsageBatchResult](t, h.backend(http.MethodPost, "/api/v1/usage/batch",
		M{"events": []M{{"customerId": "ada", "featureId": "api-calls", "value": 5, "idempotencyKey": "single-1"}}})))
	if got[0] != "duplicate" || usageOf(t, h, "ada", "api-calls") != 15 {
		t.Errorf("a key the single call counted: %v, usage %d; want a duplicate and 15", got, usageOf(t, h, "ada", "api-calls"))
	}
}

func TestABatchOfMoreThanAThousandEventsIsRefusedWhole(t *testing.T) {
	h := newHarness(t)
	h.createCustomer("ada", true)
	events := make([]M, portico.MaxUsageBatch+1)
	for i := range events {
		events[i] = M{"customerId": "ada", "featureId": "api-calls", "value": 1, "idempotencyKey": fmt.Sprint("k", i)}
	}
	expectProblem(t, h.backend(http.MethodPost, "/api/v1/usage/batch", M{"events": events}), http.StatusRequestEntityTooLarge, "events")
	if u := usageOf(t, h, "ada", "api-calls"); u != 0 {
		t.Errorf("usage %d after a refused batch, want 0", u)
	}
	events = events[:portico.MaxUsageBatch]
	res := decodeAs[portico.UsageBatchResult](t, h.backend(http.MethodPost, "/api/v1/usage/batch", M{"events": events}))
	if len(res.Results) != portico.MaxUsageBatch || usageOf(t, h, "ada", "api-calls") != portico.MaxUsageBatch {
		t.Errorf("a full batch: %d results, usage %d; want %d of each", len(res.Results), usageOf(t, h, "ada", "api-calls"), portico.MaxUsageBatch)
	}
}

func TestConcurrentSingleCallsAreEachCountedAndAnswered(t *testing.T) {
	h := newHarness(t)
	h.createCustomer("ada", true)
	const calls = 40
	var wg sync.WaitGroup
	seen := make([]int64, calls)
	for i := range calls {
		wg.Go(func() {
			r := h.backend(http.MethodPost, "/api/v1/usage", M{"customerId": "ada", "featureId": "api-calls", "value": 1})
			if r.Status != http.StatusOK {
				t.Errorf("call %d: %s", i, r)
				return
			}
			seen[i] = decodeAs[portico.EntitlementView](t, r).Usage
		})
	}
	wg.Wait()
	if u := usageOf(t, h, "ada", "api-calls"); u != calls {
		t.Errorf("usage %d after %d calls, want %d", u, calls, calls)
	}
	// Each answer is the usage right after its own event: all different.
	distinct := map[int64]bool{}
	for _, v := range seen {
		distinct[v] = true
	}
	if len(distinct) != calls {
		t.Errorf("answers %v: want %d distinct usages, each call's own", seen, calls)
	}
}

func TestUsageHistoryAddsUpPerBucketAndBackfillsInItsDay(t *testing.T) {
	h := newHarness(t)
	h.createCustomer("ada", true)
	h.advance(M{"by": "720h"}) // a month on: ada's second usage period has begun
	now := h.clock.Now()
	day := func(d int) time.Time { return now.AddDate(0, 0, d) }
	events := []M{
		{"customerId": "ada", "featureId": "api-calls", "value": 100, "idempotencyKey": "h1"},
		{"customerId": "ada", "featureId": "api-calls", "value": 20, "idempotencyKey": "h2"},
		{"customerId": "ada", "featureId": "seats", "value": 3, "idempotencyKey": "h3", "timestamp": day(-40)},
	}
	expectStatus(t, h.backend(http.MethodPost, "/api/v1/usage/batch", M{"events": events}), http.StatusOK)
	path := "/api/v1/customers/ada/usage-history?featureId=api-calls&bucket=day&from=" + day(-3).Format(time.RFC3339)
	hist := decodeAs[portico.UsageHistory](t, h.backend(http.MethodGet, path, nil))
	if len(hist.Points) != 4 || hist.Points[3].Value != 120 || hist.Points[0].Value != 0 {
		t.Errorf("daily history %+v, want four days ending with today's 120", hist.Points)
	}
	seats := decodeAs[portico.UsageHistory](t, h.backend(http.MethodGet, "/api/v1/customers/ada/usage-history?featureId=seats&bucket=month", nil))
	var total int64
	for _, p := range seats.Points {
		total += p.Value
		if p.Value == 3 && !p.Start.Equal(time.Date(day(-40).Year(), day(-40).Month(), 1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("backfilled seats landed in %v, want the month of %v", p.Start, day(-40))
		}
	}
	if total != 3 || len(seats.Points) < 13 {
		t.Errorf("monthly seats %+v, want 3 in 13 or more months", seats.Points)
	}
	tok := h.session("ada", "", "")
	portal := decodeAs[portico.UsageHistory](t, h.portal(tok, http.MethodGet, "/api/v1/portal/usage-history?featureId=api-calls&bucket=week", nil))
	var sum int64
	for _, p := range portal.Points {
		sum += p.Value
	}
	if sum != 120 {
		t.Errorf("portal weekly history %+v adds up to %d, want 120", portal.Points, sum)
	}
	expectProblem(t, h.backend(http.MethodGet, "/api/v1/customers/ada/usage-history?featureId=sso", nil), http.StatusUnprocessableEntity, "featureId")
	expectProblem(t, h.backend(http.MethodGet, "/api/v1/customers/ada/usage-history?featureId=api-calls&bucket=hour", nil), http.StatusUnprocessableEntity, "bucket")
	expectProblem(t, h.backend(http.MethodGet, "/api/v1/customers/ada/usage-history?featureId=api-calls&from=yesterday", nil), http.StatusUnprocessableEntity, "from")
}
