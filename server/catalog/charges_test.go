package catalog_test

import (
	"slices"
	"testing"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/catalog"
)

// Each bad charge or minimum spend is refused with a 422 naming its field.
// The demo's plans[6] is per member (graduated tiers, monthly and
// annually); plans[7] prices requests by usage with a monthly minimum.
func TestBadChargesAreRefusedByField(t *testing.T) {
	n := func(v int64) *int64 { return &v }
	for _, tc := range []struct {
		name  string
		edit  func(c *portico.Catalog)
		field string
	}{
		{"unknown feature", func(c *portico.Catalog) { c.Plans[6].Charges[0].FeatureID = "nope" }, "plans[6].charges[0].featureId"},
		{"per-unit on a metered feature", func(c *portico.Catalog) {
			ch := &c.Plans[6].Charges[0]
			ch.FeatureID, ch.Model, ch.TiersMode = "requests", portico.ModelPerUnit, ""
		}, "plans[6].charges[0].model"},
		{"usage on a numeric feature", func(c *portico.Catalog) { c.Plans[7].Charges[0].FeatureID = "members" }, "plans[7].charges[0].model"},
		{"unknown model", func(c *portico.Catalog) { c.Plans[6].Charges[0].Model = "flat" }, "plans[6].charges[0].model"},
		{"tiered without a mode", func(c *portico.Catalog) { c.Plans[6].Charges[0].TiersMode = "" }, "plans[6].charges[0].tiersMode"},
		{"tiers not ascending", func(c *portico.Catalog) { c.Plans[6].Charges[0].Prices[0].Tiers[0].UpTo = n(0) }, "plans[6].charges[0].prices[0].tiers[0].upTo"},
		{"last tier bounded", func(c *portico.Catalog) { c.Plans[6].Charges[0].Prices[0].Tiers[1].UpTo = n(90) }, "plans[6].charges[0].prices[0].tiers[1].upTo"},
		{"a middle tier open", func(c *portico.Catalog) {
			p := &c.Plans[6].Charges[0].Prices[0]
			p.Tiers = append([]portico.Tier{{UnitAmount: 1}}, p.Tiers...)
		}, "plans[6].charges[0].prices[0].tiers[0].upTo"},
		{"no price for a period the plan is sold", func(c *portico.Catalog) {
			c.Plans[6].Charges[0].Prices = c.Plans[6].Charges[0].Prices[:1]
		}, "plans[6].charges[0].prices"},
		{"a price in another currency", func(c *portico.Catalog) { c.Plans[6].Charges[0].Prices[0].Currency = "gbp" }, "plans[6].charges[0].prices[0].currency"},
		{"max below min", func(c *portico.Catalog) {
			c.Plans[6].Charges[0].MinQuantity, c.Plans[6].Charges[0].MaxQuantity = n(5), 2
		}, "plans[6].charges[0].maxQuantity"},
		{"included on a committed charge", func(c *portico.Catalog) { c.Plans[6].Charges[0].Included = 10 }, "plans[6].charges[0].included"},
		{"usage billed annually but reset monthly", func(c *portico.Catalog) {
			c.Plans[7].Prices = append(c.Plans[7].Prices, portico.Price{BillingPeriod: portico.Annually, Currency: "usd"})
			c.Plans[7].Charges[0].Prices = append(c.Plans[7].Charges[0].Prices, portico.ChargePrice{BillingPeriod: portico.Annually, Currency: "usd", UnitAmount: 50})
		}, "plans[7].charges[0].prices[2].billingPeriod"},
		{"charged twice", func(c *portico.Catalog) { c.Plans[6].Charges = append(c.Plans[6].Charges, c.Plans[6].Charges[0]) }, "plans[6].charges[1].featureId"},
		{"a charge on a free plan", func(c *portico.Catalog) { c.Plans[0].Charges = c.Plans[6].Charges }, "plans[0].charges"},
		{"a negative unit amount", func(c *portico.Catalog) { c.Plans[7].Charges[0].Prices[0].UnitAmount = -1 }, "plans[7].charges[0].prices[0].unitAmount"},
		{"a minimum in another currency", func(c *portico.Catalog) { c.Plans[7].MinimumSpend[0].Currency = "gbp" }, "plans[7].minimumSpend[0].currency"},
		{"a minimum for a period not sold", func(c *portico.Catalog) { c.Plans[7].MinimumSpend[0].BillingPeriod = portico.Annually }, "plans[7].minimumSpend[0].billingPeriod"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := demo(t)
			tc.edit(c)
			fields := fieldsOf(t, catalog.Validate(c))
			if !slices.Contains(fields, tc.field) {
				t.Errorf("fields %v, want one naming %s", fields, tc.field)
			}
		})
	}
}
