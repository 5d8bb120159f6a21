package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func (m *Metrics) newScheduler() {
	m.schedulerLag = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "portico_scheduler_lag_seconds",
		Help: "How late the scheduler applied each due change (renewal, trial end, scheduled change): the time it applied it less the time it fell due.",
		// From within the default interval (30 s) to a server that was
		// down for days.
		Buckets: []float64{1, 5, 15, 30, 60, 120, 300, 900, 3600, 6 * 3600, 24 * 3600, 7 * 24 * 3600},
	})
	m.schedulerLastRun = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "portico_scheduler_last_run_timestamp_seconds",
		Help: "When this process's scheduler last applied what was due without an error (Unix time); on several replicas, the one whose turn it was.",
	})
	m.schedulerRuns = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "portico_scheduler_runs_total",
		Help: "Scheduler rounds that looked for due changes in this process, by outcome (ok, error).",
	}, []string{"outcome"})
	m.registry.MustRegister(m.schedulerLag, m.schedulerLastRun, m.schedulerRuns)
}

// SchedulerRan records a round of the scheduler that has just applied what
// was due: late holds, for each change it applied, how long after its due
// time it was applied (by the engine's clock); err is the round's failure,
// if any (the changes in late were applied all the same).
func (m *Metrics) SchedulerRan(late []time.Duration, err error) {
	if m == nil {
		return
	}
	for _, d := range late {
		m.schedulerLag.Observe(d.Seconds())
	}
	if err != nil {
		m.schedulerRuns.WithLabelValues("error").Inc()
		return
	}
	m.schedulerRuns.WithLabelValues("ok").Inc()
	m.schedulerLastRun.Set(float64(time.Now().UnixNano()) / 1e9)
}
