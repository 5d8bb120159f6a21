package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
)

func event(id string, typ portico.EventType, customerID string) *portico.Event {
	return &portico.Event{ID: id, Type: typ, CustomerID: customerID, CreatedAt: t0,
		Data: json.RawMessage(fmt.Sprintf(`{"customerId":%q}`, customerID))}
}

func addEvents(t *testing.T, s portico.Store, evs ...*portico.Event) {
	t.Helper()
	update(t, s, func(tx portico.Tx) error {
		for _, e := range evs {
			if _, err := tx.AddEvent(e, ""); err != nil {
				return err
			}
		}
		return nil
	})
}

// eventLog: events keep their order and content, a dedupe key adds once,
// a rolled-back event is not in the log, and the log is read from where a
// reader left it, through another store on the same database.
func eventLog(t *testing.T, open Opener) {
	a, b := open(t), open(t)
	first := event("evt_1", portico.EventSubscriptionCreated, "c1")
	addEvents(t, a, first, event("evt_2", portico.EventCatalogUpdated, ""))
	if first.Seq == 0 {
		t.Fatal("AddEvent set no Seq")
	}
	var once []bool
	update(t, b, func(tx portico.Tx) error {
		for range 2 {
			ok, err := tx.AddEvent(event(fmt.Sprintf("evt_t%d", len(once)), portico.EventEntitlementUsageThreshold, "c1"), "threshold/c1/80")
			if err != nil {
				return err
			}
			once = append(once, ok)
		}
		return nil
	})
	if !slices.Equal(once, []bool{true, false}) {
		t.Errorf("adding a dedupe key twice = %v, want [true false]", once)
	}
	err := a.Update(ctx, func(tx portico.Tx) error {
		if _, err := tx.AddEvent(event("evt_gone", portico.EventCustomerUpdated, "c2"), ""); err != nil {
			return err
		}
		return errors.New("rolled back")
	})
	if err == nil {
		t.Fatal("the rolled-back update succeeded")
	}
	all := view(t, b, func(tx portico.Tx) ([]portico.Event, error) { return tx.EventsAfter(0, 100) })
	var ids []string
	for _, e := range all {
		ids = append(ids, e.ID)
	}
	if !slices.Equal(ids, []string{"evt_1", "evt_2", "evt_t0"}) {
		t.Fatalf("log = %v, want evt_1 evt_2 evt_t0", ids)
	}
	if e := all[0]; e.Type != first.Type || e.CustomerID != "c1" || !e.CreatedAt.Equal(t0) || string(e.Data) != `{"customerId":"c1"}` {
		t.Errorf("first event read back as %+v", e)
	}
	rest := view(t, a, func(tx portico.Tx) ([]portico.Event, error) { return tx.EventsAfter(all[0].Seq, 1) })
	if len(rest) != 1 || rest[0].ID != "evt_2" {
		t.Errorf("after the first, limit 1 = %+v", rest)
	}
	last := view(t, a, func(tx portico.Tx) (int64, error) { return tx.LastEventSeq() })
	if last != all[2].Seq {
		t.Errorf("LastEventSeq = %d, want %d", last, all[2].Seq)
	}
}

func endpoint(id string, thresholds []int, types ...portico.EventType) *portico.WebhookEndpoint {
	return &portico.WebhookEndpoint{ID: id, URL: "https://example.com/" + id, Events: types, UsageThresholds: thresholds,
		Secret: "whsec_" + id, CreatedAt: t0}
}

func claim(t *testing.T, s portico.Store, now time.Time, owner string) []string {
	t.Helper()
	var out []string
	update(t, s, func(tx portico.Tx) error {
		got, err := tx.ClaimDeliveries(now, now.Add(30*time.Second), owner, 100, 10)
		for _, p := range got {
			out = append(out, p.Endpoint.ID+"/"+p.Event.ID)
			if p.Endpoint.Secret == "" || len(p.Body) == 0 {
				return fmt.Errorf("claimed %s without its secret or body", p.Event.ID)
			}
		}
		return err
	})
	// A claim is a set: the sender posts them all at once.
	slices.Sort(out)
	return out
}

