package catalog

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	portico "github.com/portico-dev/portico"
)

// A plan's charges and minimum spend are lists of nested objects: their
// changes are named per charge (by its feature), per billing period and,
// for tiers, as the tier table reads ("1–50 at 10.00 USD, 51+ at 8.00
// USD"), not as JSON.

// pricingChanges describes the changes to a plan's charges or minimum
// spend, the field key, from a to b (JSON, empty when absent).
func pricingChanges(key string, a, b json.RawMessage) []string {
	if key == "minimumSpend" {
		var was, is []portico.MinimumSpend
		_ = json.Unmarshal(orNull(a), &was)
		_ = json.Unmarshal(orNull(b), &is)
		return minimumChanges(was, is)
	}
	var was, is []portico.Charge
	_ = json.Unmarshal(orNull(a), &was)
	_ = json.Unmarshal(orNull(b), &is)
	return chargeChanges(was, is)
}

func orNull(v json.RawMessage) json.RawMessage {
	if len(v) == 0 {
		return json.RawMessage("null")
	}
	return v
}

func minimumChanges(was, is []portico.MinimumSpend) []string {
	show := func(ms []portico.MinimumSpend, period string) string {
		i := slices.IndexFunc(ms, func(m portico.MinimumSpend) bool { return string(m.BillingPeriod) == period })
		if i < 0 {
			return "none"
		}
		return moneyText(ms[i].Amount, ms[i].Currency)
	}
	var out []string
	for _, period := range periodsOf(was, is, func(m portico.MinimumSpend) string { return string(m.BillingPeriod) }) {
		if a, b := show(was, period), show(is, period); a != b {
			out = append(out, fmt.Sprintf("minimum spend %s %s → %s", period, a, b))
		}
	}
	return out
}

// chargeChanges names each charge added, removed or changed, by its
// feature.
func chargeChanges(was, is []portico.Charge) []string {
	var out []string
	for _, n := range is {
		i := slices.IndexFunc(was, func(c portico.Charge) bool { return c.FeatureID == n.FeatureID })
		if i < 0 {
			out = append(out, fmt.Sprintf("added charge %q: %s", n.FeatureID, chargeSummary(n)))
			continue
		}
		out = append(out, chargeEdits(was[i], n)...)
	}
	for _, o := range was {
		if !slices.ContainsFunc(is, func(c portico.Charge) bool { return c.FeatureID == o.FeatureID }) {
			out = append(out, fmt.Sprintf("removed charge %q", o.FeatureID))
		}
	}
	return out
}

// chargeSummary is a new charge in a few words: its model and prices.
func chargeSummary(c portico.Charge) string {
	parts := []string{modelText(c)}
	for _, p := range c.Prices {
		parts = append(parts, string(p.BillingPeriod)+" "+chargePriceText(p))
	}
	return strings.Join(parts, ", ")
}

func modelText(c portico.Charge) string {
	if c.TiersMode != "" {
		return string(c.Model) + " (" + string(c.TiersMode) + ")"
	}
	return string(c.Model)
}

// chargeEdits names what changed in one charge.
func chargeEdits(a, b portico.Charge) []string {
	var out []string
	name := fmt.Sprintf("charge %q ", a.FeatureID)
	add := func(field, x, y string) {
		if x != y {
			out = append(out, name+field+" "+x+" → "+y)
		}
	}
	add("model", modelText(a), modelText(b))
	add("minQuantity", quantityText(a.MinQuantity), quantityText(b.MinQuantity))
	add("maxQuantity", countText(a.MaxQuantity), countText(b.MaxQuantity))
	add("included", countText(a.Included), countText(b.Included))
	add("blockSize", countText(a.BlockSize), countText(b.BlockSize))
	period := func(p portico.ChargePrice) string { return string(p.BillingPeriod) }
	for _, pd := range periodsOf(a.Prices, b.Prices, period) {
		x, y := priceIn(a.Prices, pd), priceIn(b.Prices, pd)
		switch {
		case x == nil:
			add(pd, "none", chargePriceText(*y))
		case y == nil:
			add(pd, chargePriceText(*x), "none")
		default:
			add(pd, chargePriceText(*x), chargePriceText(*y))
			add(pd+" stripePriceId", quoted(x.StripePriceID), quoted(y.StripePriceID))
		}
	}
	return out
}

func priceIn(ps []portico.ChargePrice, period string) *portico.ChargePrice {
	i := slices.IndexFunc(ps, func(p portico.ChargePrice) bool { return string(p.BillingPeriod) == period })
	if i < 0 {
		return nil
	}
	return &ps[i]
}

// chargePriceText is a charge price as people read it: "0.50 USD per
// unit" or its tiers, "1–50 at 10.00 USD, 51+ at 8.00 USD".
func chargePriceText(p portico.ChargePrice) string {
	if len(p.Tiers) == 0 {
		return moneyText(p.UnitAmount, p.Currency) + " per unit"
	}
	var parts []string
	from := int64(1)
	for _, t := range p.Tiers {
		span := fmt.Sprintf("%d+", from)
		if t.UpTo != nil {
			span = fmt.Sprintf("%d–%d", from, *t.UpTo)
			from = *t.UpTo + 1
		}
		part := span + " at " + moneyText(t.UnitAmount, p.Currency)
		if t.FlatAmount != 0 {
			part += " + " + moneyText(t.FlatAmount, p.Currency) + " flat"
		}
		parts = append(parts, part)
	}
	return "tiers " + strings.Join(parts, ", ")
}

// periodsOf are the billing periods of two lists, in their order.
func periodsOf[T any](a, b []T, period func(T) string) []string {
	var out []string
	for _, x := range slices.Concat(a, b) {
		if p := period(x); !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// moneyText shows minor units in major ones: "10.00 USD".
func moneyText(minor int64, currency string) string {
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	return fmt.Sprintf("%s%d.%02d %s", sign, minor/100, minor%100, strings.ToUpper(currency))
}

func quantityText(n *int64) string {
	if n == nil {
		return "default"
	}
	return fmt.Sprint(*n)
}

func countText(n int64) string {
	if n == 0 {
		return "none"
	}
	return fmt.Sprint(n)
}

func quoted(s string) string {
	if s == "" {
		return "none"
	}
	return fmt.Sprintf("%q", s)
}
