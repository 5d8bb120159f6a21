package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/internal/spawn"
	"github.com/portico-dev/portico/server/webhooks"
)

// The built binary, with the demo catalog: a host adds an endpoint through
// the API, creates a customer and changes its subscription; the events
// arrive signed with the secret the API gave, in the order they happened.
func TestServeSendsSignedWebhooksInOrder(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := filepath.Join(t.TempDir(), "portico")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	const key = "sk_test_webhooks_0123456789"
	var mu sync.Mutex
	var secret string
	var got []portico.Event
	arrived := make(chan struct{}, 100)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if err := webhooks.Verify(r.Header.Get("Portico-Signature"), body, secret, time.Minute, time.Now()); err != nil {
			t.Errorf("delivery %s: %v", body, err)
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if ua := r.Header.Get("User-Agent"); ua != "Portico-Webhooks/1" {
			t.Errorf("User-Agent %q", ua)
		}
		var e portico.Event
		if err := json.Unmarshal(body, &e); err != nil {
			t.Errorf("delivery %s: %v", body, err)
		}
		got = append(got, e)
		arrived <- struct{}{}
	}))
	defer rcv.Close()

	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "PORTICO_DATA="+t.TempDir(), "PORTICO_DEMO=1", "PORTICO_ADDR=127.0.0.1:0",
		"PORTICO_SECRET_KEY="+key, "PORTICO_WEB="+t.TempDir(), "PORTICO_DATABASE_URL=")
	base, err := spawn.Start(cmd, spawn.PorticoURL)
	if err != nil {
		t.Fatal(err)
	}
	defer spawn.Stop(cmd, 10*time.Second)

	var ep portico.WebhookEndpointView
	if status := call(t, "POST", base+"/api/v1/webhook-endpoints", key,
		map[string]any{"url": rcv.URL, "events": []string{"*"}}, &ep); status != http.StatusCreated {
		t.Fatalf("create the endpoint: %d", status)
	}
	mu.Lock()
	secret = ep.Secret
	mu.Unlock()
	steps := []struct {
		path string
		body any
	}{
		{"/api/v1/customers", map[string]any{"id": "hook-test", "name": "Hook Test"}},
		{"/api/v1/customers/hook-test/subscriptions", map[string]any{"planId": "basic"}},
		{"/api/v1/customers/hook-test/subscriptions", map[string]any{"planId": "pro"}},
	}
	for _, s := range steps {
		if status := call(t, "POST", base+s.path, key, s.body, nil); status >= 300 {
			t.Fatalf("POST %s: %d", s.path, status)
		}
	}

	// Every delivery the endpoint has, oldest first, is what must arrive.
	var list portico.WebhookDeliveryList
	call(t, "GET", base+"/api/v1/webhook-endpoints/"+ep.ID+"/deliveries", key, nil, &list)
	var want []string
	for _, d := range slices.Backward(list.Deliveries) {
		want = append(want, d.EventID)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for range want {
		select {
		case <-arrived:
		case <-ctx.Done():
			t.Fatalf("%d of %d events arrived", len(got), len(want))
		}
	}
	mu.Lock()
	defer mu.Unlock()
	var ids, types []string
	for _, e := range got {
		ids = append(ids, e.ID)
		types = append(types, string(e.Type))
	}
	if !slices.Equal(ids, want) {
		t.Errorf("arrived %v, want %v", ids, want)
	}
	joined := strings.Join(types, " ")
	t.Logf("arrived in order: %s", joined)
	for _, seq := range [][]string{{"customer.created", "subscription.created"}, {"subscription.created", "subscription.updated"}} {
		if a, b := strings.Index(joined, seq[0]), strings.LastIndex(joined, seq[1]); a < 0 || b < 0 || a > b {
			t.Errorf("%s should come before %s: %s", seq[0], seq[1], joined)
		}
	}
}
