package components

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	portico "github.com/portico-dev/portico"
)

// Format formats money, numbers and dates for a locale. The wasm client has
// no ICU: the locales' symbols, patterns and month names are tables
// generated from CLDR (format_cldr.go, by tools/cldrtables), read here by a
// few lines of code rather than a locale library, which would weigh more
// in the client than all the rest of the formatting.
type Format struct {
	style localeStyle
	// keepSpaces keeps the plain spaces of English days and dates, which
	// its texts and their overrides were written around; other locales
	// join a date's parts with no-break spaces, so it never breaks across
	// lines (as French typography wants).
	keepSpaces bool
	// nounsCapitalized keeps a name's capital inside a sentence (German).
	nounsCapitalized bool
	// rtl isolates amounts, for a locale written right to left (see
	// Money).
	rtl bool
}

// localeStyle is a locale's CLDR data, as format_cldr.go holds it.
type localeStyle struct {
	group, decimal, minus string
	// minGrouping is the fewest digits before the first separator: 2 in
	// Spanish, which writes 1000 but 10.000.
	minGrouping int
	// currency and negative are the money patterns: ¤ stands for the
	// currency's symbol, - for the minus sign, # for the number.
	currency, negative string
	// date, day and month are CLDR date patterns (yMMMd, MMMd, yMMM).
	date, day, month string
	months           [12]string
	// symbols are the currency symbols, by lower-case ISO code, that differ
	// from the code itself.
	symbols map[string]string
}

// NewFormat returns the formatter of a locale ("en", "fr-CA"…); unknown
// locales format as English.
func NewFormat(locale string) Format {
	l := KnownLocale(locale)
	return Format{style: localeStyles[l], keepSpaces: l == "en", rtl: Direction(l) == "rtl", nounsCapitalized: l == "de"}
}

// InSentence is a feature's name as written inside a sentence: "seats"
// for "Seats", but German nouns keep their capital ("Sitzplätze").
func (f Format) InSentence(name string) string {
	if f.nounsCapitalized {
		return name
	}
	return lowerFirst(name)
}

// minorDigits are the currencies whose amounts have other than two digits
// after the decimal point, as payment providers count minor units.
var minorDigits = map[string]int{"jpy": 0, "krw": 0, "clp": 0, "vnd": 0, "bif": 0, "djf": 0,
	"gnf": 0, "kmf": 0, "mga": 0, "pyg": 0, "rwf": 0, "ugx": 0, "vuv": 0, "xaf": 0, "xof": 0, "xpf": 0}

// Money formats minor units of a currency: "$1,290.00", "1 290,00 €".
func (f Format) Money(amount int64, currency string) string {
	code := strings.ToLower(currency)
	digits, ok := minorDigits[code]
	if !ok {
		digits = 2
	}
	symbol, ok := f.style.symbols[code]
	if !ok {
		symbol = strings.ToUpper(currency)
	}
	pattern := f.style.currency
	if amount < 0 {
		pattern, amount = f.style.negative, -amount
	}
	unit := int64(1)
	for range digits {
		unit *= 10
	}
	number := f.group(amount / unit)
	if digits > 0 {
		number += f.style.decimal + strconv.FormatInt(amount%unit+unit, 10)[1:]
	}
	if f.rtl {
		// In a right-to-left line an amount is a unit of its own (a
		// right-to-left isolate), its symbol read whole in its own
		// script's direction ("US$", "ر.س."; a first-strong isolate): else
		// the Latin letters of "US$" leave its "$" behind, and take the
		// digits of what follows the amount ("US$ · 6 يناير") with them.
		return "\u2067" + f.fill(pattern, "\u2068"+symbol+"\u2069", number) + "\u2069"
	}
	return f.fill(pattern, symbol, number)
}

// fill writes a money pattern. A symbol that ends (or starts) with a
// letter next to the number is spaced from it ("CHF 12.00", not
// "CHF12.00"), CLDR's currency spacing.
func (f Format) fill(pattern, symbol, number string) string {
	var b strings.Builder
	for i, r := range pattern {
		switch r {
		case '¤':
			b.WriteString(symbol)
			if next, _ := utf8.DecodeRuneInString(pattern[i+len("¤"):]); (next == '#' || next == '-') && !endsInSymbol(symbol, false) {
				b.WriteRune('\u00a0')
			}
		case '#':
			b.WriteString(number)
			if next, _ := utf8.DecodeRuneInString(pattern[i+1:]); next == '¤' && !endsInSymbol(symbol, true) {
				b.WriteRune('\u00a0')
			}
		case '-':
			b.WriteString(f.style.minus)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// endsInSymbol reports whether a currency sign's character next to the
// number (its first when the number comes before it) is a symbol ("$"),
// which needs no space, rather than a letter ("CHF").
func endsInSymbol(sign string, first bool) bool {
	r, _ := utf8.DecodeLastRuneInString(sign)
	if first {
		r, _ = utf8.DecodeRuneInString(sign)
	}
	return unicode.IsSymbol(r)
}

// M formats a Money.
func (f Format) M(m portico.Money) string { return f.Money(m.Amount, m.Currency) }

// Number formats an integer with the locale's digit grouping.
func (f Format) Number(n int64) string {
	if n < 0 {
		return f.style.minus + f.group(-n)
	}
	return f.group(n)
}

func (f Format) group(n int64) string {
	s := strconv.FormatInt(n, 10)
	if len(s) < 3+f.style.minGrouping {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(f.style.group)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Date formats a day: "Jan 2, 2026", "2 janv. 2026". Dates show in UTC, the
// time billing periods are kept in, so every viewer sees the same day.
func (f Format) Date(t time.Time) string { return f.pattern(f.style.date, t, f.keepSpaces) }

// Day formats a day without its year: "Jan 2", "2 janv.".
func (f Format) Day(t time.Time) string { return f.pattern(f.style.day, t, f.keepSpaces) }

// Month formats a month: "Jan 2026", "janv. 2026".
func (f Format) Month(t time.Time) string { return f.pattern(f.style.month, t, false) }

// pattern writes a CLDR date pattern: d and dd the day, M and MM the
// month's number, MMM its abbreviated name, y the year, 'quoted' text as
// it is; spaces become no-break spaces unless keepSpaces.
func (f Format) pattern(p string, t time.Time, keepSpaces bool) string {
	t = t.UTC()
	var b strings.Builder
	for i := 0; i < len(p); {
		c, run := p[i], 1
		for i+run < len(p) && p[i+run] == c {
			run++
		}
		switch c {
		case 'd', 'M', 'y':
			b.WriteString(f.field(c, run, t))
		case '\'':
			end := strings.IndexByte(p[i+1:], '\'')
			if end < 0 {
				end = len(p) - i - 1
			}
			b.WriteString(p[i+1 : i+1+end])
			run = end + 2
		case ' ':
			if !keepSpaces {
				b.WriteString(strings.Repeat("\u00a0", run))
				break
			}
			b.WriteString(p[i : i+run])
		default:
			b.WriteString(p[i : i+run])
		}
		i += run
	}
	return b.String()
}

func (f Format) field(c byte, width int, t time.Time) string {
	switch {
	case c == 'y':
		return strconv.Itoa(t.Year())
	case c == 'M' && width >= 3:
		return f.style.months[t.Month()-1]
	}
	n := t.Day()
	if c == 'M' {
		n = int(t.Month())
	}
	if width == 2 && n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
