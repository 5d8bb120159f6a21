package console

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

// The plan and add-on editors. An edit starts from the object as it was
// and changes only what the form shows, so every field the console does
// not show — and any the catalog gains later — is saved as it was read.

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

// planDialog is the editor of the plan planID in cat, or of a new plan of
// the product.
func planDialog(cat *portico.Catalog, productID, planID string) *dialog {
	d := newDialog(dlgPlan, "New plan")
	d.product, d.target = productID, objectRef{"plans", planID}
	d.keyOf = d.objectKey("id", "name", "description", "pricing", "order", "trialDays")
	d.v["pricing"] = string(portico.PricingPaid)
	setProductCurrencies(d, cat, productID)
	order := 0
	for _, x := range cat.PlansOf(productID) {
		order = max(order, x.Order+1)
	}
	d.v["order"] = strconv.Itoa(order)
	if pl, ok := cat.Plan(planID); ok {
		d.title, d.id = "Edit plan “"+pl.Name+"”", pl.ID
		d.v["id"], d.v["name"], d.v["description"], d.v["pricing"] = pl.ID, pl.Name, pl.Description, string(pl.Pricing)
		d.v["order"] = strconv.Itoa(pl.Order)
		if pl.TrialDays > 0 {
			d.v["trialDays"] = strconv.Itoa(pl.TrialDays)
		}
		loadPrices(d, pl.Prices)
		loadCharges(d, pl.Charges, pl.MinimumSpend)
		loadEntitlements(d, pl.Entitlements)
		for _, a := range pl.AddonIDs {
			d.v["addon."+a] = "true"
		}
	}
	return d
}

// addonDialog is the editor of the add-on addonID in cat, or of a new
// add-on of the product.
func addonDialog(cat *portico.Catalog, productID, addonID string) *dialog {
	d := newDialog(dlgAddon, "New add-on")
	d.product, d.target = productID, objectRef{"addons", addonID}
	d.keyOf = d.objectKey("id", "name", "description", "maxQuantity")
	setProductCurrencies(d, cat, productID)
	if a, ok := cat.Addon(addonID); ok {
		d.title, d.id = "Edit add-on “"+a.Name+"”", a.ID
		d.v["id"], d.v["name"], d.v["description"] = a.ID, a.Name, a.Description
		if a.MaxQuantity > 0 {
			d.v["maxQuantity"] = strconv.Itoa(a.MaxQuantity)
		}
		loadPrices(d, a.Prices)
		loadEntitlements(d, a.Entitlements)
	}
	return d
}

// idField is the ID input: generated from the name for a new object,
// read-only once it exists.
func (h *dialogHost) idField(kind string) app.UI {
	in := h.input("id", "text")
	hint := "Generated from the name; your application refers to the " + kind + " by it. It cannot change later."
	if h.dlg.id != "" {
		in, hint = in.ReadOnly(true), "A "+kind+"'s ID never changes."
	}
	return h.field("id", "ID", hint, in)
}

// pricesFields are the object's prices: for each of its currencies, each
// period's amount and Stripe price side by side, then a way to add a
// currency.
func (h *dialogHost) pricesFields() app.UI {
	d := h.dlg
	groups := []app.UI{app.Legend().Text("Prices"), h.currencyGroup(d.firstCurrency(), true)}
	for _, c := range d.otherCurrencies() {
		groups = append(groups, h.currencyGroup(c, false))
	}
	groups = append(groups, h.currencyAdder())
	return app.FieldSet().Class("pc-field", "pc-prices").Body(groups...)
}

// priceRow is one slot's amount and Stripe price.
func (h *dialogHost) priceRow(s priceSlot, several bool) app.UI {
	label := s.label("price", several)
	placeholder, hint := "29.00", "Leave empty when not sold monthly."
	if s.period == portico.Annually {
		placeholder, hint = "290.00", "Leave empty when not sold annually."
	}
	amount, stripe := "price."+s.key, "stripe."+s.key
	return app.Div().Class("pc-row").Body(
		h.field(amount, label, hint, h.input(amount, "text").Attr("inputmode", "decimal").Placeholder(placeholder)),
		h.field(stripe, label+": Stripe price ID (optional)", "What Stripe bills this price as, once Stripe is connected.",
			h.input(stripe, "text").Placeholder("price_…").Attr("spellcheck", "false").Attr("autocomplete", "off")),
	)
}

