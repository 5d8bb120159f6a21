// Package designer is Portico's live theme designer: a go-app page with a
// control for every theme value and, beside them, the real components
// drawn with the theme on demo data. It imports and exports theme JSON and
// keeps the theme in the URL's fragment, so a link shares it.
//
// The page runs in the same wasm client as the portal: it reads its demo
// data from samples embedded in the package (see Sample), never from a
// server session, and imports none of the server's packages.
package designer

import (
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/components"
	"github.com/portico-dev/portico/theme"
)

// Widgets the preview can show.
const (
	WidgetPortal  = "portal"
	WidgetPaywall = "paywall"
	WidgetUsage   = "usage"
)

// widgets are the widgets' values and names.
var widgets = []string{WidgetPortal, "Full portal", WidgetPaywall, "Paywall", WidgetUsage, "Usage"}

// themeID holds the server's theme in the prerendered page, so the
// browser starts from the same one.
const themeID = "portico-designer-theme"

// Path is the designer's page.
const Path = "/designer"

// Route registers the designer with go-app; serverTheme is the theme the
// server draws its pages with, read when a page is made (nil: the default).
func Route(serverTheme func() theme.Theme) {
	app.Route(Path, func() app.Composer {
		th := theme.Default()
		if serverTheme != nil {
			th = serverTheme()
		}
		return &Page{Server: th}
	})
}

// Page is the designer. Server is the theme the server draws its pages
// with: the designer starts from it, unless the URL carries another.
type Page struct {
	app.Compo
	Server theme.Theme

	base  theme.Theme       // the starting theme, merged with the default
	draft theme.Theme       // the values as typed, valid or not
	good  theme.Theme       // each value's last valid value: what the preview shows
	errs  map[string]string // the draft's invalid values by JSON path

	widget, state string
	sources       map[string]*source

	contrast map[string]theme.ContrastWarning // the shown theme's, by the colour to change

	importText string
	importErrs []string
	status     string
	fragment   string  // the URL fragment last read or written
	url        url.URL // the page's URL, when the server renders it
}

// OnInit starts from the server's theme (as the page carried it, in the
// browser), then from the URL's fragment if it holds a theme.
func (p *Page) OnInit() {
	base := p.Server
	if app.IsClient {
		var carried theme.Theme
		if components.ReadPrerendered(themeID, &carried) {
			base = carried
		}
	}
	p.base = base.Merged()
	p.widget, p.state = WidgetPortal, States[0].ID
	p.load(p.base)
	if !app.IsClient {
		return
	}
	if frag := app.Window().URL().Fragment; frag != "" && p.restore(frag) && p.state != States[0].ID {
		// The server rendered the first state: its data must not seed the
		// preview of another.
		for _, id := range []string{"portico-prerendered-data", "portico-prerendered-paywall"} {
			if el := app.Window().GetElementByID(id); el.Truthy() {
				el.Call("remove")
			}
		}
	}
}

func (p *Page) OnPreRender(ctx app.Context) {
	ctx.Page().SetTitle("Theme designer")
	p.url = *ctx.Page().URL()
}

// OnNav restores the state from a fragment the viewer changed by hand.
func (p *Page) OnNav(ctx app.Context) {
	ctx.Page().SetTitle("Theme designer")
	if !app.IsClient {
		return
	}
	if frag := app.Window().URL().Fragment; frag != "" && frag != p.fragment && p.restore(frag) {
		p.syncFields(ctx)
	}
}

// load puts a theme in every control and checks it. Values it leaves
// invalid show the starting theme's.
func (p *Page) load(t theme.Theme) {
	p.draft, p.good = clone(t), clone(p.base)
	p.check()
}

// clone copies a theme, its dark palette included.
func clone(t theme.Theme) theme.Theme {
	if t.Dark != nil {
		d := *t.Dark
		t.Dark = &d
	}
	return t
}

