package server_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/portico-dev/portico/server/metrics"
)

// BenchmarkMetricsOnHotPaths serves the hot calls — an entitlement check,
// a usage report, the portal — through the server's handler without
// metrics and with them (PORTICO_METRICS), in this process, so the
// difference is what counting and timing a request costs
// (docs/performance.md):
//
//	go test ./server -run '^$' -bench MetricsOnHotPaths -count 6
func BenchmarkMetricsOnHotPaths(b *testing.B) {
	h := newHarness(b)
	h.createCustomer("grace", true)
	token := h.session("grace", "", "")
	usage := []byte(`{"customerId":"grace","featureId":"api-calls","value":1}`)
	calls := []struct {
		name string
		req  func() *http.Request
	}{
		{"entitlements", func() *http.Request {
			return authorized(httptest.NewRequest(http.MethodGet, "/api/v1/customers/grace/entitlements", nil), secretKey)
		}},
		{"usage", func() *http.Request {
			return authorized(httptest.NewRequest(http.MethodPost, "/api/v1/usage", bytes.NewReader(usage)), secretKey)
		}},
		{"portal", func() *http.Request {
			return authorized(httptest.NewRequest(http.MethodGet, "/api/v1/portal", nil), token)
		}},
	}
	for _, mode := range []struct {
		name    string
		metrics *metrics.Metrics
	}{{"off", nil}, {"on", metrics.New()}} {
		h.srv.Metrics = mode.metrics
		handler := h.srv.Handler()
		for _, c := range calls {
			b.Run(c.name+"/"+mode.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					rec := httptest.NewRecorder()
					handler.ServeHTTP(rec, c.req())
					if rec.Code != http.StatusOK {
						b.Fatalf("%s: %d %s", c.name, rec.Code, rec.Body)
					}
				}
			})
		}
	}
}

func authorized(r *http.Request, token string) *http.Request {
	r.Header.Set("Authorization", "Bearer "+token)
	return r
}
