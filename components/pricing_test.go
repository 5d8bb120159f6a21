package components

import (
	"context"
	"maps"
	"reflect"
	"testing"

	portico "github.com/portico-dev/portico"
)

// pricingSource records the preview requests and answers them by the
// quantity of seats asked, before the fake's own answers.
type pricingSource struct {
	*fakeSource
	previewed []portico.ChangeRequest
	bySeats   map[int64]*portico.Preview
}

func (s *pricingSource) Preview(ctx context.Context, req portico.ChangeRequest) (*portico.Preview, error) {
	s.mu.Lock()
	s.previewed = append(s.previewed, req)
	pv, ok := s.bySeats[req.Quantities["seats"]]
	s.mu.Unlock()
	if ok && s.previewErr == nil {
		s.record("preview " + req.PlanID)
		return pv, nil
	}
	return s.fakeSource.Preview(ctx, req)
}

func (s *pricingSource) lastPreview(t *testing.T) portico.ChangeRequest {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.previewed) == 0 {
		t.Fatal("no preview was asked")
	}
	return s.previewed[len(s.previewed)-1]
}

func seatTiers() []portico.Tier {
	return []portico.Tier{{UpTo: ptrInt(10), UnitAmount: 1000}, {UnitAmount: 800, FlatAmount: 500}}
}

// pricingPortal is Grace on Pro with 16 committed seats on graduated
// tiers, API calls priced by usage and a monthly minimum spend.
func pricingPortal() *portico.PortalView {
	p := demoPortal()
	pro := &p.Subscriptions[0]
	pro.Quantities = map[string]int64{"seats": 16}
	pro.MinimumSpend = &portico.Money{Amount: 5000, Currency: "usd"}
	pro.Charges = []portico.ChargeView{
		{FeatureID: "seats", FeatureName: "Seats", Unit: "seat", Model: portico.ModelTiered, TiersMode: portico.TiersGraduated,
			Quantity: ptrInt(16), MinQuantity: 1, MaxQuantity: 20, Amount: 15300,
			Price: portico.ChargePrice{BillingPeriod: "monthly", Currency: "usd", Tiers: seatTiers()}},
		{FeatureID: "api-calls", FeatureName: "API calls", Unit: "call", Model: portico.ModelUsage, Usage: ptrInt(96000),
			Included: 10000, BlockSize: 1000, Amount: 4300, Price: portico.ChargePrice{BillingPeriod: "monthly", Currency: "usd", UnitAmount: 50}},
	}
	return p
}

// pricingPaywall has the current plan on tiered seats, Business priced
// per seat (2 to 4) and Scale priced by usage with a minimum spend.
func pricingPaywall() *portico.PaywallView {
	pw := demoPaywall()
	money := func(n int64) *portico.Money { return &portico.Money{Amount: n, Currency: "usd"} }
	at := func(p portico.ChargePrice) []portico.ChargePrice {
		p.BillingPeriod, p.Currency = "monthly", "usd"
		return []portico.ChargePrice{p}
	}
	pro := &pw.Plans[2]
	pro.Prices, pro.Price, pro.StartsAt, pro.Quantities = nil, money(0), money(1000), map[string]int64{"seats": 16}
	pro.Charges = []portico.Charge{{FeatureID: "seats", Model: portico.ModelTiered, TiersMode: portico.TiersGraduated,
		MaxQuantity: 20, Prices: at(portico.ChargePrice{Tiers: seatTiers()})}}
	business := portico.PaywallPlan{ID: "business", Name: "Business", Pricing: "paid", Price: money(0), StartsAt: money(2400),
		Intent: portico.IntentUpgrade, AddonIDs: []string{"extra-seats"},
		Charges: []portico.Charge{{FeatureID: "seats", Model: portico.ModelPerUnit, MinQuantity: ptrInt(2), MaxQuantity: 4,
			Prices: at(portico.ChargePrice{UnitAmount: 1200})}}}
	scale := portico.PaywallPlan{ID: "scale", Name: "Scale", Pricing: "paid", Price: money(0), StartsAt: money(5000),
		MinimumSpend: money(5000), Intent: portico.IntentUpgrade,
		Charges: []portico.Charge{{FeatureID: "api-calls", Model: portico.ModelUsage, Included: 10000, BlockSize: 1000,
			Prices: at(portico.ChargePrice{UnitAmount: 50})}}}
	pw.Plans = append(pw.Plans[:3], business, scale)
	return pw
}

