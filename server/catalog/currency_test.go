package catalog_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/catalog"
)

// inGBP sells the demo's plan (by index) in pounds too: its fee, each
// charge and its minimum spend, for every period it is sold.
func inGBP(c *portico.Catalog, plan int) {
	p := &c.Plans[plan]
	for _, pr := range p.Prices {
		if pr.Currency == "usd" {
			p.Prices = append(p.Prices, portico.Price{BillingPeriod: pr.BillingPeriod, Amount: pr.Amount, Currency: "gbp"})
		}
	}
	for i := range p.Charges {
		ch := &p.Charges[i]
		for _, pr := range ch.Prices {
			if pr.Currency == "usd" {
				pr.Currency, pr.StripePriceID = "gbp", ""
				ch.Prices = append(ch.Prices, pr)
			}
		}
	}
	for _, m := range p.MinimumSpend {
		if m.Currency == "usd" {
			m.Currency = "gbp"
			p.MinimumSpend = append(p.MinimumSpend, m)
		}
	}
}

// A plan, add-on or charge lists one price per billing period and
// currency; a plan sold in a currency prices each charge, its minimum
// spend and its add-ons in it too. Each refusal names the field and the
// currency missing.
func TestPricesAreCheckedPerPeriodAndCurrency(t *testing.T) {
	for _, tc := range []struct {
		name    string
		edit    func(c *portico.Catalog)
		field   string // "": valid
		mention string
	}{
		{"a plan in two currencies", func(c *portico.Catalog) { inGBP(c, 6); inGBP(c, 7) }, "", ""},
		{"a plan and its add-ons in two currencies", func(c *portico.Catalog) {
			inGBP(c, 1)
			c.Addons[0].Prices = append(c.Addons[0].Prices, portico.Price{BillingPeriod: portico.Monthly, Amount: 400, Currency: "gbp"},
				portico.Price{BillingPeriod: portico.Annually, Amount: 4000, Currency: "gbp"})
		}, "", ""},
		{"two prices for one period and currency", func(c *portico.Catalog) {
			c.Plans[1].Prices = append(c.Plans[1].Prices, portico.Price{BillingPeriod: portico.Monthly, Amount: 1000, Currency: "usd"})
		}, "plans[1].prices[4].billingPeriod", "usd"},
		{"a charge without the plan's second currency", func(c *portico.Catalog) {
			inGBP(c, 6)
			c.Plans[6].Charges[0].Prices = c.Plans[6].Charges[0].Prices[:4]
		}, "plans[6].charges[0].prices", "gbp"},
		{"a charge in a currency the plan is not sold in", func(c *portico.Catalog) {
			ch := &c.Plans[6].Charges[0]
			gbp := ch.Prices[0]
			gbp.Currency, gbp.StripePriceID = "gbp", ""
			ch.Prices = append(ch.Prices, gbp)
		}, "plans[6].charges[0].prices[4].currency", "gbp"},
		{"two charge prices for one period and currency", func(c *portico.Catalog) {
			ch := &c.Plans[6].Charges[0]
			ch.Prices = append(ch.Prices, ch.Prices[0])
		}, "plans[6].charges[0].prices[4].billingPeriod", "usd"},
		{"a minimum spend without the plan's second currency", func(c *portico.Catalog) {
			inGBP(c, 7)
			c.Plans[7].MinimumSpend = c.Plans[7].MinimumSpend[:2]
		}, "plans[7].minimumSpend", "gbp"},
		{"an add-on without the plan's second currency", func(c *portico.Catalog) { inGBP(c, 1) }, "plans[1].addonIds[0]", "gbp"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := demo(t)
			tc.edit(c)
			err := catalog.Validate(c)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var perr *portico.Error
			if !errors.As(err, &perr) {
				t.Fatalf("error %v, want one naming %s", err, tc.field)
			}
			i := slices.IndexFunc(perr.Fields, func(f portico.FieldError) bool { return f.Field == tc.field })
			if i < 0 || !strings.Contains(perr.Fields[i].Message, tc.mention) {
				t.Errorf("fields %+v, want %s saying %q", perr.Fields, tc.field, tc.mention)
			}
		})
	}
}
