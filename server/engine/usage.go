package engine

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	portico "github.com/portico-dev/portico"
)

// clockSkew is how far ahead of the server's clock an event's timestamp
// may be: the reporting host's clock may run a little fast.
const clockSkew = 5 * time.Minute

// UsageOutcome is what became of one event of a batch.
type UsageOutcome struct {
	Result portico.UsageResult
	// View is the feature's entitlement right after the event, when the
	// caller asked for views.
	View *portico.EntitlementView
}

// Single is the answer to a one-event call: the entitlement after it, or
// the refusal as an error (an unknown customer as 404, anything else as a
// 422 naming the field). A duplicate answers the entitlement as it is.
func (u UsageOutcome) Single(customerID string) (*portico.EntitlementView, error) {
	switch r := u.Result; {
	case r.Status == portico.UsageRejected && r.Error.Field == "customerId":
		return nil, portico.NotFound("customer", customerID)
	case r.Status == portico.UsageRejected:
		return nil, portico.Invalid(r.Error.Field, "%s", r.Error.Message)
	}
	return u.View, nil
}

// ReportUsageBatch counts events in one transaction, each at most once per
// idempotency key. An event refused (unknown customer or feature, a value
// or timestamp out of bounds) changes nothing and does not stop the others.
// Each customer is read and settled once, each usage value written once and
// the history added to once per day, however many of the events are
// theirs. With views set, each accepted event's outcome carries the
// feature's entitlement right after it.
func (e *Engine) ReportUsageBatch(ctx context.Context, events []portico.UsageEvent, views bool) ([]UsageOutcome, error) {
	var out []UsageOutcome
	err := e.update(ctx, func(o *op) error {
		out = make([]UsageOutcome, len(events))
		b := &usageBatch{o: o, events: events, out: out, views: views}
		return b.run()
	})
	return out, err
}

// usageBatch is one batch being counted.
type usageBatch struct {
	o      *op
	events []portico.UsageEvent
	out    []UsageOutcome
	views  bool
	// seen are the keys counted by earlier calls; counted those this
	// batch has counted so far, in the order it counts them.
	seen, counted map[string]bool
	keys          []string // the keys of the events counted
	pre           prefetched
	// records and history are what the batch writes, at its end.
	records []portico.UsageRecord
	history []portico.HistoryAdd
	// percents are the usage thresholds endpoints asked for, read when
	// first needed (an empty, non-nil slice once read).
	percents []int
}

func (b *usageBatch) run() error {
	order, byCustomer, err := b.fresh()
	if err != nil {
		return err
	}
	if err := b.prefetch(order); err != nil {
		return err
	}
	for _, id := range order {
		if err := b.customer(id, byCustomer[id]); err != nil {
			return err
		}
	}
	return b.flush()
}

// prefetched is what the batch reads of its customers up front, a
// statement per table rather than per customer.
type prefetched struct {
	customers map[string]*portico.Customer
	subs      map[string][]*portico.Subscription
	promos    map[string][]portico.Promotion
	usage     map[string][]portico.UsageRecord
}

func (b *usageBatch) prefetch(ids []string) error {
	tx, p := b.o.tx, &b.pre
	var err error
	if p.customers, err = tx.CustomersByID(ids); err != nil {
		return err
	}
	if p.subs, err = tx.SubscriptionsOfCustomers(ids); err != nil {
		return err
	}
	if p.promos, err = tx.PromotionsOfCustomers(ids); err != nil {
		return err
	}
	p.usage, err = tx.UsageOfCustomers(ids)
	return err
}

// fresh reads which keys earlier calls counted, and groups the events by
// customer in the order they first appear. Whether an event is a
// duplicate is decided as it is counted: a key counts once its event is
// accepted, so an event refused does not use up its key.
func (b *usageBatch) fresh() ([]string, map[string][]int, error) {
	var keys []string
	for _, ev := range b.events {
		if ev.IdempotencyKey != "" {
			keys = append(keys, ev.IdempotencyKey)
		}
	}
	var err error
	if b.seen, err = b.o.tx.UsageKeysSeen(keys); err != nil {
		return nil, nil, err
	}
	b.counted = map[string]bool{}
	var order []string
	byCustomer := map[string][]int{}
	for i, ev := range b.events {
		if _, ok := byCustomer[ev.CustomerID]; !ok {
			order = append(order, ev.CustomerID)
		}
		byCustomer[ev.CustomerID] = append(byCustomer[ev.CustomerID], i)
	}
	return order, byCustomer, nil
}

