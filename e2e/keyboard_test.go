package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// keyboardTimeout bounds the keyboard scenario: five journeys, each
// tabbing through a portal.
const keyboardTimeout = 4 * time.Minute

// maxTabs is how many presses of Tab reaching a control may take: more
// than any portal page has controls.
const maxTabs = 150

// key presses a key (with modifiers) where the focus is.
func (p *page) key(what, key string, mods ...chromedp.Modifier) {
	p.t.Helper()
	var opts []chromedp.KeyOption
	if len(mods) > 0 {
		opts = append(opts, chromedp.KeyModifiers(mods...))
	}
	p.do(what, chromedp.KeyEvent(key, opts...))
}

// describeFocus is a JavaScript expression naming the focused element.
const describeFocus = `(() => { const el = document.activeElement; if (!el || el === document.body) return "the page";
  return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className ? "." + String(el.className).trim().split(/\s+/).join(".") : "") +
    " “" + (el.getAttribute("aria-label") || el.textContent || "").replace(/\s+/g, " ").trim().slice(0, 40) + "”"; })()`

// focusShown is a JavaScript expression: whether the focused element
// shows that it has the focus (an outline or a ring), as WCAG 2.4.7 asks.
const focusShown = `(() => { const el = document.activeElement; if (!el || el === document.body) return true;
  const s = getComputedStyle(el);
  return s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0 || s.boxShadow !== "none"; })()`

// tabTo presses Tab until the focus is on the first element matching sel,
// as a keyboard user reaches a control, and fails when it takes more than
// maxTabs presses (the control is not in the Tab order). Each control the
// focus passes must show it has the focus.
func (p *page) tabTo(sel string) {
	p.t.Helper()
	var seen []string
	for range maxTabs {
		if eval[bool](p, "check the focus", focusOn(sel)) {
			return
		}
		p.key("press Tab", kb.Tab)
		seen = append(seen, eval[string](p, "read the focus", describeFocus))
		if !eval[bool](p, "check the focus shows", focusShown) {
			p.t.Errorf("the focus on %s does not show (no outline, no ring)", seen[len(seen)-1])
		}
	}
	p.t.Fatalf("%d presses of Tab did not reach %s; the last went through:\n  %s", maxTabs, sel,
		strings.Join(seen[max(len(seen)-12, 0):], "\n  "))
}

// tabStaysIn presses Tab, then Shift+Tab, more times than the dialog has
// controls, and fails if the focus ever leaves it.
func (p *page) tabStaysIn(dialogSel string) {
	p.t.Helper()
	n := eval[int](p, "count the dialog's controls", `document.querySelector(`+js(dialogSel)+`).querySelectorAll("button:not([disabled]), a[href], input:not([disabled]), select, textarea").length`)
	for _, back := range []bool{false, true} {
		for i := range n + 2 {
			if back {
				p.key("press Shift+Tab", kb.Tab, chromedp.ModifierShift)
			} else {
				p.key("press Tab", kb.Tab)
			}
			if !eval[bool](p, "check the focus", focusOn(dialogSel)) {
				p.t.Fatalf("press %d of %s left the dialog for %s", i+1, map[bool]string{false: "Tab", true: "Shift+Tab"}[back],
					eval[string](p, "read the focus", describeFocus))
			}
		}
	}
}

// focusAway leaves the focus on the page itself, as a press on a dialog's
// backdrop or a control that goes busy does.
func (p *page) focusAway() {
	p.t.Helper()
	eval[bool](p, "drop the focus", `(document.activeElement && document.activeElement.blur(), document.activeElement === document.body)`)
}

