package server_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server"
	"github.com/portico-dev/portico/server/clock"
)

// consoleCalls are the console API's routes, each of which needs a
// console session.
var consoleCalls = []struct{ method, path string }{
	{http.MethodGet, "/console/api/session"},
	{http.MethodGet, "/console/api/catalog"},
	{http.MethodPut, "/console/api/catalog"},
	{http.MethodPost, "/console/api/plans/pro/archive"},
	{http.MethodPost, "/console/api/products/acme/archive"},
	{http.MethodPost, "/console/api/addons/extra-seats/archive"},
	{http.MethodGet, "/console/api/products/acme/paywall"},
	{http.MethodGet, "/console/api/plans/pro/price-holders?billingPeriod=monthly"},
	{http.MethodGet, "/console/api/addons/extra-seats/price-holders?billingPeriod=monthly"},
	{http.MethodGet, "/console/api/catalog/versions"},
	{http.MethodGet, "/console/api/catalog/versions/1"},
	{http.MethodPost, "/console/api/catalog/versions/1/restore"},
	// Webhooks.
	{http.MethodGet, "/console/api/webhook-endpoints"},
	{http.MethodPost, "/console/api/webhook-endpoints"},
	{http.MethodGet, "/console/api/webhook-endpoints/we_1"},
	{http.MethodDelete, "/console/api/webhook-endpoints/we_1"},
	{http.MethodGet, "/console/api/webhook-endpoints/we_1/deliveries"},
	{http.MethodPost, "/console/api/webhook-endpoints/we_1/deliveries/evt_1/retry"},
	{http.MethodPost, "/console/api/webhook-endpoints/we_1/rotate-secret"},
	{http.MethodGet, "/console/api/unknown"},
}

// consoleHeader is the header the console's own client sends with each
// call, and a plain HTML form cannot.
const consoleHeader = "X-Portico-Console"

// signIn signs in to the console and returns the session cookie.
func (h *harness) signIn(secret string) *http.Cookie {
	h.t.Helper()
	r := h.do(http.MethodPost, "/console/api/sign-in", "", map[string]string{"secret": secret}, consoleHeader, "1")
	expectStatus(h.t, r, http.StatusOK)
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == "portico_console" {
			return c
		}
	}
	h.t.Fatalf("%s: no session cookie", r)
	return nil
}

func cookieHeader(c *http.Cookie) []string { return []string{"Cookie", c.Name + "=" + c.Value} }

// asConsole is what the console's client sends with a session: the cookie,
// its header and a JSON body (an empty one is sent as {}).
func asConsole(c *http.Cookie) []string {
	return append(cookieHeader(c), consoleHeader, "1", "Content-Type", "application/json")
}

// consoleWrites are the console API's calls that change something, with a
// body each would accept.
var consoleWrites = []struct {
	method, path string
	body         any
}{
	{http.MethodPost, "/console/api/sign-in", map[string]string{"secret": secretKey}},
	{http.MethodPost, "/console/api/sign-out", map[string]string{}},
	{http.MethodPost, "/console/api/addons/extra-seats/archive", map[string]string{}},
	{http.MethodPost, "/console/api/plans/pro/archive", map[string]string{}},
	{http.MethodPost, "/console/api/products/acme/archive", map[string]string{}},
	{http.MethodPost, "/console/api/catalog/versions/1/restore", map[string]string{}},
	{http.MethodPut, "/console/api/catalog", map[string]any{"features": []any{}, "products": []any{}, "plans": []any{}, "addons": []any{}}},
	// Webhooks.
	{http.MethodPost, "/console/api/webhook-endpoints", map[string]any{"url": "https://x.example.com", "events": []string{"*"}}},
	{http.MethodDelete, "/console/api/webhook-endpoints/we_1", map[string]string{}},
	{http.MethodPost, "/console/api/webhook-endpoints/we_1/deliveries/evt_1/retry", map[string]string{}},
	{http.MethodPost, "/console/api/webhook-endpoints/we_1/rotate-secret", map[string]string{}},
}

