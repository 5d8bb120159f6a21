package engine_test

import (
	"strings"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/billing"
)

const team = "team"

// chargesCatalog is stripeCatalog with a plan "team" priced by its charges
// alone: seats per unit ($1 each), API calls by usage (1,000 included,
// then $0.50 per block of 100) and a $50 monthly minimum spend.
func chargesCatalog() *portico.Catalog {
	c := stripeCatalog(defaultJourney())
	c.Plans = append(c.Plans, portico.Plan{ID: team, ProductID: app, Name: "Team", Order: 1, Pricing: portico.PricingPaid,
		Prices: []portico.Price{{BillingPeriod: portico.Monthly, Amount: 0, Currency: "usd"}},
		Charges: []portico.Charge{
			{FeatureID: seats, Model: portico.ModelPerUnit, MaxQuantity: 100, Prices: []portico.ChargePrice{
				{BillingPeriod: portico.Monthly, Currency: "usd", UnitAmount: 100, StripePriceID: "price_team_seats"}}},
			{FeatureID: apiCalls, Model: portico.ModelUsage, Included: 1000, BlockSize: 100, Prices: []portico.ChargePrice{
				{BillingPeriod: portico.Monthly, Currency: "usd", UnitAmount: 50, StripePriceID: "price_team_calls"}}},
		},
		MinimumSpend: []portico.MinimumSpend{{BillingPeriod: portico.Monthly, Amount: 5000, Currency: "usd"}}})
	return c
}

func teamReq(q int64) portico.ChangeRequest {
	return portico.ChangeRequest{PlanID: team, BillingPeriod: portico.Monthly, Quantities: map[string]int64{seats: q}}
}

// Committed charges are items of their Stripe prices with the committed
// quantity, changed with it; a usage charge is a metered item without one.
func TestChargesAreBilledAsItemsWithTheirQuantities(t *testing.T) {
	e := newEnvAt(t, t0, chargesCatalog())
	rec := &billingRecorder{}
	e.eng.SyncBilling = rec.sync
	e.createCustomer("acme", withCard())
	e.eng.MarkTrialed(e.ctx, "acme", app)

	sub := e.change("acme", teamReq(12)).Subscription
	want := []billing.Item{{PriceID: "price_team_seats", Quantity: 12}, {PriceID: "price_team_calls", Metered: true}}
	if got := rec.take(); len(got) != 1 || got[0].SubscriptionID != sub.ID || !sameItems(got[0].Items, want) {
		t.Fatalf("subscribing to 12 seats synced %+v, want %v (no fee item: the plan's fee is 0)", got, want)
	}
	e.change("acme", portico.ChangeRequest{SubscriptionID: sub.ID, PlanID: team, Quantities: map[string]int64{seats: 20}})
	want[0].Quantity = 20
	if got := rec.take(); len(got) != 1 || got[0].Timing != portico.Immediate || !sameItems(got[0].Items, want) {
		t.Errorf("raising to 20 seats synced %+v, want %v now", got, want)
	}
}

// A charge price without a Stripe price is refused by name before
// anything is sent, and the subscription is not started.
func TestAChargeWithoutAStripePriceIsRefused(t *testing.T) {
	cat := chargesCatalog()
	for i := range cat.Plans {
		if cat.Plans[i].ID == team {
			cat.Plans[i].Charges[1].Prices[0].StripePriceID = ""
		}
	}
	e := newEnvAt(t, t0, cat)
	rec := &billingRecorder{}
	e.eng.SyncBilling = rec.sync
	e.createCustomer("acme", withCard())
	e.eng.MarkTrialed(e.ctx, "acme", app)
	_, err := e.eng.ChangeSubscription(e.ctx, "acme", teamReq(3), portal("acme"))
	wantKind(t, err, portico.KindConflict)
	if err == nil || !strings.Contains(err.Error(), "stripePriceId") || !strings.Contains(err.Error(), apiCalls) {
		t.Errorf("refusal %v, want it to name the charge's stripePriceId", err)
	}
	if got := rec.take(); len(got) != 0 || e.liveCount("acme", app, "") != 0 {
		t.Errorf("sent %+v and started %d subscriptions for a charge Stripe cannot bill", got, e.liveCount("acme", app, ""))
	}
}

// Usage of a usage-priced feature is kept for the provider as the
// period's total of priced blocks, in the usage's transaction; a period
// closing below its minimum spend keeps its top-up.
func TestUsageAndTopUpsAreKeptForTheProvider(t *testing.T) {
	e := newEnvAt(t, t0, chargesCatalog())
	outbox, ok := e.st.(billing.Outbox)
	if !ok {
		t.Fatalf("the store %T keeps no billing outbox", e.st)
	}
	e.eng.SyncBilling = (&billingRecorder{}).sync
	e.eng.QueueBilling = outbox.Enqueue
	e.createCustomer("acme", withCard())
	e.eng.MarkTrialed(e.ctx, "acme", app)
	sub := e.change("acme", teamReq(12)).Subscription

	e.report("acme", "", apiCalls, 1000) // all included
	e.report("acme", "", apiCalls, 450)  // 450 over: 5 blocks
	due := dueReports(t, e, outbox)
	if len(due) != 1 || due[0].Kind != billing.ReportUsage || due[0].SubscriptionID != sub.ID ||
		due[0].PriceID != "price_team_calls" || due[0].Quantity != 5 || !due[0].PeriodStart.Equal(sub.CurrentPeriodStart) {
		t.Fatalf("outbox %+v, want one usage report of 5 blocks on price_team_calls for the period from %v", due, sub.CurrentPeriodStart)
	}
	if err := outbox.ReportSent(e.ctx, due[0].Slot, due[0].Version); err != nil {
		t.Fatal(err)
	}
	e.report("acme", "", apiCalls, 10) // still 5 blocks: nothing new to send
	if due := dueReports(t, e, outbox); len(due) != 0 {
		t.Errorf("an unchanged total is due again: %+v", due)
	}

	e.advanceTo(sub.CurrentPeriodEnd.Add(time.Minute))
	var topUp *billing.Pending
	for _, p := range dueReports(t, e, outbox) {
		if p.Kind == billing.ReportTopUp {
			topUp = &p
		}
	}
	// 12 seats × $1 + 5 blocks × $0.50 = $14.50; the minimum is $50.
	if topUp == nil || topUp.Amount != 5000-1200-250 || topUp.Currency != "usd" || !topUp.PeriodEnd.Equal(sub.CurrentPeriodEnd) {
		t.Errorf("after the period closed: top-up %+v, want 3550 usd for the period ending %v", topUp, sub.CurrentPeriodEnd)
	}
}

func dueReports(t *testing.T, e *env, o billing.Outbox) []billing.Pending {
	t.Helper()
	due, err := o.DueReports(e.ctx, time.Now(), 100)
	if err != nil {
		t.Fatal(err)
	}
	return due
}
