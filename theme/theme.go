// Package theme is the portal's look as data: a palette (light, and
// optionally dark), typography, layout, corner radius, shadows and custom
// CSS. Like Stripe's Appearance API, a theme is variables plus rules: the
// variables become CSS custom properties that the components' stylesheet
// reads, and custom CSS adds rules on top.
package theme

import (
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"
)

// Theme is a portal theme. Empty fields take the default's value.
type Theme struct {
	// Schema is the URL of the theme's JSON Schema ("$schema"), which lets
	// editors complete and check a theme file; nothing else reads it.
	Schema string `json:"$schema,omitempty"`
	// Mode picks the palette: "light" (default), "dark", or "auto" to
	// follow the viewer's system setting. An embedded portal stays light
	// unless asked, so it never clashes with a light host page.
	Mode       string     `json:"mode,omitempty"`
	Palette    Palette    `json:"palette"`
	Dark       *Palette   `json:"dark,omitempty"`
	Typography Typography `json:"typography"`
	Layout     Layout     `json:"layout"`
	Radius     string     `json:"radius,omitempty"`
	Shadows    Shadows    `json:"shadows"`
	// CustomCSS is appended after the generated rules.
	CustomCSS string `json:"customCss,omitempty"`
}

// Palette holds colours as CSS colour values.
type Palette struct {
	Primary    string `json:"primary,omitempty"`
	OnPrimary  string `json:"onPrimary,omitempty"`
	Background string `json:"background,omitempty"`
	Surface    string `json:"surface,omitempty"`
	Text       string `json:"text,omitempty"`
	TextMuted  string `json:"textMuted,omitempty"`
	Border     string `json:"border,omitempty"`
	Highlight  string `json:"highlight,omitempty"`
	Success    string `json:"success,omitempty"`
	Warning    string `json:"warning,omitempty"`
	Danger     string `json:"danger,omitempty"`
	SubtleFill string `json:"subtleFill,omitempty"`
}

// Typography holds font settings.
type Typography struct {
	FontFamily    string `json:"fontFamily,omitempty"`
	FontSize      string `json:"fontSize,omitempty"`
	HeadingWeight string `json:"headingWeight,omitempty"`
	TitleSize     string `json:"titleSize,omitempty"`
	SectionSize   string `json:"sectionSize,omitempty"`
}

// Layout holds sizes and alignment.
type Layout struct {
	MaxWidth       string `json:"maxWidth,omitempty"`
	Spacing        string `json:"spacing,omitempty"`
	Alignment      string `json:"alignment,omitempty"` // left | center
	PlanCardWidth  string `json:"planCardWidth,omitempty"`
	SectionPadding string `json:"sectionPadding,omitempty"`
}

// Shadows holds box shadows.
type Shadows struct {
	Card  string `json:"card,omitempty"`
	Popup string `json:"popup,omitempty"`
}

// Default is Portico's built-in theme.
func Default() Theme {
	return Theme{
		Palette: Palette{
			Primary: "#4f46e5", OnPrimary: "#ffffff", Background: "#f6f7fb", Surface: "#ffffff",
			Text: "#111827", TextMuted: "#636a77", Border: "#e5e7eb", Highlight: "#eef2ff",
			Success: "#046f50", Warning: "#a34e08", Danger: "#c81e1e", SubtleFill: "#f3f4f6",
		},
		Dark: &Palette{
			Primary: "#818cf8", OnPrimary: "#0b1020", Background: "#0b1020", Surface: "#121a2f",
			Text: "#e5e7eb", TextMuted: "#9ca3af", Border: "#24304d", Highlight: "#1e2550",
			Success: "#34d399", Warning: "#fbbf24", Danger: "#f87171", SubtleFill: "#1a2340",
		},
		Typography: Typography{
			FontFamily: `Inter, "Segoe UI", system-ui, -apple-system, Roboto, "Helvetica Neue", Arial, sans-serif`,
			FontSize:   "15px", HeadingWeight: "600", TitleSize: "24px", SectionSize: "17px",
		},
		Layout: Layout{MaxWidth: "1040px", Spacing: "16px", Alignment: "left", PlanCardWidth: "210px", SectionPadding: "24px"},
		Radius: "12px",
		Shadows: Shadows{
			Card:  "0 1px 2px rgba(16,24,40,.06), 0 1px 3px rgba(16,24,40,.10)",
			Popup: "0 20px 50px rgba(16,24,40,.25)",
		},
	}
}

// Merged returns t with every empty field taken from the default theme,
// but for the dark palette's brand colours: a theme that sets the primary
// colour and leaves the dark one empty keeps its brand in dark mode too
// (see brandInDark).
func (t Theme) Merged() Theme {
	d := Default()
	t.Dark = t.brandInDark()
	mergeStrings(&t.Palette, d.Palette)
	mergeStrings(&t.Typography, d.Typography)
	mergeStrings(&t.Layout, d.Layout)
	mergeStrings(&t.Shadows, d.Shadows)
	if t.Radius == "" {
		t.Radius = d.Radius
	}
	if t.Mode == "" {
		t.Mode = "light"
	}
	dark := *d.Dark
	if t.Dark != nil {
		dark = *t.Dark
		mergeStrings(&dark, *d.Dark)
	}
	t.Dark = &dark
	return t
}

