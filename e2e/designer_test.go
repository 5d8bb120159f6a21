package e2e

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Selectors of the theme designer.
const (
	designerPrimary  = "#pd-palette-primary"
	previewPrimary   = ".pd-stage .portico-button-primary"
	designerExport   = "#pd-export"
	designerLink     = "#pd-link"
	designerStatus   = ".pd-status"
	designerPreview  = ".pd-stage .portico-root"
	designerStateSel = "#pd-state"
)

// openDesigner opens the designer at url and waits for the wasm client to
// run it and for the preview to show the portal's sections.
func openDesigner(p *page, url string) {
	p.t.Helper()
	p.do("open "+url, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(".pd-panel")))
	p.waitWasm()
	p.do("wait for the preview", visible(designerPreview+" .portico-section"))
}

// edit types v into a field as the viewer would: the value, then an input
// event.
func (p *page) edit(sel, v string) {
	p.t.Helper()
	if !eval[bool](p, "edit "+sel, `(() => { const el = document.querySelector(`+js(sel)+`); if (!el) return false;
  el.focus(); el.value = `+js(v)+`; el.dispatchEvent(new Event("input", {bubbles: true})); return true; })()`) {
		p.t.Fatalf("no element matches %s", sel)
	}
}

// background is the computed background colour of the first element
// matching sel.
func (p *page) background(sel string) string {
	p.t.Helper()
	v := eval[*string](p, "read the background of "+sel, `(() => { const el = document.querySelector(`+js(sel)+`);
  return el ? getComputedStyle(el).backgroundColor : null; })()`)
	if v == nil {
		p.t.Fatalf("no element matches %s", sel)
	}
	return *v
}

// waitBackground waits until the first element matching sel has the
// background colour want.
func (p *page) waitBackground(sel, want string) {
	p.t.Helper()
	p.until(sel+" has the background "+want, `(() => { const el = document.querySelector(`+js(sel)+`);
  return el && getComputedStyle(el).backgroundColor === `+js(want)+`; })()`,
		func() string { return "it is " + p.background(sel) })
}

// value is the value of the field matching sel.
func (p *page) value(sel string) string {
	p.t.Helper()
	v := eval[*string](p, "read the value of "+sel, `(() => { const el = document.querySelector(`+js(sel)+`);
  return el ? el.value : null; })()`)
	if v == nil {
		p.t.Fatalf("no element matches %s", sel)
	}
	return *v
}

// waitValue waits until the field matching sel holds want: the client
// handles an input event a moment after it is dispatched.
func (p *page) waitValue(sel, want string) {
	p.t.Helper()
	p.until(sel+" holds "+want, `(() => { const el = document.querySelector(`+js(sel)+`);
  return el !== null && el.value === `+js(want)+`; })()`,
		func() string { return "it holds " + p.value(sel) })
}

// exported is the theme JSON the designer exports, decoded.
func (p *page) exported() map[string]any {
	p.t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(p.value(designerExport)), &m); err != nil {
		p.t.Fatalf("the exported theme is not JSON: %v\n%s", err, p.value(designerExport))
	}
	return m
}

