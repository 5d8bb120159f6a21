package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Scenario: the start page, styled (its CSP admits its stylesheet, and
// the page logs no error), links the console, the designer and a portal
// for each demo customer; a demo link opens that customer's portal.
// Screenshots at 1280 and 390 px wide.
func TestStartPageOpensTheDemoPortals(t *testing.T) {
	p, srv := begin(t, "start")
	p.do("open the start page", chromedp.Navigate(srv.URL+"/"), visible("h1"))
	for _, sel := range []string{`a[href="/console"]`, `a[href="/designer"]`, `a[href="/theme.schema.json"]`} {
		if p.count(sel) != 1 {
			t.Errorf("the start page has no %s", sel)
		}
	}
	if n := p.count(`table a[href^="/portal?session="]`); n != len(srv.Portals) {
		t.Errorf("the start page links %d demo portals, want %d", n, len(srv.Portals))
	}
	radius := eval[string](p, "read the cards' style", `getComputedStyle(document.querySelector(".cards a")).borderTopLeftRadius`)
	if radius != "12px" {
		t.Errorf("the cards' corner radius is %q: the stylesheet did not apply", radius)
	}
	p.shot("1280")
	p.do("narrow the viewport", chromedp.EmulateViewport(390, 844))
	p.shot("390")

	p.click(`table tr:first-child a`) // ada, on the free plan
	p.do("wait for the portal", visible(overview))
	p.waitText(overviewPlan, "Free")
}

// Scenario: the designer's preview shows today's dates, and dark mode keeps
// the brand colour set for the light palette. Screenshots at 1280 and 390
// px wide.
func TestDesignerIsCurrentAndKeepsTheBrandInDarkMode(t *testing.T) {
	p, srv := begin(t, "designer-current")
	openDesigner(p, srv.URL+"/designer")
	today := time.Now().UTC()
	invoices := p.text(".pd-stage .portico-invoices-table")
	if !strings.Contains(invoices, dateOf(today)) && !strings.Contains(invoices, dateOf(today.AddDate(0, 0, -1))) {
		t.Errorf("the preview's invoices are not of today (%s): %q", dateOf(today), invoices)
	}
	p.edit(designerPrimary, "#e11d48")
	p.waitBackground(previewPrimary, "rgb(225, 29, 72)")
	p.click(`input[name="pd-mode"][value="dark"] + span`)
	p.waitBackground(".pd-stage", "rgb(11, 16, 32)") // the dark palette's background
	p.waitBackground(previewPrimary, "rgb(225, 29, 72)")
	p.waitValue("#pd-dark-primary", "#e11d48")
	p.shot("1280")
	p.do("narrow the viewport", chromedp.EmulateViewport(390, 844))
	p.shot("390")
}

// dateOf is a day as the portal writes it in English: "Jan 2, 2026".
func dateOf(t time.Time) string { return t.Format("Jan 2, 2006") }
