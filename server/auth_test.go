package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/internal/testkit"
	"github.com/portico-dev/portico/server/session"
)

// authFixture is two customers, each with subscriptions whose change would
// show: alice on Basic with a downgrade scheduled and a blog site, bob on
// Pro with a downgrade scheduled.
type authFixture struct {
	h                  *harness
	aliceAcme, bobAcme string
	aliceBlog          string
	expired            string // alice's session, expired
	alice, bob         string // unscoped sessions
	aliceBlogOnly      string // alice's session limited to sites/blog
}

func newAuthFixture(t *testing.T) *authFixture {
	h := newHarness(t)
	f := &authFixture{h: h}
	h.createCustomer("alice", true)
	h.createCustomer("bob", true)
	f.aliceAcme = h.change("alice", M{"planId": planBasic}).Subscription.ID
	f.aliceBlog = h.change("alice", M{"planId": planStarter, "resourceId": "blog"}).Subscription.ID
	h.change("bob", M{"planId": planBasic})
	f.bobAcme = h.change("bob", M{"planId": planPro}).Subscription.ID
	r := h.backend(http.MethodPost, "/api/v1/portal-sessions", M{"customerId": "alice", "ttl": "30m"})
	expectStatus(t, r, http.StatusCreated)
	f.expired = decodeAs[portico.PortalSession](t, r).Token
	h.advance(M{"by": "1h"})

	f.alice, f.bob = h.session("alice", "", ""), h.session("bob", "", "")
	f.aliceBlogOnly = h.session("alice", sites, "blog")
	expectStatus(t, h.portal(f.alice, http.MethodPost, "/api/v1/portal/subscriptions", M{"planId": planFree}), http.StatusOK)
	expectStatus(t, h.portal(f.bob, http.MethodPost, "/api/v1/portal/subscriptions", M{"planId": planBasic}), http.StatusOK)
	return f
}

// state is what a refused request must leave alone: both customers, the
// catalog, the clock and the customer a refused create would have made.
func (f *authFixture) state() string {
	f.h.t.Helper()
	s := f.h.snapshot("alice", "bob", "mallory")
	return s + "clock " + f.h.clock.Now().Format(time.RFC3339Nano)
}

func (f *authFixture) expectUnchanged(t *testing.T, before string, what string) {
	t.Helper()
	if after := f.state(); after != before {
		t.Fatalf("%s changed the state:\nbefore:\n%s\nafter:\n%s", what, before, after)
	}
}

type route struct {
	method, path string
	body         any
}

func (r route) String() string { return r.method + " " + r.path }

func (r route) mutating() bool { return r.method != http.MethodGet }

func (f *authFixture) backendRoutes(t *testing.T) []route {
	next := *testkit.DemoCatalog(t)
	next.Features = append(next.Features, portico.Feature{ID: "webhooks", Name: "Webhooks", Type: portico.FeatureBoolean})
	return []route{
		{http.MethodGet, "/api/v1/catalog", nil},
		{http.MethodPut, "/api/v1/catalog", next},
		{http.MethodPost, "/api/v1/products/sites/archive", nil},
		{http.MethodPost, "/api/v1/plans/basic/archive", nil},
		{http.MethodPost, "/api/v1/addons/extra-seats/archive", nil},
		{http.MethodPost, "/api/v1/customers", M{"id": "mallory"}},
		{http.MethodGet, "/api/v1/customers/alice", nil},
		{http.MethodPut, "/api/v1/customers/alice/billing", M{"name": "Mallory"}},
		{http.MethodPost, "/api/v1/customers/alice/subscriptions", M{"planId": planPro}},
		{http.MethodPost, "/api/v1/subscriptions/" + f.aliceAcme + "/cancel", nil},
		{http.MethodDelete, "/api/v1/subscriptions/" + f.bobAcme + "/scheduled-updates", nil},
		{http.MethodPost, "/api/v1/customers/alice/promotions", M{"featureId": featSSO}},
		{http.MethodPost, "/api/v1/usage", M{"customerId": "alice", "featureId": featSeats, "value": 1}},
		{http.MethodGet, "/api/v1/customers/alice/entitlements", nil},
		{http.MethodPost, "/api/v1/portal-sessions", M{"customerId": "alice"}},
		{http.MethodGet, "/api/v1/test-clock", nil},
		{http.MethodPost, "/api/v1/test-clock/advance", M{"by": "720h"}},
	}
}