// brandInDark is the dark palette as set, its primary colour and the text
// on it taken from the light palette when the theme sets a primary colour
// there and none in the dark palette. The pair goes together: the text
// colour was chosen to read on that primary. Without it, dark mode would
// show the default's indigo in place of the brand.
func (t Theme) brandInDark() *Palette {
	if t.Palette.Primary == "" || t.Dark != nil && t.Dark.Primary != "" {
		return t.Dark
	}
	dark := Palette{}
	if t.Dark != nil {
		dark = *t.Dark
	}
	dark.Primary = t.Palette.Primary
	if dark.OnPrimary == "" {
		dark.OnPrimary = t.Palette.OnPrimary
		if dark.OnPrimary == "" {
			dark.OnPrimary = Default().Palette.OnPrimary
		}
	}
	return &dark
}

// mergeStrings fills the empty string fields of the group dst points to
// from def, a group of the same type; the theme's groups hold only
// strings. It takes any rather than a type parameter: with reflection in
// its body, a generic function is compiled again for each group, and the
// web clients carry every copy.
func mergeStrings(dst, def any) {
	d, f := reflect.ValueOf(dst).Elem(), reflect.ValueOf(def)
	for i := range d.NumField() {
		if d.Field(i).Kind() == reflect.String && d.Field(i).String() == "" {
			d.Field(i).Set(f.Field(i))
		}
	}
}

// unsafeCSS matches what could end a declaration or a style element early.
var unsafeCSS = regexp.MustCompile(`[;{}<>]|/\*|\*/`)

// values lists each variable with its CSS custom property name.
func (t Theme) values() map[string]string {
	p := t.Palette
	return map[string]string{
		"primary": p.Primary, "on-primary": p.OnPrimary, "background": p.Background, "surface": p.Surface,
		"text": p.Text, "text-muted": p.TextMuted, "border": p.Border, "highlight": p.Highlight,
		"success": p.Success, "warning": p.Warning, "danger": p.Danger, "subtle": p.SubtleFill,
		"font-family": t.Typography.FontFamily, "font-size": t.Typography.FontSize,
		"heading-weight": t.Typography.HeadingWeight, "title-size": t.Typography.TitleSize,
		"section-size": t.Typography.SectionSize, "max-width": t.Layout.MaxWidth, "spacing": t.Layout.Spacing,
		"align": textAlign(t.Layout.Alignment), "plan-width": t.Layout.PlanCardWidth, "section-padding": t.Layout.SectionPadding,
		"radius": t.Radius, "shadow-card": t.Shadows.Card, "shadow-popup": t.Shadows.Popup,
	}
}

// textAlign is the CSS of a layout alignment: "left" aligns to where lines
// start, which is the right in a right-to-left locale (Arabic).
func textAlign(alignment string) string {
	if alignment == "left" {
		return "start"
	}
	return alignment
}

// CSS returns the theme as custom properties on the portal root (class
// prefix+"-root"): the light or dark palette by Mode, both under a
// prefers-color-scheme query for "auto", then the custom CSS. Unsafe values
// are left out.
func (t Theme) CSS(prefix string) string {
	t = t.Merged()
	var b strings.Builder
	root := "." + prefix + "-root"
	vars := t.values()
	if t.Mode == "dark" {
		maps.Copy(vars, t.darkPalette())
	}
	writeVars(&b, root, prefix, vars)
	if t.Mode == "auto" {
		b.WriteString("@media (prefers-color-scheme: dark) {\n")
		writeVars(&b, root, prefix, t.darkPalette())
		b.WriteString("}\n")
	}
	if t.CustomCSS != "" && !strings.Contains(strings.ToLower(t.CustomCSS), "</style") {
		b.WriteString(t.CustomCSS)
		b.WriteString("\n")
	}
	return b.String()
}

// darkPalette is the dark palette's variables.
func (t Theme) darkPalette() map[string]string {
	dark := t
	dark.Palette = *t.Dark
	return dark.palette()
}

func (t Theme) palette() map[string]string {
	all := t.values()
	out := map[string]string{}
	for _, k := range []string{"primary", "on-primary", "background", "surface", "text", "text-muted", "border", "highlight", "success", "warning", "danger", "subtle"} {
		out[k] = all[k]
	}
	return out
}

func writeVars(b *strings.Builder, selector, prefix string, vars map[string]string) {
	b.WriteString(selector + " {\n")
	for _, k := range slices.Sorted(maps.Keys(vars)) {
		v := vars[k]
		if v == "" || unsafeCSS.MatchString(v) {
			continue
		}
		fmt.Fprintf(b, "  --%s-%s: %s;\n", prefix, k, v)
	}
	b.WriteString("}\n")
}
