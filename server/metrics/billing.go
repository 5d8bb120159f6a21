package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Outcomes of a call to the billing provider: the label outcome of
// portico_billing_requests_total.
const (
	CallOK          = "ok"           // answered below 400
	CallClientError = "client_error" // answered 4xx: the provider refused the request
	CallServerError = "server_error" // answered 5xx
	CallNoAnswer    = "no_answer"    // no answer: connection refused or reset, timeout, cancelled
)

// Outcomes of a report sent to the billing provider (label outcome of
// portico_billing_reports_total).
const (
	ReportSent   = "sent"
	ReportFailed = "failed" // kept in the outbox and retried later
)

func (m *Metrics) newBilling() {
	m.billingCalls = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "portico_billing_requests_total",
		Help: "HTTP requests to the billing provider (each retry counts), by provider, method, endpoint (the path with its object IDs as {id}) and outcome (ok, client_error, server_error, no_answer).",
	}, []string{"provider", "method", "endpoint", "outcome"})
	m.billingLatency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "portico_billing_request_duration_seconds",
		Help:    "Time the billing provider took to answer one HTTP request (or to fail), by provider, method and endpoint.",
		Buckets: latencyBuckets(),
	}, []string{"provider", "method", "endpoint"})
	m.reports = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "portico_billing_reports_total",
		Help: "Reports from the outbox (usage of metered items, minimum-spend top-ups) sent to the billing provider, by kind and outcome (sent, failed).",
	}, []string{"kind", "outcome"})
	m.registry.MustRegister(m.billingCalls, m.billingLatency, m.reports)
}

// BillingTransport counts and times the HTTP requests a billing provider's
// client sends through next (http.DefaultTransport when nil). endpoint
// names a request's endpoint with a bounded set of values: the provider's
// path with its object IDs replaced. With m nil, next is returned as it is.
func (m *Metrics) BillingTransport(provider string, endpoint func(*http.Request) string, next http.RoundTripper) http.RoundTripper {
	if m == nil {
		return next
	}
	if next == nil {
		next = http.DefaultTransport
	}
	return &billingTransport{m: m, provider: provider, endpoint: endpoint, next: next}
}

type billingTransport struct {
	m        *Metrics
	provider string
	endpoint func(*http.Request) string
	next     http.RoundTripper
}

func (t *billingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	res, err := t.next.RoundTrip(req)
	endpoint := t.endpoint(req)
	t.m.billingCalls.WithLabelValues(t.provider, req.Method, endpoint, callOutcome(res, err)).Inc()
	t.m.billingLatency.WithLabelValues(t.provider, req.Method, endpoint).Observe(time.Since(start).Seconds())
	return res, err
}

func callOutcome(res *http.Response, err error) string {
	switch {
	case err != nil:
		return CallNoAnswer
	case res.StatusCode >= 500:
		return CallServerError
	case res.StatusCode >= 400:
		return CallClientError
	}
	return CallOK
}

// BillingReport counts one report of kind (usage, topup) sent to the
// billing provider: taken (sent) or not (kept and retried).
func (m *Metrics) BillingReport(kind string, sent bool) {
	if m == nil {
		return
	}
	outcome := ReportFailed
	if sent {
		outcome = ReportSent
	}
	m.reports.WithLabelValues(kind, outcome).Inc()
}
