package e2e

import (
	"net/url"
	"strings"
	"testing"
)

// noInjected counts the elements and attributes markup in an input could
// have opened, in the page as the browser built it.
const noInjected = `document.querySelectorAll("pwned, [pwned], [onfocus]").length === 0`

// Markup in the query (class prefix, texts, support link) and in the
// catalog (a feature's name, set through the backend API) stays text in the
// browser: in the page the server rendered and once the client took it over.
func TestMarkupInInputsStaysText(t *testing.T) {
	p, srv := begin(t, "injection")
	const payload = `x"><pwned pwned="1`
	cat := backendCatalog(t, srv)
	renamed := false
	for i, f := range cat.Features {
		if f.ID == "api-calls" {
			cat.Features[i].Name = "API calls" + payload
			renamed = true
		}
	}
	if !renamed {
		t.Fatal("the demo catalog has no api-calls feature")
	}
	backendPut(t, srv, cat)

	u, err := url.Parse(srv.Portal(t, "grace"))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("prefix", payload)
	q.Set("texts", `{"usageTabTitle": "Usage`+strings.ReplaceAll(payload, `"`, `\"`)+`"}`)
	q.Set("support", "javascript:alert(1)")
	u.RawQuery = q.Encode()

	wait, release := p.holdWasm()
	p.open(u.String())
	wait()
	p.until("the prerendered page holds no injected markup", noInjected)
	if n := p.count(".portico-entitlement-usage-api-calls"); n != 1 {
		t.Errorf("%d API calls meters with the default class prefix, want 1", n)
	}
	label := eval[string](p, "the meter's label", `document.querySelector(".portico-entitlement-usage-api-calls [aria-label]").getAttribute("aria-label")`)
	if !strings.Contains(label, payload) {
		t.Errorf("meter label %q does not show the feature's name as text", label)
	}
	release()
	p.waitWasm()
	p.until("the client's page holds no injected markup", noInjected)
	p.shot("taken-over")
}
