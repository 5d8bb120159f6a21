package components

import (
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

func TestPaywallShowsPlansForTheCustomer(t *testing.T) {
	src := &fakeSource{portal: demoPortal(), paywall: demoPaywall()}
	h := mount(t, withNotices(src, NewPaywall()))
	if got := src.log(); !slices.Equal(got, []string{"portal", "paywall  "}) {
		t.Fatalf("calls %v", got)
	}
	if got := h.textOf("portico-paywall-section-title"); got != "Plans" {
		t.Errorf("title %q", got)
	}
	h.contains("Save up to 17%")
	if got := h.textOf("portico-period-option-selected"); got != "Monthly" {
		t.Errorf("selected period %q", got)
	}

	// The current plan is marked and cannot be chosen again.
	pro := h.mustFind("portico-pro")
	for _, c := range []string{"portico-plan-card", "portico-current-plan", "portico-plan-highlighted"} {
		if !slices.Contains(pro.classes, c) {
			t.Errorf("the Pro card lacks %s: %v", c, pro.classes)
		}
	}
	// On the current plan the "Current plan" badge stands alone.
	if got := h.textOf("portico-pro"); got != "Current plan Pro $29.00 / month billed monthly Current plan Single sign-on Unlimited projects" {
		t.Errorf("Pro card %q", got)
	}
	if !h.disabled("portico-pro", "portico-plan-button") {
		t.Error("the current plan's button is enabled")
	}
	if slices.Contains(h.mustFind("portico-basic").classes, "portico-current-plan") {
		t.Error("another plan is marked current")
	}

	// A plan below current usage says so.
	if got := h.textOf("portico-free", "portico-below-usage"); got != "Below your current usage of seats" {
		t.Errorf("below usage %q", got)
	}
	if _, ok := h.findPath("portico-basic", "portico-below-usage"); ok {
		t.Error("a plan above usage is flagged")
	}
	if got := h.textOf("portico-free"); got != "Free Free Downgrade Below your current usage of seats 3 seats" {
		t.Errorf("Free card %q", got)
	}
	if got := h.textOf("portico-enterprise"); got != "Enterprise Contact us Contact sales" {
		t.Errorf("Enterprise card %q", got)
	}
}

func TestPaywallPeriodToggleReloadsWithTheBillingPeriod(t *testing.T) {
	src := &fakeSource{portal: demoPortal(), paywall: demoPaywall()}
	h := mount(t, withNotices(src, NewPaywall()))
	h.click("portico-billing-period-toggle", "=Annually")
	if got := src.log(); got[len(got)-1] != "paywall  annually" {
		t.Fatalf("the toggle did not reload the annual plans: %v", got)
	}
	if got := h.textOf("portico-period-option-selected"); got != "Annually" {
		t.Errorf("selected period %q", got)
	}
	if got := h.textOf("portico-basic", "portico-plan-price"); got != "$90.00 / year billed annually" {
		t.Errorf("annual price %q", got)
	}
	if h.mustFind("=Annually").attrs["aria-checked"] != "true" || h.mustFind("=Monthly").attrs["aria-checked"] != "false" {
		t.Error("aria-checked does not follow the period")
	}

	h.click("portico-billing-period-toggle", "=Monthly")
	if got := src.log(); got[len(got)-1] != "paywall  monthly" {
		t.Errorf("back to monthly: %v", got)
	}
	h.contains("$9.00 / month")

	// Choosing the selected period again does not reload.
	n := src.count("paywall")
	h.click("portico-billing-period-toggle", "=Monthly")
	if src.count("paywall") != n {
		t.Errorf("the selected period reloaded: %v", src.log())
	}
}

func TestPaywallWithoutSeveralPeriodsHasNoToggle(t *testing.T) {
	pw := demoPaywall()
	pw.BillingPeriods = []portico.BillingPeriod{portico.Monthly}
	h := mount(t, withNotices(&fakeSource{portal: demoPortal(), paywall: pw}, NewPaywall()))
	if h.hasClass("portico-billing-period-toggle") {
		t.Error("a single billing period shows a toggle")
	}
}

// intentsPaywall has a plan for each intent.
func intentsPaywall() *portico.PaywallView {
	pw := demoPaywall()
	price := func(m, a int64) []portico.Price {
		return []portico.Price{{BillingPeriod: "monthly", Amount: m, Currency: "usd"}, {BillingPeriod: "annually", Amount: a, Currency: "usd"}}
	}
	plan := func(id, name string, intent portico.Intent) portico.PaywallPlan {
		return portico.PaywallPlan{ID: id, Name: name, Pricing: "paid", Prices: price(1900, 19000), Intent: intent}
	}
	trial := plan("team", "Team", portico.IntentStartTrial)
	trial.TrialDays = 14
	business := plan("business", "Business", portico.IntentUpgrade)
	business.AddonIDs = []string{"extra-seats"}
	pw.Plans = []portico.PaywallPlan{
		plan("pro", "Pro", portico.IntentCurrent),
		plan("starter", "Starter", portico.IntentSubscribe),
		business,
		plan("basic", "Basic", portico.IntentDowngrade),
		trial,
		plan("pro-annual", "Pro yearly", portico.IntentSwitchPeriod),
		{ID: "enterprise", Name: "Enterprise", Pricing: "custom", Intent: portico.IntentContactSales},
		plan("scale", "Scale", portico.IntentScheduled),
	}
	return pw
}

func TestPaywallButtonFollowsTheIntent(t *testing.T) {
	src := &fakeSource{portal: demoPortal(), paywall: intentsPaywall()}
	h := mount(t, withNotices(src, NewPaywall()))
	cases := []struct {
		plan, label, class string
		disabled           bool
	}{
		{"pro", "Current plan", "current", true},
		{"starter", "Choose plan", "subscribe", false},
		{"business", "Upgrade", "upgrade", false},
		{"basic", "Downgrade", "downgrade", false},
		{"team", "Start 14-day trial", "start-trial", false},
		{"pro-annual", "Switch to monthly billing", "switch-period", false},
		{"enterprise", "Contact sales", "contact-sales", false},
		{"scale", "Scheduled", "scheduled", true},
	}
	for _, c := range cases {
		b := h.mustFind("portico-"+c.plan, "portico-plan-button")
		if got := visibleTextOf(b); got != c.label {
			t.Errorf("%s: label %q, want %q", c.plan, got, c.label)
		}
		if !slices.Contains(b.classes, "portico-plan-button-"+c.class) {
			t.Errorf("%s: classes %v lack plan-button-%s", c.plan, b.classes, c.class)
		}
		if _, off := b.attrs["disabled"]; off != c.disabled {
			t.Errorf("%s: disabled %v", c.plan, off)
		}
	}
	h.click("portico-billing-period-toggle", "=Annually")
	if got := h.textOf("portico-pro-annual", "portico-plan-button"); got != "Switch to annual billing" {
		t.Errorf("switch period on the annual view: %q", got)
	}
}

func TestPaywallConfirmStepPreviewsThenChanges(t *testing.T) {
	src := &fakeSource{portal: demoPortal(), paywall: intentsPaywall(), preview: &portico.Preview{
		Intent: portico.IntentUpgrade, Effective: portico.Immediate, EffectiveAt: day0,
		AmountDueNow: usd(1450), Credit: usd(950), NextBill: &portico.Bill{Amount: 6800, Currency: "usd", Date: *at(30)},
		Gained: []portico.EntitlementLine{{FeatureID: "seats", FeatureName: "Seats", Type: portico.FeatureNumeric, Limit: 50, Change: "increased", PreviousLimit: ptrInt(20)}},
	}}
	h := mount(t, withNotices(src, NewPaywall()))
	h.click("portico-business", "portico-plan-button")
	if src.count("preview business") != 1 {
		t.Fatalf("no preview: %v", src.log())
	}
	dialog := h.mustFind("portico-confirm-dialog")
	if dialog.attrs["role"] != "dialog" || dialog.attrs["aria-modal"] != "true" {
		t.Errorf("dialog attributes %v", dialog.attrs)
	}
	for class, want := range map[string]string{
		"portico-confirm-title":     "Confirm your change",
		"portico-confirm-plan":      "Business, Monthly",
		"portico-preview-due":       "Due now $14.50",
		"portico-preview-credit":    "Credit for unused time $9.50",
		"portico-preview-effective": "Takes effect Immediately",
		"portico-preview-next-bill": "Next bill $68.00 · Dec 21, 2026",
		"portico-preview-gained":    "You gain Seats: 20 → 50",
	} {
		if got := h.textOf("portico-confirm-dialog", class); got != want {
			t.Errorf("%s: %q, want %q", class, got, want)
		}
	}
	if h.hasClass("portico-preview-lost") || h.hasClass("portico-preview-usage-reset") {
		t.Error("the preview shows losses or a usage reset it does not have")
	}
	if len(src.changed) != 0 {
		t.Fatal("the preview changed the subscription")
	}

	h.click("portico-confirm-dialog", "portico-confirm-button")
	want := portico.ChangeRequest{SubscriptionID: "sub_1", PlanID: "business", BillingPeriod: "monthly",
		Addons: []portico.AddonQuantity{{ID: "extra-seats", Quantity: 2}}}
	if len(src.changed) != 1 || !reflect.DeepEqual(src.changed[0], want) {
		t.Fatalf("change requests %+v, want %+v", src.changed, want)
	}
	if h.hasClass("portico-confirm-dialog") {
		t.Error("the dialog stays open after the change")
	}
	h.contains("Your subscription was updated.")
	if src.count("portal") != 2 || src.count("paywall") != 2 {
		t.Errorf("the portal and the plans were not reloaded after the change: %v", src.log())
	}
}

func TestPaywallConfirmShowsLossesAndWhenItTakesEffect(t *testing.T) {
	src := &fakeSource{portal: demoPortal(), paywall: intentsPaywall(), preview: &portico.Preview{
		Intent: portico.IntentDowngrade, Effective: portico.EndOfPeriod, EffectiveAt: *at(30),
		AmountDueNow: usd(0), UsageReset: true, BelowUsage: []string{"projects"},
		Lost: []portico.EntitlementLine{
			{FeatureID: "sso", FeatureName: "Single sign-on", Type: portico.FeatureBoolean, Change: "removed"},
			{FeatureID: "projects", FeatureName: "Projects", Type: portico.FeatureNumeric, Limit: 10, Change: "decreased", PreviousUnlimited: true}},
		DroppedAddons: []portico.AddonView{{ID: "extra-seats", Name: "Extra seats", Quantity: 2, Price: usd(500)}},
	}}
	h := mount(t, withNotices(src, NewPaywall()))
	h.click("portico-basic", "portico-plan-button")
	for class, want := range map[string]string{
		"portico-preview-due":         "Due now $0.00",
		"portico-preview-effective":   "Takes effect On Dec 21, 2026",
		"portico-preview-lost":        "You lose Single sign-on Projects: Unlimited → 10",
		"portico-preview-usage-reset": "Metered usage restarts from zero.",
		"portico-below-usage":         "Your current usage is above the new limits for: projects.",
		// Basic does not sell the extra seats: the change drops them.
		"portico-preview-dropped-addons": "Add-ons removed Extra seats × 2",
	} {
		if got := h.textOf("portico-confirm-dialog", class); got != want {
			t.Errorf("%s: %q, want %q", class, got, want)
		}
	}
	if h.hasClass("portico-preview-credit") || h.hasClass("portico-preview-next-bill") {
		t.Error("a preview without credit or next bill shows them")
	}
	h.click("portico-confirm-button")
	if len(src.changed) != 1 || src.changed[0].PlanID != "basic" || src.changed[0].Addons != nil {
		t.Errorf("change %+v: add-ons the plan does not sell must not be kept", src.changed)
	}
	h.contains("Your change is scheduled for Dec 21, 2026.")
}

func TestPaywallStartTrialNotice(t *testing.T) {
	src := &fakeSource{portal: demoPortal(), paywall: intentsPaywall(),
		preview: &portico.Preview{Intent: portico.IntentStartTrial, Effective: portico.Immediate, EffectiveAt: day0}}
	h := mount(t, withNotices(src, NewPaywall()))
	h.click("portico-team", "portico-plan-button")
	h.contains("Team, Monthly")
	h.click("portico-confirm-button")
	h.contains("Your trial has started.")
}

func TestPaywallBackClosesTheConfirmStepWithoutChange(t *testing.T) {
	src := &fakeSource{portal: demoPortal(), paywall: intentsPaywall(), preview: &portico.Preview{Effective: portico.Immediate}}
	h := mount(t, withNotices(src, NewPaywall()))
	h.click("portico-basic", "portico-plan-button")
	h.click("portico-confirm-dialog", "portico-back-button")
	if h.hasClass("portico-confirm-dialog") || len(src.changed) != 0 {
		t.Errorf("back: dialog %v, changes %v", h.hasClass("portico-confirm-dialog"), src.changed)
	}
}

func TestPaywallPreviewAndChangeFailures(t *testing.T) {
	src := &fakeSource{portal: demoPortal(), paywall: intentsPaywall(), previewErr: errors.New("plan archived")}
	h := mount(t, withNotices(src, NewPaywall()))
	h.click("portico-basic", "portico-plan-button")
	h.contains("That didn't work: plan archived")
	if !h.disabled("portico-confirm-button") {
		t.Error("a failed preview can be confirmed")
	}

	src = &fakeSource{portal: demoPortal(), paywall: intentsPaywall(), preview: &portico.Preview{Effective: portico.Immediate},
		changeErr: &APIError{Status: 403, Title: "Forbidden", Detail: "Custom prices change through support."}}
	h = mount(t, withNotices(src, NewPaywall()))
	h.click("portico-basic", "portico-plan-button")
	h.click("portico-confirm-button")
	if !h.hasClass("portico-confirm-dialog") {
		t.Fatal("a failed change closes the dialog")
	}
	if got := h.textOf("portico-confirm-dialog", "portico-error"); got != "That didn't work: Custom prices change through support." {
		t.Errorf("change error %q", got)
	}
	if src.count("portal") != 1 {
		t.Errorf("a failed change refreshed the portal: %v", src.log())
	}
}

func TestPaywallContactSalesCallsTheSupportAction(t *testing.T) {
	src := &fakeSource{portal: demoPortal(), paywall: intentsPaywall()}
	calls := 0
	h := mount(t, withNotices(src, NewPaywall()).Callbacks(Callbacks{OnContactSupport: func(app.Context) bool { calls++; return true }}))
	h.click("portico-enterprise", "portico-plan-button")
	if calls != 1 || src.count("preview") != 0 || h.hasClass("portico-confirm-dialog") {
		t.Errorf("contact sales: callback calls %d, source %v, dialog %v", calls, src.log(), h.hasClass("portico-confirm-dialog"))
	}
}

func TestPaywallPlanSelectedCallbackSkipsTheConfirmStep(t *testing.T) {
	src := &fakeSource{portal: demoPortal(), paywall: intentsPaywall(), preview: &portico.Preview{Effective: portico.Immediate}}
	var got []PlanSelection
	handled := true
	h := mount(t, withNotices(src, NewPaywall()).Callbacks(Callbacks{OnPlanSelected: func(ctx app.Context, sel PlanSelection) bool {
		got = append(got, sel)
		return handled
	}}))
	h.click("portico-business", "portico-plan-button")
	want := PlanSelection{PlanID: "business", BillingPeriod: "monthly", Intent: portico.IntentUpgrade, SubscriptionID: "sub_1"}
	if len(got) != 1 || got[0] != want {
		t.Fatalf("selections %+v, want %+v", got, want)
	}
	if src.count("preview") != 0 || h.hasClass("portico-confirm-dialog") {
		t.Errorf("a handled selection still previewed: %v", src.log())
	}

	// A callback that declines leaves the confirm step to the paywall.
	handled = false
	h.click("portico-basic", "portico-plan-button")
	if src.count("preview basic") != 1 || !h.hasClass("portico-confirm-dialog") {
		t.Errorf("a declined selection did not preview: %v", src.log())
	}
}

func TestPaywallLoadErrorRetries(t *testing.T) {
	src := &fakeSource{portal: demoPortal(), paywall: demoPaywall(), paywallErr: errors.New("catalog unavailable")}
	h := mount(t, withNotices(src, NewPaywall()))
	h.contains("We couldn't load the plans.", "catalog unavailable", "Try again")
	if h.hasClass("portico-skeleton") {
		t.Error("a failed load shows a skeleton")
	}
	src.paywallErr = nil
	h.click("portico-paywall", "portico-retry-button")
	if src.count("paywall") != 2 {
		t.Errorf("retry calls %v", src.log())
	}
	h.contains("Basic", "$9.00 / month")
	h.lacks("We couldn't load the plans.")
	if h.hasClass("portico-skeleton") {
		t.Error("a skeleton stays after the retry loaded the plans")
	}

	// A failed retry shows the error again, never an endless skeleton.
	src = &fakeSource{portal: demoPortal(), paywall: demoPaywall(), paywallErr: errors.New("catalog unavailable")}
	h = mount(t, withNotices(src, NewPaywall()))
	h.click("portico-retry-button")
	if src.count("paywall") != 2 || h.hasClass("portico-skeleton") {
		t.Errorf("a failed retry: calls %v, skeleton %v", src.log(), h.hasClass("portico-skeleton"))
	}
	h.contains("We couldn't load the plans.")
}

func TestPaywallPeriodToggleFailureKeepsThePlansShown(t *testing.T) {
	src := &fakeSource{portal: demoPortal(), paywall: demoPaywall()}
	h := mount(t, withNotices(src, NewPaywall()))
	src.paywallErr = errors.New("catalog unavailable")
	h.click("portico-billing-period-toggle", "=Annually")
	// The monthly plans stay, and so do their period and labels.
	if got := h.textOf("portico-period-option-selected"); got != "Monthly" {
		t.Errorf("the toggle shows %q over the monthly plans", got)
	}
	if got := h.textOf("portico-basic", "portico-plan-price"); got != "$9.00 / month billed monthly" {
		t.Errorf("monthly price after a failed switch: %q", got)
	}
	h.contains("That didn't work: catalog unavailable")

	// The customer can try again.
	src.paywallErr = nil
	h.click("portico-billing-period-toggle", "=Annually")
	if got := h.textOf("portico-basic", "portico-plan-price"); got != "$90.00 / year billed annually" {
		t.Errorf("annual price after the retry: %q", got)
	}
}

func TestPaywallWithoutPlans(t *testing.T) {
	pw := demoPaywall()
	pw.Plans = nil
	h := mount(t, withNotices(&fakeSource{portal: demoPortal(), paywall: pw}, NewPaywall()))
	h.contains("No plans are available.")
}

func TestPaywallSwitchesBetweenTheCustomersProducts(t *testing.T) {
	p := demoPortal()
	other := p.Subscriptions[0]
	other.ID, other.ProductID, other.ProductName = "sub_2", "beta", "Beta Analytics"
	p.Subscriptions = append(p.Subscriptions, other)
	src := &fakeSource{portal: p, paywall: demoPaywall()}
	h := mount(t, withNotices(src, NewPaywall()))
	if got := src.log()[1]; got != "paywall acme " {
		t.Errorf("first product's plans: %v", src.log())
	}
	if got := h.textOf("portico-product-switch"); got != "Acme Cloud Beta Analytics" {
		t.Errorf("product switch %q", got)
	}
	h.click("portico-product-switch", "=Beta Analytics")
	if got := src.log(); got[len(got)-1] != "paywall beta " {
		t.Errorf("switching product: %v", got)
	}
	if got := h.textOf("portico-product-switch", "portico-period-option-selected"); got != "Beta Analytics" {
		t.Errorf("selected product %q", got)
	}

	// A scoped paywall has no switch.
	h = mount(t, withNotices(&fakeSource{portal: p, paywall: demoPaywall()}, NewPaywall().ProductID("beta")))
	if h.hasClass("portico-product-switch") {
		t.Error("a paywall for one product offers a switch")
	}
}

func ptrInt(n int64) *int64 { return &n }

// A host that moves its paywall to another product (the console's preview)
// does not carry the billing period over: the other product may not be
// sold for it.
func TestPaywallForAnotherProductStartsFromItsOwnPeriod(t *testing.T) {
	src := &fakeSource{portal: demoPortal(), paywall: demoPaywall()}
	pw := NewPaywall().ProductID("acme")
	h := mount(t, withNotices(src, pw))
	pw.ProductID("beta")
	pw.period = "annually"
	h.root.ctx.Dispatch(func(ctx app.Context) { pw.load(ctx) })
	h.settle()
	if got := src.log(); got[len(got)-1] != "paywall beta " {
		t.Errorf("loading another product's plans asked %v, want no period", got)
	}
}
