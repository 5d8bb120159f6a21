package server_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
)

// The catalog carries its version as an ETag; a change sent with If-Match
// applies to that version only, so two people editing from the same copy
// cannot undo each other's change unseen.
func TestCatalogChangesMadeOnAStaleCopyAreRefused(t *testing.T) {
	h := newHarness(t)
	read := h.do(http.MethodGet, "/api/v1/catalog", secretKey, nil)
	expectStatus(t, read, http.StatusOK)
	etag := read.Header.Get("ETag")
	if etag == "" {
		t.Fatal("GET /api/v1/catalog has no ETag")
	}
	edited := strings.Replace(string(read.Body), `"name":"Acme Cloud"`, `"name":"Acme Cloud One"`, 1)
	if edited == string(read.Body) {
		t.Fatal("the demo catalog has no product named Acme Cloud")
	}

	// Two edits of the same copy at once: one lands, the other is told the
	// catalog has changed.
	statuses := make([]int, 2)
	var wg sync.WaitGroup
	for i, name := range []string{"Acme Cloud One", "Acme Cloud Two"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := strings.Replace(string(read.Body), `"name":"Acme Cloud"`, `"name":"`+name+`"`, 1)
			r, err := h.try(http.MethodPut, "/api/v1/catalog", secretKey, body, "If-Match", etag)
			if err == nil {
				statuses[i] = r.Status
			}
		}()
	}
	wg.Wait()
	if !(statuses[0] == 200 && statuses[1] == 412) && !(statuses[0] == 412 && statuses[1] == 200) {
		t.Fatalf("two changes of one copy answered %v, want one 200 and one 412", statuses)
	}
	after := h.do(http.MethodGet, "/api/v1/catalog", secretKey, nil)
	if after.Header.Get("ETag") == etag {
		t.Error("the ETag did not change with the catalog")
	}
	before := h.do(http.MethodGet, "/api/v1/catalog/versions", secretKey, nil)

	stale := h.do(http.MethodPost, "/api/v1/plans/pro/archive", secretKey, struct{}{}, "If-Match", etag)
	expectStatus(t, stale, http.StatusPreconditionFailed)
	if ct := stale.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("a 412 answered as %s", ct)
	}
	if got := h.do(http.MethodGet, "/api/v1/catalog/versions", secretKey, nil); string(got.Body) != string(before.Body) {
		t.Error("a refused change saved a version")
	}

	current := after.Header.Get("ETag")
	ok := h.do(http.MethodPost, "/api/v1/addons/extra-seats/archive", secretKey, struct{}{}, "If-Match", current)
	expectStatus(t, ok, http.StatusOK)
	if next := ok.Header.Get("ETag"); next == "" || next == current {
		t.Errorf("the archive answered ETag %q after %q, want the next version's", next, current)
	}
	if again := h.do(http.MethodGet, "/api/v1/catalog", secretKey, nil); again.Header.Get("ETag") != ok.Header.Get("ETag") {
		t.Errorf("the change's ETag %q is not the catalog's %q", ok.Header.Get("ETag"), again.Header.Get("ETag"))
	}
	bad := h.do(http.MethodPut, "/api/v1/catalog", secretKey, edited, "If-Match", "v-one")
	expectStatus(t, bad, http.StatusUnprocessableEntity)
	if !strings.Contains(string(bad.Body), `"field":"If-Match"`) {
		t.Errorf("a malformed If-Match: %s", bad.Body)
	}
	// Without If-Match a change applies to whatever is current, as before.
	expectStatus(t, h.do(http.MethodPut, "/api/v1/catalog", secretKey, edited), http.StatusOK)
}
