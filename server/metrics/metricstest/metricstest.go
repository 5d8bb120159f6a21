// Package metricstest reads the values of a metrics registry, for tests.
package metricstest

import (
	"net/http"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Labels select one series: every label named must have the value given.
type Labels map[string]string

// Sample is one series' value: a counter's or gauge's value, or a
// histogram's count and sum.
type Sample struct {
	Value, Count, Sum float64
	Found             bool
}

// Read is the series of the family name whose labels include want; a
// series not found reads as zero with Found false.
func Read(t *testing.T, g prometheus.Gatherer, name string, want Labels) Sample {
	t.Helper()
	families, err := g.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			if matches(m, want) {
				return sample(m)
			}
		}
	}
	return Sample{}
}

func matches(m *dto.Metric, want Labels) bool {
	found := 0
	for _, l := range m.GetLabel() {
		if v, ok := want[l.GetName()]; ok {
			if v != l.GetValue() {
				return false
			}
			found++
		}
	}
	return found == len(want)
}

func sample(m *dto.Metric) Sample {
	s := Sample{Found: true}
	switch {
	case m.Counter != nil:
		s.Value = m.Counter.GetValue()
	case m.Gauge != nil:
		s.Value = m.Gauge.GetValue()
	case m.Histogram != nil:
		s.Count, s.Sum = float64(m.Histogram.GetSampleCount()), m.Histogram.GetSampleSum()
	}
	return s
}

// Scrape reads what url serves, as Prometheus would (in its text format),
// for Read: a test of a running server reads what it serves.
func Scrape(t *testing.T, url string) prometheus.Gatherer {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatalf("scrape %s: %v", url, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("scrape %s: %s", url, res.Status)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(res.Body)
	if err != nil {
		t.Fatalf("scrape %s: %v", url, err)
	}
	var all []*dto.MetricFamily
	for _, f := range families {
		all = append(all, f)
	}
	return prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) { return all, nil })
}