func TestConsoleRefusesMissingWrongAndPortalSessions(t *testing.T) {
	h := newHarness(t)
	h.backend(http.MethodPost, "/api/v1/customers", map[string]string{"id": "ada"})
	portal := h.session("ada", "", "")
	future := strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)
	past := strconv.FormatInt(time.Now().Add(-time.Hour).Unix(), 10)
	good := h.signIn(secretKey)
	parts := strings.Split(good.Value, ".") // cs2.<expiry>.<ID>.<MAC>
	expired := "cs2." + past + "." + parts[2] + "." + parts[3]
	wrongs := []struct {
		name    string
		token   string
		headers []string
	}{
		{"no session", "", nil},
		{"a forged cookie", "", []string{"Cookie", "portico_console=cs2." + future + "." + parts[2] + ".bm90LWEtbWFj"}},
		{"another session's MAC", "", []string{"Cookie", "portico_console=cs2." + parts[1] + ".b3RoZXItaWQ." + parts[3]}},
		{"an expired cookie", "", []string{"Cookie", "portico_console=" + expired}},
		{"a portal session as bearer", portal, nil},
		{"a portal session as cookie", "", []string{"Cookie", "portico_console=" + portal}},
		{"the secret key as bearer", secretKey, nil},
	}
	before := h.backend(http.MethodGet, "/api/v1/catalog", nil)
	for _, w := range wrongs {
		for _, c := range consoleCalls {
			r := h.do(c.method, c.path, w.token, "{}", append([]string{consoleHeader, "1"}, w.headers...)...)
			if r.Status != http.StatusUnauthorized {
				t.Errorf("%s with %s: %s, want 401", c.method, c.path, w.name)
			}
		}
	}
	if after := h.backend(http.MethodGet, "/api/v1/catalog", nil); string(after.Body) != string(before.Body) {
		t.Error("refused console calls changed the catalog")
	}
	// The session opens the console only: not the backend API.
	r := h.do(http.MethodGet, "/api/v1/catalog", "", nil, cookieHeader(good)...)
	expectStatus(t, r, http.StatusUnauthorized)
}

func TestConsoleSignInSetsAStrictHttpOnlyCookieAndSignOutClearsIt(t *testing.T) {
	h := newHarness(t, func(s *server.Server) { s.ConsolePassword = "correct horse" })
	r := h.do(http.MethodPost, "/console/api/sign-in", "", map[string]string{"secret": "sk_wrong"}, consoleHeader, "1")
	expectProblem(t, r, http.StatusUnauthorized, "secret")
	if r.Header.Get("Set-Cookie") != "" {
		t.Errorf("a refused sign-in set a cookie: %s", r.Header.Get("Set-Cookie"))
	}
	r = h.do(http.MethodPost, "/console/api/sign-in", "", map[string]string{}, consoleHeader, "1")
	expectStatus(t, r, http.StatusUnprocessableEntity)

	c := h.signIn(secretKey)
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/console" || !c.Secure {
		t.Errorf("cookie = %+v, want HttpOnly, SameSite=Strict, Path=/console, Secure (https public URL)", c)
	}
	if d := time.Until(c.Expires); d < 11*time.Hour || d > 13*time.Hour {
		t.Errorf("cookie expires in %v, want about 12h", d)
	}
	r = h.do(http.MethodGet, "/console/api/catalog", "", nil, cookieHeader(c)...)
	expectStatus(t, r, http.StatusOK)
	if v, _ := r.get("products.0.id"); v != "acme" {
		t.Errorf("console catalog: %s", r)
	}
	pw := h.signIn("correct horse")
	expectStatus(t, h.do(http.MethodGet, "/console/api/session", "", nil, cookieHeader(pw)...), http.StatusOK)

	r = h.do(http.MethodPost, "/console/api/sign-out", "", "{}", asConsole(c)...)
	expectStatus(t, r, http.StatusOK)
	out := (&http.Response{Header: r.Header}).Cookies()
	if len(out) != 1 || out[0].Name != "portico_console" || out[0].MaxAge >= 0 || out[0].Value != "" {
		t.Errorf("sign-out cookies = %+v, want the session cleared", out)
	}
}