// customerUsage is one customer's usage as the batch changes it.
type customerUsage struct {
	c       *portico.Customer
	in      grantInputs
	grants  map[string]map[string]*grant         // by resource, then feature
	views   map[string][]portico.EntitlementView // by resource, before the batch
	current map[[2]string]*portico.UsageRecord   // by feature and usage key
	start   map[[2]string]int64                  // each record's value before the batch
	changed map[[2]string]bool                   // the records an accepted event changed
	history map[historyKey]int64
}

type historyKey struct {
	feature, resource string
	day               time.Time
}

// customer counts one customer's events.
func (b *usageBatch) customer(id string, idx []int) error {
	o := b.o
	c, ok := b.pre.customers[id]
	if !ok {
		for _, i := range idx {
			b.reject(i, "customerId", fmt.Sprintf("unknown customer %q", id))
		}
		return nil
	}
	subs, settled, err := o.settleSubs(c, b.pre.subs[id])
	if err != nil {
		return err
	}
	cu := &customerUsage{c: c, grants: map[string]map[string]*grant{}, views: map[string][]portico.EntitlementView{},
		current: map[[2]string]*portico.UsageRecord{}, start: map[[2]string]int64{}, changed: map[[2]string]bool{}, history: map[historyKey]int64{}}
	cu.in.subs, cu.in.promos, cu.in.usage = subs, b.pre.promos[id], b.pre.usage[id]
	if settled > 0 {
		// Settling may have reset usage: read it as it now stands.
		if cu.in.usage, err = o.tx.UsageOf(c.ID); err != nil {
			return err
		}
	}
	for _, i := range idx {
		b.count(cu, i)
	}
	return b.write(cu)
}

// duplicate answers an event counted before, whatever it says now: not
// counted again, and a single call is answered the entitlement as it
// stands.
func (b *usageBatch) duplicate(cu *customerUsage, i int) {
	o, ev := b.o, b.events[i]
	b.out[i].Result = portico.UsageResult{Status: portico.UsageDuplicate}
	f, ok := o.cat.Feature(ev.FeatureID)
	if !b.views || !ok || f.Type == portico.FeatureBoolean {
		return
	}
	g := b.grant(cu, ev.ResourceID, f.ID)
	anchor := cu.c.CreatedAt
	if g != nil {
		anchor = g.anchor
	}
	rec := cu.record(o, f, usageResource(g, ev.ResourceID), anchor)
	b.out[i].View = afterUsage(b.viewsOf(cu, ev.ResourceID), f, rec.Value, anchor, o.now)
}

func (b *usageBatch) reject(i int, field, msg string) {
	b.out[i].Result = portico.UsageResult{Status: portico.UsageRejected, Error: &portico.FieldError{Field: field, Message: msg}}
}

