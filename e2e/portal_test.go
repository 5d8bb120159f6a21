package e2e

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// Selectors of the portal, from the components' class names.
const (
	overview       = ".portico-subscription-overview"
	overviewPlan   = ".portico-subscription-overview .portico-plan-name"
	banner         = ".portico-scheduled-update-banner"
	cancelUpdate   = ".portico-scheduled-update-banner .portico-cancel-scheduled-update-button"
	confirmUpdate  = "#portico-cancel-update-dialog .portico-confirm-cancel-update-button"
	noticeSuccess  = ".portico-notice.portico-notice-success"
	dialog         = ".portico-confirm-dialog"
	confirmEnabled = ".portico-confirm-dialog .portico-confirm-button:not([disabled])"
)

// planButton is the button of a plan's card in the paywall.
func planButton(planID string) string {
	return ".portico-plan-card.portico-" + planID + " .portico-plan-button"
}

// checkGraceOverview checks what grace's portal shows: the Pro plan, her
// add-ons, her usage, her card and her invoices.
func checkGraceOverview(p *page) {
	p.t.Helper()
	if got := p.text(overviewPlan); got != "Pro" {
		p.t.Errorf("plan name = %q, want Pro", got)
	}
	seats := p.text(".portico-addon-row.portico-compatible-addon-extra-seats")
	if !strings.Contains(seats, "Extra seats") || !strings.Contains(seats, "× 2") {
		p.t.Errorf("extra seats add-on row = %q, want Extra seats × 2", seats)
	}
	if got := p.text(".portico-entitlement-usage-seats .portico-usage-figure"); got != "14 of 20" {
		p.t.Errorf("seats usage = %q, want 14 of 20", got)
	}
	if got := p.text(".portico-entitlement-usage-api-calls .portico-usage-figure"); got != "61,250 of 150,000" {
		p.t.Errorf("API calls usage = %q, want 61,250 of 150,000", got)
	}
	if got := p.text(".portico-card-number"); got != "Visa ending in 4242" {
		p.t.Errorf("card = %q, want Visa ending in 4242", got)
	}
	if n := p.count(".portico-invoices-table .portico-invoice-row"); n < 1 {
		p.t.Errorf("%d invoice rows, want at least one", n)
	}
}

// Scenario 1: the prerendered portal shows grace's subscription before any
// script runs, and the wasm client takes it over with the same content and
// makes it interactive.
func TestPrerenderedPortalIsTakenOverByWasm(t *testing.T) {
	p, srv := begin(t, "overview")
	wait, release := p.holdWasm()
	p.open(srv.Portal(t, "grace"))
	wait() // app.wasm is requested and held: the page is the server's HTML

	if p.count("#app-wasm-loader") != 1 {
		t.Fatal("#app-wasm-loader is gone while app.wasm is held back")
	}
	if shown := eval[string](p, "read the loader's display", `getComputedStyle(document.getElementById("app-wasm-loader")).display`); shown != "block" {
		t.Errorf("the loading bar is not shown while app.wasm downloads (display %q)", shown)
	}
	// The page painted before the client's scripts were even requested.
	order := eval[[]float64](p, "read when the page painted and the scripts were requested", `[
  performance.getEntriesByName("first-contentful-paint")[0].startTime,
  performance.getEntriesByName(location.origin + "/wasm_exec.js")[0].startTime]`)
	if order[0] > order[1] {
		t.Errorf("wasm_exec.js was requested at %.0f ms, before the first contentful paint at %.0f ms", order[1], order[0])
	}
	if p.count(".portico-prerendered .portico-section") != 6 {
		t.Error("the prerendered page is not marked: the browser renders every section for the first paint")
	}
	checkGraceOverview(p)
	release()
	p.waitWasm()
	p.waitPlans()
	checkGraceOverview(p)
	// The client's page replaced the prerendered one, and with it the mark
	// that lets sections skip rendering (and would contain their dialogs).
	if n := p.count(".portico-prerendered"); n != 0 {
		t.Errorf("%d elements still marked prerendered after the client took over", n)
	}
	// Interactive: the Promotions tab shows the promotions panel.
	p.click("#portico-tab-promotions")
	p.do("show the promotions panel", visible("#portico-panel-promotions .portico-promotion-row"))
	if got := p.text("#portico-panel-promotions .portico-promotion-priority-support"); !strings.Contains(got, "Priority support") {
		t.Errorf("promotions panel = %q, want Priority support", got)
	}
	if sel := eval[string](p, "read the selected tab", `document.querySelector("#portico-tab-promotions").getAttribute("aria-selected")`); sel != "true" {
		t.Errorf("Promotions tab aria-selected = %q, want true", sel)
	}
	if n := p.count("#portico-panel-addons"); n != 0 {
		t.Errorf("the add-ons panel is still shown beside the promotions")
	}
	p.shot("")

	// The same portal on a phone-sized screen, for the layout review.
	p.do("narrow the viewport", chromedp.EmulateViewport(360, 780))
	p.shot("narrow")
}

