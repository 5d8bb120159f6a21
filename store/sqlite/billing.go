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

func (s *Store) lookup(ctx context.Context, query, arg string) (string, error) {
	var v string
	err := s.read.QueryRowContext(ctx, query, arg).Scan(&v)
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

// LinkCustomer links a customer to the provider's, replacing any link.
func (s *Store) LinkCustomer(ctx context.Context, customerID, providerCustomerID string) error {
	_, err := s.write.ExecContext(ctx, `INSERT INTO billing_customers (customer_id, provider_customer_id) VALUES (?, ?)
		ON CONFLICT (customer_id) DO UPDATE SET provider_customer_id = excluded.provider_customer_id`, customerID, providerCustomerID)
	return err
}

// ProviderSubscription returns the provider's subscription ID of one.
func (s *Store) ProviderSubscription(ctx context.Context, subscriptionID string) (string, error) {
	return s.lookup(ctx, `SELECT provider_subscription_id FROM billing_subscriptions WHERE subscription_id = ?`, subscriptionID)
}

// SubscriptionOf returns the subscription a provider's one mirrors.
func (s *Store) SubscriptionOf(ctx context.Context, providerSubscriptionID string) (string, error) {
	return s.lookup(ctx, `SELECT subscription_id FROM billing_subscriptions WHERE provider_subscription_id = ?`, providerSubscriptionID)
}

// LinkSubscription links a subscription to the provider's, replacing any.
func (s *Store) LinkSubscription(ctx context.Context, subscriptionID, providerSubscriptionID string) error {
	_, err := s.write.ExecContext(ctx, `INSERT INTO billing_subscriptions (subscription_id, provider_subscription_id) VALUES (?, ?)
		ON CONFLICT (subscription_id) DO UPDATE SET provider_subscription_id = excluded.provider_subscription_id`, subscriptionID, providerSubscriptionID)
	return err
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