// seatsPreview is the preview of n seats: a line per tier reached, less
// the unused part of the 16 seats paid for.
func seatsPreview(n int64) *portico.Preview {
	lines := []portico.Line{{Kind: portico.LineCharge, Description: "Seats × 10 (1–10)", FeatureID: "seats",
		Quantity: ptrInt(10), UnitAmount: ptrInt(1000), TierFrom: 1, TierTo: 10, Amount: 10000}}
	if n > 10 {
		lines = append(lines, portico.Line{Kind: portico.LineCharge, Description: "Seats (11 and above)", FeatureID: "seats",
			Quantity: ptrInt(n - 10), UnitAmount: ptrInt(800), TierFrom: 11, FlatAmount: 500, Amount: (n-10)*800 + 500})
	}
	sum := portico.SumLines(lines)
	return &portico.Preview{Intent: portico.IntentUpgrade, Effective: portico.Immediate, EffectiveAt: day0,
		Lines: lines, Credit: usd(15300), AmountDueNow: usd(sum - 15300), Quantities: map[string]int64{"seats": n}}
}

func pricingSourceFor() *pricingSource {
	return &pricingSource{fakeSource: &fakeSource{portal: pricingPortal(), paywall: pricingPaywall(), preview: seatsPreview(16)},
		bySeats: map[int64]*portico.Preview{}}
}

func TestPaywallShowsChargedPlansTerms(t *testing.T) {
	h := mount(t, withNotices(pricingSourceFor(), NewPaywall()))
	if got := h.textOf("portico-pro", "portico-plan-price"); got !=
		"Starts at $10.00 / month 1–10: $10.00 per seat 11 and above: $8.00 per seat + $5.00 billed monthly" {
		t.Errorf("tiered plan %q", got)
	}
	if got := h.textOf("portico-pro", "portico-plan-quantities"); got != "16 seats" {
		t.Errorf("current plan's quantity %q", got)
	}
	if got := h.textOf("portico-business", "portico-plan-charges"); got != "$12.00 per seat / month" {
		t.Errorf("per-unit plan %q", got)
	}
	if got := h.textOf("portico-scale", "portico-plan-charges"); got !=
		"10,000 API calls included, then $0.50 per 1,000 API calls Minimum $50.00 / month" {
		t.Errorf("usage plan %q", got)
	}
	if _, ok := h.findPath("portico-scale", "portico-quantity-stepper"); ok {
		t.Error("a usage-priced plan has a quantity stepper")
	}
}

