package components

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

func usd(n int64) portico.Money { return portico.Money{Amount: n, Currency: "usd"} }

// withNotices lays out sections under a provider with the notice bar.
func withNotices(src Source, sections ...app.UI) *PortalProvider {
	return NewPortalProvider(src).Body(append([]app.UI{NewNoticeBar()}, sections...)...)
}

func TestOverviewShowsPlanStatusPriceAndNextBill(t *testing.T) {
	p := demoPortal()
	p.Credit = usd(1250)
	h := mount(t, withNotices(&fakeSource{portal: p}, NewSubscriptionOverview()))

	h.contains("Subscription", "Change plan", "Pro", "Active", "$48.00 / month",
		"Renews on Dec 21, 2026", "Next bill: $48.00 on Dec 21, 2026", "Account credit: $12.50")
	if !h.hasClass("portico-status-active") || !h.hasClass("portico-subscription-pro") {
		t.Error("the subscription lacks its status or plan class")
	}
	if h.hasClass("portico-trial-badge") {
		t.Error("an active subscription shows a trial badge")
	}
	if got := h.textOf("portico-status-badge"); got != "Active" {
		t.Errorf("status badge %q", got)
	}
	// A single subscription without a resource does not repeat its product.
	if h.hasClass("portico-product-name") {
		t.Error("the product name is shown for a single subscription")
	}
}

func TestOverviewWithoutUpcomingBillOrSubscription(t *testing.T) {
	p := demoPortal()
	p.NextBill = nil
	h := mount(t, withNotices(&fakeSource{portal: p}, NewSubscriptionOverview()))
	h.contains("No upcoming bill")
	h.lacks("Account credit")

	p = demoPortal()
	p.Subscriptions = nil
	h = mount(t, withNotices(&fakeSource{portal: p}, NewSubscriptionOverview()))
	h.contains("You have no active subscription.", "Choose a plan below to get started.")
	h.lacks("Cancel subscription", "Next bill")
}

func TestOverviewTrialBadgeCountsDaysFromThePortalClock(t *testing.T) {
	// The portal's clock is far from the machine's: days left must come
	// from PortalView.Now.
	now := time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		left time.Duration
		want string
	}{
		{11*24*time.Hour + 20*time.Hour, "12 days left in trial"},
		{48 * time.Hour, "2 days left in trial"},
		{5 * time.Hour, "Last day of trial"},
	}
	for _, c := range cases {
		p := demoPortal()
		p.Now = now
		end := now.Add(c.left)
		p.Subscriptions[0].Status, p.Subscriptions[0].TrialEndsAt = portico.StatusTrialing, &end
		h := mount(t, withNotices(&fakeSource{portal: p}, NewSubscriptionOverview()))
		if got := h.textOf("portico-trial-badge"); got != c.want {
			t.Errorf("%v before the trial ends: badge %q, want %q", c.left, got, c.want)
		}
		if title := h.mustFind("portico-trial-badge").attrs["title"]; title != "Trial ends on "+NewFormat("en").Date(end) {
			t.Errorf("trial badge title %q", title)
		}
		h.contains("Trial", "Trial ends on "+NewFormat("en").Date(end))
		if !h.hasClass("portico-status-trialing") {
			t.Error("no trialing status class")
		}
	}
}

func TestOverviewEndedAndCancelingSubscriptions(t *testing.T) {
	p := demoPortal()
	p.Subscriptions[0].CancelAt = at(30)
	h := mount(t, withNotices(&fakeSource{portal: p}, NewSubscriptionOverview()))
	h.contains("Cancels on Dec 21, 2026")
	if h.hasClass("portico-cancel-subscription-button") {
		t.Error("a subscription already canceling offers to cancel")
	}

	p = demoPortal()
	p.Subscriptions[0].Status, p.Subscriptions[0].EndedAt = portico.StatusCanceled, at(-3)
	h = mount(t, withNotices(&fakeSource{portal: p}, NewSubscriptionOverview()))
	h.contains("Canceled", "Ended on Nov 18, 2026")
	if h.hasClass("portico-cancel-subscription-button") || !h.hasClass("portico-status-canceled") {
		t.Error("an ended subscription offers to cancel or lacks its status class")
	}
}