// check validates the draft: each valid value becomes the good one.
func (p *Page) check() {
	p.errs = map[string]string{}
	var e *portico.Error
	if err := p.draft.Validate(); errors.As(err, &e) {
		for _, f := range e.Fields {
			p.errs[f.Field] = f.Message
		}
	}
	for _, c := range controls() {
		if _, bad := p.errs[c.path]; !bad {
			*field(&p.good, c.path) = get(p.draft, c.path)
		}
	}
}

// Theme is the theme the preview shows, with every value filled in.
func (p *Page) Theme() theme.Theme { return p.good.Merged() }

// themeJSON is the theme as a theme file.
func (p *Page) themeJSON() string {
	var b strings.Builder
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false) // custom CSS keeps its > selectors
	e.SetIndent("", "  ")
	_ = e.Encode(p.Theme())
	return strings.TrimSpace(b.String())
}

// parse reads a theme file as the server does (theme.Parse). A file whose
// only problems are values the theme refuses is still read, for those
// values to be flagged beside their controls; any other problem refuses
// it, with every problem named by its JSON path.
func parse(text string) (theme.Theme, error) {
	t, err := theme.Parse([]byte(text))
	var e *portico.Error
	if err == nil || !errors.As(err, &e) {
		return t, err
	}
	var lenient theme.Theme
	if json.Unmarshal([]byte(text), &lenient) != nil {
		return t, err
	}
	var values *portico.Error
	errors.As(lenient.Validate(), &values)
	for _, f := range e.Fields {
		if values == nil || !slices.Contains(values.Fields, f) {
			return t, err
		}
	}
	return lenient, nil
}

// problems lists an error's problems, "path: message" each.
func problems(err error) []string {
	var e *portico.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return []string{err.Error()}
	}
	out := make([]string, 0, len(e.Fields))
	for _, f := range e.Fields {
		out = append(out, f.Field+": "+f.Message)
	}
	return out
}

// onInput applies a change from any control, at once: controls name the
// theme value they edit in data-path; "@widget", "@state" and "@import"
// are the designer's own.
func (p *Page) onInput(ctx app.Context, e app.Event) {
	t := e.Get("target")
	path := attrOf(t, "data-path")
	if path == "" {
		return
	}
	v := t.Get("value").String() + attrOf(t, "data-unit")
	switch path {
	case "@import":
		p.importText = v
		return
	case "@widget":
		if slices.Index(widgets, v)%2 == 0 {
			p.widget = v
		}
	case "@state":
		if slices.ContainsFunc(States, func(s State) bool { return s.ID == v }) {
			p.state = v
		}
	default:
		p.set(path, v)
		if path == "palette.primary" || path == "palette.onPrimary" {
			p.syncFields(ctx) // the dark brand may have followed (carryBrand)
		}
	}
	p.share(ctx)
}

// set changes the theme value at path: applied if valid, flagged if not.
func (p *Page) set(path, v string) {
	f := field(&p.draft, path)
	if f == nil {
		return
	}
	before := p.draft.Palette
	*f = v
	p.carryBrand(path, before)
	p.check()
	p.status = ""
}

// carryBrand gives the dark palette the light palette's brand colours
// (the primary and the text on it) when one of them changes, as long as
// the dark ones are the default's or were carried before: the brand set
// here then shows in dark mode too, as theme.Theme.Merged does for a theme
// file. A dark brand set on its own stays as it is.
func (p *Page) carryBrand(path string, before theme.Palette) {
	if path != "palette.primary" && path != "palette.onPrimary" || p.draft.Dark == nil {
		return
	}
	dark, def := p.draft.Dark, theme.Default().Dark
	carried := dark.Primary == before.Primary && dark.OnPrimary == before.OnPrimary
	untouched := dark.Primary == def.Primary && dark.OnPrimary == def.OnPrimary
	if carried || untouched {
		dark.Primary, dark.OnPrimary = p.draft.Palette.Primary, p.draft.Palette.OnPrimary
	}
}

