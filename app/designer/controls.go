package designer

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/portico-dev/portico/theme"
)

// Kinds of control.
const (
	kindColour = iota // a colour picker and a text field
	kindLength        // a slider and a text field
	kindChoice        // radio buttons
	kindText          // a text field, with presets when given
	kindCSS           // a text area
)

// control edits one theme value, named by its JSON path as theme.Validate
// names it.
type control struct {
	path, label, hint string
	kind              int
	min, max, step    int      // the slider's range
	unit              string   // the slider's unit: "px", or "" for a number
	choices           []string // radio values, or preset names and values
}

// group is a titled set of controls.
type group struct {
	title    string
	open     bool
	controls []control
}

func colours(at string) []control {
	names := []string{"primary", "Primary", "onPrimary", "Text on primary", "background", "Page background",
		"surface", "Surface (cards)", "text", "Text", "textMuted", "Muted text", "border", "Border",
		"highlight", "Highlight", "success", "Success", "warning", "Warning", "danger", "Danger", "subtleFill", "Subtle fill"}
	out := make([]control, 0, len(names)/2)
	for i := 0; i < len(names); i += 2 {
		out = append(out, control{path: at + "." + names[i], label: names[i+1], kind: kindColour})
	}
	return out
}

func px(path, label string, lo, hi int) control {
	return control{path: path, label: label, kind: kindLength, min: lo, max: hi, step: 1, unit: "px"}
}

var shadowPresets = []string{
	"None", "none",
	"Soft", "0 1px 2px rgba(16,24,40,.06), 0 1px 3px rgba(16,24,40,.10)",
	"Raised", "0 4px 12px rgba(16,24,40,.12)",
	"Deep", "0 20px 50px rgba(16,24,40,.25)",
}

// groups are the designer's controls, one for each theme value.
var groups = []group{
	{title: "Mode and colours", open: true, controls: append([]control{
		{path: "mode", label: "Mode", kind: kindChoice, choices: []string{"light", "dark", "auto"},
			hint: "Dark uses the dark palette; auto follows the viewer's system setting."},
	}, colours("palette")...)},
	{title: "Dark palette", controls: colours("dark")},
	{title: "Typography", open: true, controls: []control{
		{path: "typography.fontFamily", label: "Font family", kind: kindText, choices: []string{
			"Inter", `Inter, "Segoe UI", system-ui, -apple-system, Roboto, "Helvetica Neue", Arial, sans-serif`,
			"System", `system-ui, -apple-system, "Segoe UI", Roboto, sans-serif`,
			"Humanist", `"Gill Sans", "Segoe UI", Candara, "Trebuchet MS", sans-serif`,
			"Serif", `Georgia, Cambria, "Times New Roman", serif`,
			"Monospace", `ui-monospace, SFMono-Regular, Menlo, Consolas, monospace`,
		}},
		px("typography.fontSize", "Font size", 11, 22),
		px("typography.titleSize", "Title size", 14, 44),
		px("typography.sectionSize", "Section title size", 12, 30),
		{path: "typography.headingWeight", label: "Heading weight", kind: kindLength, min: 100, max: 900, step: 50},
	}},
	{title: "Layout", controls: []control{
		{path: "layout.alignment", label: "Alignment", kind: kindChoice, choices: []string{"left", "center"}},
		px("layout.maxWidth", "Maximum width", 480, 1600),
		px("layout.planCardWidth", "Plan card width", 150, 400),
		px("layout.spacing", "Spacing", 0, 48),
		px("layout.sectionPadding", "Section padding", 0, 56),
	}},
	{title: "Shape and shadows", controls: []control{
		px("radius", "Corner radius", 0, 32),
		{path: "shadows.card", label: "Card shadow", kind: kindText, choices: shadowPresets},
		{path: "shadows.popup", label: "Popup shadow", kind: kindText, choices: shadowPresets},
	}},
	{title: "Custom CSS", controls: []control{
		{path: "customCss", label: "Custom CSS", kind: kindCSS,
			hint: "Added after the generated rules: restyle the documented class hooks, such as .portico-plan-card."},
	}},
}

// controls lists every control, in order.
func controls() []control {
	var out []control
	for _, g := range groups {
		out = append(out, g.controls...)
	}
	return out
}

