package e2e

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	portico "github.com/portico-dev/portico"
)

// signInConsole opens a console page and signs in with the server's key.
func signInConsole(p *page, srv *server, path string) {
	p.t.Helper()
	p.do("open the console", chromedp.Navigate(srv.URL+path), visible("#pc-secret"))
	p.waitWasm()
	// The client draws its own sign-in form once it has taken over.
	p.do("wait for the client's sign-in form", visible("#pc-secret"))
	p.edit("#pc-secret", srv.Key)
	p.click(".pc-signin button[type=submit]")
	p.do("wait for the console", visible(".pc-main h1"))
}

// rawCatalog is the catalog as the backend API answers it, byte for byte.
func rawCatalog(t *testing.T, s *server) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/api/v1/catalog", nil)
	req.Header.Set("Authorization", "Bearer "+s.Key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v1/catalog: %s %s", res.Status, b)
	}
	return string(b)
}

// focusedID is the ID of the element that has the keyboard focus.
func (p *page) focusedID() string {
	p.t.Helper()
	return eval[string](p, "read the focus", `document.activeElement ? document.activeElement.id : ""`)
}

// waitFocus waits until the element with the ID has the focus.
func (p *page) waitFocus(id string) {
	p.t.Helper()
	p.until("#"+id+" has the focus", `document.activeElement && document.activeElement.id === `+js(id),
		func() string { return "the focus is on #" + p.focusedID() })
}

// saveUnchanged opens an editor with the button sel and saves it as it
// opened.
func (p *page) saveUnchanged(sel string) {
	p.t.Helper()
	p.click(sel)
	p.do("wait for the editor of "+sel, visible(".pc-dialog button[type=submit]"))
	p.submitDialog()
	p.waitText(".pc-notice", "saved")
}

// cancelDialog presses the open dialog's Cancel and waits for it to go.
func (p *page) cancelDialog() {
	p.t.Helper()
	p.press(".pc-dialog .pc-cancel")
	p.do("wait for the dialog to close", gone(".pc-dialog"))
}

// labels are the aria-labels of the elements matching sel.
func (p *page) labels(sel string) []string {
	p.t.Helper()
	return eval[[]string](p, "list "+sel, `Array.from(document.querySelectorAll(`+js(sel)+`), (el) => el.getAttribute("aria-label"))`)
}

// The blocker of issue 16: saving plans and add-ons dropped their prices'
// Stripe price IDs. Every object saved as it opened leaves the catalog as
// it was, byte for byte: every field the console shows and every one it
// does not.
func TestConsoleSavesEveryObjectAsItWas(t *testing.T) {
	path := requireBrowser(t)
	deadline := time.Now().Add(consoleTimeout)
	srv := startServer(t)
	p := newPage(t, path, "console-unchanged", deadline)
	p.allowConsoleError("422")
	before := rawCatalog(t, srv)
	if !strings.Contains(before, `"stripePriceId":"price_pro_monthly"`) {
		t.Fatal("the demo catalog has no Stripe price for Pro monthly: the test would prove nothing")
	}
	signInConsole(p, srv, "/console/products/acme")

	for _, product := range []string{"acme", "sites"} {
		p.do("open product "+product, chromedp.Navigate(srv.URL+"/console/products/"+product), visible(".pc-panel[aria-labelledby=pc-plans]"))
		p.waitWasm()
		p.saveUnchanged(".pc-toolbar button") // Edit
		p.saveUnchanged(".pc-panel[aria-labelledby=pc-metadata] .pc-head button")
		for _, label := range p.labels(`button[aria-label^="Edit plan "], button[aria-label^="Edit add-on "]`) {
			p.saveUnchanged(`button[aria-label="` + label + `"]`)
		}
		p.click(`.pc-tabs a[href$="/journey"]`)
		p.do("wait for the journey", visible(".pc-journey button[type=submit]"))
		p.press(".pc-journey button[type=submit]")
		p.waitText(".pc-notice", "journey saved")
	}
	p.click(`.pc-nav a[href="/console/features"]`)
	p.waitText(".pc-main h1", "Features")
	for _, label := range p.labels(`button[aria-label^="Edit feature "]`) {
		p.saveUnchanged(`button[aria-label="` + label + `"]`)
	}
	if after := rawCatalog(t, srv); after != before {
		t.Fatalf("saving every object unchanged changed the catalog:\nbefore %s\nafter  %s", before, after)
	}

	// The plan editor shows each price's Stripe price ID and edits it; a
	// bad one is refused beside its field, which takes the focus.
	p.do("open product acme", chromedp.Navigate(srv.URL+"/console/products/acme"), visible(".pc-panel[aria-labelledby=pc-plans]"))
	p.waitWasm()
	p.click(`button[aria-label="Edit plan Pro"]`)
	p.do("wait for the plan editor", visible("#pc-f-stripe-monthly"))
	p.waitValue("#pc-f-stripe-monthly", "price_pro_monthly")
	p.waitValue("#pc-f-stripe-annually", "price_pro_annually")
	p.shotBoth("plan-editor")
	p.edit("#pc-f-stripe-monthly", "prod_pro")
	p.press(".pc-dialog button[type=submit]")
	p.waitText("#pc-f-stripe-monthly-error", "starts with price_")
	p.waitFocus("pc-f-stripe-monthly")
	p.shotViewport("stripe-error")
	p.edit("#pc-f-stripe-monthly", "price_pro_monthly_2026")
	p.submitDialog()
	p.waitText(".pc-notice", "saved")
	pro, _ := backendCatalog(t, srv).Plan("pro")
	if m, _ := pro.PriceFor(portico.Monthly, "usd"); m.StripePriceID != "price_pro_monthly_2026" || m.Amount != 2900 {
		t.Errorf("Pro monthly = %+v, want the new Stripe price at the same amount", m)
	}
	if a, _ := pro.PriceFor(portico.Annually, "usd"); a.StripePriceID != "price_pro_annually" {
		t.Errorf("Pro annually = %+v, want its Stripe price kept", a)
	}
}

