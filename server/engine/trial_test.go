package engine_test

import (
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/internal/testkit"
	"github.com/portico-dev/portico/server/engine"
)

// A customer on the free plan who has not had the trial starts it when
// choosing the trial plan, and an unpaid trial returns them to free.
func TestFreeCustomersStartTheTrialAndReturnToFree(t *testing.T) {
	for _, withCardAtEnd := range []bool{false, true} {
		e := newEnv(t, withJourney(func(j *portico.Journey) {
			j.Start = portico.StartFreePlan
			j.AfterCancel = portico.AfterCancelRevoke // the trial returns to free all the same
		}))
		e.createCustomer("acme", nil)
		free0 := e.appSub("acme")
		e.clk.AdvanceTo(jan11)

		pw, err := e.eng.Paywall(e.ctx, portico.PortalScope{CustomerID: "acme"}, app, "")
		if err != nil {
			t.Fatal(err)
		}
		if got := intentOf(pw, pro); got != portico.IntentStartTrial {
			t.Fatalf("paywall intent for pro = %s, want start_trial", got)
		}
		p := e.preview("acme", req(pro))
		if p.Intent != portico.IntentStartTrial || p.AmountDueNow != testkit.USD(0) || p.Effective != portico.Immediate {
			t.Fatalf("preview = %+v, want a free, immediate trial", p)
		}
		res, err := e.eng.ChangeSubscription(e.ctx, "acme", req(pro), engine.PortalActor(portico.PortalScope{CustomerID: "acme"}))
		if err != nil {
			t.Fatal(err)
		}
		s := res.Subscription
		trialEnd := jan11.AddDate(0, 0, 14)
		if s.ID != free0.ID || s.Status != portico.StatusTrialing || s.Plan.ID != pro || !timeEq(s.TrialEndsAt, &trialEnd) {
			t.Fatalf("after choosing pro: %+v, want the same subscription trialing pro until %v", s, trialEnd)
		}
		e.wantInvoices("acme")
		if withCardAtEnd {
			e.setPaymentMethod("acme")
		}
		e.advanceTo(trialEnd.Add(time.Hour))
		after := e.appSub("acme")
		if withCardAtEnd {
			if after.Plan.ID != pro || after.Status != portico.StatusActive {
				t.Errorf("with a card the trial converts: %+v", after)
			}
			e.wantInvoices("acme", bill{proMonthly, trialEnd})
		} else {
			if after.Plan.ID != free || after.Status != portico.StatusActive || !after.CurrentPeriodStart.Equal(trialEnd) {
				t.Errorf("without a card the customer is back on free from %v: %+v", trialEnd, after)
			}
			e.wantInvoices("acme")
		}
		pw, err = e.eng.Paywall(e.ctx, portico.PortalScope{CustomerID: "acme"}, app, "")
		if err != nil {
			t.Fatal(err)
		}
		if got := intentOf(pw, pro); got == portico.IntentStartTrial {
			t.Errorf("the trial is offered a second time")
		}
	}
}

// Single-product usage is counted for the customer, whatever resource the
// backend names when reporting or reading it.
func TestSingleProductUsageIgnoresTheResource(t *testing.T) {
	e := newEnv(t, withJourney(nil))
	e.createCustomer("acme", nil)
	e.change("acme", req(basic))
	e.report("acme", "site-1", "seats", 2)
	e.report("acme", "", "seats", 1)
	for _, res := range []string{"", "site-1", "site-2"} {
		if got := e.ents("acme", res)["seats"].Usage; got != 3 {
			t.Errorf("seats usage asked for resource %q = %d, want 3", res, got)
		}
	}
}

func intentOf(pw *portico.PaywallView, planID string) portico.Intent {
	for _, p := range pw.Plans {
		if p.ID == planID {
			return p.Intent
		}
	}
	return ""
}

func TestPaywallDefaultsToTheSubscribedProduct(t *testing.T) {
	e := newEnv(t, withJourney(nil))
	e.createCustomer("acme", nil)
	e.change("acme", req(basic))
	pw, err := e.eng.Paywall(e.ctx, portico.PortalScope{CustomerID: "acme"}, "", "")
	if err != nil || pw.Product.ID != app {
		t.Fatalf("paywall without productId = %v, %v; want product %s", pw, err, app)
	}
	e.change("acme", portico.ChangeRequest{PlanID: sitePlus, ResourceID: "s1"})
	_, err = e.eng.Paywall(e.ctx, portico.PortalScope{CustomerID: "acme"}, "", "")
	wantField(t, err, "productId")
}

// A portal limited to one product shows that product's entitlements only.
func TestProductScopedPortalShowsItsOwnEntitlements(t *testing.T) {
	e := newEnv(t, withJourney(nil))
	e.createCustomer("acme", nil)
	e.change("acme", req(basic))
	e.change("acme", portico.ChangeRequest{PlanID: sitePlus, ResourceID: "s1"})
	all, err := e.eng.Portal(e.ctx, portico.PortalScope{CustomerID: "acme", ResourceID: "s1"})
	if err != nil {
		t.Fatal(err)
	}
	sites, err := e.eng.Portal(e.ctx, portico.PortalScope{CustomerID: "acme", ProductID: "sites", ResourceID: "s1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(sites.Entitlements) == 0 || len(sites.Entitlements) >= len(all.Entitlements) {
		t.Fatalf("scoped portal has %d entitlements, unscoped %d; want fewer but some", len(sites.Entitlements), len(all.Entitlements))
	}
	for _, en := range sites.Entitlements {
		if en.FeatureID == "seats" {
			t.Errorf("the sites portal shows the app's seats")
		}
	}
}
