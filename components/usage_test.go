package components

import (
	"slices"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

func TestUsageShowsEachFeatureWithItsState(t *testing.T) {
	h := mount(t, withNotices(&fakeSource{portal: demoPortal()}, NewUsage()))
	if got := h.textOf("portico-customer-portal-usage-section-title"); got != "Usage" {
		t.Errorf("title %q", got)
	}

	rows := []struct {
		feature, state, text string
		bar                  string // the fill's width; "" when there is no bar
		buyMore              bool
	}{
		{"seats", "usage-ok", "Seats 14 of 20", "70%", false},
		{"api-calls", "usage-near-limit", "API calls Nearly at the limit 96,000 of 100,000 Resets on Dec 21, 2026 Buy more This period Past months No usage recorded yet. A projection of the period's end shows from its third day.", "96%", true},
		{"projects", "usage-ok", "Projects 23 used · Unlimited", "", false},
		{"storage_gb", "usage-at-limit", "Storage Limit reached 10 of 10 Buy more", "100%", true},
	}
	for _, r := range rows {
		row := "portico-entitlement-usage-" + r.feature
		n := h.mustFind(row)
		if !slices.Contains(n.classes, "portico-"+r.state) || !slices.Contains(n.classes, "portico-entitlement-row-container") {
			t.Errorf("%s: classes %v, want %s", r.feature, n.classes, r.state)
		}
		if got := h.textOf(row); got != r.text {
			t.Errorf("%s: %q, want %q", r.feature, got, r.text)
		}
		fill, hasBar := h.findPath(row, "portico-usage-bar-fill")
		switch {
		case hasBar != (r.bar != ""):
			t.Errorf("%s: bar shown %v", r.feature, hasBar)
		case hasBar && fill.attrs["style"] != "width:"+r.bar:
			t.Errorf("%s: bar style %q, want width %s", r.feature, fill.attrs["style"], r.bar)
		}
		if _, ok := h.findPath(row, "portico-buy-more-button"); ok != r.buyMore {
			t.Errorf("%s: buy more shown %v", r.feature, ok)
		}
	}
	bar := h.mustFind("portico-entitlement-usage-api-calls", "portico-usage-bar")
	if bar.attrs["role"] != "progressbar" || bar.attrs["aria-valuenow"] != "96000" || bar.attrs["aria-valuemax"] != "100000" {
		t.Errorf("progress bar attributes %v", bar.attrs)
	}

	// Boolean features are included, with no figure.
	if got := h.textOf("portico-entitlement-usage-sso"); got != "Single sign-on ✓ Included" {
		t.Errorf("boolean feature %q", got)
	}
	if !h.hasClass("portico-entitlement-boolean") || !h.hasClass("portico-entitlement-feature-sso") {
		t.Error("the boolean feature lacks its classes")
	}
	// The feature class is the ID's slug; the usage class is the ID.
	if !h.hasClass("portico-entitlement-feature-storage-gb") || !h.hasClass("portico-entitlement-usage-storage_gb") {
		t.Error("feature classes do not follow the ID and its slug")
	}
}

func TestUsageBuyMoreCallsTheCallbackWithTheFeature(t *testing.T) {
	var got []string
	h := mount(t, withNotices(&fakeSource{portal: demoPortal()}, NewUsage()).Callbacks(Callbacks{
		OnBuyMore: func(ctx app.Context, featureID string) bool { got = append(got, featureID); return true }}))
	h.click("portico-entitlement-usage-storage_gb", "portico-buy-more-button")
	h.click("portico-entitlement-usage-api-calls", "portico-buy-more-button")
	if !slices.Equal(got, []string{"storage_gb", "api-calls"}) {
		t.Errorf("OnBuyMore got %v", got)
	}
}

func TestUsageStatesAtTheirThresholds(t *testing.T) {
	cases := []struct {
		usage, limit int64
		unlimited    bool
		want         string
	}{
		{0, 10, false, "ok"}, {79, 100, false, "ok"}, {80, 100, false, "near-limit"}, {99, 100, false, "near-limit"},
		{100, 100, false, "at-limit"}, {130, 100, false, "at-limit"}, {0, 0, false, "at-limit"}, {5000, 0, true, "ok"},
	}
	for _, c := range cases {
		p := demoPortal()
		p.Entitlements = []portico.EntitlementView{{FeatureID: "seats", FeatureName: "Seats", Type: portico.FeatureNumeric,
			Usage: c.usage, Limit: c.limit, Unlimited: c.unlimited, HasAccess: true}}
		h := mount(t, withNotices(&fakeSource{portal: p}, NewUsage()))
		if n := h.mustFind("portico-entitlement-usage-seats"); !slices.Contains(n.classes, "portico-usage-"+c.want) {
			t.Errorf("%d of %d (unlimited %v): classes %v, want usage-%s", c.usage, c.limit, c.unlimited, n.classes, c.want)
		}
	}
}

func TestUsageUnitsAndEmptyState(t *testing.T) {
	p := demoPortal()
	p.Entitlements = []portico.EntitlementView{{FeatureID: "storage", FeatureName: "Storage", Type: portico.FeatureNumeric,
		Unit: "GB", Usage: 1500, Limit: 2000, HasAccess: true}}
	h := mount(t, withNotices(&fakeSource{portal: p}, NewUsage()))
	h.contains("1,500 of 2,000 GB")

	p.Entitlements = nil
	h = mount(t, withNotices(&fakeSource{portal: p}, NewUsage()))
	h.contains("No metered or limited features on this subscription.")
	if h.hasClass("portico-usage-grid") {
		t.Error("an empty usage section draws a grid")
	}
}

// An entitlement reads in the locale's order, and German keeps the capital
// of its nouns inside a line.
func TestEntitlementLinesFollowTheLocalesGrammar(t *testing.T) {
	projects := portico.EntitlementLine{FeatureID: "projects", FeatureName: "Projekte", Type: portico.FeatureNumeric, Unit: "Projekt", Unlimited: true}
	seats := portico.EntitlementLine{FeatureID: "seats", FeatureName: "Sitzplätze", Type: portico.FeatureNumeric, Unit: "Sitzplatz", Limit: 10}
	for _, tc := range []struct {
		locale string
		line   portico.EntitlementLine
		want   string
	}{
		{"de", projects, "Projekte unbegrenzt"},
		{"de", seats, "10 Sitzplätze"},
		{"fr", portico.EntitlementLine{FeatureName: "Projets", Type: portico.FeatureNumeric, Unit: "projet", Unlimited: true}, "Projets sans limite"},
		{"fr", portico.EntitlementLine{FeatureName: "Stockage", Type: portico.FeatureNumeric, Unit: "Go", Limit: 100}, "100 Go stockage"},
		{"en", portico.EntitlementLine{FeatureName: "Projects", Type: portico.FeatureNumeric, Unit: "project", Unlimited: true}, "Unlimited projects"},
		{"it", portico.EntitlementLine{FeatureName: "Postazioni", Type: portico.FeatureNumeric, Unit: "postazione", Limit: 5}, "5 postazioni"},
		{"ja", portico.EntitlementLine{FeatureName: "シート", Type: portico.FeatureNumeric, Unit: "シート", Limit: 5}, "シート：5"},
	} {
		if got := entitlementText(NewFormat(tc.locale), TextsFor(tc.locale, nil), tc.line); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.locale, got, tc.want)
		}
	}
}
