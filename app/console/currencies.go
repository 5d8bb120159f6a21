package console

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

// The plan and add-on editors price an object in one currency or more: a
// row per billing period and currency. The first currency is typed in the
// "currency" field; the others, added with "+ Add a currency", are listed
// in "currencies" (comma separated, in order). The first currency's fields
// keep the period's plain keys (price.monthly, charge.0.monthly.unit,
// minimum.monthly), another currency's add it (price.monthly.eur).

// priceSlot is where one price goes in the form: a billing period in one
// of the form's currencies.
type priceSlot struct {
	period   portico.BillingPeriod
	currency string // as the form has it now
	// loaded is the currency the slot's prices had when the dialog opened:
	// the first currency may have been retyped since.
	loaded string
	key    string // "monthly", "monthly.eur"
}

// first reports whether the slot is in the form's first currency.
func (s priceSlot) first() bool { return s.key == string(s.period) }

// label is what the slot's fields are called: "Monthly price", or with
// several currencies "Monthly price (EUR)".
func (s priceSlot) label(what string, several bool) string {
	l := periodName(s.period) + " " + what
	if several {
		l += " (" + strings.ToUpper(s.currency) + ")"
	}
	return l
}

// currencyCode is how a currency is written in the catalog.
var currencyCode = regexp.MustCompile(`^[a-z]{3}$`)

// firstCurrency is the first currency as typed, in lower case.
func (d *dialog) firstCurrency() string { return strings.ToLower(d.text("currency")) }