// watchTakeover records, from now, what is on screen at each animation
// frame (so painted) while the wasm takes the page over: frames with no
// portal at all, and the sections showing a loading skeleton.
func watchTakeover(p *page) {
	p.t.Helper()
	eval[bool](p, "watch the takeover", `(() => {
  const seen = window.__e2eTakeover = {blank: null, skeletons: {}};
  const span = (o, now) => { o = o || {first: now, last: now, frames: 0}; o.last = now; o.frames++; return o; };
  const frame = (now) => {
    if (!document.querySelector(".portico-customer-portal")) seen.blank = span(seen.blank, now);
    for (const s of document.querySelectorAll(".portico-skeleton")) {
      const sec = s.closest("section");
      const name = sec ? sec.getAttribute("aria-label") : "?";
      seen.skeletons[name] = span(seen.skeletons[name], now);
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  return true; })()`)
}

// takeoverGlitches lists what watchTakeover saw that the prerendered page
// did not show: a blank page, sections blanked to skeletons, each with how
// many frames it was painted in and the time from the first to the last.
func takeoverGlitches(p *page) []string {
	p.t.Helper()
	type span struct {
		First, Last float64
		Frames      int
	}
	seen := eval[struct {
		Blank     *span
		Skeletons map[string]span
	}](p, "read what the takeover showed", `window.__e2eTakeover`)
	var out []string
	if seen.Blank != nil {
		out = append(out, fmt.Sprintf("no portal at all (an empty page) in %d frames over %.0f ms", seen.Blank.Frames, seen.Blank.Last-seen.Blank.First))
	}
	var names []string
	for name := range seen.Skeletons {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		at := seen.Skeletons[name]
		out = append(out, fmt.Sprintf("a loading skeleton in the %s section in %d frames over %.0f ms", name, at.Frames, at.Last-at.First))
	}
	return out
}

// The client starts from the page the server rendered (the provider reads
// the prerendered data), so taking the page over neither blanks it nor
// puts loading skeletons in place of the content.
func TestTakeoverKeepsPrerenderedContent(t *testing.T) {
	p, srv := begin(t, "takeover")
	wait, release := p.holdWasm()
	p.open(srv.Portal(t, "grace"))
	wait()
	if n := p.count(".portico-skeleton"); n != 0 {
		t.Fatalf("the prerendered page shows %d loading skeletons", n)
	}
	watchTakeover(p)
	release()
	p.waitWasm()
	p.waitPlans()
	checkGraceOverview(p)
	if glitches := takeoverGlitches(p); len(glitches) > 0 {
		t.Errorf("while the wasm took the prerendered page over, the screen showed:\n  %s", strings.Join(glitches, "\n  "))
	}
}