func (h *dialogHost) entitlementsFields() app.UI {
	d := h.dlg
	features := []choice{{value: "", label: "Choose a feature…"}}
	for _, f := range h.Catalog.Features {
		features = append(features, choice{value: f.ID, label: f.Name + " (" + string(f.Type) + ")"})
	}
	rows := []app.UI{}
	for i := 0; i < d.rows; i++ {
		base := fmt.Sprintf("ent.%d", i)
		if d.v[base+".removed"] == "true" {
			continue
		}
		rows = append(rows, app.Div().Class("pc-row", "pc-ent").Body(
			h.selectField(base+".feature", "Feature", "", features),
			h.field(base+".limit", "Limit", "", h.input(base+".limit", "number").Min(0).Disabled(d.v[base+".unlimited"] == "true")),
			h.checkbox(base+".unlimited", "Unlimited"),
			app.Button().Class("pc-button", "pc-quiet", "pc-remove").Type("button").Aria("label", fmt.Sprintf("Remove entitlement %d", i+1)).Text("Remove").
				OnClick(func(ctx app.Context, e app.Event) {
					if h.dlg != nil {
						h.dlg.v[fmt.Sprintf("ent.%d.removed", i)] = "true"
					}
				}, app.EventScope(i)),
		))
	}
	hint := "Boolean features take no limit. Numeric and metered features need a limit or Unlimited."
	if len(h.Catalog.Features) == 0 {
		hint = "No features yet: create them on the Features page."
	}
	errID := fieldID("entitlements") + "-error"
	add := app.Button().Class("pc-button", "pc-small", "pc-add-row").Type("button").Text("+ Add an entitlement").
		Aria("describedby", errID).OnClick(h.addRow)
	if d.errs["entitlements"] != "" {
		add = add.DataSet("invalid", "true")
	}
	return app.FieldSet().Class("pc-field").Body(
		app.Legend().Text("Entitlements"),
		app.P().Class("pc-hint").Text(hint),
		app.Div().Class("pc-rows").Body(rows...),
		app.P().ID(errID).Class("pc-error").Text(d.errs["entitlements"]),
		add,
	)
}

func (h *dialogHost) planForm() app.UI {
	d := h.dlg
	var addons []app.UI
	errID := fieldID("addons") + "-error"
	for _, a := range h.Catalog.Addons {
		if a.ProductID == d.product && (!a.Archived || d.v["addon."+a.ID] == "true") {
			addons = append(addons, h.checkboxIn("addon."+a.ID, a.Name, errID, len(addons) == 0 && d.errs["addons"] != ""))
		}
	}
	paid := d.v["pricing"] == string(portico.PricingPaid)
	label := "Create plan"
	if d.id != "" {
		label = "Save changes"
	}
	return app.Form().Class("pc-form").NoValidate(true).OnSubmit(h.submitPlan).Body(
		app.Div().Class("pc-row").Body(
			h.field("name", "Name", "", h.input("name", "text").Required(true)),
			h.idField("plan"),
		),
		h.textarea("description", "Description (optional)", ""),
		app.Div().Class("pc-row").Body(
			h.selectField("pricing", "Pricing", "", []choice{
				{value: string(portico.PricingFree), label: "Free"}, {value: string(portico.PricingPaid), label: "Paid"},
				{value: string(portico.PricingCustom), label: "Custom (contact sales)"}}),
			h.field("order", "Order", "Lower comes first; a higher order is an upgrade.", h.input("order", "number")),
			app.If(paid, func() app.UI {
				return h.field("trialDays", "Trial days", "0 or empty: no trial.", h.input("trialDays", "number").Min(0).Max(730))
			}),
		),
		app.If(paid, func() app.UI { return h.pricesFields() }),
		app.If(paid, func() app.UI { return h.chargesFields() }),
		app.If(paid, func() app.UI { return h.minimumSpendFields() }),
		h.entitlementsFields(),
		app.FieldSet().Class("pc-field").Body(
			app.Legend().Text("Compatible add-ons"),
			app.If(len(addons) == 0, func() app.UI { return app.P().Class("pc-hint").Text("This product has no add-ons yet.") }),
			app.Div().Class("pc-checks").Body(addons...),
			app.P().ID(errID).Class("pc-error").Text(d.errs["addons"]),
		),
		h.actions(label, false),
	)
}

