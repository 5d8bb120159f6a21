package console

import (
	"context"
	"errors"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/components"
)

// fakeAPI answers the paywall preview; the rest is not called here.
type fakeAPI struct{ API }

func (fakeAPI) Paywall(_ context.Context, productID string, period portico.BillingPeriod) (*portico.PaywallView, error) {
	return &portico.PaywallView{Product: portico.ProductRef{ID: productID, Name: "Team Chat"}, BillingPeriod: portico.Monthly,
		BillingPeriods: []portico.BillingPeriod{portico.Monthly, portico.Annually}, Addons: []portico.PaywallAddon{},
		Plans: []portico.PaywallPlan{{ID: "chat-pro", Name: "Pro", Pricing: portico.PricingPaid, Intent: portico.IntentStartTrial,
			Price: &portico.Money{Amount: 2900, Currency: "usd"}, Prices: []portico.Price{}, Entitlements: []portico.EntitlementLine{}}}}, nil
}

func testCatalog() *portico.Catalog {
	return &portico.Catalog{
		Features: []portico.Feature{{ID: "seats", Name: "Seats", Type: portico.FeatureNumeric}},
		Products: []portico.Product{
			{ID: "chat", Name: "Team Chat", SubscriptionType: portico.SubscriptionSingle, Journey: defaultJourney(),
				Metadata: map[string]string{"highlight": "chat-pro"}},
			{ID: "video", Name: "Video", SubscriptionType: portico.SubscriptionMultiple, Journey: defaultJourney()},
		},
		Plans: []portico.Plan{
			{ID: "chat-free", ProductID: "chat", Name: "Free", Pricing: portico.PricingFree},
			{ID: "chat-basic", ProductID: "chat", Name: "Basic", Order: 1, Pricing: portico.PricingPaid,
				Prices: []portico.Price{{BillingPeriod: portico.Monthly, Amount: 900, Currency: "usd"}}},
			{ID: "chat-pro", ProductID: "chat", Name: "Pro", Order: 2, Pricing: portico.PricingPaid, TrialDays: 14,
				Prices: []portico.Price{{BillingPeriod: portico.Monthly, Amount: 2900, Currency: "usd"},
					{BillingPeriod: portico.Annually, Amount: 29000, Currency: "usd"}}},
		},
		Addons: []portico.Addon{{ID: "chat-seats", ProductID: "chat", Name: "Extra seats", Archived: true,
			Prices: []portico.Price{{BillingPeriod: portico.Monthly, Amount: 500, Currency: "usd"}}}},
	}
}

// view renders one part of a page in go-app's test engine.
type view struct {
	app.Compo
	render func() app.UI
}

func (v *view) Render() app.UI { return v.render() }

// render mounts a component in go-app's test engine, as the server does
// (OnPreRender runs, OnMount does not), and returns its HTML once settled.
func render(t *testing.T, c app.UI) string {
	t.Helper()
	v := &view{render: func() app.UI { return c }}
	eng := app.NewTestEngine()
	if err := eng.Load(v); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { eng.ConsumeAll(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the page did not settle")
	}
	return app.HTMLString(v)
}

func TestProductPageShowsPricesPlansAddonsAndMetadata(t *testing.T) {
	html := render(t, &productView{API: fakeAPI{}, Catalog: testCatalog(), ProductID: "chat"})
	for _, want := range []string{
		"Team Chat", "Single active subscription",
		"29.00 USD", "290.00 USD", "14 days", // Pro's prices and trial
		"Extra seats", "Archived", // the archived add-on, marked
		"highlight", "chat-pro", // the metadata
		`aria-label="Archive plan Basic"`, `aria-label="Edit add-on Extra seats"`,
		"portico-plan-button", // the paywall preview, drawn by the customers' component
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the product page lacks %q", want)
		}
	}
	if strings.Contains(html, `aria-label="Archive add-on Extra seats"`) {
		t.Error("an archived add-on is offered to be archived again")
	}
}

func TestJourneyPagePicksOnlyPlansTheSettingAccepts(t *testing.T) {
	cat := testCatalog()
	cat.Products[0].Journey.Start = portico.StartTrial
	html := render(t, &productView{API: fakeAPI{}, Catalog: cat, ProductID: "chat", Tab: "journey"})
	if !strings.Contains(html, "apply to future") {
		t.Error("the journey page does not say changes apply to future changes only")
	}
	picker := html[strings.Index(html, `id="pc-f-trialPlanId"`):]
	picker = picker[:strings.Index(picker, "</select>")]
	if !strings.Contains(picker, "Pro (14-day trial)") || strings.Contains(picker, "Basic") || strings.Contains(picker, "Free") {
		t.Errorf("the trial picker offers %s; want only paid plans with trial days", picker)
	}
	if strings.Contains(html, `id="pc-f-freePlanId"`) {
		t.Error("the free plan picker shows though no setting uses it")
	}
	if !strings.Contains(html, "Video") {
		t.Error("the other products to cancel with this one are not offered")
	}
}