// The main journeys work from the keyboard alone: every control is reached
// with Tab, tabs and radio groups move with the arrow keys, a dialog holds
// the focus until it closes, Escape closes it wherever the focus is, and
// the focus goes back to the control that opened it.
func TestKeyboardOnlyJourneys(t *testing.T) {
	path := requireBrowser(t)
	srv := startServer(t)
	p := newPage(t, path, "keyboard", time.Now().Add(keyboardTimeout))

	t.Run("buy an add-on", func(t *testing.T) { keyboardBuyAddon(p.sub(t, "keyboard-addon"), srv) })
	t.Run("change plan", func(t *testing.T) { keyboardChangePlan(p.sub(t, "keyboard-plan"), srv) })
	t.Run("change seats", func(t *testing.T) { keyboardChangeSeats(p.sub(t, "keyboard-seats"), srv) })
	t.Run("tabs and invoices", func(t *testing.T) { keyboardTabsAndInvoices(p.sub(t, "keyboard-invoices"), srv) })
	t.Run("cancel", func(t *testing.T) { keyboardCancel(p.sub(t, "keyboard-cancel"), srv) })
}

// keyboardBuyAddon adds extra seats to barbara's Basic plan.
func keyboardBuyAddon(p *page, srv *server) {
	p.open(srv.Portal(p.t, "barbara"))
	p.portalReady()
	add := ".portico-addon-offer .portico-add-addon-button"
	p.tabTo(add)
	p.key("press Enter", kb.Enter)
	p.do("the add-on editor opens", visible(addonDialog))
	p.until("the quantity field has the focus", focusOn(addonField), p.focused())
	p.key("press the up arrow", kb.ArrowUp)
	p.waitText(addonDialog+" .portico-preview-due", "Due now")
	p.tabStaysIn(addonDialog)
	p.tabTo(addonDialog + " .portico-confirm-addon-button")
	p.key("press Enter", kb.Enter)
	p.do("the editor closes", gone(addonDialog))
	p.waitText(noticeSuccess, "Your subscription was updated.")
	p.focusSettles()
	if got := addonQuantity(p.t, srv, "barbara", "extra-seats"); got < 1 {
		p.t.Errorf("the server has %d extra seats for barbara, want the one added", got)
	}
	p.tabUnderNotice()
}

// placeUnderNotice scrolls the page so that a control sits under the
// notice shown at the bottom of the window, puts the focus on the control
// before it without scrolling, and reports whether it found one.
const placeUnderNotice = `(() => {
  const notice = document.querySelector("[data-portico-notices] > *");
  if (!notice) return false;
  const n = notice.getBoundingClientRect();
  const all = Array.from(document.querySelectorAll('button:not([disabled]), a[href], input:not([disabled]), select, textarea, [tabindex]'))
    .filter((el) => el.tabIndex >= 0 && el.getClientRects().length > 0 && !notice.contains(el));
  const room = document.documentElement.scrollHeight - innerHeight;
  for (let i = 1; i < all.length; i++) {
    const r = all[i].getBoundingClientRect();
    if (r.width > n.width || r.height > n.height || r.right <= n.left || r.left >= n.right) continue;
    const dy = r.top + r.height / 2 - (n.top + n.height / 2);
    if (scrollY + dy < 0 || scrollY + dy > room) continue;
    window.scrollBy(0, dy);
    all[i - 1].focus({preventScroll: true});
    window.__underNotice = all[i];
    return true;
  }
  return false;
})()`

// overNotice is a JavaScript expression: whether the element and the
// notice overlap on screen.
func overNotice(el string) string {
	return `(() => {
  const a = ` + el + `.getBoundingClientRect(), b = document.querySelector("[data-portico-notices] > *").getBoundingClientRect();
  return a.bottom > b.top && a.top < b.bottom && a.right > b.left && a.left < b.right; })()`
}

// tabUnderNotice tabs onto a control that sits under the notice: the page
// scrolls it clear (WCAG 2.4.11, the focus not obscured).
func (p *page) tabUnderNotice() {
	p.t.Helper()
	if !eval[bool](p, "place a control under the notice", placeUnderNotice) {
		p.t.Fatal("no control could be scrolled under the notice")
	}
	if !eval[bool](p, "check the control is under the notice", overNotice("window.__underNotice")) {
		p.t.Fatal("the control placed under the notice is not under it")
	}
	p.key("press Tab", kb.Tab)
	p.until("the focus is on the control that was under the notice", `document.activeElement === window.__underNotice`, p.focused())
	if eval[bool](p, "check the notice", overNotice("document.activeElement")) {
		p.t.Errorf("%s, under the notice", p.focused()())
	}
}

