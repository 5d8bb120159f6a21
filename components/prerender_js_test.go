//go:build js && wasm

package components

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// In the browser the provider starts from the data the server rendered the
// page with: the portal shows at once and is not fetched a second time.
func TestBrowserProviderStartsFromPrerenderedData(t *testing.T) {
	b, _ := json.Marshal(demoPortal())
	doc := app.Window().Get("document")
	el := doc.Call("createElement", "div")
	el.Set("id", prerenderedID)
	el.Call("setAttribute", "data-json", base64.StdEncoding.EncodeToString(b))
	doc.Get("body").Call("appendChild", el)
	defer el.Call("remove")

	src := &fakeSource{portal: demoPortal(), paywall: demoPaywall()}
	e := app.NewTestEngine()
	root := NewPortalProvider(src).Body(NewUsage())
	if err := e.Load(root); err != nil {
		t.Fatal(err)
	}
	e.ConsumeAll()
	html := app.HTMLString(root)
	if !strings.Contains(html, "Seats") || strings.Contains(html, `class="portico-skeleton"`) {
		t.Fatalf("the usage section did not render from prerendered data:\n%s", html)
	}
	for _, call := range src.calls {
		if call == "portal" {
			t.Errorf("the portal was fetched again: %v", src.calls)
		}
	}
}

// Without prerendered data the provider fetches the portal once.
func TestBrowserProviderLoadsWithoutPrerenderedData(t *testing.T) {
	src := &fakeSource{portal: demoPortal(), paywall: demoPaywall()}
	e := app.NewTestEngine()
	root := NewPortalProvider(src).Body(NewUsage())
	if err := e.Load(root); err != nil {
		t.Fatal(err)
	}
	e.ConsumeAll()
	if n := strings.Count(strings.Join(src.calls, ","), "portal"); n != 1 {
		t.Errorf("portal fetched %d times, want 1: %v", n, src.calls)
	}
	if html := app.HTMLString(root); !strings.Contains(html, "API calls") {
		t.Errorf("usage not rendered after loading:\n%s", html)
	}
}

// Back from the billing provider's checkout, the portal says the payment
// is being confirmed and refreshes shortly, to show the change once the
// provider has confirmed it.
func TestBrowserCheckoutReturnSaysSoAndRefreshes(t *testing.T) {
	src := &fakeSource{portal: demoPortal(), paywall: demoPaywall()}
	e := app.NewTestEngine()
	root := NewCustomerPortal(src).CheckoutReturn(true)
	if err := e.Load(root); err != nil {
		t.Fatal(err)
	}
	e.ConsumeAll()
	if html := app.HTMLString(root); !strings.Contains(html, "Payment received.") {
		t.Fatalf("no payment notice:\n%s", html)
	}
	time.Sleep(2500 * time.Millisecond)
	e.ConsumeAll()
	if n := strings.Count(strings.Join(src.calls, ","), "portal"); n < 2 {
		t.Errorf("the portal was loaded %d times after the checkout, want a refresh", n)
	}
}

// The add-ons the plan sells come with the page too: the add-on list shows
// them at once, without reading the plans again.
func TestBrowserProviderStartsFromPrerenderedOffers(t *testing.T) {
	doc := app.Window().Get("document")
	embed := func(id string, v any) app.Value {
		b, _ := json.Marshal(v)
		el := doc.Call("createElement", "div")
		el.Set("id", id)
		el.Call("setAttribute", "data-json", base64.StdEncoding.EncodeToString(b))
		doc.Get("body").Call("appendChild", el)
		return el
	}
	sub := demoPortal().Subscriptions[0]
	defer embed(prerenderedID, demoPortal()).Call("remove")
	defer embed(offersPrerenderedID, map[string]AddonOffer{sub.ID: offerFor(addonsPaywall(), sub)}).Call("remove")

	src := &fakeSource{portal: demoPortal(), paywall: addonsPaywall()}
	e := app.NewTestEngine()
	root := NewPortalProvider(src).Body(NewAddonsList())
	if err := e.Load(root); err != nil {
		t.Fatal(err)
	}
	e.ConsumeAll()
	if html := app.HTMLString(root); !strings.Contains(html, "Extra API calls") || !strings.Contains(html, "portico-add-addon-button") {
		t.Fatalf("the offered add-on is not shown from the prerendered offers:\n%s", html)
	}
	if calls := src.log(); len(calls) != 0 {
		t.Errorf("the client read %v, want nothing: the page carried it all", calls)
	}
}

