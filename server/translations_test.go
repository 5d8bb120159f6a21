package server_test

import (
	"bytes"
	"net/http"
	"testing"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/assets"
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
