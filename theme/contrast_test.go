package theme

import (
	"math"
	"strings"
	"testing"
)

// The ratios are WCAG's: the extremes, and pairs axe-core measured on the
// portal with the earlier default theme.
func TestContrastIsWCAGsRatio(t *testing.T) {
	for _, c := range []struct {
		text, on string
		want     float64
	}{
		{"#000", "#fff", 21},
		{"white", "WHITE", 1},
		{"#777777", "#ffffff", 4.48},
		{"#6b7280", "#f3f4f6", 4.39}, // the old muted text on unselected options
		{"#059669", "#dcf0ea", 3.17}, // the old green badges
		{"#d97706", "#faecdc", 2.74}, // the old trial badge
		{"rgb(107 114 128)", "hsl(220, 14.3%, 95.9%)", 4.39},
		{"rgba(0, 0, 0, 0.5)", "#ffffff", 3.98}, // translucent text over its background
		{"#000000", "rgb(0 0 0 / 0%)", 21},      // a transparent background is white
	} {
		got, ok := pairRatio(c.text, c.on)
		if !ok || math.Abs(got-c.want) > 0.01 {
			t.Errorf("contrast of %s on %s = %.3f (%v), want %.2f", c.text, c.on, got, ok, c.want)
		}
	}
	if _, ok := pairRatio("currentcolor", "#fff"); ok {
		t.Error("currentcolor has a contrast: it cannot be placed")
	}
}

// pairRatio is the contrast of text on a background through a one-pair
// palette, as the warnings measure it.
func pairRatio(text, on string) (float64, bool) {
	pr := textPair{text: field("text"), on: field("background")}
	return pr.contrast(Palette{Text: text, Background: on})
}

// The built-in theme passes every pair it draws, light and dark: the
// portal's axe checks hold for any page drawn with it.
func TestDefaultThemeMeetsWCAGContrast(t *testing.T) {
	for _, mode := range []string{"light", "dark", "auto"} {
		th := Default()
		th.Mode = mode
		if w := th.ContrastWarnings(); len(w) > 0 {
			t.Errorf("mode %s: %v", mode, w)
		}
	}
}

// A brand colour too light for text is named, with the pair, the ratio,
// where it shows, and a colour of the same hue, just dark enough, that
// passes every pair the colour is in.
func TestWarningsSuggestTheNearestPassingColour(t *testing.T) {
	th := Theme{Palette: Palette{Success: "#22c55e", Warning: "#d97706"}}
	warnings := th.ContrastWarnings()
	if len(warnings) != 2 {
		t.Fatalf("warnings = %v, want one for palette.success and one for palette.warning", warnings)
	}
	w := warnings[0]
	if w.Field != "palette.success" || w.Against != "palette.success at 14% on palette.surface" || w.Need != 4.5 ||
		w.Ratio >= 2.5 || !strings.Contains(w.Where, "badges") {
		t.Errorf("warning = %+v", w)
	}
	if s := w.String(); !strings.HasPrefix(s, "palette.success on palette.success at 14% on palette.surface: 2.") ||
		!strings.HasSuffix(s, "; try "+w.Suggest) {
		t.Errorf("String() = %q", s)
	}
	if warnings[1].Field != "palette.warning" || warnings[1].Ratio != 2.74 {
		t.Errorf("second warning = %+v, want palette.warning at 2.74:1", warnings[1])
	}

	before, _ := parseColour("#22c55e")
	after, ok := parseColour(w.Suggest)
	if !ok {
		t.Fatalf("suggestion %q is not a colour", w.Suggest)
	}
	h0, s0, l0 := before.hsl()
	h1, s1, l1 := after.hsl()
	if math.Abs(h0-h1) > 2 || math.Abs(s0-s1) > 0.03 || l1 >= l0 {
		t.Errorf("suggestion %s (hsl %.0f %.2f %.2f) is not %s darkened (hsl %.0f %.2f %.2f)", w.Suggest, h1, s1, l1, "#22c55e", h0, s0, l0)
	}
	th.Palette.Success = w.Suggest
	for _, again := range th.ContrastWarnings() {
		if again.Field == "palette.success" {
			t.Errorf("with the suggestion applied: %v", again)
		}
	}
	// One step lighter fails: the suggestion is the nearest.
	lighter, _ := parseHex(fromHSL(h1, s1, l1+0.01).hexString())
	th.Palette.Success = lighter.hexString()
	if ws := th.ContrastWarnings(); len(ws) == 0 || ws[0].Field != "palette.success" {
		t.Errorf("%s, a step lighter than the suggestion, passes: the suggestion is not the nearest", lighter.hexString())
	}
}

// Text drawn in a fixed or inverse colour moves the background: a danger
// colour too light under the surface's text is the one to change.
func TestAColourUnderInverseTextIsTheOneToChange(t *testing.T) {
	th := Theme{Palette: Palette{Danger: "#fca5a5"}}
	var got *ContrastWarning
	for _, w := range th.ContrastWarnings() {
		if w.Where == "danger buttons" || w.Field == "palette.danger" {
			got = &w
		}
	}
	if got == nil || got.Field != "palette.danger" {
		t.Fatalf("warnings = %v, want one for palette.danger", th.ContrastWarnings())
	}
	th.Palette.Danger = got.Suggest
	if ws := th.ContrastWarnings(); len(ws) != 0 {
		t.Errorf("with the suggested danger %s: %v", got.Suggest, ws)
	}
}

// The dark palette is checked only when the mode draws it, and named
// dark.… when it is.
func TestDarkPaletteIsCheckedWhenTheModeUsesIt(t *testing.T) {
	th := Theme{Dark: &Palette{TextMuted: "#3a3f4b"}}
	if w := th.ContrastWarnings(); len(w) != 0 {
		t.Errorf("light mode warns about the dark palette: %v", w)
	}
	th.Mode = "auto"
	w := th.ContrastWarnings()
	if len(w) != 1 || w[0].Field != "dark.textMuted" || !strings.HasPrefix(w[0].Against, "dark.") {
		t.Fatalf("auto mode: %v, want one warning for dark.textMuted", w)
	}
	if got, _ := parseColour(w[0].Suggest); got.luminance() <= 0.05 {
		t.Errorf("on a dark background the suggestion %s should be lighter", w[0].Suggest)
	}
}

// Colours that cannot be placed are left out, not reported.
func TestUnplaceableColoursAreSkipped(t *testing.T) {
	th := Theme{Palette: Palette{Text: "currentcolor", TextMuted: "transparent"}}
	for _, w := range th.ContrastWarnings() {
		if w.Field == "palette.text" || w.Field == "palette.textMuted" {
			t.Errorf("warned about a colour that cannot be placed: %v", w)
		}
	}
}

// Every colour name a theme accepts has a value to measure.
func TestEveryNamedColourCanBeMeasured(t *testing.T) {
	for _, name := range namedColours {
		if name == "transparent" || name == "currentcolor" {
			continue
		}
		if _, ok := parseColour(name); !ok {
			t.Errorf("%s is accepted by IsColour but has no value", name)
		}
	}
}
