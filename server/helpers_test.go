package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/assets"
	"github.com/portico-dev/portico/internal/pgtest"
	"github.com/portico-dev/portico/internal/testkit"
	"github.com/portico-dev/portico/server"
	"github.com/portico-dev/portico/server/clock"
	"github.com/portico-dev/portico/server/engine"
	"github.com/portico-dev/portico/server/session"
)

// secretKey is the backend API key every test server runs with.
const secretKey = "sk_test_3b9f0c2d7e5a41c8"

// publicURL is where the test server says browsers reach it; the trailing
// slash checks that portal URLs are joined without a double slash.
const publicURL = "https://billing.example.com/"

// t0 is the test clock's start (see testkit.T0).
var t0 = testkit.T0()

// Demo catalog IDs.
const (
	acme  = "acme"  // single subscription; free plan start, end-of-period downgrades and cancels, downgrade to free
	sites = "sites" // one subscription per resource; immediate downgrades and cancels, revoke

	planFree       = "free"
	planBasic      = "basic" // 900 / 9000
	planPro        = "pro"   // 2900 / 29000, 14-day trial
	planEnterprise = "enterprise"
	planStarter    = "site-starter" // 500 / 5000
	planGrowth     = "site-growth"  // 1500 / 15000

	addonSeats = "extra-seats" // 500 / 5000, max 20, +5 seats
	addonCalls = "extra-calls" // 1900 / 19000, max 10

	featSeats    = "seats"     // numeric
	featProjects = "projects"  // numeric
	featCalls    = "api-calls" // metered, monthly
	featStorage  = "storage-gb"
	featSSO      = "sso" // boolean
	featSupport  = "priority-support"
	featViews    = "pageviews" // metered, monthly
	featDomain   = "custom-domain"
)

// harness is one Portico server over a fresh SQLite file, on a frozen test
// clock, loaded with the demo catalog through the API.
type harness struct {
	t     testing.TB
	srv   *server.Server
	hs    *httptest.Server
	clock *clock.Test
	// reopen opens another store on the harness's database, and opts are
	// the server's options: replica serves the same data with them.
	reopen func() testkit.Store
	opts   []option
}

type option func(*server.Server)

// withoutTestClock starts the server as without PORTICO_TEST_CLOCK=1.
func withoutTestClock(s *server.Server) { s.TestClock = nil }

func newHarness(t testing.TB, opts ...option) *harness {
	t.Helper()
	h := newBareHarness(t, opts...)
	r := h.backend(http.MethodPut, "/api/v1/catalog", assets.DemoCatalog)
	expectStatus(t, r, http.StatusOK)
	return h
}

func TestMain(m *testing.M) { pgtest.MainIfUsed(m) }

// newBareHarness is a server with no catalog applied yet.
func newBareHarness(t testing.TB, opts ...option) *harness {
	t.Helper()
	return harnessOn(t, testkit.NewDatabase(t), testkit.Clock(), opts...)
}

// replica is another server on the harness's database and clock, with the
// same options, as another replica of Portico would be.
func (h *harness) replica() *harness {
	h.t.Helper()
	return harnessOn(h.t, h.reopen, h.clock, h.opts...)
}

