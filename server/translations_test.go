package server_test

import (
	"bytes"
	"html"
	"net/http"
	"strings"
	"testing"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/assets"
	"github.com/portico-dev/portico/components"
	"github.com/portico-dev/portico/server/catalog"
)

// Every portal locale shows the demo catalog's names in its language, in
// the portal view and the paywall, wherever the catalog translates them:
// asked through ?locale=, through Accept-Language (as the page's client
// asks), and by a regional form of the language.
func TestPortalShowsTheCatalogInTheRequestedLanguage(t *testing.T) {
	h := newHarness(t)
	h.createCustomer("ada", true)
	h.change("ada", portico.ChangeRequest{PlanID: "basic", BillingPeriod: portico.Monthly})
	cat, err := catalog.Decode(bytes.NewReader(assets.DemoCatalog))
	if err != nil {
		t.Fatal(err)
	}
	tok := h.session("ada", "", "")
	for _, ask := range []struct{ locale, query, header string }{
		{"fr", "?locale=fr", ""}, {"de", "", "de-AT,de;q=0.9,en;q=0.5"}, {"es", "?locale=es-MX", ""},
		{"it", "", "it"}, {"pt-BR", "", "pt"}, {"nl", "?locale=nl", ""}, {"ja", "", "ja-JP"},
		{"zh-CN", "", "zh"}, {"ar", "?locale=ar", ""},
	} {
		want := cat.Localized(ask.locale)
		var headers []string
		if ask.header != "" {
			headers = []string{"Accept-Language", ask.header}
		}
		r := h.portal(tok, http.MethodGet, "/api/v1/portal"+ask.query, nil, headers...)
		expectStatus(t, r, http.StatusOK)
		v := decodeAs[portico.PortalView](t, r)
		basic, _ := want.Plan("basic")
		acme, _ := want.Product("acme")
		if len(v.Subscriptions) != 1 || v.Subscriptions[0].Plan.Name != basic.Name || v.Subscriptions[0].ProductName != acme.Name {
			t.Errorf("%s: subscription reads %+v, want plan %q of %q", ask.locale, v.Subscriptions[0].Plan, basic.Name, acme.Name)
		}
		for _, e := range v.Entitlements {
			f, _ := want.Feature(e.FeatureID)
			orig, _ := cat.Feature(e.FeatureID)
			if e.FeatureName != f.Name || e.FeatureName == orig.Name {
				t.Errorf("%s: %s reads %q, want %q", ask.locale, e.FeatureID, e.FeatureName, f.Name)
			}
		}
		r = h.portal(tok, http.MethodGet, "/api/v1/portal/paywall?productId=acme"+andQuery(ask.query), nil, headers...)
		expectStatus(t, r, http.StatusOK)
		pw := decodeAs[portico.PaywallView](t, r)
		for _, p := range pw.Plans {
			wp, _ := want.Plan(p.ID)
			if p.Name != wp.Name || p.Description != wp.Description {
				t.Errorf("%s: paywall plan %s reads %q / %q, want %q / %q", ask.locale, p.ID, p.Name, p.Description, wp.Name, wp.Description)
			}
		}
	}
	// Without a language asked, the catalog's own texts.
	v := decodeAs[portico.PortalView](t, h.portal(tok, http.MethodGet, "/api/v1/portal", nil))
	if v.Subscriptions[0].Plan.Name != "Basic" || v.Entitlements[0].FeatureName != "Seats" {
		t.Errorf("no language asked: %q, %q", v.Subscriptions[0].Plan.Name, v.Entitlements[0].FeatureName)
	}
}

func andQuery(q string) string {
	if q == "" {
		return ""
	}
	return "&" + q[1:]
}

// Each locale's portal page, as the server draws it before the client
// starts, shows no English catalog text where the catalog translates it:
// plan, product, add-on and feature names and descriptions, for a
// customer on a flat plan, one on seats and one priced by usage.
func TestPortalPagesShowNoEnglishCatalogTextWhereATranslationExists(t *testing.T) {
	h := newHarness(t)
	h.createCustomer("flat", true)
	h.change("flat", portico.ChangeRequest{PlanID: "basic", BillingPeriod: portico.Monthly})
	h.createCustomer("seats", true)
	h.change("seats", portico.ChangeRequest{PlanID: "platform-team", BillingPeriod: portico.Monthly, Quantities: map[string]int64{"members": 12}})
	h.createCustomer("usage", true)
	h.change("usage", portico.ChangeRequest{PlanID: "platform-scale", BillingPeriod: portico.Monthly})
	cat, err := catalog.Decode(bytes.NewReader(assets.DemoCatalog))
	if err != nil {
		t.Fatal(err)
	}
	hs := newWeb(t, h)
	for _, locale := range components.Locales()[1:] {
		english := englishCatalogTexts(cat, locale)
		for _, id := range []string{"flat", "seats", "usage"} {
			res, body := get(t, hs.URL+"/portal?locale="+locale+"&session="+h.session(id, "", ""))
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s %s: %d", locale, id, res.StatusCode)
			}
			page := html.UnescapeString(string(body))
			// Nor the page's description, nor go-app's loading image.
			for _, s := range []string{components.DefaultTexts().Get("pageDescription"), "wasm loader icon"} {
				if strings.Contains(page, s) {
					t.Errorf("%s, %s's portal page carries %q in English", locale, id, s)
				}
			}
			for _, s := range english {
				if strings.Contains(page, ">"+s+"<") || strings.Contains(page, " "+s+"<") {
					t.Errorf("%s, %s's portal shows %q in English", locale, id, s)
				}
			}
		}
	}
}

// englishCatalogTexts are the catalog's texts that its translation into
// locale writes differently.
func englishCatalogTexts(cat *portico.Catalog, locale string) []string {
	l := cat.Localized(locale)
	var out []string
	add := func(en, tr string) {
		if en != "" && en != tr {
			out = append(out, en)
		}
	}
	for i, f := range cat.Features {
		add(f.Name, l.Features[i].Name)
	}
	for i, p := range cat.Products {
		add(p.Name, l.Products[i].Name)
		add(p.Description, l.Products[i].Description)
	}
	for i, p := range cat.Plans {
		add(p.Name, l.Plans[i].Name)
		add(p.Description, l.Plans[i].Description)
	}
	for i, a := range cat.Addons {
		add(a.Name, l.Addons[i].Name)
		add(a.Description, l.Addons[i].Description)
	}
	return out
}
