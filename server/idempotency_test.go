package server_test

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
	"testing"

	portico "github.com/portico-dev/portico"
)

const keyHeader = "Idempotency-Key"

func expectReplay(t *testing.T, first, again *response) {
	t.Helper()
	if again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("%s: no Idempotent-Replayed: true header", again)
	}
	if first.Header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("%s: the first answer says it is replayed", first)
	}
	if again.Status != first.Status || !bytes.Equal(again.Body, first.Body) ||
		again.Header.Get("Content-Type") != first.Header.Get("Content-Type") {
		t.Fatalf("replay differs from the first answer:\nfirst: %s (%s)\nagain: %s (%s)",
			first, first.Header.Get("Content-Type"), again, again.Header.Get("Content-Type"))
	}
}

func TestIdempotentUsageCountsOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createCustomer("ada", false)
	body := M{"customerId": "ada", "featureId": featCalls, "value": 70}

	first := h.backend(http.MethodPost, "/api/v1/usage", body, keyHeader, "usage-1")
	expectStatus(t, first, http.StatusOK)
	again := h.backend(http.MethodPost, "/api/v1/usage", body, keyHeader, "usage-1")
	expectReplay(t, first, again)
	if got := h.entitlements("ada", "")[featCalls].Usage; got != 70 {
		t.Fatalf("usage %d after a replayed report, want 70", got)
	}

	// Another key is another report.
	expectStatus(t, h.backend(http.MethodPost, "/api/v1/usage", body, keyHeader, "usage-2"), http.StatusOK)
	if got := h.entitlements("ada", "")[featCalls].Usage; got != 140 {
		t.Fatalf("usage %d after a second key, want 140", got)
	}

	// The same key with another body is refused, naming the header.
	before := h.snapshot("ada")
	expectProblem(t, h.backend(http.MethodPost, "/api/v1/usage", M{"customerId": "ada", "featureId": featCalls, "value": 7}, keyHeader, "usage-1"),
		http.StatusUnprocessableEntity, "Idempotency-Key")
	h.expectUnchanged(before, "ada")
	// The original body is still replayed afterwards.
	expectReplay(t, first, h.backend(http.MethodPost, "/api/v1/usage", body, keyHeader, "usage-1"))
	h.expectUnchanged(before, "ada")
}

func TestIdempotentChangeInvoicesOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createCustomer("ada", true)
	body := M{"planId": planBasic, "addons": []M{{"id": addonSeats, "quantity": 1}}}
	first := h.backend(http.MethodPost, "/api/v1/customers/ada/subscriptions", body, keyHeader, "upgrade-ada")
	expectStatus(t, first, http.StatusOK)
	again := h.backend(http.MethodPost, "/api/v1/customers/ada/subscriptions", body, keyHeader, "upgrade-ada")
	expectReplay(t, first, again)
	if got := invoiceTotals(h.portalView("ada")); len(got) != 1 || got[0] != 1400 {
		t.Fatalf("invoices %v, want one of 1400", got)
	}
	// Without a key the repeat is a new request: already on these terms.
	expectProblem(t, h.backend(http.MethodPost, "/api/v1/customers/ada/subscriptions", body), http.StatusConflict)

	// Through the portal too: a downgrade scheduled once.
	tok := h.session("ada", "", "")
	down := M{"planId": planFree}
	p1 := h.portal(tok, http.MethodPost, "/api/v1/portal/subscriptions", down, keyHeader, "downgrade")
	expectStatus(t, p1, http.StatusOK)
	before := h.snapshot("ada")
	expectReplay(t, p1, h.portal(tok, http.MethodPost, "/api/v1/portal/subscriptions", down, keyHeader, "downgrade"))
	h.expectUnchanged(before, "ada")
}

func TestIdempotentCreateReplays201(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	body := M{"id": "ada", "name": "Ada"}
	first := h.backend(http.MethodPost, "/api/v1/customers", body, keyHeader, "create-ada")
	expectStatus(t, first, http.StatusCreated)
	expectReplay(t, first, h.backend(http.MethodPost, "/api/v1/customers", body, keyHeader, "create-ada"))
	// Without the key it is a second creation: a conflict.
	expectProblem(t, h.backend(http.MethodPost, "/api/v1/customers", body), http.StatusConflict)
	if n := len(h.customer("ada").Subscriptions); n != 1 {
		t.Fatalf("%d subscriptions after a replayed create, want 1", n)
	}
}

func TestIdempotentRefusalReplays(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createCustomer("ada", false)
	before := h.snapshot("ada")
	body := M{"planId": "platinum"}
	first := h.backend(http.MethodPost, "/api/v1/customers/ada/subscriptions", body, keyHeader, "typo")
	expectProblem(t, first, http.StatusUnprocessableEntity, "planId")
	again := h.backend(http.MethodPost, "/api/v1/customers/ada/subscriptions", body, keyHeader, "typo")
	expectReplay(t, first, again)
	expectProblem(t, again, http.StatusUnprocessableEntity, "planId")
	h.expectUnchanged(before, "ada")
}

