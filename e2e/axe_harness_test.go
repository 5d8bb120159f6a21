package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// wcagTags are the axe-core rule tags of WCAG 2.0, 2.1 and 2.2 at levels A
// and AA: the rules a page must pass to claim WCAG 2.2 AA as far as
// automated checks go.
var wcagTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

// axeFile is axe-core as tools/test-deps.sh installs it from npm, at the
// version tools/axe/package-lock.json pins.
var axeFile = filepath.Join("tools", "axe", "node_modules", "axe-core", "axe.min.js")

var (
	axeOnce   sync.Once
	axeSource string
	axeErr    error
)

// requireAxe is axe-core's source; the test fails without it (make test
// installs it).
func requireAxe(t *testing.T) string {
	t.Helper()
	axeOnce.Do(func() {
		var b []byte
		b, axeErr = os.ReadFile(filepath.Join(repoRoot, axeFile))
		axeSource = string(b)
	})
	if axeErr != nil {
		t.Fatalf("axe-core is missing (%v): run tools/test-deps.sh, which installs it with npm", axeErr)
	}
	return axeSource
}

// axeNode is one element a rule failed on, as axe-core reports it.
type axeNode struct {
	Target         []any  // the CSS selector, one per frame or shadow root
	FailureSummary string // what to fix
	Any            []struct {
		Data json.RawMessage // for colour contrast, the colours and ratios
	}
}

// axeViolation is a rule failed by one or more elements.
type axeViolation struct {
	ID, Impact, Help string
	Nodes            []axeNode
}

// contrastData is what the color-contrast rules say about a node.
type contrastData struct {
	FgColor, BgColor      string
	ContrastRatio         float64
	ExpectedContrastRatio string
	FontSize, FontWeight  string
}

// axeRun runs axe-core's WCAG A and AA rules on the page as it is now and
// returns each failure as a line: the rule, the element's selector, and
// for contrast the colour pair and its ratio.
func (p *page) axeRun() []string {
	p.t.Helper()
	return p.axeRunOn("document")
}

// axeRunOn is axeRun on part of the page: within is axe-core's context, a
// JavaScript expression (document, or {include: …, exclude: …}).
func (p *page) axeRunOn(within string) []string {
	p.t.Helper()
	src := requireAxe(p.t)
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	// The script goes in once per document; a navigation drops it.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof axe !== "undefined" || (() => { `+src+`
;return true; })()`)); err != nil {
		p.t.Fatalf("inject axe-core: %v", err)
	}
	tags, _ := json.Marshal(wcagTags)
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[json.RawMessage](`axe.run(`+within+`, {
  runOnly: {type: "tag", values: `+string(tags)+`}, resultTypes: ["violations"]
}).then((r) => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("run axe-core: %v", err)
	}
	var text string
	if err := json.Unmarshal(raw, &text); err != nil {
		p.t.Fatalf("read axe-core's results: %v", err)
	}
	var violations []axeViolation
	if err := json.Unmarshal([]byte(text), &violations); err != nil {
		p.t.Fatalf("read axe-core's results: %v", err)
	}
	var out []string
	for _, v := range violations {
		for _, n := range v.Nodes {
			out = append(out, describeFailure(v, n))
		}
	}
	return out
}

// describeFailure is one line for a rule failed on a node.
func describeFailure(v axeViolation, n axeNode) string {
	sel := make([]string, 0, len(n.Target))
	for _, s := range n.Target {
		sel = append(sel, fmt.Sprint(s))
	}
	line := fmt.Sprintf("%s (%s) on %s", v.ID, v.Help, strings.Join(sel, " » "))
	for _, a := range n.Any {
		var c contrastData
		if json.Unmarshal(a.Data, &c) == nil && c.FgColor != "" {
			line += fmt.Sprintf(": %s on %s is %.2f:1, needs %s (%s, weight %s)",
				c.FgColor, c.BgColor, c.ContrastRatio, c.ExpectedContrastRatio, c.FontSize, c.FontWeight)
			return line
		}
	}
	if s := strings.TrimSpace(n.FailureSummary); s != "" {
		line += ": " + strings.Join(strings.Fields(s), " ")
	}
	return line
}

// axeWidths are the widths every state is checked at: a desktop's and a
// phone's.
var axeWidths = []struct {
	name          string
	width, height int64
}{{"1280", 1280, 900}, {"390", phoneWidth, 844}}

// axeCheck runs axe-core on the page as it is now at the desktop's and at
// the phone's width, resizing the one page, and fails the test with every
// failure, named by state and width. It leaves the page at the desktop's
// width.
func (p *page) axeCheck(state string) {
	p.t.Helper()
	for _, w := range axeWidths {
		p.do("resize to "+w.name+" px", chromedp.EmulateViewport(w.width, w.height))
		p.frames()
		if fails := p.axeRun(); len(fails) > 0 {
			p.t.Errorf("%s at %s px: %d WCAG 2.2 A/AA failures:\n  %s", state, w.name, len(fails), strings.Join(fails, "\n  "))
		}
	}
	p.do("resize to 1280 px", chromedp.EmulateViewport(1280, 900))
}

// holdClient pauses the browser's requests for any web client (app.wasm,
// console.wasm, designer.wasm), as holdWasm does for the portal's.
func (p *page) holdClient() (wait, release func()) {
	p.t.Helper()
	return p.holdRequests("*/web/*.wasm*", "a web client")
}

// axeBeforeAndAfter opens url, checks the page as the server rendered it
// (its client held back) and again once ready says the client has taken
// it over and drawn.
func (p *page) axeBeforeAndAfter(state, url string, ready func()) {
	p.t.Helper()
	wait, release := p.holdClient()
	p.do("open "+redact(url), chromedp.Navigate(url))
	wait()
	// The client is held back, so the page is the server's: its root still
	// carries the mark the client's first render removes.
	if !eval[bool](p, "check the page is prerendered", `document.querySelector(".portico-prerendered") !== null`) {
		p.t.Fatalf("%s: the page is not the prerendered one while its client is held back", state)
	}
	p.axeCheck(state + ", prerendered")
	release()
	ready()
	p.axeCheck(state)
}
