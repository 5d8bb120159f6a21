package console

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	portico "github.com/portico-dev/portico"
)

// A plan's charges and minimum spend in the plan editor. The form keeps
// them flat, by key: charge.<row>.<field> for a charge, then, per price
// slot (a billing period in a currency, see priceSlot),
// charge.<row>.<slot>.<field> for its price and
// charge.<row>.<slot>.tier.<n>.<field> for a tier. Rows removed stay,
// marked removed, so the keys of the others never move. Amounts are typed
// in major units and kept in minor units, as the plan's prices are.

func chargeBase(row int) string { return fmt.Sprintf("charge.%d", row) }

// chargePriceBase is the key of a charge's price in a slot (its key).
func chargePriceBase(row int, slot string) string {
	return chargeBase(row) + "." + slot
}

func tierBase(priceBase string, n int) string { return fmt.Sprintf("%s.tier.%d", priceBase, n) }

// loadCharges puts a plan's charges and minimum spend in the form.
func loadCharges(d *dialog, charges []portico.Charge, minimum []portico.MinimumSpend) {
	for row, ch := range charges {
		b := chargeBase(row)
		d.v[b+".feature"], d.v[b+".model"], d.v[b+".tiersMode"] = ch.FeatureID, string(ch.Model), string(ch.TiersMode)
		if ch.MinQuantity != nil {
			d.v[b+".minQuantity"] = strconv.FormatInt(*ch.MinQuantity, 10)
		}
		setCount(d, b+".maxQuantity", ch.MaxQuantity)
		setCount(d, b+".included", ch.Included)
		setCount(d, b+".blockSize", ch.BlockSize)
		for _, pr := range ch.Prices {
			loadChargePrice(d, chargePriceBase(row, d.loadSlot(pr.BillingPeriod, pr.Currency)), pr)
		}
	}
	d.charges = len(charges)
	for _, m := range minimum {
		d.v["minimum."+d.loadSlot(m.BillingPeriod, m.Currency)] = amountText(m.Amount)
	}
}

func loadChargePrice(d *dialog, pb string, pr portico.ChargePrice) {
	if len(pr.Tiers) == 0 || pr.UnitAmount != 0 {
		d.v[pb+".unit"] = amountText(pr.UnitAmount)
	}
	d.v[pb+".stripe"] = pr.StripePriceID
	for n, t := range pr.Tiers {
		tb := tierBase(pb, n)
		if t.UpTo != nil {
			d.v[tb+".upTo"] = strconv.FormatInt(*t.UpTo, 10)
		}
		d.v[tb+".unit"] = amountText(t.UnitAmount)
		if t.FlatAmount != 0 {
			d.v[tb+".flat"] = amountText(t.FlatAmount)
		}
	}
	if len(pr.Tiers) > 0 {
		d.v[pb+".tierRows"] = strconv.Itoa(len(pr.Tiers))
	}
}

// setCount shows a whole number, empty for zero (the default).
func setCount(d *dialog, key string, n int64) {
	if n != 0 {
		d.v[key] = strconv.FormatInt(n, 10)
	}
}

// chargeModel is a row's model as the form shows it (per unit until
// chosen).
func (d *dialog) chargeModel(row int) portico.ChargeModel {
	if m := portico.ChargeModel(d.v[chargeBase(row)+".model"]); m != "" {
		return m
	}
	return portico.ModelPerUnit
}

// chargeTiersMode is the row's tiers mode: none for per unit, graduated
// for a tiered row not yet set (what its select shows first).
func (d *dialog) chargeTiersMode(row int) portico.TiersMode {
	mode := portico.TiersMode(d.v[chargeBase(row)+".tiersMode"])
	switch d.chargeModel(row) {
	case portico.ModelPerUnit:
		return ""
	case portico.ModelTiered:
		if mode == "" {
			return portico.TiersGraduated
		}
	}
	return mode
}

// chargeTiered reports whether the row prices through tiers.
func (d *dialog) chargeTiered(row int) bool { return d.chargeTiersMode(row) != "" }

// tierRows is how many tier rows a price has, removed ones included; a
// tiered price always shows at least its open last tier.
func (d *dialog) tierRows(pb string) int {
	n, _ := strconv.Atoi(d.v[pb+".tierRows"])
	return max(n, 1)
}

// liveTiers are the tier rows of a price not removed, in order.
func (d *dialog) liveTiers(pb string) []int {
	var out []int
	for n := range d.tierRows(pb) {
		if d.v[tierBase(pb, n)+".removed"] != "true" {
			out = append(out, n)
		}
	}
	return out
}

