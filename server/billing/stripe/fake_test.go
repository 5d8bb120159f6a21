package stripebilling_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/server/billing"
	stripebilling "github.com/portico-dev/portico/server/billing/stripe"
)

const (
	testKey    = "sk_test_portico"
	testSecret = "whsec_portico_test"
)

// sent is one request the fake Stripe received.
type sent struct {
	Method, Path string
	// Form holds the query of a GET and the form body of other methods.
	Form   url.Values
	Header http.Header
}

func (s sent) key() string { return s.Header.Get("Idempotency-Key") }

// reply is what a fake route answers: a status and a JSON body.
type reply struct {
	status int
	body   any
}

func ok(body any) reply { return reply{http.StatusOK, body} }

// stripeError is Stripe's error body.
func stripeError(status int, typ, code, msg string) reply {
	return reply{status, map[string]any{"error": map[string]any{"type": typ, "code": code, "message": msg}}}
}

// fakeStripe is an httptest server standing in for Stripe behind
// BackendConfig.URL. It records what Portico sends and answers from routes
// ("METHOD /v1/path/{id}"), which tests override.
type fakeStripe struct {
	t   *testing.T
	srv *httptest.Server

	mu     sync.Mutex
	sent   []sent
	routes map[string]func(sent) reply
	// hang makes every request wait until the client gives up.
	hang bool
}

func newFake(t *testing.T) *fakeStripe {
	f := &fakeStripe{t: t, routes: map[string]func(sent) reply{}}
	f.defaults()
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeStripe) on(route string, fn func(sent) reply) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.routes[route] = fn
}

// reply sets a fixed answer for a route.
func (f *fakeStripe) reply(route string, r reply) { f.on(route, func(sent) reply { return r }) }

func (f *fakeStripe) hangAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hang = true
}

// requests returns what was sent to a route, or everything for "".
func (f *fakeStripe) requests(route string) []sent {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []sent
	for _, s := range f.sent {
		if route == "" || matches(route, s.Method, s.Path) {
			out = append(out, s)
		}
	}
	return out
}

// only returns the one request sent to a route, failing otherwise.
func (f *fakeStripe) only(route string) sent {
	f.t.Helper()
	reqs := f.requests(route)
	if len(reqs) != 1 {
		f.t.Fatalf("%s: %d requests, want 1 (all sent: %s)", route, len(reqs), f.summary())
	}
	return reqs[0]
}

