package server_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server"
	"github.com/portico-dev/portico/theme"
)

// newWeb serves the pages over a harness, with the repository's web files
// beside stand-ins for app.wasm and console.wasm.
func newWeb(t testing.TB, h *harness, embedOrigins ...string) *httptest.Server {
	t.Helper()
	return newWebWith(t, h, func(w *server.Web) { w.EmbedOrigins = embedOrigins })
}

// newWebWith serves the pages as newWeb does, with the Web set up by set.
func newWebWith(t testing.TB, h *harness, set func(*server.Web)) *httptest.Server {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"embed.js", "frame.js", "boot.js", "page.css"} {
		b, err := os.ReadFile(filepath.Join("..", "assets", "web", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, stand := range map[string]string{"app.wasm": "\x00asm portal", "console.wasm": "\x00asm console", "designer.wasm": "\x00asm designer"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(stand), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	w, err := server.NewWeb(h.srv, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	set(w)
	hs := httptest.NewServer(w.Handler())
	t.Cleanup(hs.Close)
	return hs
}

func get(t testing.TB, url string) (*http.Response, []byte) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

func TestEmbedScriptIsServedAndSmall(t *testing.T) {
	h := newHarness(t)
	hs := newWeb(t, h)
	res, body := get(t, hs.URL+"/embed.js")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/javascript") {
		t.Fatalf("GET /embed.js: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	for _, tag := range []string{"portico-portal", "portico-paywall", "portico-usage"} {
		if !bytes.Contains(body, []byte(`"`+tag+`"`)) {
			t.Errorf("embed.js does not define <%s>", tag)
		}
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(body)
	zw.Close()
	// The budget a host page pays for the embed.
	if gz.Len() > 5*1024 {
		t.Errorf("embed.js is %d bytes gzipped, over the 5 KB budget", gz.Len())
	}
}

func TestThemeSchemaIsPublished(t *testing.T) {
	h := newHarness(t)
	hs := newWeb(t, h)
	res, body := get(t, hs.URL+"/theme.schema.json")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/schema+json" {
		t.Fatalf("GET /theme.schema.json: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if !bytes.Equal(body, theme.Schema()) {
		t.Error("the published schema differs from theme.Schema()")
	}
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil || doc["properties"] == nil {
		t.Errorf("the schema is not a JSON Schema document (%v)", err)
	}
	if res.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Error("editors on other origins cannot fetch the schema")
	}
}

// Only the embed pages may be framed by the embed origins; the full portal
// only by Portico itself. Every page loads the frame bridge.
func TestEmbedPagesFrameAncestors(t *testing.T) {
	h := newHarness(t)
	h.createCustomer("ada", false)
	tok := h.session("ada", "", "")
	const host = "https://app.example.com"
	hs := newWeb(t, h, host)
	for _, c := range []struct {
		path, want string
	}{
		{"/embed/portal", "frame-ancestors 'self' " + host},
		{"/embed/paywall", "frame-ancestors 'self' " + host},
		{"/embed/usage", "frame-ancestors 'self' " + host},
		{"/portal", "frame-ancestors 'self'"},
	} {
		res, body := get(t, hs.URL+c.path+"?session="+tok)
		csp := res.Header.Get("Content-Security-Policy")
		if res.StatusCode != http.StatusOK || !strings.HasSuffix(csp, c.want) {
			t.Errorf("GET %s: %d, CSP %q, want it to end with %q", c.path, res.StatusCode, csp, c.want)
		}
		// The pages' forms are the client's: none may submit anywhere.
		if !strings.Contains(csp, "form-action 'none';") {
			t.Errorf("GET %s: CSP %q lets forms submit", c.path, csp)
		}
		if !regexp.MustCompile(`src="/web/frame\.js\?v=[0-9a-f]{16}"`).Match(body) {
			t.Errorf("GET %s: the page does not load /web/frame.js", c.path)
		}
		// The page's stylesheet is inlined: nothing to fetch before painting.
		if !bytes.Contains(body, []byte("html.portico-framed")) {
			t.Errorf("GET %s: the page's stylesheet is not in the page", c.path)
		}
	}
}

// Customers' pages load the portal's client; the console's and the
// designer's pages load their own, so the portal downloads neither.
func TestConsolePagesLoadTheirOwnClient(t *testing.T) {
	h := newHarness(t)
	hs := newWeb(t, h)
	_, page := get(t, hs.URL+"/console/sign-in")
	if !strings.Contains(string(page), `class="portico-prerendered`) {
		t.Error("the sign-in page's root is not marked prerendered")
	}
	if !strings.Contains(string(page), `data-scripts="/wasm_exec.js /console/app.js"`) || strings.Contains(string(page), `src="/app.js"`) {
		t.Errorf("the sign-in page does not load the console's script:\n%.2000s", page)
	}
	res, script := get(t, hs.URL+"/console/app.js")
	if res.StatusCode != 200 || !strings.Contains(string(script), `"/web/console.wasm"`) || strings.Contains(string(script), `"/web/app.wasm"`) {
		t.Errorf("/console/app.js: %d, loads console.wasm %v", res.StatusCode, strings.Contains(string(script), "console.wasm"))
	}
	if _, script := get(t, hs.URL+"/app.js"); !strings.Contains(string(script), `"/web/app.wasm"`) {
		t.Error("/app.js does not load app.wasm")
	}
	// The designer, too, loads its own client: customers never download it.
	_, page = get(t, hs.URL+"/designer")
	if !strings.Contains(string(page), `data-scripts="/wasm_exec.js /designer/app.js"`) {
		t.Errorf("the designer does not load its own script:\n%.2000s", page)
	}
	res, script = get(t, hs.URL+"/designer/app.js")
	if res.StatusCode != 200 || !strings.Contains(string(script), `"/web/designer.wasm"`) || strings.Contains(string(script), `"/web/app.wasm"`) {
		t.Errorf("/designer/app.js: %d, loads designer.wasm %v", res.StatusCode, strings.Contains(string(script), "designer.wasm"))
	}
	for path, want := range map[string]string{"/web/app.wasm": "portal", "/web/console.wasm": "console", "/web/designer.wasm": "designer"} {
		res, body := get(t, hs.URL+path)
		if res.StatusCode != 200 || !strings.HasSuffix(string(body), want) || res.Header.Get("Content-Type") != "application/wasm" {
			t.Errorf("%s: %d %q %s", path, res.StatusCode, body, res.Header.Get("Content-Type"))
		}
	}
}

// A page paints before its client loads: nothing but the page itself is
// fetched before the first paint, and the client's scripts are started by
// boot.js, which is served.
func TestPagesStartTheirClientAfterPainting(t *testing.T) {
	h := newHarness(t)
	h.createCustomer("ada", false)
	tok := h.session("ada", "", "")
	hs := newWeb(t, h)
	for _, path := range []string{"/portal", "/embed/portal", "/embed/paywall", "/designer"} {
		res, body := get(t, hs.URL+path+"?session="+tok)
		page := string(body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, res.StatusCode)
		}
		for _, absent := range []string{`href="/app.css"`, `src="/app.js"`, `src="/wasm_exec.js"`} {
			if strings.Contains(page, absent) {
				t.Errorf("GET %s: the page still has %s before its first paint", path, absent)
			}
		}
		for _, present := range []string{
			`" data-scripts="/wasm_exec.js /app.js"></script>`,
			".goapp-app-info {",    // go-app's stylesheet, inlined
			`id="app-wasm-loader"`, // the loader go-app's script looks for
			`<main class="portico-prerendered portico-page`,
		} {
			if path == "/designer" && strings.HasPrefix(present, "<main") {
				present = `class="portico-prerendered` // the designer's root is its own
			}
			if path == "/designer" && strings.Contains(present, "data-scripts") {
				present = `" data-scripts="/wasm_exec.js /designer/app.js"></script>` // its own client
			}
			if !strings.Contains(page, present) {
				t.Errorf("GET %s: the page lacks %s", path, present)
			}
		}
		if !regexp.MustCompile(`<script defer src="/web/boot\.js\?v=[0-9a-f]{16}" data-scripts=`).MatchString(page) {
			t.Errorf("GET %s: the page does not load boot.js by its version", path)
		}
		if n := strings.Count(page, "<script"); n != 2 {
			t.Errorf("GET %s: %d scripts, want boot.js and frame.js", path, n)
		}
	}
	res, boot := get(t, hs.URL+"/web/boot.js")
	if res.StatusCode != http.StatusOK || !strings.Contains(string(boot), "first-contentful-paint") {
		t.Errorf("GET /web/boot.js: %d", res.StatusCode)
	}
}

// Every answer forbids content sniffing, static files included: a file
// served with a guessed type must not run as script or style.
func TestEveryResponseForbidsContentSniffing(t *testing.T) {
	h := newHarness(t)
	hs := newWeb(t, h)
	for _, path := range []string{
		"/embed.js", "/web/frame.js", "/web/boot.js", "/web/page.css", "/web/missing.js",
		"/theme.schema.json", "/console/app.js", "/app.js", "/wasm_exec.js", "/app-worker.js",
		"/manifest.webmanifest", "/app.css", "/web/app.wasm", "/web/console.wasm",
		"/console/sign-in", "/healthz", "/nowhere",
	} {
		res, _ := get(t, hs.URL+path)
		if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET %s: %d, X-Content-Type-Options %q, want nosniff", path, res.StatusCode, got)
		}
	}
}

// The portal page is rendered with the add-ons the customer's plan sells,
// so the client shows them from the first paint without asking again.
func TestPortalPageCarriesTheAddonsOnOffer(t *testing.T) {
	h := newHarness(t)
	h.createCustomer("bea", true)
	h.change("bea", portico.ChangeRequest{PlanID: "basic"})
	hs := newWeb(t, h)
	res, body := get(t, hs.URL+"/portal?session="+h.session("bea", "", ""))
	page := string(body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /portal: %d", res.StatusCode)
	}
	for _, want := range []string{`id="portico-prerendered-offers"`, "Available add-ons", "portico-add-addon-button"} {
		if !strings.Contains(page, want) {
			t.Errorf("the portal page lacks %s", want)
		}
	}
}
