package engine_test

import (
	"testing"

	portico "github.com/portico-dev/portico"
)

// A rejected event must not consume its key for a later event of the same batch.
func TestARefusedEventDoesNotUseUpItsKey(t *testing.T) {
	e := chargedEnv(t, defaultJourney())
	e.change("acme", portico.ChangeRequest{PlanID: metered})
	outs, err := e.eng.ReportUsageBatch(e.ctx, []portico.UsageEvent{
		{CustomerID: "acme", FeatureID: "no-such-feature", Value: 5, IdempotencyKey: "k1"},
		{CustomerID: "acme", FeatureID: requests, Value: 5, IdempotencyKey: "k1"},
	}, false)
	if err != nil {
		t.Fatal(err)
	}
	if outs[1].Result.Status != portico.UsageAccepted || e.usageOf("acme", "", requests) != 5 {
		t.Errorf("second event = %s, usage %d; want accepted and 5 (the first was refused and counted nothing)", outs[1].Result.Status, e.usageOf("acme", "", requests))
	}
}

// A single call that is a duplicate answers the entitlement as it is.
func TestADuplicateSingleCallAnswersTheEntitlement(t *testing.T) {
	e := chargedEnv(t, defaultJourney())
	e.change("acme", portico.ChangeRequest{PlanID: metered})
	ev := []portico.UsageEvent{{CustomerID: "acme", FeatureID: requests, Value: 5, IdempotencyKey: "k2"}}
	if _, err := e.eng.ReportUsageBatch(e.ctx, ev, true); err != nil {
		t.Fatal(err)
	}
	outs, err := e.eng.ReportUsageBatch(e.ctx, ev, true)
	if err != nil {
		t.Fatal(err)
	}
	v, err := outs[0].Single("acme")
	if v == nil || err != nil {
		t.Errorf("duplicate single call answers %v, %v; want the entitlement", v, err)
	}
}

// Usage before a same-anchor immediate change is billed for its period.
func TestUsageBeforeAChangeOnTheSameAnchorIsBilledAtItsRates(t *testing.T) {
	cat := chargedCatalog(defaultJourney()) // ResetAlways, immediate
	cat.Plans[len(cat.Plans)-1].Entitlements = append(cat.Plans[len(cat.Plans)-1].Entitlements, portico.Entitlement{FeatureID: requests, Limit: 1000000})
	m2 := cat.Plans[len(cat.Plans)-1]
	m2.ID, m2.Name, m2.Order = "metered2", "Metered 2", 3
	cat.Plans = append(cat.Plans, m2)
	e := newEnvAt(t, t0, cat)
	e.createCustomer("acme", withCard())
	e.change("acme", portico.ChangeRequest{PlanID: metered})
	e.report("acme", "", requests, 110000) // 100 blocks = 5000 beyond included
	e.clk.AdvanceTo(day(2026, 1, 11))
	e.change("acme", portico.ChangeRequest{PlanID: "metered2"})
	e.advanceTo(day(2026, 2, 1))
	inv := e.invoices("acme")
	var usage int64
	for _, in := range inv {
		for _, l := range in.Lines {
			if l.Kind == portico.LineUsage {
				usage += l.Amount
			}
		}
	}
	if usage != 5000 {
		t.Errorf("usage billed = %d, want 5000 (110000 requests used in January); invoices %+v", usage, inv)
	}
}

func TestUsageBeforeASwitchToAnUnmeteredPlanIsBilled(t *testing.T) {
	e := chargedEnv(t, defaultJourney())
	e.change("acme", portico.ChangeRequest{PlanID: metered})
	e.report("acme", "", requests, 110000)
	e.clk.AdvanceTo(day(2026, 1, 11))
	e.change("acme", seatsReq(graduated, 1))
	e.advanceTo(day(2026, 2, 1))
	var usage int64
	for _, in := range e.invoices("acme") {
		for _, l := range in.Lines {
			if l.Kind == portico.LineUsage {
				usage += l.Amount
			}
		}
	}
	if usage != 5000 {
		t.Errorf("usage billed = %d, want 5000", usage)
	}
}
