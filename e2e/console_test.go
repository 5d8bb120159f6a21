package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	portico "github.com/portico-dev/portico"
)

// consoleTimeout bounds the console scenario: it walks every page.
const consoleTimeout = 3 * time.Minute

// choose picks an option of a select as the viewer would: the value, then
// a change event.
func (p *page) choose(sel, v string) {
	p.t.Helper()
	if !eval[bool](p, "choose "+v+" in "+sel, `(() => { const el = document.querySelector(`+js(sel)+`); if (!el) return false;
  el.focus(); el.value = `+js(v)+`; el.dispatchEvent(new Event("change", {bubbles: true})); return true; })()`) {
		p.t.Fatalf("no element matches %s", sel)
	}
	p.frames()
}

// pressWhenShown presses a button once it is shown and the client has
// drawn: a page just opened may still move it (a notice above it), and a
// click at its old place would hit nothing.
func (p *page) pressWhenShown(sel string) {
	p.t.Helper()
	p.do("wait for "+sel, visible(sel))
	p.frames()
	p.press(sel)
}

// frames waits for two animation frames: the client has drawn what the
// last event changed, so what is pressed next is what the viewer sees.
func (p *page) frames() {
	p.t.Helper()
	eval[bool](p, "ask for two frames", `(window.__porticoFrames = false,
  requestAnimationFrame(() => requestAnimationFrame(() => { window.__porticoFrames = true; })), true)`)
	p.until("two frames are drawn", `window.__porticoFrames === true`)
}

// press clicks the first element matching sel through the DOM, wherever
// the layout has moved it.
func (p *page) press(sel string) {
	p.t.Helper()
	p.until("press "+sel, `(() => { const el = document.querySelector(`+js(sel)+`); if (!el) return false;
  el.click(); return true; })()`)
}

// submitDialog presses the open dialog's primary button and waits for the
// dialog to close: the server accepted the change. The button is pressed
// where it is now: a choice or an error just cleared may still be moving
// it, and a click at its old place would hit nothing.
func (p *page) submitDialog() {
	p.t.Helper()
	p.frames()
	p.press(".pc-dialog button[type=submit]")
	p.until("the dialog closes", `document.querySelector(".pc-dialog") === null`, p.showing(".pc-dialog"))
}