func (f *authFixture) portalRoutes() []route {
	return []route{
		{http.MethodGet, "/api/v1/portal", nil},
		{http.MethodGet, "/api/v1/portal/paywall?productId=acme", nil},
		{http.MethodPost, "/api/v1/portal/preview", M{"planId": planPro}},
		{http.MethodPost, "/api/v1/portal/subscriptions", M{"planId": planPro}},
		{http.MethodDelete, "/api/v1/portal/subscriptions/" + f.aliceAcme + "/scheduled-updates", nil},
		{http.MethodPost, "/api/v1/portal/subscriptions/" + f.aliceAcme + "/cancel", nil},
		{http.MethodPost, "/api/v1/portal/billing-session", M{}},
	}
}

// send makes the request with a raw Authorization header (none when "").
func (f *authFixture) send(rt route, authorization string) *response {
	f.h.t.Helper()
	if authorization == "" {
		return f.h.do(rt.method, rt.path, "", rt.body)
	}
	return f.h.do(rt.method, rt.path, "", rt.body, "Authorization", authorization)
}

// tamper changes one character of the token's signature.
func tamper(tok string) string {
	last := tok[len(tok)-2]
	repl := byte('A')
	if last == 'A' {
		repl = 'B'
	}
	return tok[:len(tok)-2] + string(repl) + tok[len(tok)-1:]
}

// swapClaims puts other's claims under tok's signature.
func swapClaims(tok, other string) string {
	_, sig, _ := strings.Cut(strings.TrimPrefix(tok, session.Prefix), ".")
	body, _, _ := strings.Cut(strings.TrimPrefix(other, session.Prefix), ".")
	return session.Prefix + body + "." + sig
}

func expectUnauthorized(t *testing.T, r *response) problemDoc {
	t.Helper()
	p := expectProblem(t, r, http.StatusUnauthorized)
	if ch := r.Header.Get("WWW-Authenticate"); !strings.HasPrefix(ch, "Bearer") {
		t.Errorf("%s: 401 without a Bearer challenge (WWW-Authenticate %q)", r, ch)
	}
	return p
}

func TestBackendRoutesRefuseWrongCredentials(t *testing.T) {
	t.Parallel()
	f := newAuthFixture(t)
	before := f.state()
	creds := []struct {
		name, authorization string
		status              int
	}{
		{"no token", "", http.StatusUnauthorized},
		{"empty bearer", "Bearer ", http.StatusUnauthorized},
		{"basic auth", "Basic YWRtaW46YWRtaW4=", http.StatusUnauthorized},
		{"key without scheme", secretKey, http.StatusUnauthorized},
		{"wrong key", "Bearer sk_test_wrong", http.StatusUnauthorized},
		{"key with a suffix", "Bearer " + secretKey + "x", http.StatusUnauthorized},
		{"key prefix", "Bearer " + secretKey[:len(secretKey)-1], http.StatusUnauthorized},
		{"portal session", "Bearer " + f.alice, http.StatusForbidden},
		{"expired portal session", "Bearer " + f.expired, http.StatusForbidden},
	}
	for _, rt := range f.backendRoutes(t) {
		for _, c := range creds {
			t.Run(rt.String()+"/"+c.name, func(t *testing.T) {
				r := f.send(rt, c.authorization)
				if c.status == http.StatusUnauthorized {
					expectUnauthorized(t, r)
				} else {
					expectProblem(t, r, c.status)
				}
				if rt.mutating() {
					f.expectUnchanged(t, before, rt.String()+" with "+c.name)
				}
			})
		}
	}
}

