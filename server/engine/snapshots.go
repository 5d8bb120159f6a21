package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"

	portico "github.com/portico-dev/portico"
)

// snapshotMaxAge bounds how long a snapshot is trusted even when nothing
// due would change it.
const snapshotMaxAge = 24 * time.Hour

// EntitlementsJSON is Entitlements as its JSON answer. It comes from the
// customer's snapshot while that holds — the call a SaaS backend makes on
// most of its own requests then costs one indexed read — and is computed
// afresh, and kept, when it does not.
func (e *Engine) EntitlementsJSON(ctx context.Context, customerID, resourceID string) (json.RawMessage, error) {
	return e.snapshot(ctx, customerID, portico.SnapshotEntitlements, resourceID, func(o *op, c *portico.Customer) (portico.Snapshot, error) {
		return o.entitlementSnapshot(c, resourceID)
	})
}

// PortalJSON is Portal as its JSON answer, kept and answered the same way.
func (e *Engine) PortalJSON(ctx context.Context, scope portico.PortalScope) (json.RawMessage, error) {
	body, err := e.snapshot(ctx, scope.CustomerID, portico.SnapshotPortal, portalScopeKey(scope), func(o *op, c *portico.Customer) (portico.Snapshot, error) {
		return o.portalSnapshot(c, scope)
	})
	if err != nil {
		return nil, err
	}
	return withNow(body, e.clock.Now()), nil
}

// withNow fills in a kept view's time, the only part that changes from one
// answer to the next: in one copy, looking from the end, where it is.
func withNow(body []byte, now time.Time) []byte {
	at := bytes.LastIndex(body, zeroNow)
	if at < 0 {
		return body
	}
	out := make([]byte, 0, len(body)+16)
	out = append(out, body[:at]...)
	out = append(out, `"now":"`...)
	// As encoding/json writes a time.Time.
	out = now.AppendFormat(out, time.RFC3339Nano)
	out = append(out, '"')
	return append(out, body[at+len(zeroNow):]...)
}

// zeroNow is how a stored portal view's time reads.
var zeroNow = []byte(`"now":"0001-01-01T00:00:00Z"`)

func portalScopeKey(s portico.PortalScope) string {
	return s.ProductID + "|" + s.ResourceID + "|" + s.Locale
}

// snapshot answers from the kept snapshot when it holds, else computes it
// on a settled customer and keeps it.
func (e *Engine) snapshot(ctx context.Context, customerID, kind, scope string, compute func(*op, *portico.Customer) (portico.Snapshot, error)) (json.RawMessage, error) {
	if r, ok := e.store.(portico.SnapshotReader); ok {
		if body, ok, err := r.Snapshot(ctx, customerID, kind, scope, e.clock.Now()); err == nil && ok {
			return body, nil
		}
	}
	var body []byte
	err := e.writeCustomer(ctx, customerID, func(o *op, c *portico.Customer) error {
		snap, err := compute(o, c)
		if err != nil {
			return err
		}
		body = snap.Body
		return o.tx.PutSnapshot(snap)
	})
	return body, err
}

// entitlementSnapshot computes a customer's entitlements for a resource
// with the time until which they hold.
func (o *op) entitlementSnapshot(c *portico.Customer, resourceID string) (portico.Snapshot, error) {
	in, err := o.grantInputs(c.ID)
	if err != nil {
		return portico.Snapshot{}, err
	}
	return o.entitlementSnapshotFrom(c, resourceID, in)
}

// entitlementSnapshotFrom is entitlementSnapshot from inputs at hand.
func (o *op) entitlementSnapshotFrom(c *portico.Customer, resourceID string, in grantInputs) (portico.Snapshot, error) {
	views := o.entitlementsFrom(c, resourceID, in)
	return o.keep(c.ID, portico.SnapshotEntitlements, resourceID, views, in.subs, in.promos, views)
}

// portalSnapshot computes a customer's portal view for a session scope.
func (o *op) portalSnapshot(c *portico.Customer, scope portico.PortalScope) (portico.Snapshot, error) {
	v, err := o.portal(c, scope)
	if err != nil {
		return portico.Snapshot{}, err
	}
	v.Now = time.Time{}
	subs, err := o.tx.SubscriptionsOf(c.ID)
	if err != nil {
		return portico.Snapshot{}, err
	}
	promos, err := o.tx.PromotionsOf(c.ID)
	if err != nil {
		return portico.Snapshot{}, err
	}
	return o.keep(c.ID, portico.SnapshotPortal, portalScopeKey(scope), v, subs, promos, v.Entitlements)
}

// keep encodes an answer with the time until which it holds: the first
// renewal, trial end or scheduled change, promotion end or usage reset,
// from what the answer was computed from.
func (o *op) keep(customerID, kind, scope string, answer any, subs []*portico.Subscription, promos []portico.Promotion, views []portico.EntitlementView) (portico.Snapshot, error) {
	until := o.now.Add(snapshotMaxAge)
	earlier := func(t time.Time) {
		if !t.IsZero() && t.Before(until) {
			until = t
		}
	}
	for _, s := range subs {
		earlier(s.NextDue())
	}
	for _, p := range promos {
		if p.ExpiresAt != nil {
			earlier(*p.ExpiresAt)
		}
	}
	for _, v := range views {
		if v.ResetAt != nil {
			earlier(*v.ResetAt)
		}
	}
	body, err := json.Marshal(answer)
	return portico.Snapshot{CustomerID: customerID, Kind: kind, Scope: scope, CatalogVersion: o.catVersion,
		ValidUntil: until, Body: body}, err
}

// refreshSnapshots replaces, before the transaction commits, the snapshots
// of every customer it wrote to: their entitlements, for the customer as a
// whole and for each resource they subscribe for, are computed again at
// once (a SaaS asks for them all the time); their portal views are only
// dropped, and computed again when next asked for (usage reports, the
// most frequent writes, would otherwise pay for views rarely looked at).
func (o *op) refreshSnapshots() error {
	for _, id := range o.tx.TouchedCustomers() {
		if err := o.tx.DeleteSnapshots(id); err != nil {
			return err
		}
		k, ok := o.known[id]
		if !ok {
			c, err := o.tx.Customer(id)
			if errors.Is(err, portico.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if k.in, err = o.grantInputs(id); err != nil {
				return err
			}
			k.c = c
		}
		for _, r := range resourcesOf(k.in.subs) {
			ent, err := o.entitlementSnapshotFrom(k.c, r, k.in)
			if err != nil {
				return err
			}
			if err := o.tx.PutSnapshot(ent); err != nil {
				return err
			}
		}
	}
	return nil
}

// resourcesOf is "" (the customer) and each resource the customer's
// subscriptions are for.
func resourcesOf(subs []*portico.Subscription) []string {
	out := []string{""}
	for _, s := range subs {
		if s.ResourceID != "" && !slices.Contains(out, s.ResourceID) {
			out = append(out, s.ResourceID)
		}
	}
	return out
}