// count applies one event to the customer's usage in memory, or rejects it.
func (b *usageBatch) count(cu *customerUsage, i int) {
	o, ev := b.o, b.events[i]
	if k := ev.IdempotencyKey; k != "" && (b.seen[k] || b.counted[k]) {
		b.duplicate(cu, i)
		return
	}
	f, ok := o.cat.Feature(ev.FeatureID)
	switch {
	case !ok:
		b.reject(i, "featureId", fmt.Sprintf("unknown feature %q", ev.FeatureID))
		return
	case f.Type == portico.FeatureBoolean:
		b.reject(i, "featureId", fmt.Sprintf("feature %q is boolean and has no usage", f.ID))
		return
	case f.Type == portico.FeatureMetered && ev.Value < 0:
		b.reject(i, "value", fmt.Sprintf("must be positive for metered feature %q", f.ID))
		return
	}
	g := b.grant(cu, ev.ResourceID, f.ID)
	anchor, key := cu.c.CreatedAt, usageResource(g, ev.ResourceID)
	if g != nil {
		anchor = g.anchor
	}
	at := o.now
	if ev.Timestamp != nil {
		at = ev.Timestamp.UTC()
	}
	if field, msg := o.checkTimestamp(f, anchor, at); field != "" {
		b.reject(i, field, msg)
		return
	}
	rec := cu.record(o, f, key, anchor)
	if ev.Value > 0 && rec.Value > math.MaxInt64-ev.Value {
		b.reject(i, "value", fmt.Sprintf("would take usage of %q past the largest number that can be kept", f.ID))
		return
	}
	if rec.Value+ev.Value < 0 {
		b.reject(i, "value", fmt.Sprintf("would take usage of %q below zero (it is %d)", f.ID, rec.Value))
		return
	}
	rec.Value += ev.Value
	cu.changed[[2]string{f.ID, key}] = true
	day := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC)
	cu.history[historyKey{f.ID, key, day}] += ev.Value
	b.out[i].Result = portico.UsageResult{Status: portico.UsageAccepted}
	if ev.IdempotencyKey != "" {
		b.keys = append(b.keys, ev.IdempotencyKey)
		b.counted[ev.IdempotencyKey] = true
	}
	if b.views {
		b.out[i].View = afterUsage(b.viewsOf(cu, ev.ResourceID), f, rec.Value, anchor, o.now)
	}
}

// checkTimestamp refuses an event placed in the future, before its
// metered feature's current usage period, or before what the history keeps.
func (o *op) checkTimestamp(f portico.Feature, anchor, at time.Time) (field, msg string) {
	if at.After(o.now.Add(clockSkew)) {
		return "timestamp", fmt.Sprintf("is in the future (the server's time is %s)", o.now.Format(time.RFC3339))
	}
	if f.Type == portico.FeatureMetered {
		if start, _ := periodAround(anchor, f.ResetPeriod, o.now); at.Before(start) {
			return "timestamp", fmt.Sprintf("is before the current usage period of %q, which began at %s", f.ID, start.Format(time.RFC3339))
		}
	}
	if at.Before(o.now.Add(-portico.HistoryRetention)) {
		return "timestamp", "is older than the usage history keeps (400 days)"
	}
	return "", ""
}

// grant is the customer's grant of a feature for a resource, resolved once
// per resource.
func (b *usageBatch) grant(cu *customerUsage, resourceID, featureID string) *grant {
	m, ok := cu.grants[resourceID]
	if !ok {
		m = b.o.resolve(cu.c, resourceID, cu.in.subs, cu.in.promos)
		cu.grants[resourceID] = m
	}
	return m[featureID]
}

// viewsOf are the customer's entitlements for a resource before the batch.
func (b *usageBatch) viewsOf(cu *customerUsage, resourceID string) []portico.EntitlementView {
	v, ok := cu.views[resourceID]
	if !ok {
		v = b.o.entitlementsFrom(cu.c, resourceID, cu.in)
		cu.views[resourceID] = v
	}
	return v
}

// record is the usage of a feature under a usage key as the batch has it:
// read once, zero once a new usage period has begun.
func (cu *customerUsage) record(o *op, f portico.Feature, key string, anchor time.Time) *portico.UsageRecord {
	k := [2]string{f.ID, key}
	if rec, ok := cu.current[k]; ok {
		return rec
	}
	value, _ := usageValue(f, findUsage(cu.in.usage, f.ID, key), anchor, o.now)
	start := o.now
	if f.Type == portico.FeatureMetered {
		start, _ = periodAround(anchor, f.ResetPeriod, o.now)
	}
	rec := &portico.UsageRecord{CustomerID: cu.c.ID, FeatureID: f.ID, ResourceID: key, Value: value, PeriodStart: start}
	cu.current[k] = rec
	cu.start[k] = value
	return rec
}