// Scenario: the designer opens on the server's theme with every control
// labelled, and a new primary colour, typed or picked, restyles the
// preview's primary buttons at once.
func TestDesignerPrimaryColour(t *testing.T) {
	p, srv := begin(t, "designer")
	openDesigner(p, srv.URL+"/designer")
	if got := eval[string](p, "read the title", `document.title`); !strings.Contains(got, "Theme designer") {
		t.Errorf("title = %q", got)
	}
	// Every control is labelled.
	if unlabelled := eval[[]string](p, "find unlabelled controls", `Array.from(document.querySelectorAll(
  ".pd-panel input, .pd-panel select, .pd-panel textarea, .pd-bar input, .pd-bar select"))
  .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute("aria-label")).map((el) => el.outerHTML)`); len(unlabelled) > 0 {
		t.Errorf("controls without a label:\n%s", strings.Join(unlabelled, "\n"))
	}
	p.shot("start")
	if got := p.background(previewPrimary); got != "rgb(79, 70, 229)" {
		t.Errorf("primary button starts as %s, want the default theme's rgb(79, 70, 229)", got)
	}
	p.edit(designerPrimary, "#e11d48")
	p.waitBackground(previewPrimary, "rgb(225, 29, 72)")
	if got := p.value(".pd-row:has(" + designerPrimary + ") .pd-swatch"); got != "#e11d48" {
		t.Errorf("colour picker = %q, want #e11d48", got)
	}
	// The picker changes the value too.
	p.edit(".pd-row:has("+designerPrimary+") .pd-swatch", "#0f766e")
	p.waitBackground(previewPrimary, "rgb(15, 118, 110)")
	if got := p.value(designerPrimary); got != "#0f766e" {
		t.Errorf("text field = %q after the picker, want #0f766e", got)
	}
	// Any colour the theme accepts, such as a name.
	p.edit(designerPrimary, "crimson")
	p.waitBackground(previewPrimary, "rgb(220, 20, 60)")
	if got := p.value(".pd-row:has(" + designerPrimary + ") .pd-swatch"); got != "#dc143c" {
		t.Errorf("colour picker = %q for crimson, want #dc143c", got)
	}
	p.shot("")
}

// Scenario: an invalid value stays in its field, flagged beside it, while
// the preview and the export keep the last good value.
func TestDesignerInvalidValue(t *testing.T) {
	p, srv := begin(t, "designer-invalid")
	openDesigner(p, srv.URL+"/designer")
	p.edit(designerPrimary, "#e11d48")
	p.waitBackground(previewPrimary, "rgb(225, 29, 72)")
	p.edit(designerPrimary, "not-a-colour")
	p.waitText(designerPrimary+"-error", "not a colour")
	if got := eval[string](p, "read aria-invalid", `document.querySelector(`+js(designerPrimary)+`).getAttribute("aria-invalid")`); got != "true" {
		t.Errorf("aria-invalid = %q, want true", got)
	}
	if got := eval[string](p, "read aria-describedby", `document.querySelector(`+js(designerPrimary)+`).getAttribute("aria-describedby")`); got != "pd-palette-primary-error" {
		t.Errorf("aria-describedby = %q, want the error's ID", got)
	}
	if got := p.value(designerPrimary); got != "not-a-colour" {
		t.Errorf("the field holds %q, want what was typed", got)
	}
	if got := p.background(previewPrimary); got != "rgb(225, 29, 72)" {
		t.Errorf("the preview's primary is %s, want the last good value rgb(225, 29, 72)", got)
	}
	if got := p.exported()["palette"].(map[string]any)["primary"]; got != "#e11d48" {
		t.Errorf("the export's primary = %v, want the last good value", got)
	}
	// A length too, and the message goes once the value is fixed.
	p.edit("#pd-radius", "round")
	p.waitText("#pd-radius-error", "not a length")
	p.shot("")
	p.edit("#pd-radius", "4px")
	p.do("clear the radius error", gone("#pd-radius-error"))
	if got := eval[string](p, "read the section radius", `getComputedStyle(document.querySelector(".pd-stage .portico-section")).borderTopLeftRadius`); got != "4px" {
		t.Errorf("section radius = %s, want 4px", got)
	}
	p.edit(designerPrimary, "#4f46e5")
	p.do("clear the primary error", gone(designerPrimary+"-error"))
}

