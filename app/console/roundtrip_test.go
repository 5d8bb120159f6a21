package console

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/catalog"
)

// fullCatalog sets every field of every kind of catalog object at least
// once, in orders the forms do not use themselves (an annual price before
// a monthly one, compatible add-ons out of catalog order), so a save that
// rebuilds an object instead of editing it shows.
func fullCatalog() *portico.Catalog {
	return &portico.Catalog{
		Features: []portico.Feature{
			{ID: "seats", Name: "Seats", Type: portico.FeatureNumeric, Unit: "seat",
				Translations: portico.Translations{"de": {Name: "Plätze", Unit: "Platz"}}},
			{ID: "calls", Name: "API calls", Type: portico.FeatureMetered, Unit: "call", ResetPeriod: "month"},
			{ID: "sso", Name: "Single sign-on", Type: portico.FeatureBoolean},
		},
		Products: []portico.Product{
			{ID: "chat", Name: "Team Chat", Description: "Messaging for teams.", SubscriptionType: portico.SubscriptionSingle,
				Metadata:     map[string]string{"highlight": "chat-pro", "tier": " spaced "},
				Translations: portico.Translations{"fr": {Name: "Chat d'équipe", Description: "La messagerie des équipes."}},
				Journey: portico.Journey{Start: portico.StartFreePlan, FreePlanID: "chat-free",
					// Held while the journey starts on the free plan: the
					// page does not show it, and must keep it.
					TrialPlanID: "chat-pro", Downgrade: portico.EndOfPeriod, UsageReset: portico.ResetOnAnchorChange,
					Cancellation: portico.EndOfPeriod, AfterCancel: portico.AfterCancelDowngradeToFree,
					AlsoCancelProductIDs: []string{"video"}}},
			{ID: "video", Name: "Video", SubscriptionType: portico.SubscriptionMultiple, Journey: defaultJourney(), Archived: true},
		},
		Plans: []portico.Plan{
			{ID: "chat-free", ProductID: "chat", Name: "Free", Pricing: portico.PricingFree,
				Translations: portico.Translations{"ja": {Name: "無料"}},
				Entitlements: []portico.Entitlement{{FeatureID: "seats", Limit: 3}}},
			{ID: "chat-pro", ProductID: "chat", Name: "Pro", Description: "For growing teams.  ", Order: 2,
				Pricing: portico.PricingPaid, TrialDays: 14,
				Prices: []portico.Price{
					{BillingPeriod: portico.Annually, Amount: 29000, Currency: "usd", StripePriceID: "price_pro_annually"},
					{BillingPeriod: portico.Monthly, Amount: 2900, Currency: "usd", StripePriceID: "price_pro_monthly"}},
				Entitlements: []portico.Entitlement{{FeatureID: "seats", Limit: 10}, {FeatureID: "calls", Unlimited: true}, {FeatureID: "sso"}},
				AddonIDs:     []string{"chat-storage", "chat-seats"}},
			{ID: "chat-old", ProductID: "chat", Name: "Pro", Order: 3, Pricing: portico.PricingCustom, Archived: true},
			// Priced by its charges: a tiered quantity of seats and metered
			// calls, with a floor.
			{ID: "chat-metered", ProductID: "chat", Name: "Metered", Order: 4, Pricing: portico.PricingPaid,
				Prices: []portico.Price{{BillingPeriod: portico.Monthly, Amount: 0, Currency: "usd"}},
				Charges: []portico.Charge{
					{FeatureID: "seats", Model: portico.ModelTiered, TiersMode: portico.TiersGraduated,
						MinQuantity: ptr(int64(2)), MaxQuantity: 200,
						Prices: []portico.ChargePrice{{BillingPeriod: portico.Monthly, Currency: "usd", StripePriceID: "price_team_seats",
							Tiers: []portico.Tier{{UpTo: ptr(int64(10)), UnitAmount: 1000, FlatAmount: 500}, {UnitAmount: 800}}}}},
					{FeatureID: "calls", Model: portico.ModelUsage, Included: 10000, BlockSize: 1000,
						Prices: []portico.ChargePrice{{BillingPeriod: portico.Monthly, Currency: "usd", UnitAmount: 50}}},
				},
				MinimumSpend: []portico.MinimumSpend{{BillingPeriod: portico.Monthly, Amount: 5000, Currency: "usd"}}},
		},
		Addons: []portico.Addon{
			{ID: "chat-seats", ProductID: "chat", Name: "Extra seats", Description: "Five more seats.", MaxQuantity: 20,
				Translations: portico.Translations{"pt-BR": {Name: "Assentos extras"}},
				Prices: []portico.Price{
					{BillingPeriod: portico.Monthly, Amount: 500, Currency: "usd", StripePriceID: "price_seats_monthly"},
					{BillingPeriod: portico.Annually, Amount: 5000, Currency: "usd", StripePriceID: "price_seats_annually"}},
				Entitlements: []portico.Entitlement{{FeatureID: "seats", Limit: 5}}},
			{ID: "chat-storage", ProductID: "chat", Name: "Storage", Archived: true,
				Prices: []portico.Price{
					{BillingPeriod: portico.Monthly, Amount: 100, Currency: "usd"},
					{BillingPeriod: portico.Annually, Amount: 1000, Currency: "usd"}}},
		},
	}
}

