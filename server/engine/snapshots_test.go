package engine_test

import (
	"encoding/json"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/engine"
)

// The snapshot answer is always what a fresh computation gives: after each
// kind of write, after a catalog change, and as time alone passes a
// promotion's end, a usage reset, a trial's end and a renewal — with no
// write in between.
func TestEntitlementSnapshotsMatchAFreshComputation(t *testing.T) {
	e := newEnv(t, defaultJourney())
	type ask struct{ customer, resource string }
	var asks []ask
	check := func(step string) {
		t.Helper()
		for _, a := range asks {
			got, err := e.eng.EntitlementsJSON(e.ctx, a.customer, a.resource)
			if err != nil {
				t.Fatalf("%s: EntitlementsJSON(%s, %q): %v", step, a.customer, a.resource, err)
			}
			views, err := e.eng.Entitlements(e.ctx, a.customer, a.resource)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := json.Marshal(views)
			if string(got) != string(want) {
				t.Errorf("%s: %s %q\n snapshot %s\n fresh    %s", step, a.customer, a.resource, got, want)
			}
			scope := portico.PortalScope{CustomerID: a.customer, ResourceID: a.resource}
			gotPortal, err := e.eng.PortalJSON(e.ctx, scope)
			if err != nil {
				t.Fatalf("%s: PortalJSON(%+v): %v", step, scope, err)
			}
			view, err := e.eng.Portal(e.ctx, scope)
			if err != nil {
				t.Fatal(err)
			}
			wantPortal, _ := json.Marshal(view)
			if string(gotPortal) != string(wantPortal) {
				t.Errorf("%s: portal %+v\n snapshot %s\n fresh    %s", step, scope, gotPortal, wantPortal)
			}
		}
	}
	e.createCustomer("ada", withCard())
	e.createCustomer("bob", nil)
	asks = []ask{{"ada", ""}, {"bob", ""}, {"ada", "blog"}, {"bob", "shop"}}
	check("created")

	e.change("ada", portico.ChangeRequest{PlanID: basic, BillingPeriod: portico.Monthly,
		Addons: []portico.AddonQuantity{{ID: extraSeats, Quantity: 1}}})
	e.report("ada", "", apiCalls, 900)
	e.report("ada", "", seats, 3)
	e.change("bob", portico.ChangeRequest{PlanID: pro}) // a trial: bob has no card
	e.change("ada", portico.ChangeRequest{PlanID: sitePlus, ResourceID: "blog", BillingPeriod: portico.Monthly})
	e.report("ada", "blog", pages, 7)
	check("changed and used")

	until := e.clk.Now().Add(36 * time.Hour)
	limit := int64(50)
	if _, err := e.eng.GrantPromotion(e.ctx, "bob", portico.PromotionRequest{FeatureID: storage, Limit: &limit, ExpiresAt: &until}); err != nil {
		t.Fatal(err)
	}
	check("promoted")

	// Time alone: no write happens between these checks and the last one.
	for _, d := range []time.Duration{37 * time.Hour, 10 * 24 * time.Hour, 20 * 24 * time.Hour, 40 * 24 * time.Hour} {
		e.clk.AdvanceTo(t0.Add(d))
		check("at +" + d.String())
	}

	cat := testCatalog(defaultJourney())
	for i := range cat.Plans {
		if cat.Plans[i].ID == basic {
			cat.Plans[i].Entitlements[0].Limit = 8 // seats
		}
	}
	if _, _, err := e.eng.ApplyCatalog(e.ctx, cat, engine.CatalogChange{}); err != nil {
		t.Fatal(err)
	}
	check("catalog changed")
}

// Every write leaves a snapshot that holds, so the next read answers
// from it; an unknown customer has none and answers not found.
func TestWritesLeaveASnapshot(t *testing.T) {
	e := newEnv(t, defaultJourney())
	e.createCustomer("ada", withCard())
	e.change("ada", portico.ChangeRequest{PlanID: basic, BillingPeriod: portico.Monthly})
	e.report("ada", "", apiCalls, 5)
	body, ok, err := e.st.Snapshot(e.ctx, "ada", portico.SnapshotEntitlements, "", e.clk.Now())
	if err != nil || !ok {
		t.Fatalf("no snapshot after a write (ok %v, err %v)", ok, err)
	}
	var views []portico.EntitlementView
	if err := json.Unmarshal(body, &views); err != nil || len(views) == 0 {
		t.Fatalf("snapshot %s: %v", body, err)
	}
	if _, err := e.eng.EntitlementsJSON(e.ctx, "nobody", ""); err == nil {
		t.Error("EntitlementsJSON of an unknown customer succeeded")
	} else {
		wantKind(t, err, portico.KindNotFound)
	}
}
