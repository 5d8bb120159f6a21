package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The designer warns beside a colour whose text falls under WCAG AA's
// contrast, and its suggestion, taken with the keyboard, sets the colour,
// restyles the preview and clears the warning.
func TestDesignerWarnsOfLowContrast(t *testing.T) {
	p, srv := begin(t, "designer-contrast")
	openDesigner(p, srv.URL+"/designer")
	field, warning := "#pd-palette-success", "#pd-palette-success-contrast"
	p.edit(field, "#34d399")
	p.waitText(warning, "Contrast 1.74:1, under the 4.5:1 text needs, for active, paid and saving badges")
	suggest := eval[string](p, "read the suggestion", `document.querySelector(`+js(warning+" .pd-suggest")+`).dataset.value`)
	for _, w := range axeWidths {
		p.do("resize to "+w.name+" px", chromedp.EmulateViewport(w.width, w.height))
		p.until("scroll to the warning", `(() => { const el = document.querySelector(`+js(warning)+`);
  el.scrollIntoView({block: "center"}); return true; })()`)
		p.shotViewport("warning-" + w.name)
	}
	p.do("resize to 1280 px", chromedp.EmulateViewport(1280, 900))

	p.do("focus the colour's field", chromedp.Focus(chromedp.CSS(field)))
	p.key("press Tab", kb.Tab)
	p.until("Tab reaches the suggestion", focusOn(warning+" .pd-suggest"), p.focused())
	p.key("press Enter", kb.Enter)
	p.do("the warning goes", gone(warning))
	p.waitValue(field, suggest)
	p.until("the focus is back on the colour's field", focusOn(field), p.focused())
	badge := designerPreview + " .portico-status-badge"
	if got, want := eval[string](p, "read the badge's colour", `getComputedStyle(document.querySelector(`+js(badge)+`)).color`), rgbOf(suggest); got != want {
		t.Errorf("the preview's badge is %s, want the suggestion %s (%s)", got, suggest, want)
	}
	if got := p.text(designerStatus); !strings.Contains(got, "palette.success set to "+suggest) {
		t.Errorf("status %q", got)
	}
}

// rgbOf is a #rrggbb colour as getComputedStyle writes it.
func rgbOf(hex string) string {
	var r, g, b int
	fmt.Sscanf(hex, "#%02x%02x%02x", &r, &g, &b)
	return fmt.Sprintf("rgb(%d, %d, %d)", r, g, b)
}
