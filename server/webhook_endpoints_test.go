package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/webhooks"
)

const endpointsPath = "/api/v1/webhook-endpoints"

// addEndpoint adds a webhook endpoint through the backend API.
func (h *harness) addEndpoint(body any) portico.WebhookEndpointView {
	h.t.Helper()
	r := h.backend(http.MethodPost, endpointsPath, body)
	expectStatus(h.t, r, http.StatusCreated)
	return decodeAs[portico.WebhookEndpointView](h.t, r)
}

func (h *harness) deliveries(endpointID string) []portico.WebhookDelivery {
	h.t.Helper()
	r := h.backend(http.MethodGet, endpointsPath+"/"+endpointID+"/deliveries", nil)
	expectStatus(h.t, r, http.StatusOK)
	return decodeAs[portico.WebhookDeliveryList](h.t, r).Deliveries
}

// An endpoint is created with its secret shown once: lists and reads
// never show it again. Thresholds default to 80 and 100 %; deleting it
// makes it unknown.
func TestWebhookEndpointLifecycle(t *testing.T) {
	h := newHarness(t)
	ep := h.addEndpoint(map[string]any{"url": "https://hooks.example.com/portico", "events": []string{"*"}})
	if !strings.HasPrefix(ep.ID, "we_") || !strings.HasPrefix(ep.Secret, "whsec_") || len(ep.Secret) < 40 ||
		ep.URL != "https://hooks.example.com/portico" || !slices.Equal(ep.Events, []portico.EventType{"*"}) ||
		!slices.Equal(ep.UsageThresholds, []int{80, 100}) || !ep.CreatedAt.Equal(t0) || ep.FailingSince != nil {
		t.Fatalf("created %+v", ep)
	}
	h.clock.Advance(time.Second)
	other := h.addEndpoint(map[string]any{"url": "http://127.0.0.1:9000/hook", "description": "billing service",
		"events": []string{"subscription.updated", "entitlement.usage_threshold"}, "usageThresholds": []int{100, 50}})
	if other.Secret == ep.Secret || other.Description != "billing service" || !slices.Equal(other.UsageThresholds, []int{50, 100}) {
		t.Errorf("second endpoint %+v", other)
	}

	r := h.backend(http.MethodGet, endpointsPath, nil)
	expectStatus(t, r, http.StatusOK)
	if strings.Contains(string(r.Body), "whsec_") || !strings.Contains(string(r.Body), `"failingSince":null`) {
		t.Errorf("the list shows a secret or no failingSince: %s", r.Body)
	}
	list := decodeAs[portico.WebhookEndpointList](t, r).Endpoints
	if len(list) != 2 || list[0].ID != ep.ID || list[1].ID != other.ID {
		t.Errorf("listed %+v", list)
	}
	r = h.backend(http.MethodGet, endpointsPath+"/"+ep.ID, nil)
	expectStatus(t, r, http.StatusOK)
	if got := decodeAs[portico.WebhookEndpointView](t, r); got.Secret != "" || got.ID != ep.ID || got.URL != ep.URL {
		t.Errorf("read back %+v", got)
	}

	r = h.backend(http.MethodDelete, endpointsPath+"/"+ep.ID, nil)
	if r.Status != http.StatusNoContent || len(r.Body) != 0 {
		t.Fatalf("%s: want 204 without a body", r)
	}
	expectProblem(t, h.backend(http.MethodGet, endpointsPath+"/"+ep.ID, nil), http.StatusNotFound)
	expectProblem(t, h.backend(http.MethodDelete, endpointsPath+"/"+ep.ID, nil), http.StatusNotFound)
	list = decodeAs[portico.WebhookEndpointList](t, h.backend(http.MethodGet, endpointsPath, nil)).Endpoints
	if len(list) != 1 || list[0].ID != other.ID {
		t.Errorf("after the delete: %+v", list)
	}
}

