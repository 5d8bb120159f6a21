package console

import (
	"slices"
	"strings"
	"testing"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/components"
	"github.com/portico-dev/portico/server/catalog"
)

// inEuros adds euros to the plan's form as "+ Add a currency" does.
func inEuros(t *testing.T, d *dialog) {
	t.Helper()
	d.v["newCurrency"] = " EUR "
	if next := d.addCurrency(); next != "price.monthly.eur" || d.errs["newCurrency"] != "" {
		t.Fatalf("adding EUR goes to %q, error %q", next, d.errs["newCurrency"])
	}
}

// Adding a currency to a plan priced by charges takes a price for each
// period and currency: the plan's fee, each charge (tiers and all) and
// the minimum spend; the prices in the first currency are kept exactly,
// and the whole is a valid catalog.
func TestAddingACurrencyPricesEachRowInIt(t *testing.T) {
	cat, d := meteredPlan(t)
	inEuros(t, d)
	// The tiers start as the first currency's, their amounts to enter.
	if d.v["charge.0.monthly.eur.tierRows"] != "2" || d.v["charge.0.monthly.eur.tier.0.upTo"] != "10" || d.v["charge.0.monthly.eur.tier.0.unit"] != "" {
		t.Errorf("the euro tiers start as %q rows up to %q at %q, want the dollar tiers' two rows, up to 10, no amount",
			d.v["charge.0.monthly.eur.tierRows"], d.v["charge.0.monthly.eur.tier.0.upTo"], d.v["charge.0.monthly.eur.tier.0.unit"])
	}
	for k, v := range map[string]string{
		"price.monthly.eur":                "0",
		"charge.0.monthly.eur.tier.0.unit": "9.00",
		"charge.0.monthly.eur.tier.1.unit": "7.50",
		"charge.0.monthly.eur.stripe":      "price_team_seats_eur",
		"charge.1.monthly.eur.unit":        "0.45",
		"minimum.monthly.eur":              "45",
	} {
		d.v[k] = v
	}
	next, _ := d.planEdit(cat)
	if len(d.errs) > 0 {
		t.Fatalf("refused: %v", d.errs)
	}
	if err := catalog.Validate(next); err != nil {
		t.Fatalf("the edit is not a valid catalog: %v", err)
	}
	pl, _ := next.Plan("chat-metered")
	was, _ := cat.Plan("chat-metered")
	if len(pl.Prices) != 2 || pl.Prices[0] != was.Prices[0] || pl.Prices[1] != (portico.Price{BillingPeriod: portico.Monthly, Currency: "eur"}) {
		t.Errorf("prices %+v, want the dollar fee kept and a euro one added", pl.Prices)
	}
	seats := pl.Charges[0].Prices
	if len(seats) != 2 || seats[1].Currency != "eur" || seats[1].StripePriceID != "price_team_seats_eur" ||
		!tiersEqual(seats[1].Tiers, []portico.Tier{{UpTo: ptr(int64(10)), UnitAmount: 900}, {UnitAmount: 750}}) {
		t.Errorf("the seats charge's prices %+v, want its euro tiers after the dollar ones", seats)
	}
	if calls := pl.Charges[1].Prices; len(calls) != 2 || calls[1].Currency != "eur" || calls[1].UnitAmount != 45 || calls[1].BillingPeriod != portico.Monthly {
		t.Errorf("the calls charge's prices %+v, want 0.45 a block in euros", calls)
	}
	if ms := pl.MinimumSpend; len(ms) != 2 || ms[0] != was.MinimumSpend[0] || ms[1] != (portico.MinimumSpend{BillingPeriod: portico.Monthly, Amount: 4500, Currency: "eur"}) {
		t.Errorf("minimum spend %+v, want the dollar one kept and 45.00 in euros", ms)
	}
}