// Scenario 2: linus cancels his scheduled downgrade; the banner goes, a
// notice confirms it, and a reload shows the server kept it.
func TestCancelScheduledDowngrade(t *testing.T) {
	p, srv := begin(t, "cancel-scheduled")
	p.open(srv.Portal(t, "linus"))
	p.waitText(banner, "Your plan changes to Basic")
	p.waitWasm()
	p.waitPlans()
	if got := p.text(planButton("basic")); got != "Scheduled" {
		t.Errorf("Basic plan button = %q, want Scheduled while the downgrade is pending", got)
	}
	p.shot("before")

	p.click(cancelUpdate)
	p.do("the confirmation opens", visible("#portico-cancel-update-dialog"))
	p.shotViewport("confirm")
	p.click(confirmUpdate)
	p.do("the banner goes", gone(banner))
	p.waitText(noticeSuccess, "The scheduled update was canceled.")
	p.waitPlans()
	p.waitText(planButton("basic"), "Downgrade")
	p.shot("")

	if sub := liveSubscription(t, srv, "linus"); len(sub.ScheduledUpdates) != 0 {
		t.Errorf("the server still has linus's scheduled updates: %+v", sub.ScheduledUpdates)
	}
	wait, release := p.holdWasm()
	p.do("reload", chromedp.Reload())
	wait()
	if got := p.text(overviewPlan); got != "Pro" {
		t.Errorf("plan on the reloaded page = %q, want Pro", got)
	}
	if n := p.count(banner); n != 0 {
		t.Errorf("after a reload the prerendered page shows %d scheduled-update banners, want none", n)
	}
	release()
	p.waitWasm()
	p.waitPlans()
	if n := p.count(banner); n != 0 {
		t.Errorf("after a reload the client shows %d scheduled-update banners, want none", n)
	}
	if got := p.text(overviewPlan); got != "Pro" {
		t.Errorf("plan after the reload = %q, want Pro", got)
	}
}

// Scenario 3: barbara downgrades Basic to Free: the confirm dialog previews
// it, confirming schedules it, and she can cancel it again.
func TestDowngradeToFreeIsScheduled(t *testing.T) {
	p, srv := begin(t, "downgrade")
	p.open(srv.Portal(t, "barbara"))
	p.waitWasm()
	p.waitPlans()
	if got := p.text(planButton("free")); got != "Downgrade" {
		t.Fatalf("Free plan button = %q, want Downgrade", got)
	}
	p.click(planButton("free"))
	p.do("the confirm dialog opens with its preview", visible(dialog+" .portico-preview"))
	if got := p.text(dialog + " .portico-confirm-plan"); !strings.HasPrefix(got, "Free") {
		t.Errorf("dialog plan line = %q, want Free…", got)
	}
	for sel, want := range map[string]string{
		dialog + " .portico-preview-due dt":       "Due now",
		dialog + " .portico-preview-effective dt": "Takes effect",
		dialog + " .portico-preview-lost h4":      "You lose",
	} {
		if got := p.text(sel); got != want {
			t.Errorf("%s = %q, want %q", sel, got, want)
		}
	}
	if got := p.text(dialog + " .portico-preview-effective dd"); !strings.HasPrefix(got, "On ") {
		t.Errorf("takes effect = %q, want On <end of period> (a downgrade waits for the period's end)", got)
	}
	if n := p.count(dialog + " .portico-preview-lost li"); n == 0 {
		t.Error("the preview lists nothing under You lose")
	}
	p.shotViewport("dialog")

	p.click(confirmEnabled)
	p.do("the dialog closes", gone(dialog))
	p.waitText(noticeSuccess, "Your change is scheduled for")
	p.waitText(banner, "Free")
	if got := p.text(overviewPlan); got != "Basic" {
		t.Errorf("plan right after scheduling = %q, want Basic until the period ends", got)
	}
	if sub := liveSubscription(t, srv, "barbara"); sub.Plan.ID != "basic" || len(sub.ScheduledUpdates) != 1 {
		t.Errorf("server state after scheduling: plan %s with updates %+v, want basic with one update to free", sub.Plan.ID, sub.ScheduledUpdates)
	}
	p.shot("")

	p.click(cancelUpdate)
	p.click(confirmUpdate)
	p.do("the banner goes", gone(banner))
	p.waitText(noticeSuccess, "The scheduled update was canceled.")
	p.waitPlans()
	p.waitText(planButton("free"), "Downgrade")
	if sub := liveSubscription(t, srv, "barbara"); len(sub.ScheduledUpdates) != 0 {
		t.Errorf("the server still has barbara's scheduled updates: %+v", sub.ScheduledUpdates)
	}
}