// otherCurrencies are the currencies added beside the first, in order.
func (d *dialog) otherCurrencies() []string {
	var out []string
	for _, c := range strings.Split(d.v["currencies"], ",") {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}

// severalCurrencies reports whether the form prices in more than one.
func (d *dialog) severalCurrencies() bool { return len(d.otherCurrencies()) > 0 }

// slots are the form's price slots: per currency, per billing period.
func (d *dialog) slots() []priceSlot {
	periods := portico.BillingPeriod("").Values()
	var out []priceSlot
	for _, p := range periods {
		out = append(out, priceSlot{period: p, currency: d.firstCurrency(), loaded: strings.ToLower(d.loaded["currency"]), key: string(p)})
	}
	for _, c := range d.otherCurrencies() {
		for _, p := range periods {
			out = append(out, priceSlot{period: p, currency: c, loaded: c, key: string(p) + "." + c})
		}
	}
	return out
}

// slotFor is the slot of a price in a catalog the form made: its period
// in its currency as the form has it now.
func (d *dialog) slotFor(period portico.BillingPeriod, currency string) (priceSlot, bool) {
	i := slices.IndexFunc(d.slots(), func(s priceSlot) bool { return s.period == period && s.currency == currency })
	if i < 0 {
		return priceSlot{}, false
	}
	return d.slots()[i], true
}

// loadSlot is the slot key of a price being loaded, adding its currency
// to the form when the form lacks it, so no price is lost.
func (d *dialog) loadSlot(period portico.BillingPeriod, currency string) string {
	if d.v["currency"] == "" {
		d.v["currency"] = currency
	}
	if currency != d.v["currency"] && !slices.Contains(d.otherCurrencies(), currency) {
		d.v["currencies"] = strings.Join(append(d.otherCurrencies(), currency), ",")
	}
	if currency == d.v["currency"] {
		return string(period)
	}
	return string(period) + "." + currency
}

// loadPrices puts an object's prices in the form: its currencies, in the
// order they first appear, and each price's amount and Stripe price.
func loadPrices(d *dialog, prices []portico.Price) {
	if len(prices) == 0 {
		return // a new paid plan, or a free one: the product's currencies
	}
	d.v["currency"], d.v["currencies"] = prices[0].Currency, ""
	for _, pr := range prices {
		key := d.loadSlot(pr.BillingPeriod, pr.Currency)
		d.v["price."+key] = amountText(pr.Amount)
		d.v["stripe."+key] = pr.StripePriceID
	}
}

// inOrderOf orders slots as the prices were (each slot holding one of
// them, in their order), then the others in form order, so an edit leaves
// the prices where they were.
func inOrderOf[T any](slots []priceSlot, was []T, slotOf func(T) (portico.BillingPeriod, string)) []priceSlot {
	var out []priceSlot
	for _, w := range was {
		period, currency := slotOf(w)
		i := slices.IndexFunc(slots, func(s priceSlot) bool { return s.period == period && s.loaded == currency })
		if i >= 0 && !slices.Contains(out, slots[i]) {
			out = append(out, slots[i])
		}
	}
	for _, s := range slots {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func priceSlotOf(p portico.Price) (portico.BillingPeriod, string) { return p.BillingPeriod, p.Currency }

// soldSlots are the slots the form sells the object in: those with a
// price typed, in the order of its prices as they were.
func (d *dialog) soldSlots(was []portico.Price) []priceSlot {
	var out []priceSlot
	for _, s := range inOrderOf(d.slots(), was, priceSlotOf) {
		if strings.TrimSpace(d.v["price."+s.key]) != "" {
			out = append(out, s)
		}
	}
	return out
}

// slotsOf are the slots of prices the form made (a plan's prices as read),
// in their order.
func (d *dialog) slotsOf(prices []portico.Price) []priceSlot {
	var out []priceSlot
	for _, p := range prices {
		if s, ok := d.slotFor(p.BillingPeriod, p.Currency); ok {
			out = append(out, s)
		}
	}
	return out
}

// checkCurrencies refuses a first currency the form also lists among the
// others, and a code typed to add but not added. Whether the first is a
// currency is the server's to say.
func (d *dialog) checkCurrencies() {
	if first := d.firstCurrency(); slices.Contains(d.otherCurrencies(), first) {
		d.errs["currency"] = strings.ToUpper(first) + " is priced below too; remove it there or choose another currency here."
	}
	if code := strings.TrimSpace(d.v["newCurrency"]); code != "" {
		d.errs["newCurrency"] = "Press “+ Add a currency” to price in " + strings.ToUpper(code) + ", or clear this field."
	}
}

// currencyGroup is the price rows of one of the form's currencies: the
// first with its currency field, another with a button removing it.
func (h *dialogHost) currencyGroup(currency string, first bool) app.UI {
	d, several := h.dlg, h.dlg.severalCurrencies()
	var rows []app.UI
	for _, s := range d.slots() {
		if s.currency == currency && s.first() == first {
			rows = append(rows, h.priceRow(s, several))
		}
	}
	if first {
		rows = append(rows, app.Div().Class("pc-row", "pc-currency-code").Body(
			h.field("currency", "Currency", "A lower-case ISO code, such as usd.", h.input("currency", "text").MaxLength(3)),
		))
		return app.Div().Class("pc-currency").Body(rows...)
	}
	code := strings.ToUpper(currency)
	head := app.Div().Class("pc-currency-head").Body(
		app.H3().Class("pc-currency-title").Text("Prices in "+code),
		app.Button().Class("pc-button", "pc-quiet", "pc-remove").Type("button").Aria("label", "Remove the prices in "+code).
			Text("Remove "+code).OnClick(func(ctx app.Context, e app.Event) { h.removeCurrency(ctx, currency) }, app.EventScope(currency)),
	)
	return app.Div().Class("pc-currency").Body(append([]app.UI{head}, rows...)...)
}

// currencyAdder adds a currency to price the object in.
func (h *dialogHost) currencyAdder() app.UI {
	return app.Div().Class("pc-row", "pc-add-currency").Body(
		h.field("newCurrency", "Add a currency (optional)",
			"Sell in another currency too: each price, charge and minimum spend then takes an amount in it. Customers see the prices in their own currency.",
			h.input("newCurrency", "text").MaxLength(3).Placeholder("eur").Attr("autocomplete", "off").Attr("spellcheck", "false")),
		app.Button().Class("pc-button", "pc-small", "pc-add-currency-button").Type("button").Text("+ Add a currency").OnClick(h.addCurrency),
	)
}

// addCurrency adds the currency typed to the form, then moves the focus
// to its first price (or back to the code, refused).
func (h *dialogHost) addCurrency(ctx app.Context, e app.Event) {
	if d := h.dlg; d != nil {
		next := d.addCurrency()
		h.focusAfterUpdate(ctx, "#"+fieldID(next))
	}
}

// focusAfterUpdate moves the focus to sel once the dialog is redrawn. It
// waits on the dialog's own context: the button pressed may be redrawn
// away, and what waits on it with it.
func (h *dialogHost) focusAfterUpdate(ctx app.Context, sel string) {
	h.own.or(ctx).Defer(func(app.Context) { focusElement(sel) })
}

// addCurrency adds the currency typed in newCurrency beside the others,
// or says beside it why not; it returns the field to go to next.
func (d *dialog) addCurrency() string {
	code := strings.ToLower(strings.TrimSpace(d.v["newCurrency"]))
	switch {
	case !currencyCode.MatchString(code):
		d.errs["newCurrency"] = "Enter a three-letter currency code, such as eur."
	case code == d.firstCurrency() || slices.Contains(d.otherCurrencies(), code):
		d.errs["newCurrency"] = strings.ToUpper(code) + " is priced here already."
	default:
		d.v["currencies"] = strings.Join(append(d.otherCurrencies(), code), ",")
		d.v["newCurrency"] = ""
		delete(d.errs, "newCurrency")
		d.copyTierBounds(code)
		return fmt.Sprintf("price.%s.%s", portico.Monthly, code)
	}
	return "newCurrency"
}

// copyTierBounds starts each tiered charge's prices in a currency just
// added with the first currency's tiers, their bounds typed, their
// amounts to enter: tiers are most often the same in every currency.
func (d *dialog) copyTierBounds(currency string) {
	for _, row := range d.liveCharges() {
		for _, period := range portico.BillingPeriod("").Values() {
			from, to := chargePriceBase(row, string(period)), chargePriceBase(row, string(period)+"."+currency)
			if _, set := d.v[to+".tierRows"]; set || d.v[from+".tierRows"] == "" {
				continue
			}
			d.v[to+".tierRows"] = d.v[from+".tierRows"]
			for n := range d.tierRows(from) {
				for _, part := range []string{".upTo", ".removed"} {
					if v := d.v[tierBase(from, n)+part]; v != "" {
						d.v[tierBase(to, n)+part] = v
					}
				}
			}
		}
	}
}

// removeCurrency drops a currency the form added beside the first (its
// prices are no longer sold once saved), then goes back to adding one.
func (h *dialogHost) removeCurrency(ctx app.Context, currency string) {
	d := h.dlg
	if d == nil {
		return
	}
	d.v["currencies"] = strings.Join(slices.DeleteFunc(d.otherCurrencies(), func(c string) bool { return c == currency }), ",")
	h.focusAfterUpdate(ctx, "#"+fieldID("newCurrency"))
}

// currenciesOf are the currencies a product of cat is priced in, in the
// order they first appear ("usd" before any price): what a new plan or
// add-on of it starts with.
func currenciesOf(cat *portico.Catalog, productID string) []string {
	var prices []portico.Price
	for _, pl := range cat.PlansOf(productID) {
		prices = append(prices, pl.Prices...)
	}
	for _, a := range cat.Addons {
		if a.ProductID == productID {
			prices = append(prices, a.Prices...)
		}
	}
	if out := portico.Currencies(prices); len(out) > 0 {
		return out
	}
	return []string{"usd"}
}

// setProductCurrencies starts a new object's form in its product's
// currencies.
func setProductCurrencies(d *dialog, cat *portico.Catalog, productID string) {
	cs := currenciesOf(cat, productID)
	d.v["currency"], d.v["currencies"] = cs[0], strings.Join(cs[1:], ",")
}