// unsetFields lists the fields of the catalog's types that are zero in
// every object of v: a field added to the catalog shows up here until the
// fixture sets it, so the round trip covers it.
func unsetFields(v any) []string {
	set := map[string]bool{}
	all := map[string]bool{}
	var walk func(reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Slice:
			for i := range v.Len() {
				walk(v.Index(i))
			}
		case reflect.Struct:
			for i := range v.NumField() {
				name := v.Type().Name() + "." + v.Type().Field(i).Name
				all[name] = true
				if !v.Field(i).IsZero() {
					set[name] = true
				}
				walk(v.Field(i))
			}
		}
	}
	walk(reflect.ValueOf(v).Elem())
	var out []string
	for name := range all {
		if !set[name] {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

func ptr[T any](v T) *T { return &v }

func mustJSON(t *testing.T, c *portico.Catalog) string {
	t.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Saving any object without an edit sends the catalog exactly as read:
// every field the forms show, and every one they do not, such as the
// prices' Stripe price IDs, the metadata, descriptions with spaces, the
// order of lists, archived flags and the journey's idle trial plan.
func TestSavingAnObjectUnchangedSendsTheCatalogAsRead(t *testing.T) {
	cat := fullCatalog()
	if unset := unsetFields(cat); len(unset) > 0 {
		t.Fatalf("the fixture leaves %v unset: give each a value so the round trip covers it", unset)
	}
	if err := catalog.Validate(cat); err != nil {
		t.Fatalf("the fixture is not a valid catalog: %v", err)
	}
	before := mustJSON(t, cat)
	edits := map[string]func() (*portico.Catalog, *dialog){
		"feature seats": func() (*portico.Catalog, *dialog) {
			d := featureDialog(cat, "seats")
			d.prepare(cat)
			return featureEdit(d), d
		},
		"feature calls": func() (*portico.Catalog, *dialog) {
			d := featureDialog(cat, "calls")
			d.prepare(cat)
			return featureEdit(d), d
		},
		"feature sso": func() (*portico.Catalog, *dialog) {
			d := featureDialog(cat, "sso")
			d.prepare(cat)
			return featureEdit(d), d
		},
		"product chat": func() (*portico.Catalog, *dialog) {
			d := productDialog(cat, "chat")
			d.prepare(cat)
			return productEdit(d), d
		},
		"product video": func() (*portico.Catalog, *dialog) {
			d := productDialog(cat, "video")
			d.prepare(cat)
			return productEdit(d), d
		},
		"metadata chat": func() (*portico.Catalog, *dialog) {
			d := metadataDialog(cat, "chat")
			d.prepare(cat)
			return metadataEdit(d), d
		},
		"journey chat": func() (*portico.Catalog, *dialog) {
			return newJourneyDraft(cat, "chat", 0).edit(), newDialog("", "")
		},
	}
	for _, pl := range cat.Plans {
		edits["plan "+pl.ID] = func() (*portico.Catalog, *dialog) {
			d := planDialog(cat, pl.ProductID, pl.ID)
			d.prepare(cat)
			next, _ := d.planEdit(cat)
			return next, d
		}
	}
	for _, a := range cat.Addons {
		edits["add-on "+a.ID] = func() (*portico.Catalog, *dialog) {
			d := addonDialog(cat, a.ProductID, a.ID)
			d.prepare(cat)
			next, _ := d.addonEdit(cat)
			return next, d
		}
	}
	for name, edit := range edits {
		t.Run(name, func(t *testing.T) {
			next, d := edit()
			if len(d.errs) > 0 {
				t.Fatalf("saving unchanged is refused: %v", d.errs)
			}
			if got := mustJSON(t, next); got != before {
				t.Errorf("saved unchanged, the catalog becomes\n%s\nwant\n%s", got, before)
			}
		})
	}
	if mustJSON(t, cat) != before {
		t.Error("editing changed the catalog shown before any save")
	}
}

// An edit changes what it edits and keeps the rest of the object: a new
// amount keeps its price's Stripe price ID.
func TestEditingAnAmountKeepsTheStripePriceID(t *testing.T) {
	cat := fullCatalog()
	d := planDialog(cat, "chat", "chat-pro")
	d.prepare(cat)
	if d.v["stripe.monthly"] != "price_pro_monthly" || d.v["stripe.annually"] != "price_pro_annually" {
		t.Fatalf("the editor shows the Stripe prices as %q and %q", d.v["stripe.monthly"], d.v["stripe.annually"])
	}
	d.v["price.monthly"] = "35"
	next, _ := d.planEdit(cat)
	pl, _ := next.Plan("chat-pro")
	m, _ := pl.PriceFor(portico.Monthly, "usd")
	if m.Amount != 3500 || m.StripePriceID != "price_pro_monthly" || m.Currency != "usd" {
		t.Errorf("the monthly price became %+v", m)
	}
	d.v["stripe.annually"] = "price_pro_annually_2026"
	next, _ = d.planEdit(cat)
	pl, _ = next.Plan("chat-pro")
	if a, _ := pl.PriceFor(portico.Annually, "usd"); a.StripePriceID != "price_pro_annually_2026" || a.Amount != 29000 {
		t.Errorf("the annual price became %+v", a)
	}
	if changes := priceChanges(cat.Plans[1].Prices, pl.Prices); len(changes) != 1 || changes[0].was.BillingPeriod != portico.Monthly {
		t.Errorf("price changes = %+v, want the monthly amount alone (a Stripe price ID is not a price change)", changes)
	}
}

func TestAStripePriceIDMustLookLikeOne(t *testing.T) {
	cat := fullCatalog()
	for in, bad := range map[string]bool{"": false, "price_123": false, "prod_123": true, "price_1 2": true, "29.00": true} {
		d := addonDialog(cat, "chat", "chat-seats")
		d.prepare(cat)
		d.v["stripe.annually"] = in
		d.addonEdit(cat)
		if got := d.errs["stripe.annually"] != ""; got != bad {
			t.Errorf("Stripe price ID %q: refused %v, want %v (%q)", in, got, bad, d.errs["stripe.annually"])
		}
	}
	d := addonDialog(cat, "chat", "chat-seats")
	d.prepare(cat)
	d.v["price.annually"] = ""
	d.addonEdit(cat)
	if d.errs["price.annually"] == "" {
		t.Error("a Stripe price ID without its amount is accepted")
	}
}

func TestTheFormsRefuseWhatTheCatalogRefuses(t *testing.T) {
	cat := fullCatalog()
	d := addonDialog(cat, "chat", "chat-seats")
	d.prepare(cat)
	d.v["maxQuantity"], d.v["ent.0.removed"], d.v["name"] = "0", "true", "Storage"
	d.addonEdit(cat)
	for _, key := range []string{"maxQuantity", "entitlements"} {
		if d.errs[key] == "" {
			t.Errorf("no error beside %s: %v", key, d.errs)
		}
	}
	if d.errs["name"] != "" {
		t.Errorf("a name only an archived add-on has is refused: %q", d.errs["name"])
	}
	d = planDialog(cat, "chat", "")
	d.prepare(cat)
	d.v["name"], d.v["id"], d.v["pricing"] = " free ", "chat-free-2", string(portico.PricingFree)
	d.planEdit(cat)
	if d.errs["name"] != "Another plan of this product is named “Free” (ID chat-free); give this one another name." {
		t.Errorf("a plan named as another live plan of its product: %q", d.errs["name"])
	}
}

// The journey page drops a plan only for the setting the operator turned
// off; one the journey held unused stays.
func TestTheJourneyKeepsPlansOnlyForSettingsTurnedOffHere(t *testing.T) {
	was := fullCatalog().Products[0].Journey
	j := was
	j.Start = portico.StartPricingTable
	if got := journeyToSave(was, j); got.FreePlanID != "chat-free" || got.TrialPlanID != "chat-pro" {
		t.Errorf("still needed after a cancellation, the free plan became %q; the idle trial plan %q", got.FreePlanID, got.TrialPlanID)
	}
	j.AfterCancel = portico.AfterCancelRevoke
	if got := journeyToSave(was, j); got.FreePlanID != "" {
		t.Errorf("a free plan no setting uses any more is kept: %q", got.FreePlanID)
	}
	was.Start, j.Start = portico.StartTrial, portico.StartFreePlan
	if got := journeyToSave(was, j); got.TrialPlanID != "" {
		t.Errorf("the trial plan of a journey that no longer starts on a trial is kept: %q", got.TrialPlanID)
	}
}

func TestJourneyErrorsGoBesideTheirOption(t *testing.T) {
	cat := fullCatalog()
	cat.Products[0].Journey.AlsoCancelProductIDs = []string{"chat", "video", "gone"}
	key := journeyKey("chat")
	for rest, want := range map[string]string{
		"journey.trialPlanId":             "trialPlanId",
		"journey.start":                   "start",
		"journey.afterCancel":             "afterCancel",
		"journey.alsoCancelProductIds[1]": "alsoCancel.video",
		"journey.alsoCancelProductIds[0]": "alsoCancelProductIds", // itself: no box of its own
		"journey.alsoCancelProductIds[2]": "alsoCancelProductIds", // unknown: no box
		"name":                            "",
	} {
		if got := key(cat, rest); got != want {
			t.Errorf("%s goes beside %q, want %q", rest, got, want)
		}
	}
}

func TestAPriceChangeSaysWhomItConcerns(t *testing.T) {
	ch := priceChange{was: portico.Price{BillingPeriod: portico.Monthly, Amount: 2900, Currency: "usd"},
		now: &portico.Price{BillingPeriod: portico.Monthly, Amount: 3500, Currency: "usd"}}
	for _, tc := range []struct {
		h    portico.PriceHolders
		want string
	}{
		{portico.PriceHolders{}, ""},
		{portico.PriceHolders{Subscriptions: 3, Customers: 3},
			"Monthly price, 29.00 USD → 35.00 USD: 3 customers are on this price; they keep what they agreed to until their next change."},
		{portico.PriceHolders{Subscriptions: 1, Scheduled: 1, Customers: 1},
			"Monthly price, 29.00 USD → 35.00 USD: 1 customer is on this price (1 of the subscriptions through a scheduled change); they keep what they agreed to until their next change."},
	} {
		if got := holdersNote(ch, &tc.h, nil); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.h, got, tc.want)
		}
	}
	ch.now = nil
	if got := holdersNote(ch, &portico.PriceHolders{Subscriptions: 2, Customers: 2}, nil); got !=
		"Monthly price, 29.00 USD → no longer sold: 2 customers are on this price; they keep what they agreed to until their next change." {
		t.Errorf("a price no longer sold: %q", got)
	}
}
