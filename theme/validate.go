package theme

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	portico "github.com/portico-dev/portico"
)

// The value syntaxes. schema.json states the same ones as patterns, which
// editors run as JavaScript regular expressions: keep these to syntax that
// means the same in Go and in JavaScript (no \s, \d or \w; [\t\n\f\r ] is
// CSS's white space), and change both together (schema_test.go checks
// that they agree).
var (
	hexColour  = regexp.MustCompile(`^#([0-9a-fA-F]{3}|[0-9a-fA-F]{4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$`)
	funcColour = regexp.MustCompile(`^(rgb|rgba|hsl|hsla)\([0-9.%+,/deg\t\n\f\r -]+\)$`)
	length     = regexp.MustCompile(`^(0|[0-9]+(\.[0-9]+)?(px|rem|em|%|vw|vh|ch))$`)
	weight     = regexp.MustCompile(`^([1-9]00|[1-9][0-9]{2}|normal|bold)$`)
)

// cssSpace is CSS's white space, which colours and lengths may have
// around them.
const cssSpace = "\t\n\f\r "

// namedColours are the CSS colour keywords a designer is likely to use, in
// lower case; like CSS, a theme may write them in any ASCII case.
var namedColours = strings.Fields(`transparent currentcolor black white gray grey silver red maroon orange
	yellow olive lime green teal aqua cyan blue navy fuchsia magenta purple pink indigo violet gold
	brown coral crimson tomato salmon khaki beige ivory lavender plum orchid turquoise tan chocolate
	firebrick darkblue darkgreen darkred darkgray darkgrey lightgray lightgrey lightblue lightgreen
	whitesmoke gainsboro slategray slategrey dimgray dimgrey rebeccapurple royalblue steelblue
	dodgerblue deepskyblue skyblue seagreen forestgreen mediumseagreen goldenrod hotpink deeppink`)

// Validate checks every value of the theme and names each bad one by its
// JSON path ("palette.primary: not a colour"); nil when all are good.
// Empty values take the default theme's.
func (t Theme) Validate() error {
	var errs []portico.FieldError
	bad := func(path, format string, args ...any) {
		errs = append(errs, portico.FieldError{Field: path, Message: fmt.Sprintf(format, args...)})
	}
	switch t.Mode {
	case "", "light", "dark", "auto":
	default:
		bad("mode", "must be one of: light, dark, auto")
	}
	checkPalette(bad, "palette", t.Palette)
	if t.Dark != nil {
		checkPalette(bad, "dark", *t.Dark)
	}
	ty := t.Typography
	check(bad, "typography.fontFamily", ty.FontFamily, safe, "cannot hold ; { } < > or comments")
	check(bad, "typography.fontSize", ty.FontSize, isLength, "not a length such as \"15px\" or \"1rem\"")
	check(bad, "typography.titleSize", ty.TitleSize, isLength, "not a length such as \"24px\"")
	check(bad, "typography.sectionSize", ty.SectionSize, isLength, "not a length such as \"17px\"")
	check(bad, "typography.headingWeight", ty.HeadingWeight, weight.MatchString, "not a font weight (100 to 900, normal or bold)")
	l := t.Layout
	check(bad, "layout.maxWidth", l.MaxWidth, func(v string) bool { return v == "none" || isLength(v) }, "not a width such as \"1040px\", \"100%\" or none")
	check(bad, "layout.spacing", l.Spacing, isLength, "not a length such as \"16px\"")
	check(bad, "layout.sectionPadding", l.SectionPadding, isLength, "not a length such as \"24px\"")
	check(bad, "layout.planCardWidth", l.PlanCardWidth, isLength, "not a length such as \"210px\"")
	check(bad, "layout.alignment", l.Alignment, func(v string) bool { return v == "left" || v == "center" }, "must be left or center")
	check(bad, "radius", t.Radius, isLength, "not a length such as \"12px\"")
	check(bad, "shadows.card", t.Shadows.Card, safe, "cannot hold ; { } < > or comments")
	check(bad, "shadows.popup", t.Shadows.Popup, safe, "cannot hold ; { } < > or comments")
	if strings.Contains(strings.ToLower(t.CustomCSS), "</style") {
		bad("customCss", "cannot close the style element")
	}
	if len(errs) == 0 {
		return nil
	}
	return portico.Invalids(errs)
}

func checkPalette(bad func(string, string, ...any), at string, p Palette) {
	for _, c := range []struct{ name, v string }{{"primary", p.Primary}, {"onPrimary", p.OnPrimary},
		{"background", p.Background}, {"surface", p.Surface}, {"text", p.Text}, {"textMuted", p.TextMuted},
		{"border", p.Border}, {"highlight", p.Highlight}, {"success", p.Success}, {"warning", p.Warning},
		{"danger", p.Danger}, {"subtleFill", p.SubtleFill}} {
		check(bad, at+"."+c.name, c.v, IsColour, "not a colour (#rrggbb, rgb(…), hsl(…) or a colour name)")
	}
}

func check(bad func(string, string, ...any), path, v string, ok func(string) bool, msg string) {
	if v != "" && !ok(v) {
		bad(path, "%s", msg)
	}
}

// IsColour reports whether v is a CSS colour a theme accepts: a hex colour,
// rgb(…), rgba(…), hsl(…) or hsla(…), or a colour name in any ASCII case,
// with or without CSS white space around it.
func IsColour(v string) bool {
	v = strings.Trim(v, cssSpace)
	if hexColour.MatchString(v) || funcColour.MatchString(v) {
		return true
	}
	return isASCII(v) && slices.Contains(namedColours, strings.ToLower(v))
}

// isLength reports whether v is a length, with or without CSS white space
// around it.
func isLength(v string) bool { return length.MatchString(strings.Trim(v, cssSpace)) }

// isASCII reports whether v is all ASCII, which strings.ToLower then
// lowers as CSS does (and not, say, the Kelvin sign to k).
func isASCII(v string) bool {
	for i := range len(v) {
		if v[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func safe(v string) bool { return !unsafeCSS.MatchString(v) }
