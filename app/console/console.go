// Package console is the catalog console: go-app pages under /console
// where the people who run the SaaS manage products, plans, add-ons,
// features and customer journeys, preview the pricing table customers
// see, and browse and restore the catalog's history.
//
// It runs in a wasm client of its own (wasm/console) and talks to the
// server's console API (/console/api) through an API the wasm main
// provides; it imports none of the server's packages. The server only
// serves its pages to a signed-in browser.
//
// Page routes: it picks the view from the URL and holds only what the
// views share (the API client, the catalog read and its version). Each
// view is a component owning its state — signInView, productsView,
// productView (with journeyView for the customer journey), featuresView,
// historyView — and so are noticeSlot, which says what was just done, and
// dialogHost, which shows and saves the open dialog. Shared data goes
// down as props; what happens goes up and across as go-app actions (see
// messages.go).
package console

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/components"
)

// API is what the console asks of the server: the console API, with the
// browser's session cookie.
type API interface {
	SignIn(ctx context.Context, secret string) error
	SignOut(ctx context.Context) error
	Catalog(ctx context.Context) (*portico.Catalog, error)
	PutCatalog(ctx context.Context, c *portico.Catalog) (*portico.Catalog, error)
	// Archive archives one of "products", "plans" or "addons".
	Archive(ctx context.Context, collection, id string) (*portico.Catalog, error)
	Paywall(ctx context.Context, productID string, period portico.BillingPeriod) (*portico.PaywallView, error)
	Versions(ctx context.Context, before int64) (*portico.CatalogVersionList, error)
	Version(ctx context.Context, n int64) (*portico.CatalogVersionDetail, error)
	Restore(ctx context.Context, n int64) (*portico.Catalog, error)
	// PriceHolders counts the subscriptions on, or scheduled onto, one
	// price (billing period and currency) of a "plans" or "addons" object.
	PriceHolders(ctx context.Context, collection, id string, period portico.BillingPeriod, currency string) (*portico.PriceHolders, error)
	webhooksAPI
}

// Paths of the console.
const (
	PathRoot     = "/console"
	PathSignIn   = "/console/sign-in"
	PathFeatures = "/console/features"
	PathHistory  = "/console/history"
	pathProducts = "/console/products/"
)

// Route registers the console's pages with go-app; each page calls the
// console API through a client newAPI makes (nil while the server
// prerenders: the page draws its frame, the client fills it).
func Route(newAPI func() API) {
	app.RouteWithRegexp(`^/console(/.*)?$`, func() app.Composer { return &Page{newAPI: newAPI} })
}

// callTimeout bounds each call to the server.
const callTimeout = 20 * time.Second

// Page is every console page: a router that picks the view from the URL.
// It holds only what the views share — the API client, the catalog read
// and its version — and passes it down as props; each view, the notice and
// the dialogs own their state. The catalog is nil until read: the console
// reads it once signed in, and drops it on signing out.
type Page struct {
	app.Compo
	newAPI func() API

	api   API
	path  string
	query url.Values

	cat     *portico.Catalog
	version catalogVersion
	loading bool
	loadErr string
	own     ownContext
}

// catalogVersion counts the catalogs the page has shown, so that views
// can tell a new one from the same: read moves with every catalog the
// server answered, saved with those a save of this console answered.
type catalogVersion struct{ read, saved int }

func (p *Page) OnInit() {
	if p.newAPI != nil {
		p.api = p.newAPI()
	}
}

func (p *Page) OnPreRender(ctx app.Context) { p.nav(ctx) }
func (p *Page) OnNav(ctx app.Context)       { p.nav(ctx) }

func (p *Page) OnMount(ctx app.Context) {
	p.own.keep(ctx)
	ctx.Handle(actionCatalog, p.onCatalog)
}

// nav reads the URL and, in the browser, the catalog when the page has
// none. The server renders a loading frame only: it never sees the
// console's cookie.
func (p *Page) nav(ctx app.Context) {
	u := ctx.Page().URL()
	p.path, p.query = consolePath(u), u.Query()
	ctx.Page().SetTitle(p.title())
	if !app.IsClient || p.path == PathSignIn {
		return
	}
	if p.cat == nil {
		p.load(ctx)
		return
	}
	p.arrive(ctx)
}

// load reads the catalog.
func (p *Page) load(ctx app.Context) {
	if p.api == nil || p.loading {
		return
	}
	p.loading, p.loadErr = true, ""
	api, ctx := p.api, p.own.or(ctx)
	ctx.Async(func() {
		c, cancel := ctxTimeout()
		defer cancel()
		cat, err := api.Catalog(c)
		ctx.Dispatch(func(ctx app.Context) { p.loaded(ctx, cat, err) })
	})
}

// loaded shows the catalog read, or why it could not be read.
func (p *Page) loaded(ctx app.Context, cat *portico.Catalog, err error) {
	p.loading = false
	if err != nil {
		failed(ctx, err, &p.loadErr)
		return
	}
	p.take(cat, false)
	p.arrive(ctx)
}

// arrive goes from the list of products straight to the product when
// there is only one, unless all are asked for.
func (p *Page) arrive(ctx app.Context) {
	if p.path != PathRoot || p.query.Get("all") != "" {
		return
	}
	if live := productsOf(p.cat, false); len(live) == 1 && len(p.cat.Products) == 1 {
		ctx.Navigate(productPath(live[0].ID))
	}
}

// onCatalog shows a catalog the server answered to a view; the pricing
// preview reads itself again.
func (p *Page) onCatalog(ctx app.Context, a app.Action) {
	news := a.Value.(catalogNews)
	p.take(news.cat, news.saved)
	components.Refresh(ctx)
}