func TestOverviewAddonsAndPromotionsTabs(t *testing.T) {
	p := demoPortal()
	p.Promotions = append(p.Promotions, portico.PromotionView{
		Promotion:   portico.Promotion{ID: "promo_2", FeatureID: "api-calls", Limit: 50000, GrantedAt: day0},
		FeatureName: "API calls", Unit: "calls"})
	h := mount(t, withNotices(&fakeSource{portal: p}, NewSubscriptionOverview()))

	// Add-ons are the first tab: name, quantity and the line's total.
	h.contains("Add-ons", "Promotions", "Extra seats", "× 2", "$10.00 / month")
	if got := h.textOf("portico-compatible-addon-extra-seats"); got != "Extra seats × 2 $10.00 / month" {
		t.Errorf("add-on row %q", got)
	}
	if got := h.textOf("portico-tab-selected"); got != "Add-ons" {
		t.Errorf("selected tab %q", got)
	}
	h.lacks("Priority support")

	h.click("portico-tabs", "#portico-tab-promotions")
	h.contains("You were granted access to additional functionality at no additional cost.",
		"Priority support", "Included", "Until Jan 20, 2027", "API calls", "50,000 calls")
	h.lacks("Extra seats")
	if got := h.textOf("portico-tab-selected"); got != "Promotions" {
		t.Errorf("selected tab after the click %q", got)
	}
	if !h.hasClass("portico-promotion-priority-support") {
		t.Error("the promotion row lacks its feature class")
	}

	h.click("portico-tabs", "#portico-tab-addons")
	h.contains("Extra seats")
	h.lacks("Priority support")
}

// A tab's section, mounted when its tab is chosen, starts from the
// overview's configuration and data: the frame the click draws shows the
// tab complete, not a skeleton until the section has observed the
// provider's state.
func TestOverviewTabDrawsCompleteOnItsFirstFrame(t *testing.T) {
	h := mount(t, NewPortalProvider(&fakeSource{portal: demoPortal()}).Prefix("acme").Body(NewNoticeBar(), NewSubscriptionOverview()))
	h.clickFrame("acme-tabs", "#acme-tab-promotions")
	if h.hasClass("acme-skeleton") || h.hasClass("portico-skeleton") {
		t.Fatalf("the promotions tab's first frame is a skeleton:\n%s", h.html())
	}
	h.contains("You were granted access to additional functionality at no additional cost.", "Priority support")
	if !h.hasClass("acme-promotion-priority-support") {
		t.Errorf("the promotions tab's first frame is not drawn with the provider's prefix:\n%s", h.html())
	}
	h.settle()
	h.contains("Priority support")
}

func TestOverviewEmptyAddonsAndPromotions(t *testing.T) {
	p := demoPortal()
	p.Subscriptions[0].Addons, p.Promotions = nil, nil
	h := mount(t, withNotices(&fakeSource{portal: p}, NewSubscriptionOverview()))
	h.contains("No add-ons on this subscription.")
	h.click("portico-tabs", "#portico-tab-promotions")
	h.contains("No promotions.")
}

