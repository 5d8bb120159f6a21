package engine_test

import (
	"slices"
	"strings"
	"testing"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/engine"
)

func TestCatalogHistoryKeepsEveryVersionWithItsAuthorAndChanges(t *testing.T) {
	e := newEnv(t, defaultJourney())
	e.clk.AdvanceTo(jan11)
	renamed := testCatalog(defaultJourney())
	renamed.Plans[1].Name = "Basic plus"
	if _, _, err := e.eng.ApplyCatalog(e.ctx, renamed, engine.CatalogChange{By: "console"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.eng.Archive(e.ctx, engine.KindAddon, extraCalls, engine.CatalogChange{By: "backend API"}); err != nil {
		t.Fatal(err)
	}

	vs, err := e.eng.CatalogVersions(e.ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 3 || vs[0].Version != 3 || vs[2].Version != 1 {
		t.Fatalf("versions = %+v, want 3, 2, 1", vs)
	}
	if !vs[0].Current || vs[1].Current {
		t.Errorf("current flags = %v, %v; want only the newest", vs[0].Current, vs[1].Current)
	}
	if vs[1].By != "console" || !vs[1].At.Equal(jan11) {
		t.Errorf("version 2 by %q at %v, want console at %v", vs[1].By, vs[1].At, jan11)
	}
	if want := `Changed plan "basic": name "Basic" → "Basic plus"`; !slices.Equal(vs[1].Changes, []string{want}) {
		t.Errorf("version 2 changes = %q, want %q", vs[1].Changes, want)
	}
	if vs[0].Note != `archived add-on "extra-calls"` || !slices.Equal(vs[0].Changes, []string{`Archived add-on "extra-calls"`}) {
		t.Errorf("version 3 = %+v", vs[0])
	}
	if len(vs[2].Changes) != 16 || !strings.HasPrefix(vs[2].Changes[0], `Added feature "seats"`) {
		t.Errorf("version 1 changes = %q, want every object added", vs[2].Changes)
	}
	page, err := e.eng.CatalogVersions(e.ctx, 3, 1)
	if err != nil || len(page) != 1 || page[0].Version != 2 {
		t.Errorf("the page before 3, one long = %+v, %v", page, err)
	}
	_, err = e.eng.CatalogVersion(e.ctx, 9)
	wantKind(t, err, portico.KindNotFound)
}

func TestRestoringAVersionAppliesItAgainUnderTheCatalogRules(t *testing.T) {
	e := newEnv(t, defaultJourney())
	if _, _, err := e.eng.Archive(e.ctx, engine.KindPlan, basic, engine.CatalogChange{}); err != nil {
		t.Fatal(err)
	}
	restored, _, err := e.eng.RestoreCatalog(e.ctx, 1, engine.CatalogChange{By: "console"})
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := restored.Plan(basic); p.Archived {
		t.Error("the restored catalog still has basic archived")
	}
	cat, _ := e.eng.Catalog(e.ctx)
	if p, _ := cat.Plan(basic); p.Archived {
		t.Error("the current catalog still has basic archived")
	}
	vs, _ := e.eng.CatalogVersions(e.ctx, 0, 1)
	if vs[0].Version != 3 || vs[0].Note != "restored version 1" || vs[0].By != "console" {
		t.Errorf("the restore's version = %+v", vs[0])
	}

	_, _, err = e.eng.RestoreCatalog(e.ctx, 3, engine.CatalogChange{})
	wantKind(t, err, portico.KindConflict)
	_, _, err = e.eng.RestoreCatalog(e.ctx, 1, engine.CatalogChange{})
	wantKind(t, err, portico.KindConflict) // the same content as now

	// A version that lacks an object created since would remove it.
	grown := testCatalog(defaultJourney())
	grown.Plans = append(grown.Plans, portico.Plan{ID: "team", ProductID: app, Name: "Team", Order: 4, Pricing: portico.PricingFree})
	if _, _, err := e.eng.ApplyCatalog(e.ctx, grown, engine.CatalogChange{}); err != nil {
		t.Fatal(err)
	}
	_, _, err = e.eng.RestoreCatalog(e.ctx, 2, engine.CatalogChange{})
	wantField(t, err, "plans")
	if cat, _ := e.eng.Catalog(e.ctx); len(cat.Plans) != len(grown.Plans) {
		t.Error("a refused restore changed the catalog")
	}
	_, _, err = e.eng.RestoreCatalog(e.ctx, 42, engine.CatalogChange{})
	wantKind(t, err, portico.KindNotFound)
}

// Each catalog change returns the version it saved, and a change made on a
// version that is no longer current is refused without saving anything.
func TestCatalogChangesApplyOnlyToTheVersionTheyWereMadeOn(t *testing.T) {
	e := newEnv(t, defaultJourney())
	one := int64(1)
	_, saved, err := e.eng.Archive(e.ctx, engine.KindPlan, basic, engine.CatalogChange{IfVersion: &one})
	if err != nil || saved != 2 {
		t.Fatalf("archive on version 1 saved version %d, %v; want 2", saved, err)
	}
	_, _, err = e.eng.ApplyCatalog(e.ctx, testCatalog(defaultJourney()), engine.CatalogChange{IfVersion: &one})
	wantKind(t, err, portico.KindStale)
	_, _, err = e.eng.Archive(e.ctx, engine.KindAddon, extraCalls, engine.CatalogChange{IfVersion: &one})
	wantKind(t, err, portico.KindStale)
	_, _, err = e.eng.RestoreCatalog(e.ctx, 1, engine.CatalogChange{IfVersion: &one})
	wantKind(t, err, portico.KindStale)
	if _, version, _ := e.eng.CurrentCatalog(e.ctx); version != 2 {
		t.Errorf("after refused changes the catalog is at version %d, want 2", version)
	}
	_, saved, err = e.eng.RestoreCatalog(e.ctx, 1, engine.CatalogChange{})
	if err != nil || saved != 3 {
		t.Errorf("a restore on any version saved version %d, %v; want 3", saved, err)
	}
}

func TestJourneyCancelsTheProductsItNamesWithIt(t *testing.T) {
	j := defaultJourney()
	j.AlsoCancelProductIDs = []string{sites}
	e := newEnv(t, j)
	sub := e.subscribePro("acme")
	e.change("acme", portico.ChangeRequest{PlanID: sitePlus, ResourceID: "site-a"})

	// Even a portal session limited to the app product cancels the site:
	// the merchant's rule, not the customer's choice. The session's answer
	// does not show it, being outside its scope.
	scoped := engine.PortalActor(portico.PortalScope{CustomerID: "acme", ProductID: app})
	res, err := e.eng.Cancel(e.ctx, "acme", sub.ID, portico.CancelRequest{}, scoped)
	if err != nil {
		t.Fatal(err)
	}
	if site := e.sub("acme", sites, "site-a"); len(res.AlsoCanceled) != 0 || site.Status != portico.StatusCanceled {
		t.Errorf("also cancelled = %+v, site %+v; want the site cancelled and not shown", res.AlsoCanceled, site)
	}

	bad := testCatalog(j)
	bad.Products[0].Journey.AlsoCancelProductIDs = []string{app, "nope"}
	_, _, err = e.eng.ApplyCatalog(e.ctx, bad, engine.CatalogChange{})
	wantField(t, err, "products[0].journey.alsoCancelProductIds[0]")
	wantField(t, err, "products[0].journey.alsoCancelProductIds[1]")
}

func TestProspectPaywallShowsWhatANewCustomerSees(t *testing.T) {
	e := newEnv(t, defaultJourney())
	v, err := e.eng.ProspectPaywall(e.ctx, app, portico.Annually)
	if err != nil {
		t.Fatal(err)
	}
	if v.BillingPeriod != portico.Annually || len(v.Plans) != 4 || v.Plans[2].Intent != portico.IntentStartTrial {
		t.Errorf("paywall = %+v", v)
	}
	_, err = e.eng.ProspectPaywall(e.ctx, "nope", "")
	wantKind(t, err, portico.KindNotFound)
}

func TestHistoryNamesEachJourneySettingChanged(t *testing.T) {
	e := newEnv(t, defaultJourney())
	j := defaultJourney()
	j.Start, j.Downgrade = portico.StartTrial, portico.EndOfPeriod
	if _, _, err := e.eng.ApplyCatalog(e.ctx, testCatalog(j), engine.CatalogChange{}); err != nil {
		t.Fatal(err)
	}
	vs, _ := e.eng.CatalogVersions(e.ctx, 0, 1)
	want := `Changed product "app": journey.downgrade "immediate" → "end_of_period"; journey.start "pricing_table" → "trial"`
	if !slices.Equal(vs[0].Changes, []string{want}) {
		t.Errorf("changes = %q, want %q", vs[0].Changes, want)
	}
}