// liveCharges are the charge rows not removed, in order.
func (d *dialog) liveCharges() []int {
	var out []int
	for row := range d.charges {
		if d.v[chargeBase(row)+".removed"] != "true" {
			out = append(out, row)
		}
	}
	return out
}

// changedUnder reports whether any field whose key starts with prefix
// differs from what the dialog opened with.
func (d *dialog) changedUnder(prefix string) bool {
	for _, m := range []map[string]string{d.v, d.loaded} {
		for k := range m {
			if strings.HasPrefix(k, prefix) && d.changed(k) {
				return true
			}
		}
	}
	return false
}

// readCharges reads the charge rows over the plan's charges as they were
// (was, by row): a charge left alone, on a plan still sold for the same
// periods in the same currencies, is kept exactly.
func (d *dialog) readCharges(was []portico.Charge, prices []portico.Price, shown *portico.Catalog) []portico.Charge {
	var out []portico.Charge
	for _, row := range d.liveCharges() {
		var ch portico.Charge
		if row < len(was) {
			ch = was[row]
			if !d.changedUnder(chargeBase(row)+".") && pricedAsPlan(ch, prices) {
				out = append(out, ch)
				continue
			}
		}
		d.readCharge(row, &ch, prices, shown)
		out = append(out, ch)
	}
	return out
}

// pricedAsPlan reports whether a charge has a price for exactly the
// plan's periods and currencies.
func pricedAsPlan(ch portico.Charge, prices []portico.Price) bool {
	if len(ch.Prices) != len(prices) {
		return false
	}
	for _, cp := range ch.Prices {
		if !sells(prices, cp.BillingPeriod, cp.Currency) {
			return false
		}
	}
	return true
}

// sells reports whether the prices have one for the period in the
// currency.
func sells(prices []portico.Price, period portico.BillingPeriod, currency string) bool {
	return slices.ContainsFunc(prices, func(p portico.Price) bool { return p.BillingPeriod == period && p.Currency == currency })
}

// readCharge reads one changed charge row into ch, which holds the charge
// as it was (or nothing when new). Typing errors go beside their fields.
func (d *dialog) readCharge(row int, ch *portico.Charge, prices []portico.Price, shown *portico.Catalog) {
	b := chargeBase(row)
	ch.FeatureID, ch.Model, ch.TiersMode = d.v[b+".feature"], d.chargeModel(row), d.chargeTiersMode(row)
	d.checkChargeFeature(row, ch, shown)
	ch.MinQuantity, ch.MaxQuantity, ch.Included, ch.BlockSize = nil, 0, 0, 0
	if ch.Model.Committed() {
		if s := strings.TrimSpace(d.v[b+".minQuantity"]); s != "" {
			n := d.readCount(b+".minQuantity", 0)
			ch.MinQuantity = &n
		}
		ch.MaxQuantity = d.readCount(b+".maxQuantity", 1)
	} else {
		ch.Included = d.readCount(b+".included", 0)
		ch.BlockSize = d.readCount(b+".blockSize", 1)
	}
	var out []portico.ChargePrice
	for _, s := range inOrderOf(d.slotsOf(prices), ch.Prices, chargeSlotOf) {
		cp := portico.ChargePrice{BillingPeriod: s.period}
		if i := slices.IndexFunc(ch.Prices, func(p portico.ChargePrice) bool { return p.BillingPeriod == s.period && p.Currency == s.loaded }); i >= 0 {
			cp = ch.Prices[i]
		}
		cp.Currency = s.currency
		d.readChargePrice(row, s, &cp)
		out = append(out, cp)
	}
	ch.Prices = out
}

func chargeSlotOf(p portico.ChargePrice) (portico.BillingPeriod, string) {
	return p.BillingPeriod, p.Currency
}

func minimumSlotOf(m portico.MinimumSpend) (portico.BillingPeriod, string) {
	return m.BillingPeriod, m.Currency
}

// checkChargeFeature refuses a charge without a feature, or on a feature
// its model cannot price, beside the feature.
func (d *dialog) checkChargeFeature(row int, ch *portico.Charge, shown *portico.Catalog) {
	key := chargeBase(row) + ".feature"
	f, ok := shown.Feature(ch.FeatureID)
	switch {
	case ch.FeatureID == "":
		d.errs[key] = "Choose the feature this charge prices."
	case !ok:
	case ch.Model.Committed() && f.Type != portico.FeatureNumeric:
		d.errs[key] = "A per-unit or tiered charge prices a numeric feature; choose one, or make this a usage charge."
	case ch.Model == portico.ModelUsage && f.Type != portico.FeatureMetered:
		d.errs[key] = "A usage charge prices a metered feature; choose one, or make this a per-unit or tiered charge."
	}
}