func TestPortalRoutesRefuseWrongCredentials(t *testing.T) {
	t.Parallel()
	f := newAuthFixture(t)
	before := f.state()
	otherKey := session.NewSigner("sk_other_installation").Mint(session.Session{Scope: portico.PortalScope{CustomerID: "alice"}, ReturnURL: "", ExpiresAt: f.h.clock.Now().Add(time.Hour)})
	creds := []struct {
		name, authorization, detail string
	}{
		{"no token", "", ""},
		{"empty bearer", "Bearer ", ""},
		{"secret key", "Bearer " + secretKey, ""},
		{"garbage", "Bearer not-a-token", ""},
		{"prefix only", "Bearer ps_", ""},
		{"no signature", "Bearer " + strings.Split(f.alice, ".")[0], ""},
		{"bad base64", "Bearer ps_!!!.???", ""},
		{"tampered signature", "Bearer " + tamper(f.alice), ""},
		{"claims swapped to bob", "Bearer " + swapClaims(f.alice, f.bob), ""},
		{"claims widened from the blog scope", "Bearer " + swapClaims(f.aliceBlogOnly, f.alice), ""},
		{"signed with another key", "Bearer " + otherKey, ""},
		{"expired", "Bearer " + f.expired, "expired"},
	}
	for _, rt := range f.portalRoutes() {
		for _, c := range creds {
			t.Run(rt.String()+"/"+c.name, func(t *testing.T) {
				p := expectUnauthorized(t, f.send(rt, c.authorization))
				if c.detail != "" && !strings.Contains(p.Detail, c.detail) {
					t.Errorf("detail %q does not say %q", p.Detail, c.detail)
				}
				if rt.mutating() {
					f.expectUnchanged(t, before, rt.String()+" with "+c.name)
				}
			})
		}
	}
}

func TestSessionExpiresWithTheClock(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createCustomer("ada", false)
	r := h.backend(http.MethodPost, "/api/v1/portal-sessions", M{"customerId": "ada", "ttl": "2h"})
	tok := decodeAs[portico.PortalSession](t, r).Token
	expectStatus(t, h.portal(tok, http.MethodGet, "/api/v1/portal", nil), http.StatusOK)
	h.advance(M{"by": "119m"})
	expectStatus(t, h.portal(tok, http.MethodGet, "/api/v1/portal", nil), http.StatusOK)
	h.advance(M{"by": "1m"})
	p := expectUnauthorized(t, h.portal(tok, http.MethodGet, "/api/v1/portal", nil))
	if !strings.Contains(p.Detail, "expired") {
		t.Errorf("detail %q", p.Detail)
	}
}

// Another customer's subscription is a 404 through a portal session, as
// for one that does not exist, and nothing changes.
func TestPortalCannotReachAnotherCustomersSubscription(t *testing.T) {
	t.Parallel()
	f := newAuthFixture(t)
	h := f.h
	before := f.state()
	for _, tc := range []struct {
		name string
		rt   func(id string) route
	}{
		{"cancel", func(id string) route {
			return route{http.MethodPost, "/api/v1/portal/subscriptions/" + id + "/cancel", nil}
		}},
		{"delete scheduled updates", func(id string) route {
			return route{http.MethodDelete, "/api/v1/portal/subscriptions/" + id + "/scheduled-updates", nil}
		}},
		{"change", func(id string) route {
			return route{http.MethodPost, "/api/v1/portal/subscriptions", M{"subscriptionId": id, "planId": planBasic}}
		}},
		{"preview", func(id string) route {
			return route{http.MethodPost, "/api/v1/portal/preview", M{"subscriptionId": id, "planId": planBasic}}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rt := tc.rt(f.bobAcme)
			p := expectProblem(t, h.portal(f.alice, rt.method, rt.path, rt.body), http.StatusNotFound)
			missing := tc.rt("sub_0000000000000000000a")
			q := expectProblem(t, h.portal(f.alice, missing.method, missing.path, missing.body), http.StatusNotFound)
			if strings.ReplaceAll(p.Detail, f.bobAcme, "ID") != strings.ReplaceAll(q.Detail, "sub_0000000000000000000a", "ID") || p.Title != q.Title {
				t.Errorf("another customer's subscription answers %+v, a missing one %+v: existence is told", p, q)
			}
			f.expectUnchanged(t, before, rt.String()+" on bob's subscription")
		})
	}
	// Bob's pending downgrade is still there, seen through the backend.
	s := h.liveSub("bob", acme, "")
	if s.ID != f.bobAcme || s.Plan.ID != planPro || len(s.ScheduledUpdates) != 1 || s.CancelAt != nil {
		t.Fatalf("bob's subscription %+v", s)
	}
}