// The stepper stays within the charge's bounds; the quantity picked is
// what the preview and the change ask for, and stepping in the confirm
// step previews again.
func TestPaywallStepperBoundsAndQuantitiesSent(t *testing.T) {
	src := pricingSourceFor()
	h := mount(t, withNotices(src, NewPaywall()))
	card := "portico-business"
	if got := h.mustFind(card, "portico-stepper-input").attrs["value"]; got != "2" {
		t.Fatalf("Business starts at %q seats, want its minimum 2", got)
	}
	if !h.disabled(card, "portico-stepper-decrement") {
		t.Error("the stepper goes below the minimum")
	}
	if got := h.mustFind(card, "portico-stepper-decrement").attrs["aria-label"]; got != "Fewer seats" {
		t.Errorf("decrement's name %q", got)
	}
	h.click(card, "portico-stepper-increment")
	h.click(card, "portico-stepper-increment")
	if got := h.mustFind(card, "portico-stepper-input").attrs["value"]; got != "4" || !h.disabled(card, "portico-stepper-increment") {
		t.Errorf("at the maximum: %q seats, increment enabled %v", got, !h.disabled(card, "portico-stepper-increment"))
	}
	if got := h.textOf(card, "portico-plan-estimate"); got != "$48.00 / month at this quantity" {
		t.Errorf("estimate %q", got)
	}
	h.click(card, "portico-stepper-decrement")
	h.click(card, "portico-plan-button")
	want := map[string]int64{"seats": 3}
	if got := src.lastPreview(t); got.PlanID != "business" || !maps.Equal(got.Quantities, want) {
		t.Fatalf("preview asked %+v, want business with %v", got, want)
	}
	src.bySeats[4] = seatsPreview(4)
	h.click("portico-confirm-dialog", "portico-stepper-increment")
	if got := src.lastPreview(t).Quantities["seats"]; got != 4 {
		t.Fatalf("stepping in the confirm step previewed %d seats, want 4", got)
	}
	if got := h.textOf("portico-confirm-dialog", "portico-line-charge"); got != "Seats 10 × $10.00 for units 1–10 $100.00" {
		t.Errorf("lines %q", got)
	}
	h.click("portico-confirm-dialog", "portico-confirm-button")
	if len(src.changed) != 1 || !maps.Equal(src.changed[0].Quantities, map[string]int64{"seats": 4}) {
		t.Fatalf("change requests %+v, want 4 seats", src.changed)
	}
}

// "Change seats" previews the new quantity with a line per tier reached,
// the credit and what is due, then sends the same plan, period and add-ons
// with the new quantity.
func TestQuantityEditorPreviewsAndChangesSeats(t *testing.T) {
	src := pricingSourceFor()
	src.bySeats[18] = seatsPreview(18)
	h := mount(t, withNotices(src, NewSubscriptionOverview()))
	if got := h.textOf("portico-charge-seats"); got != "16 seats $153.00 / month Change seats" {
		t.Errorf("committed charge %q", got)
	}
	if got := h.textOf("portico-charge-api-calls"); got != "96,000 API calls so far · 10,000 API calls included $43.00" {
		t.Errorf("usage charge %q", got)
	}
	if got := h.textOf("portico-charge-minimum"); got != "Minimum $50.00 / month" {
		t.Errorf("minimum %q", got)
	}
	h.click("portico-change-quantity-button")
	if got := h.mustFind("portico-quantity-dialog", "portico-stepper-input").attrs["value"]; got != "16" {
		t.Fatalf("the editor starts at %q seats", got)
	}
	h.contains("You have 16 seats. From 1 to 20 seats.", "Choose a new number of seats to see what it costs.")
	if src.count("preview") != 0 || !h.disabled("portico-confirm-quantity-button") {
		t.Error("the current quantity was previewed or can be confirmed")
	}
	h.click("portico-quantity-dialog", "portico-stepper-increment")
	h.click("portico-quantity-dialog", "portico-stepper-increment")
	want := portico.ChangeRequest{SubscriptionID: "sub_1", PlanID: "pro", BillingPeriod: "monthly",
		Addons: []portico.AddonQuantity{{ID: "extra-seats", Quantity: 2}}, Quantities: map[string]int64{"seats": 18}}
	if got := src.lastPreview(t); !reflect.DeepEqual(got, want) {
		t.Fatalf("preview asked %+v, want %+v", got, want)
	}
	h.contains("Seats 10 × $10.00 for units 1–10 $100.00 Seats 8 × $8.00 for units 11 and up + $5.00 $69.00")
	if n := h.classCount("portico-line-charge"); n != 2 {
		t.Errorf("%d charge lines, want one per tier reached", n)
	}
	h.contains("Credit for unused time $153.00", "Due now $16.00")
	h.click("portico-confirm-quantity-button")
	if len(src.changed) != 1 || !reflect.DeepEqual(src.changed[0], want) {
		t.Fatalf("change requests %+v, want %+v", src.changed, want)
	}
	h.contains("Your subscription was updated.")
}

