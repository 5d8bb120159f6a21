package engine_test

import (
	"slices"
	"testing"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/engine"
)

// eur is the euro price beside a dollar one: 9/10 of it, so the amounts
// of the two currencies never coincide.
func eur(usd int64) int64 { return usd * 9 / 10 }

// withEUR sells every plan and add-on of cat in euros too, each price,
// charge price (tiers included) and minimum spend gaining a euro twin;
// the plans named in usdOnly stay in dollars.
func withEUR(cat *portico.Catalog, usdOnly ...string) *portico.Catalog {
	for i := range cat.Plans {
		p := &cat.Plans[i]
		if slices.Contains(usdOnly, p.ID) {
			continue
		}
		p.Prices = append(p.Prices, eurPrices(p.Prices)...)
		for j := range p.Charges {
			p.Charges[j].Prices = append(p.Charges[j].Prices, eurChargePrices(p.Charges[j].Prices)...)
		}
		for _, m := range p.MinimumSpend {
			p.MinimumSpend = append(p.MinimumSpend, portico.MinimumSpend{BillingPeriod: m.BillingPeriod, Amount: eur(m.Amount), Currency: "eur"})
		}
	}
	for i := range cat.Addons {
		cat.Addons[i].Prices = append(cat.Addons[i].Prices, eurPrices(cat.Addons[i].Prices)...)
	}
	return cat
}

func eurPrices(usd []portico.Price) []portico.Price {
	var out []portico.Price
	for _, pr := range usd {
		out = append(out, portico.Price{BillingPeriod: pr.BillingPeriod, Amount: eur(pr.Amount), Currency: "eur"})
	}
	return out
}

func eurChargePrices(usd []portico.ChargePrice) []portico.ChargePrice {
	var out []portico.ChargePrice
	for _, pr := range usd {
		e := portico.ChargePrice{BillingPeriod: pr.BillingPeriod, Currency: "eur", UnitAmount: eur(pr.UnitAmount)}
		for _, t := range pr.Tiers {
			e.Tiers = append(e.Tiers, portico.Tier{UpTo: t.UpTo, UnitAmount: eur(t.UnitAmount), FlatAmount: eur(t.FlatAmount)})
		}
		out = append(out, e)
	}
	return out
}

// createIn creates a customer who pays in the currency.
func (e *env) createIn(id, currency string, billing *portico.BillingProfile) *portico.CustomerView {
	e.t.Helper()
	v, err := e.eng.CreateCustomer(e.ctx, portico.CreateCustomerRequest{ID: id, Name: "Customer " + id, Currency: currency, Billing: billing})
	if err != nil {
		e.t.Fatalf("create customer %s in %s: %v", id, currency, err)
	}
	return v
}

// wantInvoicesIn checks the customer's invoices: totals, dates and one
// currency for all.
func (e *env) wantInvoicesIn(customerID, currency string, want ...bill) {
	e.t.Helper()
	got := e.invoices(customerID)
	ok := len(got) == len(want)
	for i := 0; ok && i < len(got); i++ {
		ok = got[i].Total == want[i].total && got[i].Created.Equal(want[i].at) && got[i].Currency == currency
	}
	if !ok {
		e.t.Errorf("invoices of %s = %+v, want %v in %s", customerID, got, want, currency)
	}
}

// A customer in euros is charged the euro prices when they start, an
// upgrade is prorated from them, and every invoice, the renewal's
// included, is in euros.
func TestACustomerInEURStartsUpgradesAndIsInvoicedInEUR(t *testing.T) {
	e := newEnvAt(t, t0, withEUR(testCatalog(defaultJourney())))
	e.createIn("eve", "eur", withCard())
	e.change("eve", reqP(basic, portico.Monthly)) // the trial is pro's
	if s := e.appSub("eve"); s.Price != (portico.Money{Amount: eur(basicMonthly), Currency: "eur"}) {
		t.Fatalf("basic costs %+v, want its euro price", s.Price)
	}

	e.clk.AdvanceTo(jan11)
	// 21 of January's 31 days are left: pro 2700 × 21/31 = 1829.03 → 1829
	// charged, basic 1080 × 21/31 = 731.61 → 732 credited.
	pv := e.preview("eve", req(pro))
	if pv.AmountDueNow != (portico.Money{Amount: 1829 - 732, Currency: "eur"}) || pv.Credit != (portico.Money{Amount: 732, Currency: "eur"}) {
		t.Errorf("upgrade preview: due %+v, credit %+v; want 10.97 and 7.32 in euros", pv.AmountDueNow, pv.Credit)
	}
	wantLines(t, "upgrade", pv.Lines, 1829)
	if pv.NextBill == nil || *pv.NextBill != (portico.Bill{Amount: eur(proMonthly), Currency: "eur", Date: feb1}) {
		t.Errorf("next bill %+v, want pro's 27.00 in euros on Feb 1", pv.NextBill)
	}
	e.change("eve", req(pro))

	if inv, err := e.eng.UpcomingInvoice(e.ctx, "eve", "", engine.Backend); err != nil || inv.Currency != "eur" || inv.Total != eur(proMonthly) {
		t.Errorf("upcoming invoice %+v, %v; want pro's 27.00 in euros", inv, err)
	}
	e.advanceTo(feb1)
	e.wantInvoicesIn("eve", "eur", bill{eur(basicMonthly), t0}, bill{1829 - 732, jan11}, bill{eur(proMonthly), feb1})
	if c := e.customer("eve"); c.Currency != "eur" {
		t.Errorf("customer currency %q, want eur", c.Currency)
	}
}