func TestScopedSessionStaysInScope(t *testing.T) {
	t.Parallel()
	f := newAuthFixture(t)
	h := f.h
	before := f.state()
	for _, tc := range []struct {
		rt     route
		status int
	}{
		{route{http.MethodPost, "/api/v1/portal/subscriptions", M{"planId": planPro}}, http.StatusForbidden},
		{route{http.MethodPost, "/api/v1/portal/preview", M{"planId": planBasic}}, http.StatusForbidden},
		{route{http.MethodGet, "/api/v1/portal/paywall?productId=acme", nil}, http.StatusForbidden},
		{route{http.MethodPost, "/api/v1/portal/subscriptions/" + f.aliceBlog + "/cancel", M{"alsoCancelProductIds": []string{acme}}}, http.StatusForbidden},
		{route{http.MethodPost, "/api/v1/portal/subscriptions", M{"planId": planGrowth, "resourceId": "docs"}}, http.StatusForbidden},
		{route{http.MethodPost, "/api/v1/portal/preview", M{"planId": planGrowth, "resourceId": "docs"}}, http.StatusForbidden},
		// The customer's own subscription outside the scope is not told of.
		{route{http.MethodPost, "/api/v1/portal/subscriptions/" + f.aliceAcme + "/cancel", nil}, http.StatusNotFound},
		{route{http.MethodDelete, "/api/v1/portal/subscriptions/" + f.aliceAcme + "/scheduled-updates", nil}, http.StatusNotFound},
	} {
		t.Run(tc.rt.String(), func(t *testing.T) {
			p := expectProblem(t, h.portal(f.aliceBlogOnly, tc.rt.method, tc.rt.path, tc.rt.body), tc.status)
			if tc.status == http.StatusForbidden && !strings.Contains(p.Detail, "limited to") {
				t.Errorf("detail %q does not say what the session is limited to", p.Detail)
			}
			if tc.rt.mutating() {
				f.expectUnchanged(t, before, tc.rt.String()+" outside the session's scope")
			}
		})
	}
	// The scoped portal shows the blog only.
	r := h.portal(f.aliceBlogOnly, http.MethodGet, "/api/v1/portal", nil)
	expectStatus(t, r, http.StatusOK)
	pv := decodeAs[portico.PortalView](t, r)
	if len(pv.Subscriptions) != 1 || pv.Subscriptions[0].ID != f.aliceBlog {
		t.Fatalf("scoped portal shows %+v, want the blog only", pv.Subscriptions)
	}
	for _, e := range pv.Entitlements {
		if e.FeatureID == featViews && e.Limit != 10000 {
			t.Errorf("blog page views %+v", e)
		}
	}
	// Within the scope the session works.
	expectStatus(t, h.portal(f.aliceBlogOnly, http.MethodPost, "/api/v1/portal/preview", M{"planId": planGrowth}), http.StatusOK)
}

func TestIdentityComesFromTheToken(t *testing.T) {
	t.Parallel()
	f := newAuthFixture(t)
	h := f.h
	before := f.state()
	// A customerId in the body is an unknown field, not a way to act for bob.
	expectProblem(t, h.portal(f.alice, http.MethodPost, "/api/v1/portal/subscriptions", M{"customerId": "bob", "planId": planPro}),
		http.StatusUnprocessableEntity, "customerId")
	f.expectUnchanged(t, before, "a portal change naming another customer")
	r := h.portal(f.alice, http.MethodGet, "/api/v1/portal?customerId=bob", nil)
	expectStatus(t, r, http.StatusOK)
	var v struct {
		Customer portico.PortalCustomer `json:"customer"`
	}
	if err := json.Unmarshal(r.Body, &v); err != nil || v.Customer.ID != "alice" {
		t.Fatalf("portal with ?customerId=bob shows %+v, want alice", v.Customer)
	}
}
