package server_test

import (
	"net/http"
	"testing"

	"github.com/portico-dev/portico/server"
)

func TestPortalAPIAnswersAllowedOriginsOnly(t *testing.T) {
	t.Parallel()
	allowed := "https://app.example.com"
	h := newHarness(t, func(s *server.Server) { s.CORSOrigins = []string{allowed} })
	h.createCustomer("ada", false)
	tok := h.session("ada", "", "")

	preflight := func(origin, path string) *response {
		return h.do(http.MethodOptions, path, "", nil, "Origin", origin, "Access-Control-Request-Method", "POST",
			"Access-Control-Request-Headers", "authorization, content-type, idempotency-key")
	}
	r := preflight(allowed, "/api/v1/portal/preview")
	if r.Status != http.StatusNoContent || r.Header.Get("Access-Control-Allow-Origin") != allowed ||
		r.Header.Get("Access-Control-Allow-Headers") == "" {
		t.Errorf("preflight from an allowed origin: %d %v", r.Status, r.Header)
	}
	for _, c := range []struct{ origin, path string }{
		{"https://evil.example", "/api/v1/portal/preview"},
		{allowed, "/api/v1/customers"},
	} {
		if r := preflight(c.origin, c.path); r.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("preflight from %s to %s was allowed", c.origin, c.path)
		}
	}
	r = h.do(http.MethodGet, "/api/v1/portal", tok, nil, "Origin", allowed)
	if r.Status != http.StatusOK || r.Header.Get("Access-Control-Allow-Origin") != allowed ||
		r.Header.Get("Access-Control-Expose-Headers") != "Retry-After, Idempotent-Replayed" {
		t.Errorf("portal from an allowed origin: %d %v", r.Status, r.Header)
	}
	// Errors carry the header too, so the page can read why it was refused.
	r = h.do(http.MethodGet, "/api/v1/portal", "ps_bad", nil, "Origin", allowed)
	if r.Status != http.StatusUnauthorized || r.Header.Get("Access-Control-Allow-Origin") != allowed {
		t.Errorf("refused portal call from an allowed origin: %d %v", r.Status, r.Header)
	}
}