// write gathers what the batch changed for the customer, written for the
// whole batch at once (flush): each usage value an accepted event changed,
// the history once per day, and what the billing provider is owed. A
// customer whose events were all duplicates or refused writes nothing.
// The customer's state is then known to the operation: their kept answers
// are computed from it at commit, not read back.
func (b *usageBatch) write(cu *customerUsage) error {
	o := b.o
	for k, rec := range cu.current {
		if !cu.changed[k] {
			continue
		}
		b.records = append(b.records, *rec)
		if err := o.queueUsageOf(cu.c.ID, cu.in.subs, *rec); err != nil {
			return err
		}
		if err := b.thresholds(cu, *rec, cu.start[k]); err != nil {
			return err
		}
		cu.in.usage = withRecord(cu.in.usage, *rec)
	}
	if o.known == nil {
		o.known = map[string]knownCustomer{}
	}
	o.known[cu.c.ID] = knownCustomer{c: cu.c, in: cu.in}
	for k, v := range cu.history {
		if v != 0 {
			b.history = append(b.history, portico.HistoryAdd{CustomerID: cu.c.ID, FeatureID: k.feature, ResourceID: k.resource, Day: k.day, Value: v})
		}
	}
	return nil
}

// flush writes the batch's usage values and history, a few statements for
// the whole batch.
func (b *usageBatch) flush() error {
	if err := b.o.tx.PutUsages(b.records); err != nil {
		return err
	}
	if err := b.o.tx.AddUsageHistories(b.history); err != nil {
		return err
	}
	return b.o.tx.PutUsageKeys(b.keys, b.o.now)
}

// withRecord is recs with rec in place of the record of its feature and
// usage key.
func withRecord(recs []portico.UsageRecord, rec portico.UsageRecord) []portico.UsageRecord {
	for i := range recs {
		if recs[i].FeatureID == rec.FeatureID && recs[i].ResourceID == rec.ResourceID {
			out := slices.Clone(recs)
			out[i] = rec
			return out
		}
	}
	return append(slices.Clip(recs), rec)
}

// thresholds announces each usage threshold an endpoint asked for that the
// batch took the record's usage across: once per threshold and usage
// period for a metered feature (however the usage moves within it), at
// each crossing upward for a numeric one.
func (b *usageBatch) thresholds(cu *customerUsage, rec portico.UsageRecord, before int64) error {
	if rec.Value <= before {
		return nil
	}
	// Without an endpoint asking for thresholds, nothing is worked out:
	// a batch costs what it did before webhooks.
	if b.percents == nil {
		ps, err := b.o.tx.UsageThresholds()
		if err != nil {
			return err
		}
		b.percents = append([]int{}, ps...)
	}
	if len(b.percents) == 0 {
		return nil
	}
	views := b.viewsOf(cu, rec.ResourceID)
	i := slices.IndexFunc(views, func(v portico.EntitlementView) bool { return v.FeatureID == rec.FeatureID })
	if i < 0 {
		return nil
	}
	v := views[i]
	if v.Unlimited || v.Limit <= 0 {
		return nil
	}
	for _, p := range b.percents {
		at := thresholdUsage(v.Limit, p)
		if before >= at || rec.Value < at {
			continue
		}
		data := portico.UsageThresholdEventData{CustomerID: rec.CustomerID, FeatureID: rec.FeatureID, ResourceID: rec.ResourceID,
			Threshold: p, Usage: rec.Value, Limit: v.Limit}
		dedupe := ""
		if v.Type == portico.FeatureMetered {
			start := rec.PeriodStart
			data.PeriodStart = &start
			dedupe = fmt.Sprintf("usage_threshold/%s/%s/%s/%d/%d", rec.CustomerID, rec.FeatureID, rec.ResourceID, start.Unix(), p)
		}
		b.o.announceEvent(portico.Event{Type: portico.EventEntitlementUsageThreshold, CustomerID: rec.CustomerID,
			Threshold: p, Data: mustJSON(data)}, dedupe)
	}
	return nil
}

// thresholdUsage is the usage that reaches percent of limit, rounded up
// (80 % of 5 units is reached at 4), without overflowing on huge limits.
func thresholdUsage(limit int64, percent int) int64 {
	if limit > math.MaxInt64/1000 {
		return limit / 100 * int64(percent)
	}
	return (limit*int64(percent) + 99) / 100
}
