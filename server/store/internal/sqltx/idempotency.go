package sqltx

import (
	"errors"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/store/internal/sqlconn"
)

// Idempotency implements portico.IdempotencyTx.
func (t *Tx) Idempotency(scope, key string, createdAfter time.Time) (*portico.IdempotencyRecord, error) {
	r := portico.IdempotencyRecord{Scope: scope, Key: key}
	var created int64
	err := t.queryRow(`SELECT principal, request_hash, status, body, created_at FROM idempotency
		WHERE scope = ? AND key = ? AND created_at > ?`, scope, key, createdAfter.UnixNano()).
		Scan(&r.Principal, &r.RequestHash, &r.Status, &r.Body, &created)
	if errors.Is(err, sqlconn.ErrNoRows) {
		return nil, portico.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	r.CreatedAt = time.Unix(0, created).UTC()
	return &r, nil
}

// PutIdempotency implements portico.IdempotencyTx.
func (t *Tx) PutIdempotency(r *portico.IdempotencyRecord) error {
	return t.exec(`INSERT INTO idempotency (scope, key, principal, request_hash, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (scope, key) DO UPDATE SET principal = excluded.principal, request_hash = excluded.request_hash,
		status = excluded.status, body = excluded.body, created_at = excluded.created_at`,
		r.Scope, r.Key, r.Principal, r.RequestHash, r.Status, r.Body, r.CreatedAt.UnixNano())
}

// DeleteIdempotency implements portico.IdempotencyTx.
func (t *Tx) DeleteIdempotency(scope, key string) error {
	return t.exec(`DELETE FROM idempotency WHERE scope = ? AND key = ?`, scope, key)
}

// IdempotencyHeld implements portico.IdempotencyTx.
func (t *Tx) IdempotencyHeld(principal string, createdAfter time.Time) (int, time.Time, error) {
	var n int
	var oldest *int64 // NULL when the principal holds none
	err := t.queryRow(`SELECT COUNT(*), MIN(created_at) FROM idempotency WHERE principal = ? AND created_at > ?`,
		principal, createdAfter.UnixNano()).Scan(&n, &oldest)
	if err != nil || oldest == nil {
		return n, time.Time{}, err
	}
	return n, time.Unix(0, *oldest).UTC(), nil
}

// PruneIdempotency implements portico.IdempotencyTx a batch at a time, so
// that pruning never holds the store's one writer (SQLite's connection,
// PostgreSQL's write lock, which every replica's writes wait for) for long.
func (t *Tx) PruneIdempotency(createdUpTo time.Time, limit int) (int, error) {
	n, err := t.conn.Exec(t.ctx, `DELETE FROM idempotency WHERE (scope, key) IN
		(SELECT scope, key FROM idempotency WHERE created_at <= ? LIMIT ?)`, createdUpTo.UnixNano(), limit)
	return int(n), err
}
