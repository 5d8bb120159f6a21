package e2e

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// reflowWidths are WCAG 1.4.10's 320 CSS pixels (a 1280 px window at 400 %
// zoom) and a 1280 px window at 200 % zoom.
var reflowWidths = []int64{320, 640}

// widerThanWindow is a JavaScript expression listing what makes the page
// scroll sideways: the page when wider than the window, an element that
// reaches past the window's right edge, a box whose content scrolls
// sideways. (An element left of the window, such as a skip link waiting
// for the focus, makes nothing scroll.)
const widerThanWindow = `(() => {
  const out = new Set(), w = document.documentElement.clientWidth;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (typeof el.className === "string" && el.className.trim() ? "." + el.className.trim().split(/\s+/).join(".") : "");
  if (document.documentElement.scrollWidth > w) out.add("the page is " + document.documentElement.scrollWidth + " px wide");
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const ox = getComputedStyle(el).overflowX;
    if ((ox === "auto" || ox === "scroll") && el.scrollWidth > el.clientWidth + 1) out.add(name(el) + " scrolls sideways");
    let boxed = false;
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== "visible") { boxed = true; break; }
    }
    if (!boxed && r.right > w + 0.5) out.add(name(el) + " reaches " + Math.round(r.right) + " px");
  }
  return Array.from(out).slice(0, 10);
})()`

// checkReflow fails the test with whatever makes the page scroll sideways
// at each reflow width; it leaves the page at 1280 px.
func (p *page) checkReflow(state string) {
	p.t.Helper()
	for _, w := range reflowWidths {
		p.do(fmt.Sprintf("resize to %d px", w), chromedp.EmulateViewport(w, 640))
		p.frames()
		if out := eval[[]string](p, "list what is wider than the window", widerThanWindow); len(out) > 0 {
			p.t.Errorf("%s at %d px scrolls sideways:\n  %s", state, w, strings.Join(out, "\n  "))
		}
	}
	p.do("resize to 1280 px", chromedp.EmulateViewport(1280, 900))
}

// Content reflows (WCAG 1.4.10): at 320 CSS pixels, as a 1280 px window at
// 400 % zoom shows it, and at 200 % zoom, nothing needs a sideways scroll,
// on any demo customer's portal, in a dialog, in the console or the
// designer.
func TestPagesReflowAt320px(t *testing.T) {
	path := requireBrowser(t)
	srv := startServer(t)
	p := newPage(t, path, "reflow", time.Now().Add(4*time.Minute))
	// The check finds what is too wide: a fixed-width element added to a page.
	p.do("open the start page", chromedp.Navigate(srv.URL+"/"), visible("main"), chromedp.EmulateViewport(320, 640))
	eval[bool](p, "add a wide element", `(() => { const d = document.createElement("div"); d.id = "too-wide";
  d.style.cssText = "width: 500px; height: 10px"; document.querySelector("main").append(d); return true; })()`)
	if out := strings.Join(eval[[]string](p, "list what is wider than the window", widerThanWindow), " "); !strings.Contains(out, "div#too-wide reaches") {
		t.Errorf("a 500 px element at 320 px is not reported: %q", out)
	}
	p.do("resize to 1280 px", chromedp.EmulateViewport(1280, 900))
	ids := make([]string, 0, len(srv.Portals))
	for id := range srv.Portals {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		p.open(srv.Portal(t, id))
		p.portalReady()
		p.checkReflow("the portal of " + id)
	}
	// The last is radia's: the platform's plans, then Team's confirm step.
	p.click(".portico-product-switch .portico-period-option:not(.portico-period-option-selected)")
	p.do("the platform's plans show", visible(planButton("platform-team")))
	p.waitPlans()
	p.click(planButton("platform-team"))
	p.do("the confirm step opens", visible(dialog+" .portico-preview"))
	p.checkReflow("the confirm dialog with steppers")
	for _, page := range []string{"paywall", "usage"} {
		p.open(strings.Replace(srv.Portal(t, "grace"), "/portal?", "/embed/"+page+"?", 1))
		p.waitWasm()
		p.checkReflow("the embedded " + page)
	}
	openDesigner(p, srv.URL+"/designer")
	p.checkReflow("the designer")
	signInConsole(p, srv, "/console/products/platform")
	p.do("wait for the pricing preview", visible(".pc-preview .portico-plan-button"))
	p.checkReflow("the console's product")
	p.click(`button[aria-label="Edit plan Team"]`)
	p.do("wait for the tier table", visible("#pc-f-charge-0-monthly-tier-1-unit"))
	p.checkReflow("the console's plan editor")
}

