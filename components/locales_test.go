package components

import (
	"slices"
	"testing"
	"time"
)

func TestLocalesAreTheTenBuiltIn(t *testing.T) {
	want := []string{"en", "fr", "de", "es", "it", "pt-BR", "nl", "ja", "zh-CN", "ar"}
	if got := Locales(); !slices.Equal(got, want) {
		t.Errorf("Locales() = %v, want %v", got, want)
	}
}

func TestARegionalTagFallsBackToItsLanguage(t *testing.T) {
	for in, want := range map[string]string{
		"de": "de", "de-AT": "de", "DE-ch": "de", "pt": "pt-BR", "pt-PT": "pt-BR", "pt_br": "pt-BR",
		"zh": "zh-CN", "zh-Hans": "zh-CN", "zh-Hans-SG": "zh-CN", "zh-cn": "zh-CN", "ja-JP": "ja",
		"ar-EG": "ar", "nl-BE": "nl", "es-419": "es", "it-CH": "it", "en-GB": "en",
	} {
		if got, ok := MatchLocale(in); !ok || got != want {
			t.Errorf("MatchLocale(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "ru", "zh-Hant", "zh-TW", "zh-Hant-HK", "x-fr", "*"} {
		if got, ok := MatchLocale(in); ok {
			t.Errorf("MatchLocale(%q) = %q: no built-in locale serves it", in, got)
		}
	}
}

func TestAcceptLanguageHonoursQValues(t *testing.T) {
	for header, want := range map[string]string{
		"de-AT,de;q=0.9,en;q=0.8":        "de",
		"ru, fr;q=0.5, en;q=0.4":         "fr",
		"en;q=0.3, ja;q=0.9":             "ja",
		"zh-TW, zh;q=0.8, en;q=0.5":      "zh-CN",
		"zh-TW, en;q=0.8, zh;q=0.5":      "en",
		"pt;q=0.9, es;q=0.9":             "pt-BR",
		"ar;q=0, nl":                     "nl",
		"it;q=0.1, *;q=0.5, ar-SA;q=0.2": "ar",
		"  es-MX ; q=1.0 , en ; q=0.99 ": "es",
		"fr;q=oops, de;q=0.1":            "de",
	} {
		if got, ok := NegotiateLocale(header); !ok || got != want {
			t.Errorf("NegotiateLocale(%q) = %q, %v; want %q", header, got, ok, want)
		}
	}
	for _, header := range []string{"", "ru, uk;q=0.9", "fr;q=0", "*"} {
		if got, ok := NegotiateLocale(header); ok {
			t.Errorf("NegotiateLocale(%q) = %q, want no match", header, got)
		}
	}
}

// The samples are CLDR 48's (plurals.json), for whole numbers.
func TestPluralCategoriesFollowCLDR(t *testing.T) {
	samples := map[string]map[string][]int64{
		"en":    {"one": {1}, "other": {0, 2, 16, 100, 1000000}},
		"de":    {"one": {1}, "other": {0, 2, 16, 100, 1000000}},
		"nl":    {"one": {1}, "other": {0, 2, 16, 100, 1000000}},
		"fr":    {"one": {0, 1}, "many": {1000000, 2000000}, "other": {2, 17, 100, 1000, 100000, 1000001}},
		"pt-BR": {"one": {0, 1}, "many": {1000000, 3000000}, "other": {2, 17, 100, 1000}},
		"es":    {"one": {1}, "many": {1000000}, "other": {0, 2, 16, 100, 1000}},
		"it":    {"one": {1}, "many": {1000000}, "other": {0, 2, 16, 100, 1000}},
		"ja":    {"other": {0, 1, 2, 15, 100, 1000000}},
		"zh-CN": {"other": {0, 1, 2, 15, 100, 1000000}},
		"ar": {"zero": {0}, "one": {1}, "two": {2}, "few": {3, 10, 103, 110, 1003},
			"many": {11, 26, 99, 111, 1011}, "other": {100, 101, 102, 200, 202, 600, 1000, 1000000}},
	}
	for locale, byCategory := range samples {
		if got, want := PluralCategories(locale), slices.Sorted(mapsKeys(byCategory)); !slices.Equal(slices.Sorted(slices.Values(got)), want) {
			t.Errorf("PluralCategories(%s) = %v, want %v", locale, got, want)
		}
		for category, ns := range byCategory {
			for _, n := range ns {
				if got := PluralCategory(locale, n); got != category {
					t.Errorf("PluralCategory(%s, %d) = %s, want %s", locale, n, got, category)
				}
			}
		}
	}
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func TestCountedTextsTakeTheLocalesForm(t *testing.T) {
	en := TextsFor("en", nil)
	if got := en.Count("en", "trialDaysLeft", 1, "days", "1"); got != "1 day left in trial" {
		t.Errorf("en one: %q", got)
	}
	if got := en.Count("en", "trialDaysLeft", 0, "days", "0"); got != "0 days left in trial" {
		t.Errorf("en other: %q", got)
	}
	fr := TextsFor("fr", nil)
	if got := fr.Count("fr", "trialDaysLeft", 0, "days", "0"); got != "Encore 0 jour d’essai" {
		t.Errorf("French counts 0 as one: %q", got)
	}
	over := TextsFor("en", Texts{"trialDaysLeft.one": "Only {days} day to go", "trialDaysLeft": "{days} days to go"})
	if got := over.Count("en", "trialDaysLeft", 1, "days", "1"); got != "Only 1 day to go" {
		t.Errorf("an override sets the one form: %q", got)
	}
	if got := over.Count("en", "trialDaysLeft", 5, "days", "5"); got != "5 days to go" {
		t.Errorf("an override sets the other form: %q", got)
	}
	// A form the texts lack reads as the other form, never another
	// category's.
	if got := (Texts{"k": "{n} things", "k.one": "{n} thing"}).Count("ar", "k", 3, "n", "3"); got != "3 things" {
		t.Errorf("missing few form: %q", got)
	}
}

func TestMoneyNumbersAndDatesOfEveryLocale(t *testing.T) {
	day := time.Date(2026, 3, 7, 12, 0, 0, 0, time.UTC)
	type example struct{ eur, negUSD, local, number, small, date, dayOnly, month string }
	cases := map[string]example{
		"en":    {"€1,290.00", "-$29.00", "$1,290.00", "1,234,567", "1,000", "Mar 7, 2026", "Mar 7", "Mar\u00a02026"},
		"fr":    {"1\u202f290,00\u00a0€", "-29,00\u00a0$US", "1\u202f290,00\u00a0€", "1\u202f234\u202f567", "1\u202f000", "7\u00a0mars\u00a02026", "7\u00a0mars", "mars\u00a02026"},
		"de":    {"1.290,00\u00a0€", "-29,00\u00a0$", "1.290,00\u00a0€", "1.234.567", "1.000", "7.\u00a0März\u00a02026", "7.\u00a0März", "März\u00a02026"},
		"es":    {"1290,00\u00a0€", "-29,00\u00a0US$", "1290,00\u00a0€", "1.234.567", "1000", "7\u00a0mar\u00a02026", "7\u00a0mar", "mar\u00a02026"},
		"it":    {"1290,00\u00a0€", "-29,00\u00a0USD", "1290,00\u00a0€", "1.234.567", "1000", "7\u00a0mar\u00a02026", "7\u00a0mar", "mar\u00a02026"},
		"pt-BR": {"€\u00a01.290,00", "-US$\u00a029,00", "R$\u00a01.290,00", "1.234.567", "1.000", "7\u00a0de\u00a0mar.\u00a0de\u00a02026", "7\u00a0de\u00a0mar.", "mar.\u00a0de\u00a02026"},
		"nl":    {"€\u00a01.290,00", "US$\u00a0-29,00", "€\u00a01.290,00", "1.234.567", "1.000", "7\u00a0mrt\u00a02026", "7\u00a0mrt", "mrt\u00a02026"},
		"ja":    {"€1,290.00", "-$29.00", "￥1,290", "1,234,567", "1,000", "2026年3月7日", "3月7日", "2026年3月"},
		"zh-CN": {"€1,290.00", "-US$29.00", "¥1,290.00", "1,234,567", "1,000", "2026年3月7日", "3月7日", "2026年3月"},
		"ar": {"\u2067\u200f1,290.00\u00a0\u2068€\u2069\u2069", "\u2067\u200f\u200e-29.00\u00a0\u2068US$\u2069\u2069",
			"\u2067\u200f1,290.00\u00a0\u2068ر.س.\u200f\u2069\u2069", "1,234,567", "1,000", "7\u00a0مارس\u00a02026", "7\u00a0مارس", "مارس\u00a02026"},
	}
	local := map[string]string{"en": "usd", "fr": "eur", "de": "eur", "es": "eur", "it": "eur", "pt-BR": "brl",
		"nl": "eur", "ja": "jpy", "zh-CN": "cny", "ar": "sar"}
	for _, locale := range Locales() {
		want, ok := cases[locale]
		if !ok {
			t.Errorf("no formatting example for %s", locale)
			continue
		}
		f := NewFormat(locale)
		amount := int64(129000)
		if local[locale] == "jpy" {
			amount = 1290
		}
		got := example{f.Money(129000, "eur"), f.Money(-2900, "usd"), f.Money(amount, local[locale]), f.Number(1234567),
			f.Number(1000), f.Date(day), f.Day(day), f.Month(day)}
		if got != want {
			t.Errorf("%s:\n got %+q\nwant %+q", locale, got, want)
		}
	}
}

// A count reads with the feature's unit where the locale's grammar counts
// it as one (French: 0 and 1), with its name otherwise.
func TestCountsTakeTheUnitWhereTheLocaleSaysOne(t *testing.T) {
	members := chargedFeature{name: "Members", unit: "member"}
	for _, c := range []struct {
		locale string
		n      int64
		want   string
	}{
		{"en", 1, "1 member"}, {"en", 0, "0 members"}, {"fr", 0, "0 member"}, {"fr", 1, "1 member"},
		{"fr", 2, "2 members"}, {"ja", 1, "1 members"}, {"ar", 1, "1 member"}, {"ar", 2, "2 members"},
	} {
		s := &section{cfg: Config{Locale: c.locale}}
		if got := s.count(members, c.n); got != c.want {
			t.Errorf("%s, %d: %q, want %q", c.locale, c.n, got, c.want)
		}
	}
}
