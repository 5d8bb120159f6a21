package catalog_test

import (
	"slices"
	"strings"
	"testing"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/catalog"
)

func TestTranslationsAreKeyedByLanguageTags(t *testing.T) {
	c := demo(t)
	c.Features[0].Translations = portico.Translations{"de": {Name: "Projekte"}, "pt-BR": {Name: "Projetos"}, "zh-Hans": {Name: "项目"}}
	if err := catalog.Validate(c); err != nil {
		t.Fatalf("valid tags refused: %v", err)
	}
	c.Features[0].Translations["english"] = portico.Translation{Name: "x"}
	c.Products[0].Translations = portico.Translations{"fr": {Name: strings.Repeat("n", 201)}}
	got := fieldsOf(t, catalog.Validate(c))
	want := []string{"features[0].translations[english]", "products[0].translations[fr].name"}
	if !slices.Equal(got, want) {
		t.Errorf("bad translations: errors name %q, want %q", got, want)
	}
}

func TestLocalizedCatalogShowsTheLocalesTexts(t *testing.T) {
	c := demo(t)
	c.Features[0].Translations = portico.Translations{"fr": {Name: "Projets", Unit: "projet"}}
	c.Plans[0].Translations = portico.Translations{"pt-BR": {Name: "Grátis"}, "zh-CN": {Description: "免费"}}
	orig := c.Features[0].Name
	cases := []struct {
		locale                  string
		feature, unit, plan, pd string
	}{
		{"fr", "Projets", "projet", c.Plans[0].Name, c.Plans[0].Description},
		{"fr-CA", "Projets", "projet", c.Plans[0].Name, c.Plans[0].Description},
		{"pt", orig, c.Features[0].Unit, "Grátis", c.Plans[0].Description},
		{"pt-BR", orig, c.Features[0].Unit, "Grátis", c.Plans[0].Description},
		{"zh", orig, c.Features[0].Unit, c.Plans[0].Name, "免费"},
		{"de", orig, c.Features[0].Unit, c.Plans[0].Name, c.Plans[0].Description},
	}
	for _, tc := range cases {
		l := c.Localized(tc.locale)
		if l.Features[0].Name != tc.feature || l.Features[0].Unit != tc.unit || l.Plans[0].Name != tc.plan || l.Plans[0].Description != tc.pd {
			t.Errorf("%s: feature %q %q, plan %q %q; want %q %q, %q %q", tc.locale, l.Features[0].Name, l.Features[0].Unit,
				l.Plans[0].Name, l.Plans[0].Description, tc.feature, tc.unit, tc.plan, tc.pd)
		}
	}
	if c.Features[0].Name != orig {
		t.Errorf("Localized changed the catalog it was given: %q", c.Features[0].Name)
	}
}