func (h *dialogHost) addonForm() app.UI {
	label := "Create add-on"
	if h.dlg.id != "" {
		label = "Save changes"
	}
	return app.Form().Class("pc-form").NoValidate(true).OnSubmit(h.submitAddon).Body(
		app.Div().Class("pc-row").Body(
			h.field("name", "Name", "", h.input("name", "text").Required(true)),
			h.idField("add-on"),
		),
		h.textarea("description", "Description (optional)", ""),
		h.field("maxQuantity", "Maximum quantity", "How many one customer may buy; empty: no limit.", h.input("maxQuantity", "number")),
		h.pricesFields(),
		h.entitlementsFields(),
		h.actions(label, false),
	)
}

// fresh reports whether a field is to be read: always for a new object,
// else when it was changed.
func (d *dialog) fresh(key string) bool { return d.id == "" || d.changed(key) }

// readPrices reads the price fields over the prices as they were: each
// price keeps what the form does not show. Typing errors are set beside
// their fields.
func readPrices(d *dialog, was []portico.Price) []portico.Price {
	d.checkCurrencies()
	var out []portico.Price
	for _, s := range inOrderOf(d.slots(), was, priceSlotOf) {
		amountKey, stripeKey := "price."+s.key, "stripe."+s.key
		amount, stripeID := strings.TrimSpace(d.v[amountKey]), d.text(stripeKey)
		if amount == "" {
			if stripeID != "" {
				d.errs[amountKey] = "Enter the " + strings.ToLower(periodName(s.period)) + " price this Stripe price bills, or clear the Stripe price ID."
			}
			continue
		}
		i := slices.IndexFunc(was, func(pr portico.Price) bool { return pr.BillingPeriod == s.period && pr.Currency == s.loaded })
		pr := portico.Price{BillingPeriod: s.period}
		if i >= 0 {
			pr = was[i]
		}
		if i < 0 || d.changed(amountKey) {
			n, err := parseAmount(amount)
			if err != nil {
				d.errs[amountKey] = err.Error()
			}
			pr.Amount = n
		}
		pr.Currency = s.currency
		if msg := checkStripePriceID(stripeID); msg != "" {
			d.errs[stripeKey] = msg
		}
		pr.StripePriceID = stripeID
		out = append(out, pr)
	}
	return out
}

// needsAPrice refuses an object the form sells in no slot, beside its
// first price, unless a price typed is in error already.
func (d *dialog) needsAPrice(prices []portico.Price, msg string) {
	if len(prices) > 0 {
		return
	}
	for _, s := range d.slots() {
		if d.errs["price."+s.key] != "" {
			return
		}
	}
	d.errs["price.monthly"] = msg
}

// checkStripePriceID says what is wrong with a Stripe price ID, or "" when
// it is empty or looks like one, as the catalog's rules want.
func checkStripePriceID(id string) string {
	switch {
	case id == "":
		return ""
	case !strings.HasPrefix(id, "price_") || len(id) == len("price_") || strings.IndexFunc(id, notStripeIDRune) >= 0:
		return "A Stripe price ID starts with price_, such as price_1PqR2s; copy it from the price's page in Stripe."
	case len(id) > 255:
		return "A Stripe price ID is at most 255 characters."
	}
	return ""
}

// readEntitlements reads the entitlement rows over the grants as they
// were: a row left alone keeps its grant exactly. Features are those of
// shown, the catalog the page shows.
func (d *dialog) readEntitlements(was []portico.Entitlement, shown *portico.Catalog) []portico.Entitlement {
	var out []portico.Entitlement
	for i := 0; i < d.rows; i++ {
		base := fmt.Sprintf("ent.%d", i)
		if d.v[base+".removed"] == "true" {
			continue
		}
		var e portico.Entitlement
		if i < len(was) {
			e = was[i]
			if !d.changed(base+".feature") && !d.changed(base+".limit") && !d.changed(base+".unlimited") {
				out = append(out, e)
				continue
			}
		}
		if !d.readEntitlement(base, &e, shown) {
			continue
		}
		if slices.ContainsFunc(out, func(x portico.Entitlement) bool { return x.FeatureID == e.FeatureID }) {
			d.errs[base+".feature"] = "This feature is granted above already; remove one of the two rows."
		}
		out = append(out, e)
	}
	return out
}

