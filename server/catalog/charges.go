package catalog

import (
	"fmt"
	"slices"

	portico "github.com/portico-dev/portico"
)

// checkCharges checks a plan's charges: each prices a known feature of the
// right type once, only on a paid plan, with a price for every period and
// currency the plan is sold in and tiers that ascend to an open last tier.
func checkCharges(errs *problems, c *portico.Catalog, at string, p portico.Plan) {
	if len(p.Charges) > 0 && p.Pricing != portico.PricingPaid {
		errs.add(at+".charges", "only paid plans have charges; a %s plan has none", p.Pricing)
		return
	}
	seen := map[string]bool{}
	for i, ch := range p.Charges {
		field := fmt.Sprintf("%s.charges[%d]", at, i)
		if seen[ch.FeatureID] {
			errs.add(field+".featureId", "feature %q is charged twice", ch.FeatureID)
		}
		seen[ch.FeatureID] = true
		f, ok := c.Feature(ch.FeatureID)
		switch {
		case !ok:
			errs.add(field+".featureId", "unknown feature %q", ch.FeatureID)
			continue
		case ch.Model.Committed() && f.Type != portico.FeatureNumeric:
			errs.add(field+".model", "a %s charge prices a numeric feature; %q is %s", ch.Model, f.ID, f.Type)
		case ch.Model == portico.ModelUsage && f.Type != portico.FeatureMetered:
			errs.add(field+".model", "a usage charge prices a metered feature; %q is %s", f.ID, f.Type)
		}
		checkChargeShape(errs, field, ch)
		checkChargePrices(errs, field, ch, f, p)
		if ch.Model.Committed() && grants(p.Entitlements, ch.FeatureID) {
			errs.add(field+".featureId", "the charge grants %q by its quantity; remove the plan's entitlement to it", ch.FeatureID)
		}
	}
}

func grants(ents []portico.Entitlement, featureID string) bool {
	for _, e := range ents {
		if e.FeatureID == featureID {
			return true
		}
	}
	return false
}

// checkChargeShape checks the fields that belong to one model only.
func checkChargeShape(errs *problems, field string, ch portico.Charge) {
	committed := ch.Model.Committed()
	if !committed && (ch.MinQuantity != nil || ch.MaxQuantity != 0) {
		errs.add(field+".minQuantity", "only per-unit and tiered charges take quantities")
	}
	if committed && (ch.Included != 0 || ch.BlockSize != 0) {
		errs.add(field+".included", "only usage charges include units or price blocks")
	}
	if ch.MaxQuantity > 0 && ch.MaxQuantity < ch.Min() {
		errs.add(field+".maxQuantity", "must be at least minQuantity (%d)", ch.Min())
	}
	switch {
	case ch.Model == portico.ModelTiered && ch.TiersMode == "":
		errs.add(field+".tiersMode", "is required for a tiered charge: graduated or volume")
	case ch.Model == portico.ModelPerUnit && ch.TiersMode != "":
		errs.add(field+".tiersMode", "a per-unit charge has no tiers")
	}
}

// checkChargePrices checks a charge's prices: one per period and currency
// the plan is sold in and no other, a unit amount or tiers as the model
// needs, and for usage one per usage period of the feature (usage is
// billed at the end of each billing period, so it must reset with it).
func checkChargePrices(errs *problems, field string, ch portico.Charge, f portico.Feature, p portico.Plan) {
	seen := map[priceSlot]bool{}
	for k, pr := range ch.Prices {
		at := fmt.Sprintf("%s.prices[%d]", field, k)
		slot := priceSlot{pr.BillingPeriod, pr.Currency}
		if seen[slot] {
			errs.add(at+".billingPeriod", "a second %s price in %s", pr.BillingPeriod, pr.Currency)
		}
		seen[slot] = true
		checkSold(errs, at, p, pr.BillingPeriod, pr.Currency)
		if ch.Model == portico.ModelUsage && f.Type == portico.FeatureMetered && !resetsWith(f.ResetPeriod, pr.BillingPeriod) {
			errs.add(at+".billingPeriod", "usage of %q resets %s; a usage charge is billed per usage period, so only a %s price fits",
				f.ID, f.ResetPeriod, periodOf(f.ResetPeriod))
		}
		checkTiers(errs, at, ch, pr)
	}
	for _, fee := range p.Prices {
		if !seen[priceSlot{fee.BillingPeriod, fee.Currency}] {
			errs.add(field+".prices", "plan %q is sold %s in %s: the charge needs a %s price in %s",
				p.ID, fee.BillingPeriod, fee.Currency, fee.BillingPeriod, fee.Currency)
		}
	}
}

