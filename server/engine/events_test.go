package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/billing"
	"github.com/portico-dev/portico/server/engine"
)

// events reads the log after seq, failing the test on error.
func (e *env) events(after int64) []portico.Event {
	e.t.Helper()
	var out []portico.Event
	err := e.st.View(e.ctx, func(tx portico.Tx) error {
		var err error
		out, err = tx.EventsAfter(after, 10000)
		return err
	})
	if err != nil {
		e.t.Fatalf("events: %v", err)
	}
	return out
}

// eventTypes lists the types of the events after seq, and returns the
// last seq seen.
func (e *env) eventTypes(after int64) ([]portico.EventType, int64) {
	e.t.Helper()
	var types []portico.EventType
	last := after
	for _, ev := range e.events(after) {
		types = append(types, ev.Type)
		last = ev.Seq
	}
	return types, last
}

func (e *env) wantEvents(after int64, want ...portico.EventType) int64 {
	e.t.Helper()
	got, last := e.eventTypes(after)
	if !slices.Equal(got, want) {
		e.t.Fatalf("events = %v, want %v", got, want)
	}
	return last
}

func (e *env) addEndpoint(thresholds ...int) {
	e.t.Helper()
	err := e.st.Update(e.ctx, func(tx portico.Tx) error {
		return tx.PutWebhookEndpoint(&portico.WebhookEndpoint{ID: "we_test", URL: "https://example.com/hook",
			Events: []portico.EventType{portico.AllEvents}, UsageThresholds: thresholds, CreatedAt: t0})
	})
	if err != nil {
		e.t.Fatalf("add endpoint: %v", err)
	}
}

func TestTrialJourneyTellsEachStep(t *testing.T) {
	e := newEnv(t, withJourney(func(j *portico.Journey) { j.Start = portico.StartTrial }))
	_, last := e.eventTypes(0) // the catalog's
	e.createCustomer("acme", withCard())
	last = e.wantEvents(last, portico.EventCustomerCreated, portico.EventSubscriptionCreated, portico.EventTrialStarted,
		portico.EventEntitlementsUpdated)

	trialEnd := t0.AddDate(0, 0, proTrialDays)
	last = e.wantEvents(last) // nothing falls due on the way
	e.advanceTo(trialEnd.Add(-portico.TrialEndsSoonBefore - time.Second))
	last = e.wantEvents(last)
	e.advanceTo(trialEnd.Add(-portico.TrialEndsSoonBefore))
	last = e.wantEvents(last, portico.EventTrialEndsSoon)
	// The reminder wakes the scheduler; the first bill is still the
	// trial's end.
	up, err := e.eng.UpcomingInvoice(e.ctx, "acme", "", engine.Backend)
	if err != nil || !up.Date.Equal(trialEnd) {
		t.Fatalf("upcoming invoice after the reminder: %+v, %v; want it dated %v", up, err, trialEnd)
	}
	if fee := up.Lines[0]; fee.PeriodStart == nil || !fee.PeriodStart.Equal(trialEnd) {
		t.Errorf("its fee pays from %v, want the trial's end %v", fee.PeriodStart, trialEnd)
	}
	e.advanceTo(trialEnd.Add(-time.Hour))
	last = e.wantEvents(last) // reminded once

	e.advanceTo(trialEnd)
	last = e.wantEvents(last, portico.EventSubscriptionUpdated, portico.EventTrialConverted, portico.EventInvoiceCreated,
		portico.EventEntitlementsUpdated)
	ev := e.events(last - 1)[0]
	var data portico.EntitlementsEventData
	if err := json.Unmarshal(ev.Data, &data); err != nil || data.CustomerID != "acme" || len(data.Entitlements) == 0 {
		t.Fatalf("entitlements.updated data = %s (%v)", ev.Data, err)
	}
	if ev.ID == "" || !ev.CreatedAt.Equal(trialEnd) {
		t.Errorf("event id %q created %v, want an ID and the clock's time %v", ev.ID, ev.CreatedAt, trialEnd)
	}

	// Renewing rewrites the customer and the subscription: only the
	// subscription and its invoice are news.
	e.advanceTo(trialEnd.AddDate(0, 1, 0))
	e.wantEvents(last, portico.EventSubscriptionUpdated, portico.EventInvoiceCreated, portico.EventEntitlementsUpdated)
}

func TestTrialWithoutCardExpires(t *testing.T) {
	e := newEnv(t, withJourney(func(j *portico.Journey) { j.Start = portico.StartTrial }))
	e.createCustomer("acme", nil)
	_, last := e.eventTypes(0)
	// The scheduler was held up past the trial's end: no reminder after
	// the fact.
	e.advanceTo(t0.AddDate(0, 0, proTrialDays))
	e.wantEvents(last, portico.EventSubscriptionUpdated, portico.EventTrialExpired, portico.EventEntitlementsUpdated)
}

