package console

import (
	"testing"

	portico "github.com/portico-dev/portico"
)

func TestTranslationsEditKeepsWhatTheFormDoesNotShow(t *testing.T) {
	cat := fullCatalog()
	// A language the portal does not speak stays as it was.
	cat.Plans[1].Translations = portico.Translations{"pl": {Name: "Zawodowy"}, "fr": {Name: "Pro FR"}}
	d := translationsDialog(cat, objectRef{"plans", "chat-pro"})
	d.prepare(cat)
	if got := d.v[trKey("fr", "name")]; got != "Pro FR" {
		t.Fatalf("the form opened with fr name %q", got)
	}
	d.v[trKey("fr", "name")] = ""
	d.v[trKey("de", "name")] = " Profi "
	d.v[trKey("de", "description")] = "Für wachsende Teams."
	next := translationsEdit(d)
	if len(d.errs) > 0 || next == nil {
		t.Fatalf("refused: %v", d.errs)
	}
	p, _ := next.Plan("chat-pro")
	want := portico.Translations{"pl": {Name: "Zawodowy"}, "de": {Name: "Profi", Description: "Für wachsende Teams."}}
	if len(p.Translations) != len(want) || p.Translations["pl"] != want["pl"] || p.Translations["de"] != want["de"] {
		t.Errorf("translations saved = %+v, want %+v", p.Translations, want)
	}
	if orig, _ := cat.Plan("chat-pro"); orig.Translations["fr"].Name != "Pro FR" {
		t.Error("the edit changed the catalog the dialog opened on")
	}
}

func TestTranslationsTooLongAreRefusedBesideTheField(t *testing.T) {
	cat := fullCatalog()
	d := translationsDialog(cat, objectRef{"features", "seats"})
	d.prepare(cat)
	d.v[trKey("ja", "unit")] = string(make([]rune, 51))
	translationsEdit(d)
	if d.errs[trKey("ja", "unit")] == "" {
		t.Errorf("a 51-character unit was accepted: %v", d.errs)
	}
	for rest, want := range map[string]string{
		"translations[de].name":        trKey("de", "name"),
		"translations[ja].unit":        trKey("ja", "unit"),
		"translations[pt-BR]":          trKey("pt-BR", "name"),
		"translations[english]":        "",
		"name":                         "",
		"translations[fr].description": trKey("fr", "description"),
	} {
		if got := d.keyOf(cat, rest); got != want {
			t.Errorf("%s goes beside %q, want %q", rest, got, want)
		}
	}
}