// Before a price customers hold changes, the console says how many hold
// it or are scheduled onto it, and that they keep what they agreed to.
func TestConsoleConfirmsAPriceChangeWithItsCustomers(t *testing.T) {
	path := requireBrowser(t)
	deadline := time.Now().Add(consoleTimeout)
	srv := startServer(t)
	p := newPage(t, path, "console-price", deadline)
	signInConsole(p, srv, "/console/products/acme")
	p.do("wait for the plans", visible(`button[aria-label="Edit plan Pro"]`))

	// Pro monthly: grace (paying) and alan (on its trial).
	p.click(`button[aria-label="Edit plan Pro"]`)
	p.do("wait for the plan editor", visible("#pc-f-price-monthly"))
	p.edit("#pc-f-price-monthly", "35")
	p.press(".pc-dialog button[type=submit]")
	p.waitText(".pc-confirm-step", "Monthly price, 29.00 USD → 35.00 USD: 2 customers are on this price; they keep what they agreed to until their next change.")
	p.until("the confirmation's button has the focus", `document.activeElement && document.activeElement.textContent === "Save the new price"`)
	p.shotBoth("price-confirm")
	if pro, _ := backendCatalog(t, srv).Plan("pro"); pro.Prices[0].Amount != 2900 {
		t.Fatalf("the price changed before the confirmation: %+v", pro.Prices)
	}
	// Back to the form keeps what was typed; saving again asks again.
	p.click(".pc-confirm-step button[type=button]")
	p.waitValue("#pc-f-price-monthly", "35")
	p.press(".pc-dialog button[type=submit]")
	p.do("wait for the confirmation", visible(".pc-confirm-step"))
	p.submitDialog()
	p.waitText(".pc-notice", "saved")
	pro, _ := backendCatalog(t, srv).Plan("pro")
	if m, _ := pro.PriceFor(portico.Monthly, "usd"); m.Amount != 3500 || m.StripePriceID != "price_pro_monthly" {
		t.Errorf("Pro monthly = %+v, want 35.00 with its Stripe price", m)
	}

	// Basic annually: linus only, through his scheduled downgrade.
	p.click(`button[aria-label="Edit plan Basic"]`)
	p.do("wait for the plan editor", visible("#pc-f-price-annually"))
	p.edit("#pc-f-price-annually", "95")
	p.press(".pc-dialog button[type=submit]")
	p.waitText(".pc-confirm-step", "Annual price, 90.00 USD → 95.00 USD: 1 customer is on this price (1 of the subscriptions through a scheduled change)")
	p.submitDialog()
	p.waitText(".pc-notice", "saved")

	// A price no one holds saves without asking: Extra API calls annually.
	p.click(`button[aria-label="Edit add-on Extra API calls"]`)
	p.do("wait for the add-on editor", visible("#pc-f-price-annually"))
	p.edit("#pc-f-price-annually", "200")
	p.submitDialog()
	p.waitText(".pc-notice", "saved")
	if a, _ := backendCatalog(t, srv).Addon("extra-calls"); a.Prices[1].Amount != 20000 {
		t.Errorf("Extra API calls = %+v", a.Prices)
	}
}

