package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portico-dev/portico/server/metrics/metricstest"
)

// fakeWeb is a web folder with stand-ins for the built clients, so the
// server serves its pages as in production.
func fakeWeb(t *testing.T) string {
	t.Helper()
	web := t.TempDir()
	for _, name := range []string{"app.wasm", "console.wasm", "designer.wasm"} {
		if err := os.WriteFile(filepath.Join(web, name), []byte("\x00asm"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return web
}

var metricsLine = regexp.MustCompile(`(?m)^Metrics \(Prometheus\): (http://\S+/metrics)$`)

// post sends a JSON body with the backend key and returns the status.
func post(t *testing.T, url, key string, body any) int {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", url, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func get(t *testing.T, url string) int {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// serveWithMetrics starts the demo with metrics on an address of their
// own, and says where to scrape them.
func serveWithMetrics(t *testing.T) (banner, string) {
	t.Helper()
	t.Setenv("PORTICO_DATA", t.TempDir())
	t.Setenv("PORTICO_ADDR", "127.0.0.1:0")
	t.Setenv("PORTICO_DEMO", "1")
	t.Setenv("PORTICO_WEB", fakeWeb(t))
	t.Setenv("PORTICO_METRICS", "127.0.0.1:0")
	b := startServe(t)
	m := metricsLine.FindStringSubmatch(b.text)
	if m == nil {
		b.stop()
		t.Fatalf("the banner does not give the metrics' URL:\n%s", b.text)
	}
	return b, m[1]
}

// With PORTICO_METRICS, the metrics are served on that address alone:
// requests by route pattern and status, usage events by outcome, the
// scheduler's last run, Go's runtime and the process. The public address
// does not serve them.
func TestServeMetricsOnTheirOwnAddress(t *testing.T) {
	b, scrapeURL := serveWithMetrics(t)
	defer b.stop()
	key, api := b.Key, b.URL+"/api/v1"

	if s := call(t, "GET", api+"/customers/barbara/entitlements", key, nil, nil); s != 200 {
		t.Fatalf("entitlements: %d", s)
	}
	if s := call(t, "GET", api+"/customers/nobody/entitlements", key, nil, nil); s != 404 {
		t.Fatalf("an unknown customer's entitlements: %d", s)
	}
	usage := func(feature, key2 string) map[string]any {
		return map[string]any{"customerId": "barbara", "featureId": feature, "value": 1, "idempotencyKey": key2}
	}
	for _, u := range []map[string]any{usage("api-calls", ""), usage("api-calls", "once"), usage("api-calls", "once"), usage("no-such-feature", "")} {
		post(t, api+"/usage", key, u)
	}
	batch := []map[string]any{usage("api-calls", "b-1"), usage("api-calls", "b-1"), usage("", "b-2"), usage("api-calls", "b-3")}
	if s := post(t, api+"/usage/batch", key, map[string]any{"events": batch}); s != 200 {
		t.Fatalf("usage batch: %d", s)
	}
	if s := get(t, b.Portals["barbara"]); s != 200 {
		t.Fatalf("barbara's portal page: %d", s)
	}
	if s := get(t, b.URL+"/no/such/page"); s != 404 {
		t.Errorf("an unknown path: %d", s)
	}
	if s := get(t, b.URL+"/metrics"); s != 404 {
		t.Errorf("the public address answers /metrics with %d, want 404", s)
	}

	scraped := metricstest.Scrape(t, scrapeURL)
	value := func(name string, l metricstest.Labels) float64 {
		return metricstest.Read(t, scraped, name, l).Value
	}
	requests := []struct {
		route, code string
		n           float64
	}{
		{"GET /api/v1/customers/{id}/entitlements", "200", 1},
		{"GET /api/v1/customers/{id}/entitlements", "404", 1},
		{"POST /api/v1/usage", "200", 3},
		{"POST /api/v1/usage", "422", 1},
		{"POST /api/v1/usage/batch", "200", 1},
		{"GET /portal", "200", 1},
		{"other", "404", 2},
	}
	for _, r := range requests {
		if got := value("portico_http_requests_total", metricstest.Labels{"route": r.route, "code": r.code}); got != r.n {
			t.Errorf("requests{route=%q,code=%s} = %v, want %v", r.route, r.code, got, r.n)
		}
	}
	if d := metricstest.Read(t, scraped, "portico_http_request_duration_seconds", metricstest.Labels{"route": "POST /api/v1/usage"}); d.Count != 4 || d.Sum <= 0 {
		t.Errorf("the single usage calls were timed %v times, %v s in all; want 4 times", d.Count, d.Sum)
	}
	events := map[[2]string]float64{
		{"accepted", "single"}: 2, {"duplicate", "single"}: 1, {"rejected", "single"}: 1,
		{"accepted", "batch"}: 2, {"duplicate", "batch"}: 1, {"rejected", "batch"}: 1,
	}
	for k, n := range events {
		if got := value("portico_usage_events_total", metricstest.Labels{"outcome": k[0], "via": k[1]}); got != n {
			t.Errorf("usage events{outcome=%s,via=%s} = %v, want %v", k[0], k[1], got, n)
		}
	}
	for _, name := range []string{"go_goroutines", "process_resident_memory_bytes"} {
		if value(name, nil) <= 0 {
			t.Errorf("%s is not served", name)
		}
	}
	// The scheduler's first round runs as the server starts.
	deadline := time.Now().Add(5 * time.Second)
	for value("portico_scheduler_last_run_timestamp_seconds", nil) == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		scraped = metricstest.Scrape(t, scrapeURL)
	}
	if last := value("portico_scheduler_last_run_timestamp_seconds", nil); time.Since(time.Unix(int64(last), 0)) > time.Minute {
		t.Errorf("the scheduler's last run is at %v, want within the last minute", last)
	}
	res, err := http.Get(scrapeURL)
	if err != nil {
		t.Fatal(err)
	}
	text, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, leak := range []string{"barbara", "/no/such/page", "ps_"} {
		if strings.Contains(string(text), leak) {
			t.Errorf("the metrics name %q: paths or IDs became labels", leak)
		}
	}
}

// PORTICO_METRICS is never the public address, and must be an address.
func TestServeRefusesABadMetricsAddress(t *testing.T) {
	for value, want := range map[string]string{
		"127.0.0.1:8123": "PORTICO_METRICS: must not be PORTICO_ADDR",
		"9464":           "PORTICO_METRICS: must be an address such as 127.0.0.1:9464",
	} {
		_, err := loadConfig(func(name string) string {
			return map[string]string{"PORTICO_ADDR": "127.0.0.1:8123", "PORTICO_METRICS": value}[name]
		})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("PORTICO_METRICS=%s: %v, want an error saying %q", value, err, want)
		}
	}
}

// The webhook sender's attempts are counted by outcome and its backlog
// served: a receiver that answers 500 to the first delivery and 200 to the
// rest shows one retry, then deliveries, and a backlog that drains.
func TestServeCountsWebhookDeliveries(t *testing.T) {
	var calls atomic.Int64
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer receiver.Close()
	b, scrapeURL := serveWithMetrics(t)
	defer b.stop()
	key, api := b.Key, b.URL+"/api/v1"
	if s := post(t, api+"/webhook-endpoints", key, map[string]any{"url": receiver.URL, "events": []string{"customer.created"}}); s != 201 {
		t.Fatalf("adding an endpoint: %d", s)
	}
	if s := post(t, api+"/customers", key, map[string]any{"id": "hook-1", "email": "a@example.com"}); s != 201 {
		t.Fatalf("creating a customer: %d", s)
	}
	// The first attempt fails; the retry comes about 10 s later.
	deadline := time.Now().Add(40 * time.Second)
	var delivered float64
	for time.Now().Before(deadline) {
		scraped := metricstest.Scrape(t, scrapeURL)
		delivered = metricstest.Read(t, scraped, "portico_webhook_deliveries_total", metricstest.Labels{"outcome": "delivered"}).Value
		if delivered >= 1 {
			if f := metricstest.Read(t, scraped, "portico_webhook_deliveries_total", metricstest.Labels{"outcome": "failed"}).Value; f != 1 {
				t.Errorf("failed attempts = %v, want 1", f)
			}
			if bl := metricstest.Read(t, scraped, "portico_webhook_backlog", nil).Value; bl != 0 {
				t.Errorf("backlog after the delivery = %v, want 0", bl)
			}
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("no delivery counted within 40 s (receiver called %d times)", calls.Load())
}
