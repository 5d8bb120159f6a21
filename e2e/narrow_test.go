package e2e

import (
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// outsideSections lists what does not fit in its section: an element
// drawn past the section's edges (a badge pushed out of its row), or a
// section whose content has to be scrolled sideways (a wide table).
const outsideSections = `(() => {
  const out = [];
  const name = (el) => el.tagName.toLowerCase() + (el.className ? "." + String(el.className).trim().split(/\s+/).join(".") : "");
  for (const sec of document.querySelectorAll(".portico-section")) {
    const box = sec.getBoundingClientRect();
    if (sec.scrollWidth > sec.clientWidth + 1) out.push(name(sec) + " scrolls sideways (" + sec.scrollWidth + " px in " + sec.clientWidth + ")");
    for (const el of sec.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && (r.right > box.right + 0.5 || r.left < box.left - 0.5)) {
        out.push(name(el) + " spans " + Math.round(r.left) + "–" + Math.round(r.right) + " px in a section spanning " + Math.round(box.left) + "–" + Math.round(box.right));
      }
    }
  }
  return out.slice(0, 12);
})()`

// On a phone nothing is wider than the screen: no section, badge or table
// makes the page scroll sideways, for any demo customer, before and after
// the client takes over.
func TestPortalFitsAPhone(t *testing.T) {
	browser, srv := begin(t, "phone")
	browser.do("set a phone's viewport", chromedp.EmulateViewport(phoneWidth, 844))
	customers := make([]string, 0, len(srv.Portals))
	for id := range srv.Portals {
		customers = append(customers, id)
	}
	slices.Sort(customers)
	for _, id := range customers {
		t.Run(id, func(t *testing.T) {
			p := browser.sub(t, "phone-"+id)
			p.open(srv.Portal(t, id))
			p.waitWasm()
			p.waitPlans()
			if width := eval[int](p, "read the page's width", `document.documentElement.scrollWidth`); width > phoneWidth {
				t.Errorf("the page is %d px wide on a %d px screen", width, phoneWidth)
			}
			if out := eval[[]string](p, "list what does not fit its section", outsideSections); len(out) > 0 {
				t.Errorf("on a %d px screen:\n  %s", phoneWidth, strings.Join(out, "\n  "))
			}
			p.shot("")
		})
	}
}
