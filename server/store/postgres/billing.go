package postgres

import (
	"context"
	"errors"
	"hash/fnv"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/portico-dev/portico/server/store/internal/billinglinks"
	"github.com/portico-dev/portico/server/store/internal/sqlconn"
)

// The billing provider's links and webhook events (billing.Store), and the
// settings replicas share.

// links are the billing provider's links and webhook events on the pool,
// a link outside any transaction in a short one of its own.
func (s *Store) links() billinglinks.Links {
	return billinglinks.New(s.txs, conn{s.pool}, conn{s.pool}, s.inWriteTx)
}

// inWriteTx runs fn in a write transaction of its own, under the write
// lock: two replicas linking the same provider object one after the other,
// never interleaved.
func (s *Store) inWriteTx(ctx context.Context, fn func(sqlconn.Conn) error) error {
	return pgx.BeginFunc(ctx, s.pool, func(t pgx.Tx) error {
		if err := lockWrites(ctx, t); err != nil {
			return err
		}
		return fn(conn{t})
	})
}

// TryExclusive implements portico.Exclusive with a session advisory lock
// held on one connection while fn runs: a replica that dies closes the
// connection, and the lock goes with it.
func (s *Store) TryExclusive(ctx context.Context, name string, fn func(context.Context) error) (bool, error) {
	c, err := s.pool.Acquire(ctx)
	if err != nil {
		return false, err
	}
	defer c.Release()
	h := fnv.New32a()
	h.Write([]byte(name))
	key := int64(exclusiveLockKey) + int64(h.Sum32())
	var got bool
	if err := c.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&got); err != nil || !got {
		return false, err
	}
	defer unlockSession(ctx, c, key)
	return true, fn(ctx)
}

// Secret implements portico.SharedSecrets: the first replica to ask stores
// its value; every later one reads it.
func (s *Store) Secret(ctx context.Context, name string, generate func() string) (string, error) {
	key := "secret:" + name
	if _, err := s.pool.Exec(ctx, `INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, key, generate()); err != nil {
		return "", err
	}
	var v string
	err := s.pool.QueryRow(ctx, `SELECT value FROM settings WHERE name = $1`, key).Scan(&v)
	return v, err
}

const clockOffsetKey = "test_clock_offset_ns"

// ClockOffset implements portico.SharedClock.
func (s *Store) ClockOffset(ctx context.Context) (time.Duration, error) {
	var v string
	err := s.pool.QueryRow(ctx, `SELECT value FROM settings WHERE name = $1`, clockOffsetKey).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return time.Duration(n), err
}

// RaiseClockOffset implements portico.SharedClock: one statement, so two
// replicas advancing at once keep the later time.
func (s *Store) RaiseClockOffset(ctx context.Context, d time.Duration) (time.Duration, error) {
	var v string
	err := s.pool.QueryRow(ctx, `INSERT INTO settings (name, value) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET value = GREATEST(settings.value::bigint, excluded.value::bigint)::text
		RETURNING value`, clockOffsetKey, strconv.FormatInt(int64(d), 10)).Scan(&v)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return time.Duration(n), err
}
