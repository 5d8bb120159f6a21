package console

import (
	"context"
	"slices"
	"testing"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/components"
)

// edited is fullCatalog changed by edit.
func edited(edit func(c *portico.Catalog)) *portico.Catalog {
	c := fullCatalog()
	edit(c)
	return c
}

func conflictIDs(cs []conflict) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.id())
	}
	return out
}

func TestAnEditIsReappliedOnSomeoneElsesChange(t *testing.T) {
	base := fullCatalog()
	mine := edited(func(c *portico.Catalog) {
		c.Plans[1].Name = "Pro plus"
		c.Plans[1].Prices[1].Amount = 3500 // monthly
		c.Products[0].Metadata["mine"] = "1"
		c.Plans = append(c.Plans, portico.Plan{ID: "chat-team", ProductID: "chat", Name: "Team", Pricing: portico.PricingCustom})
	})
	theirs := edited(func(c *portico.Catalog) {
		c.Plans[1].Description = "Theirs."
		c.Plans[1].Prices[0].StripePriceID = "price_theirs" // annual
		c.Plans[1].AddonIDs = append(c.Plans[1].AddonIDs, "chat-extra")
		c.Addons = append(c.Addons, portico.Addon{ID: "chat-extra", ProductID: "chat", Name: "Extra"})
		c.Products[0].Metadata["theirs"] = "2"
		c.Products[0].Journey.Downgrade = portico.Immediate
	})
	merged, conflicts, err := mergeCatalogs(base, mine, theirs, nil)
	if err != nil || len(conflicts) > 0 {
		t.Fatalf("merge: %v, conflicts %v", err, conflictIDs(conflicts))
	}
	want := edited(func(c *portico.Catalog) {
		c.Plans[1].Name, c.Plans[1].Description = "Pro plus", "Theirs."
		c.Plans[1].Prices[1].Amount, c.Plans[1].Prices[0].StripePriceID = 3500, "price_theirs"
		c.Plans[1].AddonIDs = append(c.Plans[1].AddonIDs, "chat-extra")
		c.Addons = append(c.Addons, portico.Addon{ID: "chat-extra", ProductID: "chat", Name: "Extra"})
		c.Products[0].Metadata["mine"], c.Products[0].Metadata["theirs"] = "1", "2"
		c.Products[0].Journey.Downgrade = portico.Immediate
		c.Plans = append(c.Plans, portico.Plan{ID: "chat-team", ProductID: "chat", Name: "Team", Pricing: portico.PricingCustom})
	})
	if got, w := mustJSON(t, merged), mustJSON(t, want); got != w {
		t.Errorf("merged\n%s\nwant\n%s", got, w)
	}
}