func (f *fakeStripe) summary() string {
	var parts []string
	for _, s := range f.requests("") {
		parts = append(parts, s.Method+" "+s.Path)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func (f *fakeStripe) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	form := r.URL.Query()
	if r.Method != http.MethodGet {
		form, _ = url.ParseQuery(string(body))
	}
	s := sent{Method: r.Method, Path: r.URL.Path, Form: form, Header: r.Header.Clone()}

	f.mu.Lock()
	f.sent = append(f.sent, s)
	hang := f.hang
	var route func(sent) reply
	best := -1
	for pattern, fn := range f.routes {
		if matches(pattern, r.Method, r.URL.Path) {
			// Prefer the pattern with the most literal segments.
			if n := strings.Count(pattern, "/") - strings.Count(pattern, "{"); n > best {
				best, route = n, fn
			}
		}
	}
	f.mu.Unlock()

	if hang {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
		return
	}
	rep := reply{http.StatusNotFound, map[string]any{"error": map[string]any{
		"type": "invalid_request_error", "message": "fake: no route for " + r.Method + " " + r.URL.Path}}}
	if route != nil {
		rep = route(s)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Request-Id", "req_fake")
	w.WriteHeader(rep.status)
	if raw, isRaw := rep.body.(string); isRaw {
		io.WriteString(w, raw)
		return
	}
	json.NewEncoder(w).Encode(rep.body)
}

// matches reports whether "METHOD /a/{x}/b" matches a request.
func matches(pattern, method, path string) bool {
	pm, pp, _ := strings.Cut(pattern, " ")
	if pm != method {
		return false
	}
	want, got := strings.Split(pp, "/"), strings.Split(path, "/")
	if len(want) != len(got) {
		return false
	}
	for i := range want {
		if !strings.HasPrefix(want[i], "{") && want[i] != got[i] {
			return false
		}
	}
	return true
}

func lastSegment(path string) string { return path[strings.LastIndex(path, "/")+1:] }

// Objects the fake answers with, shaped like Stripe's.

func card() map[string]any {
	return map[string]any{"id": "pm_card", "object": "payment_method", "type": "card",
		"card": map[string]any{"brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2030}}
}

func customerObj(id string) map[string]any {
	return map[string]any{"id": id, "object": "customer", "name": "Acme Inc", "email": "billing@acme.test",
		"address":          map[string]any{"line1": "1 Main St", "city": "Springfield", "postal_code": "12345", "country": "US"},
		"invoice_settings": map[string]any{"default_payment_method": card()},
		"metadata":         map[string]any{"portico_customer_id": "acme"}}
}

func list(url string, data []any, hasMore bool) map[string]any {
	if data == nil {
		data = []any{}
	}
	return map[string]any{"object": "list", "url": url, "data": data, "has_more": hasMore}
}

// period is the fake subscriptions' current period.
var (
	periodStart = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).Unix()
	periodEnd   = time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC).Unix()
)

type subItem struct {
	id, price string
	qty       int64
}

func subscriptionObj(id, status string, items ...subItem) map[string]any {
	var data []any
	for _, it := range items {
		data = append(data, map[string]any{"id": it.id, "object": "subscription_item",
			"price": map[string]any{"id": it.price, "object": "price"}, "quantity": it.qty})
	}
	return map[string]any{"id": id, "object": "subscription", "status": status, "customer": "cus_acme",
		"current_period_start": periodStart, "current_period_end": periodEnd,
		"items":    list("/v1/subscription_items", data, false),
		"metadata": map[string]any{"portico_subscription_id": "sub-1", "portico_customer_id": "acme"}}
}

func scheduleObj(id string) map[string]any {
	return map[string]any{"id": id, "object": "subscription_schedule", "status": "active", "end_behavior": "release",
		"current_phase": map[string]any{"start_date": periodStart, "end_date": periodEnd},
		"phases": []any{map[string]any{"start_date": periodStart, "end_date": periodEnd,
			"items": []any{map[string]any{"price": "price_pro", "quantity": 1}}}}}
}

func (f *fakeStripe) defaults() {
	f.reply("POST /v1/customers", ok(customerObj("cus_new")))
	f.on("GET /v1/customers/{id}", func(s sent) reply { return ok(customerObj(lastSegment(s.Path))) })
	f.reply("GET /v1/customers/{id}/payment_methods", ok(list("/v1/payment_methods", []any{card()}, false)))
	f.reply("GET /v1/invoices", ok(list("/v1/invoices", nil, false)))
	f.on("POST /v1/billing_portal/sessions", func(sent) reply {
		return ok(map[string]any{"id": "bps_1", "object": "billing_portal.session", "url": "https://billing.stripe.test/p/session/bps_1"})
	})
	f.on("POST /v1/checkout/sessions", func(sent) reply {
		return ok(map[string]any{"id": "cs_1", "object": "checkout.session", "mode": "subscription", "url": "https://checkout.stripe.test/c/pay/cs_1"})
	})
	f.reply("GET /v1/subscriptions", ok(list("/v1/subscriptions", []any{subscriptionObj("sub_only", "active")}, false)))
	f.reply("POST /v1/subscriptions", ok(subscriptionObj("sub_new", "active")))
	f.on("GET /v1/subscriptions/{id}", func(s sent) reply {
		return ok(subscriptionObj(lastSegment(s.Path), "active", subItem{"si_plan", "price_pro", 1}))
	})
	f.on("POST /v1/subscriptions/{id}", func(s sent) reply { return ok(subscriptionObj(lastSegment(s.Path), "active")) })
	f.on("DELETE /v1/subscriptions/{id}", func(s sent) reply { return ok(subscriptionObj(lastSegment(s.Path), "canceled")) })
	f.reply("POST /v1/subscription_schedules", ok(scheduleObj("sub_sched_1")))
	f.on("POST /v1/subscription_schedules/{id}", func(s sent) reply { return ok(scheduleObj(lastSegment(s.Path))) })
	f.on("POST /v1/subscription_schedules/{id}/release", func(s sent) reply { return ok(scheduleObj(lastSegment(s.Path))) })
}

// provider returns a Provider talking to the fake, with a fresh store, no
// network retries (tests add them back), and a short timeout.
func (f *fakeStripe) provider(t *testing.T, mod ...func(*stripebilling.Options)) (*stripebilling.Provider, *billing.MemoryStore) {
	t.Helper()
	store := billing.NewMemoryStore()
	o := stripebilling.Options{SecretKey: testKey, WebhookSecret: testSecret, APIBase: f.srv.URL,
		Store: store, Timeout: 2 * time.Second, MaxNetworkRetries: new(int64(0))}
	for _, m := range mod {
		m(&o)
	}
	p, err := stripebilling.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return p, store
}

var acme = billing.Customer{ID: "acme", Name: "Acme Inc", Email: "billing@acme.test"}

// form checks a request's form values.
func form(t *testing.T, s sent, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got := s.Form.Get(k); got != v {
			t.Errorf("%s %s: %s = %q, want %q", s.Method, s.Path, k, got, v)
		}
	}
}

// absent checks that a request lacks form keys.
func absent(t *testing.T, s sent, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if s.Form.Has(k) {
			t.Errorf("%s %s: %s = %q is sent, want it absent", s.Method, s.Path, k, s.Form.Get(k))
		}
	}
}
