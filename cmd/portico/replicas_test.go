package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// Two servers on one PostgreSQL database, with the demo:
// one backend key and one portal session secret (generated once, kept in
// the database), one test clock, one set of idempotency records.
func TestReplicasOnPostgreSQLShareKeysClockAndRecords(t *testing.T) {
	t.Setenv("PORTICO_DATABASE_URL", pgtest.URL(t))
	t.Setenv("PORTICO_DATA", t.TempDir())
	t.Setenv("PORTICO_ADDR", "127.0.0.1:0")
	t.Setenv("PORTICO_DEMO", "1")
	t.Setenv("PORTICO_TEST_CLOCK", "1")
	t.Setenv("PORTICO_SCHEDULER_INTERVAL", "200ms")
	// One after the other: two servers in one test process share the
	// page packages' settings (make reliability starts replicas together,
	// each in its own process).
	a := startServe(t)
	b := startServe(t)
	defer a.stop()
	defer b.stop()
	key := a.Key + b.Key // exactly one of them generated it
	if key == "" || (a.Key != "" && b.Key != "") {
		t.Fatalf("generated keys %q and %q, want exactly one", a.Key, b.Key)
	}

	for id, u := range a.Portals {
		_, token := splitPortalURL(u)
		var v struct{ Customer struct{ ID string } }
		if status := call(t, "GET", b.URL+"/api/v1/portal", token, nil, &v); status != 200 || v.Customer.ID != id {
			t.Errorf("%s's portal session from one replica on the other: %d, customer %q", id, status, v.Customer.ID)
		}
	}
	for _, base := range []string{a.URL, b.URL} {
		if status := call(t, "GET", base+"/api/v1/customers/grace", key, nil, nil); status != 200 {
			t.Errorf("the backend key on %s: %d", base, status)
		}
	}

	var moved portico.TestClockView
	if status := call(t, "POST", a.URL+"/api/v1/test-clock/advance", key, map[string]string{"by": "40d"}, &moved); status != 200 {
		t.Fatalf("advance: %d", status)
	}
	var seen portico.TestClockView
	call(t, "GET", b.URL+"/api/v1/test-clock", key, nil, &seen)
	if d := seen.Now.Sub(moved.Now); d < 0 || d > 5*time.Second {
		t.Errorf("the other replica's clock is at %s, the advanced one at %s", seen.Now, moved.Now)
	}

	usage := func(base string) int {
		body, _ := json.Marshal(map[string]any{"customerId": "barbara", "featureId": "api-calls", "value": 5})
		req, _ := http.NewRequest("POST", base+"/api/v1/usage", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Idempotency-Key", "report-1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	before := apiCalls(t, a.URL, key)
	// Ten repeats of one keyed report at once, half through each replica.
	statuses := make(chan int, 10)
	for i := range 10 {
		go func() { statuses <- usage([]string{a.URL, b.URL}[i%2]) }()
	}
	for range 10 {
		if s := <-statuses; s >= 300 {
			t.Errorf("a repeat of a keyed report answered %d", s)
		}
	}
	if after := apiCalls(t, b.URL, key); after != before+5 {
		t.Errorf("API calls %d → %d after one report sent ten times at once through two replicas, want +5", before, after)
	}
}

// apiCalls is barbara's API-call usage.
func apiCalls(t *testing.T, base, key string) int64 {
	t.Helper()
	var ents []portico.EntitlementView
	if status := call(t, "GET", base+"/api/v1/customers/barbara/entitlements", key, nil, &ents); status != 200 {
		t.Fatalf("entitlements: %d", status)
	}
	for _, e := range ents {
		if e.FeatureID == "api-calls" {
			return e.Usage
		}
	}
	t.Fatal("barbara has no api-calls entitlement")
	return 0
}