// readCount reads a whole number of at least least; blank is zero (the
// default).
func (d *dialog) readCount(key string, least int64) int64 {
	s := strings.TrimSpace(d.v[key])
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < least {
		d.errs[key] = fmt.Sprintf("Enter a whole number, %d or more, or leave it empty.", least)
	}
	return n
}

// readChargePrice reads a charge's price for one slot: its unit amount or
// its tiers, and its Stripe price.
func (d *dialog) readChargePrice(row int, s priceSlot, cp *portico.ChargePrice) {
	pb := chargePriceBase(row, s.key)
	cp.UnitAmount, cp.Tiers = 0, nil
	if d.chargeTiered(row) {
		cp.Tiers = d.readTiers(pb)
	} else {
		cp.UnitAmount = d.readAmount(pb+".unit", true)
	}
	stripeID := d.text(pb + ".stripe")
	if msg := checkStripePriceID(stripeID); msg != "" {
		d.errs[pb+".stripe"] = msg
	}
	cp.StripePriceID = stripeID
}

// readTiers reads a price's tier rows; the last one is open.
func (d *dialog) readTiers(pb string) []portico.Tier {
	live := d.liveTiers(pb)
	out := make([]portico.Tier, 0, len(live))
	for i, n := range live {
		tb := tierBase(pb, n)
		var t portico.Tier
		if i < len(live)-1 {
			t.UpTo = d.readUpTo(tb + ".upTo")
		}
		t.UnitAmount = d.readAmount(tb+".unit", true)
		t.FlatAmount = d.readAmount(tb+".flat", false)
		out = append(out, t)
	}
	if len(out) == 0 {
		d.errs[pb+".tiers"] = "A tiered price needs at least one tier: add one."
	}
	return out
}

// readUpTo reads a tier's last unit, which every tier but the last needs.
func (d *dialog) readUpTo(key string) *int64 {
	s := strings.TrimSpace(d.v[key])
	n, err := strconv.ParseInt(s, 10, 64)
	switch {
	case s == "":
		d.errs[key] = "Enter the last unit of this tier; only the last tier is open."
	case err != nil || n < 1:
		d.errs[key] = "Enter a whole number, 1 or more."
	}
	return &n
}

// readAmount reads an amount in major units as minor units; a required
// one left empty is refused.
func (d *dialog) readAmount(key string, required bool) int64 {
	s := strings.TrimSpace(d.v[key])
	if s == "" {
		if required {
			d.errs[key] = "Enter an amount, such as 10.00 (0 for free)."
		}
		return 0
	}
	n, err := parseAmount(s)
	if err != nil {
		d.errs[key] = err.Error()
	}
	return n
}

// readMinimumSpend reads the minimum spend per period and currency over
// the one as it was: left alone on a plan sold as before, it is kept
// exactly. A period with a minimum needs one in each currency the plan is
// sold in for it.
func (d *dialog) readMinimumSpend(was []portico.MinimumSpend, prices []portico.Price) []portico.MinimumSpend {
	out := was
	if d.changedUnder("minimum.") || !minimumAsPlan(was, prices) {
		out = nil
		for _, s := range inOrderOf(d.slotsOf(prices), was, minimumSlotOf) {
			key := "minimum." + s.key
			if strings.TrimSpace(d.v[key]) != "" {
				out = append(out, portico.MinimumSpend{BillingPeriod: s.period, Amount: d.readAmount(key, false), Currency: s.currency})
			}
		}
	}
	if s, ok := d.unfloored(out, prices); ok {
		d.errs["minimum."+s.key] = fmt.Sprintf("Enter the %s minimum in %s too: a period with a minimum spend has one in each currency the plan is sold in.",
			strings.ToLower(periodName(s.period)), strings.ToUpper(s.currency))
	}
	return out
}

func minimumAsPlan(ms []portico.MinimumSpend, prices []portico.Price) bool {
	for _, m := range ms {
		if !sells(prices, m.BillingPeriod, m.Currency) {
			return false
		}
	}
	return true
}

// unfloored is the first slot the plan is sold in without a minimum while
// its period has one in another currency.
func (d *dialog) unfloored(ms []portico.MinimumSpend, prices []portico.Price) (priceSlot, bool) {
	for _, p := range prices {
		floored := slices.ContainsFunc(ms, func(m portico.MinimumSpend) bool { return m.BillingPeriod == p.BillingPeriod })
		if floored && !slices.ContainsFunc(ms, func(m portico.MinimumSpend) bool {
			return m.BillingPeriod == p.BillingPeriod && m.Currency == p.Currency
		}) {
			return d.slotFor(p.BillingPeriod, p.Currency)
		}
	}
	return priceSlot{}, false
}

