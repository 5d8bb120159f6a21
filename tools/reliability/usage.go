package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	portico "github.com/portico-dev/portico"
)

// The usage feature the loads report: numeric, so no reset ever changes
// its total while a scenario runs.
const usageFeature = "projects"

// createCustomers creates customers prefix-01… on the demo catalog (free
// plan), skipping those that exist.
func createCustomers(ctx context.Context, base, prefix string, n int, withCard bool) ([]string, error) {
	var ids []string
	for i := 1; i <= n; i++ {
		id := fmt.Sprintf("%s-%02d", prefix, i)
		req := portico.CreateCustomerRequest{ID: id, Name: "Customer " + id, Email: id + "@example.com"}
		if withCard {
			req.Billing = &portico.BillingProfile{Name: req.Name, Email: req.Email,
				PaymentMethod: &portico.PaymentMethod{Brand: "visa", Last4: "4242", ExpMonth: 12, ExpYear: 2035}}
		}
		a, err := call(ctx, "POST", base+"/api/v1/customers", secretKey, "", req)
		if err != nil {
			return nil, err
		}
		if a.Status >= 300 && a.Status != 409 {
			return nil, fmt.Errorf("create %s: %d %s", id, a.Status, a.Body)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// usageOf is a customer's reported usage of the load's feature.
func usageOf(ctx context.Context, base, customerID string) (int64, error) {
	var ents []portico.EntitlementView
	if err := must(ctx, "GET", base+"/api/v1/customers/"+customerID+"/entitlements", secretKey, nil, &ents); err != nil {
		return 0, err
	}
	for _, e := range ents {
		if e.FeatureID == usageFeature {
			return e.Usage, nil
		}
	}
	return 0, fmt.Errorf("%s has no %s entitlement", customerID, usageFeature)
}

// usageEvent is one report of 1 unit, sent with its own idempotency key:
// in the Idempotency-Key header, or, for events first sent in a batch,
// as the event's idempotencyKey (which counts an event once whichever
// call brings it).
type usageEvent struct {
	Key      string
	Customer string
	InBatch  bool
}

func (e usageEvent) send(ctx context.Context, base string) (answer, error) {
	if e.InBatch {
		return call(ctx, "POST", base+"/api/v1/usage", secretKey, "", e.request())
	}
	return call(ctx, "POST", base+"/api/v1/usage", secretKey, e.Key,
		portico.UsageRequest{CustomerID: e.Customer, FeatureID: usageFeature, Value: 1})
}

func (e usageEvent) request() portico.UsageRequest {
	return portico.UsageRequest{CustomerID: e.Customer, FeatureID: usageFeature, Value: 1, IdempotencyKey: e.Key}
}

// sendBatch sends events as one batch and records each: counted
// (accepted or a duplicate of one counted before) is acknowledged; no
// answer leaves them all unknown.
func (l *ledger) sendBatch(ctx context.Context, base string, events []usageEvent) error {
	req := portico.UsageBatchRequest{Events: make([]portico.UsageEvent, len(events))}
	for i, e := range events {
		req.Events[i] = e.request().Event()
	}
	a, err := call(ctx, "POST", base+"/api/v1/usage/batch", secretKey, "", req)
	var res portico.UsageBatchResult
	if err == nil && a.Status == 200 {
		if jerr := json.Unmarshal(a.Body, &res); jerr != nil || len(res.Results) != len(events) {
			a.Status = 502 // an answer that cannot be read tells nothing
		}
	}
	for i, e := range events {
		ans := a
		if err == nil && a.Status == 200 && res.Results[i].Status == portico.UsageRejected {
			ans = answer{Status: 422, Body: []byte(res.Results[i].Error.Message)}
		}
		l.record(e, ans, err)
	}
	return err
}

// batchLoad sends batches of size events from workers until ctx ends, at
// most max events.
func batchLoad(ctx context.Context, l *ledger, round string, customers []string, workers, size, max int, base string) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				first := int(next.Add(int64(size))) - size
				if first >= max {
					return
				}
				events := make([]usageEvent, size)
				for k := range events {
					events[k] = usageEvent{Key: fmt.Sprintf("%s-b%07d", round, first+k), Customer: customers[(first+k)%len(customers)], InBatch: true}
				}
				l.sent.Add(int64(size))
				if err := l.sendBatch(ctx, base, events); err != nil {
					time.Sleep(20 * time.Millisecond) // the server is gone
				}
			}
		})
	}
	wg.Wait()
}