func resetsWith(r portico.ResetPeriod, period portico.BillingPeriod) bool {
	return (r == portico.ResetMonthly && period == portico.Monthly) || (r == portico.ResetYearly && period == portico.Annually)
}

func periodOf(r portico.ResetPeriod) portico.BillingPeriod {
	switch r {
	case portico.ResetMonthly:
		return portico.Monthly
	case portico.ResetYearly:
		return portico.Annually
	}
	return "matching"
}

// checkTiers checks a price's tiers: present exactly when the model prices
// through them, ascending, the last one open.
func checkTiers(errs *problems, at string, ch portico.Charge, pr portico.ChargePrice) {
	tiered := ch.Model == portico.ModelTiered || (ch.Model == portico.ModelUsage && ch.TiersMode != "")
	switch {
	case tiered && len(pr.Tiers) == 0:
		errs.add(at+".tiers", "a tiered price needs at least one tier")
		return
	case !tiered && len(pr.Tiers) > 0:
		errs.add(at+".tiers", "only tiered prices have tiers; set tiersMode or use unitAmount")
		return
	case tiered && pr.UnitAmount != 0:
		errs.add(at+".unitAmount", "a tiered price sets its unit amounts per tier")
	}
	var prev int64
	for t, tier := range pr.Tiers {
		field := fmt.Sprintf("%s.tiers[%d].upTo", at, t)
		last := t == len(pr.Tiers)-1
		switch {
		case last && tier.UpTo != nil:
			errs.add(field, "the last tier has no upper bound: write null")
		case !last && tier.UpTo == nil:
			errs.add(field, "only the last tier is open; give this one an upper bound")
		case !last && *tier.UpTo <= prev:
			errs.add(field, "tiers ascend: must be above %d", prev)
		}
		if tier.UpTo != nil {
			prev = *tier.UpTo
		}
	}
}

// checkMinimumSpend checks a plan's minimum spend: one per period and
// currency the plan is sold in; a period with one has one in every
// currency the plan is sold in for it, so no customer's currency escapes
// the floor.
func checkMinimumSpend(errs *problems, at string, p portico.Plan) {
	seen := map[priceSlot]bool{}
	floored := map[portico.BillingPeriod]bool{}
	for k, m := range p.MinimumSpend {
		field := fmt.Sprintf("%s.minimumSpend[%d]", at, k)
		slot := priceSlot{m.BillingPeriod, m.Currency}
		if seen[slot] {
			errs.add(field+".billingPeriod", "a second %s minimum in %s", m.BillingPeriod, m.Currency)
		}
		seen[slot], floored[m.BillingPeriod] = true, true
		if p.Pricing != portico.PricingPaid {
			errs.add(field, "only paid plans have a minimum spend")
			continue
		}
		checkSold(errs, field, p, m.BillingPeriod, m.Currency)
	}
	for _, fee := range p.Prices {
		if floored[fee.BillingPeriod] && !seen[priceSlot{fee.BillingPeriod, fee.Currency}] {
			errs.add(at+".minimumSpend", "plan %q has a %s minimum spend and is sold %s in %s: it needs a %s minimum in %s",
				p.ID, fee.BillingPeriod, fee.BillingPeriod, fee.Currency, fee.BillingPeriod, fee.Currency)
		}
	}
}

// checkSold checks that what is priced at at (a charge's price, a minimum
// spend) is for a period and currency the plan is sold in.
func checkSold(errs *problems, at string, p portico.Plan, period portico.BillingPeriod, currency string) {
	switch {
	case slices.IndexFunc(p.Prices, func(pr portico.Price) bool { return pr.BillingPeriod == period }) < 0:
		errs.add(at+".billingPeriod", "plan %q is not sold %s; price it there first", p.ID, period)
	case !hasPrice(p, period, currency):
		errs.add(at+".currency", "plan %q is not sold %s in %s; give it a %s price in %s first", p.ID, period, currency, period, currency)
	}
}

func hasPrice(p portico.Plan, period portico.BillingPeriod, currency string) bool {
	_, ok := p.PriceFor(period, currency)
	return ok
}
