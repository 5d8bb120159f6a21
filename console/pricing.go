package console

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/components"
)

// renderPricing is a product's pricing overview: the paywall customers
// see, then its plans and add-ons to edit.
func (p *Page) renderPricing(pr portico.Product) app.UI {
	return app.Div().Body(
		app.Section().Class("pc-panel").Aria("labelledby", "pc-preview").Body(
			app.Div().Class("pc-head").Body(
				app.H2().ID("pc-preview").Text("Pricing table preview"),
				app.P().Class("pc-hint").Text("What a new customer sees; buttons here change nothing. Use the toggle to switch billing periods."),
			),
			app.Div().Class("pc-preview").Body(
				components.Provider(p.previewSource(pr.ID)).WithScope(pr.ID, "").Body(&components.Paywall{ProductID: pr.ID}),
			),
		),
		p.renderPlans(pr),
		p.renderAddons(pr),
	)
}

// previewSource is the paywall's data for a product, one per product so
// the provider keeps it between renders.
func (p *Page) previewSource(productID string) *previewSource {
	if p.preview == nil || p.preview.product != productID {
		p.preview = &previewSource{api: p.api, product: productID}
	}
	return p.preview
}

// previewSource serves the paywall of a product to a customer who has no
// subscription yet; actions answer that this is a preview.
type previewSource struct {
	api     API
	product string
}

var errPreview = &components.APIError{Status: 409, Title: "Preview",
	Detail: "This is a preview of the pricing table: nothing is changed here."}

func (s *previewSource) Portal(context.Context) (*portico.PortalView, error) {
	return &portico.PortalView{Customer: portico.PortalCustomer{ID: "preview", Name: "Preview"},
		Subscriptions: []portico.SubscriptionView{}, Entitlements: []portico.EntitlementView{},
		Promotions: []portico.PromotionView{}, Invoices: []portico.Invoice{}}, nil
}

func (s *previewSource) Paywall(ctx context.Context, _, period string) (*portico.PaywallView, error) {
	return s.api.Paywall(ctx, s.product, period)
}

func (s *previewSource) Preview(context.Context, portico.ChangeRequest) (*portico.Preview, error) {
	return nil, errPreview
}

func (s *previewSource) Change(context.Context, portico.ChangeRequest) (*portico.ChangeResult, error) {
	return nil, errPreview
}

func (s *previewSource) Cancel(context.Context, string) (*portico.CancelResult, error) {
	return nil, errPreview
}

func (s *previewSource) CancelScheduled(context.Context, string) (*portico.SubscriptionView, error) {
	return nil, errPreview
}

func (s *previewSource) BillingSession(context.Context, string) (*portico.BillingSession, error) {
	return nil, errPreview
}

func priceText(prices []portico.Price, period string) string {
	for _, pr := range prices {
		if pr.BillingPeriod == period {
			return money(pr.Amount, pr.Currency)
		}
	}
	return "—"
}

func (p *Page) renderPlans(pr portico.Product) app.UI {
	plans := p.cat.PlansOf(pr.ID)
	rows := make([]app.UI, len(plans))
	for i, pl := range plans {
		trial := "—"
		if pl.TrialDays > 0 {
			trial = fmt.Sprintf("%d days", pl.TrialDays)
		}
		rows[i] = app.Tr().Body(
			app.Td().Text(strconv.Itoa(pl.Order)),
			app.Th().Scope("row").Body(app.Text(pl.Name+" "), app.Code().Text(pl.ID)),
			app.Td().Text(pl.Pricing),
			app.Td().Text(priceText(pl.Prices, portico.Monthly)),
			app.Td().Text(priceText(pl.Prices, portico.Annually)),
			app.Td().Text(trial),
			app.Td().Text(fmt.Sprint(len(pl.Entitlements))),
			app.Td().Body(status(pl.Archived)),
			p.rowActions(catalogItem{kind: "plan", collection: "plans", product: pr.ID, id: pl.ID, name: pl.Name, archived: pl.Archived},
				func(ctx app.Context) { p.openPlan(ctx, pr.ID, pl.ID) }),
		)
	}
	return catalogPanel{
		id: "pc-plans", title: "Plans", newLabel: "+ New plan", primary: true,
		onNew: func(ctx app.Context) { p.openPlan(ctx, pr.ID, "") }, scope: pr.ID,
		empty:   "No plans yet. Start with a free plan and a paid one.",
		columns: []string{"Order", "Plan", "Pricing", "Monthly", "Annually", "Trial", "Entitlements", "Status"},
		rows:    rows,
	}.render()
}

