package e2e

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// checkGermanGrace checks grace's portal reads in German, money and
// numbers as German writes them.
func checkGermanGrace(p *page, when string) {
	p.t.Helper()
	want := map[string]string{
		".portico-entitlement-usage-seats .portico-usage-figure":     "14 von 20",
		".portico-entitlement-usage-api-calls .portico-usage-figure": "61.250 von 150.000",
		".portico-card-number":                "Visa mit Endziffern 4242",
		".portico-manage-subscription-button": "Tarif ändern",
	}
	for sel, w := range want {
		if got := p.text(sel); got != w {
			p.t.Errorf("%s: %s = %q, want %q", when, sel, got, w)
		}
	}
	page := eval[string](p, "read the page's visible text", `document.querySelector("main").innerText`)
	for _, english := range []string{"Change plan", "Invoices", "Payment details", " of "} {
		if i := strings.Index(page, english); i >= 0 {
			p.t.Errorf("%s: the German page shows %q: …%s…", when, english, page[max(0, i-60):min(len(page), i+60)])
		}
	}
	if lang := eval[string](p, "read the page's language", `document.documentElement.lang + " " + document.title`); lang != "de Abonnement" {
		p.t.Errorf("%s: <html lang> and title %q, want de Abonnement", when, lang)
	}
}

// acceptLanguage has the browser ask for languages, as its settings would.
func acceptLanguage(p *page, languages string) {
	p.t.Helper()
	if _, err := chromedp.Call(p.ctx, network.Enable, network.EnableParams{}); err != nil {
		p.t.Fatalf("enable the network domain: %v", err)
	}
	if _, err := chromedp.Call(p.ctx, network.SetExtraHTTPHeaders,
		network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": languages}}); err != nil {
		p.t.Fatalf("set Accept-Language: %v", err)
	}
}

// A browser asking for German gets grace's portal in German, from the
// server's first paint through the client taking it over to a dialog only
// the client draws.
func TestGermanPortalBeforeAndAfterTheClientTakesOver(t *testing.T) {
	p, srv := begin(t, "locale-de")
	acceptLanguage(p, "de-AT,de;q=0.9,en;q=0.5")
	wait, release := p.holdWasm()
	p.open(srv.Portal(t, "grace"))
	wait()
	checkGermanGrace(p, "prerendered")
	release()
	p.waitWasm()
	p.waitPlans()
	checkGermanGrace(p, "after the client took over")
	p.click(".portico-cancel-subscription-button")
	p.do("the cancellation dialog opens", visible("#portico-cancel-dialog .portico-cancel-access"))
	if got := p.text("#portico-cancel-dialog .portico-cancel-access"); !strings.HasPrefix(got, "Sie behalten Zugang zu Pro bis zum ") {
		t.Errorf("the client's dialog reads %q", got)
	}
	p.shotWidths("dialog")
}

// mintSession mints a portal session through the backend API and returns
// its URL.
func mintSession(t *testing.T, srv *server, body map[string]string) string {
	t.Helper()
	status, out := portalAPI(t, srv, srv.Key, http.MethodPost, "/api/v1/portal-sessions", body)
	if status != http.StatusCreated {
		t.Fatalf("POST /api/v1/portal-sessions: %d %s", status, out)
	}
	var ps struct{ URL string }
	if err := json.Unmarshal([]byte(out), &ps); err != nil {
		t.Fatal(err)
	}
	return ps.URL
}

// headerOrder is, left to right on screen, what the portal header shows:
// "name" for the business, "back" for the link back to the app.
const headerOrder = `(() => {
  const name = document.querySelector(".portico-business-name").getBoundingClientRect();
  const back = document.querySelector(".portico-return-link").getBoundingClientRect();
  return name.left < back.left ? "name back" : "back name"; })()`

// An Arabic session (the backend's choice, over the browser's English)
// draws the portal right to left: the page and the portal say so, the
// header is mirrored with its back link pointing the reading way, and the
// texts are Arabic once the client has taken over.
func TestArabicPortalIsMirrored(t *testing.T) {
	p, srv := begin(t, "locale-ar")
	url := mintSession(t, srv, map[string]string{"customerId": "radia", "locale": "ar",
		"returnUrl": "https://app.example.com/account"})
	acceptLanguage(p, "en-US,en;q=0.9")
	p.open(url)
	p.waitWasm()
	p.waitPlans()
	dirs := eval[string](p, "read the directions", `[document.documentElement.lang, document.documentElement.dir,
  document.querySelector(".portico-root").dir, getComputedStyle(document.querySelector(".portico-customer-portal")).direction].join(" ")`)
	if dirs != "ar rtl rtl rtl" {
		t.Errorf("lang, <html> dir, the portal's dir and direction: %q, want ar rtl rtl rtl", dirs)
	}
	if order := eval[string](p, "read the header's order", headerOrder); order != "back name" {
		t.Errorf("the header reads %q from the left: not mirrored", order)
	}
	if got := p.text(".portico-return-link"); got != "→ العودة إلى Acme" {
		t.Errorf("the back link reads %q", got)
	}
	if got := p.text(".portico-manage-subscription-button"); got != "تغيير الباقة" {
		t.Errorf("the change plan button reads %q", got)
	}
	// The chart keeps time left to right: its first day's label is on the
	// left.
	axis := eval[bool](p, "read the chart's axis", `(() => {
  const labels = [...document.querySelectorAll(".portico-usage-chart-axis > *")];
  return labels.length > 1 && labels[0].getBoundingClientRect().left < labels[labels.length - 1].getBoundingClientRect().left; })()`)
	if !axis {
		t.Error("the usage chart's axis runs right to left")
	}
	p.shotWidths("portal")
	p.do("full page", chromedp.EmulateViewport(1280, 900))
	p.shot("full-1280")
	p.do("narrow the viewport", chromedp.EmulateViewport(phoneWidth, 844))
	p.shot("full-390")

	// A change of members previewed right to left: the stepper, the lines
	// and what is due, in Arabic.
	p.do("widen the viewport", chromedp.EmulateViewport(1280, 900))
	p.open(mintSession(t, srv, map[string]string{"customerId": "dennis", "locale": "ar"}))
	p.waitWasm()
	p.click(teamSub + " .portico-change-quantity-button")
	p.do("the quantity editor opens", visible(quantityDialog))
	p.until("the members field has the focus", focusOn(quantityField), p.focused())
	for range 8 {
		p.do("press the up arrow", chromedp.KeyEvent(kb.ArrowUp))
	}
	p.do("the lines show", visible(quantityDialog+" .portico-lines"))
	if got := p.text(quantityDialog + " .portico-preview-due dt"); got != "المستحق الآن" {
		t.Errorf("the preview's due reads %q", got)
	}
	p.shotWidths("preview")

	// The same header in English reads the other way.
	p.open(mintSession(t, srv, map[string]string{"customerId": "radia", "returnUrl": "https://app.example.com/account"}))
	if order := eval[string](p, "read the header's order", headerOrder); order != "name back" {
		t.Errorf("the English header reads %q from the left", order)
	}
}