// backendCatalog reads the catalog through the backend API with the
// server's key: what the server holds, not what the page shows.
func backendCatalog(t *testing.T, s *server) *portico.Catalog {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/api/v1/catalog", nil)
	req.Header.Set("Authorization", "Bearer "+s.Key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	var c portico.Catalog
	if res.StatusCode != http.StatusOK || json.Unmarshal(body, &c) != nil {
		t.Fatalf("GET /api/v1/catalog: %s %s", res.Status, body)
	}
	return &c
}

// backendEdit changes the catalog through the backend API, as another
// person or program would.
func backendEdit(t *testing.T, s *server, edit func(c *portico.Catalog)) {
	t.Helper()
	c := backendCatalog(t, s)
	edit(c)
	backendPut(t, s, c)
}

// backendPut replaces the catalog through the backend API, as another
// person or program would.
func backendPut(t *testing.T, s *server, c *portico.Catalog) {
	t.Helper()
	body, _ := json.Marshal(c)
	req, _ := http.NewRequest(http.MethodPut, s.URL+"/api/v1/catalog", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+s.Key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("PUT /api/v1/catalog: %s %s", res.Status, b)
	}
}

func TestConsoleManagesACatalogEndToEnd(t *testing.T) {
	path := requireBrowser(t)
	deadline := time.Now().Add(consoleTimeout)
	srv := startServer(t)
	p := newPage(t, path, "console", deadline)
	p.allowConsoleError("401") // the wrong secret
	p.allowConsoleError("422") // the refused currency
	p.allowConsoleError("412") // the save on a stale catalog

	// Sign in: the console sends a visitor without a session to sign in,
	// and a wrong secret is refused beside the field.
	p.do("open the console", chromedp.Navigate(srv.URL+"/console/products/acme"), visible("#pc-secret"))
	p.waitWasm()
	p.shot("sign-in")
	p.edit("#pc-secret", "sk_not_the_key")
	p.click(".pc-signin button[type=submit]")
	p.waitText("#pc-secret-error", "not the secret key")
	p.edit("#pc-secret", srv.Key)
	p.click(".pc-signin button[type=submit]")
	p.waitText(".pc-main h1", "Acme")
	if got := eval[string](p, "read the URL", "location.pathname"); got != "/console/products/acme" {
		t.Errorf("after signing in the console shows %s, want the page asked for", got)
	}
	p.do("wait for the pricing preview", visible(".pc-preview .portico-plan-button"))
	p.shot("product-acme")

	// A product with an ID of its own.
	p.pressWhenShown(".pc-toolbar button:last-child") // + New product
	p.do("wait for the product dialog", visible("#pc-f-name"))
	p.edit("#pc-f-name", "Team Chat")
	p.waitValue("#pc-f-id", "team-chat")
	p.edit("#pc-f-id", "chat")
	p.edit("#pc-f-description", "Messaging for teams.")
	p.shotViewport("new-product")
	p.submitDialog()
	p.waitText(".pc-main h1", "Team Chat")
	p.waitText(".pc-notice", "created")

	// A free plan, then a paid one with monthly and annual prices; a bad
	// currency is refused by the server and shown beside its field.
	p.pressWhenShown(".pc-panel[aria-labelledby=pc-plans] .pc-head button")
	p.do("wait for the plan dialog", visible("#pc-f-name"))
	p.edit("#pc-f-name", "Free")
	// The demo's product has a plan "free" already: IDs are unique across
	// products, so the suggestion names the product.
	p.waitValue("#pc-f-id", "chat-free")
	p.choose("#pc-f-pricing", "free")
	// + Add an entitlement: pressed where it is now, as choosing the pricing
	// above may still be moving it (a click at its old place hits nothing).
	p.press(".pc-dialog .pc-add-row")
	p.do("wait for the entitlement row", visible("#pc-f-ent-0-feature"))
	p.choose("#pc-f-ent-0-feature", "seats")
	p.edit("#pc-f-ent-0-limit", "2")
	p.submitDialog()
	p.waitText(".pc-panel[aria-labelledby=pc-plans] tbody", "Free")

	p.pressWhenShown(".pc-panel[aria-labelledby=pc-plans] .pc-head button")
	p.do("wait for the plan dialog", visible("#pc-f-name"))
	p.edit("#pc-f-name", "Pro")
	p.edit("#pc-f-price-monthly", "29")
	p.edit("#pc-f-price-annually", "290.00")
	p.edit("#pc-f-currency", "dollars")
	p.edit("#pc-f-trialDays", "14")
	p.press(".pc-dialog button[type=submit]")
	p.until("the currency error is shown", `(() => { const e = document.querySelector("#pc-f-currency-error");
  return e && e.textContent.trim() !== "" && document.querySelector("#pc-f-currency").getAttribute("aria-invalid") === "true"; })()`,
		p.showing(".pc-dialog"))
	p.shotViewport("plan-error")
	if c := backendCatalog(t, srv); len(c.PlansOf("chat")) != 1 {
		t.Fatalf("a refused save changed the catalog: chat has %d plans", len(c.PlansOf("chat")))
	}
	p.edit("#pc-f-currency", "usd")
	// The form takes the input before the save: its error goes with it.
	p.until("the currency is taken", `document.querySelector("#pc-f-currency").getAttribute("aria-invalid") !== "true"`, p.showing(".pc-dialog"))
	p.submitDialog()
	p.waitText(".pc-panel[aria-labelledby=pc-plans] tbody", "29.00 USD")

	// An add-on (it must grant something), archived behind a
	// confirmation, then unarchived.
	p.click(".pc-panel[aria-labelledby=pc-addons] .pc-head button")
	p.do("wait for the add-on dialog", visible("#pc-f-name"))
	p.edit("#pc-f-name", "Extra seats")
	p.edit("#pc-f-price-monthly", "5")
	p.press(".pc-dialog .pc-add-row")
	p.do("wait for the entitlement row", visible("#pc-f-ent-0-feature"))
	p.choose("#pc-f-ent-0-feature", "seats")
	p.edit("#pc-f-ent-0-limit", "5")
	p.submitDialog()
	p.waitText(".pc-panel[aria-labelledby=pc-addons] tbody", "Extra seats")
	p.click(`button[aria-label="Archive add-on Extra seats"]`)
	p.waitText(".pc-dialog h2", "Archive add-on")
	p.shotViewport("archive-confirm")
	p.submitDialog()
	p.waitText(".pc-panel[aria-labelledby=pc-addons] tbody", "Archived")
	p.click(`button[aria-label="Unarchive add-on Extra seats"]`)
	p.waitText(".pc-dialog h2", "Unarchive add-on")
	p.shotBoth("unarchive-confirm")
	p.submitDialog()
	p.waitText(".pc-notice", "unarchived")
	p.do("wait for the Archive button", visible(`button[aria-label="Archive add-on Extra seats"]`))
	p.do("wait for the pricing preview", visible(".pc-preview .portico-plan-button"))
	p.shot("product-chat")

	// Metadata: add two rows, then remove one.
	p.click(".pc-panel[aria-labelledby=pc-metadata] .pc-head button")
	p.do("wait for the metadata dialog", visible("#pc-f-meta-0-key"))
	p.edit("#pc-f-meta-0-key", "highlight")
	p.edit("#pc-f-meta-0-value", "pro")
	p.click(".pc-dialog .pc-add-row")
	p.do("wait for the second row", visible("#pc-f-meta-1-key"))
	p.edit("#pc-f-meta-1-key", "tier")
	p.edit("#pc-f-meta-1-value", "beta")
	p.submitDialog()
	p.waitText(".pc-kvs", "tier")
	p.click(".pc-panel[aria-labelledby=pc-metadata] .pc-head button")
	p.do("wait for the metadata dialog", visible("#pc-f-meta-1-key"))
	p.click(`button[aria-label="Remove row 2"]`)
	p.do("wait for the row to go", gone("#pc-f-meta-1-key"))
	p.submitDialog()
	p.until("tier is gone", `!document.querySelector(".pc-kvs").textContent.includes("tier")`, p.showing(".pc-kvs"))

	// The journey starts on a trial of Pro.
	p.click(`.pc-tabs a[href$="/journey"]`)
	p.do("wait for the journey", visible("#pc-f-start-trial"))
	p.click("#pc-f-start-trial")
	p.do("wait for the trial plan picker", visible("#pc-f-trialPlanId"))
	p.choose("#pc-f-trialPlanId", "chat-pro")
	p.press(".pc-journey button[type=submit]")
	p.waitText(".pc-notice", "journey saved")
	p.shot("journey")

	// Everything reads back through the backend API.
	c := backendCatalog(t, srv)
	pr, ok := c.Product("chat")
	if !ok || pr.Name != "Team Chat" || pr.Description != "Messaging for teams." || pr.SubscriptionType != portico.SubscriptionSingle {
		t.Fatalf("product chat = %+v", pr)
	}
	if pr.Journey.Start != portico.StartTrial || pr.Journey.TrialPlanID != "chat-pro" || pr.Journey.Downgrade != portico.Immediate {
		t.Errorf("journey = %+v, want a trial of pro and the default rules", pr.Journey)
	}
	if len(pr.Metadata) != 1 || pr.Metadata["highlight"] != "pro" {
		t.Errorf("metadata = %v, want highlight=pro", pr.Metadata)
	}
	plans := c.PlansOf("chat")
	if len(plans) != 2 {
		t.Fatalf("chat's plans = %+v", plans)
	}
	free, pro := plans[0], plans[1]
	if free.Pricing != portico.PricingFree || len(free.Entitlements) != 1 || free.Entitlements[0] != (portico.Entitlement{FeatureID: "seats", Limit: 2}) {
		t.Errorf("free plan = %+v", free)
	}
	m, _ := pro.PriceFor(portico.Monthly, "usd")
	a, _ := pro.PriceFor(portico.Annually, "usd")
	if free.ID != "chat-free" || pro.ID != "chat-pro" || m.Amount != 2900 || a.Amount != 29000 || m.Currency != "usd" || pro.TrialDays != 14 {
		t.Errorf("paid plan = %+v", pro)
	}
	var addon portico.Addon
	for _, x := range c.Addons {
		if x.ProductID == "chat" {
			addon = x
		}
	}
	if addon.Name != "Extra seats" || addon.Archived || len(addon.Entitlements) != 1 {
		t.Errorf("add-on = %+v, want Extra seats granting seats, unarchived", addon)
	}

	// The products list and the features, as the nav leads to them.
	p.click(`.pc-crumbs a`)
	p.waitText(".pc-main h1", "Products")
	p.waitText(".pc-table tbody", "Team Chat")
	p.shot("products")
	p.click(`.pc-nav a[href="/console/features"]`)
	p.waitText(".pc-main h1", "Features")
	p.shot("features")

	// The history lists each change; restoring the version with two
	// metadata rows brings the second back.
	p.click(`.pc-nav a[href="/console/history"]`)
	p.do("wait for the history", visible(".pc-version"))
	p.shot("history")
	versions := p.texts(".pc-version h2")
	if !strings.Contains(versions[0], "Current") {
		t.Errorf("the newest version is not marked current: %q", versions[0])
	}
	var restore string
	for _, id := range eval[[]string](p, "list the versions", `Array.from(document.querySelectorAll(".pc-version"), (el) => el.id)`) {
		if strings.Contains(p.text("#"+id+" .pc-changes"), `→ {"highlight":"pro","tier":"beta"}`) {
			restore = id
			break
		}
	}
	if restore == "" {
		t.Fatal("no version shows the tier metadata being added")
	}
	p.click("#" + restore + " .pc-head button")
	p.waitText(".pc-dialog h2", "Restore version")
	p.submitDialog()
	p.waitText(".pc-notice", "restored")
	p.waitText(".pc-version h2", "Current")
	if got := backendCatalog(t, srv); func() string { pr, _ := got.Product("chat"); return pr.Metadata["tier"] }() != "beta" {
		t.Errorf("after restoring, the API's catalog has no tier metadata")
	}
	// The restore put the journey back as it was then, too: it was saved
	// after this version.
	if pr, _ := backendCatalog(t, srv).Product("chat"); pr.Journey.Start != portico.StartPricingTable {
		t.Errorf("after restoring, the journey starts with %q, want the version's pricing_table", pr.Journey.Start)
	}

	// A save made on a catalog that someone else changed meanwhile is made
	// on their version: both changes are kept.
	p.do("open the product", chromedp.Navigate(srv.URL+"/console/products/chat"), visible(".pc-panel[aria-labelledby=pc-metadata]"))
	p.waitWasm()
	p.waitText(".pc-main h1", "Team Chat")
	backendEdit(t, srv, func(c *portico.Catalog) {
		for i := range c.Products {
			if c.Products[i].ID == "chat" {
				c.Products[i].Description = "Changed by someone else."
			}
		}
	})
	p.click(".pc-panel[aria-labelledby=pc-metadata] .pc-head button")
	p.do("wait for the metadata dialog", visible("#pc-f-meta-0-value"))
	p.edit("#pc-f-meta-0-value", "mine")
	p.submitDialog()
	p.waitText(".pc-kvs", "mine")
	p.waitText(".pc-main", "Changed by someone else.")
	if pr, _ := backendCatalog(t, srv).Product("chat"); pr.Metadata["highlight"] != "mine" || pr.Description != "Changed by someone else." {
		t.Errorf("a save overtaken by another gave %v %q, want both changes", pr.Metadata, pr.Description)
	}

	// When both changed the same field, the console shows both versions
	// and saves the one chosen.
	p.click(".pc-panel[aria-labelledby=pc-metadata] .pc-head button")
	p.do("wait for the metadata dialog", visible("#pc-f-meta-0-value"))
	backendEdit(t, srv, func(c *portico.Catalog) {
		for i := range c.Products {
			if c.Products[i].ID == "chat" {
				c.Products[i].Metadata["highlight"] = "theirs"
			}
		}
	})
	p.edit("#pc-f-meta-0-value", "ours")
	p.press(".pc-dialog button[type=submit]")
	p.waitText(".pc-dialog h2", "Someone else changed this too")
	p.waitText(".pc-dialog .pc-conflict", `Metadata “highlight” of product “Team Chat”`)
	p.waitText(".pc-dialog .pc-conflict", `Yours: “ours”`)
	p.waitText(".pc-dialog .pc-conflict", `Theirs: “theirs”`)
	p.shotBoth("conflict")
	if pr, _ := backendCatalog(t, srv).Product("chat"); pr.Metadata["highlight"] != "theirs" {
		t.Errorf("a conflict saved %q before the operator chose", pr.Metadata["highlight"])
	}
	// Saving without a choice is refused beside the field.
	p.press(".pc-dialog button[type=submit]")
	p.waitText("#pc-f-conflict-0-error", "Choose the version to keep.")
	p.press("#pc-f-conflict-0-mine")
	p.submitDialog()
	p.waitText(".pc-kvs", "ours")
	if pr, _ := backendCatalog(t, srv).Product("chat"); pr.Metadata["highlight"] != "ours" {
		t.Errorf("after choosing ours, highlight = %q", pr.Metadata["highlight"])
	}

	// Signing out closes the console.
	p.click(".pc-top button")
	p.do("wait for the sign-in page", visible("#pc-secret"))
	p.do("open a console page", chromedp.Navigate(srv.URL+"/console/history"), visible("#pc-secret"))
}