// chargeKey maps an error on a plan's charges, by its path below
// "charges" in the plan sent, to the form's field.
func (d *dialog) chargeKey(sent portico.Plan, idx int, sub string) string {
	if idx < 0 || idx >= len(sent.Charges) {
		return "charges"
	}
	ch := sent.Charges[idx]
	row, ok := d.chargeRowOf(sent.Charges, idx)
	if !ok {
		return ""
	}
	b := chargeBase(row)
	name, pidx, rest := splitPath(sub)
	switch name {
	case "featureId", "model":
		return b + "." + map[string]string{"featureId": "feature", "model": "model"}[name]
	case "tiersMode":
		if d.chargeModel(row) == portico.ModelPerUnit {
			return b + ".model"
		}
		return b + ".tiersMode"
	case "minQuantity", "maxQuantity", "included", "blockSize":
		if d.chargeModel(row).Committed() != (name == "minQuantity" || name == "maxQuantity") {
			return b + ".model"
		}
		return b + "." + name
	case "prices":
		if pidx < 0 || pidx >= len(ch.Prices) {
			return d.chargePriceKey(row, wholePricesError(ch.Prices, sent.Prices), "")
		}
		return d.chargePriceKey(row, ch.Prices[pidx], rest)
	}
	return ""
}

// wholePricesError is where an error about a charge's prices as a whole
// goes: the first price the plan is sold at that the charge lacks, else
// its first price.
func wholePricesError(cps []portico.ChargePrice, prices []portico.Price) portico.ChargePrice {
	for _, p := range prices {
		if !slices.ContainsFunc(cps, func(cp portico.ChargePrice) bool {
			return cp.BillingPeriod == p.BillingPeriod && cp.Currency == p.Currency
		}) {
			return portico.ChargePrice{BillingPeriod: p.BillingPeriod, Currency: p.Currency}
		}
	}
	if len(cps) > 0 {
		return cps[0]
	}
	return portico.ChargePrice{BillingPeriod: portico.Monthly}
}

// chargeRowOf is the form row of the sent charge at idx: the same
// occurrence of its feature among the rows not removed.
func (d *dialog) chargeRowOf(sent []portico.Charge, idx int) (int, bool) {
	nth := 0
	for _, c := range sent[:idx] {
		if c.FeatureID == sent[idx].FeatureID {
			nth++
		}
	}
	for _, row := range d.liveCharges() {
		if d.v[chargeBase(row)+".feature"] == sent[idx].FeatureID {
			if nth == 0 {
				return row, true
			}
			nth--
		}
	}
	return 0, false
}

// chargePriceKey is the field of a part of a charge's price for cp's
// slot; its tiers by their place among the rows not removed.
func (d *dialog) chargePriceKey(row int, cp portico.ChargePrice, sub string) string {
	s, ok := d.slotFor(cp.BillingPeriod, cp.Currency)
	if !ok {
		s, ok = d.slotFor(cp.BillingPeriod, d.firstCurrency())
	}
	if !ok {
		return ""
	}
	pb := chargePriceBase(row, s.key)
	whole := pb + ".unit"
	if d.chargeTiered(row) {
		whole = pb + ".tiers"
	}
	name, tidx, rest := splitPath(sub)
	switch name {
	case "currency":
		if s.first() {
			return "currency"
		}
		return whole
	case "stripePriceId":
		return pb + ".stripe"
	case "tiers":
		live := d.liveTiers(pb)
		if !d.chargeTiered(row) || tidx < 0 || tidx >= len(live) {
			return whole
		}
		tb := tierBase(pb, live[tidx])
		switch rest {
		case "upTo":
			if tidx == len(live)-1 {
				return pb + ".tiers"
			}
			return tb + ".upTo"
		case "flatAmount":
			return tb + ".flat"
		}
		return tb + ".unit"
	}
	return whole
}

// minimumKey maps an error on a plan's minimum spend to its slot's
// field; one about the minimum spend as a whole goes beside the first
// slot missing one, else the first.
func (d *dialog) minimumKey(sent portico.Plan, idx int, sub string) string {
	var s priceSlot
	ok := false
	switch {
	case idx >= 0 && idx < len(sent.MinimumSpend):
		m := sent.MinimumSpend[idx]
		s, ok = d.slotFor(m.BillingPeriod, m.Currency)
	default:
		if s, ok = d.unfloored(sent.MinimumSpend, sent.Prices); !ok && len(sent.Prices) > 0 {
			s, ok = d.slotFor(sent.Prices[0].BillingPeriod, sent.Prices[0].Currency)
		}
	}
	switch {
	case sub == "currency" && (!ok || s.first()):
		return "currency"
	case !ok:
		return ""
	}
	return "minimum." + s.key
}
