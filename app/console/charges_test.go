package console

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/components"
	"github.com/portico-dev/portico/server/catalog"
)

// meteredPlan opens the editor of fullCatalog's plan priced by charges:
// seats through graduated tiers (1–10, then 11+), calls by usage.
func meteredPlan(t *testing.T) (*portico.Catalog, *dialog) {
	t.Helper()
	cat := fullCatalog()
	d := planDialog(cat, "chat", "chat-metered")
	d.prepare(cat)
	return cat, d
}

func chargesOf(t *testing.T, next *portico.Catalog) []portico.Charge {
	t.Helper()
	pl, ok := next.Plan("chat-metered")
	if !ok {
		t.Fatal("the plan is gone")
	}
	return pl.Charges
}

func TestTheChargeEditorShowsTheTiersInMajorUnits(t *testing.T) {
	_, d := meteredPlan(t)
	for key, want := range map[string]string{
		"charge.0.feature": "seats", "charge.0.model": "tiered", "charge.0.tiersMode": "graduated",
		"charge.0.minQuantity": "2", "charge.0.maxQuantity": "200",
		"charge.0.monthly.tier.0.upTo": "10", "charge.0.monthly.tier.0.unit": "10.00", "charge.0.monthly.tier.0.flat": "5.00",
		"charge.0.monthly.tier.1.upTo": "", "charge.0.monthly.tier.1.unit": "8.00",
		"charge.0.monthly.stripe": "price_team_seats",
		"charge.1.model":          "usage", "charge.1.included": "10000", "charge.1.blockSize": "1000", "charge.1.monthly.unit": "0.50",
		"minimum.monthly": "50.00",
	} {
		if got := d.v[key]; got != want {
			t.Errorf("%s shows %q, want %q", key, got, want)
		}
	}
}

// Editing a tier table: a tier added becomes the open last one, the tier
// it follows takes an upper bound, amounts are stored in minor units and
// a tier removed is gone; the rest of the charge is kept.
func TestEditingATierTable(t *testing.T) {
	cat, d := meteredPlan(t)
	pb := "charge.0.monthly"
	d.v[pb+".tier.1.unit"] = "7.50"
	d.v[pb+".tierRows"] = "3" // "+ Add a tier"
	d.v[pb+".tier.1.upTo"] = "50"
	d.v[pb+".tier.2.unit"] = "6"
	next, _ := d.planEdit(cat)
	if len(d.errs) > 0 {
		t.Fatalf("refused: %v", d.errs)
	}
	ch := chargesOf(t, next)[0]
	got := ch.Prices[0].Tiers
	want := []portico.Tier{{UpTo: ptr(int64(10)), UnitAmount: 1000, FlatAmount: 500}, {UpTo: ptr(int64(50)), UnitAmount: 750}, {UnitAmount: 600}}
	if !tiersEqual(got, want) {
		t.Errorf("tiers = %s, want %s", tiersText(got), tiersText(want))
	}
	if ch.Prices[0].StripePriceID != "price_team_seats" || *ch.MinQuantity != 2 || ch.MaxQuantity != 200 || ch.TiersMode != portico.TiersGraduated {
		t.Errorf("the rest of the charge changed: %+v", ch)
	}
	if err := catalog.Validate(next); err != nil {
		t.Errorf("the edit is not a valid catalog: %v", err)
	}

	d.v[pb+".tier.0.removed"] = "true" // the first tier removed
	next, _ = d.planEdit(cat)
	got = chargesOf(t, next)[0].Prices[0].Tiers
	want = []portico.Tier{{UpTo: ptr(int64(50)), UnitAmount: 750}, {UnitAmount: 600}}
	if !tiersEqual(got, want) {
		t.Errorf("after removing the first tier: %s, want %s", tiersText(got), tiersText(want))
	}

	// A tier before the last without an upper bound is refused beside it.
	d.v[pb+".tier.1.upTo"] = ""
	d.planEdit(cat)
	if !strings.Contains(d.errs[pb+".tier.1.upTo"], "only the last tier is open") {
		t.Errorf("a tier without an upper bound: %q", d.errs[pb+".tier.1.upTo"])
	}
}

