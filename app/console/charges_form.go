package console

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

// The charge editor's controls: a fieldset per charge, a block per billing
// period and currency the plan is sold in, a row per tier.

// slotsShown are the price slots the plan form sells the plan in now.
func (h *dialogHost) slotsShown() []priceSlot {
	d, cat := h.dlg, h.dlg.base
	if cat == nil {
		cat = h.Catalog
	}
	pl, _ := cat.Plan(d.id)
	return d.soldSlots(pl.Prices)
}

func (h *dialogHost) chargesFields() app.UI {
	d := h.dlg
	slots := h.slotsShown()
	var blocks []app.UI
	for i, row := range d.liveCharges() {
		blocks = append(blocks, h.chargeBlock(row, i+1, slots))
	}
	hint := "Price a feature on top of the plan's price (enter 0 above when the charges carry the whole price): " +
		"per unit or through tiers for a quantity the customer commits to (numeric features), or by usage billed after each period (metered features)."
	errID := fieldID("charges") + "-error"
	add := app.Button().Class("pc-button", "pc-small", "pc-add-charge").Type("button").Text("+ Add a charge").
		Aria("describedby", errID).OnClick(h.addCharge)
	if d.errs["charges"] != "" {
		add = add.DataSet("invalid", "true")
	}
	return app.FieldSet().Class("pc-field", "pc-charges").Body(
		app.Legend().Text("Charges"),
		app.P().Class("pc-hint").Text(hint),
		app.Div().Class("pc-rows").Body(blocks...),
		app.P().ID(errID).Class("pc-error").Text(d.errs["charges"]),
		add,
	)
}

// chargeBlock is one charge: what it prices and how, then its price for
// each period and currency.
func (h *dialogHost) chargeBlock(row, number int, slots []priceSlot) app.UI {
	d, b := h.dlg, chargeBase(row)
	model := d.chargeModel(row)
	var prices []app.UI
	for _, s := range slots {
		prices = append(prices, h.chargePriceBlock(row, s))
	}
	if len(slots) == 0 {
		prices = append(prices, app.P().Class("pc-hint").Text("Enter the plan's monthly or annual price above (0 is fine): the charge is priced for each period the plan is sold for."))
	}
	return app.FieldSet().Class("pc-charge").Body(
		app.Legend().Class("pc-charge-title").Text(fmt.Sprintf("Charge %d", number)),
		app.Div().Class("pc-row").Body(
			h.selectField(b+".model", "Model", modelHint(model), []choice{
				{value: string(portico.ModelPerUnit), label: "Per unit"},
				{value: string(portico.ModelTiered), label: "Tiered"},
				{value: string(portico.ModelUsage), label: "Usage"},
			}),
			h.selectField(b+".feature", "Feature", "", h.chargeFeatures(model)),
			app.If(model != portico.ModelPerUnit, func() app.UI {
				return h.selectField(b+".tiersMode", "Tiers", tiersHint(d.chargeTiersMode(row)), tiersModeChoices(model))
			}),
		),
		h.chargeQuantityRow(row, model),
		app.Div().Class("pc-charge-prices").Body(prices...),
		app.Div().Class("pc-charge-actions").Body(
			app.Button().Class("pc-button", "pc-quiet", "pc-remove").Type("button").
				Aria("label", fmt.Sprintf("Remove charge %d", number)).Text("Remove this charge").
				OnClick(func(ctx app.Context, e app.Event) {
					if h.dlg != nil {
						h.dlg.v[chargeBase(row)+".removed"] = "true"
					}
				}, app.EventScope(row)),
		),
	)
}

// chargeFeatures are the features a model can price: numeric ones for a
// committed quantity, metered ones for usage.
func (h *dialogHost) chargeFeatures(model portico.ChargeModel) []choice {
	want, kind := portico.FeatureNumeric, "numeric"
	if model == portico.ModelUsage {
		want, kind = portico.FeatureMetered, "metered"
	}
	out := []choice{{value: "", label: "Choose a " + kind + " feature…"}}
	for _, f := range h.Catalog.Features {
		if f.Type == want {
			out = append(out, choice{value: f.ID, label: f.Name})
		}
	}
	return out
}

func tiersModeChoices(model portico.ChargeModel) []choice {
	tiers := []choice{
		{value: string(portico.TiersGraduated), label: "Graduated"},
		{value: string(portico.TiersVolume), label: "Volume"},
	}
	if model == portico.ModelUsage {
		return append([]choice{{value: "", label: "None"}}, tiers...)
	}
	return tiers
}

// modelHint says what a model prices and when it is billed.
func modelHint(model portico.ChargeModel) string {
	if model == portico.ModelUsage {
		return "Metered usage, billed after each period."
	}
	return "A quantity the customer commits to, billed in advance."
}

// tiersHint says how the tiers mode prices a quantity.
func tiersHint(mode portico.TiersMode) string {
	switch mode {
	case portico.TiersGraduated:
		return "Each unit at the price of its tier."
	case portico.TiersVolume:
		return "Every unit at the price of the tier the total reaches."
	}
	return "One price per block."
}

