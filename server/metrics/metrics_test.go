package metrics_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/metrics"
	"github.com/portico-dev/portico/server/metrics/metricstest"
)

type labels = metricstest.Labels

func read(t *testing.T, m *metrics.Metrics, name string, l labels) metricstest.Sample {
	t.Helper()
	return metricstest.Read(t, m.Gatherer(), name, l)
}

// scrape is what the metrics handler serves.
func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler(nil).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("scrape: %d %s", rec.Code, rec.Body)
	}
	return rec.Body.String()
}

// Requests count by the pattern that took them, the innermost mux's when
// muxes nest, never by the path; what no pattern took, and the API's own
// "not found" route, count as "other".
func TestRequestsCountByRoutePatternAndStatus(t *testing.T) {
	m := metrics.New()
	api := http.NewServeMux()
	api.HandleFunc("GET /api/v1/customers/{id}/entitlements", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") == "nobody" {
			http.Error(w, "no such customer", http.StatusNotFound)
			return
		}
		io.WriteString(w, "[]")
	})
	api.HandleFunc("/api/", http.NotFound)
	outer := http.NewServeMux()
	outer.Handle("/", api)
	outer.HandleFunc("GET /portal", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	h := m.Instrument(outer, "/api/")

	for _, req := range []struct{ method, path string }{
		{"GET", "/api/v1/customers/ada/entitlements"}, {"GET", "/api/v1/customers/grace/entitlements"},
		{"GET", "/api/v1/customers/nobody/entitlements"}, {"POST", "/api/v1/customers/ada/entitlements"},
		{"GET", "/api/v1/nope"}, {"GET", "/nothing/here"}, {"GET", "/portal"},
	} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(req.method, req.path, nil))
	}

	route := "GET /api/v1/customers/{id}/entitlements"
	want := map[[2]string]float64{
		{route, "200"}: 2, {route, "404"}: 1, {"other", "404"}: 3, {"GET /portal", "204"}: 1,
	}
	for k, n := range want {
		if got := read(t, m, "portico_http_requests_total", labels{"route": k[0], "code": k[1]}).Value; got != n {
			t.Errorf("requests{route=%q,code=%s} = %v, want %v", k[0], k[1], got, n)
		}
	}
	if got := read(t, m, "portico_http_request_duration_seconds", labels{"route": route}).Count; got != 3 {
		t.Errorf("%s timed %v times, want 3", route, got)
	}
	text := scrape(t, m)
	for _, path := range []string{"/api/v1/customers/ada", "/nothing/here", "/api/v1/nope"} {
		if strings.Contains(text, path) {
			t.Errorf("the scrape names the path %s:\n%s", path, text)
		}
	}
}

// Without metrics the handler is the one given: nothing is added to a
// request's path.
func TestNilMetricsLeaveHandlersAsTheyAre(t *testing.T) {
	var m *metrics.Metrics
	h := http.NewServeMux()
	if got := m.Instrument(h); got != http.Handler(h) {
		t.Error("Instrument on nil metrics wrapped the handler")
	}
	if rt := m.BillingTransport("stripe", nil, http.DefaultTransport); rt != http.DefaultTransport {
		t.Error("BillingTransport on nil metrics wrapped the transport")
	}
	// None of these may panic.
	m.UsageEvent(metrics.ViaSingle, portico.UsageAccepted)
	m.UsageEvents(metrics.ViaBatch, []portico.UsageResult{{Status: portico.UsageAccepted}})
	m.SchedulerRan([]time.Duration{time.Second}, nil)
	m.BillingReport("usage", true)
	m.WebhookDelivery(metrics.WebhookDelivered, time.Second)
	m.WebhookBacklog(func() (int, error) { return 1, nil })
}

