package e2e

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// Selectors of the quantity editor and dennis's subscription.
const (
	quantityDialog = "#portico-quantity-dialog"
	quantityField  = "#portico-change-quantity"
	teamSub        = ".portico-subscription-platform-team"
)

// Dennis changes his members from 12 to 20 with the keyboard: the preview
// shows the tier's line, the credit and what is due before he confirms.
func TestSeatsChangeIsPreviewedWithItsLines(t *testing.T) {
	p, srv := begin(t, "seats")
	p.open(srv.Portal(t, "dennis"))
	p.waitWasm()
	p.waitText(teamSub+" .portico-charge-members", "12 members")
	if got := p.texts(teamSub + " .portico-charge-members > *"); strings.Join(got, " | ") != "12 members | $120.00 / month | Change members" {
		t.Errorf("committed charge %q", got)
	}
	p.shotWidths("overview")

	p.click(teamSub + " .portico-change-quantity-button")
	p.do("the quantity editor opens", visible(quantityDialog))
	p.until("the members field has the focus", focusOn(quantityField), p.focused())
	for range 8 {
		p.do("press the up arrow", chromedp.KeyEvent(kb.ArrowUp))
	}
	if got := eval[string](p, "read the quantity", `document.querySelector(`+js(quantityField)+`).value`); got != "20" {
		t.Fatalf("members after 8 up arrows %q, want 20", got)
	}
	p.waitText(quantityDialog+" .portico-lines", "Members")
	// The period has begun: the line charges the rest of it, and says so.
	if got := p.text(quantityDialog + " .portico-line-detail"); !strings.HasPrefix(got, "20 × $10.00 for units 1–50, prorated for ") {
		t.Errorf("line %q, want 20 × $10.00 for units 1–50, prorated for the rest of the period", got)
	}
	// What is due is the lines less the credit for the 12 members paid for.
	lines := money(t, p.texts(quantityDialog+" tbody .portico-line-amount"))
	credit := money(t, []string{p.text(quantityDialog + " .portico-preview-credit dd")})
	due := money(t, []string{p.text(quantityDialog + " .portico-preview-due dd")})
	if credit == 0 || due != lines-credit {
		t.Errorf("due %d, want lines %d less credit %d", due, lines, credit)
	}
	p.shotWidths("preview")

	p.click(quantityDialog + " .portico-confirm-quantity-button:not([disabled])")
	p.do("the editor closes", gone(quantityDialog))
	p.waitText(noticeSuccess, "Your subscription was updated.")
	p.waitText(teamSub+" .portico-charge-members .portico-charge-what", "20 members")
	if got := p.text(teamSub + " .portico-charge-members .portico-charge-amount"); got != "$200.00 / month" {
		t.Errorf("20 members cost %q a month, want $200.00", got)
	}
	p.shotWidths("changed")
}

// The platform's plans read their tiers, "Starts at" and usage terms.
func TestPlatformPaywallShowsTiersAndStartsAt(t *testing.T) {
	p, srv := begin(t, "platform-paywall")
	p.open(srv.Portal(t, "dennis"))
	p.waitWasm()
	p.waitPlans()
	p.click(".portico-product-switch .portico-period-option:not(.portico-period-option-selected)")
	team := ".portico-plan-card.portico-platform-team"
	p.waitText(team+" .portico-plan-starts-at", "Starts at $10.00 / month")
	if got := p.texts(team + " .portico-plan-charge-term"); strings.Join(got, " | ") != "1–50: $10.00 per member | 51 and above: $8.00 per member" {
		t.Errorf("Team's tiers %q", got)
	}
	if got := p.text(team + " .portico-plan-quantities"); got != "12 members" {
		t.Errorf("Team's quantity %q", got)
	}
	scale := ".portico-plan-card.portico-platform-scale"
	if got := strings.Join(p.texts(scale+" .portico-plan-charges li"), " | "); got != "10,000 API requests included, then $0.50 per 1,000 API requests | Minimum $50.00 / month" {
		t.Errorf("Scale's terms %q", got)
	}
	p.shotWidths("plans")
}

var amountRE = regexp.MustCompile(`-?\$[0-9,]+\.[0-9]{2}`)

// money adds the dollar amounts the texts show, in cents.
func money(t *testing.T, texts []string) int64 {
	t.Helper()
	var sum int64
	for _, s := range texts {
		m := amountRE.FindString(s)
		if m == "" {
			t.Fatalf("no amount in %q", s)
		}
		n, err := strconv.ParseInt(strings.NewReplacer("$", "", ",", "", ".", "").Replace(m), 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		sum += n
	}
	return sum
}