func TestIdempotencyKeysArePerPrincipalAndRoute(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createCustomer("alice", true)
	h.createCustomer("bob", true)
	alice, bob := h.session("alice", "", ""), h.session("bob", "", "")
	body := M{"planId": planBasic}

	// One key, two portal customers: each change is made.
	ra := h.portal(alice, http.MethodPost, "/api/v1/portal/subscriptions", body, keyHeader, "k")
	rb := h.portal(bob, http.MethodPost, "/api/v1/portal/subscriptions", body, keyHeader, "k")
	expectStatus(t, ra, http.StatusOK)
	expectStatus(t, rb, http.StatusOK)
	if rb.Header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("bob's request was answered with alice's: %s", rb)
	}
	a, b := decodeAs[portico.ChangeResult](t, ra), decodeAs[portico.ChangeResult](t, rb)
	if a.Subscription.ID == b.Subscription.ID || h.liveSub("alice", acme, "").Plan.ID != planBasic || h.liveSub("bob", acme, "").Plan.ID != planBasic {
		t.Fatalf("alice %+v, bob %+v: both should be on basic", a.Subscription, b.Subscription)
	}

	// The backend's key space is its own: the same key and body for alice
	// through the backend is a new request (here: already on these terms).
	expectProblem(t, h.backend(http.MethodPost, "/api/v1/customers/alice/subscriptions", body, keyHeader, "k"), http.StatusConflict)

	// One key on two routes: both run.
	r1 := h.backend(http.MethodPost, "/api/v1/usage", M{"customerId": "alice", "featureId": featSeats, "value": 2}, keyHeader, "shared")
	r2 := h.backend(http.MethodPost, "/api/v1/customers/alice/promotions", M{"featureId": featSSO}, keyHeader, "shared")
	expectStatus(t, r1, http.StatusOK)
	expectStatus(t, r2, http.StatusCreated)
	if e := h.entitlements("alice", ""); e[featSeats].Usage != 2 || e[featSSO].Source != "promotion" {
		t.Fatalf("entitlements after one key on two routes: %+v", e)
	}

	// A second session of the same customer and scope shares its keys.
	alice2 := h.session("alice", "", "")
	expectReplay(t, ra, h.portal(alice2, http.MethodPost, "/api/v1/portal/subscriptions", body, keyHeader, "k"))
}

func TestIdempotencyKeyLimits(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createCustomer("ada", false)
	before := h.snapshot("ada")
	body := M{"customerId": "ada", "featureId": featSeats, "value": 1}
	expectProblem(t, h.backend(http.MethodPost, "/api/v1/usage", body, keyHeader, strings.Repeat("k", 256)),
		http.StatusUnprocessableEntity, "Idempotency-Key")
	h.expectUnchanged(before, "ada")
	r := h.backend(http.MethodPost, "/api/v1/usage", body, keyHeader, strings.Repeat("k", 255))
	expectStatus(t, r, http.StatusOK)

	// GETs ignore the header.
	g1 := h.backend(http.MethodGet, "/api/v1/customers/ada/entitlements", nil, keyHeader, "read")
	h.reportUsage("ada", featSeats, 1, "")
	g2 := h.backend(http.MethodGet, "/api/v1/customers/ada/entitlements", nil, keyHeader, "read")
	if g2.Header.Get("Idempotent-Replayed") != "" || bytes.Equal(g1.Body, g2.Body) {
		t.Fatalf("a GET with an Idempotency-Key was replayed: %s", g2)
	}
}

// Concurrent repeats of one keyed request run it once: the others get the
// first answer or are told it is still running.
func TestIdempotentConcurrentRepeatsRunOnce(t *testing.T) {
	t.Parallel()
	const n = 20
	h := newHarness(t)
	h.createCustomer("ada", false)
	body := M{"customerId": "ada", "featureId": featSeats, "value": 3}
	var wg sync.WaitGroup
	answers := make([]*response, n)
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			answers[i], errs[i] = h.try(http.MethodPost, "/api/v1/usage", secretKey, body, keyHeader, "burst")
		}()
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	fresh := 0
	var first *response
	for _, r := range answers {
		switch {
		case r.Status == http.StatusOK && r.Header.Get("Idempotent-Replayed") == "":
			fresh++
			first = r
		case r.Status == http.StatusOK:
		case r.Status == http.StatusConflict:
			expectProblem(t, r, http.StatusConflict)
		default:
			t.Errorf("unexpected answer %s", r)
		}
	}
	if fresh != 1 {
		t.Fatalf("%d requests ran, want 1", fresh)
	}
	for _, r := range answers {
		if r.Status == http.StatusOK && r != first {
			expectReplay(t, first, r)
		}
	}
	if got := h.entitlements("ada", "")[featSeats].Usage; got != 3 {
		t.Fatalf("seats usage %d, want 3", got)
	}
}