func TestConsoleChangesComeFromTheConsolesOwnPages(t *testing.T) {
	h := newHarness(t)
	c := h.signIn(secretKey)
	before := h.backend(http.MethodGet, "/api/v1/catalog", nil)
	headers := append(asConsole(c), "Sec-Fetch-Site", "cross-site")
	r := h.do(http.MethodPost, "/console/api/addons/extra-seats/archive", "", "{}", headers...)
	expectStatus(t, r, http.StatusForbidden)
	headers = append(asConsole(c), "Origin", "https://evil.example")
	r = h.do(http.MethodPost, "/console/api/addons/extra-seats/archive", "", "{}", headers...)
	expectStatus(t, r, http.StatusForbidden)
	// The same host over plain http is another origin than Portico's
	// https one: a page served there (by anyone on the network path) must
	// not act in the console.
	host := strings.TrimPrefix(h.hs.URL, "http://")
	headers = append(asConsole(c), "Origin", "http://"+host)
	r = h.do(http.MethodPost, "/console/api/addons/extra-seats/archive", "", "{}", headers...)
	expectProblem(t, r, http.StatusForbidden)
	if after := h.backend(http.MethodGet, "/api/v1/catalog", nil); string(after.Body) != string(before.Body) {
		t.Error("a cross-site console call changed the catalog")
	}
	headers = append(asConsole(c), "Sec-Fetch-Site", "same-origin", "Origin", "https://"+host)
	r = h.do(http.MethodPost, "/console/api/addons/extra-seats/archive", "", "{}", headers...)
	expectStatus(t, r, http.StatusOK)
	if v, _ := r.get("addons.0.archived"); v != true {
		t.Errorf("archive from the console: %s", r)
	}
	vs := h.backend(http.MethodGet, "/api/v1/catalog/versions?limit=1", nil)
	if by, _ := vs.get("versions.0.by"); by != "console" {
		t.Errorf("the console's change is recorded as by %v: %s", by, vs)
	}
}

// A console write must carry the console's header, which a plain HTML form
// (the one kind of cross-site request a browser sends without asking)
// cannot: without it, every write, sign-in and sign-out included, is
// refused and changes nothing.
func TestConsoleWritesNeedTheConsolesHeader(t *testing.T) {
	h := newHarness(t)
	c := h.signIn(secretKey)
	before := h.backend(http.MethodGet, "/api/v1/catalog", nil)
	for _, w := range consoleWrites {
		for _, value := range []string{"", "0"} {
			headers := append(cookieHeader(c), "Content-Type", "application/json")
			if value != "" {
				headers = append(headers, consoleHeader, value)
			}
			r := h.do(w.method, w.path, "", w.body, headers...)
			p := expectProblem(t, r, http.StatusForbidden)
			if !strings.Contains(p.Detail, consoleHeader+": 1") {
				t.Errorf("%s: the refusal does not name the header: %q", r, p.Detail)
			}
			if r.Header.Get("Set-Cookie") != "" {
				t.Errorf("%s: a refused call set a cookie", r)
			}
		}
	}
	if after := h.backend(http.MethodGet, "/api/v1/catalog", nil); string(after.Body) != string(before.Body) {
		t.Error("console writes without the header changed the catalog")
	}
	expectStatus(t, h.do(http.MethodGet, "/console/api/session", "", nil, cookieHeader(c)...), http.StatusOK)
	r := h.do(http.MethodPost, "/console/api/addons/extra-seats/archive", "", "{}", asConsole(c)...)
	expectStatus(t, r, http.StatusOK)
}

// Console writes take JSON only: a body that a form or a plain text
// request can send is refused with 415 before it is read.
func TestConsoleWritesTakeJSONOnly(t *testing.T) {
	h := newHarness(t)
	c := h.signIn(secretKey)
	before := h.backend(http.MethodGet, "/api/v1/catalog", nil)
	for _, w := range consoleWrites {
		for _, ct := range []string{"text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
			"multipart/form-data; boundary=x", "application/jsonp", "application/octet-stream"} {
			r := h.do(w.method, w.path, "", w.body, append(cookieHeader(c), consoleHeader, "1", "Content-Type", ct)...)
			p := expectProblem(t, r, http.StatusUnsupportedMediaType)
			if !strings.Contains(p.Detail, "application/json") {
				t.Errorf("%s as %s: the refusal does not say what is accepted: %q", r, ct, p.Detail)
			}
		}
	}
	if after := h.backend(http.MethodGet, "/api/v1/catalog", nil); string(after.Body) != string(before.Body) {
		t.Error("console writes that were not JSON changed the catalog")
	}
	headers := append(cookieHeader(c), consoleHeader, "1", "Content-Type", "application/json; charset=utf-8")
	expectStatus(t, h.do(http.MethodPost, "/console/api/addons/extra-seats/archive", "", "{}", headers...), http.StatusOK)
}