// readEntitlement reads one changed row into e; false for a blank row.
func (d *dialog) readEntitlement(base string, e *portico.Entitlement, shown *portico.Catalog) bool {
	e.FeatureID, e.Unlimited, e.Limit = d.v[base+".feature"], d.v[base+".unlimited"] == "true", 0
	limit := strings.TrimSpace(d.v[base+".limit"])
	if e.FeatureID == "" {
		if limit == "" && !e.Unlimited {
			return false
		}
		d.errs[base+".feature"] = "Choose a feature."
	}
	if limit != "" && !e.Unlimited {
		n, err := strconv.ParseInt(limit, 10, 64)
		if err != nil || n < 0 {
			d.errs[base+".limit"] = "Enter a whole number, 0 or more."
		}
		e.Limit = n
	}
	f, ok := shown.Feature(e.FeatureID)
	switch {
	case !ok:
	case f.Type == portico.FeatureBoolean && (limit != "" || e.Unlimited):
		d.errs[base+".limit"] = "A boolean feature takes no limit: leave it empty and Unlimited unticked."
	case f.Type != portico.FeatureBoolean && limit == "" && !e.Unlimited:
		d.errs[base+".limit"] = "Enter a limit, or tick Unlimited."
	}
	return true
}

// readAddonIDs reads the compatible add-ons: those that were, in their
// order, while still ticked, then the newly ticked ones.
func (d *dialog) readAddonIDs(was []string) []string {
	var out []string
	for _, id := range was {
		if d.v["addon."+id] == "true" {
			out = append(out, id)
		}
	}
	for _, a := range d.base.Addons {
		if a.ProductID == d.product && d.v["addon."+a.ID] == "true" && !slices.Contains(out, a.ID) {
			out = append(out, a.ID)
		}
	}
	return out
}

// require refuses a required field left empty, beside it.
func (d *dialog) require(key, value, msg string) {
	if strings.TrimSpace(value) == "" {
		d.errs[key] = msg
	}
}

// namedLike is an object's identity and name, to compare names.
type namedLike struct {
	id, product, name string
	archived          bool
}

// checkName refuses a live object's name when another live object of the
// same kind and product bears it, as the catalog's rules do.
func (d *dialog) checkName(kind string, others []namedLike, me namedLike) {
	if me.archived || strings.TrimSpace(me.name) == "" {
		return
	}
	for _, o := range others {
		if o.id != me.id && !o.archived && o.product == me.product && strings.EqualFold(strings.TrimSpace(o.name), strings.TrimSpace(me.name)) {
			where := "of this product "
			if kind == "product" {
				where = ""
			}
			d.errs["name"] = fmt.Sprintf("Another %s %sis named %s (ID %s); give this one another name.", kind, where, strconvQuote(o.name), o.id)
			return
		}
	}
}

func planNames(cat *portico.Catalog) []namedLike {
	out := make([]namedLike, len(cat.Plans))
	for i, x := range cat.Plans {
		out[i] = namedLike{x.ID, x.ProductID, x.Name, x.Archived}
	}
	return out
}

func addonNames(cat *portico.Catalog) []namedLike {
	out := make([]namedLike, len(cat.Addons))
	for i, x := range cat.Addons {
		out[i] = namedLike{x.ID, x.ProductID, x.Name, x.Archived}
	}
	return out
}

