package designer

import (
	"net/url"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/portico-dev/portico/components"
	"github.com/portico-dev/portico/theme"
)

func (p *Page) Render() app.UI {
	th := p.Theme()
	p.contrast = contrastByPath(th)
	panel := []app.UI{
		h("h1", []string{"class", "pd-title"}, app.Text("Theme designer")),
		h("p", []string{"class", "pd-intro"}, app.Text("Each change shows at once in the preview. "+
			"Export the theme as a file for PORTICO_THEME, or share it as a link.")),
		h("div", []string{"class", "pd-actions"},
			button("reset", "Reset", "Back to the server's theme"),
			button("link", "Copy link", "Copy a link that opens this theme"),
			button("json", "Copy JSON", "Copy the theme file"),
			h("a", []string{"id", "pd-download", "class", "pd-button", "download", "portico-theme.json",
				"title", "Download the theme file", "href", downloadURL(p.themeJSON())}, app.Text("Download"))),
		h("p", []string{"class", "pd-status", "role", "status"}, app.Text(p.status)),
	}
	for _, g := range groups {
		fields := make([]app.UI, 0, len(g.controls))
		for _, c := range g.controls {
			fields = append(fields, p.renderControl(c, &th))
		}
		// The dark palette opens when the mode uses it.
		open := g.open || g.controls[0].path == "dark.primary" && th.Mode != "light"
		panel = append(panel, details(g.title, open, fields...))
	}
	panel = append(panel, p.importExport())

	return h("div", []string{"class", "pd-app"},
		app.Raw("<style>"+css+"</style>"),
		h("div", []string{"class", "pd-panel", "role", "region", "aria-label", "Theme"}, panel...),
		h("section", []string{"class", "pd-view", "aria-label", "Preview"},
			p.toolbar(),
			h("div", []string{"class", "pd-stage", "style", "background:" + stageBackground(th)},
				&frame{Key: p.widget + "/" + p.state, Widget: p.widget, Theme: th, Source: p.source()}),
		),
		components.Prerender(themeID, p.Server),
	).(app.HTMLElem).On("input", p.onInput).On("click", p.onClick)
}

func (p *Page) importExport() app.UI {
	errs := make([]app.UI, 0, len(p.importErrs))
	for _, e := range p.importErrs {
		errs = append(errs, h("li", nil, app.Text(e)))
	}
	return details("Share, export and import", true,
		h("div", []string{"class", "pd-field"},
			h("label", []string{"for", "pd-link", "class", "pd-label"}, app.Text("Link to this theme")),
			void("input", []string{"id", "pd-link", "type", "text", "class", "pd-text pd-wide", "readonly", "true",
				"value", p.link()})),
		h("div", []string{"class", "pd-field"},
			h("label", []string{"for", "pd-export", "class", "pd-label"}, app.Text("Theme JSON")),
			textArea([]string{"id", "pd-export", "class", "pd-area", "rows", "10", "readonly", "true", "spellcheck", "false"},
				p.themeJSON())),
		h("div", []string{"class", "pd-field"},
			h("label", []string{"for", "pd-import", "class", "pd-label"}, app.Text("Import: paste a theme's JSON, then apply it")),
			textArea([]string{"id", "pd-import", "class", "pd-area", "rows", "6", "data-path", "@import", "spellcheck", "false",
				"aria-invalid", on(len(p.importErrs) > 0), "aria-describedby", "pd-import-errors"}, p.importText),
			h("div", []string{"class", "pd-actions"}, button("import", "Apply", "Apply the pasted theme")),
			h("ul", []string{"id", "pd-import-errors", "class", "pd-error"}, errs...)),
	)
}

func (p *Page) toolbar() app.UI {
	radios := make([]app.UI, 0, len(widgets)/2)
	for i := 0; i < len(widgets); i += 2 {
		radios = append(radios, h("label", nil,
			void("input", []string{"type", "radio", "name", "pd-widget", "value", widgets[i], "data-path", "@widget",
				"checked", on(p.widget == widgets[i])}),
			h("span", nil, app.Text(widgets[i+1]))))
	}
	options := make([]app.UI, 0, len(States))
	for _, s := range States {
		options = append(options, h("option", []string{"value", s.ID, "selected", on(s.ID == p.state)}, app.Text(s.Label)))
	}
	return h("div", []string{"class", "pd-bar"},
		h("div", []string{"class", "pd-seg", "role", "radiogroup", "aria-label", "Widget"}, radios...),
		h("label", []string{"for", "pd-state", "class", "pd-label pd-inline"}, app.Text("Customer")),
		h("select", []string{"id", "pd-state", "class", "pd-preset", "data-path", "@state"}, options...),
		h("span", []string{"class", "pd-hint"}, app.Text("Demo data: actions are not carried out.")),
	)
}

// h is an element: its tag, its attributes as name and value pairs (empty
// values left out), and its content.
func h(tag string, attrs []string, body ...app.UI) app.UI {
	e := app.Elem(tag)
	for i := 0; i+1 < len(attrs); i += 2 {
		if attrs[i+1] != "" {
			e = e.Attr(attrs[i], attr(attrs[i+1]))
		}
	}
	return e.Body(body...)
}

// void is an element without content, such as an input.
func void(tag string, attrs []string) app.UI {
	e := app.ElemSelfClosing(tag)
	for i := 0; i+1 < len(attrs); i += 2 {
		if attrs[i+1] != "" {
			e = e.Attr(attrs[i], attr(attrs[i+1]))
		}
	}
	return e
}

// textArea is a text area showing v: as its text when the server renders
// it, as its value in the browser, where the text stops counting once the
// viewer has typed.
func textArea(attrs []string, v string) app.UI {
	if app.IsClient {
		return h("textarea", append(attrs, "value", v))
	}
	return h("textarea", attrs, app.Text(v))
}

// attr makes a value safe in a server-rendered attribute, which go-app
// writes Go-quoted: a double quote would end it.
func attr(v string) string {
	if app.IsServer {
		return strings.ReplaceAll(v, `"`, "&quot;")
	}
	return v
}

// on is a boolean attribute's value: present or left out.
func on(b bool) string {
	if b {
		return "true"
	}
	return ""
}

func details(title string, open bool, body ...app.UI) app.UI {
	return h("details", []string{"class", "pd-group", "open", on(open)},
		h("summary", nil, app.Text(title)),
		h("div", []string{"class", "pd-group-body"}, body...))
}

func button(action, label, title string) app.UI {
	return h("button", []string{"type", "button", "class", "pd-button", "data-action", action, "title", title}, app.Text(label))
}

// stageBackground is the page colour behind the preview: the background
// of the palette the theme's mode picks (light for auto).
func stageBackground(t theme.Theme) string {
	if t.Mode == "dark" && t.Dark != nil {
		return t.Dark.Background
	}
	return t.Palette.Background
}

// downloadURL is a data URL of a JSON file, for the download link.
func downloadURL(s string) string { return "data:application/json;charset=utf-8," + url.PathEscape(s) }
