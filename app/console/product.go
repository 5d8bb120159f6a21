package console

import (
	"context"
	"slices"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

// productView is a product's page: its details, then its pricing and
// metadata, or its customer journey (Tab "journey"). It owns the pricing
// preview's data source, one per product, so the preview keeps what it
// read while the page redraws.
type productView struct {
	app.Compo
	API       API
	Catalog   *portico.Catalog
	Version   catalogVersion // the page's catalog's
	ProductID string
	Tab       string // "" for the pricing, "journey"

	preview *previewSource
}

func (v *productView) OnInit() { v.preview = &previewSource{api: v.API, product: v.ProductID} }

// OnUpdate gives another product a preview source of its own.
func (v *productView) OnUpdate(ctx app.Context) {
	if v.preview.product != v.ProductID {
		v.OnInit()
	}
}

func (v *productView) Render() app.UI {
	pr, ok := v.Catalog.Product(v.ProductID)
	if !ok {
		return app.Section().Class("pc-panel").Body(
			app.H1().Text("No such product"),
			app.P().Text("There is no product “"+v.ProductID+"”."),
			app.A().Href(PathRoot).Text("Back to the products"),
		)
	}
	var body app.UI
	if v.Tab == "journey" {
		body = &journeyView{API: v.API, Catalog: v.Catalog, Version: v.Version, ProductID: pr.ID}
	} else {
		body = app.Div().Body(v.renderPricing(pr), v.renderMetadata(pr), v.renderTranslations(pr))
	}
	return app.Div().Body(
		app.Section().Class("pc-panel").Body(
			app.Nav().Aria("label", "Breadcrumb").Class("pc-crumbs").Body(app.A().Href(PathRoot+"?all=1").Text("Products"), app.Span().Text(" / ")),
			app.Div().Class("pc-head").Body(
				app.Div().Body(
					app.H1().Body(app.Text(pr.Name+" "), status(pr.Archived)),
					app.P().Class("pc-meta").Body(app.Code().Text(pr.ID), app.Text(" · "+subscriptionTypeName(string(pr.SubscriptionType)))),
					app.If(pr.Description != "", func() app.UI { return app.P().Class("pc-lead").Text(pr.Description) }),
				),
				v.renderToolbar(pr),
			),
			v.renderTabs(pr),
		),
		body,
	)
}

// renderToolbar is the product's buttons: Edit, Archive or Unarchive, and
// New product.
func (v *productView) renderToolbar(pr portico.Product) app.UI {
	return app.Div().Class("pc-toolbar").Body(
		app.Button().Class("pc-button").Type("button").Text("Edit").OnClick(v.editProduct(pr.ID), app.EventScope(pr.ID)),
		app.If(!pr.Archived, func() app.UI {
			return app.Button().Class("pc-button", "pc-danger-quiet").Type("button").Text("Archive").
				OnClick(func(ctx app.Context, e app.Event) { v.confirmArchive(ctx, "products", "product", pr.ID, pr.Name) },
					app.EventScope(pr.ID, pr.Name))
		}).Else(func() app.UI {
			return app.Button().Class("pc-button").Type("button").Text("Unarchive").
				OnClick(func(ctx app.Context, e app.Event) { v.confirmUnarchive(ctx, "products", "product", pr.ID, pr.Name) },
					app.EventScope(pr.ID, pr.Name, "unarchive"))
		}),
		app.Button().Class("pc-button").Type("button").Text("+ New product").OnClick(v.newProduct),
	)
}

// renderTabs links the product's pricing and its customer journey.
func (v *productView) renderTabs(pr portico.Product) app.UI {
	tabLink := func(href, text string, current bool) app.UI {
		a := app.A().Class("pc-tab").Href(href).Text(text)
		if current {
			a = a.Aria("current", "page")
		}
		return a
	}
	return app.Nav().Aria("label", "Product").Class("pc-tabs").Body(
		tabLink(productPath(pr.ID), "Pricing", v.Tab == ""),
		tabLink(productPath(pr.ID)+"/journey", "Customer journey", v.Tab == "journey"),
	)
}

func (v *productView) renderMetadata(pr portico.Product) app.UI {
	keys := make([]string, 0, len(pr.Metadata))
	for k := range pr.Metadata {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	rows := make([]app.UI, len(keys))
	for i, k := range keys {
		rows[i] = app.Div().Class("pc-kv").Body(app.Dt().Body(app.Code().Text(k)), app.Dd().Text(pr.Metadata[k]))
	}
	label := "Edit"
	if len(keys) == 0 {
		label = "Add"
	}
	return app.Section().Class("pc-panel").Aria("labelledby", "pc-metadata").Body(
		app.Div().Class("pc-head").Body(
			app.H2().ID("pc-metadata").Text("Metadata"),
			app.Button().Class("pc-button").Type("button").Text(label).OnClick(v.editMetadata(pr.ID), app.EventScope(pr.ID)),
		),
		app.If(len(keys) == 0, func() app.UI {
			return app.P().Class("pc-hint").Text("Key–value pairs your application reads through the API, e.g. highlight = pro to highlight a plan in the paywall.")
		}).Else(func() app.UI { return app.Dl().Class("pc-kvs").Body(rows...) }),
	)
}

// Handlers look objects up by ID when they run, in the catalog the view
// has then: go-app keeps the handler an element was first given while its
// code and scope are the same, so what a closure captured may be out of
// date.

func (v *productView) editProduct(id string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		if d := productDialog(v.Catalog, id); d != nil {
			openDialog(ctx, v.Catalog, d)
		}
	}
}

func (v *productView) newProduct(ctx app.Context, e app.Event) {
	openDialog(ctx, v.Catalog, newProductDialog())
}

func (v *productView) editMetadata(id string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		if d := metadataDialog(v.Catalog, id); d != nil {
			openDialog(ctx, v.Catalog, d)
		}
	}
}