// planEdit is the catalog the dialog opened on with the plan as the form
// has it, and the plan as it was (nil when new); shown is the catalog the
// page shows.
func (d *dialog) planEdit(shown *portico.Catalog) (next *portico.Catalog, was *portico.Plan) {
	next = cloneCatalog(d.base)
	i := slices.IndexFunc(next.Plans, func(x portico.Plan) bool { return x.ID == d.id })
	if d.id == "" || i < 0 {
		id := d.text("id")
		if _, taken := next.Plan(id); taken && id != "" {
			d.errs["id"] = "A plan already has this ID; choose another."
		}
		next.Plans = append(next.Plans, portico.Plan{ID: id, ProductID: d.product})
		i = len(next.Plans) - 1
	} else {
		orig := d.base.Plans[i]
		was = &orig
	}
	pl := &next.Plans[i]
	pl.Name, pl.Description, pl.Pricing = d.text("name"), d.text("description"), portico.Pricing(d.v["pricing"])
	d.require("id", pl.ID, "Enter an ID, such as pro.")
	d.require("name", pl.Name, "Enter a name.")
	d.checkName("plan", planNames(next), namedLike{pl.ID, pl.ProductID, pl.Name, pl.Archived})
	if d.fresh("order") {
		n, err := atoi(d.v["order"])
		if err != nil {
			d.errs["order"] = "Enter a whole number, such as 2."
		}
		pl.Order = n
	}
	if pl.Pricing == portico.PricingPaid {
		if d.fresh("trialDays") {
			n, err := atoi(d.v["trialDays"])
			if err != nil || n < 0 {
				d.errs["trialDays"] = "Enter a number of days, 0 or more."
			}
			pl.TrialDays = n
		}
		pl.Prices = readPrices(d, pl.Prices)
		d.needsAPrice(pl.Prices, "A paid plan needs a monthly or an annual price.")
		pl.Charges = d.readCharges(pl.Charges, pl.Prices, shown)
		pl.MinimumSpend = d.readMinimumSpend(pl.MinimumSpend, pl.Prices)
	} else {
		pl.TrialDays, pl.Prices, pl.Charges, pl.MinimumSpend = 0, nil, nil, nil
	}
	pl.Entitlements = d.readEntitlements(pl.Entitlements, shown)
	pl.AddonIDs = d.readAddonIDs(pl.AddonIDs)
	d.target = objectRef{"plans", pl.ID}
	return next, was
}

// addonEdit is planEdit for an add-on.
func (d *dialog) addonEdit(shown *portico.Catalog) (next *portico.Catalog, was *portico.Addon) {
	next = cloneCatalog(d.base)
	i := slices.IndexFunc(next.Addons, func(x portico.Addon) bool { return x.ID == d.id })
	if d.id == "" || i < 0 {
		id := d.text("id")
		if _, taken := next.Addon(id); taken && id != "" {
			d.errs["id"] = "An add-on already has this ID; choose another."
		}
		next.Addons = append(next.Addons, portico.Addon{ID: id, ProductID: d.product})
		i = len(next.Addons) - 1
	} else {
		orig := d.base.Addons[i]
		was = &orig
	}
	a := &next.Addons[i]
	a.Name, a.Description = d.text("name"), d.text("description")
	d.require("id", a.ID, "Enter an ID, such as extra-seats.")
	d.require("name", a.Name, "Enter a name.")
	d.checkName("add-on", addonNames(next), namedLike{a.ID, a.ProductID, a.Name, a.Archived})
	if d.fresh("maxQuantity") {
		a.MaxQuantity = readMaxQuantity(d)
	}
	a.Prices = readPrices(d, a.Prices)
	d.needsAPrice(a.Prices, "An add-on needs a monthly or an annual price.")
	a.Entitlements = d.readEntitlements(a.Entitlements, shown)
	if len(a.Entitlements) == 0 && !a.Archived {
		d.errs["entitlements"] = "An add-on must grant at least one feature: add an entitlement."
	}
	d.target = objectRef{"addons", a.ID}
	return next, was
}

// readMaxQuantity reads the maximum quantity: empty for no limit, else 1
// or more (0 would be an add-on no one can buy).
func readMaxQuantity(d *dialog) int {
	s := strings.TrimSpace(d.v["maxQuantity"])
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		d.errs["maxQuantity"] = "Enter 1 or more, or leave it empty for no limit."
	}
	return n
}

func (h *dialogHost) submitPlan(ctx app.Context, e app.Event) {
	e.PreventDefault()
	d := h.dlg
	if d == nil || d.busy {
		return
	}
	d.errs, d.general = map[string]string{}, nil
	next, was := d.planEdit(h.Catalog)
	pl, _ := next.Plan(d.target.id)
	var before []portico.Price
	if was != nil {
		before = was.Prices
	}
	h.submitObject(ctx, next, before, pl.Prices, "Plan “"+pl.Name+"”")
}

func (h *dialogHost) submitAddon(ctx app.Context, e app.Event) {
	e.PreventDefault()
	d := h.dlg
	if d == nil || d.busy {
		return
	}
	d.errs, d.general = map[string]string{}, nil
	next, was := d.addonEdit(h.Catalog)
	a, _ := next.Addon(d.target.id)
	var before []portico.Price
	if was != nil {
		before = was.Prices
	}
	h.submitObject(ctx, next, before, a.Prices, "Add-on “"+a.Name+"”")
}