func TestChangesTellWhatTheyScheduleAndCancel(t *testing.T) {
	e := newEnv(t, withJourney(func(j *portico.Journey) { j.Downgrade, j.TrialPlanID = portico.EndOfPeriod, "" }))
	e.createCustomer("acme", withCard())
	e.change("acme", portico.ChangeRequest{PlanID: basic, BillingPeriod: portico.Monthly})
	_, last := e.eventTypes(0)

	e.change("acme", portico.ChangeRequest{PlanID: free})
	last = e.wantEvents(last, portico.EventSubscriptionUpdated, portico.EventScheduledUpdateCreated, portico.EventEntitlementsUpdated)

	sub := e.appSub("acme")
	if _, err := e.eng.CancelScheduled(e.ctx, "acme", sub.ID, engine.Backend); err != nil {
		t.Fatal(err)
	}
	last = e.wantEvents(last, portico.EventSubscriptionUpdated, portico.EventScheduledUpdateCanceled, portico.EventEntitlementsUpdated)

	// An immediate cancellation credits the unused time: the customer's
	// balance changes too.
	e.cancel("acme", sub.ID)
	e.wantEvents(last, portico.EventCustomerUpdated, portico.EventSubscriptionCanceled, portico.EventEntitlementsUpdated)
}

// A cancellation whose journey moves the customer to the free plan tells
// of the cancellation, then of the subscription on the free plan.
func TestCancellingOntoTheFreePlanTellsOfTheCancellation(t *testing.T) {
	e := newEnv(t, withJourney(func(j *portico.Journey) { j.AfterCancel, j.TrialPlanID = portico.AfterCancelDowngradeToFree, "" }))
	e.createCustomer("acme", withCard())
	e.change("acme", portico.ChangeRequest{PlanID: basic, BillingPeriod: portico.Monthly})
	_, last := e.eventTypes(0)
	e.cancel("acme", e.appSub("acme").ID)
	e.wantEvents(last, portico.EventCustomerUpdated, portico.EventSubscriptionCanceled, portico.EventSubscriptionUpdated,
		portico.EventEntitlementsUpdated)
	if s := e.appSub("acme"); s.Plan.ID != free {
		t.Errorf("after the cancellation the customer is on %s, want the free plan", s.Plan.ID)
	}
}

func TestUsageThresholdsOncePerPeriod(t *testing.T) {
	e := newEnv(t, defaultJourney())
	e.createCustomer("acme", withCard())
	e.change("acme", portico.ChangeRequest{PlanID: basic, BillingPeriod: portico.Monthly}) // 10,000 calls
	_, last := e.eventTypes(0)

	e.report("acme", "", apiCalls, 7999)
	last = e.wantEvents(last) // no endpoint asked for thresholds
	e.addEndpoint(50, 80, 100)
	e.report("acme", "", apiCalls, 1) // 8,000: crosses 80 % (50 % was crossed before anyone asked)
	last = e.wantEvents(last, portico.EventEntitlementUsageThreshold)
	e.report("acme", "", apiCalls, 5000) // 13,000: crosses 100 %
	last = e.wantEvents(last, portico.EventEntitlementUsageThreshold)
	var data portico.UsageThresholdEventData
	if err := json.Unmarshal(e.events(last - 1)[0].Data, &data); err != nil {
		t.Fatal(err)
	}
	if data.Threshold != 100 || data.Usage != 13000 || data.Limit != 10000 || data.FeatureID != apiCalls || data.PeriodStart == nil {
		t.Errorf("threshold data = %+v", data)
	}
	e.report("acme", "", apiCalls, 5000)
	last = e.wantEvents(last) // past every threshold: nothing more this period

	// A batch that crosses two thresholds at once tells both; the next
	// period starts over.
	e.advanceTo(t0.AddDate(0, 1, 0))
	_, last = e.eventTypes(last)
	e.report("acme", "", apiCalls, 9000)
	e.wantEvents(last, portico.EventEntitlementUsageThreshold, portico.EventEntitlementUsageThreshold)
}

func TestPromotionsGrantedAndExpired(t *testing.T) {
	e := newEnv(t, defaultJourney())
	e.createCustomer("acme", nil)
	_, last := e.eventTypes(0)
	end := t0.AddDate(0, 0, 10)
	limit := int64(50)
	if _, err := e.eng.GrantPromotion(e.ctx, "acme", portico.PromotionRequest{FeatureID: seats, Limit: &limit, ExpiresAt: &end}); err != nil {
		t.Fatal(err)
	}
	last = e.wantEvents(last, portico.EventPromotionGranted, portico.EventEntitlementsUpdated)
	e.advanceTo(end.Add(-time.Second))
	last = e.wantEvents(last)
	e.advanceTo(end)
	last = e.wantEvents(last, portico.EventPromotionExpired, portico.EventEntitlementsUpdated)
	e.advanceTo(end.Add(time.Hour))
	e.wantEvents(last)
}

func TestARolledBackChangeTellsNothing(t *testing.T) {
	e := newEnv(t, defaultJourney())
	e.createCustomer("acme", withCard())
	_, last := e.eventTypes(0)
	// The billing provider refuses the change after Portico wrote it: the
	// transaction rolls back, and its events with it.
	e.eng.SyncBilling = func(context.Context, *portico.Customer, billing.Sync) error { return errors.New("card declined") }
	_, err := e.eng.ChangeSubscription(e.ctx, "acme", portico.ChangeRequest{PlanID: pro, BillingPeriod: portico.Monthly}, engine.Backend)
	if err == nil {
		t.Fatal("the change was accepted although billing refused it")
	}
	e.wantEvents(last)
}

func TestCatalogUpdatesAreTold(t *testing.T) {
	e := newEnv(t, defaultJourney())
	_, last := e.eventTypes(0)
	e.applyJourney(withJourney(func(j *portico.Journey) { j.Downgrade = portico.EndOfPeriod }))
	e.wantEvents(last, portico.EventCatalogUpdated)
}