func (p *Page) renderAddons(pr portico.Product) app.UI {
	var addons []portico.Addon
	for _, a := range p.cat.Addons {
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
			app.Th().Scope("row").Body(app.Text(a.Name+" "), app.Code().Text(a.ID)),
			app.Td().Text(priceText(a.Prices, portico.Monthly)),
			app.Td().Text(priceText(a.Prices, portico.Annually)),
			app.Td().Text(maxQ),
			app.Td().Text(fmt.Sprint(len(a.Entitlements))),
			app.Td().Body(status(a.Archived)),
			p.rowActions(catalogItem{kind: "add-on", collection: "addons", product: pr.ID, id: a.ID, name: a.Name, archived: a.Archived},
				func(ctx app.Context) { p.openAddon(ctx, pr.ID, a.ID) }),
		)
	}
	return catalogPanel{
		id: "pc-addons", title: "Add-ons", newLabel: "+ New add-on",
		onNew: func(ctx app.Context) { p.openAddon(ctx, pr.ID, "") }, scope: pr.ID,
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

// rowActions is a catalog row's last cell: Edit, and Archive unless the
// item is archived already.
func (p *Page) rowActions(it catalogItem, edit func(app.Context)) app.UI {
	return app.Td().Class("pc-row-actions").Body(
		app.Button().Class("pc-button", "pc-small").Type("button").Aria("label", "Edit "+it.kind+" "+it.name).Text("Edit").
			OnClick(func(ctx app.Context, e app.Event) { edit(ctx) }, app.EventScope(it.product, it.kind, it.id)),
		app.If(!it.archived, func() app.UI {
			return app.Button().Class("pc-button", "pc-small", "pc-danger-quiet").Type("button").Aria("label", "Archive "+it.kind+" "+it.name).Text("Archive").
				OnClick(func(ctx app.Context, e app.Event) { p.confirmArchive(ctx, it.collection, it.kind, it.id, it.name) },
					app.EventScope(it.id, it.name))
		}),
	)
}

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

// currencyOf is the currency a product is priced in ("usd" before any
// price).
func (p *Page) currencyOf(productID string) string {
	for _, pl := range p.cat.Plans {
		if pl.ProductID == productID && len(pl.Prices) > 0 {
			return pl.Prices[0].Currency
		}
	}
	for _, a := range p.cat.Addons {
		if a.ProductID == productID && len(a.Prices) > 0 {
			return a.Prices[0].Currency
		}
	}
	return "usd"
}

// loadPrices and loadEntitlements put an object's prices and grants in
// the form.
func loadPrices(d *dialog, prices []portico.Price) {
	for _, pr := range prices {
		d.v["price."+pr.BillingPeriod] = amountText(pr.Amount)
		d.v["currency"] = pr.Currency
	}
}

func loadEntitlements(d *dialog, ents []portico.Entitlement) {
	for i, e := range ents {
		d.v[fmt.Sprintf("ent.%d.feature", i)] = e.FeatureID
		if e.Limit > 0 {
			d.v[fmt.Sprintf("ent.%d.limit", i)] = strconv.FormatInt(e.Limit, 10)
		}
		if e.Unlimited {
			d.v[fmt.Sprintf("ent.%d.unlimited", i)] = "true"
		}
	}
	d.rows = len(ents)
}

// openPlan opens the plan editor: a new plan of the product, or the plan
// planID.
func (p *Page) openPlan(ctx app.Context, productID, planID string) {
	d := newDialog(dlgPlan, "New plan")
	d.product = productID
	pr := portico.Product{ID: productID}
	var pl *portico.Plan
	if x, ok := p.cat.Plan(planID); ok {
		pl = &x
	}
	d.v["pricing"], d.v["currency"] = portico.PricingPaid, p.currencyOf(pr.ID)
	order := 0
	for _, x := range p.cat.PlansOf(pr.ID) {
		order = max(order, x.Order+1)
	}
	d.v["order"] = strconv.Itoa(order)
	if pl != nil {
		d.title, d.id = "Edit plan “"+pl.Name+"”", pl.ID
		d.v["id"], d.v["name"], d.v["description"], d.v["pricing"] = pl.ID, pl.Name, pl.Description, pl.Pricing
		d.v["order"] = strconv.Itoa(pl.Order)
		if pl.TrialDays > 0 {
			d.v["trialDays"] = strconv.Itoa(pl.TrialDays)
		}
		loadPrices(d, pl.Prices)
		loadEntitlements(d, pl.Entitlements)
		for _, a := range pl.AddonIDs {
			d.v["addon."+a] = "true"
		}
	}
	p.openDialog(ctx, d)
}

// openAddon opens the add-on editor: a new add-on of the product, or the
// add-on addonID.
func (p *Page) openAddon(ctx app.Context, productID, addonID string) {
	d := newDialog(dlgAddon, "New add-on")
	d.product = productID
	pr := portico.Product{ID: productID}
	var a *portico.Addon
	if x, ok := p.cat.Addon(addonID); ok {
		a = &x
	}
	d.v["currency"] = p.currencyOf(pr.ID)
	if a != nil {
		d.title, d.id = "Edit add-on “"+a.Name+"”", a.ID
		d.v["id"], d.v["name"], d.v["description"] = a.ID, a.Name, a.Description
		if a.MaxQuantity > 0 {
			d.v["maxQuantity"] = strconv.Itoa(a.MaxQuantity)
		}
		loadPrices(d, a.Prices)
		loadEntitlements(d, a.Entitlements)
	}
	p.openDialog(ctx, d)
}

// idField is the ID input: generated from the name for a new object,
// read-only once it exists.
func (p *Page) idField(kind string) app.UI {
	in := p.input("id", "text")
	hint := "Generated from the name; your application refers to the " + kind + " by it. It cannot change later."
	if p.dlg.id != "" {
		in, hint = in.ReadOnly(true), "A "+kind+"'s ID never changes."
	}
	return p.field("id", "ID", hint, in)
}

func (p *Page) pricesFields() app.UI {
	return app.FieldSet().Class("pc-field").Body(
		app.Legend().Text("Prices"),
		app.Div().Class("pc-row").Body(
			p.field("price.monthly", "Monthly", "Leave empty when not sold monthly.", p.input("price.monthly", "text").Attr("inputmode", "decimal").Placeholder("29.00")),
			p.field("price.annually", "Annually", "Leave empty when not sold annually.", p.input("price.annually", "text").Attr("inputmode", "decimal").Placeholder("290.00")),
			p.field("currency", "Currency", "One currency per product.", p.input("currency", "text").MaxLength(3)),
		),
	)
}

func (p *Page) entitlementsFields() app.UI {
	d := p.dlg
	features := []choice{{"", "Choose a feature…", ""}}
	for _, f := range p.cat.Features {
		features = append(features, choice{f.ID, f.Name + " (" + f.Type + ")", ""})
	}
	rows := []app.UI{}
	for i := 0; i < d.rows; i++ {
		base := fmt.Sprintf("ent.%d", i)
		if d.v[base+".removed"] == "true" {
			continue
		}
		rows = append(rows, app.Div().Class("pc-row", "pc-ent").Body(
			p.selectField(base+".feature", "Feature", "", features),
			p.field(base+".limit", "Limit", "", p.input(base+".limit", "number").Min(0).Disabled(d.v[base+".unlimited"] == "true")),
			p.checkbox(base+".unlimited", "Unlimited"),
			app.Button().Class("pc-button", "pc-quiet", "pc-remove").Type("button").Aria("label", fmt.Sprintf("Remove entitlement %d", i+1)).Text("Remove").
				OnClick(func(ctx app.Context, e app.Event) {
					if p.dlg != nil {
						p.dlg.v[fmt.Sprintf("ent.%d.removed", i)] = "true"
					}
				}, app.EventScope(i)),
		))
	}
	hint := "Boolean features take no limit. Numeric and metered features need a limit or Unlimited."
	if len(p.cat.Features) == 0 {
		hint = "No features yet: create them on the Features page."
	}
	return app.FieldSet().Class("pc-field").Body(
		app.Legend().Text("Entitlements"),
		app.P().Class("pc-hint").Text(hint),
		app.Div().Class("pc-rows").Body(rows...),
		app.Button().Class("pc-button", "pc-small").Type("button").Text("+ Add an entitlement").
			OnClick(p.addRow),
	)
}

func (p *Page) planForm() app.UI {
	d := p.dlg
	var addons []app.UI
	for _, a := range p.cat.Addons {
		if a.ProductID == d.product && (!a.Archived || d.v["addon."+a.ID] == "true") {
			addons = append(addons, p.checkbox("addon."+a.ID, a.Name))
		}
	}
	paid := d.v["pricing"] == portico.PricingPaid
	label := "Create plan"
	if d.id != "" {
		label = "Save changes"
	}
	return app.Form().Class("pc-form").OnSubmit(p.submitPlan).Body(
		app.Div().Class("pc-row").Body(
			p.field("name", "Name", "", p.input("name", "text").Required(true)),
			p.idField("plan"),
		),
		p.textarea("description", "Description (optional)", ""),
		app.Div().Class("pc-row").Body(
			p.selectField("pricing", "Pricing", "", []choice{
				{portico.PricingFree, "Free", ""}, {portico.PricingPaid, "Paid", ""}, {portico.PricingCustom, "Custom (contact sales)", ""}}),
			p.field("order", "Order", "Lower comes first; a higher order is an upgrade.", p.input("order", "number")),
			app.If(paid, func() app.UI {
				return p.field("trialDays", "Trial days", "0 or empty: no trial.", p.input("trialDays", "number").Min(0).Max(730))
			}),
		),
		app.If(paid, func() app.UI { return p.pricesFields() }),
		p.entitlementsFields(),
		app.FieldSet().Class("pc-field").Body(
			app.Legend().Text("Compatible add-ons"),
			app.If(len(addons) == 0, func() app.UI { return app.P().Class("pc-hint").Text("This product has no add-ons yet.") }),
			app.Div().Class("pc-checks").Body(addons...),
			app.P().ID(fieldID("addons")+"-error").Class("pc-error").Text(d.errs["addons"]),
		),
		p.actions(label, false),
	)
}

func (p *Page) addonForm() app.UI {
	label := "Create add-on"
	if p.dlg.id != "" {
		label = "Save changes"
	}
	return app.Form().Class("pc-form").OnSubmit(p.submitAddon).Body(
		app.Div().Class("pc-row").Body(
			p.field("name", "Name", "", p.input("name", "text").Required(true)),
			p.idField("add-on"),
		),
		p.textarea("description", "Description (optional)", ""),
		p.field("maxQuantity", "Maximum quantity", "Empty: no limit.", p.input("maxQuantity", "number").Min(0)),
		p.pricesFields(),
		p.entitlementsFields(),
		p.actions(label, false),
	)
}

// readPrices reads the price fields; typing errors are set beside them.
func readPrices(d *dialog) []portico.Price {
	var out []portico.Price
	d.priceOrder = nil
	currency := strings.ToLower(strings.TrimSpace(d.v["currency"]))
	for _, period := range []string{portico.Monthly, portico.Annually} {
		s := strings.TrimSpace(d.v["price."+period])
		if s == "" {
			continue
		}
		amount, err := parseAmount(s)
		if err != nil {
			d.errs["price."+period] = err.Error()
			continue
		}
		out = append(out, portico.Price{BillingPeriod: period, Amount: amount, Currency: currency})
		d.priceOrder = append(d.priceOrder, period)
	}
	return out
}

// readEntitlements reads the entitlement rows, remembering which row each
// one sent came from.
func (p *Page) readEntitlements(d *dialog) ([]portico.Entitlement, []int) {
	var out []portico.Entitlement
	var rows []int
	for i := 0; i < d.rows; i++ {
		base := fmt.Sprintf("ent.%d", i)
		if d.v[base+".removed"] == "true" {
			continue
		}
		e := portico.Entitlement{FeatureID: d.v[base+".feature"], Unlimited: d.v[base+".unlimited"] == "true"}
		if e.FeatureID == "" {
			if d.v[base+".limit"] == "" && !e.Unlimited {
				continue
			}
			d.errs[base+".feature"] = "choose a feature"
		}
		if s := strings.TrimSpace(d.v[base+".limit"]); s != "" && !e.Unlimited {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n < 0 {
				d.errs[base+".limit"] = "enter a whole number, 0 or more"
			}
			e.Limit = n
		}
		if f, ok := p.cat.Feature(e.FeatureID); ok && f.Type != portico.FeatureBoolean && e.Limit == 0 && !e.Unlimited {
			d.errs[base+".limit"] = "enter a limit, or tick Unlimited"
		}
		out = append(out, e)
		rows = append(rows, i)
	}
	return out, rows
}

// objectKey maps an error inside a plan or add-on to its field.
func objectKey(d *dialog, entRows []int) func(string) string {
	return func(rest string) string {
		name, idx, sub := splitPath(rest)
		switch name {
		case "prices":
			if sub == "currency" {
				return "currency"
			}
			if idx >= 0 && idx < len(d.priceOrder) {
				return "price." + d.priceOrder[idx]
			}
			return "price.monthly"
		case "entitlements":
			if idx < 0 || idx >= len(entRows) {
				return ""
			}
			if sub == "featureId" {
				return fmt.Sprintf("ent.%d.feature", entRows[idx])
			}
			return fmt.Sprintf("ent.%d.limit", entRows[idx])
		case "addonIds":
			return "addons"
		}
		if idx >= 0 || sub != "" {
			return ""
		}
		return name
	}
}

// splitPath splits "prices[1].amount" into "prices", 1 and "amount"
// (-1 and "" when absent).
func splitPath(s string) (name string, idx int, sub string) {
	name, rest, _ := strings.Cut(s, ".")
	idx = -1
	if open := strings.IndexByte(name, '['); open >= 0 && strings.HasSuffix(name, "]") {
		if n, err := strconv.Atoi(name[open+1 : len(name)-1]); err == nil {
			idx = n
		}
		name = name[:open]
	}
	return name, idx, rest
}

func (p *Page) submitPlan(ctx app.Context, e app.Event) {
	e.PreventDefault()
	d := p.dlg
	d.errs = map[string]string{}
	pl := portico.Plan{ID: strings.TrimSpace(d.v["id"]), ProductID: d.product, Name: strings.TrimSpace(d.v["name"]),
		Description: strings.TrimSpace(d.v["description"]), Pricing: d.v["pricing"]}
	var err error
	if pl.Order, err = atoi(d.v["order"]); err != nil {
		d.errs["order"] = "enter a whole number"
	}
	if pl.Pricing == portico.PricingPaid {
		if pl.TrialDays, err = atoi(d.v["trialDays"]); err != nil {
			d.errs["trialDays"] = "enter a number of days"
		}
		pl.Prices = readPrices(d)
		if len(pl.Prices) == 0 && d.errs["price.monthly"] == "" && d.errs["price.annually"] == "" {
			d.errs["price.monthly"] = "a paid plan needs a monthly or an annual price"
		}
	}
	var rows []int
	pl.Entitlements, rows = p.readEntitlements(d)
	for _, a := range p.cat.Addons {
		if a.ProductID == d.product && d.v["addon."+a.ID] == "true" {
			pl.AddonIDs = append(pl.AddonIDs, a.ID)
		}
	}
	next := cloneCatalog(p.cat)
	i := slices.IndexFunc(next.Plans, func(x portico.Plan) bool { return x.ID == d.id })
	if d.id == "" {
		if _, taken := next.Plan(pl.ID); taken && pl.ID != "" {
			d.errs["id"] = "a plan already has this ID; choose another"
		}
		next.Plans = append(next.Plans, pl)
		i = len(next.Plans) - 1
	} else {
		pl.Archived = next.Plans[i].Archived
		next.Plans[i] = pl
	}
	p.saveObject(ctx, next, fmt.Sprintf("plans[%d]", i), rows, "Plan “"+pl.Name+"”")
}

func (p *Page) submitAddon(ctx app.Context, e app.Event) {
	e.PreventDefault()
	d := p.dlg
	d.errs = map[string]string{}
	a := portico.Addon{ID: strings.TrimSpace(d.v["id"]), ProductID: d.product, Name: strings.TrimSpace(d.v["name"]),
		Description: strings.TrimSpace(d.v["description"])}
	var err error
	if a.MaxQuantity, err = atoi(d.v["maxQuantity"]); err != nil {
		d.errs["maxQuantity"] = "enter a whole number"
	}
	a.Prices = readPrices(d)
	if len(a.Prices) == 0 && d.errs["price.monthly"] == "" && d.errs["price.annually"] == "" {
		d.errs["price.monthly"] = "an add-on needs a monthly or an annual price"
	}
	var rows []int
	a.Entitlements, rows = p.readEntitlements(d)
	next := cloneCatalog(p.cat)
	i := slices.IndexFunc(next.Addons, func(x portico.Addon) bool { return x.ID == d.id })
	if d.id == "" {
		if _, taken := next.Addon(a.ID); taken && a.ID != "" {
			d.errs["id"] = "an add-on already has this ID; choose another"
		}
		next.Addons = append(next.Addons, a)
		i = len(next.Addons) - 1
	} else {
		a.Archived = next.Addons[i].Archived
		next.Addons[i] = a
	}
	p.saveObject(ctx, next, fmt.Sprintf("addons[%d]", i), rows, "Add-on “"+a.Name+"”")
}

// saveObject saves next, where the dialog's plan or add-on (what) stands at
// path, unless the form has errors: then the focus goes to the first.
func (p *Page) saveObject(ctx app.Context, next *portico.Catalog, path string, rows []int, what string) {
	d := p.dlg
	if len(d.errs) > 0 {
		ctx.Defer(func(app.Context) { focusFirstError() })
		return
	}
	verb := "saved"
	if d.id == "" {
		verb = "created"
	}
	p.save(ctx, next, path, objectKey(d, rows), what+" "+verb+".")
}