// chargeQuantityRow bounds a committed quantity, or sets a usage charge's
// free units and blocks.
func (h *dialogHost) chargeQuantityRow(row int, model portico.ChargeModel) app.UI {
	b := chargeBase(row)
	if model.Committed() {
		return app.Div().Class("pc-row").Body(
			h.field(b+".minQuantity", "Minimum quantity", "Empty: 1.", h.input(b+".minQuantity", "number").Min(0)),
			h.field(b+".maxQuantity", "Maximum quantity", "Empty: no maximum.", h.input(b+".maxQuantity", "number").Min(1)),
		)
	}
	return app.Div().Class("pc-row").Body(
		h.field(b+".included", "Included units", "Free each period; empty: none.", h.input(b+".included", "number").Min(0)),
		h.field(b+".blockSize", "Block size", "Units priced as one block (a started block counts); empty: 1.", h.input(b+".blockSize", "number").Min(1)),
	)
}

// chargePriceBlock is the charge's price for one slot: a unit amount or
// a tier table, and the Stripe price.
func (h *dialogHost) chargePriceBlock(row int, s priceSlot) app.UI {
	d, pb := h.dlg, chargePriceBase(row, s.key)
	name := s.label("price", d.severalCurrencies())
	unit := "Unit amount"
	if d.chargeModel(row) == portico.ModelUsage {
		unit = "Amount per block"
	}
	var amount app.UI
	if d.chargeTiered(row) {
		amount = h.tierTable(pb)
	} else {
		amount = h.field(pb+".unit", unit, "", h.input(pb+".unit", "text").Attr("inputmode", "decimal").Placeholder("10.00"))
	}
	stripe := pb + ".stripe"
	return app.Div().Class("pc-charge-price").Body(
		app.H3().Class("pc-charge-period").Text(name),
		amount,
		h.field(stripe, "Stripe price ID (optional)", "",
			h.input(stripe, "text").Placeholder("price_…").Attr("spellcheck", "false").Attr("autocomplete", "off")),
	)
}

// tierTable is a price's tiers (pb is the price's key), one row each; the
// last one is open.
func (h *dialogHost) tierTable(pb string) app.UI {
	d := h.dlg
	live := d.liveTiers(pb)
	rows := make([]app.UI, len(live))
	from := int64(1)
	for i, n := range live {
		last := i == len(live)-1
		rows[i] = h.tierRow(pb, n, i+1, from, last, len(live) > 1)
		if up, err := strconv.ParseInt(strings.TrimSpace(d.v[tierBase(pb, n)+".upTo"]), 10, 64); err == nil {
			from = up + 1
		}
	}
	errKey := pb + ".tiers"
	errID := fieldID(errKey) + "-error"
	add := app.Button().Class("pc-button", "pc-small", "pc-add-tier").Type("button").Text("+ Add a tier").
		Aria("describedby", errID).OnClick(func(ctx app.Context, e app.Event) {
		if h.dlg != nil {
			h.dlg.v[pb+".tierRows"] = strconv.Itoa(h.dlg.tierRows(pb) + 1)
		}
	}, app.EventScope(pb))
	if d.errs[errKey] != "" {
		add = add.DataSet("invalid", "true")
	}
	return app.Div().Class("pc-tiers").Body(
		app.Div().Class("pc-rows").Body(rows...),
		app.P().ID(errID).Class("pc-error").Text(d.errs[errKey]),
		add,
	)
}

// tierRow is one tier: its last unit (none for the last tier), its unit
// amount and its flat amount.
func (h *dialogHost) tierRow(pb string, n, number int, from int64, last, removable bool) app.UI {
	tb := tierBase(pb, n)
	upTo := h.field(tb+".upTo", "Up to", "", h.input(tb+".upTo", "number").Min(1))
	if last {
		id := fieldID(tb + ".upTo")
		upTo = h.fieldOf(tb+".upTo", "Up to", "", app.Input().ID(id).Class("pc-input").Type("text").ReadOnly(true).
			Value("").Placeholder("No limit"))
	}
	title := fmt.Sprintf("Tier %d · from %d", number, from)
	return app.Div().Class("pc-row", "pc-tier").Body(
		app.Span().Class("pc-tier-title").Text(title),
		upTo,
		h.field(tb+".unit", "Unit amount", "", h.input(tb+".unit", "text").Attr("inputmode", "decimal").Placeholder("10.00")),
		h.field(tb+".flat", "Flat amount", "", h.input(tb+".flat", "text").Attr("inputmode", "decimal").Placeholder("0.00")),
		app.If(removable, func() app.UI {
			return app.Button().Class("pc-button", "pc-quiet", "pc-remove").Type("button").
				Aria("label", fmt.Sprintf("Remove tier %d", number)).Text("Remove").
				OnClick(func(ctx app.Context, e app.Event) {
					if h.dlg != nil {
						h.dlg.v[tb+".removed"] = "true"
					}
				}, app.EventScope(tb))
		}),
	)
}

// addCharge adds an empty per-unit charge to the plan being edited.
func (h *dialogHost) addCharge(ctx app.Context, e app.Event) {
	if h.dlg != nil {
		h.dlg.charges++
	}
}

// minimumSpendFields are the plan's minimum spend per period and currency
// it is sold in.
func (h *dialogHost) minimumSpendFields() app.UI {
	several := h.dlg.severalCurrencies()
	var fields []app.UI
	for _, s := range h.slotsShown() {
		key := "minimum." + s.key
		fields = append(fields, h.field(key, s.label("minimum", several), "",
			h.input(key, "text").Attr("inputmode", "decimal").Placeholder("50.00")))
	}
	return app.FieldSet().Class("pc-field", "pc-minimum").Body(
		app.Legend().Text("Minimum spend (optional)"),
		app.P().Class("pc-hint").Text("When a period's price, charges and usage come to less, its invoice is topped up to this. Empty: none."),
		app.Div().Class("pc-row").Body(fields...),
	)
}