// Scenario: the preview switches between the widgets and the demo
// customer states, and its actions answer that they are a preview.
func TestDesignerWidgetsAndStates(t *testing.T) {
	p, srv := begin(t, "designer-switch")
	openDesigner(p, srv.URL+"/designer")
	if p.count(".pd-stage .portico-subscription-overview") != 1 {
		t.Fatal("the full portal does not show the subscription overview")
	}
	p.click(`.pd-bar input[value="paywall"] + span`)
	p.do("show the paywall alone", gone(".pd-stage .portico-subscription-overview"), visible(".pd-stage .portico-paywall .portico-plan-card"))
	if got := p.text(".pd-stage .portico-current-plan .portico-plan-name"); got != "Basic" {
		t.Errorf("current plan = %q, want Basic (the first state)", got)
	}
	p.edit(designerStateSel, "free")
	p.waitText(".pd-stage .portico-current-plan .portico-plan-name", "Free")
	// An action answers that this is a preview.
	p.click(".pd-stage .portico-plan-card.portico-basic .portico-plan-button")
	p.do("show the confirm step", visible(".pd-stage .portico-confirm-dialog .portico-preview"))
	p.shotViewport("dialog")
	p.click(".pd-stage .portico-confirm-dialog .portico-confirm-button:not([disabled])")
	p.waitText(".pd-stage .portico-confirm-dialog .portico-error", "This is a preview")
	p.click(".pd-stage .portico-confirm-dialog .portico-back-button")
	p.do("close the confirm step", gone(".pd-stage .portico-confirm-dialog"))

	p.click(`.pd-bar input[value="usage"] + span`)
	p.edit(designerStateSel, "limit")
	p.do("show the usage at its limit", visible(".pd-stage .portico-usage .portico-usage-at-limit"),
		visible(".pd-stage .portico-usage .portico-usage-near-limit"))
	if p.count(".pd-stage .portico-paywall") != 0 {
		t.Error("the usage widget shows the paywall")
	}
	p.shot("usage")
	p.click(`.pd-bar input[value="portal"] + span`)
	p.edit(designerStateSel, "downgrade")
	p.waitText(".pd-stage .portico-scheduled-update-banner", "Basic")
	p.edit(designerStateSel, "paid")
	p.do("show the paid state", visible(".pd-stage .portico-addon-row"))
}

// Scenario: the exported theme, imported back, gives the same theme;
// unreadable JSON changes nothing, and invalid values are flagged.
func TestDesignerExportImport(t *testing.T) {
	p, srv := begin(t, "designer-import")
	openDesigner(p, srv.URL+"/designer")
	p.edit(designerPrimary, "#7c3aed")
	p.edit("#pd-dark-primary", "#c4b5fd")
	// A preset fills the field.
	p.edit(`select[aria-label="Card shadow presets"]`, "0 4px 12px rgba(16,24,40,.12)")
	p.waitValue("#pd-shadows-card", "0 4px 12px rgba(16,24,40,.12)")
	p.edit("#pd-typography-fontFamily", "Georgia, serif")
	p.edit("#pd-customCss", ".portico-plan-card { outline: 1px dashed #7c3aed; }")
	p.click(`input[name="pd-mode"][value="dark"] + span`)
	p.waitBackground(previewPrimary, "rgb(196, 181, 253)")
	if !eval[bool](p, "read whether the dark palette is open", `document.querySelector("#pd-dark-primary").checkVisibility()`) {
		t.Error("the dark palette's controls are hidden in dark mode")
	}
	exported := p.exported()
	// The download holds the same file.
	href := eval[string](p, "read the download link", `document.querySelector("#pd-download").href`)
	body, ok := strings.CutPrefix(href, "data:application/json;charset=utf-8,")
	if !ok {
		t.Fatalf("download link = %.60s…, want a JSON data URL", href)
	}
	file := eval[string](p, "decode the download", `decodeURIComponent(`+js(body)+`)`)
	var downloaded map[string]any
	if err := json.Unmarshal([]byte(file), &downloaded); err != nil || !reflect.DeepEqual(downloaded, exported) {
		t.Errorf("the download (%v) differs from the export:\n%s\n%s", err, file, p.value(designerExport))
	}

	p.click(`[data-action="reset"]`)
	p.waitBackground(previewPrimary, "rgb(79, 70, 229)")
	if got := p.value("#pd-customCss"); got != "" {
		t.Errorf("custom CSS after reset = %q, want none", got)
	}

	// Unreadable JSON changes nothing and says why.
	p.edit("#pd-import", `{"palette": {"primary": 12}}`)
	p.click(`[data-action="import"]`)
	p.waitText("#pd-import-errors", "palette.primary: must be a string")
	if got := p.background(previewPrimary); got != "rgb(79, 70, 229)" {
		t.Errorf("an unreadable import changed the preview to %s", got)
	}

	b, _ := json.Marshal(exported)
	p.edit("#pd-import", string(b))
	p.click(`[data-action="import"]`)
	p.waitBackground(previewPrimary, "rgb(196, 181, 253)")
	if got := p.exported(); !reflect.DeepEqual(got, exported) {
		t.Errorf("export after import differs:\n got %v\nwant %v", got, exported)
	}
	if n := p.count("#pd-import-errors li"); n != 0 {
		t.Errorf("%d import errors after a good import", n)
	}
	if got := p.value("#pd-typography-fontFamily"); got != "Georgia, serif" {
		t.Errorf("font family field = %q after import", got)
	}
	if got := eval[string](p, "read the preview font", `getComputedStyle(document.querySelector(".pd-stage .portico-root")).fontFamily`); got != "Georgia, serif" {
		t.Errorf("preview font = %q", got)
	}
	p.shot("")

	// A readable theme with a bad value: the rest applies, the bad one is flagged.
	p.edit("#pd-import", `{"palette": {"primary": "#0f766e", "surface": "paper"}}`)
	p.click(`[data-action="import"]`)
	p.waitText("#pd-import-errors", "palette.surface")
	p.waitText("#pd-palette-surface-error", "not a colour")
	if got := p.value("#pd-palette-surface"); got != "paper" {
		t.Errorf("the surface field holds %q, want the imported value, flagged", got)
	}
}