// A bad endpoint is refused with a 422 naming each field at fault, and
// nothing is created.
func TestWebhookEndpointRefusedByField(t *testing.T) {
	h := newHarness(t)
	good := func() map[string]any {
		return map[string]any{"url": "https://hooks.example.com/x", "events": []string{"customer.created"}}
	}
	with := func(k string, v any) map[string]any { b := good(); b[k] = v; return b }
	for _, c := range []struct {
		body  any
		field string
	}{
		{with("url", "ftp://hooks.example.com/x"), "url"},
		{with("url", "/relative/path"), "url"},
		{with("url", ""), "url"},
		{with("url", "https://"+strings.Repeat("a", 2000)+".example.com"), "url"},
		{with("events", []string{}), "events"},
		{with("events", nil), "events"},
		{with("events", []string{"customer.created", "invoice.paid"}), "events[1]"},
		{with("events", []string{"customer.created", "customer.created"}), "events"},
		{with("events", []string{"*", "customer.created"}), "events"},
		{with("usageThresholds", []int{0}), "usageThresholds[0]"},
		{with("usageThresholds", []int{80, 101}), "usageThresholds[1]"},
		{with("usageThresholds", []int{80, 80}), "usageThresholds"},
		{with("usageThresholds", []int{}), "usageThresholds"},
		{with("usageThresholds", []any{50.5}), "usageThresholds[0]"},
		{with("description", strings.Repeat("d", 501)), "description"},
		{with("secret", "whsec_mine"), "secret"},
	} {
		expectProblem(t, h.backend(http.MethodPost, endpointsPath, c.body), http.StatusUnprocessableEntity, c.field)
	}
	list := decodeAs[portico.WebhookEndpointList](t, h.backend(http.MethodGet, endpointsPath, nil)).Endpoints
	if len(list) != 0 {
		t.Errorf("refused requests created %+v", list)
	}
}

// The API is the backend's: no key, a wrong key or a portal session is
// refused.
func TestWebhookEndpointsNeedTheSecretKey(t *testing.T) {
	h := newHarness(t)
	h.createCustomer("ada", false)
	portal := h.session("ada", "", "")
	for _, token := range []string{"", "sk_wrong", portal} {
		r := h.do(http.MethodPost, endpointsPath, token, map[string]any{"url": "https://x.example.com", "events": []string{"*"}})
		if r.Status != http.StatusUnauthorized && r.Status != http.StatusForbidden {
			t.Errorf("%s: want 401 or 403", r)
		}
		if r := h.do(http.MethodGet, endpointsPath, token, nil); r.Status != http.StatusUnauthorized && r.Status != http.StatusForbidden {
			t.Errorf("%s: want 401 or 403", r)
		}
	}
}

// A change after an endpoint is added is a pending delivery to it (and
// only to the endpoints that take its type), newest first; a retry of
// an unknown event or endpoint is a 404.
func TestWebhookDeliveriesListed(t *testing.T) {
	h := newHarness(t)
	all := h.addEndpoint(map[string]any{"url": "https://a.example.com", "events": []string{"*"}})
	subs := h.addEndpoint(map[string]any{"url": "https://b.example.com", "events": []string{"subscription.created"}})
	h.createCustomer("ada", false)
	h.change("ada", map[string]any{"planId": planBasic})

	ds := h.deliveries(all.ID)
	types := []portico.EventType{}
	for _, d := range ds {
		types = append(types, d.Type)
		if d.Status != portico.DeliveryPending || d.Attempts != 0 || d.LastStatusCode != 0 || d.NextAttemptAt == nil ||
			!strings.HasPrefix(d.EventID, "evt_") || !d.CreatedAt.Equal(t0) {
			t.Errorf("delivery %+v", d)
		}
	}
	if len(ds) < 3 || types[len(types)-1] != portico.EventCustomerCreated || !slices.Contains(types, portico.EventSubscriptionCreated) {
		t.Errorf("deliveries to the catch-all endpoint, newest first: %v", types)
	}
	if got := h.deliveries(subs.ID); len(got) != 1 || got[0].Type != portico.EventSubscriptionCreated {
		t.Errorf("deliveries to the subscription.created endpoint: %+v", got)
	}
	r := h.backend(http.MethodGet, endpointsPath+"/"+all.ID+"/deliveries?limit=1", nil)
	if got := decodeAs[portico.WebhookDeliveryList](t, r).Deliveries; len(got) != 1 || got[0].EventID != ds[0].EventID {
		t.Errorf("limit=1: %+v", got)
	}
	expectProblem(t, h.backend(http.MethodGet, endpointsPath+"/"+all.ID+"/deliveries?limit=0", nil), http.StatusUnprocessableEntity, "limit")
	expectProblem(t, h.backend(http.MethodGet, endpointsPath+"/we_nope/deliveries", nil), http.StatusNotFound)
	expectProblem(t, h.backend(http.MethodPost, endpointsPath+"/"+all.ID+"/deliveries/evt_nope/retry", nil), http.StatusNotFound)
	expectProblem(t, h.backend(http.MethodPost, endpointsPath+"/we_nope/deliveries/"+ds[0].EventID+"/retry", nil), http.StatusNotFound)
	// An event the endpoint does not take has no delivery to it.
	expectProblem(t, h.backend(http.MethodPost, endpointsPath+"/"+subs.ID+"/deliveries/"+ds[len(ds)-1].EventID+"/retry", nil), http.StatusNotFound)
}

