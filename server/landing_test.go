package server_test

import (
	"crypto/sha256"
	"encoding/base64"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server"
)

// / is a start page linking the console, the designer and the
// documentation, under a CSP that runs no script; it opens no portal
// session without the demo.
func TestStartPageLinksTheConsoleAndTheDesigner(t *testing.T) {
	h := newHarness(t)
	hs := newWeb(t, h)
	res, body := get(t, hs.URL+"/")
	page := string(body)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("GET /: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	for _, link := range []string{`href="/console"`, `href="/designer"`, `href="/theme.schema.json"`, "docs/api.md"} {
		if !strings.Contains(page, link) {
			t.Errorf("the start page lacks %s", link)
		}
	}
	if strings.Contains(page, "session=") || strings.Contains(page, "Demo portals") {
		t.Error("without the demo, the start page lists portal sessions")
	}
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "frame-ancestors 'none'", "form-action 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %s", csp, want)
		}
	}
	if strings.Contains(csp, "script-src") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP %q admits scripts or any inline style", csp)
	}
	// The page's one stylesheet is the one the CSP admits by its hash.
	style := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindStringSubmatch(page)
	if style == nil {
		t.Fatal("the start page has no stylesheet")
	}
	sum := sha256.Sum256([]byte(style[1]))
	if hash := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !strings.Contains(csp, "style-src "+hash) {
		t.Errorf("CSP %q does not admit the page's stylesheet (%s)", csp, hash)
	}
	for header, want := range map[string]string{"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff"} {
		if got := res.Header.Get(header); got != want {
			t.Errorf("%s: %q, want %q", header, got, want)
		}
	}
	if res, _ := get(t, hs.URL+"/nothing-here"); res.StatusCode != http.StatusNotFound {
		t.Errorf("GET /nothing-here: %d, want 404", res.StatusCode)
	}
}

// With the demo, the start page opens a working portal session for each
// demo customer, their descriptions escaped.
func TestStartPageOpensTheDemoPortals(t *testing.T) {
	h := newHarness(t)
	h.createCustomer("ada", false)
	const shows = `free plan <script>alert("x")</script> & more`
	hs := newWebWith(t, h, func(w *server.Web) {
		w.Demo = []server.DemoCustomer{{ID: "ada", Shows: shows, Scope: portico.PortalScope{CustomerID: "ada"}}}
	})
	_, body := get(t, hs.URL+"/")
	page := string(body)
	if strings.Contains(page, "<script>") || !strings.Contains(page, html.EscapeString(shows)) {
		t.Errorf("the demo customer's description is not escaped:\n%s", page)
	}
	link := regexp.MustCompile(`href="/portal\?session=([^"]+)"`).FindStringSubmatch(page)
	if link == nil {
		t.Fatalf("the start page has no demo portal link:\n%s", page)
	}
	res, _ := get(t, hs.URL+"/portal?session="+html.UnescapeString(link[1]))
	if res.StatusCode != http.StatusOK {
		t.Errorf("the demo portal link: %d", res.StatusCode)
	}
	token := html.UnescapeString(link[1])
	expectStatus(t, h.portal(token, http.MethodGet, "/api/v1/portal", nil), http.StatusOK)
	if !strings.Contains(page, "valid for 1 hour") {
		t.Error("the start page does not say how long its sessions last")
	}
}
