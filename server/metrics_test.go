package server_test

import (
	"net/http"
	"testing"

	"github.com/portico-dev/portico/server"
	"github.com/portico-dev/portico/server/metrics"
	"github.com/portico-dev/portico/server/metrics/metricstest"
)

// withMetrics counts the server's requests and usage events in m.
func withMetrics(m *metrics.Metrics) option { return func(s *server.Server) { s.Metrics = m } }

// The API served alone counts its requests by route and status as the
// pages' server does; a keyed usage call replayed from its record was
// counted the first time, not again.
func TestAPIMetricsByRouteAndUsageOutcome(t *testing.T) {
	m := metrics.New()
	h := newHarness(t, withMetrics(m))
	h.createCustomer("ada", false)
	h.entitlements("ada", "")
	expectStatus(t, h.backend(http.MethodGet, "/api/v1/no-such-thing", nil), http.StatusNotFound)
	keyed := map[string]any{"customerId": "ada", "featureId": featCalls, "value": 2}
	for range 2 {
		expectStatus(t, h.backend(http.MethodPost, "/api/v1/usage", keyed, "Idempotency-Key", "report-1"), http.StatusOK)
	}
	expectStatus(t, h.backend(http.MethodPost, "/api/v1/usage", map[string]any{"customerId": "ada", "featureId": featCalls}), http.StatusUnprocessableEntity)

	read := func(name string, l metricstest.Labels) float64 {
		return metricstest.Read(t, m.Gatherer(), name, l).Value
	}
	for _, r := range []struct {
		route, code string
		n           float64
	}{
		{"PUT /api/v1/catalog", "200", 1},
		{"POST /api/v1/customers", "201", 1},
		{"GET /api/v1/customers/{id}/entitlements", "200", 1},
		{"POST /api/v1/usage", "200", 2},
		{"POST /api/v1/usage", "422", 1},
		{"other", "404", 1},
	} {
		if got := read("portico_http_requests_total", metricstest.Labels{"route": r.route, "code": r.code}); got != r.n {
			t.Errorf("requests{route=%q,code=%s} = %v, want %v", r.route, r.code, got, r.n)
		}
	}
	for outcome, n := range map[string]float64{"accepted": 1, "duplicate": 0, "rejected": 1} {
		if got := read("portico_usage_events_total", metricstest.Labels{"outcome": outcome, "via": "single"}); got != n {
			t.Errorf("single usage events %s = %v, want %v", outcome, got, n)
		}
	}
}