// hookReceiver is the host's endpoint in a test: it checks each delivery's
// signature against the secrets it is given and answers status().
type hookReceiver struct {
	t       *testing.T
	hs      *httptest.Server
	mu      sync.Mutex
	secrets []string
	status  int
	got     []portico.Event
	bad     int
}

func newHookReceiver(t *testing.T) *hookReceiver {
	rc := &hookReceiver{t: t, status: http.StatusOK}
	rc.hs = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		defer rc.mu.Unlock()
		for _, s := range rc.secrets {
			if err := webhooks.Verify(r.Header.Get(webhooks.SignatureHeader), body, s, 5*time.Minute, time.Now()); err != nil {
				rc.bad++
				w.WriteHeader(http.StatusBadRequest)
				return
			}
		}
		if rc.status/100 == 2 {
			var e portico.Event
			_ = json.Unmarshal(body, &e)
			rc.got = append(rc.got, e)
		}
		w.WriteHeader(rc.status)
	}))
	t.Cleanup(rc.hs.Close)
	return rc
}

func (rc *hookReceiver) set(status int, secrets ...string) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.status, rc.secrets = status, secrets
}

// runSender sends the harness's deliveries until the test ends.
func (h *harness) runSender() *webhooks.Sender {
	s := webhooks.New(h.srv.Store, webhooks.Options{Clock: h.clock, PollEvery: 10 * time.Millisecond, FirstRetry: time.Second})
	h.srv.Engine.OnEvents(s.Wake)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	h.t.Cleanup(func() { cancel(); <-done })
	return s
}

