package metrics

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// OtherRoute is the route of requests no route of the server's took (an
// unknown path, a method a path does not answer): the path itself would
// let any client add series without bound.
const OtherRoute = "other"

// latencyBuckets span an entitlement check answered from memory (well
// under a millisecond) to a billing call that waits for the provider.
func latencyBuckets() []float64 {
	return []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}
}

func (m *Metrics) newHTTP() {
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "portico_http_requests_total",
		Help: "HTTP requests answered, by route (the pattern that took the request, or \"other\") and status code.",
	}, []string{"route", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "portico_http_request_duration_seconds",
		Help:    "Time from a request's arrival to its answer's end, by route.",
		Buckets: latencyBuckets(),
	}, []string{"route"})
	m.registry.MustRegister(m.requests, m.latency)
}

// routeKey names one route and status's series.
type routeKey struct {
	route string
	code  int
}

type routeSeries struct {
	requests prometheus.Counter
	latency  prometheus.Observer
}

// Instrument counts next's requests by the ServeMux pattern that took each
// (Request.Pattern, read once the request is answered: a mux sets it on
// the request it is handed, so the innermost mux's pattern is the one
// read) and by status, and times them. Requests no pattern took, and
// those the patterns in catchAll took (a mux's own "not found" route),
// count as OtherRoute. With m nil, next is returned as it is.
func (m *Metrics) Instrument(next http.Handler, catchAll ...string) http.Handler {
	if m == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		route := r.Pattern
		if route == "" || slices.Contains(catchAll, route) {
			route = OtherRoute
		}
		s := m.series(route, rec.code())
		s.requests.Inc()
		s.latency.Observe(time.Since(start).Seconds())
	})
}

// series is the route and status's series, made at their first request.
func (m *Metrics) series(route string, code int) *routeSeries {
	k := routeKey{route, code}
	if s, ok := m.routes.Load(k); ok {
		return s.(*routeSeries)
	}
	s := &routeSeries{requests: m.requests.WithLabelValues(route, strconv.Itoa(code)),
		latency: m.latency.WithLabelValues(route)}
	actual, _ := m.routes.LoadOrStore(k, s)
	return actual.(*routeSeries)
}

// statusRecorder notes the status an answer was given.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 && code >= 200 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// code is the status sent: 200 when the handler wrote nothing, as
// net/http then answers.
func (w *statusRecorder) code() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}
