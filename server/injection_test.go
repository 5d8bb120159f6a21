package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/assets"
	"github.com/portico-dev/portico/components"
	"github.com/portico-dev/portico/internal/testkit"
	"golang.org/x/net/html"
)

// injected is markup that, let out of an attribute or a text, would open
// an element and an attribute, both named pwned. It fits a feature's unit.
const injected = `x"><pwned pwned="`

// expectNoInjection fails when page, read by an HTML5 tokenizer, holds an
// element or an attribute the input opened.
func expectNoInjection(t *testing.T, where string, page []byte) {
	t.Helper()
	z := html.NewTokenizer(bytes.NewReader(page))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			if tok.Data == "pwned" {
				t.Fatalf("%s: the input opened an element <%s>", where, tok.Data)
			}
			for _, a := range tok.Attr {
				if a.Key == "pwned" || strings.HasPrefix(a.Key, "on") {
					t.Fatalf("%s: the input opened an attribute %s on <%s>", where, a.Key, tok.Data)
				}
			}
		}
	}
}

// pagePaths are the pages the server prerenders for customers.
var pagePaths = []string{"/portal", "/embed/portal", "/embed/paywall", "/embed/usage"}

// Every query parameter a page reads, holding markup, stays text: with no
// valid session, and with one.
func TestQueryParametersCannotOpenMarkup(t *testing.T) {
	h := newHarness(t)
	h.createCustomer("ada", false)
	hs := newWeb(t, h)
	params := []string{"session", "locale", "prefix", "hide", "handle", "theme", "texts", "product", "resource", "support", "checkout"}
	for _, session := range []string{"x", h.session("ada", "", "")} {
		for _, path := range append(pagePaths, "/designer") {
			for _, p := range params {
				q := url.Values{"session": {session}}
				q.Set(p, injected)
				res, body := get(t, hs.URL+path+"?"+q.Encode())
				if res.StatusCode != http.StatusOK {
					t.Fatalf("GET %s?%s: %d", path, q.Encode(), res.StatusCode)
				}
				expectNoInjection(t, path+" ?"+p+"=", body)
			}
		}
	}
}

// Every text a host page may override, holding markup, stays text.
func TestTextOverridesCannotOpenMarkup(t *testing.T) {
	h := newHarness(t)
	h.createCustomer("ada", false)
	hs := newWeb(t, h)
	texts := components.Texts{}
	for key := range components.DefaultTexts() {
		texts[key] = key + injected
	}
	raw, err := json.Marshal(texts)
	if err != nil {
		t.Fatal(err)
	}
	for _, session := range []string{"x", h.session("ada", "", "")} {
		for _, path := range pagePaths {
			q := url.Values{"session": {session}, "texts": {string(raw)}}
			_, body := get(t, hs.URL+path+"?"+q.Encode())
			expectNoInjection(t, path+" with texts", body)
			if session != "x" && !bytes.Contains(body, []byte("subscriptionTitle")) && path == "/portal" {
				t.Fatalf("GET %s: the overridden texts are not on the page", path)
			}
		}
	}
}

// Every display string of the catalog and of the customer's billing
// profile, holding markup, stays text wherever the pages show it.
func TestCatalogAndCustomerStringsCannotOpenMarkup(t *testing.T) {
	h := newBareHarness(t)
	var cat any
	if err := json.Unmarshal(assets.DemoCatalog, &cat); err != nil {
		t.Fatal(err)
	}
	n := poison(cat, "")
	if n == 0 {
		t.Fatal("no display string found in the demo catalog")
	}
	expectStatus(t, h.backend(http.MethodPut, "/api/v1/catalog", cat), http.StatusOK)
	h.createCustomer("ada", false)
	profile := portico.BillingProfile{Name: "n" + injected, Email: "ada@example.com",
		Address:       &portico.Address{Line1: "l" + injected, City: "c" + injected, PostalCode: "94105", Country: "US"},
		PaymentMethod: testkit.Card()}
	expectStatus(t, h.backend(http.MethodPut, "/api/v1/customers/ada/billing", profile), http.StatusOK)
	hs := newWeb(t, h)
	tok := h.session("ada", "", "")
	for _, path := range pagePaths {
		res, body := get(t, hs.URL+path+"?session="+tok)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, res.StatusCode)
		}
		if path == "/portal" && !bytes.Contains(body, []byte("&#34;&gt;&lt;pwned")) {
			t.Fatalf("GET %s: no poisoned string reached the page; the test proves nothing", path)
		}
		expectNoInjection(t, path+" with a poisoned catalog", body)
	}
}

// poison replaces the display strings (names, descriptions, units) of a
// decoded catalog with markup, and counts them.
func poison(v any, key string) int {
	n := 0
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			if s, ok := child.(string); ok && (k == "name" || k == "description" || k == "unit") {
				// The whole string stays, so names stay distinct as the
				// catalog's rules want.
				v[k] = s + injected
				n++
				continue
			}
			n += poison(child, k)
		}
	case []any:
		for _, child := range v {
			n += poison(child, key)
		}
	}
	return n
}
