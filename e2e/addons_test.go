package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// Selectors of the add-on editor.
const (
	addonDialog = "#portico-addon-dialog"
	addonField  = "#portico-addon-quantity"
)

// Customers change their add-ons themselves: the stepper takes the
// keyboard, each quantity is previewed before it is confirmed, and the
// change is made.
func TestAddonQuantityIsChangedWithAPreview(t *testing.T) {
	p, srv := begin(t, "addons")
	p.open(srv.Portal(t, "grace"))
	p.waitWasm()
	p.waitPlans()
	change := ".portico-compatible-addon-extra-seats .portico-change-addon-button"
	p.click(change)
	p.do("the add-on editor opens", visible(addonDialog))
	p.until("the quantity field has the focus", focusOn(addonField), p.focused())
	p.do("press Escape", chromedp.KeyEvent(kb.Escape))
	p.do("the editor closes on Escape", gone(addonDialog))
	p.until("the focus is back on Change", focusOn(change), p.focused())
	p.click(change)
	p.until("the quantity field has the focus", focusOn(addonField), p.focused())
	if got := p.text(addonDialog + " .portico-addon-hint"); got != "You have 2. Up to 20." {
		t.Errorf("hint %q", got)
	}
	p.do("press the up arrow", chromedp.KeyEvent(kb.ArrowUp))
	p.waitText(addonDialog+" .portico-preview-due", "Due now")
	if got := eval[string](p, "read the quantity", `document.querySelector(`+js(addonField)+`).value`); got != "3" {
		t.Errorf("quantity after the up arrow %q, want 3", got)
	}
	if got := p.text(addonDialog + " .portico-preview-next-bill"); !strings.Contains(got, "$63.00") {
		t.Errorf("next bill %q, want $63.00 (Pro, 3 extra seats, 1 extra API calls)", got)
	}
	// Tab stays in the dialog.
	for range 8 {
		p.do("press Tab", chromedp.KeyEvent(kb.Tab))
	}
	if !eval[bool](p, "check the focus", focusOn(addonDialog)) {
		t.Errorf("Tab left the dialog: %s", p.focused()())
	}
	p.shotWidths("preview")

	p.click(addonDialog + " .portico-confirm-addon-button")
	p.do("the editor closes", gone(addonDialog))
	p.waitText(noticeSuccess, "Your subscription was updated.")
	p.waitText(".portico-compatible-addon-extra-seats .portico-addon-quantity", "× 3")
	if got := addonQuantity(t, srv, "grace", "extra-seats"); got != 3 {
		t.Errorf("the server has %d extra seats, want 3", got)
	}
	p.shotWidths("changed")

	// Removing it is previewed as dropped, then scheduled for the period's
	// end (acme's downgrades wait for it).
	// Pressed through the DOM once the dialog is there: its preview may
	// still be moving the button, and a click at its old place would miss.
	p.click(change)
	p.do("the editor opens", visible(addonDialog+" .portico-remove-addon-button"))
	p.press(addonDialog + " .portico-remove-addon-button")
	p.waitText(addonDialog+" .portico-preview-dropped-addons", "Extra seats × 3")
	p.shotWidths("remove")
	p.click(addonDialog + " .portico-confirm-addon-button")
	p.waitText(noticeSuccess, "Your change is scheduled for")
	p.waitText(banner, "Your add-ons change on")
}

// "Buy more" opens the add-on that raises the limit, else the plans.
func TestBuyMoreOpensTheAddonOrThePlans(t *testing.T) {
	p, srv := begin(t, "buy-more")
	p.open(srv.Portal(t, "barbara"))
	p.waitWasm()
	p.waitPlans()
	// Basic sells extra seats, which barbara has none of.
	if got := p.text(".portico-addon-offer"); !strings.Contains(got, "Extra seats") || !strings.Contains(got, "Add") {
		t.Errorf("offered add-on %q, want Extra seats with Add", got)
	}
	seats := ".portico-entitlement-usage-seats .portico-buy-more-button"
	p.click(seats)
	p.do("the editor opens on extra seats", visible(addonDialog))
	if got := p.text(addonDialog + " .portico-addon-dialog-title"); got != "Extra seats" {
		t.Fatalf("Buy more on seats opened %q", got)
	}
	p.waitText(addonDialog+" .portico-preview-due", "Due now")
	p.shotWidths("seats")
	p.click(addonDialog + " .portico-confirm-addon-button")
	p.waitText(noticeSuccess, "Your subscription was updated.")
	p.waitText(".portico-entitlement-usage-seats .portico-usage-figure", "5 of 10")

	// Basic sells nothing that raises API calls: the plans do.
	p.click(".portico-entitlement-usage-api-calls .portico-buy-more-button")
	p.until("the focus is on the plans' title", focusOn("#portico-plans-title"), p.focused())
	p.until("the plans' title is in view", inViewport("#portico-plans-title"))
	if n := p.count(addonDialog); n != 0 {
		t.Error("Buy more on API calls opened an add-on")
	}
}

// addonQuantity is how many units of an add-on the customer's live
// subscription has, as the server keeps it.
func addonQuantity(t *testing.T, s *server, customer, addonID string) int {
	t.Helper()
	for _, a := range liveSubscription(t, s, customer).Addons {
		if a.ID == addonID {
			return a.Quantity
		}
	}
	return 0
}