func TestOverviewScheduledUpdateBanners(t *testing.T) {
	cases := []struct {
		update       portico.ScheduledUpdate
		want, button string
	}{
		{portico.ScheduledUpdate{Type: portico.UpdatePlanChange, EffectiveAt: *at(30), TargetPlanID: "basic", TargetPlanName: "Basic"},
			"Your plan changes to Basic on Dec 21, 2026.", "Cancel update"},
		{portico.ScheduledUpdate{Type: portico.UpdatePeriodChange, EffectiveAt: *at(30), TargetBillingPeriod: portico.Annually},
			"Your billing changes to Annually on Dec 21, 2026.", "Cancel update"},
		{portico.ScheduledUpdate{Type: portico.UpdateAddonsChange, EffectiveAt: *at(30)},
			"Your add-ons change on Dec 21, 2026.", "Cancel update"},
		// A scheduled cancellation is told as scheduled, with its undo.
		{portico.ScheduledUpdate{Type: portico.UpdateCancellation, EffectiveAt: *at(30)},
			"Your subscription is scheduled to end on Dec 21, 2026.", "Undo cancellation"},
		{portico.ScheduledUpdate{Type: portico.UpdateCancellation, EffectiveAt: *at(30), DowngradeToPlanID: "free", TargetPlanName: "Free"},
			"Your subscription is scheduled to end on Dec 21, 2026, when you move to Free.", "Undo cancellation"},
	}
	for _, c := range cases {
		p := demoPortal()
		p.Subscriptions[0].ScheduledUpdates = []portico.ScheduledUpdate{c.update}
		h := mount(t, withNotices(&fakeSource{portal: p}, NewSubscriptionOverview()))
		if got := h.textOf("portico-scheduled-update-banner"); got != c.want+" "+c.button {
			t.Errorf("%s: banner %q, want %q", c.update.Type, got, c.want+" "+c.button)
		}
		// A scheduled cancellation replaces the cancel button.
		if cancelOffered := h.hasClass("portico-cancel-subscription-button"); cancelOffered == (c.update.Type == portico.UpdateCancellation) {
			t.Errorf("%s: cancel button shown = %v", c.update.Type, cancelOffered)
		}
	}
}

// "Cancel update" asks first: keeping the change closes the question
// without a call; confirming drops it through the source and reloads.
func TestOverviewCancelScheduledUpdateAsksThenCallsTheSource(t *testing.T) {
	p := demoPortal()
	p.Subscriptions[0].ScheduledUpdates = []portico.ScheduledUpdate{{Type: portico.UpdatePlanChange, EffectiveAt: *at(30),
		TargetPlanID: "basic", TargetPlanName: "Basic"}}
	src := &fakeSource{portal: p}
	h := mount(t, withNotices(src, NewSubscriptionOverview()))
	h.contains("Your plan changes to Basic")

	h.click("portico-scheduled-update-banner", "portico-cancel-scheduled-update-button")
	if src.count("cancel-scheduled") != 0 {
		t.Fatalf("the scheduled update was dropped without asking: %v", src.log())
	}
	dialog := h.mustFind("#portico-cancel-update-dialog")
	if dialog.attrs["role"] != "dialog" || dialog.attrs["aria-modal"] != "true" ||
		dialog.attrs["aria-labelledby"] != "portico-cancel-update-dialog-title" {
		t.Errorf("the question is not a labelled modal dialog: %v", dialog.attrs)
	}
	if got := h.textOf("portico-cancel-update-confirm"); got != "Cancel the scheduled change? Your plan changes to Basic on Dec 21, 2026. "+
		"If you cancel it, your Pro subscription stays as it is. Keep the change Cancel the change" {
		t.Errorf("question %q", got)
	}
	h.click("portico-cancel-update-confirm", "portico-keep-update-button")
	if h.hasClass("portico-cancel-update-confirm") || src.count("cancel-scheduled") != 0 {
		t.Fatalf("keeping the change: question shown %v, calls %v", h.hasClass("portico-cancel-update-confirm"), src.log())
	}

	src.portal = demoPortal() // what the server answers once the update is gone
	h.click("portico-cancel-scheduled-update-button")
	h.click("portico-cancel-update-confirm", "portico-confirm-cancel-update-button")
	if got := src.count("cancel-scheduled sub_1"); got != 1 {
		t.Fatalf("CancelScheduled calls: %v", src.log())
	}
	if got := src.count("portal"); got != 2 {
		t.Errorf("the portal was not refreshed after the cancellation: %v", src.log())
	}
	h.contains("The scheduled update was canceled.")
	h.lacks("Your plan changes to Basic")
	if h.hasClass("portico-scheduled-update-banner") || h.hasClass("portico-cancel-update-confirm") {
		t.Error("the banner or the question stays after the refresh")
	}
}