// webhookDeliveries: an event goes to the endpoints that take it; a
// customer's events are claimed one at a time, in order; a claim is held
// by one sender until its lease lapses; failures and successes are kept
// and mark the endpoint; a retry makes a delivery due again; deleting an
// endpoint drops its deliveries; pruning forgets settled events only.
func webhookDeliveries(t *testing.T, open Opener) {
	a, b := open(t), open(t)
	update(t, a, func(tx portico.Tx) error {
		return errors.Join(tx.PutWebhookEndpoint(endpoint("all", []int{80, 100}, portico.AllEvents)),
			tx.PutWebhookEndpoint(endpoint("subs", []int{50}, portico.EventSubscriptionCreated, portico.EventEntitlementUsageThreshold)))
	})
	if got := view(t, b, func(tx portico.Tx) ([]int, error) { return tx.UsageThresholds() }); !slices.Equal(got, []int{50, 80, 100}) {
		t.Errorf("UsageThresholds = %v", got)
	}
	th := event("evt_th", portico.EventEntitlementUsageThreshold, "c2")
	th.Threshold = 50
	addEvents(t, a, event("evt_1", portico.EventSubscriptionCreated, "c1"), event("evt_2", portico.EventSubscriptionUpdated, "c1"),
		event("evt_3", portico.EventCustomerCreated, "c2"), th)

	// The first claim takes each endpoint's oldest per customer.
	got := claim(t, a, t0, "sender-a")
	if want := []string{"all/evt_1", "all/evt_3", "subs/evt_1", "subs/evt_th"}; !slices.Equal(got, want) {
		t.Fatalf("first claim = %v, want %v", got, want)
	}
	if again := claim(t, b, t0.Add(time.Second), "sender-b"); len(again) != 0 {
		t.Fatalf("another sender claimed %v while the leases ran", again)
	}
	// A resend while a sender posts it would post it twice at once.
	err := b.Update(ctx, func(tx portico.Tx) error { return tx.RetryDelivery("all", "evt_1", t0.Add(time.Second)) })
	if portico.KindOf(err) != portico.KindConflict {
		t.Errorf("resending a delivery being posted: %v, want a conflict", err)
	}
	update(t, a, func(tx portico.Tx) error {
		return errors.Join(tx.DeliverySucceeded("all", seqOf(t, a, "evt_1"), 200, t0.Add(time.Second)),
			tx.DeliveryFailed("all", seqOf(t, a, "evt_3"), 500, "Internal Server Error", t0.Add(time.Second), t0.Add(10*time.Second)),
			tx.DeliverySucceeded("subs", seqOf(t, a, "evt_1"), 204, t0.Add(time.Second)),
			tx.DeliveryFailed("subs", seqOf(t, a, "evt_th"), 0, "timeout", t0.Add(time.Second), time.Time{}))
	})
	// c1's second event is next for "all"; c2's first waits for its retry.
	if got := claim(t, b, t0.Add(2*time.Second), "sender-b"); !slices.Equal(got, []string{"all/evt_2"}) {
		t.Fatalf("second claim = %v, want all/evt_2", got)
	}
	eps := view(t, b, func(tx portico.Tx) ([]portico.WebhookEndpoint, error) { return tx.WebhookEndpoints() })
	if eps[0].FailingSince == nil || eps[1].FailingSince == nil {
		t.Errorf("endpoints after failures: failing since %v, %v", eps[0].FailingSince, eps[1].FailingSince)
	}
	// The lease of the claim lapses (its sender died): another takes it.
	if got := claim(t, a, t0.Add(40*time.Second), "sender-a"); !slices.Equal(got, []string{"all/evt_2", "all/evt_3"}) {
		t.Fatalf("after the lease lapsed and the retry fell due = %v", got)
	}
	ds := view(t, b, func(tx portico.Tx) ([]portico.WebhookDelivery, error) { return tx.WebhookDeliveries("subs", 10) })
	if len(ds) != 2 || ds[0].EventID != "evt_th" || ds[0].Status != portico.DeliveryFailed || ds[0].Attempts != 1 ||
		ds[0].LastError != "timeout" || ds[0].NextAttemptAt != nil || ds[1].Status != portico.DeliveryDelivered ||
		ds[1].LastStatusCode != 204 || ds[1].DeliveredAt == nil {
		t.Errorf("subs deliveries = %+v", ds)
	}
	update(t, b, func(tx portico.Tx) error { return tx.RetryDelivery("subs", "evt_th", t0.Add(41*time.Second)) })
	if got := claim(t, a, t0.Add(41*time.Second), "sender-a"); !slices.Equal(got, []string{"subs/evt_th"}) {
		t.Errorf("after a retry = %v, want subs/evt_th", got)
	}
	if err := b.Update(ctx, func(tx portico.Tx) error { return tx.RetryDelivery("subs", "evt_none", t0) }); !errors.Is(err, portico.ErrNotFound) {
		t.Errorf("retrying an unknown delivery: %v", err)
	}
	update(t, a, func(tx portico.Tx) error {
		return tx.DeliverySucceeded("subs", seqOf(t, a, "evt_th"), 200, t0.Add(42*time.Second))
	})
	eps = view(t, b, func(tx portico.Tx) ([]portico.WebhookEndpoint, error) { return tx.WebhookEndpoints() })
	if eps[1].FailingSince != nil {
		t.Errorf("a success did not clear failingSince: %v", eps[1].FailingSince)
	}
	if n := view(t, a, func(tx portico.Tx) (int, error) { return tx.WebhookBacklog() }); n != 2 {
		t.Errorf("backlog = %d, want 2 (all/evt_2 and all/evt_3)", n)
	}

	// Pruning: evt_1 and evt_th are settled everywhere; the others wait.
	var pruned int
	update(t, a, func(tx portico.Tx) error {
		var err error
		pruned, err = tx.PruneEvents(t0.Add(time.Nanosecond), 100)
		return err
	})
	left := view(t, b, func(tx portico.Tx) ([]portico.Event, error) { return tx.EventsAfter(0, 100) })
	if pruned != 2 || len(left) != 2 || left[0].ID != "evt_2" || left[1].ID != "evt_3" {
		t.Errorf("pruned %d, left %+v", pruned, left)
	}
	update(t, a, func(tx portico.Tx) error { return tx.DeleteWebhookEndpoint("all") })
	if n := view(t, a, func(tx portico.Tx) (int, error) { return tx.WebhookBacklog() }); n != 0 {
		t.Errorf("backlog after deleting the endpoint = %d", n)
	}
	if err := a.Update(ctx, func(tx portico.Tx) error { return tx.DeleteWebhookEndpoint("all") }); !errors.Is(err, portico.ErrNotFound) {
		t.Errorf("deleting it again: %v", err)
	}
}