// harnessOn starts a server on a store that reopen opens.
func harnessOn(t testing.TB, reopen func() testkit.Store, clk *clock.Test, opts ...option) *harness {
	t.Helper()
	st := reopen()
	srv := &server.Server{
		Engine:     engine.New(st, clk),
		Store:      st,
		Sessions:   session.NewSigner(secretKey),
		SecretKey:  secretKey,
		PublicURL:  publicURL,
		TestClock:  clk,
		SessionTTL: time.Hour,
		Log:        slog.New(slog.NewTextHandler(&testLog{t: t}, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
	for _, o := range opts {
		o(srv)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		hs.Close()
		st.Close()
	})
	return &harness{t: t, srv: srv, hs: hs, clock: clk, reopen: reopen, opts: opts}
}

// testLog sends the server's warnings and errors to the test log.
type testLog struct{ t testing.TB }

func (l *testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// response is an answer with its body decoded.
type response struct {
	Method, Path string
	Status       int
	Header       http.Header
	Body         []byte
	JSON         any
}

func (r *response) String() string {
	return fmt.Sprintf("%s %s → %d %s", r.Method, r.Path, r.Status, bytes.TrimSpace(r.Body))
}

// get follows a dot path ("subscriptions.0.plan.id") through the decoded
// body; ok is false when a step is missing.
func (r *response) get(path string) (any, bool) {
	return lookup(r.JSON, path)
}

func lookup(v any, path string) (any, bool) {
	if path == "" {
		return v, true
	}
	for _, step := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[step]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(step)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// do sends a request. body is nil (none), a string or []byte (sent as is)
// or a value sent as JSON; headers are name, value pairs.
func (h *harness) do(method, path, token string, body any, headers ...string) *response {
	h.t.Helper()
	r, err := h.try(method, path, token, body, headers...)
	if err != nil {
		h.t.Fatal(err)
	}
	return r
}

// try is do for goroutines other than the test's: it reports failures
// instead of stopping the test.
func (h *harness) try(method, path, token string, body any, headers ...string) (*response, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		enc, err := json.Marshal(b)
		if err != nil {
			return nil, fmt.Errorf("encode body: %w", err)
		}
		rd = bytes.NewReader(enc)
	}
	req, err := http.NewRequest(method, h.hs.URL+path, rd)
	if err != nil {
		return nil, fmt.Errorf("new request: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := h.hs.Client().Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: read body: %w", method, path, err)
	}
	r := &response{Method: method, Path: path, Status: res.StatusCode, Header: res.Header, Body: raw}
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, &r.JSON); err != nil {
			return nil, fmt.Errorf("%s %s: answer is not JSON (%v): %q", method, path, err, raw)
		}
	}
	return r, nil
}

// backend calls the backend API with the secret key.
func (h *harness) backend(method, path string, body any, headers ...string) *response {
	h.t.Helper()
	return h.do(method, path, secretKey, body, headers...)
}

// portal calls the portal API with a portal session token.
func (h *harness) portal(token, method, path string, body any, headers ...string) *response {
	h.t.Helper()
	return h.do(method, path, token, body, headers...)
}

// decodeAs decodes the answer's body into a T.
func decodeAs[T any](t testing.TB, r *response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatalf("%s: decode as %T: %v", r, v, err)
	}
	return v
}

func expectStatus(t testing.TB, r *response, want int) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("%s: status %d, want %d", r, r.Status, want)
	}
	ct := r.Header.Get("Content-Type")
	if want < 400 && !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("%s: Content-Type %q, want application/json", r, ct)
	}
}

// problemDoc is an application/problem+json answer.
type problemDoc struct {
	Type   string               `json:"type"`
	Title  string               `json:"title"`
	Status int                  `json:"status"`
	Detail string               `json:"detail"`
	Errors []portico.FieldError `json:"errors"`
}

// expectProblem checks that r is a problem document with the status and,
// when fields are given, exactly those fields named in errors[] (in any
// order, each with a message).
func expectProblem(t testing.TB, r *response, status int, fields ...string) problemDoc {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: status %d, want %d", r, r.Status, status)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("%s: Content-Type %q, want application/problem+json", r, ct)
	}
	p := decodeAs[problemDoc](t, r)
	if p.Status != status || p.Title == "" || !strings.HasPrefix(p.Type, "https://portico.dev/problems/") {
		t.Fatalf("%s: problem document %+v lacks a type, title or the right status", r, p)
	}
	if len(fields) == 0 {
		return p
	}
	got := []string{}
	for _, e := range p.Errors {
		if e.Message == "" {
			t.Errorf("%s: error on %q has no message", r, e.Field)
		}
		got = append(got, e.Field)
	}
	want := slices.Clone(fields)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("%s: errors name fields %q, want %q", r, got, want)
	}
	return p
}

// --- domain helpers, all through the API ---

// createCustomer creates a customer, with a card on file when withCard.
func (h *harness) createCustomer(id string, withCard bool) portico.CustomerView {
	h.t.Helper()
	return h.createCustomerIn(id, "", withCard)
}

// createCustomerIn creates a customer who pays in the currency ("": the
// default).
func (h *harness) createCustomerIn(id, currency string, withCard bool) portico.CustomerView {
	h.t.Helper()
	req := portico.CreateCustomerRequest{ID: id, Name: "Customer " + id, Email: id + "@example.com", Currency: currency}
	if withCard {
		req.Billing = &portico.BillingProfile{Name: req.Name, Email: req.Email, PaymentMethod: testkit.Card(),
			Address: &portico.Address{Line1: "1 Market Street", City: "San Francisco", PostalCode: "94105", Country: "US"}}
	}
	r := h.backend(http.MethodPost, "/api/v1/customers", req)
	expectStatus(h.t, r, http.StatusCreated)
	return decodeAs[portico.CustomerView](h.t, r)
}

// change provisions or changes a subscription through the backend API.
func (h *harness) change(customerID string, req any) portico.ChangeResult {
	h.t.Helper()
	r := h.backend(http.MethodPost, "/api/v1/customers/"+customerID+"/subscriptions", req)
	expectStatus(h.t, r, http.StatusOK)
	return decodeAs[portico.ChangeResult](h.t, r)
}

func (h *harness) customer(id string) portico.CustomerView {
	h.t.Helper()
	r := h.backend(http.MethodGet, "/api/v1/customers/"+id, nil)
	expectStatus(h.t, r, http.StatusOK)
	return decodeAs[portico.CustomerView](h.t, r)
}

