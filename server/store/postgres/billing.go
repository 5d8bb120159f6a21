package postgres

import (
	"context"
	"errors"
	"hash/fnv"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	portico "github.com/portico-dev/portico"
)

// The billing provider's links and webhook events (billing.Store), and the
// settings replicas share. A call made with the context of a write
// transaction in progress joins it; any other is its own statement or
// short transaction.

// conn is what a call runs on: the transaction or the pool.
type conn interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func (s *Store) conn(ctx context.Context) conn {
	if t := txOf(ctx); t != nil {
		return t.tx
	}
	return s.pool
}

func (s *Store) lookup(ctx context.Context, query, arg string) (string, error) {
	var v string
	err := s.conn(ctx).QueryRow(ctx, query, arg).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", portico.ErrNotFound
	}
	return v, err
}

// ProviderCustomer returns the provider's customer ID of a customer.
func (s *Store) ProviderCustomer(ctx context.Context, customerID string) (string, error) {
	return s.lookup(ctx, `SELECT provider_customer_id FROM billing_customers WHERE customer_id = $1`, customerID)
}

// CustomerOf returns the customer a provider's customer stands for.
func (s *Store) CustomerOf(ctx context.Context, providerCustomerID string) (string, error) {
	return s.lookup(ctx, `SELECT customer_id FROM billing_customers WHERE provider_customer_id = $1`, providerCustomerID)
}

// LinkCustomer links a customer to the provider's, replacing any link of
// either.
func (s *Store) LinkCustomer(ctx context.Context, customerID, providerCustomerID string) error {
	return s.link(ctx, "billing_customers", "customer_id", "provider_customer_id", customerID, providerCustomerID)
}

// ProviderSubscription returns the provider's subscription ID of one.
func (s *Store) ProviderSubscription(ctx context.Context, subscriptionID string) (string, error) {
	return s.lookup(ctx, `SELECT provider_subscription_id FROM billing_subscriptions WHERE subscription_id = $1`, subscriptionID)
}

// SubscriptionOf returns the subscription a provider's one mirrors.
func (s *Store) SubscriptionOf(ctx context.Context, providerSubscriptionID string) (string, error) {
	return s.lookup(ctx, `SELECT subscription_id FROM billing_subscriptions WHERE provider_subscription_id = $1`, providerSubscriptionID)
}

// LinkSubscription links a subscription to the provider's, replacing any
// link of either.
func (s *Store) LinkSubscription(ctx context.Context, subscriptionID, providerSubscriptionID string) error {
	return s.link(ctx, "billing_subscriptions", "subscription_id", "provider_subscription_id", subscriptionID, providerSubscriptionID)
}

// link records a one-to-one link in table.
func (s *Store) link(ctx context.Context, table, ours, theirs, id, providerID string) error {
	write := func(c conn) error {
		if _, err := c.Exec(ctx, `DELETE FROM `+table+` WHERE `+theirs+` = $1 AND `+ours+` != $2`, providerID, id); err != nil {
			return err
		}
		_, err := c.Exec(ctx, `INSERT INTO `+table+` (`+ours+`, `+theirs+`) VALUES ($1, $2)
			ON CONFLICT (`+ours+`) DO UPDATE SET `+theirs+` = excluded.`+theirs, id, providerID)
		return err
	}
	if t := txOf(ctx); t != nil {
		return write(t.tx)
	}
	return pgx.BeginFunc(ctx, s.pool, func(t pgx.Tx) error {
		// The write lock: two replicas linking the same provider object
		// one after the other, never interleaved.
		if _, err := t.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(writeLockKey)); err != nil {
			return err
		}
		return write(t)
	})
}

// RecordEvent records a webhook event and reports whether it is new; the
// primary key makes concurrent deliveries to any replica see one "new".
func (s *Store) RecordEvent(ctx context.Context, eventID string) (bool, error) {
	tag, err := s.pool.Exec(ctx, `INSERT INTO billing_events (id, received_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`,
		eventID, time.Now().UnixNano())
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 1, nil
}

// ForgetEvent removes a recorded event, so its next delivery is handled.
func (s *Store) ForgetEvent(ctx context.Context, eventID string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM billing_events WHERE id = $1`, eventID)
	return err
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
