package e2e

import (
	"strings"
	"testing"
)

// A click made while the client is still loading is not lost: the
// prerendered buttons show they are not ready, and the plan button pressed
// then opens its confirm step once the client has taken over.
func TestEarlyClickIsKeptUntilTheClientRuns(t *testing.T) {
	p, srv := begin(t, "early-click")
	wait, release := p.holdWasm()
	p.open(srv.Portal(t, "barbara"))
	wait()
	pro := planButton("pro")
	if cursor := eval[string](p, "read the button's cursor", `getComputedStyle(document.querySelector(`+js(pro)+`)).cursor`); cursor != "progress" {
		t.Errorf("a prerendered button's cursor is %q, want progress while it does nothing", cursor)
	}
	if busy := eval[string](p, "read the button's busy state", `document.querySelector(`+js(pro)+`).getAttribute("aria-busy") || ""`); busy != "true" {
		t.Errorf("a prerendered button's aria-busy is %q, want true", busy)
	}
	p.click(pro)
	p.shotViewport("pressed")
	release()
	p.waitWasm()
	p.do("the confirm dialog opens for the plan pressed before the client ran", visible(dialog+" .portico-preview"))
	if got := p.text(dialog + " .portico-confirm-plan"); !strings.HasPrefix(got, "Pro") {
		t.Errorf("the dialog is for %q, want Pro", got)
	}
	p.shotViewport("dialog")
}