// field points at the theme value at a JSON path ("palette.primary"),
// making the dark palette if needed; nil for an unknown path.
func field(t *theme.Theme, path string) *string {
	v := reflect.ValueOf(t).Elem()
	for _, name := range strings.Split(path, ".") {
		if v.Kind() == reflect.Pointer {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		if v.Kind() != reflect.Struct {
			return nil
		}
		i := fieldIndex(v.Type(), name)
		if i < 0 {
			return nil
		}
		v = v.Field(i)
	}
	if v.Kind() != reflect.String {
		return nil
	}
	return v.Addr().Interface().(*string)
}

func fieldIndex(t reflect.Type, name string) int {
	for i := range t.NumField() {
		if tag, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); tag == name {
			return i
		}
	}
	return -1
}

// defaults is the default theme with every value filled in.
var defaults = theme.Default().Merged()

// get is the value at path, or "".
func get(t theme.Theme, path string) string {
	if p := field(&t, path); p != nil {
		return *p
	}
	return ""
}

// controlID is the ID of a control's main field.
func controlID(path string) string { return "pd-" + strings.ReplaceAll(path, ".", "-") }

// renderControl draws a control with its label and, beside it, its error
// or hint; pickers, sliders and radios show the value in shown, the
// preview's theme. The page's delegated input handler reads data-path (and
// the slider's data-unit) to apply each change at once.
func (p *Page) renderControl(c control, shown *theme.Theme) app.UI {
	id := controlID(c.path)
	value := get(p.draft, c.path)
	msg, bad := p.errs[c.path]
	current := get(*shown, c.path)
	note, noteID := c.hint, id+"-hint"
	if bad {
		note, noteID = msg, id+"-error"
	}
	if note == "" {
		noteID = ""
	}
	warning, weak := p.contrast[c.path]
	weak = weak && !bad
	describedBy := noteID
	if weak {
		describedBy = strings.TrimSpace(noteID + " " + id + "-contrast")
	}
	common := []string{"id", id, "data-path", c.path, "aria-invalid", strconv.FormatBool(bad), "aria-describedby", describedBy,
		"spellcheck", "false"}
	text := func() app.UI {
		return void("input", append(common, "type", "text", "class", "pd-text", "autocomplete", "off",
			"value", value, "placeholder", get(defaults, c.path)))
	}
	var body app.UI
	switch c.kind {
	case kindColour:
		body = h("div", []string{"class", "pd-row"},
			void("input", []string{"type", "color", "class", "pd-swatch", "data-path", c.path,
				"value", hexOf(current), "aria-label", c.label + " colour picker"}),
			text())
	case kindLength:
		body = h("div", []string{"class", "pd-row"},
			void("input", []string{"type", "range", "class", "pd-range", "data-path", c.path, "data-unit", c.unit,
				"min", strconv.Itoa(c.min), "max", strconv.Itoa(c.max), "step", strconv.Itoa(c.step),
				"value", strconv.Itoa(sliderValue(current, c)), "aria-label", c.label + " slider"}),
			text())
	case kindChoice:
		radios := make([]app.UI, 0, len(c.choices))
		for _, v := range c.choices {
			radios = append(radios, h("label", nil,
				void("input", []string{"type", "radio", "name", id, "value", v, "data-path", c.path, "checked", on(current == v)}),
				h("span", nil, app.Text(v))))
		}
		return h("div", []string{"class", "pd-field", "role", "radiogroup", "aria-labelledby", id + "-label",
			"aria-describedby", noteID},
			h("span", []string{"id", id + "-label", "class", "pd-label"}, app.Text(c.label)),
			h("div", []string{"class", "pd-seg"}, radios...),
			p.note(noteID, bad, note))
	case kindText:
		var presets app.UI
		if len(c.choices) > 0 {
			// The preset the value is, else a placeholder that cannot be
			// chosen, so the arrow keys step through the presets.
			options := []app.UI{nil}
			custom := "true"
			for i := 0; i < len(c.choices); i += 2 {
				options = append(options, h("option", []string{"value", c.choices[i+1], "selected", on(value == c.choices[i+1])},
					app.Text(c.choices[i])))
				if value == c.choices[i+1] {
					custom = ""
				}
			}
			options[0] = h("option", []string{"value", "", "disabled", "true", "selected", custom}, app.Text("Presets…"))
			presets = h("select", []string{"class", "pd-preset", "data-path", c.path, "aria-label", c.label + " presets"}, options...)
		}
		body = h("div", []string{"class", "pd-row"}, text(), presets)
	case kindCSS:
		body = textArea(append(common, "class", "pd-area", "rows", "8",
			"placeholder", ".portico-plan-card { border-width: 2px; }"), value)
	}
	var contrast app.UI
	if weak {
		contrast = contrastNote(id, c.path, warning)
	}
	return h("div", []string{"class", "pd-field"},
		h("label", []string{"for", id, "class", "pd-label"}, app.Text(c.label)),
		body,
		p.note(noteID, bad, note),
		contrast)
}

