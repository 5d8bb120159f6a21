package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server"
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

// withKeyLimit bounds each portal scope's live idempotency records.
func withKeyLimit(n int) option { return func(s *server.Server) { s.IdempotencyLimit = n } }

// One portal scope keeps at most the limit's records a day: past it a
// keyed request is refused with 429 and Retry-After, changing nothing;
// replays, unkeyed requests, other scopes and the backend go on.
func TestPortalIdempotencyRecordsAreBounded(t *testing.T) {
	t.Parallel()
	f := newTwoSites(t, withKeyLimit(3))
	h := f.h
	// A session that outlives the hour the test moves the clock by.
	r := h.backend(http.MethodPost, "/api/v1/portal-sessions", M{"customerId": "ada", "ttl": "2h"})
	expectStatus(t, r, http.StatusCreated)
	tok := decodeAs[portico.PortalSession](t, r).Token
	preview := M{"planId": planPro}
	var kept *response
	for i := range 3 {
		r := h.portal(tok, http.MethodPost, "/api/v1/portal/preview", preview, keyHeader, fmt.Sprint("preview-", i))
		expectStatus(t, r, http.StatusOK)
		kept = r
	}
	h.advance(M{"by": "1h"})

	before := h.snapshot("ada")
	r = h.portal(tok, http.MethodPost, "/api/v1/portal/subscriptions", preview, keyHeader, "change")
	p := expectProblem(t, r, http.StatusTooManyRequests, "Idempotency-Key")
	if got := r.Header.Get("Retry-After"); got != strconv.Itoa(23*3600) {
		t.Errorf("Retry-After %q, want %d (when the oldest record expires)", got, 23*3600)
	}
	if !strings.Contains(p.Detail, "without an Idempotency-Key") {
		t.Errorf("detail %q does not say how to go on", p.Detail)
	}
	h.expectUnchanged(before, "ada")

	expectReplay(t, kept, h.portal(tok, http.MethodPost, "/api/v1/portal/preview", preview, keyHeader, "preview-2"))
	expectStatus(t, h.portal(tok, http.MethodPost, "/api/v1/portal/preview", preview), http.StatusOK)
	expectStatus(t, h.portal(h.session("ada", "", "blog"), http.MethodPost, "/api/v1/portal/preview", M{"planId": planGrowth}, keyHeader, "change"), http.StatusOK)
	for i := range 5 {
		expectStatus(t, h.backend(http.MethodPost, "/api/v1/usage", M{"customerId": "ada", "featureId": featCalls, "value": 1},
			keyHeader, fmt.Sprint("usage-", i)), http.StatusOK)
	}

	// Once the first records expire, the scope keeps answers again.
	h.advance(M{"by": "23h"})
	expectStatus(t, h.portal(h.session("ada", "", ""), http.MethodPost, "/api/v1/portal/subscriptions", preview, keyHeader, "change"), http.StatusOK)
}

// heldRecords counts the principal's records made after t0, from the store.
func heldRecords(t *testing.T, h *harness, principal string) int {
	t.Helper()
	var n int
	err := h.srv.Store.View(context.Background(), func(tx portico.Tx) error {
		var err error
		n, _, err = tx.IdempotencyHeld(principal, t0.Add(-time.Hour))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Pruning deletes, a batch at a time, the records that have expired by the
// server's clock, and only those.
func TestPruningDeletesExpiredIdempotencyRecords(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	const many = 1234 // more than one batch
	err := h.srv.Store.Update(context.Background(), func(tx portico.Tx) error {
		for i := range many {
			err := tx.PutIdempotency(&portico.IdempotencyRecord{Scope: "portal:ada// POST /api/v1/portal/preview",
				Principal: "portal:ada//", Key: fmt.Sprint("k", i), RequestHash: "h", Status: 200, Body: []byte("{}\n"), CreatedAt: t0})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	h.advance(M{"by": "12h"})
	h.createCustomer("ada", false)
	expectStatus(t, h.backend(http.MethodPost, "/api/v1/usage", M{"customerId": "ada", "featureId": featCalls, "value": 1}, keyHeader, "fresh"), http.StatusOK)

	ctx := context.Background()
	if n, err := h.srv.PruneIdempotency(ctx); err != nil || n != 0 {
		t.Fatalf("pruned %d (%v) before anything expired", n, err)
	}
	h.advance(M{"by": "12h"})
	if n, err := h.srv.PruneIdempotency(ctx); err != nil || n != many {
		t.Fatalf("pruned %d (%v), want the %d expired records", n, err, many)
	}
	if n := heldRecords(t, h, "portal:ada//"); n != 0 {
		t.Errorf("%d expired records left", n)
	}
	if n := heldRecords(t, h, "backend"); n != 1 {
		t.Errorf("the backend holds %d records after pruning, want its live one", n)
	}
	if n, err := h.srv.PruneIdempotency(ctx); err != nil || n != 0 {
		t.Errorf("a second pruning deleted %d (%v)", n, err)
	}
}