// openPlan opens the plan editor: a new plan of the product, or the plan
// planID.
func (v *productView) openPlan(ctx app.Context, productID, planID string) {
	openDialog(ctx, v.Catalog, planDialog(v.Catalog, productID, planID))
}

// openAddon opens the add-on editor: a new add-on of the product, or the
// add-on addonID.
func (v *productView) openAddon(ctx app.Context, productID, addonID string) {
	openDialog(ctx, v.Catalog, addonDialog(v.Catalog, productID, addonID))
}

// confirmArchive asks before archiving a product, plan or add-on.
func (v *productView) confirmArchive(ctx app.Context, collection, kind, id, name string) {
	openDialog(ctx, v.Catalog, archiveDialog(v.API, collection, kind, id, name))
}

// confirmUnarchive asks before unarchiving a product, plan or add-on.
func (v *productView) confirmUnarchive(ctx app.Context, collection, kind, id, name string) {
	openDialog(ctx, v.Catalog, unarchiveDialog(v.API, v.Catalog, collection, kind, id, name))
}

// archiveDialog asks before archiving a product, plan or add-on.
func archiveDialog(api API, collection, kind, id, name string) *dialog {
	d := newDialog(dlgConfirm, "Archive "+kind+" "+strconvQuote(name)+"?")
	d.message = "An archived " + kind + " takes no new subscriptions; customers already on it keep it. " +
		"You can unarchive it later. Archiving is recorded in the catalog history."
	d.v["action"], d.v["danger"] = "Archive", "true"
	d.done = capitalize(kind) + " " + strconvQuote(name) + " archived."
	d.target = objectRef{collection, id}
	// Archiving one object does not depend on the rest of the catalog: when
	// someone else saved meanwhile, it is simply made on their version.
	d.change = func(c context.Context) putResult {
		return retryStale(c, api, func(c context.Context) (*portico.Catalog, error) { return api.Archive(c, collection, id) })
	}
	return d
}

// unarchiveDialog asks before putting an archived product, plan or add-on
// of cat back on sale. The catalog's rules apply as to any change: a name
// another live object has taken since is refused.
func unarchiveDialog(api API, cat *portico.Catalog, collection, kind, id, name string) *dialog {
	d := newDialog(dlgConfirm, "Unarchive "+kind+" "+strconvQuote(name)+"?")
	d.message = "It takes new subscriptions again and shows wherever a live " + kind + " does. " +
		"Unarchiving is recorded in the catalog history."
	d.v["action"] = "Unarchive"
	d.done = capitalize(kind) + " " + strconvQuote(name) + " unarchived."
	d.target = objectRef{collection, id}
	d.keyOf = func(*portico.Catalog, string) string { return "" }
	if next := cloneCatalog(cat); setArchived(next, collection, id, false) {
		d.change = func(c context.Context) putResult { return putReapplied(c, api, cat, next, cat) }
	}
	return d
}

// setArchived archives or unarchives an object of cat; false when there
// is none.
func setArchived(cat *portico.Catalog, collection, id string, archived bool) bool {
	switch collection {
	case "products":
		if i := slices.IndexFunc(cat.Products, func(x portico.Product) bool { return x.ID == id }); i >= 0 {
			cat.Products[i].Archived = archived
			return true
		}
	case "plans":
		if i := slices.IndexFunc(cat.Plans, func(x portico.Plan) bool { return x.ID == id }); i >= 0 {
			cat.Plans[i].Archived = archived
			return true
		}
	case "addons":
		if i := slices.IndexFunc(cat.Addons, func(x portico.Addon) bool { return x.ID == id }); i >= 0 {
			cat.Addons[i].Archived = archived
			return true
		}
	}
	return false
}
