package console

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/components"
)

// renderPricing is a product's pricing overview: the paywall customers
// see, then its plans and add-ons to edit.
func (v *productView) renderPricing(pr portico.Product) app.UI {
	return app.Div().Body(
		app.Section().Class("pc-panel").Aria("labelledby", "pc-preview").Body(
			app.Div().Class("pc-head").Body(
				app.H2().ID("pc-preview").Text("Pricing table preview"),
				app.P().Class("pc-hint").Text(previewHint(currenciesOf(v.Catalog, pr.ID))),
			),
			app.Div().Class("pc-preview").Body(
				components.NewPortalProvider(v.preview).Scope(pr.ID, "").Body(components.NewPaywall().ProductID(pr.ID)),
			),
		),
		v.renderPlans(pr),
		v.renderAddons(pr),
	)
}

// previewHint says what the preview shows: a new customer's table, in the
// product's first currency when it sells in several.
func previewHint(currencies []string) string {
	who := "a new customer"
	if len(currencies) > 1 {
		who += " paying in " + strings.ToUpper(currencies[0]) + " (the product's first currency)"
	}
	return "What " + who + " sees; buttons here change nothing. Use the toggle to switch billing periods."
}

// previewSource serves the paywall of a product to a customer who has no
// subscription yet; actions answer that this is a preview.
type previewSource struct {
	api     API
	product string
}

// errPreview is the answer to any action in the preview: a fresh error
// each time, as a shared one could be changed by whoever gets it.
func errPreview() error {
	return &components.APIError{Status: 409, Title: "Preview",
		Detail: "This is a preview of the pricing table: nothing is changed here."}
}

func (s *previewSource) Portal(context.Context) (*portico.PortalView, error) {
	return &portico.PortalView{Customer: portico.PortalCustomer{ID: "preview", Name: "Preview"},
		Subscriptions: []portico.SubscriptionView{}, Entitlements: []portico.EntitlementView{},
		Promotions: []portico.PromotionView{}, Invoices: []portico.Invoice{}}, nil
}

func (s *previewSource) Paywall(ctx context.Context, _ string, period portico.BillingPeriod) (*portico.PaywallView, error) {
	return s.api.Paywall(ctx, s.product, period)
}

func (s *previewSource) Preview(context.Context, portico.ChangeRequest) (*portico.Preview, error) {
	return nil, errPreview()
}

func (s *previewSource) Change(context.Context, portico.ChangeRequest) (*portico.ChangeResult, error) {
	return nil, errPreview()
}

func (s *previewSource) Cancel(context.Context, string) (*portico.CancelResult, error) {
	return nil, errPreview()
}

func (s *previewSource) CancelScheduled(context.Context, string) (*portico.SubscriptionView, error) {
	return nil, errPreview()
}

func (s *previewSource) UpcomingInvoice(context.Context, string) (*portico.UpcomingInvoice, error) {
	return nil, errPreview()
}

func (s *previewSource) UsageHistory(context.Context, portico.UsageHistoryQuery) (*portico.UsageHistory, error) {
	return nil, errPreview()
}

func (s *previewSource) BillingSession(context.Context, string) (*portico.BillingSession, error) {
	return nil, errPreview()
}

// priceText shows an object's prices for a period, one per currency.
func priceText(prices []portico.Price, period portico.BillingPeriod) string {
	var out []string
	for _, pr := range prices {
		if pr.BillingPeriod == period {
			out = append(out, money(pr.Amount, pr.Currency))
		}
	}
	if len(out) == 0 {
		return "—"
	}
	return strings.Join(out, " · ")
}

func (v *productView) renderPlans(pr portico.Product) app.UI {
	plans := v.Catalog.PlansOf(pr.ID)
	rows := make([]app.UI, len(plans))
	for i, pl := range plans {
		trial := "—"
		if pl.TrialDays > 0 {
			trial = fmt.Sprintf("%d days", pl.TrialDays)
		}
		rows[i] = app.Tr().Body(
			cell("Order").Text(strconv.Itoa(pl.Order)),
			app.Th().Scope("row").DataSet("label", "Plan").Body(app.Text(pl.Name+" "), app.Code().Text(pl.ID)),
			cell("Pricing").Text(pl.Pricing),
			cell("Monthly").Text(priceText(pl.Prices, portico.Monthly)),
			cell("Annually").Text(priceText(pl.Prices, portico.Annually)),
			cell("Trial").Text(trial),
			cell("Entitlements").Text(fmt.Sprint(len(pl.Entitlements))),
			cell("Status").Body(status(pl.Archived)),
			v.rowActions(catalogItem{kind: "plan", collection: "plans", product: pr.ID, id: pl.ID, name: pl.Name, archived: pl.Archived},
				func(ctx app.Context) { v.openPlan(ctx, pr.ID, pl.ID) }),
		)
	}
	return catalogPanel{
		id: "pc-plans", title: "Plans", newLabel: "+ New plan", primary: true,
		onNew: func(ctx app.Context) { v.openPlan(ctx, pr.ID, "") }, scope: pr.ID,
		empty:   "No plans yet. Start with a free plan and a paid one.",
		columns: []string{"Order", "Plan", "Pricing", "Monthly", "Annually", "Trial", "Entitlements", "Status"},
		rows:    rows,
	}.render()
}

