package console

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	portico "github.com/portico-dev/portico"
)

// A plan's charges and minimum spend in the plan editor. The form keeps
// them flat, by key: charge.<row>.<field> for a charge, then, per billing
// period, charge.<row>.<period>.<field> for its price and
// charge.<row>.<period>.tier.<n>.<field> for a tier. Rows removed stay,
// marked removed, so the keys of the others never move. Amounts are typed
// in major units and kept in minor units, as the plan's prices are.

func chargeBase(row int) string { return fmt.Sprintf("charge.%d", row) }

func chargePriceBase(row int, period portico.BillingPeriod) string {
	return chargeBase(row) + "." + string(period)
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
			loadChargePrice(d, chargePriceBase(row, pr.BillingPeriod), pr)
		}
	}
	d.charges = len(charges)
	for _, m := range minimum {
		d.v["minimum."+string(m.BillingPeriod)] = amountText(m.Amount)
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

// formPeriods are the billing periods the form sells the plan for: those
// with a price typed, in the order of the plan's prices as they were.
func (d *dialog) formPeriods(was []portico.Price) []portico.BillingPeriod {
	var out []portico.BillingPeriod
	for _, period := range pricePeriods(was) {
		if strings.TrimSpace(d.v["price."+string(period)]) != "" {
			out = append(out, period)
		}
	}
	return out
}

// readCharges reads the charge rows over the plan's charges as they were
// (was, by row): a charge left alone, on a plan still sold for the same
// periods in the same currency, is kept exactly.
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
// plan's periods, each in the plan's currency for it.
func pricedAsPlan(ch portico.Charge, prices []portico.Price) bool {
	if len(ch.Prices) != len(prices) {
		return false
	}
	for _, cp := range ch.Prices {
		if fee, ok := priceOf(prices, cp.BillingPeriod); !ok || fee.Currency != cp.Currency {
			return false
		}
	}
	return true
}

func priceOf(prices []portico.Price, period portico.BillingPeriod) (portico.Price, bool) {
	i := slices.IndexFunc(prices, func(p portico.Price) bool { return p.BillingPeriod == period })
	if i < 0 {
		return portico.Price{}, false
	}
	return prices[i], true
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
	for _, period := range chargePeriods(ch.Prices, prices) {
		fee, _ := priceOf(prices, period)
		cp := portico.ChargePrice{BillingPeriod: period}
		if i := slices.IndexFunc(ch.Prices, func(p portico.ChargePrice) bool { return p.BillingPeriod == period }); i >= 0 {
			cp = ch.Prices[i]
		}
		cp.Currency = fee.Currency
		d.readChargePrice(row, period, &cp)
		out = append(out, cp)
	}
	ch.Prices = out
}

// chargePeriods are the plan's periods, in the order of the charge's
// prices as they were, then the others in the plan's order.
func chargePeriods(was []portico.ChargePrice, prices []portico.Price) []portico.BillingPeriod {
	var out []portico.BillingPeriod
	for _, cp := range was {
		if _, ok := priceOf(prices, cp.BillingPeriod); ok {
			out = append(out, cp.BillingPeriod)
		}
	}
	for _, p := range prices {
		if !slices.Contains(out, p.BillingPeriod) {
			out = append(out, p.BillingPeriod)
		}
	}
	return out
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

// readChargePrice reads a charge's price for one period: its unit amount
// or its tiers, and its Stripe price.
func (d *dialog) readChargePrice(row int, period portico.BillingPeriod, cp *portico.ChargePrice) {
	pb := chargePriceBase(row, period)
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

// readMinimumSpend reads the minimum spend per period over the one as it
// was: left alone on a plan sold as before, it is kept exactly.
func (d *dialog) readMinimumSpend(was []portico.MinimumSpend, prices []portico.Price) []portico.MinimumSpend {
	if !d.changedUnder("minimum.") && minimumAsPlan(was, prices) {
		return was
	}
	var periods []portico.BillingPeriod
	for _, m := range was {
		periods = append(periods, m.BillingPeriod)
	}
	for _, p := range prices {
		if !slices.Contains(periods, p.BillingPeriod) {
			periods = append(periods, p.BillingPeriod)
		}
	}
	var out []portico.MinimumSpend
	for _, period := range periods {
		fee, sold := priceOf(prices, period)
		key := "minimum." + string(period)
		if !sold || strings.TrimSpace(d.v[key]) == "" {
			continue
		}
		out = append(out, portico.MinimumSpend{BillingPeriod: period, Amount: d.readAmount(key, false), Currency: fee.Currency})
	}
	return out
}

func minimumAsPlan(ms []portico.MinimumSpend, prices []portico.Price) bool {
	for _, m := range ms {
		if fee, ok := priceOf(prices, m.BillingPeriod); !ok || fee.Currency != m.Currency {
			return false
		}
	}
	return true
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
			return d.chargePriceKey(row, firstPeriod(ch.Prices, sent.Prices), "")
		}
		return d.chargePriceKey(row, ch.Prices[pidx], rest)
	}
	return ""
}

// firstPeriod is the charge's first price, or a price for the plan's
// first period, for an error about the charge's prices as a whole.
func firstPeriod(cps []portico.ChargePrice, prices []portico.Price) portico.ChargePrice {
	switch {
	case len(cps) > 0:
		return cps[0]
	case len(prices) > 0:
		return portico.ChargePrice{BillingPeriod: prices[0].BillingPeriod}
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
// period; its tiers by their place among the rows not removed.
func (d *dialog) chargePriceKey(row int, cp portico.ChargePrice, sub string) string {
	pb := chargePriceBase(row, cp.BillingPeriod)
	whole := pb + ".unit"
	if d.chargeTiered(row) {
		whole = pb + ".tiers"
	}
	name, tidx, rest := splitPath(sub)
	switch name {
	case "currency":
		return "currency"
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

// minimumKey maps an error on a plan's minimum spend to its period's
// field.
func minimumKey(sent portico.Plan, idx int, sub string) string {
	if sub == "currency" {
		return "currency"
	}
	if idx >= 0 && idx < len(sent.MinimumSpend) {
		return "minimum." + string(sent.MinimumSpend[idx].BillingPeriod)
	}
	if len(sent.Prices) > 0 {
		return "minimum." + string(sent.Prices[0].BillingPeriod)
	}
	return ""
}