// A decrease that waits for the period's end says when it applies.
func TestQuantityEditorSaysWhenADecreaseApplies(t *testing.T) {
	src := pricingSourceFor()
	src.bySeats[15] = &portico.Preview{Intent: portico.IntentDowngrade, Effective: portico.EndOfPeriod, EffectiveAt: *at(30),
		AmountDueNow: usd(0), Lines: []portico.Line{}, Lost: []portico.EntitlementLine{{FeatureID: "seats", FeatureName: "Seats", Change: "removed"}}}
	h := mount(t, withNotices(src, NewSubscriptionOverview()))
	h.click("portico-change-quantity-button")
	h.click("portico-quantity-dialog", "portico-stepper-decrement")
	h.contains("You keep 16 seats until Dec 21, 2026, then move to 15 seats.", "Takes effect On Dec 21, 2026")
	h.lacks("You lose")
}

// A quantity the server refuses names its feature.
func TestQuantityRefusedNamesTheFeature(t *testing.T) {
	src := pricingSourceFor()
	src.previewErr = &APIError{Status: 422, Title: "Invalid request", Detail: "One or more fields are invalid.",
		Fields: []portico.FieldError{{Field: "quantities.seats", Message: "must be at most 17"}}}
	h := mount(t, withNotices(src, NewSubscriptionOverview()))
	h.click("portico-change-quantity-button")
	h.click("portico-quantity-dialog", "portico-stepper-increment")
	h.click("portico-quantity-dialog", "portico-stepper-increment")
	if got := h.textOf("portico-quantity-dialog", "portico-error"); got != "Seats: must be at most 17" {
		t.Errorf("error %q", got)
	}
	if !h.disabled("portico-confirm-quantity-button") {
		t.Error("a refused quantity can be confirmed")
	}
}

func TestScheduledQuantityChangeReads(t *testing.T) {
	p := pricingPortal()
	p.Subscriptions[0].ScheduledUpdates = []portico.ScheduledUpdate{{Type: portico.UpdateQuantityChange, EffectiveAt: *at(30),
		TargetQuantities: map[string]int64{"seats": 12}}}
	h := mount(t, withNotices(&fakeSource{portal: p}, NewSubscriptionOverview()))
	if got := h.textOf("portico-scheduled-update-banner"); got != "Your subscription changes to 12 seats on Dec 21, 2026. Cancel update" {
		t.Errorf("banner %q", got)
	}
}

// snapPricing shows the charged portal's states for the class hooks: plan
// terms and steppers, the confirm step's lines, the overview's charges and
// the quantity editor, previewing an increase and a scheduled decrease.
func snapPricing(t *testing.T, prefix string, snap func(*harness)) {
	c := func(name string) string { return prefix + "-" + name }
	src := pricingSourceFor()
	src.bySeats[17] = seatsPreview(17)
	src.bySeats[15] = &portico.Preview{Intent: portico.IntentDowngrade, Effective: portico.EndOfPeriod, EffectiveAt: *at(30), AmountDueNow: usd(0)}
	h := mount(t, NewCustomerPortal(src).Prefix(prefix))
	snap(h)
	h.click(c("business"), c("plan-button"))
	snap(h)
	h.click(c("confirm-dialog"), c("back-button"))
	h.click(c("change-quantity-button"))
	snap(h)
	h.click(c("quantity-dialog"), c("stepper-increment"))
	snap(h)
	h.click(c("quantity-dialog"), c("stepper-decrement"))
	h.click(c("quantity-dialog"), c("stepper-decrement"))
	snap(h)
}
