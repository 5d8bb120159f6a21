package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/assets"
	"github.com/portico-dev/portico/internal/testkit"
	"github.com/portico-dev/portico/server"
	"github.com/portico-dev/portico/server/clock"
	"github.com/portico-dev/portico/server/engine"
	"github.com/portico-dev/portico/server/session"
	"github.com/portico-dev/portico/server/store/sqlite"
)

// fuzzRoute is a call FuzzAPI can make; the fuzzed bytes are its body, or
// for the few calls without one, what the call reads instead (a path
// segment, a query, the bearer token).
type fuzzRoute struct {
	method, path string
	as           string // "backend", "ada" or "grace": whose credentials
	in           string // "body" (default), "path" ({} in path), "query" or "token"
}

// fuzzRoutes are every API call with a body, and the calls that read an ID
// from the path or a query. {ada-basic} and {ada-blog} stand for Ada's
// subscriptions.
var fuzzRoutes = []fuzzRoute{
	{method: "PUT", path: "/api/v1/catalog", as: "backend"},
	{method: "POST", path: "/api/v1/customers", as: "backend"},
	{method: "PUT", path: "/api/v1/customers/ada/billing", as: "backend"},
	{method: "POST", path: "/api/v1/customers/ada/subscriptions", as: "backend"},
	{method: "POST", path: "/api/v1/customers/grace/subscriptions", as: "backend"},
	{method: "POST", path: "/api/v1/subscriptions/{ada-basic}/cancel", as: "backend"},
	{method: "POST", path: "/api/v1/subscriptions/{ada-blog}/cancel", as: "backend"},
	{method: "POST", path: "/api/v1/customers/ada/promotions", as: "backend"},
	{method: "POST", path: "/api/v1/usage", as: "backend"},
	{method: "POST", path: "/api/v1/portal-sessions", as: "backend"},
	{method: "POST", path: "/api/v1/test-clock/advance", as: "backend"},
	{method: "POST", path: "/api/v1/portal/preview", as: "ada"},
	{method: "POST", path: "/api/v1/portal/subscriptions", as: "ada"},
	{method: "POST", path: "/api/v1/portal/subscriptions/{ada-basic}/cancel", as: "ada"},
	{method: "POST", path: "/api/v1/portal/billing-session", as: "ada"},
	{method: "POST", path: "/api/v1/portal/subscriptions", as: "grace"},
	{method: "POST", path: "/api/v1/portal/preview", as: "grace"},
	{method: "GET", path: "/api/v1/customers/{}", as: "backend", in: "path"},
	{method: "POST", path: "/api/v1/plans/{}/archive", as: "backend", in: "path"},
	{method: "DELETE", path: "/api/v1/subscriptions/{}/scheduled-updates", as: "backend", in: "path"},
	{method: "POST", path: "/api/v1/portal/subscriptions/{}/cancel", as: "ada", in: "path"},
	{method: "GET", path: "/api/v1/customers/ada/entitlements", as: "backend", in: "query"},
	{method: "GET", path: "/api/v1/portal/paywall", as: "ada", in: "query"},
	{method: "GET", path: "/api/v1/portal", in: "token"},
	{method: "PATCH", path: "/api/v1/customers/ada", as: "backend"},
}

// keyedRoute is the call the fuzz store already holds an answer for under
// fuzzKey, so that a keyed repeat replays it or, with another body, is
// refused.
const (
	keyedRoute = 8 // POST /api/v1/usage
	keyedBody  = `{"customerId": "ada", "featureId": "api-calls", "value": 5}`
	fuzzKey    = "fuzz-key-1"
)

// fuzzAPI is one store in a known state, which every input starts from:
// each request runs inside a transaction that is rolled back afterwards.
type fuzzAPI struct {
	st     *sqlite.Store
	tokens map[string]string // "ada", "grace": portal session tokens
	subs   map[string]string // "{ada-basic}", "{ada-blog}": subscription IDs
	state  string            // dump of the known state
}