// ledger is what a usage load knows of its events: acknowledged (2xx),
// unknown (no answer: the server died, the connection broke), refused
// (any other answer — the suite counts these as failures).
type ledger struct {
	mu      sync.Mutex
	acked   map[string]usageEvent
	unknown map[string]usageEvent
	refused []string
	sent    atomic.Int64
}

func newLedger() *ledger {
	return &ledger{acked: map[string]usageEvent{}, unknown: map[string]usageEvent{}}
}

func (l *ledger) record(e usageEvent, a answer, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case err != nil || a.Status >= 500:
		l.unknown[e.Key] = e
	case a.Status < 300:
		delete(l.unknown, e.Key)
		l.acked[e.Key] = e
	default:
		l.refused = append(l.refused, fmt.Sprintf("%s: %d %s", e.Key, a.Status, a.Body))
	}
}

// perCustomer counts events by customer.
func perCustomer(events map[string]usageEvent) map[string]int64 {
	out := map[string]int64{}
	for _, e := range events {
		out[e.Customer]++
	}
	return out
}

// usageLoad sends events from workers until ctx ends or stop says so, at
// most max events; bases picks the server for each event.
func usageLoad(ctx context.Context, l *ledger, round string, customers []string, workers, max int, base func(i int) string) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1))
				if i > max {
					return
				}
				e := usageEvent{Key: fmt.Sprintf("%s-%06d", round, i), Customer: customers[i%len(customers)]}
				l.sent.Add(1)
				a, err := e.send(ctx, base(i))
				if ctx.Err() != nil && err != nil {
					// Cut off by the scenario, not by the server: unknown.
					l.record(e, answer{}, err)
					return
				}
				l.record(e, a, err)
				if err != nil {
					// The server is gone: wait a little rather than spin.
					time.Sleep(20 * time.Millisecond)
				}
			}
		}()
	}
	wg.Wait()
}

// settle resends every unknown event with its key until each is
// acknowledged, within limit.
func (l *ledger) settle(ctx context.Context, base string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		l.mu.Lock()
		pending := make([]usageEvent, 0, len(l.unknown))
		for _, e := range l.unknown {
			pending = append(pending, e)
		}
		l.mu.Unlock()
		if len(pending) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d events still unacknowledged after %s", len(pending), limit)
		}
		for _, e := range pending {
			a, err := e.send(ctx, base)
			l.record(e, a, err)
		}
	}
}

// checkTotals compares each customer's stored usage with the ledger: at
// least what was acknowledged, at most that plus the unknown; with exact
// set, exactly what was acknowledged.
func (l *ledger) checkTotals(ctx context.Context, base string, customers []string, baseline map[string]int64, exact bool) (string, error) {
	l.mu.Lock()
	acked, unknown := perCustomer(l.acked), perCustomer(l.unknown)
	l.mu.Unlock()
	var problems []string
	for _, c := range customers {
		got, err := usageOf(ctx, base, c)
		if err != nil {
			return "", err
		}
		got -= baseline[c]
		lo, hi := acked[c], acked[c]+unknown[c]
		if exact {
			hi = lo
		}
		if got < lo || got > hi {
			problems = append(problems, fmt.Sprintf("%s: %d counted, acknowledged %d, unknown %d", c, got, acked[c], unknown[c]))
		}
	}
	if len(problems) > 0 {
		return "", fmt.Errorf("usage totals wrong: %v", problems)
	}
	return fmt.Sprintf("%d acknowledged, %d unknown", len(l.acked), len(l.unknown)), nil
}

// baselines reads each customer's usage before a load.
func baselines(ctx context.Context, base string, customers []string) (map[string]int64, error) {
	out := map[string]int64{}
	for _, c := range customers {
		v, err := usageOf(ctx, base, c)
		if err != nil {
			return nil, err
		}
		out[c] = v
	}
	return out, nil
}