// onClick runs the designer's buttons, which name their action in
// data-action.
func (p *Page) onClick(ctx app.Context, e app.Event) {
	b := e.Get("target").Call("closest", "[data-action]")
	if !b.Truthy() {
		return
	}
	switch attrOf(b, "data-action") {
	case "reset":
		p.load(p.base)
		p.importErrs, p.status = nil, "Back to the server's theme."
		p.syncFields(ctx)
	case "link":
		p.copy(ctx, p.link(), "Link copied.", "pd-link")
		return
	case "json":
		p.copy(ctx, p.themeJSON(), "Theme JSON copied.", "pd-export")
		return
	case "import":
		if p.importTheme() {
			p.syncFields(ctx)
		}
	case "contrast":
		path := attrOf(b, "data-path")
		p.set(path, attrOf(b, "data-value"))
		p.status = path + " set to " + attrOf(b, "data-value") + "."
		p.syncFields(ctx)
		// The warning and its button go: the focus moves to the colour's field.
		ctx.Defer(func(app.Context) {
			if el := app.Window().GetElementByID(controlID(path)); el.Truthy() {
				el.Call("focus")
			}
		})
	}
	p.share(ctx)
}

// importTheme applies pasted JSON: unreadable JSON changes nothing; the
// valid values of a readable theme apply, the invalid ones are flagged.
// It reports whether the theme changed.
func (p *Page) importTheme() bool {
	t, err := parse(p.importText)
	if err != nil {
		p.importErrs, p.status = problems(err), ""
		return false
	}
	p.draft = t.Merged()
	p.check()
	p.importErrs = nil
	for _, c := range controls() {
		if msg, bad := p.errs[c.path]; bad {
			p.importErrs = append(p.importErrs, c.path+": "+msg+" (not applied)")
		}
	}
	p.status = "Theme imported."
	return true
}

// syncFields sets the fields the viewer typed in to the draft after a
// reset or an import: go-app leaves an edited field as it is when its
// value becomes empty.
func (p *Page) syncFields(ctx app.Context) {
	ctx.Defer(func(app.Context) {
		for _, c := range controls() {
			if el := app.Window().GetElementByID(controlID(c.path)); el.Truthy() {
				if v := get(p.draft, c.path); el.Get("value").String() != v {
					el.Set("value", v)
				}
			}
		}
	})
}

func attrOf(el app.Value, name string) string {
	if v := el.Call("getAttribute", name); v.Truthy() {
		return v.String()
	}
	return ""
}

func (p *Page) source() components.Source {
	if p.sources == nil {
		p.sources = map[string]*source{}
	}
	src, ok := p.sources[p.state]
	if !ok {
		src = newSource(p.state)
		p.sources[p.state] = src
	}
	return src
}

// previewTexts make the preview's refusals read as what they are.
var previewTexts = components.Texts{"actionError": "{error}"}

// frame is the preview: the real components with the theme on a state's
// demo data. A new widget or state mounts it afresh, so its provider
// loads that state, while a new theme only restyles it.
type frame struct {
	app.Compo
	Key    string
	Widget string
	Theme  theme.Theme
	Source components.Source
}

func (f *frame) CompoID() string { return f.Key }

func (f *frame) Render() app.UI {
	var ui app.UI
	switch f.Widget {
	case WidgetPaywall:
		ui = components.NewPortalProvider(f.Source).Theme(f.Theme).Texts(previewTexts).
			Body(components.NewNoticeBar(), components.NewPaywall())
	case WidgetUsage:
		ui = components.NewPortalProvider(f.Source).Theme(f.Theme).Texts(previewTexts).
			Body(components.NewNoticeBar(), components.NewUsage())
	default:
		ui = components.NewCustomerPortal(f.Source).Theme(f.Theme).Texts(previewTexts)
	}
	return h("div", []string{"class", "pd-canvas"}, ui)
}
