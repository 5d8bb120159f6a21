// Package metrics is what Portico tells Prometheus: HTTP requests by route
// and status, usage events ingested, calls to the billing provider and the
// reports sent to it, how late the scheduler applies due changes, webhook
// deliveries, and Go's runtime and the process beside them.
//
// A Metrics value owns its registry (never Prometheus's global one), so two
// servers in one process count apart. The pieces that report take it as a
// field; a nil *Metrics records nothing, and every method is a nil check
// then, so a server without PORTICO_METRICS pays nothing for it.
package metrics

import (
	"log/slog"
	"net/http"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds Portico's metrics and the registry they are served from.
type Metrics struct {
	registry *prometheus.Registry

	requests *prometheus.CounterVec   // route, code
	latency  *prometheus.HistogramVec // route
	// routes caches each route and status's series, so a request costs a
	// map read rather than hashing its labels twice.
	routes sync.Map // routeKey → *routeSeries

	usage usageCounters

	billingCalls   *prometheus.CounterVec   // provider, method, endpoint, outcome
	billingLatency *prometheus.HistogramVec // provider, method, endpoint
	reports        *prometheus.CounterVec   // kind, outcome

	schedulerLag     prometheus.Histogram
	schedulerLastRun prometheus.Gauge
	schedulerRuns    *prometheus.CounterVec // outcome

	webhooks       *prometheus.CounterVec   // outcome
	webhookLatency *prometheus.HistogramVec // outcome
	backlog        *backlogCollector
}

// New returns Portico's metrics, registered with a registry of their own
// beside Go's runtime and the process's collectors.
func New() *Metrics {
	m := &Metrics{registry: prometheus.NewRegistry()}
	m.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.newHTTP()
	m.newUsage()
	m.newBilling()
	m.newScheduler()
	m.newWebhooks()
	return m
}

// Handler serves the metrics in Prometheus's text format (or OpenMetrics,
// when the scraper asks for it). A collector that fails is logged and left
// out; the others are still served.
func (m *Metrics) Handler(log *slog.Logger) http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{
		ErrorLog:          errorLog{log},
		ErrorHandling:     promhttp.ContinueOnError,
		Registry:          m.registry, // counts the scrapes' errors
		EnableOpenMetrics: true,
	})
}

// Gatherer is the registry, for tests that read the values directly.
func (m *Metrics) Gatherer() prometheus.Gatherer { return m.registry }

// errorLog hands promhttp's errors to the server's log.
type errorLog struct{ log *slog.Logger }

func (l errorLog) Println(v ...any) {
	if l.log != nil {
		l.log.Error("metrics", "err", v)
	}
}