func TestConsolePagesOpenOnlyWithASession(t *testing.T) {
	h := newHarness(t)
	hs := newWeb(t, h)
	portal := func() string {
		h.backend(http.MethodPost, "/api/v1/customers", map[string]string{"id": "ada"})
		return h.session("ada", "", "")
	}()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path string, headers ...string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, hs.URL+path, nil)
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		res, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	for _, path := range []string{"/console", "/console/products/acme", "/console/history", "/console?session=" + portal} {
		for _, headers := range [][]string{nil, {"Authorization", "Bearer " + portal}, {"Cookie", "portico_console=" + portal}} {
			res := get(path, headers...)
			if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/console/sign-in?next=") {
				t.Errorf("GET %s with %v: %d to %q, want 303 to the sign-in page", path, headers, res.StatusCode, res.Header.Get("Location"))
			}
		}
	}
	if res := get("/console/sign-in"); res.StatusCode != http.StatusOK ||
		!strings.Contains(res.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("sign-in page: %d, CSP %q", res.StatusCode, res.Header.Get("Content-Security-Policy"))
	}
	c := h.signIn(secretKey)
	if res := get("/console/products/acme", cookieHeader(c)...); res.StatusCode != http.StatusOK {
		t.Errorf("a console page with a session: %d", res.StatusCode)
	}
	if res := get("/console/sign-in", cookieHeader(c)...); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/console" {
		t.Errorf("sign-in page when signed in: %d to %q, want 303 to /console", res.StatusCode, res.Header.Get("Location"))
	}
}

func TestCatalogVersionsThroughTheBackendAPI(t *testing.T) {
	h := newHarness(t)
	expectStatus(t, h.backend(http.MethodPost, "/api/v1/addons/extra-calls/archive", nil), http.StatusOK)

	r := h.backend(http.MethodGet, "/api/v1/catalog/versions", nil)
	expectStatus(t, r, http.StatusOK)
	if n, _ := r.get("versions.0.version"); n != 2.0 {
		t.Fatalf("versions: %s", r)
	}
	if c, _ := r.get("versions.0.changes.0"); c != `Archived add-on "extra-calls"` {
		t.Errorf("version 2's changes: %s", r)
	}
	if by, _ := r.get("versions.0.by"); by != "backend API" {
		t.Errorf("version 2 by %v", by)
	}
	r = h.backend(http.MethodGet, "/api/v1/catalog/versions/1", nil)
	expectStatus(t, r, http.StatusOK)
	if a, _ := r.get("catalog.addons.1.archived"); a != nil {
		t.Errorf("version 1's extra-calls is archived: %s", r)
	}
	expectStatus(t, h.backend(http.MethodGet, "/api/v1/catalog/versions/7", nil), http.StatusNotFound)
	expectStatus(t, h.backend(http.MethodGet, "/api/v1/catalog/versions/x", nil), http.StatusNotFound)
	expectStatus(t, h.backend(http.MethodGet, "/api/v1/catalog/versions?limit=0", nil), http.StatusUnprocessableEntity)

	r = h.backend(http.MethodPost, "/api/v1/catalog/versions/1/restore", nil)
	expectStatus(t, r, http.StatusOK)
	cat := h.backend(http.MethodGet, "/api/v1/catalog", nil)
	if a, _ := cat.get("addons.1.archived"); a != nil {
		t.Errorf("after restoring version 1, extra-calls is archived: %s", cat)
	}
	expectStatus(t, h.backend(http.MethodPost, "/api/v1/catalog/versions/3/restore", nil), http.StatusConflict)

	// A version lacking an object created since would remove it: refused,
	// naming the collection, and nothing changes.
	grown := decodeAs[map[string]any](t, cat)
	grown["features"] = append(grown["features"].([]any), map[string]any{"id": "exports", "name": "Exports", "type": "boolean"})
	expectStatus(t, h.backend(http.MethodPut, "/api/v1/catalog", grown), http.StatusOK)
	expectProblem(t, h.backend(http.MethodPost, "/api/v1/catalog/versions/2/restore", nil), http.StatusUnprocessableEntity, "features")
	if r := h.backend(http.MethodGet, "/api/v1/catalog/versions?limit=1", nil); r.JSON.(map[string]any)["versions"].([]any)[0].(map[string]any)["version"] != 4.0 {
		t.Errorf("a refused restore made a version: %s", r)
	}
	h.backend(http.MethodPost, "/api/v1/customers", map[string]string{"id": "ada"})
	expectStatus(t, h.do(http.MethodGet, "/api/v1/catalog/versions", h.session("ada", "", ""), nil), http.StatusForbidden)
}

