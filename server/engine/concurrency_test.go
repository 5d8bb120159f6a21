package engine_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/engine"
)

// run starts n goroutines at once and waits for them, collecting their
// errors.
func run(n int, fn func(i int) error) []error {
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = fn(i)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

func TestConcurrentPlanChangesAndUsage(t *testing.T) {
	const n = 50
	e := newEnv(t, withJourney(func(j *portico.Journey) { j.UsageReset = portico.ResetNever }))
	e.createCustomer("busy", nil)
	changes := []portico.ChangeRequest{
		req(free), req(basic), req(pro), reqP(basic, portico.Annually),
		reqA(pro, portico.AddonQuantity{ID: extraSeats, Quantity: 2}),
	}
	scope := portico.PortalScope{CustomerID: "busy"}
	errs := run(n, func(i int) error {
		actor := engine.Backend
		if i%2 == 1 {
			actor = portal("busy")
		}
		_, err := e.eng.ChangeSubscription(e.ctx, "busy", changes[i%len(changes)], actor)
		if err != nil && portico.KindOf(err) != portico.KindConflict {
			return fmt.Errorf("change: %w", err)
		}
		if _, err := e.eng.ReportUsage(e.ctx, portico.UsageRequest{CustomerID: "busy", FeatureID: seats, Value: 1}); err != nil {
			return fmt.Errorf("report seats: %w", err)
		}
		if _, err := e.eng.ReportUsage(e.ctx, portico.UsageRequest{CustomerID: "busy", FeatureID: apiCalls, Value: 3}); err != nil {
			return fmt.Errorf("report api-calls: %w", err)
		}
		switch i % 5 {
		case 0:
			_, err = e.eng.Entitlements(e.ctx, "busy", "")
		case 1:
			_, err = e.eng.Portal(e.ctx, scope)
		case 2:
			_, err = e.eng.Paywall(e.ctx, scope, app, "")
		case 3:
			_, err = e.eng.Preview(e.ctx, "busy", req(pro), engine.Backend)
			if portico.KindOf(err) == portico.KindConflict {
				err = nil
			}
		case 4:
			_, err = e.eng.Customer(e.ctx, "busy")
		}
		return err
	})
	for i, err := range errs {
		if err != nil {
			t.Errorf("goroutine %d: %v", i, err)
		}
	}

	if live := e.liveCount("busy", app, ""); live != 1 {
		t.Errorf("%d live app subscriptions, want exactly 1", live)
	}
	if subs := e.rawSubs("busy"); len(subs) != 1 {
		t.Errorf("%d app subscriptions stored, want 1 (every later request is a change)", len(subs))
	}
	ents := e.ents("busy", "")
	if ents[seats].Usage != n || ents[apiCalls].Usage != 3*n {
		t.Errorf("usage: seats %d, api-calls %d; want %d and %d", ents[seats].Usage, ents[apiCalls].Usage, n, 3*n)
	}
	invoices := e.invoices("busy")
	for i, inv := range invoices {
		if want := fmt.Sprintf("BUSY-%04d", i+1); inv.Number != want {
			t.Errorf("invoice %d is numbered %s, want %s", i, inv.Number, want)
		}
	}
	if c := e.credit("busy"); c.Amount < 0 {
		t.Errorf("credit = %+v", c)
	}
}

func TestConcurrentProvisioningPerResource(t *testing.T) {
	const n = 50
	e := newEnv(t, withJourney(nil))
	e.createCustomer("busy", nil)
	plans := []string{sitePlus, siteFree}
	errs := run(n, func(i int) error {
		r := fmt.Sprintf("site-%d", i%5)
		_, err := e.eng.ChangeSubscription(e.ctx, "busy", portico.ChangeRequest{PlanID: plans[(i/5)%2], ResourceID: r}, engine.Backend)
		if err != nil && portico.KindOf(err) != portico.KindConflict {
			return err
		}
		_, err = e.eng.ReportUsage(e.ctx, portico.UsageRequest{CustomerID: "busy", FeatureID: pages, Value: 2, ResourceID: r})
		return err
	})
	for i, err := range errs {
		if err != nil {
			t.Errorf("goroutine %d: %v", i, err)
		}
	}
	perResource := map[string]int{}
	for _, s := range e.rawSubs("busy") {
		perResource[s.ResourceID]++
	}
	for r := range 5 {
		id := fmt.Sprintf("site-%d", r)
		if perResource[id] != 1 || e.liveCount("busy", sites, id) != 1 {
			t.Errorf("%s has %d subscriptions (%d live), want 1", id, perResource[id], e.liveCount("busy", sites, id))
		}
		if u := e.usageOf("busy", id, pages); u != 2*n/5 {
			t.Errorf("pages used on %s = %d, want %d", id, u, 2*n/5)
		}
	}
}

func TestConcurrentCustomerCreation(t *testing.T) {
	const n = 50
	e := newEnv(t, withJourney(func(j *portico.Journey) { j.Start = portico.StartFreePlan }))
	errs := run(n, func(i int) error {
		_, err := e.eng.CreateCustomer(e.ctx, portico.CreateCustomerRequest{ID: "acme"})
		return err
	})
	ok := 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
		case portico.KindOf(err) != portico.KindConflict:
			t.Errorf("goroutine %d: %v", i, err)
		}
	}
	if ok != 1 {
		t.Errorf("%d creations succeeded, want 1", ok)
	}
	if subs := e.rawSubs("acme"); len(subs) != 1 {
		t.Errorf("%d subscriptions, want the one free plan", len(subs))
	}
}

func TestConcurrentSettlementAppliesOnce(t *testing.T) {
	const n = 30
	e := newEnv(t, withJourney(func(j *portico.Journey) { j.Downgrade = portico.EndOfPeriod }))
	e.subscribePro("acme")
	e.change("acme", req(basic)) // scheduled for Feb 1
	e.clk.AdvanceTo(mar1.AddDate(0, 0, 1))
	errs := run(n, func(i int) error {
		var err error
		switch i % 3 {
		case 0:
			_, err = e.eng.RunDue(e.ctx)
		case 1:
			_, err = e.eng.Entitlements(e.ctx, "acme", "")
		case 2:
			_, err = e.eng.ReportUsage(e.ctx, portico.UsageRequest{CustomerID: "acme", FeatureID: seats, Value: 1})
		}
		return err
	})
	for i, err := range errs {
		if err != nil {
			t.Errorf("goroutine %d: %v", i, err)
		}
	}
	e.wantInvoices("acme", bill{proMonthly, t0}, bill{basicMonthly, feb1}, bill{basicMonthly, mar1})
	s := e.appSub("acme")
	if s.Plan.ID != basic || len(s.ScheduledUpdates) != 0 {
		t.Errorf("subscription = %+v", s)
	}
	wantPeriod(t, s, mar1, day(2026, 4, 1))
	if u := e.usageOf("acme", "", seats); u != n/3 {
		t.Errorf("seats used = %d, want %d", u, n/3)
	}
	numbers := []string{}
	for _, inv := range e.invoices("acme") {
		numbers = append(numbers, inv.Number)
	}
	if !slices.Equal(numbers, []string{"ACME-0001", "ACME-0002", "ACME-0003"}) {
		t.Errorf("invoice numbers = %v", numbers)
	}
}
