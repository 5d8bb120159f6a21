package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// An operator translates a plan into German on the product page; a
// customer whose portal is in German sees the new name in the overview and
// the plans, before and after the client takes over. A name too long is
// refused beside its field, and nothing is saved.
func TestConsoleTranslationsReachTheGermanPortal(t *testing.T) {
	path := requireBrowser(t)
	deadline := time.Now().Add(consoleTimeout)
	srv := startServer(t)
	p := newPage(t, path, "console-translations", deadline)
	signInConsole(p, srv, "/console/products/acme")
	p.do("open the product", chromedp.Navigate(srv.URL+"/console/products/acme"), visible(".pc-panel[aria-labelledby=pc-translations]"))
	p.waitWasm()
	p.shotBothAt("panel", ".pc-panel[aria-labelledby=pc-translations]")
	row := `.pc-panel[aria-labelledby=pc-translations] button[aria-label="Translate the plan Pro"]`
	p.click(row)
	name := "#pc-f-tr-de-name"
	p.do("wait for the editor", visible(name))
	if got := eval[string](p, "read the German name", `document.querySelector("#pc-f-tr-de-name").value`); got != "Pro" {
		t.Fatalf("the German name opened as %q, want the demo's \"Pro\"", got)
	}
	p.shotBoth("dialog")

	p.edit(name, strings.Repeat("x", 201))
	p.frames()
	p.press(".pc-dialog button[type=submit]")
	p.do("wait for the refusal", visible(`#pc-f-tr-de-name[aria-invalid="true"]`))
	if msg := p.text("#pc-f-tr-de-name-error"); !strings.Contains(msg, "200") {
		t.Errorf("the refusal reads %q, want it to give the limit", msg)
	}
	if pro, _ := backendCatalog(t, srv).Plan("pro"); pro.Translations["de"].Name != "Pro" {
		t.Fatalf("a refused edit saved the German name %q", pro.Translations["de"].Name)
	}
	p.edit(name, "Profi")
	p.submitDialog()
	p.waitText(".pc-notice", "saved")
	p.do("wait for the languages", visible(".pc-panel[aria-labelledby=pc-translations] td"))

	// grace is on Pro: her portal in German names it as translated.
	portal := srv.Portal(t, "grace") + "&locale=de"
	p.do("open grace's German portal", chromedp.Navigate(portal), visible(".portico-subscription"))
	if got := p.text(".portico-subscription .portico-plan-name"); !strings.Contains(got, "Profi") {
		t.Errorf("the prerendered German portal names the plan %q, want Profi", got)
	}
	p.waitWasm()
	p.waitPlans()
	if !strings.Contains(p.text(".portico-paywall"), "Profi") {
		t.Errorf("the German plans do not name Pro \"Profi\": %q", p.text(".portico-paywall"))
	}
	p.shotBoth("portal-de")
}