// A plan priced in two currencies opens with a row per period and
// currency, its prices as they are; removing a currency stops selling in
// it, and the confirmation lists its prices as no longer sold.
func TestAPlanInTwoCurrenciesOpensAndLosesOne(t *testing.T) {
	cat := fullCatalog()
	pro := &cat.Plans[1]
	pro.Prices = append(pro.Prices, portico.Price{BillingPeriod: portico.Monthly, Amount: 2700, Currency: "eur", StripePriceID: "price_pro_monthly_eur"})
	d := planDialog(cat, "chat", "chat-pro")
	d.prepare(cat)
	for key, want := range map[string]string{
		"currency": "usd", "currencies": "eur", "price.monthly": "29.00", "price.annually": "290.00",
		"price.monthly.eur": "27.00", "stripe.monthly.eur": "price_pro_monthly_eur", "price.annually.eur": "",
	} {
		if got := d.v[key]; got != want {
			t.Errorf("%s shows %q, want %q", key, got, want)
		}
	}
	next, _ := d.planEdit(cat)
	if pl, _ := next.Plan("chat-pro"); len(d.errs) > 0 || !slices.Equal(pl.Prices, pro.Prices) {
		t.Errorf("saved unchanged: %+v (errors %v), want the prices as they were", pl.Prices, d.errs)
	}

	d.v["currencies"] = ""
	next, _ = d.planEdit(cat)
	pl, _ := next.Plan("chat-pro")
	if len(pl.Prices) != 2 || slices.ContainsFunc(pl.Prices, func(p portico.Price) bool { return p.Currency == "eur" }) {
		t.Errorf("without euros the prices are %+v", pl.Prices)
	}
	changes := priceChanges(pro.Prices, pl.Prices)
	if len(changes) != 1 || changes[0].was.Currency != "eur" || changes[0].now != nil {
		t.Errorf("price changes %+v, want the euro price no longer sold", changes)
	}
	if note := holdersNote(changes[0], &portico.PriceHolders{Subscriptions: 1, Customers: 1}, nil); !strings.Contains(note, "27.00 EUR → no longer sold") {
		t.Errorf("the confirmation says %q", note)
	}
}

// What the form refuses locally: a currency added twice or not a code, a
// code typed but not added, the first currency listed again, a period with
// a minimum spend lacking it in another currency.
func TestCurrencyMistakesAreRefusedBesideTheirFields(t *testing.T) {
	cat, d := meteredPlan(t)
	for typed, want := range map[string]string{"usd": "USD is priced here already.", "eu": "three-letter currency code"} {
		d.v["newCurrency"] = typed
		if next := d.addCurrency(); next != "newCurrency" || !strings.Contains(d.errs["newCurrency"], want) {
			t.Errorf("adding %q: goes to %q saying %q, want %q", typed, next, d.errs["newCurrency"], want)
		}
	}
	d.v["newCurrency"] = "gbp"
	d.planEdit(cat)
	if !strings.Contains(d.errs["newCurrency"], "Press “+ Add a currency” to price in GBP") {
		t.Errorf("a code typed but not added: %q", d.errs["newCurrency"])
	}

	d.errs, d.v["newCurrency"] = map[string]string{}, ""
	inEuros(t, d)
	d.v["price.monthly.eur"], d.v["charge.0.monthly.eur.tier.0.unit"], d.v["charge.1.monthly.eur.unit"] = "0", "9", "0.45"
	d.planEdit(cat)
	if got := d.errs["minimum.monthly.eur"]; !strings.Contains(got, "monthly minimum in EUR too") {
		t.Errorf("a minimum in dollars only: %q", got)
	}

	d.v["currency"] = "eur"
	d.planEdit(cat)
	if !strings.Contains(d.errs["currency"], "EUR is priced below too") {
		t.Errorf("the first currency listed again: %q", d.errs["currency"])
	}
}