// Scenario 4: ada, on the free plan, starts a Pro trial from the paywall,
// then switches the paywall to annual prices.
func TestStartTrialThenAnnualPrices(t *testing.T) {
	p, srv := begin(t, "trial")
	p.open(srv.Portal(t, "ada"))
	p.waitWasm()
	p.waitPlans()
	if got := p.text(planButton("pro")); got != "Start 14-day trial" {
		t.Fatalf("Pro plan button = %q, want Start 14-day trial", got)
	}
	p.click(planButton("pro"))
	p.do("the confirm dialog opens with its preview", visible(dialog+" .portico-preview"))
	p.click(confirmEnabled)
	p.do("the dialog closes", gone(dialog))
	p.waitText(noticeSuccess, "Your trial has started.")
	p.waitText(overviewPlan, "Pro")
	p.waitText(overview+" .portico-status-badge", "Trial")
	p.waitText(overview+" .portico-trial-badge", "days left in trial")
	if got := p.text(overview + " .portico-trial-badge"); got != "14 days left in trial" {
		t.Errorf("trial badge = %q, want 14 days left in trial", got)
	}
	if sub := liveSubscription(t, srv, "ada"); sub.Plan.ID != "pro" || sub.Status != "trialing" {
		t.Errorf("server state after starting the trial: %s %s, want pro trialing", sub.Plan.ID, sub.Status)
	}

	p.waitPlans()
	if got := p.text(".portico-plan-card.portico-basic .portico-plan-price"); !strings.Contains(got, "$9.00") || !strings.Contains(got, "/ month") {
		t.Errorf("Basic monthly price = %q, want $9.00 / month", got)
	}
	const annually = ".portico-billing-period-toggle .portico-period-option:nth-child(2)"
	if got := p.text(annually); got != "Annually" {
		t.Fatalf("second billing period option = %q, want Annually", got)
	}
	p.click(annually)
	p.waitText(".portico-billing-period-toggle .portico-period-option-selected", "Annually")
	p.waitText(".portico-plan-card.portico-basic .portico-plan-price", "$90.00")
	p.waitPlans()
	for plan, amount := range map[string]string{"basic": "$90.00", "pro": "$290.00"} {
		price := p.text(".portico-plan-card.portico-" + plan + " .portico-plan-price")
		if !strings.Contains(price, amount) || !strings.Contains(price, "/ year") || !strings.Contains(price, "billed annually") {
			t.Errorf("%s annual price = %q, want %s / year, billed annually", plan, price, amount)
		}
	}
	p.shot("")
}

// Scenario 5: an upgrade applies at once: barbara goes from Basic to Pro
// and the overview shows Pro without a reload.
func TestUpgradeAppliesImmediately(t *testing.T) {
	p, srv := begin(t, "upgrade")
	p.open(srv.Portal(t, "barbara"))
	p.waitWasm()
	p.waitPlans()
	eval[bool](p, "mark the document", `window.__e2eSamePage = true`)
	if got := p.text(planButton("pro")); got != "Upgrade" {
		t.Fatalf("Pro plan button = %q, want Upgrade", got)
	}
	p.click(planButton("pro"))
	p.do("the confirm dialog opens with its preview", visible(dialog+" .portico-preview"))
	if got := p.text(dialog + " .portico-preview-effective dd"); got != "Immediately" {
		t.Errorf("takes effect = %q, want Immediately", got)
	}
	p.click(confirmEnabled)
	p.do("the dialog closes", gone(dialog))
	p.waitText(noticeSuccess, "Your subscription was updated.")
	p.until(`the overview's plan is "Pro"`, textOf(overviewPlan)+` === "Pro"`, p.showing(overviewPlan))
	if !eval[bool](p, "check the document", `window.__e2eSamePage === true`) {
		t.Error("the page was reloaded to show the change")
	}
	if sub := liveSubscription(t, srv, "barbara"); sub.Plan.ID != "pro" || len(sub.ScheduledUpdates) != 0 {
		t.Errorf("server state after the upgrade: plan %s with updates %+v, want pro now, nothing scheduled", sub.Plan.ID, sub.ScheduledUpdates)
	}
	p.waitPlans()
	p.waitText(planButton("pro"), "Current plan")
	p.shot("")
}