func (h *harness) entitlements(customerID, resourceID string) map[string]portico.EntitlementView {
	h.t.Helper()
	path := "/api/v1/customers/" + customerID + "/entitlements"
	if resourceID != "" {
		path += "?resourceId=" + resourceID
	}
	r := h.backend(http.MethodGet, path, nil)
	expectStatus(h.t, r, http.StatusOK)
	out := map[string]portico.EntitlementView{}
	for _, e := range decodeAs[[]portico.EntitlementView](h.t, r) {
		out[e.FeatureID] = e
	}
	return out
}

// session mints a portal session; productID and resourceID narrow it.
func (h *harness) session(customerID, productID, resourceID string) string {
	h.t.Helper()
	r := h.backend(http.MethodPost, "/api/v1/portal-sessions",
		portico.PortalSessionRequest{CustomerID: customerID, ProductID: productID, ResourceID: resourceID})
	expectStatus(h.t, r, http.StatusCreated)
	return decodeAs[portico.PortalSession](h.t, r).Token
}

// portalView reads the portal view through a fresh session.
func (h *harness) portalView(customerID string) portico.PortalView {
	h.t.Helper()
	r := h.portal(h.session(customerID, "", ""), http.MethodGet, "/api/v1/portal", nil)
	expectStatus(h.t, r, http.StatusOK)
	return decodeAs[portico.PortalView](h.t, r)
}

// liveSubs lists the customer's live subscriptions to the product.
func liveSubs(c portico.CustomerView, productID string) []portico.SubscriptionView {
	var out []portico.SubscriptionView
	for _, s := range c.Subscriptions {
		if s.ProductID == productID && (s.Status == portico.StatusActive || s.Status == portico.StatusTrialing) {
			out = append(out, s)
		}
	}
	return out
}

// liveSub is the customer's one live subscription to the product (and
// resource).
func (h *harness) liveSub(customerID, productID, resourceID string) portico.SubscriptionView {
	h.t.Helper()
	var found []portico.SubscriptionView
	for _, s := range liveSubs(h.customer(customerID), productID) {
		if s.ResourceID == resourceID {
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		h.t.Fatalf("customer %s has %d live subscriptions to %s/%s, want 1: %+v", customerID, len(found), productID, resourceID, found)
	}
	return found[0]
}

func (h *harness) advance(body any) portico.TestClockView {
	h.t.Helper()
	r := h.backend(http.MethodPost, "/api/v1/test-clock/advance", body)
	expectStatus(h.t, r, http.StatusOK)
	return decodeAs[portico.TestClockView](h.t, r)
}

func (h *harness) reportUsage(customerID, featureID string, value int64, resourceID string) portico.EntitlementView {
	h.t.Helper()
	r := h.backend(http.MethodPost, "/api/v1/usage", portico.UsageRequest{CustomerID: customerID, FeatureID: featureID, Value: value, ResourceID: resourceID})
	expectStatus(h.t, r, http.StatusOK)
	return decodeAs[portico.EntitlementView](h.t, r)
}

// snapshot is everything observable about the catalog and the customers:
// the catalog, each customer view, their entitlements (per resource they
// hold) and their portal view with invoices and credit. Two equal
// snapshots mean nothing changed.
func (h *harness) snapshot(customerIDs ...string) string {
	h.t.Helper()
	var b strings.Builder
	add := func(r *response) {
		fmt.Fprintf(&b, "%s %s → %d %s\n", r.Method, r.Path, r.Status, bytes.TrimSpace(r.Body))
	}
	add(h.backend(http.MethodGet, "/api/v1/catalog", nil))
	for _, id := range customerIDs {
		r := h.backend(http.MethodGet, "/api/v1/customers/"+id, nil)
		add(r)
		if r.Status != http.StatusOK {
			continue
		}
		resources := []string{""}
		for _, s := range decodeAs[portico.CustomerView](h.t, r).Subscriptions {
			if s.ResourceID != "" && !slices.Contains(resources, s.ResourceID) {
				resources = append(resources, s.ResourceID)
			}
		}
		for _, res := range resources {
			add(h.backend(http.MethodGet, "/api/v1/customers/"+id+"/entitlements?resourceId="+res, nil))
		}
		add(h.portal(h.session(id, "", ""), http.MethodGet, "/api/v1/portal", nil))
	}
	return b.String()
}

// expectUnchanged fails when the customers or the catalog differ from the
// snapshot taken before.
func (h *harness) expectUnchanged(before string, customerIDs ...string) {
	h.t.Helper()
	if after := h.snapshot(customerIDs...); after != before {
		h.t.Fatalf("state changed by a refused request:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}