func tiersEqual(a, b []portico.Tier) bool {
	return slices.EqualFunc(a, b, func(x, y portico.Tier) bool {
		return (x.UpTo == nil) == (y.UpTo == nil) && (x.UpTo == nil || *x.UpTo == *y.UpTo) &&
			x.UnitAmount == y.UnitAmount && x.FlatAmount == y.FlatAmount
	})
}

func tiersText(ts []portico.Tier) string {
	var parts []string
	for _, t := range ts {
		up := "∞"
		if t.UpTo != nil {
			up = amountText(*t.UpTo * 100)
		}
		parts = append(parts, up+"@"+amountText(t.UnitAmount)+"+"+amountText(t.FlatAmount))
	}
	return strings.Join(parts, ", ")
}

// A charge is added, switched between models and removed; the feature
// must suit the model.
func TestAddingAndRemovingCharges(t *testing.T) {
	cat, d := meteredPlan(t)
	d.v["charge.1.removed"] = "true"
	d.charges = 3
	d.v["charge.2.model"], d.v["charge.2.feature"] = "usage", "seats"
	d.v["charge.2.monthly.unit"] = "1"
	d.planEdit(cat)
	if !strings.Contains(d.errs["charge.2.feature"], "metered feature") {
		t.Errorf("a usage charge on a numeric feature: %q", d.errs["charge.2.feature"])
	}
	d.errs = map[string]string{}
	d.v["charge.2.feature"] = "calls"
	next, _ := d.planEdit(cat)
	charges := chargesOf(t, next)
	if len(d.errs) > 0 || len(charges) != 2 || charges[1].FeatureID != "calls" || charges[1].Prices[0].UnitAmount != 100 ||
		charges[1].Prices[0].Currency != "usd" || charges[1].Included != 0 {
		t.Errorf("charges = %+v, errors %v", charges, d.errs)
	}
	if pl, _ := next.Plan("chat-metered"); len(pl.MinimumSpend) != 1 || pl.MinimumSpend[0].Amount != 5000 {
		t.Errorf("the minimum spend changed: %+v", pl.MinimumSpend)
	}
	d.v["minimum.monthly"] = "60"
	next, _ = d.planEdit(cat)
	if pl, _ := next.Plan("chat-metered"); len(pl.MinimumSpend) != 1 || pl.MinimumSpend[0].Amount != 6000 || pl.MinimumSpend[0].Currency != "usd" {
		t.Errorf("the minimum spend became %+v", pl.MinimumSpend)
	}
	d.v["minimum.monthly"] = ""
	next, _ = d.planEdit(cat)
	if pl, _ := next.Plan("chat-metered"); len(pl.MinimumSpend) != 0 {
		t.Errorf("a cleared minimum spend is kept: %+v", pl.MinimumSpend)
	}
}

