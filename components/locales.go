package components

import (
	"slices"
	"sort"
	"strconv"
	"strings"
)

// locales are the built-in locales, English first: it is the fallback of
// every other one, for a locale and for a key a locale lacks.
var locales = []string{"en", "fr", "de", "es", "it", "pt-BR", "nl", "ja", "zh-CN", "ar"}

// Locales lists the built-in locales.
func Locales() []string { return slices.Clone(locales) }

// KnownLocale returns the built-in locale that serves locale ("fr" for
// "fr" or "fr-CA", "pt-BR" for "pt", "zh-CN" for "zh-Hans"), else "en".
func KnownLocale(locale string) string {
	if l, ok := MatchLocale(locale); ok {
		return l
	}
	return "en"
}

// MatchLocale returns the built-in locale that serves a language tag
// ("de-AT" → "de"), and false when none does. A tag is matched as a whole
// first ("pt-BR"), then by its language: a regional form reads its
// language's texts, Portuguese is served in Brazil's and Chinese in
// simplified characters — except a tag that asks for traditional ones
// (zh-Hant, zh-TW, zh-HK, zh-MO), which the simplified texts would not
// serve: the next language the reader accepts is tried instead.
func MatchLocale(tag string) (string, bool) {
	tag = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(tag), "_", "-"))
	if tag == "" {
		return "", false
	}
	for _, l := range locales {
		if strings.ToLower(l) == tag {
			return l, true
		}
	}
	subtags := strings.Split(tag, "-")
	switch lang := subtags[0]; lang {
	case "pt":
		return "pt-BR", true
	case "zh":
		for _, s := range subtags[1:] {
			if s == "hant" || s == "tw" || s == "hk" || s == "mo" {
				return "", false
			}
		}
		return "zh-CN", true
	default:
		if slices.Contains(locales, lang) {
			return lang, true
		}
	}
	return "", false
}

// NegotiateLocale picks the built-in locale an Accept-Language header asks
// for: the languages in the order of their q-values (a tie keeps the
// header's order; q=0 refuses a language), the first one served wins.
// It reports false when none is.
func NegotiateLocale(acceptLanguage string) (string, bool) {
	type choice struct {
		tag string
		q   float64
	}
	var choices []choice
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, params, _ := strings.Cut(part, ";")
		c := choice{tag: strings.TrimSpace(tag), q: 1}
		for _, p := range strings.Split(params, ";") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(p), "q="); ok {
				q, err := strconv.ParseFloat(v, 64)
				if err != nil || q < 0 || q > 1 {
					q = 0
				}
				c.q = q
			}
		}
		if c.tag != "" && c.q > 0 {
			choices = append(choices, c)
		}
	}
	sort.SliceStable(choices, func(i, j int) bool { return choices[i].q > choices[j].q })
	for _, c := range choices {
		if l, ok := MatchLocale(c.tag); ok {
			return l, true
		}
	}
	return "", false
}

// Direction is the writing direction of a locale: "rtl" for the locales
// written right to left (Arabic), else "ltr".
func Direction(locale string) string {
	if KnownLocale(locale) == "ar" {
		return "rtl"
	}
	return "ltr"
}

// Plural categories of CLDR, the forms a counted text may take.
const (
	PluralZero  = "zero"
	PluralOne   = "one"
	PluralTwo   = "two"
	PluralFew   = "few"
	PluralMany  = "many"
	PluralOther = "other"
)

// PluralCategories lists the plural categories a locale's counted texts
// have, "other" last: the forms a text must give for that locale.
func PluralCategories(locale string) []string {
	switch KnownLocale(locale) {
	case "ja", "zh-CN":
		return []string{PluralOther}
	case "ar":
		return []string{PluralZero, PluralOne, PluralTwo, PluralFew, PluralMany, PluralOther}
	case "fr", "es", "it", "pt-BR":
		return []string{PluralOne, PluralMany, PluralOther}
	}
	return []string{PluralOne, PluralOther}
}

// PluralCategory is the CLDR cardinal plural category of a whole number n
// in a locale (the rules of CLDR 48's plurals.json, for integers: the
// components count days, units and items, never fractions).
func PluralCategory(locale string, n int64) string {
	if n < 0 {
		n = -n
	}
	// French, Spanish, Italian and Portuguese say "de"/"di" before a noun
	// counted in whole millions ("1 000 000 de jours").
	million := n != 0 && n%1_000_000 == 0
	switch KnownLocale(locale) {
	case "ja", "zh-CN":
		return PluralOther
	case "ar":
		return arabicPlural(n)
	case "fr", "pt-BR":
		switch {
		case n <= 1:
			return PluralOne
		case million:
			return PluralMany
		}
		return PluralOther
	case "es", "it":
		switch {
		case n == 1:
			return PluralOne
		case million:
			return PluralMany
		}
		return PluralOther
	}
	if n == 1 {
		return PluralOne
	}
	return PluralOther
}

func arabicPlural(n int64) string {
	switch r := n % 100; {
	case n == 0:
		return PluralZero
	case n == 1:
		return PluralOne
	case n == 2:
		return PluralTwo
	case r >= 3 && r <= 10:
		return PluralFew
	case r >= 11:
		return PluralMany
	}
	return PluralOther
}