// submitObject saves a plan or add-on (what) unless the form has errors:
// then the focus goes to the first. When the edit changes a price someone
// holds, the operator confirms first.
func (h *dialogHost) submitObject(ctx app.Context, next *portico.Catalog, before, after []portico.Price, what string) {
	d := h.dlg
	if len(d.errs) > 0 {
		h.refuse(ctx)
		return
	}
	d.done = what + " saved."
	if d.id == "" {
		d.done = what + " created."
	}
	commit := func(ctx app.Context) { h.save(ctx, next) }
	changes := priceChanges(before, after)
	if len(changes) == 0 {
		commit(ctx)
		return
	}
	h.checkPriceHolders(ctx, changes, commit)
}

// objectKey maps an error on a plan or add-on, by its path below the
// object in the catalog sent, to the form's field: prices by their period,
// entitlements by their feature's row, the plain fields named.
func (d *dialog) objectKey(plain ...string) fieldKeyer {
	return func(sent *portico.Catalog, rest string) string {
		name, idx, sub := splitPath(rest)
		prices, ents := objectParts(sent, d.target)
		switch name {
		case "prices":
			switch {
			case idx >= 0 && idx < len(prices):
				return d.priceKey(prices[idx], sub)
			case idx < 0 && (d.kind == dlgAddon || d.v["pricing"] == string(portico.PricingPaid)):
				return "price.monthly"
			}
			return ""
		case "entitlements":
			if idx < 0 {
				return "entitlements"
			}
			if idx >= len(ents) {
				return ""
			}
			return d.entitlementKey(ents[idx].FeatureID, sub)
		case "addonIds":
			return "addons"
		case "charges", "minimumSpend":
			pl, _ := sent.Plan(d.target.id)
			if name == "charges" {
				return d.chargeKey(pl, idx, sub)
			}
			return d.minimumKey(pl, idx, sub)
		}
		if idx >= 0 || sub != "" || !slices.Contains(plain, name) {
			return ""
		}
		return name
	}
}

// priceKey is the field of one price's part: its slot's amount or Stripe
// price, or the first currency's field; "" for a slot the form lacks.
func (d *dialog) priceKey(pr portico.Price, part string) string {
	s, ok := d.slotFor(pr.BillingPeriod, pr.Currency)
	switch {
	case !ok:
		return ""
	case part == "currency" && s.first():
		return "currency"
	case part == "stripePriceId":
		return "stripe." + s.key
	}
	return "price." + s.key
}

// entitlementKey is the field, in the row granting the feature, of a
// grant's part; "" when no row grants it.
func (d *dialog) entitlementKey(featureID, part string) string {
	for i := 0; i < d.rows; i++ {
		base := fmt.Sprintf("ent.%d", i)
		if d.v[base+".removed"] != "true" && d.v[base+".feature"] == featureID {
			if part == "featureId" {
				return base + ".feature"
			}
			return base + ".limit"
		}
	}
	return ""
}

// objectParts are the prices and grants of a plan or add-on in cat.
func objectParts(cat *portico.Catalog, o objectRef) ([]portico.Price, []portico.Entitlement) {
	switch o.collection {
	case "plans":
		if pl, ok := cat.Plan(o.id); ok {
			return pl.Prices, pl.Entitlements
		}
	case "addons":
		if a, ok := cat.Addon(o.id); ok {
			return a.Prices, a.Entitlements
		}
	}
	return nil, nil
}

// priceChange is a price an edit changes: its amount or currency, or it
// is no longer sold (now nil).
type priceChange struct {
	was portico.Price
	now *portico.Price
}

// priceChanges lists the prices, as they were, that after changes or
// drops: each price is a billing period in a currency, so a price whose
// currency is retyped is one no longer sold. A Stripe price ID alone is
// not a change of price: what customers pay stays the same.
func priceChanges(before, after []portico.Price) []priceChange {
	var out []priceChange
	for _, w := range before {
		i := slices.IndexFunc(after, func(pr portico.Price) bool {
			return pr.BillingPeriod == w.BillingPeriod && pr.Currency == w.Currency
		})
		switch {
		case i < 0:
			out = append(out, priceChange{was: w})
		case after[i].Amount != w.Amount:
			now := after[i]
			out = append(out, priceChange{was: w, now: &now})
		}
	}
	return out
}

