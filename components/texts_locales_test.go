//go:build !js || portico_locales

package components

import (
	"html"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// sameAsEnglish are the few texts a locale legitimately writes as English
// does: words its language borrowed, and abbreviations.
var sameAsEnglish = map[string][]string{
	"fr":    {"promotionsTabTitle", "invoiceDate", "invoiceTotal", "upcomingTotal", "lineDescription", "invoicePDF", "chargeMinimum"},
	"de":    {"upgrade", "downgrade", "invoiceStatus", "invoiceLinks", "invoicePDF", "invoiceShowLines"},
	"es":    {"invoiceTotal", "upcomingTotal", "upcomingSubtotal", "invoicePDF"},
	"it":    {"invoicePDF", "chargePerUnit"},
	"pt-BR": {"invoiceTotal", "upcomingTotal", "upcomingSubtotal", "invoiceLinks", "invoicePDF"},
	"nl":    {"invoiceStatus", "invoiceLinks", "productLabel", "invoiceShowLines", "invoicePDF", "chargePerUnit"},
	"ja":    {"invoicePDF"}, "zh-CN": {"invoicePDF"}, "ar": {"invoicePDF"},
}

var textPlaceholderRE = regexp.MustCompile(`\{[a-zA-Z0-9]+\}`)

func placeholders(s string) []string {
	return slices.Sorted(slices.Values(slices.Compact(slices.Sorted(slices.Values(textPlaceholderRE.FindAllString(s, -1))))))
}

// wordless reports whether a text is only placeholders, digits, symbols and
// punctuation ("{quantity} × {price}"), which every language writes alike.
func wordless(s string) bool {
	return !strings.ContainsFunc(textPlaceholderRE.ReplaceAllString(s, ""), unicode.IsLetter)
}

// pluralBases are the English keys that have plural forms.
func pluralBases() map[string]bool {
	bases := map[string]bool{}
	for k := range english {
		if base, _, ok := strings.Cut(k, "."); ok {
			bases[base] = true
		}
	}
	return bases
}

// Every locale has every key, in its own words, with the placeholders the
// components fill.
func TestEveryLocaleTranslatesEveryKey(t *testing.T) {
	bases := pluralBases()
	for _, locale := range Locales()[1:] {
		b, ok := bundles[locale]
		if !ok {
			t.Errorf("%s: no texts", locale)
			continue
		}
		allowed := sameAsEnglish[locale]
		for key, en := range english {
			if strings.Contains(key, ".") {
				continue // forms are checked below, per the locale's categories
			}
			got, ok := b[key]
			switch {
			case !ok || got == "":
				t.Errorf("%s: %s is missing", locale, key)
			case got == en && !wordless(en) && !slices.Contains(allowed, key):
				t.Errorf("%s: %s is English: %q", locale, key, got)
			case !slices.Equal(placeholders(got), placeholders(en)):
				t.Errorf("%s: %s has placeholders %v, English %v: %q", locale, key, placeholders(got), placeholders(en), got)
			}
		}
		for _, key := range allowed {
			if b[key] != english[key] {
				t.Errorf("%s: %s is listed as written as in English, but is %q", locale, key, b[key])
			}
		}
		for key, got := range b {
			base, category, plural := strings.Cut(key, ".")
			if _, ok := english[base]; !ok {
				t.Errorf("%s: %s is not a text key", locale, key)
			}
			if plural && (!bases[base] || !slices.Contains(PluralCategories(locale), category) || category == PluralOther) {
				t.Errorf("%s: %s is not a plural form %s has", locale, key, locale)
			}
			if plural && !formPlaceholdersFit(placeholders(got), placeholders(english[base]), category) {
				t.Errorf("%s: %s has placeholders %v, the other form %v", locale, key, placeholders(got), placeholders(english[base]))
			}
		}
		for base := range bases {
			for _, c := range PluralCategories(locale) {
				if c != PluralOther && b[base+"."+c] == "" {
					t.Errorf("%s: %s lacks its %s form", locale, base, c)
				}
			}
		}
	}
}

// formPlaceholdersFit: a plural form has the placeholders of the other
// form, but for the count in the forms that say it in words (zero, one,
// two: "يوم واحد", "يومان").
func formPlaceholdersFit(form, other []string, category string) bool {
	if slices.Equal(form, other) {
		return true
	}
	if category != PluralZero && category != PluralOne && category != PluralTwo {
		return false
	}
	for _, p := range form {
		if !slices.Contains(other, p) {
			return false
		}
	}
	return len(other)-len(form) == 1
}

// English gives the forms of its own categories, and nothing else.
func TestEnglishGivesEachPluralForm(t *testing.T) {
	for base := range pluralBases() {
		if english[base] == "" || english[base+".one"] == "" {
			t.Errorf("%s lacks its other or one form in English", base)
		}
	}
	for key := range english {
		if _, c, ok := strings.Cut(key, "."); ok && c != PluralOne {
			t.Errorf("English has no %s form: %s", c, key)
		}
	}
}

// The counted texts read in each locale's grammar.
func TestCountedTextsOfEveryLocale(t *testing.T) {
	want := map[string]map[int64]string{
		"en":    {1: "1 day left in trial", 2: "2 days left in trial"},
		"fr":    {0: "Encore 0 jour d’essai", 1: "Encore 1 jour d’essai", 2: "Encore 2 jours d’essai"},
		"de":    {1: "Noch 1 Tag Testphase", 5: "Noch 5 Tage Testphase"},
		"es":    {1: "Queda 1 día de prueba", 0: "Quedan 0 días de prueba"},
		"it":    {1: "Ancora 1 giorno di prova", 14: "Ancora 14 giorni di prova"},
		"pt-BR": {0: "Falta 0 dia de teste", 14: "Faltam 14 dias de teste"},
		"nl":    {1: "Nog 1 dag proefperiode", 14: "Nog 14 dagen proefperiode"},
		"ja":    {1: "トライアル残り1日", 14: "トライアル残り14日"},
		"zh-CN": {1: "试用还剩1天", 14: "试用还剩14天"},
		"ar": {1: "تبقّى يوم واحد في الفترة التجريبية", 2: "تبقّى يومان في الفترة التجريبية",
			3: "تبقّى 3 أيام في الفترة التجريبية", 11: "تبقّى 11 يومًا في الفترة التجريبية",
			100: "تبقّى 100 يوم في الفترة التجريبية"},
	}
	for _, locale := range Locales() {
		texts, f := TextsFor(locale, nil), NewFormat(locale)
		if len(want[locale]) == 0 {
			t.Errorf("no counted example for %s", locale)
		}
		for n, w := range want[locale] {
			if got := texts.Count(locale, "trialDaysLeft", n, "days", f.Number(n)); got != w {
				t.Errorf("%s, %d: %q, want %q", locale, n, got, w)
			}
		}
	}
}

// The wasm client draws every locale from the page: what the server puts in
// it is the whole bundle.
func TestBundlesAreTheLocalesTexts(t *testing.T) {
	if got := slices.Sorted(maps.Keys(bundles)); !slices.Equal(got, slices.Sorted(slices.Values(Locales()))) {
		t.Errorf("bundles %v, locales %v", got, Locales())
	}
}

// englishPhrases are the English texts' fixed phrases of two words or
// more, which a portal drawn in another locale must not show.
func englishPhrases(locale string) map[string]string {
	out := map[string]string{}
	for key, en := range english {
		base, _, _ := strings.Cut(key, ".")
		if slices.Contains(sameAsEnglish[locale], base) {
			continue
		}
		for _, part := range textPlaceholderRE.Split(en, -1) {
			part = strings.TrimFunc(part, func(r rune) bool { return !unicode.IsLetter(r) })
			if strings.Contains(part, " ") && len(part) >= 8 {
				out[part] = key
			}
		}
	}
	return out
}

// Each locale draws the demo portals — a rich one, one priced by usage —
// without an English phrase left in them, labels and titles included.
func TestEveryLocaleRendersTheDemoPortalTranslated(t *testing.T) {
	for _, locale := range Locales()[1:] {
		phrases := englishPhrases(locale)
		for name, src := range map[string]*fakeSource{"rich": richSource(),
			"usage-priced": {portal: usagePricedPortal(123400, 5700), paywall: demoPaywall()}} {
			h := mount(t, NewCustomerPortal(src).Locale(locale))
			page := html.UnescapeString(h.html())
			for phrase, key := range phrases {
				if strings.Contains(page, phrase) {
					t.Errorf("%s, %s portal: %q (from %s) is shown in English", locale, name, phrase, key)
				}
			}
			if !strings.Contains(page, `lang="`+locale+`"`) {
				t.Errorf("%s: the portal does not say its language", locale)
			}
		}
	}
	// The check sees English where it is: the English portal shows many
	// of the phrases.
	page, found := html.UnescapeString(mount(t, NewCustomerPortal(richSource()).Locale("en")).html()), 0
	for phrase := range englishPhrases("de") {
		if strings.Contains(page, phrase) {
			found++
		}
	}
	if found < 20 {
		t.Errorf("only %d English phrases found in the English portal: the check would miss untranslated texts", found)
	}
}