// Undoing a scheduled cancellation is worded as keeping the subscription.
func TestOverviewUndoScheduledCancellation(t *testing.T) {
	p := demoPortal()
	p.Subscriptions[0].CancelAt = at(30)
	p.Subscriptions[0].ScheduledUpdates = []portico.ScheduledUpdate{{Type: portico.UpdateCancellation, EffectiveAt: *at(30)}}
	src := &fakeSource{portal: p}
	h := mount(t, withNotices(src, NewSubscriptionOverview()))
	h.click("portico-cancel-scheduled-update-button")
	if got := h.textOf("portico-cancel-update-confirm"); got != "Keep your subscription? Your subscription is scheduled to end on Dec 21, 2026. "+
		"Your Pro subscription goes on after Dec 21, 2026 and renews as usual. Back Keep subscription" {
		t.Errorf("question %q", got)
	}
	src.portal = demoPortal()
	h.click("portico-confirm-cancel-update-button")
	if src.count("cancel-scheduled sub_1") != 1 {
		t.Fatalf("CancelScheduled calls: %v", src.log())
	}
	h.contains("Your subscription goes on and renews on Dec 21, 2026.")
}

func TestOverviewCancelScheduledUpdateCallbackTakesOver(t *testing.T) {
	p := demoPortal()
	p.Subscriptions[0].ScheduledUpdates = []portico.ScheduledUpdate{{Type: portico.UpdateAddonsChange, EffectiveAt: *at(30)}}
	src := &fakeSource{portal: p}
	var got []string
	h := mount(t, withNotices(src, NewSubscriptionOverview()).Callbacks(Callbacks{
		OnCancelScheduledUpdates: func(ctx app.Context, id string) bool { got = append(got, id); return true }}))
	h.click("portico-cancel-scheduled-update-button")
	if !slices.Equal(got, []string{"sub_1"}) || src.count("cancel-scheduled") != 0 {
		t.Errorf("callback got %v; source calls %v", got, src.log())
	}
}

func TestOverviewCustomPriceOffersContactSupportInsteadOfManage(t *testing.T) {
	p := demoPortal()
	p.Subscriptions[0].Plan = portico.PlanRef{ID: "enterprise", Name: "Enterprise"}
	p.Subscriptions[0].Pricing, p.Subscriptions[0].Total = portico.PricingCustom, usd(99000)
	src := &fakeSource{portal: p}
	calls := 0
	h := mount(t, withNotices(src, NewSubscriptionOverview()).Callbacks(Callbacks{
		OnContactSupport: func(app.Context) bool { calls++; return true }}))

	h.contains("Enterprise", "Custom price · $990.00 / month", "Have questions about your subscription?", "Contact support")
	h.lacks("Change plan")
	if h.hasClass("portico-manage-subscription-button") {
		t.Error("a custom price offers the manage button")
	}
	h.click("portico-contact-support", "portico-contact-support-link")
	if calls != 1 {
		t.Errorf("OnContactSupport calls: %d", calls)
	}

	// Without a callback or a support URL, the portal says how to proceed.
	h = mount(t, withNotices(&fakeSource{portal: p}, NewSubscriptionOverview()))
	h.click("portico-contact-support-link")
	h.contains("Your subscription has a custom price. Contact us to change it.")
	if !h.hasClass("portico-notice-info") {
		t.Error("the contact notice is not an info notice")
	}
}

func TestOverviewManageCallsTheCallbackWithItsIntent(t *testing.T) {
	var intents []string
	h := mount(t, withNotices(&fakeSource{portal: demoPortal()}, NewSubscriptionOverview()).Callbacks(Callbacks{
		OnManageSubscription: func(ctx app.Context, intent string) bool { intents = append(intents, intent); return true }}))
	h.click("portico-manage-subscription-button")
	if !slices.Equal(intents, []string{"manage"}) {
		t.Errorf("intents %v", intents)
	}
}

