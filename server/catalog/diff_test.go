package catalog

import (
	"encoding/json"
	"os"
	"slices"
	"testing"

	portico "github.com/portico-dev/portico"
)

func demoCatalog(t *testing.T) *portico.Catalog {
	t.Helper()
	b, err := os.ReadFile("../../assets/demo/catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	var c portico.Catalog
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return &c
}

func planIn(c *portico.Catalog, id string) *portico.Plan {
	i := slices.IndexFunc(c.Plans, func(p portico.Plan) bool { return p.ID == id })
	return &c.Plans[i]
}

// The history names a change to a plan's charges or minimum spend as the
// operator reads prices: per charge and period, tiers as a table reads,
// amounts in major units; never the charges' JSON.
func TestDiffNamesChargeAndMinimumSpendChangesReadably(t *testing.T) {
	prev, next := demoCatalog(t), demoCatalog(t)
	team := planIn(next, "platform-team")
	team.Charges[0].Prices[0].Tiers[1].UnitAmount = 750
	team.Charges[0].MaxQuantity = 1000
	team.Charges[0].Prices[1].StripePriceID = "price_members_annual"
	scale := planIn(next, "platform-scale")
	scale.MinimumSpend[0].Amount = 6000
	scale.Charges[0].Prices[0].UnitAmount = 60
	scale.Charges = append(scale.Charges, portico.Charge{FeatureID: "members", Model: portico.ModelPerUnit,
		Prices: []portico.ChargePrice{{BillingPeriod: portico.Monthly, Currency: "usd", UnitAmount: 500}}})
	planIn(next, "pro").MinimumSpend = []portico.MinimumSpend{{BillingPeriod: portico.Annually, Amount: 100000, Currency: "usd"}}
	got := Diff(prev, next)
	want := []string{
		`Changed plan "pro": minimum spend annually none → 1000.00 USD`,
		`Changed plan "platform-team": charge "members" maxQuantity 500 → 1000; ` +
			`charge "members" monthly tiers 1–50 at 10.00 USD, 51+ at 8.00 USD → tiers 1–50 at 10.00 USD, 51+ at 7.50 USD; ` +
			`charge "members" annually stripePriceId "price_platform_members_annually" → "price_members_annual"`,
		`Changed plan "platform-scale": charge "requests" monthly 0.50 USD per unit → 0.60 USD per unit; ` +
			`added charge "members": per_unit, monthly 5.00 USD per unit; minimum spend monthly 50.00 USD → 60.00 USD`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("Diff =\n%q\nwant\n%q", got, want)
	}

	planIn(prev, "platform-scale").Charges = nil
	if got := Diff(next, prev); !slices.Contains(got, `Changed plan "platform-scale": removed charge "requests"; removed charge "members"; minimum spend monthly 60.00 USD → 50.00 USD`) {
		t.Errorf("removing charges reads %q", got)
	}
}
