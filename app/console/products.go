package console

import (
	"fmt"
	"slices"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

// defaultJourney is a new product's journey, as the reference defaults it:
// customers pick from the pricing table, downgrades apply at once with
// credit, usage resets on every change, cancellation is immediate with
// credit and revokes access.
func defaultJourney() portico.Journey {
	return portico.Journey{Start: portico.StartPricingTable, Downgrade: portico.Immediate,
		UsageReset: portico.ResetAlways, Cancellation: portico.Immediate, AfterCancel: portico.AfterCancelRevoke}
}

// productsView lists the products. It keeps nothing of its own: its
// button opens the editor of a new product.
type productsView struct {
	app.Compo
	Catalog *portico.Catalog
}

func (v *productsView) Render() app.UI {
	products := productsOf(v.Catalog, true)
	rows := make([]app.UI, 0, len(products))
	for _, pr := range products {
		rows = append(rows, app.Tr().Body(
			cell("Name").Body(app.A().Href(productPath(pr.ID)).Text(pr.Name)),
			cell("ID").Body(app.Code().Text(pr.ID)),
			cell("Subscription type").Text(subscriptionTypeName(string(pr.SubscriptionType))),
			cell("Plans").Text(fmt.Sprint(len(v.Catalog.PlansOf(pr.ID)))),
			cell("Status").Body(status(pr.Archived)),
		))
	}
	var list app.UI = app.Table().Class("pc-table").Body(
		app.Caption().Class("pc-sr").Text("Products"),
		app.THead().Body(app.Tr().Body(app.Th().Text("Name"), app.Th().Text("ID"), app.Th().Text("Subscription type"),
			app.Th().Text("Plans"), app.Th().Text("Status"))),
		app.TBody().Body(rows...),
	)
	if len(products) == 0 {
		list = app.Div().Class("pc-empty").Body(
			app.P().Text("No products yet. A product is what you sell: give it plans, add-ons and a customer journey."))
	}
	return app.Section().Class("pc-panel").Body(
		app.Div().Class("pc-head").Body(
			app.H1().Text("Products"),
			app.Button().Class("pc-button", "pc-primary").Type("button").Text("+ New product").OnClick(v.newProduct),
		),
		list,
	)
}

func subscriptionTypeName(t string) string {
	if t == string(portico.SubscriptionMultiple) {
		return "Multiple active subscriptions"
	}
	return "Single active subscription"
}

func status(archived bool) app.UI {
	if archived {
		return app.Span().Class("pc-badge", "pc-badge-muted").Text("Archived")
	}
	return app.Span().Class("pc-badge").Text("Active")
}

func (v *productsView) newProduct(ctx app.Context, e app.Event) {
	openDialog(ctx, v.Catalog, newProductDialog())
}

// newProductDialog is the editor of a new product.
func newProductDialog() *dialog {
	d := newDialog(dlgProduct, "New product")
	d.keyOf = plainKey("id", "name", "description", "subscriptionType")
	d.v["subscriptionType"] = string(portico.SubscriptionSingle)
	return d
}

// productDialog is the editor of the product id in cat, nil when there is
// none.
func productDialog(cat *portico.Catalog, id string) *dialog {
	pr, ok := cat.Product(id)
	if !ok {
		return nil
	}
	d := newDialog(dlgProduct, "Edit product")
	d.id, d.target = pr.ID, objectRef{"products", pr.ID}
	d.keyOf = plainKey("id", "name", "description", "subscriptionType")
	d.v["id"], d.v["name"], d.v["description"], d.v["subscriptionType"] = pr.ID, pr.Name, pr.Description, string(pr.SubscriptionType)
	return d
}

func (h *dialogHost) productForm() app.UI {
	d := h.dlg
	id := h.input("id", "text").Pattern("[a-z0-9][a-z0-9_\\-]{0,63}")
	idHint := "Generated from the name; change it to link a product your application already knows. It cannot change later."
	if d.id != "" {
		id = id.ReadOnly(true)
		idHint = "A product's ID never changes."
	}
	label := "Create"
	if d.id != "" {
		label = "Save changes"
	}
	return app.Form().Class("pc-form").NoValidate(true).OnSubmit(h.submitProduct).Body(
		h.field("name", "Name", "Customers see it in the paywall and the portal.", h.input("name", "text").Required(true)),
		h.field("id", "ID", idHint, id),
		h.textarea("description", "Description (optional)", "Customer-friendly: the paywall shows it."),
		app.FieldSet().Class("pc-field").Body(
			app.Legend().Text("Subscription type"),
			radios("subscriptionType", d.v["subscriptionType"], d.errs["subscriptionType"] != "", []choice{
				{value: string(portico.SubscriptionSingle), label: "Single active subscription", note: "Customers hold at most one subscription to this product."},
				{value: string(portico.SubscriptionMultiple), label: "Multiple active subscriptions", note: "One subscription per resource (a site, an app…), each its own instance of the product."},
			}, func(v string) app.EventHandler {
				return func(ctx app.Context, e app.Event) {
					if d := h.dlg; d != nil {
						d.v["subscriptionType"] = v
						delete(d.errs, "subscriptionType")
					}
				}
			}),
			app.P().Class("pc-hint", "pc-note").Text("The subscription type locks once a customer has subscribed to the product."),
			app.P().ID(fieldID("subscriptionType")+"-error").Class("pc-error").Text(d.errs["subscriptionType"]),
		),
		h.actions(label, false),
	)
}

func (h *dialogHost) submitProduct(ctx app.Context, e app.Event) {
	e.PreventDefault()
	d := h.dlg
	if d == nil || d.busy {
		return
	}
	d.errs, d.general = map[string]string{}, nil
	next := productEdit(d)
	if len(d.errs) > 0 {
		h.refuse(ctx)
		return
	}
	pr, _ := next.Product(d.target.id)
	d.done = "Product “" + pr.Name + "” saved."
	if d.id == "" {
		notice, id := "Product “"+pr.Name+"” created. Add its plans next.", pr.ID
		d.done = notice
		d.then = func(ctx app.Context) { showNoticeNext(ctx, notice); ctx.Navigate(productPath(id)) }
	}
	h.save(ctx, next)
}

// productEdit is the catalog the dialog opened on with the product as the
// form has it: the product as it was, with what the form shows changed —
// its journey, metadata and any other field stay as they were.
func productEdit(d *dialog) *portico.Catalog {
	next := cloneCatalog(d.base)
	i := slices.IndexFunc(next.Products, func(x portico.Product) bool { return x.ID == d.id })
	if d.id == "" || i < 0 {
		id := d.text("id")
		if _, taken := next.Product(id); taken && id != "" {
			d.errs["id"] = "A product already has this ID; choose another."
		}
		next.Products = append(next.Products, portico.Product{ID: id, Journey: defaultJourney()})
		i = len(next.Products) - 1
	}
	pr := &next.Products[i]
	pr.Name, pr.Description, pr.SubscriptionType = d.text("name"), d.text("description"), portico.SubscriptionType(d.v["subscriptionType"])
	d.require("id", pr.ID, "Enter an ID, such as acme.")
	d.require("name", pr.Name, "Enter a name.")
	others := make([]namedLike, len(next.Products))
	for k, x := range next.Products {
		others[k] = namedLike{x.ID, "", x.Name, x.Archived}
	}
	d.checkName("product", others, namedLike{pr.ID, "", pr.Name, pr.Archived})
	d.target = objectRef{"products", pr.ID}
	return next
}

// metadataDialog is the metadata editor of the product id in cat, nil when
// there is none.
func metadataDialog(cat *portico.Catalog, id string) *dialog {
	pr, ok := cat.Product(id)
	if !ok {
		return nil
	}
	d := newDialog(dlgMetadata, "Metadata of “"+pr.Name+"”")
	d.id, d.product, d.target = pr.ID, pr.ID, objectRef{"products", pr.ID}
	d.keyOf = d.metadataKey
	keys := make([]string, 0, len(pr.Metadata))
	for k := range pr.Metadata {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		d.v[fmt.Sprintf("meta.%d.key", i)], d.v[fmt.Sprintf("meta.%d.value", i)] = k, pr.Metadata[k]
	}
	d.rows = max(len(keys), 1)
	return d
}

func (h *dialogHost) metadataForm() app.UI {
	d := h.dlg
	rows := make([]app.UI, 0, d.rows)
	for i := 0; i < d.rows; i++ {
		k, v := fmt.Sprintf("meta.%d.key", i), fmt.Sprintf("meta.%d.value", i)
		if d.v[k+"-removed"] == "true" {
			continue
		}
		rows = append(rows, app.Div().Class("pc-row").Body(
			h.field(k, "Key", "", h.input(k, "text")),
			h.field(v, "Value", "", h.input(v, "text")),
			app.Button().Class("pc-button", "pc-quiet", "pc-remove").Type("button").Aria("label", fmt.Sprintf("Remove row %d", i+1)).Text("Remove").
				OnClick(func(ctx app.Context, e app.Event) {
					if h.dlg != nil {
						h.dlg.v[fmt.Sprintf("meta.%d.key-removed", i)] = "true"
					}
				}, app.EventScope(i)),
		))
	}
	label := "Save changes"
	if len(h.productMeta(d.product)) == 0 {
		label = "Add"
	}
	return app.Form().Class("pc-form").NoValidate(true).OnSubmit(h.submitMetadata).Body(
		app.Div().Class("pc-rows").Body(rows...),
		app.P().ID(fieldID("metadata")+"-error").Class("pc-error").Text(d.errs["metadata"]),
		h.addRowButton(),
		h.actions(label, false),
	)
}

// addRowButton adds a metadata row; it takes the focus when the list as a
// whole is in error.
func (h *dialogHost) addRowButton() app.UI {
	b := app.Button().Class("pc-button", "pc-add-row").Type("button").Text("+ Add a row").
		Aria("describedby", fieldID("metadata")+"-error").OnClick(h.addRow)
	if h.dlg.errs["metadata"] != "" {
		b = b.DataSet("invalid", "true")
	}
	return b
}

// addRow adds an empty metadata or entitlement row to the open dialog.
func (h *dialogHost) addRow(ctx app.Context, e app.Event) {
	if h.dlg != nil {
		h.dlg.rows++
	}
}

func (h *dialogHost) productMeta(id string) map[string]string {
	pr, _ := h.Catalog.Product(id)
	return pr.Metadata
}

func (h *dialogHost) submitMetadata(ctx app.Context, e app.Event) {
	e.PreventDefault()
	d := h.dlg
	if d == nil || d.busy {
		return
	}
	d.errs, d.general = map[string]string{}, nil
	next := metadataEdit(d)
	if len(d.errs) > 0 || next == nil {
		h.refuse(ctx)
		return
	}
	d.done = "Metadata saved."
	h.save(ctx, next)
}

// metadataEdit is the catalog the dialog opened on with the product's
// metadata as the form has it; nil when the product is gone.
func metadataEdit(d *dialog) *portico.Catalog {
	meta := map[string]string{}
	for i := 0; i < d.rows; i++ {
		k := fmt.Sprintf("meta.%d.key", i)
		if d.v[k+"-removed"] == "true" {
			continue
		}
		key, val := d.text(k), d.v[fmt.Sprintf("meta.%d.value", i)]
		switch {
		case key == "" && val == "":
			continue
		case key == "":
			d.errs[k] = "Enter a key for this value."
		case hasKey(meta, key):
			d.errs[k] = "This key is used above already; use each key once."
		case len(key) > 40:
			d.errs[k] = "Use at most 40 characters for a key."
		case len(val) > 500:
			d.errs[fmt.Sprintf("meta.%d.value", i)] = "Use at most 500 characters for a value."
		default:
			meta[key] = val
		}
	}
	if len(meta) > 50 {
		d.errs["metadata"] = "A product has at most 50 metadata entries; remove some rows."
	}
	next := cloneCatalog(d.base)
	i := slices.IndexFunc(next.Products, func(x portico.Product) bool { return x.ID == d.product })
	if i < 0 {
		return nil
	}
	next.Products[i].Metadata = meta
	if len(meta) == 0 {
		next.Products[i].Metadata = nil
	}
	return next
}

// metadataKey maps an error on the product's metadata to the row of its
// key ("metadata[tier]"), or to the list as a whole.
func (d *dialog) metadataKey(_ *portico.Catalog, rest string) string {
	key, ok := strings.CutPrefix(rest, "metadata")
	switch {
	case !ok:
		return ""
	case strings.HasPrefix(key, "[") && strings.HasSuffix(key, "]"):
		key = key[1 : len(key)-1]
		for i := 0; i < d.rows; i++ {
			k := fmt.Sprintf("meta.%d.key", i)
			if d.v[k+"-removed"] != "true" && strings.TrimSpace(d.v[k]) == key {
				return k
			}
		}
	}
	return "metadata"
}

func hasKey(m map[string]string, k string) bool { _, ok := m[k]; return ok }