// What the catalog's rules refuse is refused in the console as plain
// sentences beside the field at fault, which takes the focus; what
// concerns another object is listed above the form, labelled as the
// console labels it, never as a field path.
func TestConsoleRefusesInPlainWordsBesideTheField(t *testing.T) {
	path := requireBrowser(t)
	deadline := time.Now().Add(consoleTimeout)
	srv := startServer(t)
	p := newPage(t, path, "console-refusals", deadline)
	p.allowConsoleError("422")
	p.allowConsoleError("409")
	signInConsole(p, srv, "/console/products/acme")
	p.do("wait for the plans", visible(".pc-panel[aria-labelledby=pc-plans] .pc-head button"))
	before := rawCatalog(t, srv)
	fieldPath := regexp.MustCompile(`[a-z]+\[\d+\]`)

	// A plan named as another live plan of the product.
	p.pressWhenShown(".pc-panel[aria-labelledby=pc-plans] .pc-head button")
	p.do("wait for the plan dialog", visible("#pc-f-name"))
	p.edit("#pc-f-name", "basic")
	p.edit("#pc-f-price-monthly", "12")
	p.press(".pc-dialog button[type=submit]")
	p.waitText("#pc-f-name-error", "Another plan of this product is named “Basic” (ID basic)")
	p.waitFocus("pc-f-name")
	p.shotViewport("duplicate-name")
	p.cancelDialog()

	// An add-on that grants nothing, with a maximum quantity of 0.
	p.click(".pc-panel[aria-labelledby=pc-addons] .pc-head button")
	p.do("wait for the add-on dialog", visible("#pc-f-name"))
	p.edit("#pc-f-name", "Nothing")
	p.edit("#pc-f-maxQuantity", "0")
	p.edit("#pc-f-price-monthly", "1")
	p.press(".pc-dialog button[type=submit]")
	p.waitText("#pc-f-maxQuantity-error", "Enter 1 or more, or leave it empty for no limit.")
	p.waitText("#pc-f-entitlements-error", "An add-on must grant at least one feature")
	p.waitFocus("pc-f-maxQuantity")
	p.shotViewport("empty-addon")
	p.cancelDialog()

	// Archiving the journey's free plan: the server says why, in words.
	p.click(`button[aria-label="Archive plan Free"]`)
	p.waitText(".pc-dialog h2", "Archive plan")
	p.press(".pc-dialog button[type=submit]")
	p.waitText(".pc-dialog .pc-general", `Free plan of product “Acme Cloud”: Plan "free" is archived; the journey cannot start or end on it.`)
	if g := p.text(".pc-dialog .pc-general"); fieldPath.MatchString(g) {
		t.Errorf("the refusal shows a field path: %q", g)
	}
	p.until("the list of errors has the focus", `document.activeElement && document.activeElement.classList.contains("pc-general")`)
	p.shotViewport("archive-refused")
	p.cancelDialog()

	// The journey's errors sit beside the option that caused them.
	p.click(`.pc-tabs a[href$="/journey"]`)
	p.do("wait for the journey", visible("#pc-f-freePlanId"))
	p.choose("#pc-f-freePlanId", "")
	p.press(".pc-journey button[type=submit]")
	p.waitText("#pc-f-freePlanId-error", "Free plan is required.")
	p.waitFocus("pc-f-freePlanId")
	if inStart := eval[bool](p, "find the picker", `!!document.querySelector("#pc-f-start-free_plan").closest(".pc-option").querySelector("#pc-f-freePlanId")`); !inStart {
		t.Error("the free plan's picker is not beside the option that needs it")
	}
	p.shotBoth("journey-error")
	if after := rawCatalog(t, srv); after != before {
		t.Fatalf("refused saves changed the catalog")
	}

	// Unarchiving a plan whose name a live plan has taken since is refused
	// with the catalog's rule, in words.
	p.click(`.pc-tabs a:first-child`)
	p.do("wait for the plans", visible(`button[aria-label="Archive plan Basic"]`))
	// Pressed through the DOM: the tab just drawn may still be moving the
	// button, and a click at its old place would hit nothing.
	p.press(`button[aria-label="Archive plan Basic"]`)
	p.submitDialog()
	p.do("wait for the Unarchive button", visible(`button[aria-label="Unarchive plan Basic"]`))
	p.pressWhenShown(".pc-panel[aria-labelledby=pc-plans] .pc-head button")
	p.do("wait for the plan dialog", visible("#pc-f-name"))
	p.edit("#pc-f-name", "Basic")
	p.waitValue("#pc-f-id", "acme-basic")
	p.choose("#pc-f-pricing", "free")
	p.submitDialog()
	p.press(`button[aria-label="Unarchive plan Basic"]`)
	p.waitText(".pc-dialog h2", "Unarchive plan")
	p.press(".pc-dialog button[type=submit]")
	p.waitText(".pc-dialog .pc-general", `Name of plan “Basic”: Plan "basic" of product "acme" is already named "Basic"; give each plan of a product its own name.`)
	p.shotBoth("unarchive-refused")
}