func TestTheSameFieldChangedOnBothSidesIsTheOperatorsChoice(t *testing.T) {
	base := fullCatalog()
	mine := edited(func(c *portico.Catalog) {
		c.Plans[1].Prices[1].Amount = 3500
		c.Plans[1].Name = "Pro plus"
		c.Plans[1].TrialDays = 30
	})
	theirs := edited(func(c *portico.Catalog) {
		c.Plans[1].Prices[1].Amount = 3100
		c.Plans[1].Name = "Pro plus" // the same change: no conflict
		c.Plans[1].Order = 7
	})
	_, conflicts, err := mergeCatalogs(base, mine, theirs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ids := conflictIDs(conflicts); !slices.Equal(ids, []string{"plans/#chat-pro/prices/#monthly/amount"}) {
		t.Fatalf("conflicts = %v", ids)
	}
	cs := &conflictSet{base: base, mine: mine, theirs: theirs, list: conflicts, keepMine: map[string]bool{}}
	if got := conflictLabel(cs, conflicts[0]); got != "Monthly price of plan “Pro plus”" {
		t.Errorf("the conflict is labelled %q", got)
	}
	if y, th := showValue(conflicts[0].at, conflicts[0].mine), showValue(conflicts[0].at, conflicts[0].theirs); y != "35.00" || th != "31.00" {
		t.Errorf("the two versions show as %q and %q", y, th)
	}
	for keep, amount := range map[bool]int64{true: 3500, false: 3100} {
		cs.keepMine[conflicts[0].id()] = keep
		merged, err := cs.resolved()
		if err != nil {
			t.Fatal(err)
		}
		pl, _ := merged.Plan("chat-pro")
		m, _ := pl.PriceFor(portico.Monthly, "usd")
		if m.Amount != amount || pl.TrialDays != 30 || pl.Order != 7 {
			t.Errorf("keeping mine %v: monthly %d, trial %d, order %d", keep, m.Amount, pl.TrialDays, pl.Order)
		}
	}
}

func TestRemovingWhatTheOtherSideChangedIsAConflict(t *testing.T) {
	base := fullCatalog()
	mine := edited(func(c *portico.Catalog) { c.Plans[1].Entitlements = c.Plans[1].Entitlements[1:] })
	theirs := edited(func(c *portico.Catalog) { c.Plans[1].Entitlements[0].Limit = 20 })
	_, conflicts, _ := mergeCatalogs(base, mine, theirs, nil)
	if ids := conflictIDs(conflicts); !slices.Equal(ids, []string{"plans/#chat-pro/entitlements/#seats"}) {
		t.Errorf("conflicts = %v", ids)
	}
	theirs = edited(func(c *portico.Catalog) {
		c.Plans[1].Entitlements[1].Unlimited = false
		c.Plans[1].Entitlements[1].Limit = 9
	})
	merged, conflicts, _ := mergeCatalogs(base, mine, theirs, nil)
	pl, _ := merged.Plan("chat-pro")
	if len(conflicts) > 0 || len(pl.Entitlements) != 2 || pl.Entitlements[0].Limit != 9 {
		t.Errorf("removing one grant while they changed another: %v, %+v", conflictIDs(conflicts), pl.Entitlements)
	}
}

// staleAPI refuses the first stale saves as someone else's change had
// overtaken them, then accepts; it records what was sent. Like the real
// client, it answers an empty catalog beside an error.
type staleAPI struct {
	API
	theirs *portico.Catalog
	stale  int
	sent   []*portico.Catalog
}

func (a *staleAPI) PutCatalog(_ context.Context, c *portico.Catalog) (*portico.Catalog, error) {
	a.sent = append(a.sent, c)
	if len(a.sent) <= a.stale {
		return &portico.Catalog{}, &components.APIError{Status: statusStale, Title: "The catalog has changed"}
	}
	return c, nil
}

func (a *staleAPI) Catalog(context.Context) (*portico.Catalog, error) { return a.theirs, nil }

func TestASaveOvertakenBySomeoneElseIsMadeOnTheirVersion(t *testing.T) {
	base := fullCatalog()
	mine := edited(func(c *portico.Catalog) { c.Plans[1].TrialDays = 30 })
	api := &staleAPI{stale: 1, theirs: edited(func(c *portico.Catalog) { c.Features[0].Name = "Members" })}
	r := putReapplied(context.Background(), api, base, mine, base)
	if r.err != nil || r.saved == nil || r.conflicts != nil {
		t.Fatalf("result = %+v", r)
	}
	if len(api.sent) != 2 || r.read != api.theirs {
		t.Fatalf("sent %d times; read %v", len(api.sent), r.read != nil)
	}
	pl, _ := r.saved.Plan("chat-pro")
	if f, _ := r.saved.Feature("seats"); pl.TrialDays != 30 || f.Name != "Members" {
		t.Errorf("saved trial %d, feature %q: want both changes", pl.TrialDays, f.Name)
	}

	api = &staleAPI{stale: 1, theirs: edited(func(c *portico.Catalog) { c.Plans[1].TrialDays = 7 })}
	r = putReapplied(context.Background(), api, base, mine, base)
	if r.conflicts == nil || r.saved != nil || len(api.sent) != 1 {
		t.Errorf("the same field changed on both sides was saved: %+v, sent %d", r, len(api.sent))
	}

	api = &staleAPI{stale: maxReapply + 5, theirs: fullCatalog()}
	r = putReapplied(context.Background(), api, base, mine, base)
	if statusOf(r.err) != statusStale || len(api.sent) != maxReapply+1 {
		t.Errorf("overtaken on every try: %v after %d sends", r.err, len(api.sent))
	}
}

// A page that has read a newer catalog than the one an edit began on
// re-applies the edit on it before sending, so the version it sends
// matches the catalog the edit is made on.
func TestAnEditIsMadeOnTheCatalogThePageShowsNow(t *testing.T) {
	base := fullCatalog()
	mine := edited(func(c *portico.Catalog) { c.Plans[1].TrialDays = 30 })
	current := edited(func(c *portico.Catalog) { c.Plans[1].Description = "Newer." })
	api := &staleAPI{theirs: current}
	r := putReapplied(context.Background(), api, base, mine, current)
	pl, _ := r.saved.Plan("chat-pro")
	if r.err != nil || pl.TrialDays != 30 || pl.Description != "Newer." {
		t.Errorf("saved %+v (%v)", pl, r.err)
	}
}
