package sqltx

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/store/internal/sqlconn"
)

// AddEvent implements portico.EventTx.
func (t *Tx) AddEvent(e *portico.Event, dedupe string) (bool, error) {
	body, err := json.Marshal(e)
	if err != nil {
		return false, err
	}
	var key any // NULL: many events have none
	if dedupe != "" {
		key = dedupe
	}
	err = t.queryRow(`INSERT INTO events (id, type, customer_id, created_at, dedupe, body) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (dedupe) DO NOTHING RETURNING seq`,
		e.ID, string(e.Type), e.CustomerID, e.CreatedAt.UnixNano(), key, body).Scan(&e.Seq)
	if errors.Is(err, sqlconn.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	eps, err := t.WebhookEndpoints()
	if err != nil {
		return false, err
	}
	for _, ep := range eps {
		if !ep.Takes(e) {
			continue
		}
		// The delivery heads its customer's queue at this endpoint when
		// nothing of theirs is pending there.
		if err := t.exec(`INSERT INTO webhook_deliveries (endpoint_id, seq, customer_id, is_head) VALUES (?, ?, ?,
			CASE WHEN EXISTS (SELECT 1 FROM webhook_deliveries WHERE endpoint_id = ? AND customer_id = ? AND status = 'pending')
			THEN 0 ELSE 1 END)`, ep.ID, e.Seq, e.CustomerID, ep.ID, e.CustomerID); err != nil {
			return false, err
		}
	}
	return true, nil
}

// EventsAfter implements portico.EventTx.
func (t *Tx) EventsAfter(seq int64, limit int) ([]portico.Event, error) {
	r, err := t.query(`SELECT seq, customer_id, body FROM events WHERE seq > ? ORDER BY seq LIMIT ?`, seq, limit)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var out []portico.Event
	for r.Next() {
		var e portico.Event
		var body []byte
		if err := r.Scan(&e.Seq, &e.CustomerID, &body); err != nil {
			return nil, err
		}
		s := e.Seq
		if err := json.Unmarshal(body, &e); err != nil {
			return nil, fmt.Errorf("event %d: %w", s, err)
		}
		out = append(out, e)
	}
	return out, r.Err()
}

// LastEventSeq implements portico.EventTx.
func (t *Tx) LastEventSeq() (int64, error) {
	var seq *int64
	if err := t.queryRow(`SELECT MAX(seq) FROM events`).Scan(&seq); err != nil || seq == nil {
		return 0, err
	}
	return *seq, nil
}

// PruneEvents implements portico.EventTx a batch at a time, like the other
// prunes, so that it never holds the store's one writer for long.
func (t *Tx) PruneEvents(before time.Time, limit int) (int, error) {
	r, err := t.query(`SELECT seq FROM events e WHERE created_at < ? AND NOT EXISTS
		(SELECT 1 FROM webhook_deliveries d WHERE d.seq = e.seq AND d.status = 'pending') ORDER BY seq LIMIT ?`,
		before.UnixNano(), limit)
	if err != nil {
		return 0, err
	}
	var seqs []any
	for r.Next() {
		var s int64
		if err := r.Scan(&s); err != nil {
			r.Close()
			return 0, err
		}
		seqs = append(seqs, s)
	}
	r.Close()
	if err := r.Err(); err != nil || len(seqs) == 0 {
		return 0, err
	}
	in := "(" + placeholders(len(seqs)) + ")"
	if err := t.exec(`DELETE FROM webhook_deliveries WHERE seq IN `+in, seqs...); err != nil {
		return 0, err
	}
	return len(seqs), t.exec(`DELETE FROM events WHERE seq IN `+in, seqs...)
}

// UsageThresholds implements portico.EventTx.
func (t *Tx) UsageThresholds() ([]int, error) {
	eps, err := t.WebhookEndpoints()
	if err != nil {
		return nil, err
	}
	var out []int
	for _, ep := range eps {
		for _, p := range ep.UsageThresholds {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

// PutWebhookEndpoint implements portico.EventTx.
func (t *Tx) PutWebhookEndpoint(w *portico.WebhookEndpoint) error {
	stored := *w
	stored.FailingSince = nil // kept in its own column
	doc, err := json.Marshal(stored)
	if err != nil {
		return err
	}
	return t.exec(`INSERT INTO webhook_endpoints (id, created_at, doc) VALUES (?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET doc = excluded.doc`, w.ID, w.CreatedAt.UnixNano(), string(doc))
}

// WebhookEndpoint implements portico.EventTx.
func (t *Tx) WebhookEndpoint(id string) (*portico.WebhookEndpoint, error) {
	var doc string
	var failing int64
	err := t.queryRow(`SELECT doc, failing_since FROM webhook_endpoints WHERE id = ?`, id).Scan(&doc, &failing)
	if errors.Is(err, sqlconn.ErrNoRows) {
		return nil, portico.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return endpointFrom(doc, failing)
}

// WebhookEndpoints implements portico.EventTx: oldest first.
func (t *Tx) WebhookEndpoints() ([]portico.WebhookEndpoint, error) {
	r, err := t.query(`SELECT doc, failing_since FROM webhook_endpoints ORDER BY created_at, id`)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var out []portico.WebhookEndpoint
	for r.Next() {
		var doc string
		var failing int64
		if err := r.Scan(&doc, &failing); err != nil {
			return nil, err
		}
		ep, err := endpointFrom(doc, failing)
		if err != nil {
			return nil, err
		}
		out = append(out, *ep)
	}
	return out, r.Err()
}

func endpointFrom(doc string, failingSince int64) (*portico.WebhookEndpoint, error) {
	var ep portico.WebhookEndpoint
	if err := json.Unmarshal([]byte(doc), &ep); err != nil {
		return nil, err
	}
	if failingSince != 0 {
		at := time.Unix(0, failingSince).UTC()
		ep.FailingSince = &at
	}
	return &ep, nil
}

// DeleteWebhookEndpoint implements portico.EventTx.
func (t *Tx) DeleteWebhookEndpoint(id string) error {
	n, err := t.conn.Exec(t.ctx, `DELETE FROM webhook_endpoints WHERE id = ?`, id)
	if err != nil {
		return err
	}
	if n == 0 {
		return portico.ErrNotFound
	}
	return t.exec(`DELETE FROM webhook_deliveries WHERE endpoint_id = ?`, id)
}

// WebhookDeliveries implements portico.EventTx.
func (t *Tx) WebhookDeliveries(endpointID string, limit int) ([]portico.WebhookDelivery, error) {
	r, err := t.query(`SELECT e.id, e.type, e.created_at, d.status, d.attempts, d.last_status_code, d.last_error,
		d.next_attempt_at, d.delivered_at FROM webhook_deliveries d JOIN events e ON e.seq = d.seq
		WHERE d.endpoint_id = ? ORDER BY d.seq DESC LIMIT ?`, endpointID, limit)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var out []portico.WebhookDelivery
	for r.Next() {
		d := portico.WebhookDelivery{EndpointID: endpointID}
		var created, next, delivered int64
		var attempts, code int64
		if err := r.Scan(&d.EventID, &d.Type, &created, &d.Status, &attempts, &code, &d.LastError, &next, &delivered); err != nil {
			return nil, err
		}
		d.Attempts, d.LastStatusCode = int(attempts), int(code)
		d.CreatedAt = time.Unix(0, created).UTC()
		if d.Status == portico.DeliveryPending {
			at := time.Unix(0, max(next, created)).UTC()
			d.NextAttemptAt = &at
		}
		if delivered != 0 {
			at := time.Unix(0, delivered).UTC()
			d.DeliveredAt = &at
		}
		out = append(out, d)
	}
	return out, r.Err()
}

// WebhookBacklog implements portico.EventTx.
func (t *Tx) WebhookBacklog() (int, error) {
	var n int64
	err := t.queryRow(`SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'`).Scan(&n)
	return int(n), err
}

// ClaimDeliveries implements portico.EventTx. Only the heads of the
// customers' queues are looked at, per endpoint, an endpoint taking as many
// as its leases still held leave room for: the work is the few deliveries
// that can be sent, however many wait behind a dead endpoint.
func (t *Tx) ClaimDeliveries(now, leaseUntil time.Time, owner string, limit, perEndpoint int) ([]portico.PendingDelivery, error) {
	held, err := t.leasesHeld(now)
	if err != nil {
		return nil, err
	}
	eps, err := t.WebhookEndpoints()
	if err != nil {
		return nil, err
	}
	var out []portico.PendingDelivery
	for _, ep := range eps {
		room := min(perEndpoint-held[ep.ID], limit-len(out))
		if room <= 0 {
			continue
		}
		got, err := t.dueHeads(ep, now, room)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	for _, p := range out {
		if err := t.exec(`UPDATE webhook_deliveries SET lease_until = ?, lease_owner = ? WHERE endpoint_id = ? AND seq = ?`,
			leaseUntil.UnixNano(), owner, p.Endpoint.ID, p.Event.Seq); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// leasesHeld counts, per endpoint, the deliveries a sender holds at now.
func (t *Tx) leasesHeld(now time.Time) (map[string]int, error) {
	r, err := t.query(`SELECT endpoint_id, COUNT(*) FROM webhook_deliveries
		WHERE status = 'pending' AND is_head = 1 AND lease_until > ? GROUP BY endpoint_id`, now.UnixNano())
	if err != nil {
		return nil, err
	}
	defer r.Close()
	held := map[string]int{}
	for r.Next() {
		var id string
		var n int64
		if err := r.Scan(&id, &n); err != nil {
			return nil, err
		}
		held[id] = int(n)
	}
	return held, r.Err()
}

// dueHeads are at most n of the endpoint's queue heads due at now and held
// by no sender, soonest due first.
func (t *Tx) dueHeads(ep portico.WebhookEndpoint, now time.Time, n int) ([]portico.PendingDelivery, error) {
	r, err := t.query(`SELECT d.seq, d.customer_id, d.attempts, e.body FROM webhook_deliveries d JOIN events e ON e.seq = d.seq
		WHERE d.endpoint_id = ? AND d.status = 'pending' AND d.is_head = 1 AND d.next_attempt_at <= ? AND d.lease_until <= ?
		ORDER BY d.next_attempt_at, d.seq LIMIT ?`, ep.ID, now.UnixNano(), now.UnixNano(), n)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var out []portico.PendingDelivery
	for r.Next() {
		p := portico.PendingDelivery{Endpoint: ep}
		var attempts int64
		if err := r.Scan(&p.Event.Seq, &p.Event.CustomerID, &attempts, &p.Body); err != nil {
			return nil, err
		}
		p.Attempts = int(attempts)
		if err := json.Unmarshal(p.Body, &p.Event); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, r.Err()
}

// DeliverySucceeded implements portico.EventTx.
func (t *Tx) DeliverySucceeded(endpointID string, seq int64, statusCode int, at time.Time) error {
	if err := t.exec(`UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, last_status_code = ?,
		last_error = '', delivered_at = ?, lease_until = 0, lease_owner = '', is_head = 0 WHERE endpoint_id = ? AND seq = ?`,
		statusCode, at.UnixNano(), endpointID, seq); err != nil {
		return err
	}
	if err := t.nextHead(endpointID, seq); err != nil {
		return err
	}
	return t.exec(`UPDATE webhook_endpoints SET failing_since = 0 WHERE id = ? AND failing_since <> 0`, endpointID)
}

// DeliveryFailed implements portico.EventTx.
func (t *Tx) DeliveryFailed(endpointID string, seq int64, statusCode int, reason string, at, next time.Time) error {
	status, nextAt := string(portico.DeliveryPending), next.UnixNano()
	if next.IsZero() {
		status, nextAt = string(portico.DeliveryFailed), 0
	}
	if err := t.exec(`UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, last_status_code = ?,
		last_error = ?, next_attempt_at = ?, lease_until = 0, lease_owner = '' WHERE endpoint_id = ? AND seq = ?`,
		status, statusCode, truncate(reason, 500), nextAt, endpointID, seq); err != nil {
		return err
	}
	if next.IsZero() {
		if err := t.nextHead(endpointID, seq); err != nil {
			return err
		}
	}
	return t.exec(`UPDATE webhook_endpoints SET failing_since = ? WHERE id = ? AND failing_since = 0`, at.UnixNano(), endpointID)
}

// nextHead makes the oldest pending delivery of the settled delivery's
// customer at the endpoint, if any, the head of their queue.
func (t *Tx) nextHead(endpointID string, settled int64) error {
	return t.exec(`UPDATE webhook_deliveries SET is_head = 1 WHERE endpoint_id = ? AND seq = (
		SELECT MIN(p.seq) FROM webhook_deliveries p WHERE p.endpoint_id = ? AND p.status = 'pending'
		AND p.customer_id = (SELECT s.customer_id FROM webhook_deliveries s WHERE s.endpoint_id = ? AND s.seq = ?))`,
		endpointID, endpointID, endpointID, settled)
}

// RetryDelivery implements portico.EventTx. The delivery becomes pending
// and due again, and the head of its customer's queue: it is older than
// whatever of theirs waits.
func (t *Tx) RetryDelivery(endpointID, eventID string, now time.Time) error {
	var seq, leaseUntil int64
	var customerID, status string
	err := t.queryRow(`SELECT d.seq, d.customer_id, d.status, d.lease_until FROM webhook_deliveries d JOIN events e ON e.seq = d.seq
		WHERE d.endpoint_id = ? AND e.id = ?`, endpointID, eventID).Scan(&seq, &customerID, &status, &leaseUntil)
	if errors.Is(err, sqlconn.ErrNoRows) {
		return portico.ErrNotFound
	}
	if err != nil {
		return err
	}
	if status == string(portico.DeliveryPending) && leaseUntil > now.UnixNano() {
		return portico.Conflict("the delivery of event %s is being posted; try again once the attempt is recorded", eventID)
	}
	if err := t.exec(`UPDATE webhook_deliveries SET is_head = 0 WHERE endpoint_id = ? AND customer_id = ? AND status = 'pending'
		AND is_head = 1 AND seq > ?`, endpointID, customerID, seq); err != nil {
		return err
	}
	// A head that stays (an older one of theirs is pending) keeps its place.
	return t.exec(`UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = 0, lease_until = 0, lease_owner = '',
		is_head = CASE WHEN EXISTS (SELECT 1 FROM webhook_deliveries p WHERE p.endpoint_id = ? AND p.customer_id = ?
			AND p.status = 'pending' AND p.seq < ?) THEN 0 ELSE 1 END
		WHERE endpoint_id = ? AND seq = ?`, endpointID, customerID, seq, endpointID, seq)
}

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