func (fa *fuzzAPI) server(clk *clock.Test, log io.Writer) *server.Server {
	return &server.Server{
		Engine:     engine.New(fa.st, clk),
		Store:      fa.st,
		Sessions:   session.NewSigner(secretKey),
		SecretKey:  secretKey,
		PublicURL:  publicURL,
		TestClock:  clk,
		SessionTTL: time.Hour,
		Log:        slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
}

// serve sends one request and returns the recorded answer.
func serve(h http.Handler, ctx context.Context, method, target, token string, body []byte, headers ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, bytes.NewReader(body)).WithContext(ctx)
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// newFuzzAPI sets up the known state through the API: the demo catalog;
// Ada with a card, on Basic with an add-on, a site subscription, usage and
// a promotion; Grace on the free plan without a card; one keyed call.
func newFuzzAPI(f *testing.F) *fuzzAPI {
	st, err := sqlite.Open(context.Background(), filepath.Join(f.TempDir(), "portico.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	fa := &fuzzAPI{st: st, tokens: map[string]string{}, subs: map[string]string{}}
	srv := fa.server(clock.NewFrozen(t0), io.Discard)
	h := srv.Handler()
	ctx := context.Background()
	must := func(status int, method, path string, body any, headers ...string) []byte {
		b, ok := body.([]byte)
		if !ok {
			b, _ = json.Marshal(body)
		}
		w := serve(h, ctx, method, path, secretKey, b, headers...)
		if w.Code != status {
			f.Fatalf("%s %s: %d %s", method, path, w.Code, w.Body)
		}
		return w.Body.Bytes()
	}
	must(200, "PUT", "/api/v1/catalog", assets.DemoCatalog)
	must(201, "POST", "/api/v1/customers", portico.CreateCustomerRequest{ID: "ada", Name: "Ada", Email: "ada@example.com",
		Billing: &portico.BillingProfile{Name: "Ada", PaymentMethod: testkit.Card()}})
	must(201, "POST", "/api/v1/customers", portico.CreateCustomerRequest{ID: "grace", Name: "Grace"})
	var res portico.ChangeResult
	json.Unmarshal(must(200, "POST", "/api/v1/customers/ada/subscriptions",
		M{"planId": planBasic, "addons": []M{{"id": addonSeats, "quantity": 1}}}), &res)
	fa.subs["{ada-basic}"] = res.Subscription.ID
	json.Unmarshal(must(200, "POST", "/api/v1/customers/ada/subscriptions", M{"planId": planStarter, "resourceId": "blog"}), &res)
	fa.subs["{ada-blog}"] = res.Subscription.ID
	must(200, "POST", "/api/v1/usage", M{"customerId": "ada", "featureId": featSeats, "value": 2})
	must(200, "POST", "/api/v1/usage", []byte(keyedBody), "Idempotency-Key", fuzzKey)
	must(201, "POST", "/api/v1/customers/ada/promotions", M{"featureId": featSSO})
	fa.tokens["ada"] = srv.MintSession(portico.PortalScope{CustomerID: "ada"}, 24*time.Hour).Token
	fa.tokens["grace"] = srv.MintSession(portico.PortalScope{CustomerID: "grace", ProductID: acme}, 24*time.Hour).Token
	err = st.View(ctx, func(tx portico.Tx) error {
		fa.state, err = dumpState(tx)
		return err
	})
	if err != nil {
		f.Fatal(err)
	}
	return fa
}

// dumpState is what a refused request must leave as it was: the catalog
// and its version, the number of customers and, for each known customer,
// their record, subscriptions, promotions, usage, billing profile and
// invoices (from which entitlements and views follow).
func dumpState(tx portico.Tx) (string, error) {
	var b strings.Builder
	add := func(what string, v any, err error) error {
		if err != nil && !errors.Is(err, portico.ErrNotFound) {
			return fmt.Errorf("%s: %w", what, err)
		}
		enc, _ := json.Marshal(v)
		fmt.Fprintf(&b, "%s: %s\n", what, enc)
		return nil
	}
	cat, version, err := tx.Catalog()
	if err := add(fmt.Sprintf("catalog v%d", version), cat, err); err != nil {
		return "", err
	}
	n, err := tx.CustomerCount()
	if err := add("customers", n, err); err != nil {
		return "", err
	}
	for _, id := range []string{"ada", "grace"} {
		c, err := tx.Customer(id)
		if err := add(id, c, err); err != nil {
			return "", err
		}
		subs, err := tx.SubscriptionsOf(id)
		if err := add(id+" subscriptions", subs, err); err != nil {
			return "", err
		}
		promos, err := tx.PromotionsOf(id)
		if err := add(id+" promotions", promos, err); err != nil {
			return "", err
		}
		usage, err := tx.UsageOf(id)
		if err := add(id+" usage", usage, err); err != nil {
			return "", err
		}
		bp, err := tx.BillingProfile(id)
		if err := add(id+" billing", bp, err); err != nil {
			return "", err
		}
		inv, err := tx.InvoicesOf(id)
		if err := add(id+" invoices", inv, err); err != nil {
			return "", err
		}
	}
	return b.String(), nil
}

// request builds the request a route makes of the fuzzed input.
func (fa *fuzzAPI) request(rt fuzzRoute, in []byte) (method, target, token string, body []byte) {
	target = rt.path
	for k, v := range fa.subs {
		target = strings.ReplaceAll(target, k, v)
	}
	switch rt.in {
	case "path":
		target = strings.Replace(target, "{}", url.PathEscape(string(in)), 1)
	case "query":
		q, _ := url.ParseQuery(string(in))
		if enc := q.Encode(); enc != "" {
			target += "?" + enc
		}
	case "token":
		token = string(in)
	default:
		body = in
	}
	switch rt.as {
	case "backend":
		token = secretKey
	case "ada", "grace":
		token = fa.tokens[rt.as]
	}
	return rt.method, target, token, body
}

// errRollback ends each input's transaction.
var errRollback = errors.New("rolled back")

// FuzzAPI sends any body to any API call (route picks it; its high bit adds
// an Idempotency-Key) through the server's handler, on a SQLite store that
// every input starts from in the same state. It never answers a 5xx; a 2xx
// is JSON; any other answer is a problem document with the answer's status
// that names the fields at fault (422, 413) or gives a reason, and changes
// nothing: the catalog, customers, subscriptions, usage, promotions,
// billing and invoices read the same after it, and the clock has not moved.
func FuzzAPI(f *testing.F) {
	for _, s := range apiSeeds() {
		f.Add(s.route, []byte(s.body))
	}
	fa := newFuzzAPI(f)
	f.Fuzz(func(t *testing.T, route uint8, in []byte) {
		rt := fuzzRoutes[int(route&0x7f)%len(fuzzRoutes)]
		var headers []string
		if route&0x80 != 0 {
			headers = []string{"Idempotency-Key", fuzzKey}
		}
		method, target, token, body := fa.request(rt, in)
		clk := clock.NewFrozen(t0)
		var log bytes.Buffer
		h := fa.server(clk, &log).Handler()
		// Nothing fails inside the transaction: a failing test must still
		// roll it back, or the next input would wait for it forever.
		var problem string
		err := fa.st.Update(context.Background(), func(tx portico.Tx) error {
			w := serve(h, tx.Context(), method, target, token, body, headers...)
			desc := fmt.Sprintf("%s %s %q (headers %q)", method, target, body, headers)
			if problem = checkAnswer(desc, rt, w, log.String()); problem != "" || w.Code < 300 {
				return errRollback // a 2xx may change the state
			}
			after, err := dumpState(tx)
			if err != nil {
				problem = fmt.Sprintf("%s: reading the state: %v", desc, err)
			} else if after != fa.state || !clk.Now().Equal(t0) {
				problem = fmt.Sprintf("%s → %d %s changed the state (clock %v):\n%s", desc, w.Code,
					bytes.TrimSpace(w.Body.Bytes()), clk.Now(), changedLines(fa.state, after))
			}
			return errRollback
		})
		if problem != "" {
			t.Fatal(problem)
		}
		if !errors.Is(err, errRollback) {
			t.Fatalf("transaction: %v", err)
		}
	})
}

// checkAnswer checks an answer's status, type and body, and says what is
// wrong with it.
func checkAnswer(desc string, rt fuzzRoute, w *httptest.ResponseRecorder, log string) string {
	code, ct, body := w.Code, w.Header().Get("Content-Type"), w.Body.Bytes()
	switch {
	case code >= 500:
		return fmt.Sprintf("%s → %d %s\nlog: %s", desc, code, body, log)
	case code < 300:
		if !strings.HasPrefix(ct, "application/json") || !json.Valid(body) {
			return fmt.Sprintf("%s → %d, Content-Type %q, body not JSON: %q", desc, code, ct, body)
		}
		return ""
	case code < 400:
		// The router sends paths with "." or ".." segments to their clean
		// form; only a path made of the input can have them.
		if rt.in != "path" || w.Header().Get("Location") == "" {
			return fmt.Sprintf("%s → %d %q", desc, code, body)
		}
		return ""
	}
	if ct != "application/problem+json" {
		return fmt.Sprintf("%s → %d, Content-Type %q: %q", desc, code, ct, body)
	}
	var p problemDoc
	if err := json.Unmarshal(body, &p); err != nil || p.Status != code || p.Title == "" ||
		!strings.HasPrefix(p.Type, "https://portico.dev/problems/") {
		return fmt.Sprintf("%s → %d: not a problem document with the status: %q", desc, code, body)
	}
	if code == http.StatusUnprocessableEntity || code == http.StatusRequestEntityTooLarge {
		if len(p.Errors) == 0 {
			return fmt.Sprintf("%s → %d names no field: %q", desc, code, body)
		}
		for _, e := range p.Errors {
			if e.Field == "" || e.Message == "" {
				return fmt.Sprintf("%s → %d: a problem without a field or a message: %q", desc, code, body)
			}
		}
	} else if p.Detail == "" {
		return fmt.Sprintf("%s → %d gives no reason: %q", desc, code, body)
	}
	return ""
}

// changedLines lists the lines of a state dump that differ.
func changedLines(before, after string) string {
	b, a := strings.Split(before, "\n"), strings.Split(after, "\n")
	var out strings.Builder
	for i := range max(len(a), len(b)) {
		var x, y string
		if i < len(b) {
			x = b[i]
		}
		if i < len(a) {
			y = a[i]
		}
		if x != y {
			fmt.Fprintf(&out, "before: %s\nafter:  %s\n", x, y)
		}
	}
	return out.String()
}

type apiSeed struct {
	route uint8
	body  string
}

// apiSeeds are real request bodies, good and bad: the ones of docs/api.md,
// and the refused ones of TestBadInputIsRefusedByField sent to the same
// calls.
func apiSeeds() []apiSeed {
	index := map[string]uint8{}
	for i, rt := range fuzzRoutes {
		if rt.in == "" {
			index[rt.method+" "+rt.path+" "+rt.as] = uint8(i)
		}
	}
	var seeds []apiSeed
	add := func(method, path, as, body string) {
		if i, ok := index[method+" "+path+" "+as]; ok {
			seeds = append(seeds, apiSeed{i, body})
		}
	}
	for _, bi := range badInputs("{ada-blog}") {
		body, ok := bi.body.(string)
		if !ok {
			continue
		}
		as := "backend"
		if bi.portal {
			as = "ada"
		}
		add(bi.method, bi.path, as, body)
	}
	for _, s := range []struct{ method, path, as, body string }{
		{"PUT", "/api/v1/catalog", "backend", string(assets.DemoCatalog)},
		{"PUT", "/api/v1/catalog", "backend", strings.Replace(string(assets.DemoCatalog), `"name": "Basic"`, `"name": "Basic 2"`, 1)},
		{"POST", "/api/v1/customers", "backend", `{"id": "zed", "name": "Zed", "email": "zed@example.com", "metadata": {"crm": "42"}}`},
		{"POST", "/api/v1/customers", "backend", `{"id": "ada"}`},
		{"POST", "/api/v1/customers", "backend", `{"id": "zoe", "billing": {"name": "Zoe", "address": {"line1": "1 Main St", "city": "Paris", "postalCode": "75001", "country": "FR"}, "paymentMethod": {"brand": "visa", "last4": "4242", "expMonth": 12, "expYear": 2030}}}`},
		{"PUT", "/api/v1/customers/ada/billing", "backend", `{"name": "Ada L", "email": "ada@example.com", "address": {"country": "GB"}}`},
		{"POST", "/api/v1/customers/ada/subscriptions", "backend", `{"planId": "pro", "billingPeriod": "annually", "addons": [{"id": "extra-seats", "quantity": 2}]}`},
		{"POST", "/api/v1/customers/ada/subscriptions", "backend", `{"planId": "free"}`},
		{"POST", "/api/v1/customers/ada/subscriptions", "backend", `{"planId": "enterprise", "price": {"amount": 99000, "currency": "usd"}}`},
		{"POST", "/api/v1/customers/ada/subscriptions", "backend", `{"planId": "site-growth", "resourceId": "blog"}`},
		{"POST", "/api/v1/customers/grace/subscriptions", "backend", `{"planId": "pro"}`},
		{"POST", "/api/v1/subscriptions/{ada-basic}/cancel", "backend", `{"alsoCancelProductIds": ["sites"]}`},
		{"POST", "/api/v1/subscriptions/{ada-basic}/cancel", "backend", ``},
		{"POST", "/api/v1/subscriptions/{ada-blog}/cancel", "backend", `{}`},
		{"POST", "/api/v1/customers/ada/promotions", "backend", `{"featureId": "seats", "limit": 50, "expiresAt": "2026-06-01T00:00:00Z"}`},
		{"POST", "/api/v1/usage", "backend", `{"customerId": "ada", "featureId": "pageviews", "value": 10, "resourceId": "blog"}`},
		{"POST", "/api/v1/usage", "backend", `{"customerId": "ada", "featureId": "seats", "value": -2}`},
		{"POST", "/api/v1/usage", "backend", keyedBody},
		{"POST", "/api/v1/portal-sessions", "backend", `{"customerId": "ada", "productId": "acme", "resourceId": "blog", "returnUrl": "https://app.example.com/account", "ttl": "30m"}`},
		{"POST", "/api/v1/test-clock/advance", "backend", `{"by": "30d"}`},
		{"POST", "/api/v1/test-clock/advance", "backend", `{"to": "2026-03-01T00:00:00Z"}`},
		{"POST", "/api/v1/portal/preview", "ada", `{"planId": "pro", "billingPeriod": "monthly", "addons": [{"id": "extra-seats", "quantity": 1}]}`},
		{"POST", "/api/v1/portal/subscriptions", "ada", `{"planId": "free"}`},
		{"POST", "/api/v1/portal/subscriptions", "ada", `{"planId": "enterprise"}`},
		{"POST", "/api/v1/portal/subscriptions/{ada-basic}/cancel", "ada", `{}`},
		{"POST", "/api/v1/portal/billing-session", "ada", `{"flow": "payment_method_update"}`},
		{"POST", "/api/v1/portal/subscriptions", "grace", `{"planId": "site-starter", "resourceId": "shop"}`},
		{"POST", "/api/v1/portal/preview", "grace", `{"planId": "pro"}`},
	} {
		add(s.method, s.path, s.as, s.body)
	}
	// Keyed: the kept answer, then another body under the same key.
	seeds = append(seeds, apiSeed{0x80 | keyedRoute, keyedBody}, apiSeed{0x80 | keyedRoute, `{"customerId": "ada", "featureId": "api-calls", "value": 6}`},
		apiSeed{0x80 | 1, `{"id": "zed"}`}, apiSeed{0x80 | 3, `{"planId": "platinum"}`})
	for i, rt := range fuzzRoutes {
		switch rt.in {
		case "path":
			for _, id := range []string{"basic", "nobody", "sub_missing", "..", "a/b", "Not A Slug", ""} {
				seeds = append(seeds, apiSeed{uint8(i), id})
			}
		case "query":
			for _, q := range []string{"resourceId=blog", "resourceId=My%20Blog", "productId=acme&billingPeriod=annually", "billingPeriod=weekly", "productId=sites", "%zz"} {
				seeds = append(seeds, apiSeed{uint8(i), q})
			}
		case "token":
			for _, tok := range []string{"", "ps_", "ps_abc.def", secretKey, "sk_wrong", "ps_eyJjIjoiYWRhIiwiZSI6OTk5OTk5OTk5OX0.AAAA"} {
				seeds = append(seeds, apiSeed{uint8(i), tok})
			}
		}
	}
	return seeds
}
