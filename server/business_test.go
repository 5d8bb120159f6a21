package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server"
)

func TestSupportLinkTakesWebAndMailAddressesOnly(t *testing.T) {
	for in, want := range map[string]string{
		"https://help.example.com/contact": "https://help.example.com/contact",
		"http://help.example.com":          "http://help.example.com",
		"mailto:help@example.com":          "mailto:help@example.com",
		"help@example.com":                 "mailto:help@example.com",
		" help@example.com ":               "mailto:help@example.com",
		"javascript:alert(1)":              "",
		"data:text/html,x":                 "",
		"mailto:":                          "",
		"https:///x":                       "",
		"Help <help@example.com>":          "",
		"not an address":                   "",
		"":                                 "",
	} {
		if got := server.SupportLink(in); got != want {
			t.Errorf("SupportLink(%q) = %q, want %q", in, got, want)
		}
	}
}

// The portal view carries the server's business and the session's support
// link, which overrides the server's; a bad one is refused by name.
func TestPortalViewCarriesTheBusiness(t *testing.T) {
	h := newHarness(t, func(s *server.Server) {
		s.Business = portico.Business{Name: "Acme", LogoURL: "/web/icon.svg", SupportURL: "mailto:help@example.com"}
	})
	h.createCustomer("ada", false)
	view := func(tok string) portico.PortalView {
		t.Helper()
		r := h.portal(tok, http.MethodGet, "/api/v1/portal", nil)
		expectStatus(t, r, http.StatusOK)
		return decodeAs[portico.PortalView](t, r)
	}
	if b := view(h.session("ada", "", "")).Business; b == nil || *b != h.srv.Business {
		t.Errorf("business = %+v, want the server's %+v", b, h.srv.Business)
	}
	r := h.backend(http.MethodPost, "/api/v1/portal-sessions", map[string]string{"customerId": "ada",
		"supportUrl": "care@acme.example", "returnUrl": "https://app.acme.example/account"})
	expectStatus(t, r, http.StatusCreated)
	v := view(decodeAs[portico.PortalSession](t, r).Token)
	if v.Business == nil || v.Business.SupportURL != "mailto:care@acme.example" || v.Business.Name != "Acme" {
		t.Errorf("business with the session's support link = %+v", v.Business)
	}
	if v.ReturnURL != "https://app.acme.example/account" {
		t.Errorf("returnUrl = %q", v.ReturnURL)
	}
	bad := h.backend(http.MethodPost, "/api/v1/portal-sessions", map[string]string{"customerId": "ada", "supportUrl": "javascript:alert(1)"})
	expectProblem(t, bad, http.StatusUnprocessableEntity, "supportUrl")
}

// A logo on another server is allowed by the pages' policy, and only it.
func TestPagesAllowTheLogosOrigin(t *testing.T) {
	h := newHarness(t, func(s *server.Server) {
		s.Business = portico.Business{Name: "Acme", LogoURL: "https://cdn.acme.example/logo.svg"}
	})
	h.createCustomer("ada", false)
	hs := newWeb(t, h)
	res, body := get(t, hs.URL+"/portal?session="+h.session("ada", "", ""))
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' data: https://cdn.acme.example;") {
		t.Errorf("CSP %q does not allow the logo's origin", csp)
	}
	if !strings.Contains(string(body), `src="https://cdn.acme.example/logo.svg"`) {
		t.Error("the prerendered portal does not show the logo")
	}
}

// A tampered session is told apart from an expired one, in the API and in
// the prerendered page.
func TestTamperedSessionIsNotExpired(t *testing.T) {
	h := newHarness(t)
	h.createCustomer("ada", false)
	tok := h.session("ada", "", "")
	tampered := tok[:len(tok)-2] + "xx"
	if tampered == tok {
		tampered = tok[:len(tok)-2] + "yy"
	}
	r := h.portal(tampered, http.MethodGet, "/api/v1/portal", nil)
	if p := expectProblem(t, r, http.StatusUnauthorized); p.Title != portico.TitleSessionInvalid {
		t.Errorf("tampered session: title %q, want %q", p.Title, portico.TitleSessionInvalid)
	}
	hs := newWeb(t, h)
	_, body := get(t, hs.URL+"/portal?session="+tampered)
	if !strings.Contains(string(body), "This link is not valid.") || strings.Contains(string(body), "has expired") {
		t.Error("the page for a tampered session does not say the link is not valid")
	}
	h.clock.Advance(2 * time.Hour)
	r = h.portal(tok, http.MethodGet, "/api/v1/portal", nil)
	if p := expectProblem(t, r, http.StatusUnauthorized); p.Title != portico.TitleSessionExpired {
		t.Errorf("expired session: title %q, want %q", p.Title, portico.TitleSessionExpired)
	}
}