// In the browser each section starts from what the page carries, the
// provider's settings and data, so the first frame drawn, before any
// dispatch has run, is the page the server drew: not a skeleton, and
// with the provider's prefix and texts.
func TestBrowserSectionsDrawTheirFirstFrameFromThePage(t *testing.T) {
	doc := app.Window().Get("document")
	embed := func(id string, v any) app.Value {
		b, _ := json.Marshal(v)
		el := doc.Call("createElement", "div")
		el.Set("id", id)
		el.Call("setAttribute", "data-json", base64.StdEncoding.EncodeToString(b))
		doc.Get("body").Call("appendChild", el)
		return el
	}
	texts := Texts{"usageTabTitle": "Consumption"}
	defer embed(prerenderedID, demoPortal()).Call("remove")
	defer embed(configPrerenderedID, drawing{Prefix: "acme", Texts: texts}).Call("remove")

	for _, root := range []app.Composer{
		NewPortalProvider(&fakeSource{portal: demoPortal()}).Prefix("acme").Texts(texts).Body(NewUsage()),
		// A section alone reads the page too: it needs no provider for it.
		NewUsage(),
	} {
		e := app.NewTestEngine()
		if err := e.Load(root); err != nil {
			t.Fatal(err)
		}
		html := app.HTMLString(root)
		if strings.Contains(html, `class="acme-skeleton"`) || strings.Contains(html, `class="portico-skeleton"`) || !strings.Contains(html, "Seats") || !strings.Contains(html, "Consumption") ||
			!strings.Contains(html, "acme-usage") || strings.Contains(html, "portico-usage") {
			t.Errorf("the first frame is not the page the server drew:\n%s", html)
		}
		e.ConsumeAll()
	}
}

// The client holds English only: a page drawn in German carries its texts,
// which the provider and its sections keep drawing with once the client
// has taken over: after the provider publishes its own configuration.
func TestBrowserALocaleTheClientLacksIsDrawnFromThePage(t *testing.T) {
	if _, ok := bundles["de"]; ok {
		t.Skip("built with every locale")
	}
	doc := app.Window().Get("document")
	embed := func(id string, v any) app.Value {
		b, _ := json.Marshal(v)
		el := doc.Call("createElement", "div")
		el.Set("id", id)
		el.Call("setAttribute", "data-json", base64.StdEncoding.EncodeToString(b))
		doc.Get("body").Call("appendChild", el)
		return el
	}
	german := Texts{"usageTabTitle": "Nutzung", "nearLimit": "Limit fast erreicht"}
	defer embed(prerenderedID, demoPortal()).Call("remove")
	defer embed(configPrerenderedID, drawing{Locale: "de", Bundle: german}).Call("remove")

	src := &fakeSource{portal: demoPortal()}
	root := NewPortalProvider(src).Locale("de").Body(NewUsage())
	e := app.NewTestEngine()
	if err := e.Load(root); err != nil {
		t.Fatal(err)
	}
	e.ConsumeAll()
	check := func(when string) {
		html := app.HTMLString(root)
		if !strings.Contains(html, "Limit fast erreicht") || strings.Contains(html, "Nearly at the limit") ||
			!strings.Contains(html, `lang="de"`) {
			t.Errorf("%s, the portal is not drawn in German:\n%s", when, html)
		}
	}
	check("once mounted")
}