func TestServerErrorsLandBesideTheirFieldsAsSentences(t *testing.T) {
	sent := testCatalog() // chat-pro is plans[2]: its prices are monthly, then annual
	d := planDialog(sent, "chat", "chat-pro")
	d.prepare(sent)
	for rest, want := range map[string]string{
		"prices[1].amount":          "price.annually",
		"prices[0].currency":        "currency",
		"prices[1].stripePriceId":   "stripe.annually",
		"prices":                    "price.monthly",
		"entitlements":              "entitlements",
		"entitlements[0].featureId": "", // Pro grants nothing
		"addonIds[1]":               "addons",
		"name":                      "name",
		"trialDays":                 "trialDays",
		"productId":                 "", // not on the form
		"stripe[0].x":               "",
	} {
		if got := d.keyOf(sent, rest); got != want {
			t.Errorf("%s goes beside %q, want %q", rest, got, want)
		}
	}

	err := &components.APIError{Status: 422, Title: "Invalid request", Fields: []portico.FieldError{
		{Field: "plans[2].prices[1].amount", Message: "must be at least 0"},
		{Field: "plans[2].prices[1].amount", Message: "must be at least 0"},
		{Field: "plans[20].name", Message: "is required"},
		{Field: "products[0].journey.trialPlanId", Message: `plan "x" has no trial days; give it trial days first`},
		{Field: "plans", Message: `plan "gold" cannot be removed; archive it instead`},
	}}
	d.showErrors(err, sent)
	if got := d.errs["price.annually"]; got != "Annual price must be at least 0." {
		t.Errorf("the amount's error = %q", got)
	}
	want := []string{
		"Name of plan 21 is required.",
		`Trial plan of product “Team Chat”: Plan "x" has no trial days; give it trial days first.`,
		`Plans: Plan "gold" cannot be removed; archive it instead.`,
	}
	if !slices.Equal(d.general, want) {
		t.Errorf("errors about other objects = %q, want %q", d.general, want)
	}
	for _, g := range d.general {
		if strings.ContainsAny(g, "[]") {
			t.Errorf("%q shows a field path", g)
		}
	}
	d.general = nil
	d.showErrors(errors.New("network down"), sent)
	if len(d.general) != 1 || d.general[0] != "The server could not be reached (network down)." {
		t.Errorf("an error without fields = %q", d.general)
	}
}

func TestIDsAreSuggestedFromNamesAndStayUnique(t *testing.T) {
	for name, want := range map[string]string{"Team Chat!": "team-chat", "  Über  Pro 2 ": "ber-pro-2", "": ""} {
		if got := slug(name); got != want {
			t.Errorf("slug(%q) = %q, want %q", name, got, want)
		}
	}
	cat := testCatalog()
	d := newDialog(dlgPlan, "")
	d.product = "video"
	if got := suggestID(cat, d, "Team"); got != "team" {
		t.Errorf("a free ID is changed to %q", got)
	}
	cat.Plans = append(cat.Plans, portico.Plan{ID: "pro", ProductID: "chat"}, portico.Plan{ID: "video-pro", ProductID: "video"})
	if got := suggestID(cat, d, "Pro"); got != "video-pro-2" {
		t.Errorf("suggestID(Pro) = %q, want the product's prefix and a number when both are taken", got)
	}
}

func TestAmountsAreTypedInMajorUnits(t *testing.T) {
	for in, want := range map[string]int64{"29": 2900, "29.5": 2950, "1,290.00": 129000, "0": 0, ".99": 99} {
		if got, err := parseAmount(in); err != nil || got != want {
			t.Errorf("parseAmount(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"-5", "29.999", "abc", "1e3"} {
		if _, err := parseAmount(in); err == nil {
			t.Errorf("parseAmount(%q) accepted", in)
		}
	}
}

func TestSignInReturnsOnlyToConsolePages(t *testing.T) {
	for next, want := range map[string]string{
		"/console/history": "/console/history", "/console": "/console",
		"https://evil.example/": "/console", "//evil.example": "/console", "/consolex": "/console",
		"/console/sign-in": "/console",
	} {
		if got := afterSignIn(url.Values{"next": {next}}); got != want {
			t.Errorf("next %q leads to %q, want %q", next, got, want)
		}
	}
}

// Every field an error can be put beside has a control that says it is in
// error and is described by the error, so a refused save can move the
// focus there and a screen reader reads why.
func TestEveryErrorBesideAFieldFlagsAControl(t *testing.T) {
	keys := []string{"name", "description", "pricing", "order", "trialDays", "price.monthly", "stripe.annually",
		"currency", "ent.0.feature", "ent.0.limit", "entitlements", "addons"}
	cat := testCatalog()
	cat.Plans[2].Entitlements = []portico.Entitlement{{FeatureID: "seats", Limit: 3}}
	cat.Addons[0].Archived = false
	d := planDialog(cat, "chat", "chat-pro")
	d.prepare(cat)
	for _, k := range keys {
		d.errs[k] = "Wrong " + k + "."
	}
	wantErrorsBeside(t, render(t, &dialogHost{API: fakeAPI{}, Catalog: cat, dlg: d}), keys)
}

// wantErrorsBeside checks that each key's error ("Wrong key.") is shown
// and describes a control flagged invalid.
func wantErrorsBeside(t *testing.T, html string, keys []string) {
	t.Helper()
	tags := regexp.MustCompile(`<(input|select|textarea|button)[^>]*>`).FindAllString(html, -1)
	// The test engine writes a "true" attribute bare.
	flagged := regexp.MustCompile(`\s(aria|data)-invalid(="true")?[\s>]`)
	for _, k := range keys {
		if !strings.Contains(html, "Wrong "+k+".") {
			t.Errorf("the error of %s is not shown", k)
			continue
		}
		errID := fieldID(k) + "-error"
		if !slices.ContainsFunc(tags, func(tag string) bool { return strings.Contains(tag, errID) && flagged.MatchString(tag) }) {
			t.Errorf("no control flagged in error is described by #%s", errID)
		}
	}
}