// checkPriceHolders counts the customers on each changed price; when
// there are some, the dialog asks before commit saves, else commit saves
// at once.
func (h *dialogHost) checkPriceHolders(ctx app.Context, changes []priceChange, commit func(app.Context)) {
	d := h.dlg
	d.busy, d.busyText = true, "Checking…"
	api, ref := h.API, d.target
	ctx = h.own.or(ctx)
	ctx.Async(func() {
		c, cancel := ctxTimeout()
		defer cancel()
		notes, signedOut := countHolders(c, api, ref, changes)
		ctx.Dispatch(func(ctx app.Context) {
			d.busy, d.busyText = false, ""
			switch {
			case signedOut:
				signInAgain(ctx)
			case len(notes) == 0:
				commit(ctx)
			default:
				d.step, d.notes, d.commit = stepPrices, notes, commit
				ctx.Defer(func(app.Context) { focusElement(".pc-confirm-step button[type=submit]") })
			}
		})
	})
}

// countHolders says whom each price change of the object ref concerns;
// signedOut reports an ended session.
func countHolders(ctx context.Context, api API, ref objectRef, changes []priceChange) (notes []string, signedOut bool) {
	for _, ch := range changes {
		holders, err := api.PriceHolders(ctx, ref.collection, ref.id, ch.was.BillingPeriod, ch.was.Currency)
		signedOut = signedOut || statusOf(err) == 401
		if note := holdersNote(ch, holders, err); note != "" {
			notes = append(notes, note)
		}
	}
	return notes, signedOut
}

// holdersNote says whom a price change concerns, or "" when no one.
func holdersNote(ch priceChange, h *portico.PriceHolders, err error) string {
	what := periodName(ch.was.BillingPeriod) + " price, " + money(ch.was.Amount, ch.was.Currency) + " → "
	if ch.now != nil {
		what += money(ch.now.Amount, ch.now.Currency)
	} else {
		what += "no longer sold"
	}
	switch {
	case err != nil:
		return what + ": the customers on this price could not be counted (" + strings.TrimSuffix(errorText(err), ".") +
			"). Whoever is on it keeps what they agreed to until their next change."
	case h.Subscriptions == 0:
		return ""
	}
	n := strconv.Itoa(h.Customers) + " customers are"
	if h.Customers == 1 {
		n = "1 customer is"
	}
	scheduled := ""
	if h.Scheduled > 0 {
		scheduled = fmt.Sprintf(" (%d of the subscriptions through a scheduled change)", h.Scheduled)
	}
	return what + ": " + n + " on this price" + scheduled + "; they keep what they agreed to until their next change."
}

// priceConfirmForm asks before a price customers hold is changed.
func (h *dialogHost) priceConfirmForm() app.UI {
	d := h.dlg
	items := make([]app.UI, len(d.notes))
	for i, n := range d.notes {
		items[i] = app.Li().Text(n)
	}
	label := "Save the new price"
	if d.busy {
		label = "Saving…"
	}
	return app.Form().Class("pc-form", "pc-confirm-step").NoValidate(true).OnSubmit(func(ctx app.Context, e app.Event) {
		e.PreventDefault()
		if d := h.dlg; d != nil && d.commit != nil {
			d.commit(ctx)
		}
	}).Body(
		app.P().Class("pc-lead").Text("This changes a price customers are paying:"),
		app.Ul().Class("pc-notes").Body(items...),
		app.P().Class("pc-hint").Text("New subscriptions, and each customer's next change, get the new price."),
		app.Div().Class("pc-actions").Body(
			app.Button().Class("pc-button").Type("button").Text("Back to the form").Disabled(d.busy).
				OnClick(func(ctx app.Context, e app.Event) {
					if h.dlg != nil {
						h.dlg.step = ""
					}
				}),
			app.Button().Class("pc-button", "pc-primary").Type("submit").Disabled(d.busy).Text(label),
		),
	)
}

// focusElement moves the focus to the first element matching sel.
func focusElement(sel string) {
	if el := app.Window().Get("document").Call("querySelector", sel); el.Truthy() {
		el.Call("focus")
	}
}

// notStripeIDRune reports a character Stripe never writes in an ID.
func notStripeIDRune(r rune) bool {
	return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-')
}