func (v *productView) renderAddons(pr portico.Product) app.UI {
	var addons []portico.Addon
	for _, a := range v.Catalog.Addons {
		if a.ProductID == pr.ID {
			addons = append(addons, a)
		}
	}
	rows := make([]app.UI, len(addons))
	for i, a := range addons {
		maxQ := "no limit"
		if a.MaxQuantity > 0 {
			maxQ = strconv.Itoa(a.MaxQuantity)
		}
		rows[i] = app.Tr().Body(
			app.Th().Scope("row").DataSet("label", "Add-on").Body(app.Text(a.Name+" "), app.Code().Text(a.ID)),
			cell("Monthly").Text(priceText(a.Prices, portico.Monthly)),
			cell("Annually").Text(priceText(a.Prices, portico.Annually)),
			cell("Max quantity").Text(maxQ),
			cell("Entitlements").Text(fmt.Sprint(len(a.Entitlements))),
			cell("Status").Body(status(a.Archived)),
			v.rowActions(catalogItem{kind: "add-on", collection: "addons", product: pr.ID, id: a.ID, name: a.Name, archived: a.Archived},
				func(ctx app.Context) { v.openAddon(ctx, pr.ID, a.ID) }),
		)
	}
	return catalogPanel{
		id: "pc-addons", title: "Add-ons", newLabel: "+ New add-on",
		onNew: func(ctx app.Context) { v.openAddon(ctx, pr.ID, "") }, scope: pr.ID,
		empty:   "No add-ons. Add-ons are bought on top of a plan, in a quantity.",
		columns: []string{"Add-on", "Monthly", "Annually", "Max quantity", "Entitlements", "Status"},
		rows:    rows,
	}.render()
}

// catalogItem is a row of a catalog table: a plan or an add-on.
type catalogItem struct {
	kind, collection string // "plan", "plans": the words and the API's collection
	product, id      string
	name             string
	archived         bool
}

// rowActions is a catalog row's last cell: Edit, then Archive, or
// Unarchive when the item is archived.
func (v *productView) rowActions(it catalogItem, edit func(app.Context)) app.UI {
	return app.Td().Class("pc-row-actions").Body(
		app.Button().Class("pc-button", "pc-small").Type("button").Aria("label", "Edit "+it.kind+" "+it.name).Text("Edit").
			OnClick(func(ctx app.Context, e app.Event) { edit(ctx) }, app.EventScope(it.product, it.kind, it.id)),
		app.If(!it.archived, func() app.UI {
			return app.Button().Class("pc-button", "pc-small", "pc-danger-quiet").Type("button").Aria("label", "Archive "+it.kind+" "+it.name).Text("Archive").
				OnClick(func(ctx app.Context, e app.Event) { v.confirmArchive(ctx, it.collection, it.kind, it.id, it.name) },
					app.EventScope(it.id, it.name))
		}).Else(func() app.UI {
			return app.Button().Class("pc-button", "pc-small").Type("button").Aria("label", "Unarchive "+it.kind+" "+it.name).Text("Unarchive").
				OnClick(func(ctx app.Context, e app.Event) { v.confirmUnarchive(ctx, it.collection, it.kind, it.id, it.name) },
					app.EventScope(it.id, it.name, "unarchive"))
		}),
	)
}

// cell is a table cell labelled with its column: narrow screens show the
// rows as cards, each cell after its label.
func cell(label string) app.HTMLTd { return app.Td().DataSet("label", label) }

// catalogPanel is a section listing one kind of catalog item: its title
// and New button, then its table, or what to do while it is empty.
type catalogPanel struct {
	id, title, newLabel string
	primary             bool // the New button is the page's main action
	onNew               func(app.Context)
	scope               string // what onNew depends on
	empty               string
	columns             []string // before the actions column
	rows                []app.UI
}

func (c catalogPanel) render() app.UI {
	newButton := app.Button().Class("pc-button").Type("button").Text(c.newLabel)
	if c.primary {
		newButton = newButton.Class("pc-primary")
	}
	head := make([]app.UI, 0, len(c.columns)+1)
	for _, col := range c.columns {
		head = append(head, app.Th().Text(col))
	}
	head = append(head, app.Th().Body(app.Span().Class("pc-sr").Text("Actions")))
	return app.Section().Class("pc-panel").Aria("labelledby", c.id).Body(
		app.Div().Class("pc-head").Body(
			app.H2().ID(c.id).Text(c.title),
			newButton.OnClick(func(ctx app.Context, e app.Event) { c.onNew(ctx) }, app.EventScope(c.scope)),
		),
		app.If(len(c.rows) == 0, func() app.UI {
			return app.P().Class("pc-empty").Text(c.empty)
		}).Else(func() app.UI {
			return app.Table().Class("pc-table").Body(app.THead().Body(app.Tr().Body(head...)), app.TBody().Body(c.rows...))
		}),
	)
}