// take shows cat, a catalog the server answered.
func (p *Page) take(cat *portico.Catalog, saved bool) {
	p.cat = cat
	p.version.read++
	if saved {
		p.version.saved++
	}
}

func statusOf(err error) int {
	if e, ok := err.(*components.APIError); ok {
		return e.Status
	}
	return 0
}

// plainError is an error the console words itself, shown as it is.
type plainError string

func (e plainError) Error() string { return string(e) }

// errorText says what went wrong in a plain sentence.
func errorText(err error) string {
	if pe, ok := err.(plainError); ok {
		return string(pe)
	}
	e, ok := err.(*components.APIError)
	switch {
	case !ok:
		return "The server could not be reached (" + err.Error() + ")."
	case e.Status == statusStale:
		return "Someone else saved the catalog in the meantime; the page now shows their version."
	case e.Detail != "":
		return finish(capitalize(e.Detail))
	}
	return finish(capitalize(e.Title))
}

// title is the browser tab's title for the path.
func (p *Page) title() string {
	switch {
	case p.path == PathSignIn:
		return "Sign in · Portico console"
	case p.path == PathFeatures:
		return "Features · Portico console"
	case p.path == PathHistory:
		return "Catalog history · Portico console"
	case p.path == PathWebhooks:
		return "Webhooks · Portico console"
	case strings.HasPrefix(p.path, pathProducts):
		return "Product · Portico console"
	}
	return "Products · Portico console"
}

// productPath is the page of a product.
func productPath(id string) string { return pathProducts + url.PathEscape(id) }

// route splits a product path into the product's ID and the tab.
func route(path string) (productID, tab string) {
	rest, ok := strings.CutPrefix(path, pathProducts)
	if !ok {
		return "", ""
	}
	id, tab, _ := strings.Cut(rest, "/")
	id, _ = url.PathUnescape(id)
	return id, tab
}

// productsOf lists the products of cat, archived ones last or left out.
func productsOf(cat *portico.Catalog, withArchived bool) []portico.Product {
	var live, archived []portico.Product
	for _, pr := range cat.Products {
		if pr.Archived {
			archived = append(archived, pr)
		} else {
			live = append(live, pr)
		}
	}
	if withArchived {
		return append(live, archived...)
	}
	return live
}

func (p *Page) Render() app.UI {
	if p.path == PathSignIn {
		return &signInView{API: p.api, Next: afterSignIn(p.query)}
	}
	return app.Div().Class("pc-app").Body(
		app.Style().Text(css),
		app.A().Class("pc-skip").Href("#pc-main").Text("Skip to content"),
		p.renderNav(),
		app.Main().ID("pc-main").Class("pc-main").Body(p.renderMain()),
		&dialogHost{API: p.api, Catalog: p.cat},
	)
}

func (p *Page) renderNav() app.UI {
	link := func(href, text string, current bool) app.UI {
		a := app.A().Class("pc-nav-link").Href(href).Text(text)
		if current {
			a = a.Aria("current", "page")
		}
		return a
	}
	return app.Header().Class("pc-top").Body(
		app.A().Class("pc-brand").Href(PathRoot).Text("Portico console"),
		app.Nav().Aria("label", "Console").Class("pc-nav").Body(
			link(PathRoot, "Products", p.path == PathRoot || strings.HasPrefix(p.path, pathProducts)),
			link(PathFeatures, "Features", p.path == PathFeatures),
			link(PathHistory, "History", p.path == PathHistory),
			link(PathWebhooks, "Webhooks", p.path == PathWebhooks),
		),
		app.Button().Class("pc-button", "pc-quiet").Type("button").Text("Sign out").OnClick(p.signOut),
	)
}

// renderMain is the view of the path once the catalog is read, under the
// notice of what was just done.
func (p *Page) renderMain() app.UI {
	switch {
	case p.path == PathWebhooks:
		// Not part of the catalog: shown whether or not it is read.
		return app.Div().Body(&noticeSlot{}, &webhooksView{API: p.api})
	case p.loadErr != "":
		return app.Div().Class("pc-panel", "pc-failed").Role("alert").Body(
			app.H1().Text("The catalog could not be loaded"),
			app.P().Text(p.loadErr),
			app.Button().Class("pc-button", "pc-primary").Type("button").Text("Try again").
				OnClick(func(ctx app.Context, e app.Event) { p.load(ctx) }),
		)
	case p.cat == nil:
		return app.P().Class("pc-loading").Role("status").Text("Loading the catalog…")
	}
	return app.Div().Body(&noticeSlot{}, p.view())
}

// view is the view the path picks.
func (p *Page) view() app.UI {
	switch {
	case p.path == PathFeatures:
		return &featuresView{Catalog: p.cat}
	case p.path == PathHistory:
		return &historyView{API: p.api, Version: p.version}
	case strings.HasPrefix(p.path, pathProducts):
		id, tab := route(p.path)
		return &productView{API: p.api, Catalog: p.cat, Version: p.version, ProductID: id, Tab: tab}
	}
	return &productsView{Catalog: p.cat}
}

// signOut ends the session and drops the catalog.
func (p *Page) signOut(ctx app.Context, e app.Event) {
	api := p.api
	ctx.Async(func() {
		c, cancel := ctxTimeout()
		defer cancel()
		err := api.SignOut(c)
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				showNotice(ctx, "Signing out failed: "+errorText(err))
				return
			}
			p.cat = nil
			ctx.Navigate(PathSignIn)
		})
	})
}