// A plan with no price in the customer's currency is not on their paywall,
// and choosing it anyway is refused naming planId; customers in the
// plan's currency still see and get it.
func TestAPlanNotSoldInTheCustomersCurrencyIsNotOffered(t *testing.T) {
	e := newEnvAt(t, t0, withEUR(testCatalog(defaultJourney()), pro))
	e.createIn("eve", "eur", withCard())
	pw, err := e.eng.Paywall(e.ctx, portico.PortalScope{CustomerID: "eve"}, app, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := planIDs(pw); !slices.Equal(got, []string{free, basic, enterprise}) || pw.Currency != "eur" {
		t.Errorf("a customer in euros is offered %v in %q, want free, basic and enterprise in eur", got, pw.Currency)
	}
	for _, pl := range pw.Plans {
		for _, pr := range pl.Prices {
			if pr.Currency != "eur" {
				t.Errorf("plan %s shows a price in %s", pl.ID, pr.Currency)
			}
		}
	}
	if b := pw.Plans[1]; b.Price == nil || *b.Price != (portico.Money{Amount: eur(basicMonthly), Currency: "eur"}) {
		t.Errorf("basic shows %+v, want its euro price", b.Price)
	}
	for _, a := range pw.Addons {
		if len(a.Prices) != 2 || a.Prices[0].Currency != "eur" {
			t.Errorf("add-on %s offered at %+v, want its two euro prices", a.ID, a.Prices)
		}
	}
	_, err = e.eng.ChangeSubscription(e.ctx, "eve", req(pro), portal("eve"))
	wantField(t, err, "planId")
	_, err = e.eng.Preview(e.ctx, "eve", req(pro), engine.Backend)
	wantField(t, err, "planId")

	e.createCustomer("ada", withCard())
	pw, _ = e.eng.Paywall(e.ctx, portico.PortalScope{CustomerID: "ada"}, app, "")
	if got := planIDs(pw); !slices.Contains(got, pro) || pw.Currency != "usd" {
		t.Errorf("a customer in dollars is offered %v in %q, want pro among them, in usd", got, pw.Currency)
	}
}

func planIDs(pw *portico.PaywallView) []string {
	var out []string
	for _, pl := range pw.Plans {
		out = append(out, pl.ID)
	}
	return out
}

// A customer created without a currency gets the product's first one when
// their first subscription starts, and keeps it for other products.
func TestTheDefaultCurrencyIsRecordedWhenAFirstSubscriptionStarts(t *testing.T) {
	cat := testCatalog(defaultJourney())
	for i := range cat.Plans {
		if cat.Plans[i].ProductID == sites {
			cat.Plans[i].Prices = append(eurPrices(cat.Plans[i].Prices), cat.Plans[i].Prices...) // euros first
		}
	}
	e := newEnvAt(t, t0, cat)
	if c := e.createCustomer("ken", withCard()); c.Currency != "" {
		t.Fatalf("a customer created on the pricing table has currency %q, want none yet", c.Currency)
	}
	pw, _ := e.eng.Paywall(e.ctx, portico.PortalScope{CustomerID: "ken"}, sites, "")
	if pw.Currency != "eur" {
		t.Errorf("before any subscription the sites paywall is in %q, want its first currency, eur", pw.Currency)
	}
	e.change("ken", portico.ChangeRequest{PlanID: sitePlus, ResourceID: "blog"})
	if c := e.customer("ken"); c.Currency != "eur" {
		t.Errorf("after a first subscription the customer's currency is %q, want eur", c.Currency)
	}
	_, err := e.eng.ChangeSubscription(e.ctx, "ken", req(basic), engine.Backend)
	wantField(t, err, "planId") // app is sold in dollars only
}

// The customer's currency changes while nothing they hold is billed in
// another: refused (409 naming currency) while a paid subscription or a
// credit balance is in the old one, free once they are on a free plan;
// a currency the catalog does not sell is refused as invalid.
func TestTheCurrencyChangesOnlyWhenNothingIsBilledInTheOldOne(t *testing.T) {
	e := newEnvAt(t, t0, withEUR(testCatalog(withJourney(func(j *portico.Journey) { j.Downgrade = portico.Immediate }))))
	e.createCustomer("ada", withCard())
	e.change("ada", req(basic))
	_, err := e.eng.UpdateCustomer(e.ctx, "ada", portico.UpdateCustomerRequest{Currency: "eur"})
	wantConflictOn(t, err, "currency")

	e.clk.AdvanceTo(jan11)
	e.change("ada", req(free)) // credits basic's unused 21 days in dollars
	_, err = e.eng.UpdateCustomer(e.ctx, "ada", portico.UpdateCustomerRequest{Currency: "eur"})
	wantConflictOn(t, err, "currency")

	e.createCustomer("bob", withCard())
	e.change("bob", req(free))
	_, err = e.eng.UpdateCustomer(e.ctx, "bob", portico.UpdateCustomerRequest{Currency: "gbp"})
	wantField(t, err, "currency")
	c, err := e.eng.UpdateCustomer(e.ctx, "bob", portico.UpdateCustomerRequest{Currency: "eur"})
	if err != nil || c.Currency != "eur" {
		t.Fatalf("a customer on a free plan moves to euros: %+v, %v", c, err)
	}
	e.change("bob", req(basic))
	e.wantInvoicesIn("bob", "eur", bill{eur(basicMonthly), jan11})
}

// wantConflictOn checks that err is a 409 naming the field.
func wantConflictOn(t *testing.T, err error, field string) {
	t.Helper()
	wantKind(t, err, portico.KindConflict)
	if pe, _ := err.(*portico.Error); pe == nil || len(pe.Fields) != 1 || pe.Fields[0].Field != field {
		t.Fatalf("error = %v, want one naming %q", err, field)
	}
}

// A customer's currency must be one the catalog sells in; a custom price
// set by the backend is in the customer's currency.
func TestCurrenciesTheCatalogDoesNotSellAreRefused(t *testing.T) {
	e := newEnvAt(t, t0, withEUR(testCatalog(defaultJourney())))
	_, err := e.eng.CreateCustomer(e.ctx, portico.CreateCustomerRequest{ID: "gil", Currency: "gbp"})
	wantField(t, err, "currency")
	e.createIn("eve", "eur", nil)
	_, err = e.eng.ChangeSubscription(e.ctx, "eve", portico.ChangeRequest{PlanID: enterprise,
		Price: &portico.Money{Amount: 50000, Currency: "usd"}}, engine.Backend)
	wantField(t, err, "price.currency")
	res := e.change("eve", portico.ChangeRequest{PlanID: enterprise, Price: &portico.Money{Amount: 50000, Currency: "eur"}})
	if res.Subscription.Price.Currency != "eur" {
		t.Errorf("custom price %+v, want it in euros", res.Subscription.Price)
	}
}

// A journey that starts new customers on a trial of a plan not sold in
// their currency starts nothing for them: they pick from the pricing
// table.
func TestAJourneyNotSoldInTheCustomersCurrencyStartsNothing(t *testing.T) {
	e := newEnvAt(t, t0, withEUR(testCatalog(withJourney(func(j *portico.Journey) { j.Start = portico.StartTrial })), pro))
	if c := e.createIn("eve", "eur", nil); len(c.Subscriptions) != 0 {
		t.Errorf("a customer in euros starts %+v, want nothing: pro is sold in dollars only", c.Subscriptions)
	}
	if c := e.createCustomer("ada", nil); len(c.Subscriptions) != 1 || c.Subscriptions[0].Status != portico.StatusTrialing {
		t.Errorf("a customer in dollars starts %+v, want pro's trial", c.Subscriptions)
	}
}

// Charges and the minimum spend are priced in the customer's currency:
// graduated tiers in euros, usage blocks in euros, the top-up to the euro
// minimum.
func TestChargesAndTheMinimumSpendAreInTheCustomersCurrency(t *testing.T) {
	e := newEnvAt(t, t0, withEUR(chargedCatalog(withJourney(nil))))
	e.createIn("eve", "eur", withCard())
	if err := e.eng.MarkTrialed(e.ctx, "eve", api); err != nil {
		t.Fatal(err)
	}
	// 5 × 18.00 + 5 × 13.50 + 2 × 9.00
	pv := e.preview("eve", seatsReq(graduated, 12))
	if pv.AmountDueNow != (portico.Money{Amount: 9000 + 6750 + 1800, Currency: "eur"}) {
		t.Errorf("12 members on graduated tiers: due %+v, want 175.50 in euros", pv.AmountDueNow)
	}
	e.change("eve", req(metered))
	e.report("eve", "", requests, 23500) // 13,500 beyond 10,000 included: 14 blocks × 0.45
	e.advanceTo(feb1)
	got := e.invoices("eve")
	last := got[len(got)-1]
	if last.Currency != "eur" || last.Total != eur(5000) {
		t.Fatalf("February's invoice %+v, want the 45.00 euro minimum", last)
	}
	wantLines(t, "February's invoice", last.Lines, 14*45, eur(5000)-14*45)
}
