package components

import (
	"reflect"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

// addonsPaywall sells two add-ons with Pro: extra seats, up to 3, which
// grace has 2 of, and extra API calls, which she has none of.
func addonsPaywall() *portico.PaywallView {
	pw := demoPaywall()
	price := func(m, a int64) []portico.Price {
		return []portico.Price{{BillingPeriod: "monthly", Amount: m, Currency: "usd"}, {BillingPeriod: "annually", Amount: a, Currency: "usd"}}
	}
	pw.Plans[2].AddonIDs = []string{"extra-seats", "extra-calls"}
	pw.Addons = []portico.PaywallAddon{
		{ID: "extra-seats", Name: "Extra seats", Description: "Five more seats.", MaxQuantity: 3, Prices: price(500, 5000),
			Entitlements: []portico.EntitlementLine{{FeatureID: "seats", FeatureName: "Seats", Type: "numeric", Unit: "seat", Limit: 5}}},
		{ID: "extra-calls", Name: "Extra API calls", Prices: price(1900, 19000),
			Entitlements: []portico.EntitlementLine{{FeatureID: "api-calls", FeatureName: "API calls", Type: "metered", Unit: "call", Limit: 50000}}},
		// Sold with other plans only: never offered to a Pro customer.
		{ID: "sso-pack", Name: "SSO pack", Prices: price(900, 9000)},
	}
	return pw
}

func addonsSource() *fakeSource {
	return &fakeSource{portal: demoPortal(), paywall: addonsPaywall(), preview: &portico.Preview{Intent: portico.IntentUpgrade,
		Effective: portico.Immediate, EffectiveAt: day0, AmountDueNow: usd(1900), Credit: usd(0),
		NextBill: &portico.Bill{Amount: 6700, Currency: "usd", Date: *at(30)}}}
}

// The add-on list offers to change each add-on the plan sells and to add
// those the customer does not have.
func TestAddonsListOffersChangesAndAdditions(t *testing.T) {
	h := mount(t, withNotices(addonsSource(), NewAddonsList()))
	if got := h.textOf("portico-addon-row"); got != "Extra seats × 2 $10.00 / month Change" {
		t.Errorf("bought add-on row %q", got)
	}
	if label := h.mustFind("portico-change-addon-button").attrs["aria-label"]; label != "Change Extra seats" {
		t.Errorf("change button label %q", label)
	}
	if got := h.textOf("portico-addon-offers"); got != "Available add-ons Extra API calls $19.00 / month each Add" {
		t.Errorf("offers %q", got)
	}
	if h.classCount("portico-addon-offer") != 1 {
		t.Error("an add-on the plan does not sell is offered")
	}

	// A custom price is changed by the team: nothing to change or add.
	p := demoPortal()
	p.Subscriptions[0].Pricing = portico.PricingCustom
	h = mount(t, withNotices(&fakeSource{portal: p, paywall: addonsPaywall()}, NewAddonsList()))
	if h.hasClass("portico-change-addon-button") || h.hasClass("portico-addon-offers") {
		t.Error("a custom-priced subscription offers add-on changes")
	}
}

// Adding an add-on previews the change with the plan and the add-ons the
// customer keeps, then makes it.
func TestAddonEditorAddsAnAddon(t *testing.T) {
	src := addonsSource()
	h := mount(t, withNotices(src, NewAddonsList()))
	h.click("portico-addon-offer", "portico-add-addon-button")
	dialog := h.mustFind("#portico-addon-dialog")
	if dialog.attrs["role"] != "dialog" || dialog.attrs["aria-modal"] != "true" || dialog.attrs["aria-labelledby"] != "portico-addon-dialog-title" {
		t.Errorf("the editor is not a labelled modal dialog: %v", dialog.attrs)
	}
	if got := h.textOf("portico-addon-dialog-title"); got != "Extra API calls" {
		t.Errorf("title %q", got)
	}
	if got := h.mustFind("portico-stepper-input").attrs["value"]; got != "1" {
		t.Errorf("quantity %q, want 1", got)
	}
	want := portico.ChangeRequest{SubscriptionID: "sub_1", PlanID: "pro", BillingPeriod: "monthly",
		Addons: []portico.AddonQuantity{{ID: "extra-seats", Quantity: 2}, {ID: "extra-calls", Quantity: 1}}}
	if src.count("preview pro") != 1 {
		t.Fatalf("no preview: %v", src.log())
	}
	if got := h.textOf("portico-addon-dialog", "portico-preview-due"); got != "Due now $19.00" {
		t.Errorf("due now %q", got)
	}
	if got := h.textOf("portico-addon-dialog", "portico-preview-next-bill"); got != "Next bill $67.00 · Dec 21, 2026" {
		t.Errorf("next bill %q", got)
	}
	// An add-on the customer does not have starts at one: nothing to remove.
	if h.disabled("portico-stepper-decrement") != true || h.hasClass("portico-remove-addon-button") {
		t.Error("a new add-on can go below one unit")
	}
	h.click("portico-confirm-addon-button")
	if len(src.changed) != 1 || !reflect.DeepEqual(src.changed[0], want) {
		t.Fatalf("change requests %+v, want %+v", src.changed, want)
	}
	if h.hasClass("portico-addon-dialog") {
		t.Error("the editor stays open after the change")
	}
	h.contains("Your subscription was updated.")
	if src.count("portal") != 2 {
		t.Errorf("no refresh after the change: %v", src.log())
	}
}

// The stepper stays between none (removing the add-on) and its maximum;
// each quantity is previewed, the current one is not.
func TestAddonEditorStepperBoundsAndRemoval(t *testing.T) {
	src := addonsSource()
	src.previews = map[string]*portico.Preview{
		"": {Intent: portico.IntentDowngrade, Effective: portico.EndOfPeriod, EffectiveAt: *at(30), AmountDueNow: usd(0),
			DroppedAddons: []portico.AddonView{{ID: "extra-seats", Name: "Extra seats", Quantity: 2, Price: usd(500)}},
			Lost:          []portico.EntitlementLine{{FeatureID: "seats", FeatureName: "Seats", Type: "numeric", Limit: 10, Change: "decreased", PreviousLimit: ptrInt(20)}}},
	}
	h := mount(t, withNotices(src, NewAddonsList()))
	h.click("portico-change-addon-button")
	if got := h.mustFind("portico-stepper-input").attrs["value"]; got != "2" {
		t.Fatalf("quantity %q, want the 2 she has", got)
	}
	h.contains("You have 2. Up to 3.", "Choose a new quantity to see what it costs.")
	if !h.disabled("portico-confirm-addon-button") || src.count("preview") != 0 {
		t.Errorf("the current quantity can be confirmed or was previewed: %v", src.log())
	}

	h.click("portico-stepper-increment")
	if got := h.mustFind("portico-stepper-input").attrs["value"]; got != "3" || !h.disabled("portico-stepper-increment") {
		t.Errorf("at the maximum: quantity %q, increment enabled %v", got, !h.disabled("portico-stepper-increment"))
	}
	if src.count("preview") != 1 || h.disabled("portico-confirm-addon-button") {
		t.Errorf("3 units were not previewed: %v", src.log())
	}

	h.click("portico-remove-addon-button")
	if got := h.mustFind("portico-stepper-input").attrs["value"]; got != "0" || !h.disabled("portico-stepper-decrement") {
		t.Errorf("removed: quantity %q, decrement enabled %v", got, !h.disabled("portico-stepper-decrement"))
	}
	if got := h.textOf("portico-addon-dialog", "portico-preview-dropped-addons"); got != "Add-ons removed Extra seats × 2" {
		t.Errorf("dropped add-ons %q", got)
	}
	h.contains("Takes effect On Dec 21, 2026", "Seats: 20 → 10")
	if got := h.textOf("portico-confirm-addon-button"); got != "Remove add-on" {
		t.Errorf("confirm button %q", got)
	}
	h.click("portico-confirm-addon-button")
	want := portico.ChangeRequest{SubscriptionID: "sub_1", PlanID: "pro", BillingPeriod: "monthly"}
	if len(src.changed) != 1 || !reflect.DeepEqual(src.changed[0], want) {
		t.Fatalf("change requests %+v, want %+v", src.changed, want)
	}
	h.contains("Your change is scheduled for Dec 21, 2026.")
}

// Back closes the editor without a change.
func TestAddonEditorBackChangesNothing(t *testing.T) {
	src := addonsSource()
	h := mount(t, withNotices(src, NewAddonsList()))
	h.click("portico-change-addon-button")
	h.click("portico-stepper-increment")
	h.click("portico-addon-dialog", "portico-back-button")
	if h.hasClass("portico-addon-dialog") || len(src.changed) != 0 {
		t.Errorf("back: editor shown %v, changes %v", h.hasClass("portico-addon-dialog"), src.changed)
	}
}

// A failed change stays in the editor with its error.
func TestAddonEditorChangeFailureStaysInTheDialog(t *testing.T) {
	src := addonsSource()
	src.changeErr = &APIError{Status: 422, Title: "Invalid", Detail: "must be at most 3 for add-on \"extra-seats\""}
	h := mount(t, withNotices(src, NewAddonsList()))
	h.click("portico-change-addon-button")
	h.click("portico-stepper-increment")
	h.click("portico-confirm-addon-button")
	if !h.hasClass("portico-addon-dialog") {
		t.Fatal("the editor closed on a failed change")
	}
	h.contains(`That didn't work: must be at most 3 for add-on "extra-seats"`)
}

// "Buy more" opens the add-on that raises the feature's limit, one unit
// more than the customer has; a feature no add-on raises, or one whose
// add-on is at its maximum, leads to the plans.
func TestUsageBuyMoreOpensTheAddonThatRaisesTheLimit(t *testing.T) {
	p := demoPortal()
	p.Entitlements[0].Usage = 19 // seats: 19 of 20
	src := addonsSource()
	src.portal = p
	h := mount(t, withNotices(src, NewUsage()))
	h.click("portico-entitlement-usage-seats", "portico-buy-more-button")
	if got := h.textOf("portico-addon-dialog-title"); got != "Extra seats" {
		t.Fatalf("Buy more on seats opened %q", got)
	}
	if got := h.mustFind("portico-stepper-input").attrs["value"]; got != "3" {
		t.Errorf("quantity %q, want one more than the 2 she has", got)
	}
	if src.count("preview pro") != 1 {
		t.Errorf("one more unit was not previewed: %v", src.log())
	}
	h.click("portico-back-button")

	// No add-on of Pro raises storage.
	h.click("portico-entitlement-usage-storage_gb", "portico-buy-more-button")
	if h.hasClass("portico-addon-dialog") {
		t.Error("Buy more on storage opened an add-on")
	}

	// At the add-on's maximum, more seats come with another plan.
	p = demoPortal()
	p.Entitlements[0].Usage = 20
	p.Subscriptions[0].Addons[0].Quantity = 3
	src.portal = p
	h = mount(t, withNotices(src, NewUsage()))
	h.click("portico-entitlement-usage-seats", "portico-buy-more-button")
	if h.hasClass("portico-addon-dialog") {
		t.Error("Buy more opened an add-on at its maximum")
	}
}

// The host's OnBuyMore comes first.
func TestUsageBuyMoreCallbackComesFirst(t *testing.T) {
	p := demoPortal()
	p.Entitlements[0].Usage = 19
	src := addonsSource()
	src.portal = p
	var got []string
	h := mount(t, withNotices(src, NewUsage()).Callbacks(Callbacks{
		OnBuyMore: func(ctx app.Context, featureID string) bool { got = append(got, featureID); return true }}))
	h.click("portico-entitlement-usage-seats", "portico-buy-more-button")
	if len(got) != 1 || h.hasClass("portico-addon-dialog") {
		t.Errorf("callback calls %v, editor open %v", got, h.hasClass("portico-addon-dialog"))
	}
}