// waitFor polls the backend API until ok holds.
func (h *harness) waitFor(what string, ok func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			h.t.Fatalf("waited 5 s for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// With a sender running: deliveries are signed with the secret the API
// gave; an endpoint that fails shows failingSince until it succeeds again;
// a retry sends a delivered event again; after a rotation the old and the
// new secret both verify, for 24 hours.
func TestWebhookEndpointDeliveredThroughTheAPI(t *testing.T) {
	h := newHarness(t)
	rc := newHookReceiver(t)
	ep := h.addEndpoint(map[string]any{"url": rc.hs.URL, "events": []string{"customer.created", "customer.updated"}})
	rc.set(http.StatusOK, ep.Secret)
	h.runSender()

	h.createCustomer("ada", false)
	h.waitFor("ada's customer.created", func() bool {
		ds := h.deliveries(ep.ID)
		return len(ds) == 1 && ds[0].Status == portico.DeliveryDelivered
	})

	rc.set(http.StatusServiceUnavailable, ep.Secret)
	h.createCustomer("grace", false)
	var failing *time.Time
	h.waitFor("the endpoint marked failing", func() bool {
		r := h.backend(http.MethodGet, endpointsPath+"/"+ep.ID, nil)
		failing = decodeAs[portico.WebhookEndpointView](t, r).FailingSince
		return failing != nil
	})
	if !failing.Equal(t0) {
		t.Errorf("failing since %s, want the clock's %s", failing, t0)
	}
	d := h.deliveries(ep.ID)[0]
	if d.Status != portico.DeliveryPending || d.Attempts != 1 || d.LastStatusCode != 503 || d.NextAttemptAt == nil {
		t.Errorf("failed delivery %+v", d)
	}
	rc.set(http.StatusOK, ep.Secret)
	h.clock.Advance(time.Minute) // past the retry's backoff
	h.waitFor("grace's customer.created delivered on retry", func() bool {
		return h.deliveries(ep.ID)[0].Status == portico.DeliveryDelivered
	})
	r := h.backend(http.MethodGet, endpointsPath+"/"+ep.ID, nil)
	if f := decodeAs[portico.WebhookEndpointView](t, r).FailingSince; f != nil {
		t.Errorf("still failing since %s after a delivery", f)
	}

	ada := h.deliveries(ep.ID)[1]
	r = h.backend(http.MethodPost, endpointsPath+"/"+ep.ID+"/deliveries/"+ada.EventID+"/retry", nil)
	expectStatus(t, r, http.StatusAccepted)
	h.waitFor("ada's event sent again", func() bool {
		d := h.deliveries(ep.ID)[1]
		return d.Attempts == 2 && d.Status == portico.DeliveryDelivered
	})

	r = h.backend(http.MethodPost, endpointsPath+"/"+ep.ID+"/rotate-secret", nil)
	expectStatus(t, r, http.StatusOK)
	rotated := decodeAs[portico.WebhookEndpointView](t, r)
	if !strings.HasPrefix(rotated.Secret, "whsec_") || rotated.Secret == ep.Secret ||
		rotated.PreviousSecretExpires == nil || !rotated.PreviousSecretExpires.Equal(h.clock.Now().Add(24*time.Hour)) {
		t.Fatalf("rotated: %+v", rotated)
	}
	rc.set(http.StatusOK, ep.Secret, rotated.Secret) // both must verify
	h.backend(http.MethodPost, "/api/v1/customers", map[string]string{"id": "alan"})
	h.waitFor("alan's event, signed with both secrets", func() bool {
		return h.deliveries(ep.ID)[0].Status == portico.DeliveryDelivered
	})
	h.clock.Advance(25 * time.Hour)
	rc.set(http.StatusOK, rotated.Secret)
	h.backend(http.MethodPost, "/api/v1/customers", map[string]string{"id": "linus"})
	h.waitFor("linus's event, signed with the new secret", func() bool {
		return h.deliveries(ep.ID)[0].Status == portico.DeliveryDelivered
	})
	r = h.backend(http.MethodGet, endpointsPath+"/"+ep.ID, nil)
	if v := decodeAs[portico.WebhookEndpointView](t, r); v.PreviousSecretExpires != nil || v.Secret != "" {
		t.Errorf("after the grace period: %+v", v)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.bad != 0 {
		t.Errorf("%d deliveries failed the signature check", rc.bad)
	}
}

// The console manages endpoints through its own API, with its session.
func TestConsoleManagesWebhookEndpoints(t *testing.T) {
	h := newHarness(t)
	c := h.signIn(secretKey)
	r := h.do(http.MethodPost, "/console/api/webhook-endpoints", "", map[string]any{"url": "https://x.example.com", "events": []string{"*"}}, asConsole(c)...)
	expectStatus(t, r, http.StatusCreated)
	ep := decodeAs[portico.WebhookEndpointView](t, r)
	r = h.do(http.MethodGet, "/console/api/webhook-endpoints", "", nil, cookieHeader(c)...)
	if list := decodeAs[portico.WebhookEndpointList](t, r).Endpoints; len(list) != 1 || list[0].ID != ep.ID {
		t.Errorf("console list: %s", r)
	}
	r = h.do(http.MethodDelete, "/console/api/webhook-endpoints/"+ep.ID, "", nil, cookieHeader(c)...)
	expectProblem(t, r, http.StatusForbidden)
	r = h.do(http.MethodDelete, "/console/api/webhook-endpoints/"+ep.ID, "", nil, asConsole(c)...)
	if r.Status != http.StatusNoContent {
		t.Errorf("%s: want 204", r)
	}
}

// Every event is written once per endpoint: the endpoints are bounded, and
// one more than the bound is refused until one is deleted.
func TestWebhookEndpointsAreBounded(t *testing.T) {
	h := newHarness(t)
	var last portico.WebhookEndpointView
	for range 20 {
		last = h.addEndpoint(map[string]any{"url": "https://x.example.com", "events": []string{"*"}})
	}
	body := map[string]any{"url": "https://y.example.com", "events": []string{"*"}}
	p := expectProblem(t, h.backend(http.MethodPost, endpointsPath, body), http.StatusConflict)
	if !strings.Contains(p.Detail, "delete one first") {
		t.Errorf("the refusal does not say what to do: %q", p.Detail)
	}
	h.backend(http.MethodDelete, endpointsPath+"/"+last.ID, nil)
	h.addEndpoint(body)
}
