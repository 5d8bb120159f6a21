package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	portico "github.com/portico-dev/portico"
)

// The billing provider's links and webhook events (billing.Store). Each
// call is its own short transaction: they come from provider calls and
// webhooks, outside any API transaction.

// conn is what a billing call runs on: the transaction its context is
// bound to (a change in progress), else the store's own pools.
type conn interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *Store) reader(ctx context.Context) conn {
	if t := txOf(ctx); t != nil {
		return t.tx
	}
	return s.read
}

func (s *Store) lookup(ctx context.Context, query, arg string) (string, error) {
	var v string
	err := s.reader(ctx).QueryRowContext(ctx, query, arg).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", portico.ErrNotFound
	}
	return v, err
}

// ProviderCustomer returns the provider's customer ID of a customer.
func (s *Store) ProviderCustomer(ctx context.Context, customerID string) (string, error) {
	return s.lookup(ctx, `SELECT provider_customer_id FROM billing_customers WHERE customer_id = ?`, customerID)
}

// CustomerOf returns the customer a provider's customer stands for.
func (s *Store) CustomerOf(ctx context.Context, providerCustomerID string) (string, error) {
	return s.lookup(ctx, `SELECT customer_id FROM billing_customers WHERE provider_customer_id = ?`, providerCustomerID)
}

// LinkCustomer links a customer to the provider's, replacing any link of
// either: a provider customer stands for one Portico customer.
func (s *Store) LinkCustomer(ctx context.Context, customerID, providerCustomerID string) error {
	return s.link(ctx, "billing_customers", "customer_id", "provider_customer_id", customerID, providerCustomerID)
}

// link records a one-to-one link in table: in the transaction ctx is
// bound to, else in one of its own.
func (s *Store) link(ctx context.Context, table, ours, theirs, id, providerID string) error {
	write := func(c conn) error {
		if _, err := c.ExecContext(ctx, `DELETE FROM `+table+` WHERE `+theirs+` = ? AND `+ours+` != ?`, providerID, id); err != nil {
			return err
		}
		_, err := c.ExecContext(ctx, `INSERT INTO `+table+` (`+ours+`, `+theirs+`) VALUES (?, ?)
			ON CONFLICT (`+ours+`) DO UPDATE SET `+theirs+` = excluded.`+theirs, id, providerID)
		return err
	}
	if t := txOf(ctx); t != nil {
		return write(t.tx)
	}
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := write(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// ProviderSubscription returns the provider's subscription ID of one.
func (s *Store) ProviderSubscription(ctx context.Context, subscriptionID string) (string, error) {
	return s.lookup(ctx, `SELECT provider_subscription_id FROM billing_subscriptions WHERE subscription_id = ?`, subscriptionID)
}

// SubscriptionOf returns the subscription a provider's one mirrors.
func (s *Store) SubscriptionOf(ctx context.Context, providerSubscriptionID string) (string, error) {
	return s.lookup(ctx, `SELECT subscription_id FROM billing_subscriptions WHERE provider_subscription_id = ?`, providerSubscriptionID)
}

// LinkSubscription links a subscription to the provider's, replacing any
// link of either.
func (s *Store) LinkSubscription(ctx context.Context, subscriptionID, providerSubscriptionID string) error {
	return s.link(ctx, "billing_subscriptions", "subscription_id", "provider_subscription_id", subscriptionID, providerSubscriptionID)
}

// RecordEvent records a webhook event and reports whether it is new; the
// primary key makes concurrent deliveries of one event see one "new".
func (s *Store) RecordEvent(ctx context.Context, eventID string) (bool, error) {
	res, err := s.write.ExecContext(ctx, `INSERT INTO billing_events (id, received_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`,
		eventID, time.Now().UnixNano())
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ForgetEvent removes a recorded event, so its next delivery is handled.
func (s *Store) ForgetEvent(ctx context.Context, eventID string) error {
	_, err := s.write.ExecContext(ctx, `DELETE FROM billing_events WHERE id = ?`, eventID)
	return err
}
