package sqltx

import (
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/store/internal/rows"
)

// Subscription implements portico.SubscriptionTx.
func (t *Tx) Subscription(id string) (*portico.Subscription, error) {
	var s portico.Subscription
	if err := t.getDoc(&s, `SELECT doc FROM subscriptions WHERE id = ?`, id); err != nil {
		return nil, err
	}
	return &s, nil
}

// SubscriptionsOf implements portico.SubscriptionTx: read once per
// customer in a read-only transaction, which sees one snapshot.
func (t *Tx) SubscriptionsOf(customerID string) ([]*portico.Subscription, error) {
	return t.subs.Of(customerID, t.readOnly, func() ([]*portico.Subscription, error) {
		return listDocs[*portico.Subscription](t, `SELECT doc FROM subscriptions WHERE customer_id = ? ORDER BY created_at, id`, customerID)
	})
}

// PutSubscription implements portico.SubscriptionTx. next_due is when
// the scheduler must next look at it (WakeAt: a trial's reminder comes
// before its end), NULL when nothing will be due, so the due index holds
// only what will.
func (t *Tx) PutSubscription(s *portico.Subscription) error {
	doc, err := rows.Doc(s)
	if err != nil {
		return err
	}
	t.touched.Add(s.CustomerID)
	var due any
	if d := s.WakeAt(); !d.IsZero() {
		due = d.UnixNano()
	}
	return t.exec(`INSERT INTO subscriptions (id, customer_id, product_id, resource_id, status, next_due, created_at, doc)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET status = excluded.status, next_due = excluded.next_due, doc = excluded.doc`,
		s.ID, s.CustomerID, s.ProductID, s.ResourceID, s.Status, due, s.CreatedAt.UnixNano(), doc)
}

// DueSubscriptions implements portico.SubscriptionTx.
func (t *Tx) DueSubscriptions(at time.Time, limit int) ([]*portico.Subscription, error) {
	return listDocs[*portico.Subscription](t, `SELECT doc FROM subscriptions WHERE next_due IS NOT NULL AND next_due <= ? ORDER BY next_due, id LIMIT ?`, at.UnixNano(), limit)
}

// ProductHasSubscriptions implements portico.SubscriptionTx.
func (t *Tx) ProductHasSubscriptions(productID string) (bool, error) {
	var ok bool
	err := t.queryRow(`SELECT EXISTS (SELECT 1 FROM subscriptions WHERE product_id = ?)`, productID).Scan(&ok)
	return ok, err
}

// EachLiveSubscription implements portico.SubscriptionTx.
func (t *Tx) EachLiveSubscription(productID string, fn func(*portico.Subscription) error) error {
	r, err := t.query(`SELECT doc FROM subscriptions WHERE product_id = ? AND status IN ('active', 'trialing') ORDER BY created_at, id`, productID)
	if err != nil {
		return err
	}
	defer r.Close()
	return rows.EachDoc(r, fn)
}