func TestOverviewCancelSubscriptionAsksThenCancels(t *testing.T) {
	src := &fakeSource{portal: demoPortal()}
	h := mount(t, withNotices(src, NewSubscriptionOverview()))
	if h.hasClass("portico-cancel-confirm") {
		t.Fatal("the confirmation shows before the click")
	}

	h.click("portico-cancel-subscription-button")
	dialog := h.mustFind("#portico-cancel-dialog")
	if dialog.attrs["role"] != "alertdialog" || dialog.attrs["aria-modal"] != "true" || !slices.Contains(dialog.classes, "portico-cancel-confirm") {
		t.Errorf("the confirmation is not a modal alert dialog: %v", dialog.attrs)
	}
	// Under an end-of-period rule, access lasts until the period's end.
	if got := h.textOf("portico-cancel-confirm"); got != "Cancel your subscription? You keep access to Pro until Dec 21, 2026. "+
		"You can subscribe again at any time. Keep subscription Cancel subscription" {
		t.Errorf("confirmation %q", got)
	}

	// Keeping the subscription closes the question without a call.
	h.click("portico-cancel-confirm", "portico-keep-subscription-button")
	if h.hasClass("portico-cancel-confirm") || len(src.canceled) != 0 {
		t.Fatalf("keep: confirmation shown %v, cancel calls %v", h.hasClass("portico-cancel-confirm"), src.log())
	}

	h.click("portico-cancel-subscription-button")
	canceled := demoPortal()
	canceled.Subscriptions[0].CancelAt = at(30)
	src.portal = canceled
	h.click("portico-cancel-confirm", "portico-confirm-cancel-button")
	if !slices.Equal(src.canceled, []string{"sub_1"}) {
		t.Fatalf("Cancel calls: %v", src.log())
	}
	if src.count("portal") != 2 {
		t.Errorf("no refresh after cancelling: %v", src.log())
	}
	h.contains("Your subscription was canceled.", "Cancels on Dec 21, 2026")
	if h.hasClass("portico-cancel-confirm") {
		t.Error("the confirmation stays after cancelling")
	}
	if !h.hasClass("portico-notice-success") {
		t.Error("no success notice")
	}
}

// The cancellation's confirmation gives the day access ends: the end of
// the period, today for an immediate rule; an unknown rule gives no date.
// Once made, a cancellation at the period's end is told as scheduled.
func TestOverviewCancelSaysWhenAccessEnds(t *testing.T) {
	cases := []struct {
		rule portico.Timing
		want string
	}{
		{portico.EndOfPeriod, "You keep access to Pro until Dec 21, 2026."},
		{portico.Immediate, "Your access to Pro ends now, on Nov 21, 2026."},
		{"", ""},
	}
	for _, c := range cases {
		p := demoPortal()
		p.Subscriptions[0].Cancellation = c.rule
		h := mount(t, withNotices(&fakeSource{portal: p}, NewSubscriptionOverview()))
		h.click("portico-cancel-subscription-button")
		n, shown := h.findPath("portico-cancel-access")
		switch {
		case c.want == "" && shown:
			t.Errorf("rule %q: the dialog says %q", c.rule, visibleTextOf(n))
		case c.want != "" && (!shown || visibleTextOf(n) != c.want):
			t.Errorf("rule %q: the dialog says %q, want %q", c.rule, h.textOf("portico-cancel-confirm"), c.want)
		}
	}

	src := &fakeSource{portal: demoPortal(), cancelResult: &portico.CancelResult{Subscription: portico.SubscriptionView{CancelAt: at(30)}}}
	h := mount(t, withNotices(src, NewSubscriptionOverview()))
	h.click("portico-cancel-subscription-button")
	h.click("portico-confirm-cancel-button")
	h.contains("Your subscription will end on Dec 21, 2026. You keep access until then.")
}

func TestOverviewCancelFailureIsReported(t *testing.T) {
	src := &fakeSource{portal: demoPortal(), cancelErr: &APIError{Status: http.StatusConflict, Title: "Already ended"}}
	h := mount(t, withNotices(src, NewSubscriptionOverview()))
	h.click("portico-cancel-subscription-button")
	h.click("portico-confirm-cancel-button")
	h.contains("That didn't work: Already ended")
	if !h.hasClass("portico-notice-error") || src.count("portal") != 1 {
		t.Errorf("error notice %v, calls %v", h.hasClass("portico-notice-error"), src.log())
	}
	if h.mustFind("portico-notice-error").attrs["role"] != "alert" {
		t.Error("an error notice is not an alert")
	}

	h.click("portico-notice-dismiss")
	h.lacks("That didn't work")
}

