package metrics

import (
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Outcomes of a webhook delivery attempt (label outcome of
// portico_webhook_deliveries_total). Any other outcome counts as "other",
// so a caller cannot add series without bound.
const (
	WebhookDelivered = "delivered" // the endpoint answered 2xx
	WebhookFailed    = "failed"    // another answer, or none: retried later
	WebhookAbandoned = "abandoned" // failed for the last time: not retried
)

func (m *Metrics) newWebhooks() {
	m.webhooks = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "portico_webhook_deliveries_total",
		Help: "Webhook delivery attempts to the SaaS's endpoints, by outcome (delivered, failed, abandoned).",
	}, []string{"outcome"})
	m.webhookLatency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "portico_webhook_delivery_duration_seconds",
		Help:    "Time a webhook delivery attempt took, from sending to the endpoint's answer (or failure), by outcome.",
		Buckets: latencyBuckets(),
	}, []string{"outcome"})
	m.backlog = &backlogCollector{desc: prometheus.NewDesc("portico_webhook_backlog",
		"Webhook deliveries waiting to be sent or retried, as the delivery worker counts them at each scrape.", nil, nil)}
	m.registry.MustRegister(m.webhooks, m.webhookLatency, m.backlog)
}

// WebhookDelivery counts one delivery attempt with its outcome
// (WebhookDelivered, WebhookFailed, WebhookAbandoned) and the time it
// took. The delivery worker calls it after each attempt.
func (m *Metrics) WebhookDelivery(outcome string, d time.Duration) {
	if m == nil {
		return
	}
	switch outcome {
	case WebhookDelivered, WebhookFailed, WebhookAbandoned:
	default:
		outcome = "other"
	}
	m.webhooks.WithLabelValues(outcome).Inc()
	m.webhookLatency.WithLabelValues(outcome).Observe(d.Seconds())
}

// WebhookBacklog sets how the delivery backlog is counted: backlog is
// called at each scrape (so it may read the store), and a failure leaves
// the gauge out of that scrape, logged, rather than reporting a wrong
// count. Until it is set, portico_webhook_backlog is not served.
func (m *Metrics) WebhookBacklog(backlog func() (int, error)) {
	if m == nil {
		return
	}
	m.backlog.count.Store(&backlog)
}

// backlogCollector serves the backlog gauge from the function the delivery
// worker set, if any.
type backlogCollector struct {
	desc  *prometheus.Desc
	count atomic.Pointer[func() (int, error)]
}

func (c *backlogCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *backlogCollector) Collect(ch chan<- prometheus.Metric) {
	count := c.count.Load()
	if count == nil || *count == nil {
		return
	}
	n, err := (*count)()
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n))
}