// Signing out ends the session on the server, on every replica: a copy of
// the cookie taken before (a stolen one) is refused by the API and the
// pages, while other sessions go on. A revocation is pruned once its
// session would have expired anyway.
func TestConsoleSignOutRevokesTheSessionOnEveryReplica(t *testing.T) {
	wall := clock.NewFrozen(time.Now())
	h := newHarness(t, withWallClock(wall))
	other := h.replica()
	pages := newWeb(t, other)
	stolen, kept := h.signIn(secretKey), h.signIn(secretKey)
	expectStatus(t, other.do(http.MethodGet, "/console/api/session", "", nil, cookieHeader(stolen)...), http.StatusOK)

	expectStatus(t, h.do(http.MethodPost, "/console/api/sign-out", "", "{}", asConsole(stolen)...), http.StatusOK)
	for name, srv := range map[string]*harness{"this replica": h, "another replica": other} {
		expectProblem(t, srv.do(http.MethodGet, "/console/api/session", "", nil, cookieHeader(stolen)...), http.StatusUnauthorized)
		expectProblem(t, srv.do(http.MethodPost, "/console/api/addons/extra-seats/archive", "", "{}", asConsole(stolen)...), http.StatusUnauthorized)
		if r := srv.do(http.MethodGet, "/console/api/session", "", nil, cookieHeader(kept)...); r.Status != http.StatusOK {
			t.Errorf("on %s, signing out one session ended another: %s", name, r)
		}
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest(http.MethodGet, pages.URL+"/console/history", nil)
	req.Header.Set("Cookie", stolen.Name+"="+stolen.Value)
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/console/sign-in") {
		t.Errorf("a console page with a signed-out session: %d to %q, want 303 to the sign-in page", res.StatusCode, res.Header.Get("Location"))
	}
	// Signing out again with the copy changes nothing.
	expectStatus(t, other.do(http.MethodPost, "/console/api/sign-out", "", "{}", asConsole(stolen)...), http.StatusOK)

	// Once the stolen session would have expired, the next sign-out prunes
	// its revocation: the cookie is refused for its age alone.
	wall.Advance(server.ConsoleTTL)
	latest := h.signIn(secretKey)
	expectStatus(t, other.do(http.MethodPost, "/console/api/sign-out", "", "{}", asConsole(latest)...), http.StatusOK)
	if revoked(t, h, stolen) || !revoked(t, h, latest) {
		t.Errorf("after the next sign-out, the expired session's revocation is kept %v, the new one's %v; want false, true",
			revoked(t, h, stolen), revoked(t, h, latest))
	}
	expectProblem(t, h.do(http.MethodGet, "/console/api/session", "", nil, cookieHeader(stolen)...), http.StatusUnauthorized)
}

// revoked reads from the store whether a session cookie's ID is revoked.
func revoked(t *testing.T, h *harness, c *http.Cookie) bool {
	t.Helper()
	id := strings.Split(c.Value, ".")[2]
	var out bool
	err := h.srv.Store.View(context.Background(), func(tx portico.Tx) error {
		var err error
		out, err = tx.ConsoleSessionRevoked(id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