// A viewer who asks for less motion gets none: no transition, no
// animation, in the portal as in its loading bar; others keep them.
func TestReducedMotionStopsTransitions(t *testing.T) {
	p, srv := begin(t, "reduced-motion")
	motion := `(() => { const b = getComputedStyle(document.querySelector(".portico-button"));
  return b.transitionDuration.split(",").some((d) => parseFloat(d) > 0); })()`
	p.open(srv.Portal(t, "grace"))
	p.portalReady()
	if !eval[bool](p, "read a button's transition", motion) {
		t.Fatal("buttons have no transition even without reduced motion: the check below proves nothing")
	}
	if _, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}}}); err != nil {
		t.Fatal(err)
	}
	wait, release := p.holdWasm()
	p.open(srv.Portal(t, "grace"))
	wait()
	if n := eval[int](p, "count the running animations", `document.getAnimations().filter((a) => a.playState === "running").length`); n != 0 {
		t.Errorf("%d animations run while the client loads under reduced motion", n)
	}
	release()
	p.portalReady()
	if eval[bool](p, "read a button's transition", motion) {
		t.Error("buttons keep their transition under reduced motion")
	}
	if got := eval[string](p, "read the usage bar's transition", `getComputedStyle(document.querySelector(".portico-usage-bar-fill")).transitionDuration`); got != "0s" {
		t.Errorf("the usage bar's transition lasts %s under reduced motion", got)
	}
}

// textSpacing is WCAG 1.4.12's test style: line height 1.5, paragraphs
// 2 em apart, letters 0.12 em and words 0.16 em apart. It reports whether
// the page took it (a page's CSP may refuse a style added to it).
const textSpacing = `(() => { const s = document.createElement("style"); s.id = "text-spacing";
  s.textContent = "* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }";
  document.head.append(s); return getComputedStyle(document.body).letterSpacing !== "normal"; })()`

// widenTextSpacing applies textSpacing; the test fails if the page refuses it.
func (p *page) widenTextSpacing() {
	p.t.Helper()
	if !eval[bool](p, "widen the text spacing", textSpacing) {
		p.t.Fatal("the page refused the text spacing style: the check would prove nothing")
	}
}

// clippedText is a JavaScript expression listing elements whose text no
// longer fits a box that hides what overflows it.
const clippedText = `(() => {
  const out = [];
  const name = (el) => el.tagName.toLowerCase() + (typeof el.className === "string" && el.className.trim() ? "." + el.className.trim().split(/\s+/).join(".") : "");
  for (const el of document.querySelectorAll("body *")) {
    const s = getComputedStyle(el);
    if (s.overflowX === "visible" && s.overflowY === "visible" && s.textOverflow !== "ellipsis") continue;
    if (el.clientWidth <= 2 || el.clientHeight <= 2 || !el.textContent.trim()) continue;
    if (el.scrollWidth > el.clientWidth + 1 && s.overflowX !== "auto" && s.overflowX !== "scroll" ||
        el.scrollHeight > el.clientHeight + 1 && s.overflowY !== "auto" && s.overflowY !== "scroll") {
      out.push(name(el) + " “" + el.textContent.replace(/\s+/g, " ").trim().slice(0, 40) + "”");
    }
  }
  return out.slice(0, 10);
})()`

// Text spacing can be widened (WCAG 1.4.12) without text cut off or the
// page scrolling sideways, at a desktop's width and a phone's.
func TestTextSpacingLosesNothing(t *testing.T) {
	p, srv := begin(t, "text-spacing")
	// The check finds text cut off: a box of fixed height that hides what
	// overflows it, added to a page.
	p.open(srv.Portal(t, "ada"))
	eval[bool](p, "add a box too small for its text", `(() => { const d = document.createElement("div"); d.id = "cut";
  d.style.cssText = "height: 20px; width: 120px; overflow: hidden"; d.textContent = "A sentence too long for one line of this box.";
  document.querySelector("main").append(d); return true; })()`)
	p.widenTextSpacing()
	if out := strings.Join(eval[[]string](p, "list clipped text", clippedText), " "); !strings.Contains(out, "“A sentence too long") {
		t.Errorf("text cut off by its box is not reported: %q", out)
	}
	for _, id := range []string{"grace", "dennis", "radia", "linus"} {
		p.open(srv.Portal(t, id))
		p.portalReady()
		p.widenTextSpacing()
		for _, w := range axeWidths {
			p.do("resize to "+w.name+" px", chromedp.EmulateViewport(w.width, w.height))
			p.frames()
			if out := eval[[]string](p, "list clipped text", clippedText); len(out) > 0 {
				t.Errorf("%s's portal at %s px with wide text spacing cuts off:\n  %s", id, w.name, strings.Join(out, "\n  "))
			}
			if out := eval[[]string](p, "list what is wider than the window", widerThanWindow); len(out) > 0 {
				t.Errorf("%s's portal at %s px with wide text spacing scrolls sideways:\n  %s", id, w.name, strings.Join(out, "\n  "))
			}
		}
		p.shotWidths("text-spacing-" + id)
	}
}