func TestOverviewSeveralSubscriptionsNameTheirProduct(t *testing.T) {
	p := demoPortal()
	p.Subscriptions[0].ResourceID = "site-a"
	site := p.Subscriptions[0]
	site.ID, site.ResourceID = "sub_2", "site-b"
	p.Subscriptions = append(p.Subscriptions, site)
	h := mount(t, withNotices(&fakeSource{portal: p}, NewSubscriptionOverview()))
	if got := h.classCount("portico-subscription"); got != 2 {
		t.Errorf("%d subscriptions shown", got)
	}
	h.contains("Acme Cloud · site-b")
	if got := h.classCount("portico-product-name"); got != 2 {
		t.Errorf("%d product names shown", got)
	}

	// A resource scope keeps that resource's subscription only.
	h = mount(t, withNotices(&fakeSource{portal: p}, NewSubscriptionOverview()).Scope("acme", "site-b"))
	if got := h.classCount("portico-subscription"); got != 1 {
		t.Errorf("%d subscriptions shown in a resource scope", got)
	}
}

func TestOverviewFreeAndAnnualPrices(t *testing.T) {
	p := demoPortal()
	p.Subscriptions[0].Pricing, p.Subscriptions[0].Total = portico.PricingFree, usd(0)
	h := mount(t, withNotices(&fakeSource{portal: p}, NewSubscriptionOverview()))
	if got := h.textOf("portico-price"); got != "Free" {
		t.Errorf("free price %q", got)
	}

	p = demoPortal()
	p.Subscriptions[0].BillingPeriod, p.Subscriptions[0].Total = portico.Annually, usd(48000)
	h = mount(t, withNotices(&fakeSource{portal: p}, NewSubscriptionOverview()))
	if got := h.textOf("portico-price"); got != "$480.00 / year" {
		t.Errorf("annual price %q", got)
	}
	if got := h.textOf("portico-addon-price"); got != "$10.00 / year" {
		t.Errorf("annual add-on price %q", got)
	}
}

// A trial says what its end will do; without a card, where a billing
// provider takes one, it offers to add one.
func TestOverviewSaysWhatATrialsEndWillDo(t *testing.T) {
	for _, c := range []struct {
		outcome portico.TrialOutcome
		want    string
		addCard bool
	}{
		{portico.TrialOutcome{Action: portico.TrialConverts}, "Then Pro at $48.00 / month, charged to your payment method on file.", false},
		{portico.TrialOutcome{Action: portico.TrialDowngrades, Plan: &portico.PlanRef{ID: "free", Name: "Free"}},
			"Then you move to the Free plan, unless you add a payment method.", true},
		{portico.TrialOutcome{Action: portico.TrialExpires}, "Then your access ends, unless you add a payment method.", true},
	} {
		p := demoPortal()
		end := p.Now.Add(7 * 24 * time.Hour)
		sub := &p.Subscriptions[0]
		sub.Status, sub.TrialEndsAt, sub.TrialOutcome = portico.StatusTrialing, &end, &c.outcome
		src := &fakeSource{portal: p}
		h := mount(t, withNotices(src, NewSubscriptionOverview()))
		if got := h.textOf("portico-trial-outcome-text"); got != c.want {
			t.Errorf("%s: %q, want %q", c.outcome.Action, got, c.want)
		}
		if h.hasClass("portico-add-payment-method-button") != c.addCard {
			t.Errorf("%s: add-a-card button shown %v, want %v", c.outcome.Action, !c.addCard, c.addCard)
		}
		if c.addCard {
			h.click("portico-add-payment-method-button")
			if src.count("billing payment_method_setup") != 1 {
				t.Errorf("%s: billing calls %v, want the setup flow", c.outcome.Action, src.log())
			}
		}
	}
}

// A free plan does not renew: no renewal date is shown for it.
func TestOverviewFreePlanHasNoRenewal(t *testing.T) {
	p := demoPortal()
	sub := &p.Subscriptions[0]
	sub.Pricing, sub.Price, sub.Total, sub.Addons = portico.PricingFree, portico.Money{}, portico.Money{}, nil
	h := mount(t, withNotices(&fakeSource{portal: p}, NewSubscriptionOverview()))
	h.contains("Free")
	h.lacks("Renews on")
}