func TestUsageEventsCountByOutcomeAndWay(t *testing.T) {
	m := metrics.New()
	m.UsageEvent(metrics.ViaSingle, portico.UsageAccepted)
	m.UsageEvent(metrics.ViaSingle, portico.UsageRejected)
	m.UsageEvents(metrics.ViaBatch, []portico.UsageResult{
		{Status: portico.UsageAccepted}, {Status: portico.UsageDuplicate}, {Status: portico.UsageAccepted},
		{Status: portico.UsageRejected}, {Status: portico.UsageAccepted},
	})
	want := map[[2]string]float64{
		{"accepted", "single"}: 1, {"duplicate", "single"}: 0, {"rejected", "single"}: 1,
		{"accepted", "batch"}: 3, {"duplicate", "batch"}: 1, {"rejected", "batch"}: 1,
	}
	for k, n := range want {
		s := read(t, m, "portico_usage_events_total", labels{"outcome": k[0], "via": k[1]})
		if !s.Found || s.Value != n {
			t.Errorf("usage events{outcome=%s,via=%s} = %+v, want %v (served from the start, at 0)", k[0], k[1], s, n)
		}
	}
}

// roundTrip answers a request as the test says.
type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestBillingCallsCountByEndpointAndOutcome(t *testing.T) {
	m := metrics.New()
	answers := map[string]int{"/v1/customers/cus_1": 200, "/v1/customers/cus_2": 402, "/v1/balance": 503}
	next := roundTrip(func(r *http.Request) (*http.Response, error) {
		code, ok := answers[r.URL.Path]
		if !ok {
			return nil, errors.New("connection refused")
		}
		return &http.Response{StatusCode: code, Body: http.NoBody, Request: r}, nil
	})
	endpoint := func(r *http.Request) string {
		if strings.HasPrefix(r.URL.Path, "/v1/customers/") {
			return "/v1/customers/{id}"
		}
		return r.URL.Path
	}
	client := &http.Client{Transport: m.BillingTransport("stripe", endpoint, next)}
	for _, path := range []string{"/v1/customers/cus_1", "/v1/customers/cus_1", "/v1/customers/cus_2", "/v1/balance", "/v1/invoices"} {
		res, err := client.Get("http://billing.invalid" + path)
		if err == nil {
			res.Body.Close()
		}
	}
	want := []struct {
		endpoint, outcome string
		n                 float64
	}{
		{"/v1/customers/{id}", "ok", 2}, {"/v1/customers/{id}", "client_error", 1},
		{"/v1/balance", "server_error", 1}, {"/v1/invoices", "no_answer", 1},
	}
	for _, w := range want {
		l := labels{"provider": "stripe", "method": "GET", "endpoint": w.endpoint, "outcome": w.outcome}
		if got := read(t, m, "portico_billing_requests_total", l).Value; got != w.n {
			t.Errorf("billing requests %v = %v, want %v", l, got, w.n)
		}
	}
	if got := read(t, m, "portico_billing_request_duration_seconds", labels{"endpoint": "/v1/customers/{id}"}).Count; got != 3 {
		t.Errorf("customer calls timed %v times, want 3", got)
	}
}

func TestBillingReportsCountSentAndFailed(t *testing.T) {
	m := metrics.New()
	m.BillingReport("usage", true)
	m.BillingReport("usage", true)
	m.BillingReport("usage", false)
	m.BillingReport("topup", false)
	for _, c := range []struct {
		kind, outcome string
		n             float64
	}{{"usage", "sent", 2}, {"usage", "failed", 1}, {"topup", "failed", 1}, {"topup", "sent", 0}} {
		if got := read(t, m, "portico_billing_reports_total", labels{"kind": c.kind, "outcome": c.outcome}).Value; got != c.n {
			t.Errorf("reports{kind=%s,outcome=%s} = %v, want %v", c.kind, c.outcome, got, c.n)
		}
	}
}

