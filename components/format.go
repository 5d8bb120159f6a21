package components

import (
	"strconv"
	"strings"
	"time"

	portico "github.com/portico-dev/portico"
)

// Format formats money, numbers and dates for a locale. The wasm client has
// no ICU, so the few locales Portico ships are described here.
type Format struct {
	lang string
}

// NewFormat returns the formatter of a locale ("en", "fr-CA"…); unknown
// locales format as English.
func NewFormat(locale string) Format {
	lang, _, _ := strings.Cut(strings.ToLower(locale), "-")
	if _, ok := numberStyles[lang]; !ok {
		lang = "en"
	}
	return Format{lang: lang}
}

type numberStyle struct {
	group, decimal string
	symbolAfter    bool // "29,00 €" rather than "€29.00"
}

var numberStyles = map[string]numberStyle{
	"en": {group: ",", decimal: "."},
	"fr": {group: "\u202f", decimal: ",", symbolAfter: true},
}

// currencies: symbol and minor-unit digits; others show their ISO code.
var currencies = map[string]struct {
	symbol string
	digits int
}{
	"usd": {"$", 2}, "eur": {"€", 2}, "gbp": {"£", 2}, "jpy": {"¥", 0}, "cad": {"CA$", 2},
	"aud": {"A$", 2}, "chf": {"CHF", 2}, "inr": {"₹", 2}, "sek": {"kr", 2}, "krw": {"₩", 0},
}

// Money formats minor units of a currency: "$1,290.00", "1 290,00 €".
func (f Format) Money(amount int64, currency string) string {
	c, ok := currencies[strings.ToLower(currency)]
	if !ok {
		c.symbol, c.digits = strings.ToUpper(currency), 2
	}
	st := numberStyles[f.lang]
	neg := amount < 0
	if neg {
		amount = -amount
	}
	unit := int64(1)
	for range c.digits {
		unit *= 10
	}
	s := f.group(amount / unit)
	if c.digits > 0 {
		frac := strconv.FormatInt(amount%unit+unit, 10)[1:]
		s += st.decimal + frac
	}
	if st.symbolAfter || isLetters(c.symbol) {
		s += "\u00a0" + c.symbol
	} else {
		s = c.symbol + s
	}
	if neg {
		s = "-" + s
	}
	return s
}

// M formats a Money.
func (f Format) M(m portico.Money) string { return f.Money(m.Amount, m.Currency) }

// Number formats an integer with the locale's digit grouping.
func (f Format) Number(n int64) string {
	if n < 0 {
		return "-" + f.group(-n)
	}
	return f.group(n)
}

func (f Format) group(n int64) string {
	s := strconv.FormatInt(n, 10)
	sep := numberStyles[f.lang].group
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

var months = map[string][12]string{
	"en": {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
	"fr": {"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."},
}

// Date formats a day: "Jan 2, 2026", "2 janv. 2026". Dates show in UTC, the
// time billing periods are kept in, so every viewer sees the same day.
func (f Format) Date(t time.Time) string {
	t = t.UTC()
	m := months[f.lang][t.Month()-1]
	if f.lang == "fr" {
		return strconv.Itoa(t.Day()) + "\u00a0" + m + "\u00a0" + strconv.Itoa(t.Year())
	}
	return m + " " + strconv.Itoa(t.Day()) + ", " + strconv.Itoa(t.Year())
}

// Day formats a day without its year: "Jan 2", "2 janv.".
func (f Format) Day(t time.Time) string {
	t = t.UTC()
	m := months[f.lang][t.Month()-1]
	if f.lang == "fr" {
		return strconv.Itoa(t.Day()) + "\u00a0" + m
	}
	return m + " " + strconv.Itoa(t.Day())
}

// Month formats a month: "Jan 2026", "janv. 2026".
func (f Format) Month(t time.Time) string {
	t = t.UTC()
	return months[f.lang][t.Month()-1] + "\u00a0" + strconv.Itoa(t.Year())
}

// isLetters reports whether a currency sign is a word ("CHF", "kr"), which
// reads after the amount.
func isLetters(s string) bool {
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') {
			return false
		}
	}
	return s != ""
}
