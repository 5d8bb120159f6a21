package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"

	portico "github.com/portico-dev/portico"
)

// Events are derived from what an operation wrote, not announced by each
// journey rule: every path that writes a subscription, a customer, a
// promotion, an invoice or the catalog goes through the transaction, so
// none can forget its event. They are added to the log in the operation's
// own transaction (an outbox): a change that rolls back sends nothing, and
// one that commits cannot lose its events.

// changeLog is what an operation wrote, as a recordingTx saw it.
type changeLog struct {
	// subs are the subscriptions written, in the order first written,
	// with each one's state before the operation (nil when it created it).
	subIDs []string
	before map[string]*portico.Subscription
	// customers created and updated, in order, with each updated one's
	// state before the operation.
	created, updated []string
	customersBefore  map[string]*portico.Customer
	promotions       []portico.Promotion
	invoices         []portico.InvoiceEventData
	catalog          *portico.CatalogChange
	// explicit are events the operation announced itself (a reminder, a
	// usage threshold), with their dedupe keys.
	explicit []pendingEvent
	// added counts the events added to the log.
	added int
	// toFree are the subscriptions a cancellation moved to the free plan
	// (afterCancel: downgrade_to_free): cancelled, though they live on.
	toFree map[string]bool
}

// endedToFree notes that a cancellation moved the subscription to the
// free plan (a read-only operation, which writes nothing, has no log).
func (l *changeLog) endedToFree(subID string) {
	if l == nil {
		return
	}
	if l.toFree == nil {
		l.toFree = map[string]bool{}
	}
	l.toFree[subID] = true
}

type pendingEvent struct {
	event  portico.Event
	dedupe string
}

// recordingTx is the transaction an operation writes through: the store's,
// noting what is written.
type recordingTx struct {
	portico.Tx
	log *changeLog
}

func (r recordingTx) PutSubscription(s *portico.Subscription) error {
	if _, seen := r.log.before[s.ID]; !seen {
		before, err := r.Tx.Subscription(s.ID)
		if err != nil && !errors.Is(err, portico.ErrNotFound) {
			return err
		}
		if r.log.before == nil {
			r.log.before = map[string]*portico.Subscription{}
		}
		r.log.before[s.ID] = before
		r.log.subIDs = append(r.log.subIDs, s.ID)
	}
	return r.Tx.PutSubscription(s)
}

func (r recordingTx) CreateCustomer(c *portico.Customer) error {
	r.log.created = append(r.log.created, c.ID)
	return r.Tx.CreateCustomer(c)
}

func (r recordingTx) UpdateCustomer(c *portico.Customer) error {
	if !slices.Contains(r.log.created, c.ID) && !slices.Contains(r.log.updated, c.ID) {
		before, err := r.Tx.Customer(c.ID)
		if err != nil {
			return err
		}
		if r.log.customersBefore == nil {
			r.log.customersBefore = map[string]*portico.Customer{}
		}
		r.log.customersBefore[c.ID] = before
		r.log.updated = append(r.log.updated, c.ID)
	}
	return r.Tx.UpdateCustomer(c)
}

func (r recordingTx) AddEvent(e *portico.Event, dedupe string) (bool, error) {
	ok, err := r.Tx.AddEvent(e, dedupe)
	if ok {
		r.log.added++
	}
	return ok, err
}

func (r recordingTx) AddPromotion(p portico.Promotion) error {
	r.log.promotions = append(r.log.promotions, p)
	return r.Tx.AddPromotion(p)
}

func (r recordingTx) AddInvoice(customerID string, inv portico.Invoice) error {
	r.log.invoices = append(r.log.invoices, portico.InvoiceEventData{CustomerID: customerID, Invoice: inv})
	return r.Tx.AddInvoice(customerID, inv)
}

func (r recordingTx) PutCatalog(c *portico.Catalog, change portico.CatalogChange) error {
	r.log.catalog = &change
	return r.Tx.PutCatalog(c, change)
}

// announce adds an event the operation knows of itself; a non-empty dedupe
// key sends it once whatever operations announce it again.
func (o *op) announce(t portico.EventType, customerID, dedupe string, data any) {
	o.announceEvent(portico.Event{Type: t, CustomerID: customerID, Data: mustJSON(data)}, dedupe)
}