// contrastNote warns that a colour's text falls under WCAG 2.2 AA's
// contrast, where, and offers the nearest colour that passes.
func contrastNote(id, path string, w theme.ContrastWarning) app.UI {
	text := fmt.Sprintf("Contrast %.2f:1, under the %.1f:1 text needs, for %s (against %s).", w.Ratio, w.Need, w.Where, w.Against)
	return h("div", []string{"id", id + "-contrast", "class", "pd-warning"},
		h("p", nil, app.Text(text)),
		h("button", []string{"type", "button", "class", "pd-button pd-suggest", "data-action", "contrast",
			"data-path", path, "data-value", w.Suggest, "aria-label", "Use " + w.Suggest + " for " + path},
			h("span", []string{"class", "pd-suggest-swatch", "style", "background:" + w.Suggest, "aria-hidden", "true"}),
			app.Text("Use "+w.Suggest)))
}

// contrastByPath is the theme's contrast warnings by the colour to change.
func contrastByPath(t theme.Theme) map[string]theme.ContrastWarning {
	out := map[string]theme.ContrastWarning{}
	for _, w := range t.ContrastWarnings() {
		out[w.Field] = w
	}
	return out
}

// note is a control's error, else its hint.
func (p *Page) note(id string, bad bool, text string) app.UI {
	if text == "" {
		return nil
	}
	class := "pd-hint"
	if bad {
		class = "pd-error"
	}
	return h("p", []string{"id", id, "class", class}, app.Text(text))
}

// sliderValue places a length on a control's slider: px as they are, rem
// and em at 16px.
func sliderValue(v string, c control) int {
	v = strings.TrimSpace(v)
	scale := 1.0
	if n, ok := strings.CutSuffix(v, "px"); ok {
		v = n
	} else if n, ok := strings.CutSuffix(v, "em"); ok {
		v, scale = strings.TrimSuffix(n, "r"), 16
	}
	switch v {
	case "bold":
		return 700
	case "normal":
		return 400
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return (c.min + c.max) / 2
	}
	return min(max(int(f*scale+0.5), c.min), c.max)
}

// hexOf is a colour as #rrggbb, for the colour picker, which takes nothing
// else: hex colours are converted here, other colours by the browser's
// canvas; the alpha is dropped.
func hexOf(v string) string {
	v = strings.TrimSpace(v)
	if h, ok := hex(v); ok {
		return h
	}
	if app.IsClient {
		if canvas == nil {
			canvas = app.Window().Get("document").Call("createElement", "canvas").Call("getContext", "2d")
		}
		canvas.Set("fillStyle", "#000000")
		canvas.Set("fillStyle", v)
		s := canvas.Get("fillStyle").String()
		if h, ok := hex(s); ok {
			return h
		}
		// rgba(r, g, b, a), for translucent colours.
		if parts := strings.Split(strings.Trim(s, "rgba()"), ","); len(parts) == 4 {
			out := "#"
			for _, part := range parts[:3] {
				n, _ := strconv.Atoi(strings.TrimSpace(part))
				out += hexByte(n)
			}
			return out
		}
	}
	return "#000000"
}

var canvas app.Value

// hex expands #rgb, #rgba, #rrggbb and #rrggbbaa to #rrggbb.
func hex(v string) (string, bool) {
	if len(v) < 4 || v[0] != '#' {
		return "", false
	}
	if _, err := strconv.ParseUint(v[1:], 16, 32); err != nil {
		return "", false
	}
	v = strings.ToLower(v)
	switch len(v) {
	case 4, 5:
		return "#" + v[1:2] + v[1:2] + v[2:3] + v[2:3] + v[3:4] + v[3:4], true
	case 7, 9:
		return v[:7], true
	}
	return "", false
}

func hexByte(n int) string {
	const digits = "0123456789abcdef"
	n = min(max(n, 0), 255)
	return string([]byte{digits[n>>4], digits[n&15]})
}