func seqOf(t *testing.T, s portico.Store, id string) int64 {
	t.Helper()
	for _, e := range view(t, s, func(tx portico.Tx) ([]portico.Event, error) { return tx.EventsAfter(0, 1000) }) {
		if e.ID == id {
			return e.Seq
		}
	}
	t.Fatalf("no event %s", id)
	return 0
}

// promotionExpiries: a promotion with an end is listed once it ends, until
// announced; one without never is.
func promotionExpiries(t *testing.T, open Opener) {
	s := open(t)
	end := t0.Add(time.Hour)
	update(t, s, func(tx portico.Tx) error {
		if err := tx.CreateCustomer(&portico.Customer{ID: "c1", CreatedAt: t0}); err != nil {
			return err
		}
		return errors.Join(tx.AddPromotion(portico.Promotion{ID: "p1", CustomerID: "c1", FeatureID: "f", ExpiresAt: &end, GrantedAt: t0}),
			tx.AddPromotion(portico.Promotion{ID: "p2", CustomerID: "c1", FeatureID: "f", GrantedAt: t0}))
	})
	due := func(at time.Time) []portico.Promotion {
		return view(t, s, func(tx portico.Tx) ([]portico.Promotion, error) { return tx.ExpiredPromotions(at, 10) })
	}
	if got := due(end.Add(-time.Nanosecond)); len(got) != 0 {
		t.Errorf("before the end: %+v", got)
	}
	if got := due(end); len(got) != 1 || got[0].ID != "p1" {
		t.Fatalf("at the end: %+v", got)
	}
	update(t, s, func(tx portico.Tx) error { return tx.PromotionExpiryAnnounced("p1") })
	if got := due(end.Add(time.Hour)); len(got) != 0 {
		t.Errorf("after it was announced: %+v", got)
	}
}