// The server's errors on prices in another currency go beside that
// currency's fields; an error on a charge's or the minimum's prices as a
// whole goes beside the one missing.
func TestErrorsOnAnotherCurrencyLandBesideItsFields(t *testing.T) {
	cat, d := meteredPlan(t)
	inEuros(t, d)
	d.v["price.monthly.eur"], d.v["charge.0.monthly.eur.tier.0.unit"] = "0", "9"
	sent, _ := d.planEdit(cat)
	pl, _ := sent.Plan("chat-metered")
	pl.Charges[1].Prices = pl.Charges[1].Prices[:1] // as if the calls charge lacked its euro price
	pl.MinimumSpend = pl.MinimumSpend[:1]
	sent.Plans[3] = pl
	for rest, want := range map[string]string{
		"prices[1].amount":                         "price.monthly.eur",
		"prices[1].currency":                       "price.monthly.eur",
		"prices[0].currency":                       "currency",
		"charges[0].prices[1].tiers[0].unitAmount": "charge.0.monthly.eur.tier.0.unit",
		"charges[0].prices[1].stripePriceId":       "charge.0.monthly.eur.stripe",
		"charges[1].prices":                        "charge.1.monthly.eur.unit",
		"minimumSpend":                             "minimum.monthly.eur",
		"minimumSpend[0].amount":                   "minimum.monthly",
	} {
		if got := d.keyOf(sent, rest); got != want {
			t.Errorf("%s goes beside %q, want %q", rest, got, want)
		}
	}
	err := &components.APIError{Status: 422, Title: "Invalid request", Fields: []portico.FieldError{
		{Field: "plans[3].charges[1].prices", Message: `plan "chat-metered" is sold monthly in eur: the charge needs a monthly price in eur`},
		{Field: "plans[3].prices[1].amount", Message: "must be at least 0"},
	}}
	d.errs = map[string]string{}
	d.showErrors(err, sent)
	if got := d.errs["price.monthly.eur"]; got != "Monthly price in EUR must be at least 0." {
		t.Errorf("the euro price's error = %q", got)
	}
	if got := d.errs["charge.1.monthly.eur.unit"]; !strings.Contains(got, "needs a monthly price in eur") {
		t.Errorf("the calls charge's error = %q", got)
	}
	if len(d.general) > 0 {
		t.Errorf("errors listed above the form: %q", d.general)
	}
}

// Each euro field is drawn, labelled with its currency, with its error
// beside a control flagged in error; the euro prices can be removed.
func TestTheFormDrawsARowPerPeriodAndCurrency(t *testing.T) {
	cat, d := meteredPlan(t)
	inEuros(t, d)
	d.v["price.monthly.eur"] = "0"
	keys := []string{"price.monthly.eur", "stripe.annually.eur", "charge.0.monthly.eur.tier.0.unit",
		"charge.0.monthly.eur.stripe", "charge.1.monthly.eur.unit", "minimum.monthly.eur", "newCurrency", "currency"}
	for _, k := range keys {
		d.errs[k] = "Wrong " + k + "."
	}
	html := render(t, &dialogHost{API: fakeAPI{}, Catalog: cat, dlg: d})
	wantErrorsBeside(t, html, keys)
	for _, want := range []string{">Monthly price (EUR)<", ">Monthly price (USD)<", ">Prices in EUR<", ">Remove EUR<", ">+ Add a currency<",
		">Monthly minimum (EUR)<"} {
		if !strings.Contains(html, want) {
			t.Errorf("the form lacks %s", want)
		}
	}
}

// An add-on is priced per currency the same way, and a new plan of a
// product sold in two currencies opens with rows for both.
func TestAddonsAndNewPlansArePricedPerCurrency(t *testing.T) {
	cat := fullCatalog()
	d := addonDialog(cat, "chat", "chat-seats")
	d.prepare(cat)
	inEuros(t, d)
	d.v["price.monthly.eur"], d.v["price.annually.eur"], d.v["stripe.monthly.eur"] = "4.50", "45", "price_seats_monthly_eur"
	next, _ := d.addonEdit(cat)
	a, _ := next.Addon("chat-seats")
	if len(d.errs) > 0 || len(a.Prices) != 4 || !slices.Equal(a.Prices[:2], cat.Addons[0].Prices) ||
		a.Prices[2] != (portico.Price{BillingPeriod: portico.Monthly, Amount: 450, Currency: "eur", StripePriceID: "price_seats_monthly_eur"}) ||
		a.Prices[3] != (portico.Price{BillingPeriod: portico.Annually, Amount: 4500, Currency: "eur"}) {
		t.Fatalf("add-on prices %+v (errors %v), want the dollar ones kept and two in euros", a.Prices, d.errs)
	}

	next.Plans[1].Prices = append(next.Plans[1].Prices, portico.Price{BillingPeriod: portico.Monthly, Amount: 2700, Currency: "eur"})
	fresh := planDialog(next, "chat", "")
	if fresh.v["currency"] != "usd" || fresh.v["currencies"] != "eur" {
		t.Errorf("a new plan opens in %q and %q, want usd then eur, the product's currencies", fresh.v["currency"], fresh.v["currencies"])
	}
}