func TestSchedulerLagAndLastRun(t *testing.T) {
	m := metrics.New()
	if s := read(t, m, "portico_scheduler_last_run_timestamp_seconds", nil); s.Value != 0 {
		t.Errorf("last run before any = %v, want 0", s.Value)
	}
	before := time.Now()
	m.SchedulerRan([]time.Duration{20 * time.Second, 100 * time.Second}, nil)
	after := time.Now()
	lag := read(t, m, "portico_scheduler_lag_seconds", nil)
	if lag.Count != 2 || lag.Sum != 120 {
		t.Errorf("lag: %v changes, %v s in all; want 2 and 120", lag.Count, lag.Sum)
	}
	last := read(t, m, "portico_scheduler_last_run_timestamp_seconds", nil).Value
	if last < float64(before.Unix()) || last > float64(after.Unix()+1) {
		t.Errorf("last run at %v, want between %d and %d", last, before.Unix(), after.Unix())
	}

	// A failed round counts what it applied, but is not a run that went
	// through.
	m.SchedulerRan([]time.Duration{time.Hour}, errors.New("store unavailable"))
	if got := read(t, m, "portico_scheduler_last_run_timestamp_seconds", nil).Value; got != last {
		t.Errorf("a failed round moved the last run from %v to %v", last, got)
	}
	if lag := read(t, m, "portico_scheduler_lag_seconds", nil); lag.Count != 3 || lag.Sum != 3720 {
		t.Errorf("lag after the failed round: %v changes, %v s; want 3 and 3720", lag.Count, lag.Sum)
	}
	for outcome, n := range map[string]float64{"ok": 1, "error": 1} {
		if got := read(t, m, "portico_scheduler_runs_total", labels{"outcome": outcome}).Value; got != n {
			t.Errorf("runs{outcome=%s} = %v, want %v", outcome, got, n)
		}
	}
}

func TestWebhookDeliveriesByOutcome(t *testing.T) {
	m := metrics.New()
	m.WebhookDelivery(metrics.WebhookDelivered, 30*time.Millisecond)
	m.WebhookDelivery(metrics.WebhookDelivered, 50*time.Millisecond)
	m.WebhookDelivery(metrics.WebhookFailed, 5*time.Second)
	m.WebhookDelivery("connect: connection refused to https://hooks.example.com", time.Second)
	for outcome, n := range map[string]float64{"delivered": 2, "failed": 1, "abandoned": 0, "other": 1} {
		if got := read(t, m, "portico_webhook_deliveries_total", labels{"outcome": outcome}).Value; got != n {
			t.Errorf("deliveries{outcome=%s} = %v, want %v", outcome, got, n)
		}
	}
	if d := read(t, m, "portico_webhook_delivery_duration_seconds", labels{"outcome": "delivered"}); d.Count != 2 || d.Sum < 0.079 || d.Sum > 0.081 {
		t.Errorf("delivered timed %v times, %v s in all; want 2 and 0.08", d.Count, d.Sum)
	}
	if strings.Contains(scrape(t, m), "hooks.example.com") {
		t.Error("an unknown outcome became a label value")
	}
}

// The backlog gauge is served once the delivery worker says how to count
// it, read at each scrape; a count that fails leaves the gauge out of the
// scrape and the rest is served.
func TestWebhookBacklogIsReadAtEachScrape(t *testing.T) {
	m := metrics.New()
	if strings.Contains(scrape(t, m), "\nportico_webhook_backlog ") {
		t.Error("the backlog is served before the worker set how to count it")
	}
	n, fail := 7, false
	m.WebhookBacklog(func() (int, error) {
		if fail {
			return 0, errors.New("store unavailable")
		}
		return n, nil
	})
	if !strings.Contains(scrape(t, m), "\nportico_webhook_backlog 7\n") {
		t.Error("the backlog of 7 is not served")
	}
	n = 3
	if !strings.Contains(scrape(t, m), "\nportico_webhook_backlog 3\n") {
		t.Error("the backlog is not read again at the next scrape")
	}
	fail = true
	text := scrape(t, m)
	if strings.Contains(text, "\nportico_webhook_backlog ") || !strings.Contains(text, "\ngo_goroutines ") {
		t.Errorf("with the count failing, the scrape should leave out the backlog and serve the rest:\n%s", text)
	}
}

// Go's runtime and the process are served beside Portico's own metrics.
func TestRuntimeAndProcessCollectors(t *testing.T) {
	text := scrape(t, metrics.New())
	for _, name := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "process_resident_memory_bytes", "process_cpu_seconds_total"} {
		if !strings.Contains(text, "\n"+name+" ") {
			t.Errorf("the scrape lacks %s", name)
		}
	}
}
