// Package portal is Portico's go-app application for customers: the routes and pages the
// server prerenders and the wasm client runs — the full portal and one embed
// surface per widget.
package portal

import (
	"net/url"
	"slices"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/portico-dev/portico/components"
	"github.com/portico-dev/portico/theme"
)

// Routes of the application.
const (
	PathPortal       = "/portal"
	PathEmbedPortal  = "/embed/portal"
	PathEmbedPaywall = "/embed/paywall"
	PathEmbedUsage   = "/embed/usage"
)

// Paths lists every page route, for the server's router.
func Paths() []string {
	return []string{PathPortal, PathEmbedPortal, PathEmbedPaywall, PathEmbedUsage}
}

// Config is what the pages are made with.
type Config struct {
	// NewSource makes the data source of a portal session: the API client
	// in the browser; the engine itself when the server prerenders.
	// The locale is the page's: the catalog's texts are shown in it.
	NewSource func(token, locale string) components.Source
	// Theme is the theme pages are drawn with, read at each render (the
	// server's follows PORTICO_THEME); nil draws the default theme.
	Theme func() theme.Theme
}

func (c Config) theme() theme.Theme {
	if c.Theme == nil {
		return theme.Default()
	}
	return c.Theme()
}

// Routes registers the pages with go-app.
func Routes(cfg Config) {
	page := func(surface string) func() app.Composer {
		return func() app.Composer { return &Page{Surface: surface, cfg: cfg} }
	}
	app.Route(PathPortal, page(SurfacePortal))
	app.Route(PathEmbedPortal, page(SurfaceEmbedPortal))
	app.Route(PathEmbedPaywall, page(SurfacePaywall))
	app.Route(PathEmbedUsage, page(SurfaceUsage))
}

// Surfaces a page can show.
const (
	SurfacePortal      = "portal"
	SurfaceEmbedPortal = "embed-portal"
	SurfacePaywall     = "paywall"
	SurfaceUsage       = "usage"
)

// Page is a portal page. The URL carries the session and presentation:
// ?session=ps_…&locale=fr&prefix=acme&hide=invoices,usage&product=…
// A host page embedding it with /embed.js adds its origin, the events it
// handles itself, and its theme and texts (see host.go).
type Page struct {
	app.Compo
	Surface string
	cfg     Config

	query  url.Values
	token  string
	source components.Source
	theme  *theme.Theme // the server's theme, as the page carried it
	drawn  pageLocale   // the server's locale and the page's texts in it, as the page carried them
	host   hostSettings
	// stopProps stops listening to the host's props.
	stopProps func()
}

// themeID holds the theme the server rendered the page with, so the client
// keeps it when it takes the page over.
const themeID = "portico-page-theme"

// localeID holds the locale the server drew the page in, with the texts the
// page itself shows in it, so the client keeps them: the server chooses the
// locale from the session, the URL or the browser's languages, and the URL
// alone may not say it.
const localeID = "portico-page-locale"

// pageLocale is what localeID holds.
type pageLocale struct {
	Locale string           `json:"locale"`
	Texts  components.Texts `json:"texts,omitempty"`
}

// pageTextKeys are the texts the page shows itself, around the sections.
var pageTextKeys = []string{"subscriptionTitle", "missingSession", "sessionExpired"}

// OnInit reads the URL in the browser before the first render, so the
// page the client mounts matches the prerendered one and the sections can
// start from the data the server rendered it with.
func (p *Page) OnInit() {
	if app.IsClient {
		p.read(app.Window().URL().Query())
		var th theme.Theme
		if components.ReadPrerendered(themeID, &th) {
			p.theme = &th
		}
		components.ReadPrerendered(localeID, &p.drawn)
	}
}

// pageTheme is the theme the page is drawn with: the server's current one
// when rendering there, the one the page carried in the browser; a host
// page's theme adjusts it.
func (p *Page) pageTheme() theme.Theme {
	base := p.cfg.theme()
	if p.theme != nil {
		base = *p.theme
	}
	if p.host.Theme != nil {
		return p.host.Theme.Over(base)
	}
	return base
}

func (p *Page) OnPreRender(ctx app.Context) { p.nav(ctx) }
func (p *Page) OnNav(ctx app.Context)       { p.nav(ctx) }

func (p *Page) nav(ctx app.Context) {
	p.read(ctx.Page().URL().Query())
	ctx.Page().SetTitle(p.texts(nil).Get("subscriptionTitle"))
}

// locale is the page's locale: the one the server drew it in, else the
// URL's.
func (p *Page) locale() string {
	if p.drawn.Locale != "" {
		return p.drawn.Locale
	}
	return components.KnownLocale(p.query.Get("locale"))
}

// texts are the page's texts in its locale, overrides merged over them.
func (p *Page) texts(overrides components.Texts) components.Texts {
	merged := components.Texts{}
	for k, v := range p.drawn.Texts {
		merged[k] = v
	}
	for k, v := range overrides {
		if v != "" {
			merged[k] = v
		}
	}
	return components.TextsFor(p.locale(), merged)
}

// drawnLocale is what the page carries of its locale for the client.
func (p *Page) drawnLocale() pageLocale {
	d := pageLocale{Locale: p.locale(), Texts: components.Texts{}}
	all := p.texts(nil)
	for _, k := range pageTextKeys {
		d.Texts[k] = all[k]
	}
	return d
}

// read takes the session and settings from the URL's query; the source is
// made once per session.
func (p *Page) read(query url.Values) {
	p.query = query
	p.host = hostFromQuery(query)
	token := query.Get("session")
	if token != p.token || p.source == nil {
		p.token = token
		if token != "" && p.cfg.NewSource != nil {
			p.source = p.cfg.NewSource(token, query.Get("locale"))
		}
	}
}

func (p *Page) Render() app.UI {
	if p.query == nil {
		return app.Div()
	}
	if p.token == "" || p.source == nil {
		return app.Main().Class("portico-page").Body(
			app.Div().Class("portico-page-message").Role("alert").Text(p.texts(nil).Get("missingSession")),
			components.Prerender(localeID, p.drawnLocale()))
	}
	return app.Main().Class("portico-page", "portico-page-"+p.Surface).Body(p.surface(),
		components.Prerender(themeID, p.pageTheme()), components.Prerender(localeID, p.drawnLocale()))
}

func (p *Page) surface() app.UI {
	q := p.query
	locale, prefix := p.locale(), q.Get("prefix")
	th := p.pageTheme()
	switch p.Surface {
	case SurfacePaywall, SurfaceUsage:
		var section app.UI = components.NewUsage()
		if p.Surface == SurfacePaywall {
			section = components.NewPaywall().ProductID(q.Get("product"))
		}
		return components.NewPortalProvider(p.source).Locale(locale).Prefix(prefix).Theme(th).
			Texts(p.host.Texts).Callbacks(p.callbacks()).SupportURL(q.Get("support")).
			Scope(q.Get("product"), q.Get("resource")).Body(components.NewNoticeBar(), section)
	}
	hidden := p.host.Hide
	if p.Surface == SurfaceEmbedPortal {
		// The host page around an embedded portal is the business's app.
		hidden = append(slices.Clone(hidden), components.SectionHeader)
	}
	return components.NewCustomerPortal(p.source).Locale(locale).Prefix(prefix).Theme(th).
		Texts(p.host.Texts).Callbacks(p.callbacks()).
		Scope(q.Get("product"), q.Get("resource")).Hidden(hidden...).SupportURL(q.Get("support")).
		CheckoutReturn(q.Get("checkout") == "done").SetupReturn(q.Get("setup") == "done")
}

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