// Scenario 6: margaret's custom price: she is pointed to support, has no
// self-serve changes, and the paywall says so.
func TestCustomPriceOffersNoSelfServeChange(t *testing.T) {
	p, srv := begin(t, "custom-price")
	wait, release := p.holdWasm()
	p.open(srv.Portal(t, "margaret"))
	wait()
	check := func(when string) {
		t.Helper()
		p.waitText(overview+" .portico-contact-support", "Have questions about your subscription?")
		if n := p.count(".portico-manage-subscription-button"); n != 0 {
			t.Errorf("%s: a Manage subscription button is shown (%d)", when, n)
		}
	}
	check("prerendered")
	release()
	p.waitWasm()
	p.waitPlans()
	check("client")

	enterprise := p.text(".portico-plan-card.portico-enterprise")
	if !strings.Contains(enterprise, "Current plan") {
		t.Errorf("Enterprise card = %q, want it marked Current plan", enterprise)
	}
	if got := p.text(planButton("enterprise")); got != "Current plan" {
		t.Errorf("Enterprise button = %q, want Current plan", got)
	}
	others := p.texts(`.portico-plan-card:not(.portico-enterprise) .portico-plan-button`)
	if len(others) == 0 {
		t.Fatal("the paywall shows no other plans")
	}
	for _, label := range others {
		if label != "Contact sales" {
			t.Errorf("other plan buttons = %q, want each to be Contact sales", others)
			break
		}
	}

	// Choosing another plan leads to support — the server's support link,
	// the demo's example address — never to a confirm step.
	navigated := make(chan string, 8)
	listen, stopListening := context.WithCancel(p.ctx)
	defer stopListening()
	requested := chromedp.Events(listen, cdppage.FrameRequestedNavigation)
	go func() {
		for ev, err := range requested {
			if err != nil {
				return
			}
			select {
			case navigated <- ev.URL:
			default:
			}
		}
	}()
	p.click(planButton("basic"))
	select {
	case u := <-navigated:
		if u != "mailto:support@example.com" {
			t.Errorf("Contact sales led to %q, want the support address", u)
		}
	case <-time.After(stepTimeout):
		t.Error("Contact sales led nowhere: no navigation to the support address")
	}
	if n := p.count(dialog); n != 0 {
		t.Error("choosing Basic opened the confirm dialog of a self-serve change")
	}
	// And the portal API refuses the change for this session.
	tok := sessionToken(t, srv.Portal(t, "margaret"))
	for _, path := range []string{"/api/v1/portal/preview", "/api/v1/portal/subscriptions"} {
		status, body := portalAPI(t, srv, tok, http.MethodPost, path, map[string]string{"planId": "basic", "billingPeriod": "annually"})
		if status != http.StatusForbidden {
			t.Errorf("POST %s to Basic: %d %s, want 403", path, status, body)
		}
	}
	if sub := liveSubscription(t, srv, "margaret"); sub.Plan.ID != "enterprise" || len(sub.ScheduledUpdates) != 0 {
		t.Errorf("margaret's subscription changed: %s with updates %+v", sub.Plan.ID, sub.ScheduledUpdates)
	}
	p.shot("")
}

