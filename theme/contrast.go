package theme

import (
	"fmt"
	"math"
	"reflect"
	"strings"
)

// WCAG 2.2's minimum contrast for text (success criterion 1.4.3, level AA).
const (
	MinContrast      = 4.5 // text
	MinContrastLarge = 3.0 // large text: 24px, or 18.66px bold
)

// Minimum is the contrast text needs: 3:1 when large, else 4.5:1.
func Minimum(large bool) float64 {
	if large {
		return MinContrastLarge
	}
	return MinContrast
}

// colourRef names a colour the stylesheet draws: a palette field, that
// field mixed with the surface (color-mix in srgb, tint of it), or a
// fixed colour.
type colourRef struct {
	field string // the palette's JSON name
	tint  float64
	fixed string
}

func field(name string) colourRef               { return colourRef{field: name} }
func tinted(name string, pct float64) colourRef { return colourRef{field: name, tint: pct / 100} }

// textPair is text in one colour drawn on a background in another, as
// components/stylesheet.css draws it, and where. A warning proposes to move
// the text's colour, or the background's when moveOn says so (a brand or
// state colour under fixed or inverse text).
type textPair struct {
	text, on colourRef
	where    string
	moveOn   bool
	large    bool // drawn only as large text
}

// moved is the palette field a warning about the pair proposes to change.
func (pr textPair) moved() colourRef {
	if pr.moveOn {
		return pr.on
	}
	return pr.text
}

// against is the other colour of the pair.
func (pr textPair) against() colourRef {
	if pr.moveOn {
		return pr.text
	}
	return pr.on
}

// textPairs are the text and background colours the components' stylesheet
// combines. Each is drawn as small text somewhere (12 to 17px), so each
// needs 4.5:1; a pair drawn only as large text would be marked large and
// need 3:1. Keep it in step with components/stylesheet.css.
var textPairs = []textPair{
	{text: field("text"), on: field("background"), where: "the page's header"},
	{text: field("primary"), on: field("background"), where: "the return link"},
	{text: field("text"), on: field("surface"), where: "text in sections"},
	{text: field("textMuted"), on: field("surface"), where: "secondary text"},
	{text: field("primary"), on: field("surface"), where: "links and the selected tab"},
	{text: field("onPrimary"), on: field("primary"), where: "primary buttons and plan badges"},
	{text: field("text"), on: field("subtleFill"), where: "the bill summary"},
	{text: field("textMuted"), on: field("subtleFill"), where: "unselected options and grey badges"},
	{text: field("text"), on: field("highlight"), where: "the current plan's card"},
	{text: field("textMuted"), on: field("highlight"), where: "secondary text on the current plan's card"},
	{text: field("primary"), on: field("highlight"), where: "the trial status and usage billed beyond what is included"},
	{text: field("surface"), on: field("text"), where: "the current plan's badge and the card brand", moveOn: true},
	{text: field("success"), on: field("surface"), where: "included features and account credit"},
	{text: field("success"), on: tinted("success", 14), where: "active, paid and saving badges"},
	{text: field("warning"), on: field("surface"), where: "the note that a plan is below current usage"},
	{text: field("warning"), on: tinted("warning", 14), where: "trial, near-limit and open-invoice badges"},
	{text: field("text"), on: tinted("warning", 10), where: "the scheduled change banner"},
	{text: field("danger"), on: field("surface"), where: "errors"},
	{text: field("danger"), on: tinted("danger", 12), where: "the at-limit badge"},
	{text: field("surface"), on: field("danger"), where: "danger buttons", moveOn: true},
}

// ContrastWarning is a text and background pair of the theme under the
// contrast WCAG 2.2 AA asks for, with the nearest colour that passes.
type ContrastWarning struct {
	// Field is the JSON path of the colour to change ("palette.success"),
	// Against the other colour's ("palette.surface").
	Field, Against string
	Where          string  // what the pair draws
	Ratio, Need    float64 // the contrast (rounded down), and the minimum
	// Suggest is the field's nearest colour (same hue and saturation,
	// lightness moved) that passes, as #rrggbb: where one exists, it passes
	// every pair the field is in.
	Suggest string
}

// String reads as "palette.success on palette.surface: 3.76:1, needs
// 4.5:1 (included features and account credit); try #046f50".
func (w ContrastWarning) String() string {
	return fmt.Sprintf("%s on %s: %.2f:1, needs %.1f:1 (%s); try %s", w.Field, w.Against, w.Ratio, w.Need, w.Where, w.Suggest)
}

// ContrastWarnings lists where the theme's text falls under the contrast
// WCAG 2.2 AA asks for (4.5:1, 3:1 for large text) on its background, in
// the light palette and, when the mode uses it, the dark one: one warning
// per colour to change and palette, for its lowest pair. Empty values are
// the default's; colours that cannot be placed (transparent, currentcolor)
// are skipped. The designer and `portico theme validate` both report these.
func (t Theme) ContrastWarnings() []ContrastWarning {
	m := t.Merged()
	out := paletteWarnings("palette", m.Palette)
	if m.Mode == "dark" || m.Mode == "auto" {
		out = append(out, paletteWarnings("dark", *m.Dark)...)
	}
	return out
}