// keyboardChangePlan moves barbara to Pro, annually: the billing period by
// the arrow keys, the plan's preview, its confirmation.
func keyboardChangePlan(p *page, srv *server) {
	p.open(srv.Portal(p.t, "barbara"))
	p.portalReady()
	monthly, annually := "#portico-period-monthly", "#portico-period-annually"
	if got := eval[int](p, "read the unchosen period's tab stop", `document.querySelector(`+js(annually)+`).tabIndex`); got != -1 {
		p.t.Errorf("the unchosen billing period has tabIndex %d: the group should be one stop of Tab", got)
	}
	p.tabTo(monthly)
	p.key("press the right arrow", kb.ArrowRight)
	p.until("Annually is chosen and has the focus", focusOn(annually)+` && document.querySelector(`+js(annually)+`).getAttribute("aria-checked") === "true"`, p.focused())
	p.waitPlans()
	p.key("press the left arrow", kb.ArrowLeft)
	p.until("Monthly is chosen again and has the focus", focusOn(monthly)+` && document.querySelector(`+js(monthly)+`).getAttribute("aria-checked") === "true"`, p.focused())
	p.waitPlans()
	p.key("press End", kb.End)
	p.until("Annually is chosen by End", focusOn(annually)+` && document.querySelector(`+js(annually)+`).getAttribute("aria-checked") === "true"`, p.focused())
	p.waitPlans()

	pro := planButton("pro")
	p.tabTo(pro)
	p.key("press Enter", kb.Enter)
	p.do("the confirm step shows its preview", visible(dialog+" .portico-preview"))
	p.until("the dialog has the focus", focusOn(dialog), p.focused())
	p.tabStaysIn(dialog)
	// Escape closes it from anywhere, and the plan's button has the focus
	// again.
	p.focusAway()
	p.key("press Escape", kb.Escape)
	p.do("the dialog closes", gone(dialog))
	p.until("the focus is back on Pro's button", focusOn(pro), p.focused())

	p.key("press Enter", kb.Enter)
	p.do("the confirm step shows its preview", visible(confirmEnabled))
	p.tabTo(confirmEnabled)
	p.key("press Enter", kb.Enter)
	p.do("the dialog closes", gone(dialog))
	p.waitText(noticeSuccess, "")
	if sub := liveSubscription(p.t, srv, "barbara"); sub.Plan.ID != "pro" {
		p.t.Errorf("barbara is on %s after confirming Pro by keyboard", sub.Plan.ID)
	}
	p.waitPlans()
	p.until("the focus is on the plans' title, not dropped to the page", focusOn("#portico-plans-title"), p.focused())
}

// focusSettles checks, once the portal has reloaded after a change, that
// the focus is on the subscription's title and not dropped to the page.
func (p *page) focusSettles() {
	p.t.Helper()
	p.waitPlans()
	p.frames()
	p.until("the focus is on the subscription's title, not dropped to the page", focusOn("#portico-subscription-title"), p.focused())
}

// keyboardChangeSeats takes dennis's team from 12 to 20 members.
func keyboardChangeSeats(p *page, srv *server) {
	p.open(srv.Portal(p.t, "dennis"))
	p.portalReady()
	change := teamSub + " .portico-change-quantity-button"
	p.tabTo(change)
	p.key("press Enter", kb.Enter)
	p.do("the quantity editor opens", visible(quantityDialog))
	p.until("the quantity field has the focus", focusOn(quantityField), p.focused())
	// Keys arrive one at a time: each waits for the field to show the last
	// (a redraw between two keys must not leave a digit behind).
	p.key("clear the field", kb.End+"\b\b\b")
	p.until("the field is empty", `document.querySelector(`+js(quantityField)+`).value === ""`, func() string {
		return "it reads " + eval[string](p, "read the field", `document.querySelector(`+js(quantityField)+`).value`)
	})
	p.key("type 20", "20")
	p.until("the field reads 20", `document.querySelector(`+js(quantityField)+`).value === "20"`, func() string {
		return "it reads " + eval[string](p, "read the field", `document.querySelector(`+js(quantityField)+`).value`)
	})
	p.do("its preview shows", visible(quantityDialog+" .portico-preview"))
	p.tabStaysIn(quantityDialog)
	p.tabTo(quantityDialog + " .portico-button-primary")
	p.key("press Enter", kb.Enter)
	p.do("the editor closes", gone(quantityDialog))
	p.waitText(teamSub+" .portico-charge-members .portico-charge-amount", "$200.00 / month")
	p.focusSettles()
}