// Scenario 7: the confirm dialog takes the focus and closes on Escape.
func TestConfirmDialogClosesOnEscape(t *testing.T) {
	p, srv := begin(t, "escape")
	p.open(srv.Portal(t, "barbara"))
	p.waitWasm()
	p.waitPlans()
	p.click(planButton("pro"))
	p.do("the confirm dialog opens", visible(dialog))
	p.until("the dialog has the focus", `document.activeElement && document.activeElement.closest(".portico-confirm-dialog") !== null`,
		func() string {
			return "the focus is on " + eval[string](p, "read the focus", `document.activeElement ? document.activeElement.outerHTML.slice(0, 120) : "nothing"`)
		})
	p.do("the preview shows", visible(dialog+" .portico-preview"))
	p.shotViewport("dialog")
	p.do("press Escape", chromedp.KeyEvent(kb.Escape))
	p.do("the dialog closes on Escape", gone(dialog))
	if got := p.text(overviewPlan); got != "Basic" {
		t.Errorf("plan after Escape = %q, want Basic (nothing changed)", got)
	}
	p.until("the focus is back on the plan button that opened the dialog", `document.activeElement && document.activeElement.id === "portico-plan-button-pro"`,
		func() string {
			return "the focus is on " + eval[string](p, "read the focus", `document.activeElement ? document.activeElement.outerHTML.slice(0, 120) : "nothing"`)
		})
	p.shot("")
}

// Scenario 8: a tampered session shows an error, not an endless skeleton.
func TestTamperedSessionShowsError(t *testing.T) {
	browser, srv := begin(t, "session-error")
	browser.allowConsoleError("status of 401")
	portal := srv.Portal(t, "grace")
	tok := sessionToken(t, portal)
	cases := []struct {
		name string
		// flip is XORed into the 6-bit value of the token's last base64url
		// character: 32 changes a bit the signature is made of; 1 changes
		// one of the two spare bits of its 43rd character, which must not
		// make another valid spelling of the same token.
		flip int
	}{
		{"signature-bit", 32},
		{"spare-bit", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bad := tok[:len(tok)-1] + string(flipBase64URL(tok[len(tok)-1], c.flip))
			if bad == tok {
				t.Fatal("the tampered token equals the original")
			}
			if status, _ := portalAPI(t, srv, bad, http.MethodGet, "/api/v1/portal", nil); status != http.StatusUnauthorized {
				t.Errorf("GET /api/v1/portal with the tampered token: %d, want 401", status)
			}
			name := "session-error"
			if c.name != "signature-bit" {
				name += "-" + c.name
			}
			p := browser.sub(t, name)
			wait, release := p.holdWasm()
			p.open(strings.Replace(portal, tok, bad, 1))
			wait()
			errSel := ".portico-customer-portal .portico-error"
			if plan := eval[*string](p, "read the plan", textOf(overviewPlan)); plan != nil {
				release()
				p.waitWasm()
				p.waitPlans()
				p.shot("")
				t.Fatalf("the tampered token was accepted: the page shows the customer's portal (plan %q)", *plan)
			}
			p.do("the prerendered page shows the error", visible(errSel))
			release()
			p.waitWasm()
			p.do("the client shows the error", visible(errSel))
			p.until("no section is left loading", `document.querySelectorAll(".portico-skeleton").length === 0`,
				func() string {
					return "skeletons in: " + strings.Join(eval[[]string](p, "list skeletons",
						`Array.from(document.querySelectorAll(".portico-skeleton"), (s) => (s.closest("section") || {}).className || "?")`), ", ")
				})
			msg := p.text(errSel)
			// An altered link is not an expired session: reloading will
			// not help, and the page says so.
			if !strings.Contains(msg, "This link is not valid") {
				t.Errorf("error = %q, want the invalid-link message", msg)
			}
			if n := p.count(".portico-error"); n != 1 {
				t.Errorf("the invalid session is told %d times, want once", n)
			}
			if n := p.count(".portico-plan-card"); n != 0 {
				t.Errorf("the page shows %d plan cards for an invalid session", n)
			}
			p.shot("")
		})
	}
}

// flipBase64URL XORs bits into the value of a base64url character.
func flipBase64URL(c byte, bits int) byte {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	i := strings.IndexByte(alphabet, c)
	if i < 0 {
		return c
	}
	return alphabet[i^bits]
}
