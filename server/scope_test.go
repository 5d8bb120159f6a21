package server_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/internal/testkit"
	"github.com/portico-dev/portico/server"
)

// twoSitesFixture is ada on Basic with two sites, blog (Starter) and docs
// (Growth), ten days into the month: the blog's unused time is 339 cents.
type twoSitesFixture struct {
	h                 *harness
	acme, blog, docs  string
	blogOnly, blogApp string // sessions limited to the blog: by resource, by product and resource
}

func newTwoSites(t *testing.T, opts ...option) *twoSitesFixture {
	h := newHarness(t, opts...)
	h.createCustomer("ada", true)
	f := &twoSitesFixture{h: h}
	f.acme = h.change("ada", M{"planId": planBasic}).Subscription.ID
	f.blog = h.change("ada", M{"planId": planStarter, "resourceId": "blog"}).Subscription.ID
	f.docs = h.change("ada", M{"planId": planGrowth, "resourceId": "docs"}).Subscription.ID
	h.advance(M{"by": "240h"})
	f.blogOnly = h.session("ada", "", "blog")
	f.blogApp = h.session("ada", sites, "blog")
	return f
}

// expectLive checks, through the backend, which of the subscriptions are
// live.
func (f *twoSitesFixture) expectLive(t *testing.T, want map[string]bool) {
	t.Helper()
	live := map[string]bool{}
	for _, s := range f.h.customer("ada").Subscriptions {
		live[s.ID] = s.Status == portico.StatusActive || s.Status == portico.StatusTrialing
	}
	for id, w := range want {
		if live[id] != w {
			t.Errorf("subscription %s live = %v, want %v", id, live[id], w)
		}
	}
}

// A session limited to one resource cannot cancel, or see, another
// resource's subscription through alsoCancelProductIds.
func TestScopedCancelLeavesOtherResourcesAlone(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"resource scope", "product and resource scope"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newTwoSites(t)
			tok := f.blogOnly
			if name == "product and resource scope" {
				tok = f.blogApp
			}
			r := f.h.portal(tok, http.MethodPost, "/api/v1/portal/subscriptions/"+f.blog+"/cancel", M{"alsoCancelProductIds": []string{sites}})
			expectStatus(t, r, http.StatusOK)
			if strings.Contains(string(r.Body), f.docs) || strings.Contains(string(r.Body), `"docs"`) {
				t.Errorf("the answer shows the docs site: %s", r)
			}
			res := decodeAs[portico.CancelResult](t, r)
			if res.Subscription.ID != f.blog || res.Subscription.Status != portico.StatusCanceled || len(res.AlsoCanceled) != 0 || res.Credit != testkit.USD(339) {
				t.Errorf("answer %+v, also %+v, credit %+v; want the blog alone, 339 usd", res.Subscription, res.AlsoCanceled, res.Credit)
			}
			f.expectLive(t, map[string]bool{f.blog: false, f.docs: true, f.acme: true})
		})
	}
}

// A product outside the session's product scope is refused with a 403 that
// names the field, and nothing changes.
func TestScopedCancelNamesTheProductOutsideTheScope(t *testing.T) {
	t.Parallel()
	f := newTwoSites(t)
	before := f.h.snapshot("ada")
	r := f.h.portal(f.blogApp, http.MethodPost, "/api/v1/portal/subscriptions/"+f.blog+"/cancel",
		M{"alsoCancelProductIds": []string{sites, acme}})
	p := expectProblem(t, r, http.StatusForbidden, "alsoCancelProductIds[1]")
	if !strings.Contains(p.Detail, `limited to product "sites"`) {
		t.Errorf("detail %q does not say what the session is limited to", p.Detail)
	}
	f.h.expectUnchanged(before, "ada")
}

// The journey's linked products end with the subscription (the merchant's
// rule) but, through a resource-limited session, only for that resource;
// the answer shows only what is inside the scope.
func TestJourneyLinksStayInsideTheSessionsResource(t *testing.T) {
	t.Parallel()
	cat := *testkit.DemoCatalog(t)
	i := slices.IndexFunc(cat.Products, func(p portico.Product) bool { return p.ID == acme })
	cat.Products[i].Journey.AlsoCancelProductIDs = []string{sites}
	f := newTwoSites(t)
	expectStatus(t, f.h.backend(http.MethodPut, "/api/v1/catalog", cat), http.StatusOK)

	r := f.h.portal(f.blogOnly, http.MethodPost, "/api/v1/portal/subscriptions/"+f.acme+"/cancel", nil)
	expectStatus(t, r, http.StatusOK)
	res := decodeAs[portico.CancelResult](t, r)
	if len(res.AlsoCanceled) != 1 || res.AlsoCanceled[0].ID != f.blog || strings.Contains(string(r.Body), f.docs) {
		t.Errorf("also cancelled %+v, want the blog alone: %s", res.AlsoCanceled, r)
	}
	f.expectLive(t, map[string]bool{f.blog: false, f.docs: true})
}

// The billing provider's subscription flows act on the customer's whole
// account, so a scoped session may not open them; payment details, adding
// a payment method and the provider's home stay open to it.
func TestScopedSessionCannotOpenTheProvidersSubscriptionFlows(t *testing.T) {
	t.Parallel()
	fb := &fakeBilling{}
	f := newTwoSites(t, func(s *server.Server) { s.Billing = fb })
	for _, flow := range []string{"subscription_cancel", "subscription_update"} {
		for _, tok := range []string{f.blogOnly, f.blogApp, f.h.session("ada", acme, "")} {
			expectProblem(t, f.h.portal(tok, http.MethodPost, "/api/v1/portal/billing-session", M{"flow": flow}),
				http.StatusForbidden, "flow")
		}
		expectStatus(t, f.h.portal(f.h.session("ada", "", ""), http.MethodPost, "/api/v1/portal/billing-session", M{"flow": flow}), http.StatusOK)
	}
	for _, flow := range []string{"", "payment_method_update"} {
		expectStatus(t, f.h.portal(f.blogOnly, http.MethodPost, "/api/v1/portal/billing-session", M{"flow": flow}), http.StatusOK)
	}
	if len(fb.links) != 4 {
		t.Errorf("links asked of the provider: %v, want the unscoped session's two and the scoped session's two", fb.links)
	}
	// Adding a payment method only adds a card: open to a scoped session.
	for _, tok := range []string{f.blogOnly, f.blogApp} {
		expectStatus(t, f.h.portal(tok, http.MethodPost, "/api/v1/portal/billing-session", M{"flow": "payment_method_setup"}), http.StatusOK)
	}
	if len(fb.setups) != 2 {
		t.Errorf("setups asked of the provider: %+v, want the two scoped sessions'", fb.setups)
	}
}
