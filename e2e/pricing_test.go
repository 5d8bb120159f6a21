package e2e

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// upcomingInvoice is the portal API's upcoming invoice, as the test reads it.
type upcomingInvoice struct {
	Date      time.Time
	Total     int64
	Estimated bool
	Lines     []struct {
		Kind                                  string
		Quantity, UnitAmount, Usage, Included int64
		Amount                                int64
	}
}

// readUpcoming reads a customer's upcoming invoice from the server.
func readUpcoming(t *testing.T, srv *server, portalURL string) upcomingInvoice {
	t.Helper()
	status, body := portalAPI(t, srv, sessionToken(t, portalURL), http.MethodGet, "/api/v1/portal/upcoming-invoice", nil)
	if status != http.StatusOK {
		t.Fatalf("GET /api/v1/portal/upcoming-invoice: %d %s", status, body)
	}
	var inv upcomingInvoice
	if err := json.Unmarshal([]byte(body), &inv); err != nil {
		t.Fatal(err)
	}
	return inv
}

// dollars formats cents as the portal does in English: "$57.00".
func dollars(cents int64) string {
	return "$" + grouped(cents/100) + "." + strconv.FormatInt(cents%100+100, 10)[1:]
}

// grouped groups digits by three: 123400 → "123,400".
func grouped(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// cells is the text of a line or foot row, its parts joined by spaces
// (the page's text runs them together).
func (p *page) cells(row string) string {
	p.t.Helper()
	parts := []string{}
	for _, part := range []string{".portico-line-label", ".portico-line-detail", "th:not(.portico-line-description)", ".portico-line-amount"} {
		parts = append(parts, row+" "+part)
	}
	return strings.Join(p.texts(strings.Join(parts, ", ")), " ")
}

// day formats a date as the portal does in English: "Jan 6, 2027".
func day(t time.Time) string { return t.UTC().Format("Jan 2, 2006") }

// Scenario: radia's usage-priced plan: her API requests card reads as a
// cost beyond what is included, not as a limit reached, and the upcoming
// invoice shows the usage line and the total the server works out, in the
// server's HTML and once the client has taken over.
func TestUsagePricedPortalShowsCostAndUpcomingInvoice(t *testing.T) {
	p, srv := begin(t, "usage-priced")
	url := srv.Portal(t, "radia")
	inv := readUpcoming(t, srv, url)
	if len(inv.Lines) == 0 {
		t.Fatalf("the server's upcoming invoice has no lines: %+v", inv)
	}
	usage := inv.Lines[0]
	// The demo: 123,400 requests, 10,000 included, $0.50 per started 1,000.
	if usage.Kind != "usage" || usage.Usage != 123400 || usage.Included != 10000 || usage.Quantity != 114 || usage.Amount != 5700 {
		t.Fatalf("the server's usage line %+v, want 114 blocks of 113,400 requests over 10,000 included at $57.00", usage)
	}
	card := ".portico-entitlement-usage-requests"
	check := func(when string) {
		t.Helper()
		if got, want := p.text(card+" .portico-usage-figure"), "123,400 of 10,000 included · 113,400 over"; got != want {
			t.Errorf("%s: usage figure %q, want %q", when, got, want)
		}
		if got, want := p.text(card+" .portico-usage-cost"), dollars(usage.Amount)+" so far, billed on "+day(inv.Date); got != want {
			t.Errorf("%s: usage cost %q, want %q", when, got, want)
		}
		if got, want := p.cells(".portico-upcoming-total"), "Total "+dollars(inv.Total); got != want {
			t.Errorf("%s: upcoming total %q, want %q", when, got, want)
		}
	}

	wait, release := p.holdWasm()
	p.open(url)
	wait()
	check("prerendered")
	release()
	p.waitWasm()
	check("client")

	// A soft limit: no alarm, no "Buy more".
	if p.count(card+".portico-usage-over-included") != 1 || p.count(card+".portico-usage-at-limit") != 0 ||
		p.count(card+" .portico-buy-more-button") != 0 {
		t.Errorf("the API requests card reads as blocked: %q", p.text(card))
	}
	line := ".portico-upcoming-invoice .portico-line-usage"
	want := "API requests " + grouped(usage.Usage) + " used, " + grouped(usage.Included) + " included · " +
		strconv.FormatInt(usage.Quantity, 10) + " × " + dollars(usage.UnitAmount) + " " + dollars(usage.Amount)
	if got := p.cells(line); got != want {
		t.Errorf("usage line %q, want %q", got, want)
	}
	if got := p.count(".portico-upcoming-invoice .portico-line"); got != len(inv.Lines) {
		t.Errorf("%d lines shown, the server has %d", got, len(inv.Lines))
	}
	if got := p.text(".portico-upcoming-invoice-date"); got != "Billed on "+day(inv.Date) {
		t.Errorf("upcoming date %q", got)
	}
	if inv.Estimated != (p.count(".portico-upcoming-estimated") == 1) {
		t.Errorf("estimated %v, note shown %d", inv.Estimated, p.count(".portico-upcoming-estimated"))
	}
	p.shot("1280")
	p.do("narrow the viewport", chromedp.EmulateViewport(phoneWidth, 844), chromedp.ScrollIntoView(chromedp.CSS(card)))
	p.shotViewport("390-usage")
	p.do("scroll to the upcoming invoice", chromedp.ScrollIntoView(chromedp.CSS(".portico-upcoming-invoice")))
	p.shotViewport("390-upcoming")
}

// Scenario: dennis's invoice opens to its lines, by mouse and by keyboard.
func TestInvoiceLinesExpand(t *testing.T) {
	p, srv := begin(t, "invoice-lines")
	p.open(srv.Portal(t, "dennis"))
	p.waitWasm()
	toggle := ".portico-invoice-row .portico-invoice-lines-toggle"
	lines := ".portico-invoice-lines-row"
	if p.count(lines) != 0 {
		t.Fatal("an invoice's lines show before they are asked for")
	}
	p.click(toggle)
	p.do("show the invoice's lines", visible(lines+" .portico-line"))
	if got, want := p.cells(lines+" .portico-line"), "Members 12 × $10.00 for units 1–50 $120.00"; got != want {
		t.Errorf("invoice line %q, want %q", got, want)
	}
	if got := eval[string](p, "read aria-expanded", `document.querySelector(`+js(toggle)+`).getAttribute("aria-expanded")`); got != "true" {
		t.Errorf("aria-expanded %q after opening", got)
	}
	for _, width := range []int64{1280, phoneWidth} {
		p.do("set the viewport", chromedp.EmulateViewport(width, 844),
			chromedp.ScrollIntoView(chromedp.CSS(".portico-invoices-section-layout")))
		p.shotViewport("open-" + strconv.FormatInt(width, 10))
	}
	// The keyboard closes it: the toggle is a button.
	p.do("press Enter on the toggle", chromedp.Focus(chromedp.CSS(toggle)), chromedp.KeyEvent(kb.Enter))
	p.do("hide the lines", gone(lines))
}
