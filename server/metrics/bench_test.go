package metrics_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/portico-dev/portico/server/metrics"
)

// BenchmarkInstrument is what Instrument adds to a request, apart from
// the handler's own work: a mux with one route and an empty answer, bare
// and instrumented, served in alternating blocks of 1,000 requests so
// that a change in the machine's load falls on both alike. It reports the
// median of the blocks' differences as added-ns/op:
//
//	go test ./server/metrics -run '^$' -bench Instrument
func BenchmarkInstrument(b *testing.B) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/customers/{id}/entitlements", func(w http.ResponseWriter, r *http.Request) {})
	instrumented := metrics.New().Instrument(mux)
	req := httptest.NewRequest(http.MethodGet, "/api/v1/customers/grace/entitlements", nil)
	w := discard{}
	const block = 1000
	serve := func(h http.Handler) time.Duration {
		start := time.Now()
		for range block {
			h.ServeHTTP(w, req)
		}
		return time.Since(start)
	}
	var added, bare []float64
	b.ReportAllocs()
	for b.Loop() {
		base := serve(mux)
		with := serve(instrumented)
		bare = append(bare, float64(base)/block)
		added = append(added, float64(with-base)/block)
	}
	b.ReportMetric(median(bare), "bare-ns/op")
	b.ReportMetric(median(added), "added-ns/op")
}

func median(v []float64) float64 {
	slices.Sort(v)
	return v[len(v)/2]
}

// discard is a ResponseWriter that keeps nothing.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(p []byte) (int, error) { return len(p), nil }
func (discard) WriteHeader(int)             {}