// Scenario: the link in the address bar and the link field, opened
// afresh, restores the theme, the widget and the customer state.
func TestDesignerSharedLink(t *testing.T) {
	p, srv := begin(t, "designer-link")
	openDesigner(p, srv.URL+"/designer")
	p.edit("#pd-import", `{"mode": "light", "palette": {"primary": "#b45309"}, "radius": "2px", "typography": {"fontSize": "17px"}}`)
	p.click(`[data-action="import"]`)
	p.waitBackground(previewPrimary, "rgb(180, 83, 9)")
	p.click(`.pd-bar input[value="paywall"] + span`)
	p.edit(designerStateSel, "free")
	p.waitText(".pd-stage .portico-current-plan .portico-plan-name", "Free")
	want := p.exported()
	link := p.value(designerLink)
	if here := eval[string](p, "read the address", `location.href`); here != link {
		t.Errorf("the address bar (%s) does not follow the link field (%s)", here, link)
	}
	if !strings.HasPrefix(link, srv.URL+"/designer#") || !strings.Contains(link, "theme=") {
		t.Fatalf("link = %q, want %s/designer#…theme=…", link, srv.URL)
	}
	p.click(`[data-action="link"]`)
	p.until("the copy is reported", `document.querySelector(`+js(designerStatus)+`).textContent !== ""`)

	p.do("leave the page", chromedp.Navigate("about:blank"))
	openDesigner(p, link)
	if got := p.exported(); !reflect.DeepEqual(got, want) {
		t.Errorf("the link restored another theme:\n got %v\nwant %v", got, want)
	}
	p.waitBackground(previewPrimary, "rgb(180, 83, 9)")
	if got := p.value(designerStateSel); got != "free" {
		t.Errorf("customer state = %q, want free", got)
	}
	if p.count(".pd-stage .portico-subscription-overview") != 0 || p.count(".pd-stage .portico-paywall") != 1 {
		t.Error("the link did not restore the paywall widget")
	}
	if got := p.text(".pd-stage .portico-current-plan .portico-plan-name"); got != "Free" {
		t.Errorf("current plan = %q, want the free state's Free", got)
	}
	p.shot("")
	p.do("narrow the viewport", chromedp.EmulateViewport(390, 844))
	p.shot("narrow")
}
