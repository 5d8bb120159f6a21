package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// Selectors of the notice and of the overview's dialogs.
const (
	notice       = ".portico-notice"
	cancelDialog = "#portico-cancel-dialog"
	updateDialog = "#portico-cancel-update-dialog"
)

// A notice shows where the customer is: after an action low on a long
// page it is in the window, and what the customer pressed has not moved.
func TestNoticeIsInViewAfterAnActionLowOnThePage(t *testing.T) {
	browser, srv := begin(t, "notice")
	// A customer each, so that each confirms a change of their own.
	for width, customer := range map[int64]string{1280: "grace", phoneWidth: "alan"} {
		p := browser.sub(t, "notice-"+map[int64]string{1280: "1280", phoneWidth: "390"}[width])
		p.do("set the viewport", chromedp.EmulateViewport(width, 844))
		p.open(srv.Portal(t, customer))
		p.waitWasm()
		p.waitPlans()
		// A change chosen in the plans, low on the page, and confirmed.
		basic := planButton("basic")
		p.do("bring Basic into view", chromedp.ScrollIntoView(chromedp.CSS(basic)))
		if y := eval[float64](p, "read the scroll position", `scrollY`); y < 300 {
			t.Fatalf("width %d: the page is scrolled by %.0f px only: the action is not low on the page", width, y)
		}
		top := `document.querySelector(` + js(basic) + `).getBoundingClientRect().top`
		before := eval[float64](p, "read where Basic is", top)
		p.click(basic)
		p.do("wait for the confirm step", chromedp.WaitVisible(chromedp.CSS(confirmEnabled)))
		p.press(confirmEnabled)
		p.do("wait for the notice", chromedp.WaitVisible(chromedp.CSS(".portico-notice-success")))
		p.until("the notice is in the window", inViewport(notice))
		// The overview above may grow (a scheduled change): the browser
		// keeps what the customer looks at in place.
		if after := eval[float64](p, "read where Basic is", top); after < before-2 || after > before+2 {
			t.Errorf("width %d: the plans moved from %.0f to %.0f px in the window when the notice showed", width, before, after)
		}
		if role := eval[string](p, "read the notice's role", `document.querySelector(".portico-notice").getAttribute("role")`); role != "status" {
			t.Errorf("width %d: the notice's role is %q, want status", width, role)
		}
		p.shotViewport("")
	}
}

// "Change plan" brings the plans into view and puts the focus on them.
func TestChangePlanMovesToThePlans(t *testing.T) {
	p, srv := begin(t, "change-plan")
	p.open(srv.Portal(t, "grace"))
	p.waitWasm()
	p.waitPlans()
	if got := p.text(".portico-manage-subscription-button"); got != "Change plan" {
		t.Errorf("the overview's button says %q, want Change plan", got)
	}
	p.click(".portico-manage-subscription-button")
	p.until("the focus is on the plans' title", focusOn("#portico-plans-title"), p.focused())
	p.until("the plans' title is in view", inViewport("#portico-plans-title"))
	p.shotWidths("")
}

// Cancelling says when access ends; the cancellation is then shown as
// scheduled, with a way to undo it that asks first. Each dialog takes the
// focus, closes on Escape and gives the focus back.
func TestCancellationSaysWhenAccessEndsAndCanBeUndone(t *testing.T) {
	p, srv := begin(t, "cancel")
	p.open(srv.Portal(t, "grace"))
	p.waitWasm()
	p.waitPlans()
	end := liveSubscription(t, srv, "grace").CurrentPeriodEnd.Format("Jan 2, 2006")

	cancel := ".portico-cancel-subscription-button"
	p.click(cancel)
	p.do("the cancellation dialog opens", visible(cancelDialog))
	p.until("the dialog has the focus", focusOn(cancelDialog), p.focused())
	if got := p.text(cancelDialog + " .portico-cancel-access"); got != "You keep access to Pro until "+end+"." {
		t.Errorf("the dialog says %q, want access until %s", got, end)
	}
	p.shotWidths("dialog")
	p.do("press Escape", chromedp.KeyEvent(kb.Escape))
	p.do("the dialog closes on Escape", gone(cancelDialog))
	p.until("the focus is back on Cancel subscription", focusOn(cancel), p.focused())

	p.click(cancel)
	p.click(cancelDialog + " .portico-confirm-cancel-button")
	p.do("the dialog closes", gone(cancelDialog))
	p.waitText(noticeSuccess, "Your subscription will end on "+end+".")
	// Acme's journey moves a cancelled customer to its free plan.
	p.waitText(banner, "Your subscription is scheduled to end on "+end+", when you move to Free.")
	if got := p.text(cancelUpdate); got != "Undo cancellation" {
		t.Errorf("the banner's button says %q, want Undo cancellation", got)
	}
	p.shotWidths("scheduled")

	p.click(cancelUpdate)
	p.do("the undo asks first", visible(updateDialog))
	p.until("the dialog has the focus", focusOn(updateDialog), p.focused())
	if got := p.text(updateDialog + " .portico-confirm-title"); got != "Keep your subscription?" {
		t.Errorf("the undo's question is %q", got)
	}
	p.shotWidths("undo")
	p.click(confirmUpdate)
	p.do("the banner goes", gone(banner))
	p.waitText(noticeSuccess, "Your subscription goes on")
	if sub := liveSubscription(t, srv, "grace"); len(sub.ScheduledUpdates) != 0 {
		t.Errorf("the server still has grace's cancellation: %+v", sub.ScheduledUpdates)
	}

	// Under an immediate rule (ken's sites), access ends today.
	p.open(srv.Portal(t, "ken"))
	p.waitWasm()
	p.click(".portico-subscription-site-growth " + cancel)
	p.do("the cancellation dialog opens", visible(cancelDialog+" .portico-cancel-access"))
	today := eval[string](p, "read today's date", `new Date().toLocaleDateString("en-US", {month: "short", day: "numeric", year: "numeric", timeZone: "UTC"})`)
	if got := p.text(cancelDialog + " .portico-cancel-access"); got != "Your access to Growth site ends now, on "+today+"." {
		t.Errorf("ken's dialog says %q, want access ending today (%s)", got, today)
	}
	p.shotWidths("immediate")
}
