package engine

import (
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

// EntitlementsJSON is Entitlements as its JSON answer. The answer comes
// from the customer's snapshot while it holds — the call a SaaS backend
// makes on most of its own requests then costs one indexed read — and is
// computed afresh, and kept, when it does not.
func (e *Engine) EntitlementsJSON(ctx context.Context, customerID, resourceID string) (json.RawMessage, error) {
	if r, ok := e.store.(portico.SnapshotReader); ok {
		if body, ok, err := r.EntitlementSnapshot(ctx, customerID, resourceID, e.clock.Now()); err == nil && ok {
			return body, nil
		}
	}
	var body []byte
	err := e.writeCustomer(ctx, customerID, func(o *op, c *portico.Customer) error {
		snap, err := o.entitlementSnapshot(c, resourceID)
		if err != nil {
			return err
		}
		body = snap.Body
		return o.tx.PutEntitlementSnapshot(snap)
	})
	return body, err
}

// entitlementSnapshot computes a customer's entitlements for a resource
// with the time until which they hold: the first renewal, trial end or
// scheduled change, promotion end or usage reset.
func (o *op) entitlementSnapshot(c *portico.Customer, resourceID string) (portico.EntitlementSnapshot, error) {
	views, err := o.entitlements(c, resourceID)
	if err != nil {
		return portico.EntitlementSnapshot{}, err
	}
	until := o.now.Add(snapshotMaxAge)
	earlier := func(t time.Time) {
		if !t.IsZero() && t.Before(until) {
			until = t
		}
	}
	subs, err := o.tx.SubscriptionsOf(c.ID)
	if err != nil {
		return portico.EntitlementSnapshot{}, err
	}
	for _, s := range subs {
		earlier(s.NextDue())
	}
	promos, err := o.tx.PromotionsOf(c.ID)
	if err != nil {
		return portico.EntitlementSnapshot{}, err
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
	body, err := json.Marshal(views)
	return portico.EntitlementSnapshot{CustomerID: c.ID, ResourceID: resourceID, CatalogVersion: o.catVersion,
		ValidUntil: until, Body: body}, err
}

// refreshSnapshots replaces, before the transaction commits, the
// entitlement snapshots of every customer it wrote to: the customer as a
// whole and each resource they subscribe for.
func (o *op) refreshSnapshots() error {
	for _, id := range o.tx.TouchedCustomers() {
		if err := o.tx.DeleteEntitlementSnapshots(id); err != nil {
			return err
		}
		c, err := o.tx.Customer(id)
		if errors.Is(err, portico.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		resources, err := o.resourcesOf(id)
		if err != nil {
			return err
		}
		for _, r := range resources {
			snap, err := o.entitlementSnapshot(c, r)
			if err != nil {
				return err
			}
			if err := o.tx.PutEntitlementSnapshot(snap); err != nil {
				return err
			}
		}
	}
	return nil
}

// resourcesOf is "" (the customer) and each resource the customer's
// subscriptions are for.
func (o *op) resourcesOf(customerID string) ([]string, error) {
	subs, err := o.tx.SubscriptionsOf(customerID)
	if err != nil {
		return nil, err
	}
	out := []string{""}
	for _, s := range subs {
		if s.ResourceID != "" && !slices.Contains(out, s.ResourceID) {
			out = append(out, s.ResourceID)
		}
	}
	return out, nil
}
