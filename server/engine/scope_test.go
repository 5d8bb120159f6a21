package engine_test

import (
	"errors"
	"slices"
	"testing"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/internal/testkit"
	"github.com/portico-dev/portico/server/engine"
)

// twoSites is a customer on Pro with two paid sites, ten days into the
// month: site-a and site-b are each 610 cents of unused time.
func twoSites(t *testing.T, j portico.Journey) (e *env, appSub, siteA, siteB portico.SubscriptionView) {
	t.Helper()
	e = newEnv(t, j)
	appSub = e.subscribePro("acme")
	siteA = e.change("acme", portico.ChangeRequest{PlanID: sitePlus, ResourceID: "site-a"}).Subscription
	siteB = e.change("acme", portico.ChangeRequest{PlanID: sitePlus, ResourceID: "site-b"}).Subscription
	e.clk.AdvanceTo(jan11)
	return e, appSub, siteA, siteB
}

// siteUnused is a Site Plus month's unused part ten days in: 900 × 21/31.
const siteUnused = 610

func scoped(productID, resourceID string) engine.Actor {
	return engine.PortalActor(portico.PortalScope{CustomerID: "acme", ProductID: productID, ResourceID: resourceID})
}

func sameIDs(got []string, want ...string) bool {
	return len(got) == len(want) && !slices.ContainsFunc(want, func(id string) bool { return !slices.Contains(got, id) })
}

func listed(views []portico.SubscriptionView) []string {
	ids := []string{}
	for _, v := range views {
		ids = append(ids, v.ID)
	}
	return ids
}

// A portal session reaches, through alsoCancelProductIds, only the
// subscriptions it could cancel one by one: another resource's
// subscription is neither cancelled nor shown.
func TestScopedCancelNamesOnlyWhatTheSessionReaches(t *testing.T) {
	for _, scope := range []struct{ name, product, resource string }{
		{"resource scope", "", "site-a"},
		{"product and resource scope", sites, "site-a"},
	} {
		t.Run(scope.name, func(t *testing.T) {
			e, _, siteA, siteB := twoSites(t, defaultJourney())
			res, err := e.eng.Cancel(e.ctx, "acme", siteA.ID,
				portico.CancelRequest{AlsoCancelProductIDs: []string{sites}}, scoped(scope.product, scope.resource))
			if err != nil {
				t.Fatal(err)
			}
			if res.Subscription.ID != siteA.ID || res.Subscription.Status != portico.StatusCanceled || len(res.AlsoCanceled) != 0 {
				t.Errorf("result = %+v also %v, want site-a cancelled alone", res.Subscription, listed(res.AlsoCanceled))
			}
			if res.Credit != testkit.USD(siteUnused) {
				t.Errorf("credit = %+v, want site-a's 610", res.Credit)
			}
			if n := e.liveCount("acme", sites, "site-b"); n != 1 {
				t.Errorf("site-b (%s) was cancelled through a session limited to site-a", siteB.ID)
			}
			e.wantCredit("acme", testkit.USD(siteUnused))
		})
	}
}

// A named product outside the session's product scope is refused, naming
// the field, and nothing changes.
func TestScopedCancelRefusesAProductOutsideTheScope(t *testing.T) {
	e, appSub, siteA, _ := twoSites(t, defaultJourney())
	_, err := e.eng.Cancel(e.ctx, "acme", siteA.ID,
		portico.CancelRequest{AlsoCancelProductIDs: []string{sites, app}}, scoped(sites, "site-a"))
	wantKind(t, err, portico.KindForbidden)
	var pe *portico.Error
	if !errors.As(err, &pe) || len(pe.Fields) != 1 || pe.Fields[0].Field != "alsoCancelProductIds[1]" {
		t.Fatalf("error = %v, want a 403 naming alsoCancelProductIds[1]", err)
	}
	if e.liveCount("acme", sites, "site-a") != 1 || e.appSub("acme").ID != appSub.ID || e.appSub("acme").Status != portico.StatusActive {
		t.Error("a refused cancellation changed something")
	}
	if c := e.credit("acme"); c.Amount != 0 {
		t.Errorf("credit of acme = %+v after a refused cancellation", c)
	}
}

// A customer-wide subscription (no resource) is within a resource scope,
// as it is for every other portal call: the session may name its product.
func TestResourceScopedCancelReachesCustomerWideSubscriptions(t *testing.T) {
	e, appSub, siteA, _ := twoSites(t, defaultJourney())
	res, err := e.eng.Cancel(e.ctx, "acme", siteA.ID,
		portico.CancelRequest{AlsoCancelProductIDs: []string{app}}, scoped("", "site-a"))
	if err != nil {
		t.Fatal(err)
	}
	if got := listed(res.AlsoCanceled); !slices.Equal(got, []string{appSub.ID}) {
		t.Errorf("also cancelled = %v, want the app subscription", got)
	}
	if res.Credit != testkit.USD(proUnused+siteUnused) {
		t.Errorf("credit = %+v, want %d", res.Credit, proUnused+siteUnused)
	}
}

// The journey's linked products are the merchant's rule and end with the
// subscription whoever cancels it, across the session's product scope;
// but a portal session never ends another resource's subscription, and its
// answer lists and credits only what is inside its scope.
func TestJourneyLinksStayInsideTheSessionsResourceAndAreShownOnlyInScope(t *testing.T) {
	j := defaultJourney()
	j.AlsoCancelProductIDs = []string{sites}

	t.Run("resource scope", func(t *testing.T) {
		e, appSub, siteA, siteB := twoSites(t, j)
		res, err := e.eng.Cancel(e.ctx, "acme", appSub.ID, portico.CancelRequest{}, scoped("", "site-a"))
		if err != nil {
			t.Fatal(err)
		}
		if got := listed(res.AlsoCanceled); !slices.Equal(got, []string{siteA.ID}) {
			t.Errorf("also cancelled = %v, want site-a only", got)
		}
		if e.liveCount("acme", sites, "site-a") != 0 || e.liveCount("acme", sites, "site-b") != 1 {
			t.Errorf("site-a live %d, site-b (%s) live %d; want site-a ended and site-b kept",
				e.liveCount("acme", sites, "site-a"), siteB.ID, e.liveCount("acme", sites, "site-b"))
		}
		if res.Credit != testkit.USD(proUnused+siteUnused) {
			t.Errorf("credit = %+v, want %d", res.Credit, proUnused+siteUnused)
		}
	})

	t.Run("product scope", func(t *testing.T) {
		e, appSub, _, _ := twoSites(t, j)
		res, err := e.eng.Cancel(e.ctx, "acme", appSub.ID, portico.CancelRequest{}, scoped(app, ""))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.AlsoCanceled) != 0 || res.Credit != testkit.USD(proUnused) {
			t.Errorf("answer lists %v with credit %+v; want nothing outside the app product and the app's credit alone",
				listed(res.AlsoCanceled), res.Credit)
		}
		if e.liveCount("acme", sites, "site-a")+e.liveCount("acme", sites, "site-b") != 0 {
			t.Error("the journey's linked sites were not ended")
		}
		// The balance holds every credit granted, listed or not.
		e.wantCredit("acme", testkit.USD(proUnused+2*siteUnused))
	})

	t.Run("backend", func(t *testing.T) {
		e, appSub, siteA, siteB := twoSites(t, j)
		res := e.cancel("acme", appSub.ID)
		if got := listed(res.AlsoCanceled); !sameIDs(got, siteA.ID, siteB.ID) {
			t.Errorf("also cancelled = %v, want both sites", got)
		}
	})
}
