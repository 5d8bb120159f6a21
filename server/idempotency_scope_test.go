package server_test

import (
	"net/http"
	"testing"
)

// Sessions of one customer with other scopes keep their keys apart: the
// docs site's session never gets the blog's answer back.
func TestIdempotencyKeysAreKeptPerSessionScope(t *testing.T) {
	t.Parallel()
	f := newTwoSites(t)
	docsOnly := f.h.session("ada", "", "docs")
	body := M{"planId": planGrowth}
	blog := f.h.portal(f.blogOnly, http.MethodPost, "/api/v1/portal/preview", body, keyHeader, "k")
	expectStatus(t, blog, http.StatusOK)
	docs := f.h.portal(docsOnly, http.MethodPost, "/api/v1/portal/preview", body, keyHeader, "k")
	if docs.Header.Get("Idempotent-Replayed") != "" || string(docs.Body) == string(blog.Body) {
		t.Fatalf("the docs session was answered with the blog session's answer: %s", docs)
	}
	// The docs site is on Growth already: its own answer says so.
	expectProblem(t, docs, http.StatusConflict)
	// The product-and-resource scope is another scope again.
	both := f.h.portal(f.blogApp, http.MethodPost, "/api/v1/portal/preview", body, keyHeader, "k")
	if both.Header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("a session limited to sites/blog replayed the blog-only session's answer: %s", both)
	}
	// A session of the same scope shares them.
	expectReplay(t, blog, f.h.portal(f.h.session("ada", "", "blog"), http.MethodPost, "/api/v1/portal/preview", body, keyHeader, "k"))
}

// A record lives for 24 hours by the server's clock (the test clock here):
// within them a repeat replays, past them the key is new again.
func TestIdempotencyRecordsExpireAfterADay(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createCustomer("ada", false)
	body := M{"customerId": "ada", "featureId": featCalls, "value": 5}
	first := h.backend(http.MethodPost, "/api/v1/usage", body, keyHeader, "report")
	expectStatus(t, first, http.StatusOK)

	h.advance(M{"by": "23h59m59s"})
	expectReplay(t, first, h.backend(http.MethodPost, "/api/v1/usage", body, keyHeader, "report"))
	expectProblem(t, h.backend(http.MethodPost, "/api/v1/usage", M{"customerId": "ada", "featureId": featCalls, "value": 6}, keyHeader, "report"),
		http.StatusUnprocessableEntity, "Idempotency-Key")
	if got := h.entitlements("ada", "")[featCalls].Usage; got != 5 {
		t.Fatalf("usage %d within the day, want 5", got)
	}

	h.advance(M{"by": "1s"})
	again := h.backend(http.MethodPost, "/api/v1/usage", body, keyHeader, "report")
	expectStatus(t, again, http.StatusOK)
	if again.Header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("a key 24 hours old was replayed: %s", again)
	}
	if got := h.entitlements("ada", "")[featCalls].Usage; got != 10 {
		t.Fatalf("usage %d after the key expired and the report was sent again, want 10", got)
	}
	// The new request's record is the one kept now.
	expectReplay(t, again, h.backend(http.MethodPost, "/api/v1/usage", body, keyHeader, "report"))
}