// The server's errors on a charge, its prices and tiers and the minimum
// spend go beside the input they are about, tiers by their place among
// the rows shown.
func TestChargeErrorsLandBesideTheirInputs(t *testing.T) {
	sent, d := meteredPlan(t) // chat-metered is plans[3]
	d.v["charge.0.monthly.tier.0.removed"] = "true"
	d.v["charge.0.monthly.tierRows"] = "3"
	// The form's tier rows 1 and 2 are the sent tiers 0 and 1.
	for rest, want := range map[string]string{
		"charges":                                  "charges",
		"charges[0].featureId":                     "charge.0.feature",
		"charges[0].tiersMode":                     "charge.0.tiersMode",
		"charges[0].maxQuantity":                   "charge.0.maxQuantity",
		"charges[0].included":                      "charge.0.model", // not shown for a tiered charge
		"charges[0].prices":                        "charge.0.monthly.tiers",
		"charges[0].prices[0].tiers":               "charge.0.monthly.tiers",
		"charges[0].prices[0].tiers[0].upTo":       "charge.0.monthly.tier.1.upTo",
		"charges[0].prices[0].tiers[0].unitAmount": "charge.0.monthly.tier.1.unit",
		"charges[0].prices[0].tiers[1].flatAmount": "charge.0.monthly.tier.2.flat",
		"charges[0].prices[0].tiers[1].upTo":       "charge.0.monthly.tiers", // the open one
		"charges[0].prices[0].stripePriceId":       "charge.0.monthly.stripe",
		"charges[0].prices[0].currency":            "currency",
		"charges[1].prices[0].unitAmount":          "charge.1.monthly.unit",
		"charges[1].blockSize":                     "charge.1.blockSize",
		"charges[7].model":                         "charges",
		"minimumSpend[0].amount":                   "minimum.monthly",
		"minimumSpend[0].currency":                 "currency",
	} {
		if got := d.keyOf(sent, rest); got != want {
			t.Errorf("%s goes beside %q, want %q", rest, got, want)
		}
	}

	err := &components.APIError{Status: 422, Title: "Invalid request", Fields: []portico.FieldError{
		{Field: "plans[3].charges[0].prices[0].tiers[0].upTo", Message: "tiers ascend: must be above 10"},
		{Field: "plans[3].minimumSpend[0].amount", Message: "must be at most 100000000000"},
	}}
	d.showErrors(err, sent)
	if got := d.errs["charge.0.monthly.tier.1.upTo"]; got != "“Up to” of tier 1 of the monthly “Seats” charge: Tiers ascend: must be above 10." {
		t.Errorf("the tier's error = %q", got)
	}
	if got := d.errs["minimum.monthly"]; got != "Monthly minimum spend must be at most 100000000000." {
		t.Errorf("the minimum's error = %q", got)
	}
	if len(d.general) > 0 {
		t.Errorf("errors listed above the form: %q", d.general)
	}
}

// Every charge field an error can go beside is drawn with its error and
// a control flagged in error that the error describes.
func TestChargeErrorsShowBesideAFlaggedControl(t *testing.T) {
	cat, d := meteredPlan(t)
	keys := []string{"charges", "charge.0.model", "charge.0.feature", "charge.0.tiersMode", "charge.0.minQuantity",
		"charge.0.maxQuantity", "charge.0.monthly.tiers", "charge.0.monthly.tier.0.upTo", "charge.0.monthly.tier.1.unit",
		"charge.0.monthly.tier.1.flat", "charge.0.monthly.stripe", "charge.1.included", "charge.1.blockSize",
		"charge.1.monthly.unit", "minimum.monthly"}
	for _, k := range keys {
		d.errs[k] = "Wrong " + k + "."
	}
	html := render(t, &dialogHost{API: fakeAPI{}, Catalog: cat, dlg: d})
	wantErrorsBeside(t, html, keys)
	// The last tier is open: its bound cannot be typed.
	last := regexp.MustCompile(`<input[^>]*id="pc-f-charge-0-monthly-tier-1-upTo"[^>]*>`).FindString(html)
	if !strings.Contains(last, "readonly") {
		t.Errorf("the open last tier's bound is %s", last)
	}
	// A tiered charge offers numeric features only, a usage one metered.
	if sel := selectHTML(html, "pc-f-charge-0-feature"); !strings.Contains(sel, ">Seats<") || strings.Contains(sel, "API calls") {
		t.Errorf("the tiered charge's features: %s", sel)
	}
	if sel := selectHTML(html, "pc-f-charge-1-feature"); strings.Contains(sel, ">Seats<") || !strings.Contains(sel, "API calls") {
		t.Errorf("the usage charge's features: %s", sel)
	}
}

func selectHTML(html, id string) string {
	s := html[strings.Index(html, `id="`+id+`"`):]
	return s[:strings.Index(s, "</select>")]
}