func (o *op) announceEvent(e portico.Event, dedupe string) {
	o.events.explicit = append(o.events.explicit, pendingEvent{event: e, dedupe: dedupe})
}

// emitEvents adds the events of what the operation wrote to the log, in
// the order a receiver makes sense of them: customers, subscriptions and
// trials, invoices, promotions, what was announced, then entitlements.
func (o *op) emitEvents() error {
	l := o.events
	var out []pendingEvent
	add := func(t portico.EventType, customerID string, data any) {
		out = append(out, pendingEvent{event: portico.Event{Type: t, CustomerID: customerID, Data: mustJSON(data)}})
	}
	for _, id := range l.created {
		c, err := o.tx.Customer(id)
		if err != nil {
			return err
		}
		add(portico.EventCustomerCreated, id, portico.CustomerEventData{Customer: c})
	}
	for _, id := range l.updated {
		c, err := o.tx.Customer(id)
		if err != nil {
			return err
		}
		// Settling rewrites the customer with every renewal: only a
		// change is news.
		if !bytes.Equal(mustJSON(c), mustJSON(l.customersBefore[id])) {
			add(portico.EventCustomerUpdated, id, portico.CustomerEventData{Customer: c})
		}
	}
	changed := map[string]bool{} // customers whose entitlements may have changed
	for _, id := range l.subIDs {
		after, err := o.tx.Subscription(id)
		if err != nil {
			return err
		}
		for _, ev := range o.subscriptionEvents(l.before[id], after) {
			out = append(out, ev)
			changed[after.CustomerID] = true
		}
	}
	for _, inv := range l.invoices {
		add(portico.EventInvoiceCreated, inv.CustomerID, inv)
	}
	for _, p := range l.promotions {
		add(portico.EventPromotionGranted, p.CustomerID, portico.PromotionEventData{CustomerID: p.CustomerID, Promotion: p})
		changed[p.CustomerID] = true
	}
	out = append(out, l.explicit...)
	for _, ev := range l.explicit {
		if ev.event.Type == portico.EventPromotionExpired {
			changed[ev.event.CustomerID] = true
		}
	}
	ents, err := o.entitlementEvents(changed)
	if err != nil {
		return err
	}
	out = append(out, ents...)
	if l.catalog != nil {
		_, version, err := o.tx.Catalog()
		if err != nil {
			return err
		}
		add(portico.EventCatalogUpdated, "", portico.CatalogEventData{Version: version, CatalogChange: *l.catalog})
	}
	for i := range out {
		ev := &out[i].event
		ev.ID, ev.CreatedAt = newID("evt"), o.now
		if _, err := o.tx.AddEvent(ev, out[i].dedupe); err != nil {
			return err
		}
	}
	return nil
}

// subscriptionEvents are the events of one subscription's change from
// before (nil: created) to after.
func (o *op) subscriptionEvents(before, after *portico.Subscription) []pendingEvent {
	var out []pendingEvent
	view := o.subView(after)
	add := func(t portico.EventType) {
		out = append(out, pendingEvent{event: portico.Event{Type: t, CustomerID: after.CustomerID,
			Data: mustJSON(portico.SubscriptionEventData{CustomerID: after.CustomerID, Subscription: &view})}})
	}
	if before == nil {
		add(portico.EventSubscriptionCreated)
		if after.Status == portico.StatusTrialing {
			add(portico.EventTrialStarted)
		}
		return append(out, o.scheduledEvents(nil, after)...)
	}
	if sameSubscription(before, after) {
		return nil
	}
	trialEnded := before.Status == portico.StatusTrialing && after.Status != portico.StatusTrialing
	switch {
	case before.Live() && !after.Live() && after.Status == portico.StatusCanceled:
		add(portico.EventSubscriptionCanceled)
	case o.events.toFree[after.ID]:
		// Cancelled onto the free plan: the paid subscription ended, the
		// same one goes on, free.
		add(portico.EventSubscriptionCanceled)
		add(portico.EventSubscriptionUpdated)
	case trialEnded && after.Status == portico.StatusExpired:
		add(portico.EventSubscriptionUpdated)
		add(portico.EventTrialExpired)
	case trialEnded && before.TrialEnd != nil && before.TrialEnd.DowngradeToPlanID == after.PlanID && before.PlanID != after.PlanID:
		// A reverse trial that ended without a payment method: the
		// customer is back on the free plan.
		add(portico.EventSubscriptionUpdated)
		add(portico.EventTrialExpired)
	case trialEnded:
		add(portico.EventSubscriptionUpdated)
		add(portico.EventTrialConverted)
	default:
		add(portico.EventSubscriptionUpdated)
	}
	return append(out, o.scheduledEvents(before, after)...)
}