// keyboardTabsAndInvoices switches grace's tabs by the arrow keys and opens
// an invoice's lines.
func keyboardTabsAndInvoices(p *page, srv *server) {
	p.open(srv.Portal(p.t, "grace"))
	p.portalReady()
	p.tabTo("#portico-tab-addons")
	p.key("press the right arrow", kb.ArrowRight)
	p.until("the promotions tab is chosen and has the focus", focusOn("#portico-tab-promotions")+
		` && document.querySelector("#portico-tab-promotions").getAttribute("aria-selected") === "true"`, p.focused())
	p.do("the promotions show", visible("#portico-panel-promotions .portico-promotion-row"))
	p.key("press Tab", kb.Tab)
	if eval[bool](p, "check the focus", focusOn("#portico-tab-addons")) {
		p.t.Error("Tab went from one tab to the other: the tab list should be one stop")
	}
	p.tabTo("#portico-tab-promotions")
	p.key("press Home", kb.Home)
	p.until("Home chooses the first tab", focusOn("#portico-tab-addons")+
		` && document.querySelector("#portico-tab-addons").getAttribute("aria-selected") === "true"`, p.focused())

	toggle := ".portico-invoice-row .portico-invoice-lines-toggle"
	p.tabTo(toggle)
	p.key("press Enter", kb.Enter)
	p.do("the invoice's lines show", visible(".portico-invoice-lines-row .portico-lines"))
	if got := eval[string](p, "read aria-expanded", `document.querySelector(`+js(toggle)+`).getAttribute("aria-expanded")`); got != "true" {
		p.t.Errorf("the toggle's aria-expanded is %q after Enter, want true", got)
	}
	if eval[int](p, "count the invoice links", `document.querySelectorAll(".portico-invoice-links a[href]").length`) > 0 {
		p.tabTo(".portico-invoice-links a[href]")
	}
}

// keyboardCancel cancels grace's subscription: Escape first, then the
// confirmation.
func keyboardCancel(p *page, srv *server) {
	p.open(srv.Portal(p.t, "grace"))
	p.portalReady()
	cancel := ".portico-cancel-subscription-button"
	p.tabTo(cancel)
	p.key("press Enter", kb.Enter)
	p.do("the cancellation asks", visible("#portico-cancel-dialog"))
	p.until("the dialog has the focus", focusOn("#portico-cancel-dialog"), p.focused())
	p.tabStaysIn("#portico-cancel-dialog")
	p.focusAway()
	p.key("press Tab from the page", kb.Tab)
	p.until("Tab from the page lands in the dialog", focusOn("#portico-cancel-dialog"), p.focused())
	p.focusAway()
	p.key("press Escape", kb.Escape)
	p.do("the dialog closes", gone("#portico-cancel-dialog"))
	p.until("the focus is back on Cancel", focusOn(cancel), p.focused())

	p.key("press Enter", kb.Enter)
	p.do("the cancellation asks again", visible("#portico-cancel-dialog .portico-confirm-cancel-button"))
	p.tabTo("#portico-cancel-dialog .portico-confirm-cancel-button")
	p.key("press Enter", kb.Enter)
	p.do("the dialog closes", gone("#portico-cancel-dialog"))
	p.waitText(noticeSuccess, "")
	p.focusSettles()
	if sub := liveSubscription(p.t, srv, "grace"); !cancelling(sub) {
		p.t.Errorf("grace's subscription after cancelling by keyboard: %+v", sub)
	}
}

// cancelling reports whether a subscription is set to end: a cancellation
// scheduled.
func cancelling(s subscription) bool {
	for _, u := range s.ScheduledUpdates {
		if u.Type == "cancellation" {
			return true
		}
	}
	return false
}