// The console's pages and dialogs fit a 390-pixel-wide screen.
func TestConsoleFitsANarrowScreen(t *testing.T) {
	path := requireBrowser(t)
	deadline := time.Now().Add(consoleTimeout)
	srv := startServer(t)
	p := newPage(t, path, "console-narrow", deadline)
	signInConsole(p, srv, "/console/products/acme")
	p.do("wait for the pricing preview", visible(".pc-preview .portico-plan-button"))
	p.shotBoth("product")
	p.click(`button[aria-label="Edit add-on Extra seats"]`)
	p.do("wait for the add-on editor", visible("#pc-f-stripe-monthly"))
	p.shotBoth("addon-editor")
	p.cancelDialog()
	p.click(`.pc-tabs a[href$="/journey"]`)
	p.do("wait for the journey", visible(".pc-journey"))
	p.shotBoth("journey")
	p.click(`.pc-nav a[href="/console/features"]`)
	p.waitText(".pc-main h1", "Features")
	p.shotBoth("features")
	p.click(`.pc-nav a[href="/console/history"]`)
	p.do("wait for the history", visible(".pc-version"))
	p.shotBoth("history")
	p.click(`.pc-nav a[href="/console"]`)
	p.waitText(".pc-main h1", "Products")
	p.shotBoth("products")
}

// shotBoth saves what the page shows 1280 pixels wide, then 390 wide,
// where nothing may stick out of the screen, and goes back to 1280. A
// dialog is shot as the viewport shows it, a page whole.
func (p *page) shotBoth(name string) {
	p.t.Helper()
	p.shotBothAt(name, "")
}

// shotBothAt is shotBoth with the element matching sel (when not "")
// scrolled to the top at each width: a part of a long dialog.
func (p *page) shotBothAt(name, sel string) {
	p.t.Helper()
	dialog := p.count(".pc-dialog") > 0
	shot := func(suffix string) {
		if sel != "" {
			p.scrollTo(sel)
		}
		if dialog {
			p.shotViewport(suffix)
		} else {
			p.shot(suffix)
		}
	}
	shot(name)
	p.do("narrow the viewport", chromedp.EmulateViewport(390, 844))
	p.until("the narrow layout is drawn", `document.documentElement.clientWidth === 390`)
	if over := eval[[]string](p, "find what sticks out", `(() => {
  const w = document.documentElement.clientWidth, out = [];
  // Inside an element clipped to nothing (a visually hidden table head).
  const hidden = (el) => { for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
    const r = a.getBoundingClientRect(); if (r.width <= 1 && r.height <= 1) return true; } return false; };
  for (const el of document.querySelectorAll("body *")) {
    if (el.closest(".pc-skip, .pc-sr") || hidden(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width > 0 && (r.right > w + 0.5 || r.left < -0.5)) out.push(el.tagName.toLowerCase() + "." + el.className + " " + Math.round(r.left) + "–" + Math.round(r.right));
  }
  return out.slice(0, 8);
})()`); len(over) > 0 {
		p.t.Errorf("%s at 390 pixels: these stick out of the screen: %s", name, strings.Join(over, "; "))
	}
	shot(name + "-390")
	p.do("widen the viewport", chromedp.EmulateViewport(1280, 900))
}