// scheduledEvents tell of the scheduled updates added and of those taken
// away before they fell due (those that fell due were applied: the
// subscription's own event tells of them).
func (o *op) scheduledEvents(before, after *portico.Subscription) []pendingEvent {
	var was []portico.ScheduledUpdate
	if before != nil {
		was = before.ScheduledUpdates
	}
	var out []pendingEvent
	add := func(t portico.EventType, u portico.ScheduledUpdate) {
		out = append(out, pendingEvent{event: portico.Event{Type: t, CustomerID: after.CustomerID,
			Data: mustJSON(portico.ScheduledUpdateEventData{CustomerID: after.CustomerID, SubscriptionID: after.ID, ScheduledUpdate: u})}})
	}
	for _, u := range was {
		if !containsUpdate(after.ScheduledUpdates, u) && u.EffectiveAt.After(o.now) {
			add(portico.EventScheduledUpdateCanceled, u)
		}
	}
	for _, u := range after.ScheduledUpdates {
		if !containsUpdate(was, u) {
			add(portico.EventScheduledUpdateCreated, u)
		}
	}
	return out
}

func containsUpdate(us []portico.ScheduledUpdate, u portico.ScheduledUpdate) bool {
	return slices.ContainsFunc(us, func(v portico.ScheduledUpdate) bool { return reflect.DeepEqual(u, v) })
}

// sameSubscription tells whether a write left the subscription as it was,
// bookkeeping aside (a trial's reminder sent).
func sameSubscription(a, b *portico.Subscription) bool {
	x, y := *a, *b
	x.TrialRemindedFor, y.TrialRemindedFor = nil, nil
	return bytes.Equal(mustJSON(x), mustJSON(y))
}

// entitlementEvents are the entitlements of each customer whose
// subscriptions or promotions changed, per resource, in customer order.
func (o *op) entitlementEvents(changed map[string]bool) ([]pendingEvent, error) {
	ids := make([]string, 0, len(changed))
	for id := range changed {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var out []pendingEvent
	for _, id := range ids {
		c, err := o.tx.Customer(id)
		if err != nil {
			return nil, err
		}
		in, err := o.grantInputs(id)
		if err != nil {
			return nil, err
		}
		for _, r := range resourcesOf(in.subs) {
			data := portico.EntitlementsEventData{CustomerID: id, ResourceID: r, Entitlements: o.entitlementsFrom(c, r, in)}
			out = append(out, pendingEvent{event: portico.Event{Type: portico.EventEntitlementsUpdated, CustomerID: id, Data: mustJSON(data)}})
		}
	}
	return out, nil
}

// expirePromotions announces the promotions that expired by now, a
// hundred per transaction: promotion.expired, then the customer's
// entitlements without them.
func (e *Engine) expirePromotions(ctx context.Context) error {
	for {
		n := 0
		err := e.update(ctx, func(o *op) error {
			ps, err := o.tx.ExpiredPromotions(o.now, 100)
			if err != nil {
				return err
			}
			n = len(ps)
			for _, p := range ps {
				o.announce(portico.EventPromotionExpired, p.CustomerID, "promotion.expired/"+p.ID,
					portico.PromotionEventData{CustomerID: p.CustomerID, Promotion: p})
				if err := o.tx.PromotionExpiryAnnounced(p.ID); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil || n == 0 {
			return err
		}
	}
}

// mustJSON encodes what the engine built itself, which always encodes.
func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("engine: encoding %T: %v", v, err))
	}
	return b
}
