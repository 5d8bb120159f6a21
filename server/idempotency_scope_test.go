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
