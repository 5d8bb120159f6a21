package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	portico "github.com/portico-dev/portico"
)

// How usage events came in: the label via of portico_usage_events_total.
const (
	ViaSingle = "single" // POST /api/v1/usage, one event a call
	ViaBatch  = "batch"  // POST /api/v1/usage/batch
)

// usageCounters are portico_usage_events_total's series, made once: an
// event costs an increment, not a label lookup.
type usageCounters map[string]map[portico.UsageStatus]prometheus.Counter

func (m *Metrics) newUsage() {
	events := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "portico_usage_events_total",
		Help: "Usage events ingested, by outcome (accepted, duplicate, rejected) and how they came (single, batch).",
	}, []string{"outcome", "via"})
	m.registry.MustRegister(events)
	m.usage = usageCounters{}
	for _, via := range []string{ViaSingle, ViaBatch} {
		m.usage[via] = map[portico.UsageStatus]prometheus.Counter{}
		for _, status := range portico.UsageStatus("").Values() {
			m.usage[via][status] = events.WithLabelValues(string(status), via)
		}
	}
}

// UsageEvent counts one event that came in via (ViaSingle, ViaBatch) with
// its outcome.
func (m *Metrics) UsageEvent(via string, status portico.UsageStatus) {
	if m == nil {
		return
	}
	if c, ok := m.usage[via][status]; ok {
		c.Inc()
	}
}

// UsageEvents counts the events of one call that came in via, each with
// its outcome.
func (m *Metrics) UsageEvents(via string, results []portico.UsageResult) {
	if m == nil {
		return
	}
	statuses := portico.UsageStatus("").Values()
	n := make([]int, len(statuses))
	for _, r := range results {
		for i, s := range statuses {
			if r.Status == s {
				n[i]++
			}
		}
	}
	for i, s := range statuses {
		if c, ok := m.usage[via][s]; ok && n[i] > 0 {
			c.Add(float64(n[i]))
		}
	}
}