// paletteWarnings checks every pair of one palette, named at in paths.
func paletteWarnings(at string, p Palette) []ContrastWarning {
	var out []ContrastWarning
	seen := map[string]int{} // moved field → index in out
	for _, pr := range textPairs {
		got, ok := pr.contrast(p)
		need := Minimum(pr.large)
		if !ok || got >= need {
			continue
		}
		w := ContrastWarning{Field: at + "." + pr.moved().field, Against: pr.against().path(at), Where: pr.where,
			Ratio: math.Floor(got*100) / 100, Need: need}
		if i, dup := seen[w.Field]; dup {
			if w.Ratio < out[i].Ratio {
				out[i] = w
			}
			continue
		}
		seen[w.Field] = len(out)
		out = append(out, w)
	}
	for i := range out {
		out[i].Suggest = suggest(p, strings.TrimPrefix(out[i].Field, at+"."))
	}
	return out
}

// suggest is the colour nearest to the palette's field that lets every
// pair the field is in pass; failing that, every pair whose warning moves
// it; failing that, the lowest such pair.
func suggest(p Palette, name string) string {
	var in, moves []textPair
	worst, low := textPair{}, math.Inf(1)
	for _, pr := range textPairs {
		if pr.text.field != name && pr.on.field != name {
			continue
		}
		in = append(in, pr)
		if pr.moved().field != name {
			continue
		}
		moves = append(moves, pr)
		if r, _ := pr.contrast(p); r/Minimum(pr.large) < low {
			worst, low = pr, r/Minimum(pr.large)
		}
	}
	start, _ := parseColour(paletteField(p, name))
	for _, set := range [][]textPair{in, moves, {worst}} {
		if c, ok := nearest(start.over(white), func(c rgba) bool { return passAll(p, name, c, set) }); ok {
			return c
		}
	}
	return start.over(white).hexString()
}

// margin is added to the minimum a suggested colour reaches, so that it
// still passes where a browser rounds the colours it mixes.
const margin = 0.02

// passAll reports whether every pair of set passes with c as the field.
func passAll(p Palette, name string, c rgba, set []textPair) bool {
	setPaletteField(&p, name, c.hexString())
	for _, pr := range set {
		if r, ok := pr.contrast(p); ok && r < Minimum(pr.large)+margin {
			return false
		}
	}
	return true
}

// nearest moves c's lightness, in steps of half a percent, both ways at
// once, keeping its hue and saturation, and returns the first colour, as
// #rrggbb, that passes; false when none does.
func nearest(c rgba, passes func(rgba) bool) (string, bool) {
	h, s, l := c.hsl()
	for step := 0.0; step <= 1; step += 0.005 {
		for _, try := range []float64{l - step, l + step} {
			if try < 0 || try > 1 {
				continue
			}
			// The colour as written (#rrggbb) is the one that must pass.
			cand, _ := parseHex(fromHSL(h, s, try).hexString())
			if passes(cand) {
				return cand.hexString(), true
			}
		}
	}
	return "", false
}

// white is what a translucent background is drawn over.
var white = rgba{1, 1, 1, 1}

// contrast is the pair's contrast in palette p: a translucent background
// over white, translucent text over its background; false when a colour
// cannot be placed.
func (pr textPair) contrast(p Palette) (float64, bool) {
	fg, okF := pr.text.resolve(p)
	bg, okB := pr.on.resolve(p)
	if !okF || !okB {
		return 0, false
	}
	bg = bg.over(white)
	return ratio(fg.over(bg), bg), true
}

// resolve is the colour the stylesheet draws; false when it cannot be
// placed. A tint is drawn opaque, as color-mix of two opaque colours.
func (r colourRef) resolve(p Palette) (rgba, bool) {
	if r.fixed != "" {
		return parseColour(r.fixed)
	}
	c, ok := parseColour(paletteField(p, r.field))
	if !ok || r.tint == 0 {
		return c, ok
	}
	surface, ok := parseColour(p.Surface)
	if !ok {
		return rgba{}, false
	}
	return c.over(white).mixed(r.tint, surface.over(white)), true
}

// path names the colour in a warning: its JSON path, with the tint.
func (r colourRef) path(at string) string {
	switch {
	case r.fixed != "":
		return r.fixed
	case r.tint != 0:
		return fmt.Sprintf("%s.%s at %.0f%% on %s.surface", at, r.field, r.tint*100, at)
	}
	return at + "." + r.field
}

// paletteField is a palette's colour by its JSON name.
func paletteField(p Palette, name string) string {
	if f, ok := paletteFieldValue(&p, name); ok {
		return f.String()
	}
	return ""
}

func setPaletteField(p *Palette, name, v string) {
	if f, ok := paletteFieldValue(p, name); ok {
		f.SetString(v)
	}
}

func paletteFieldValue(p *Palette, name string) (reflect.Value, bool) {
	v := reflect.ValueOf(p).Elem()
	for i := range v.NumField() {
		if tag, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ","); tag == name {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}
