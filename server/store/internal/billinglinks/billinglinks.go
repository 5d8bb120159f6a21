// Package billinglinks keeps, for both SQL stores, what a billing provider
// needs kept (billing.Store): which of its objects stand for Portico's
// customers and subscriptions, both ways (webhooks name the provider's),
// and which webhook events were handled.
package billinglinks

import (
	"context"
	"errors"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/billing"
	"github.com/portico-dev/portico/server/store/internal/sqlconn"
	"github.com/portico-dev/portico/server/store/internal/sqltx"
)

// Links implements billing.Store on a store's connections. A link read or
// written with the context of the store's write transaction in progress (a
// provider call inside a change) joins it; any other call is a statement
// or a short transaction of its own.
type Links struct {
	txs           *sqltx.Config
	reads, events sqlconn.Conn
	inTx          sqlconn.InTx
}

var _ billing.Store = Links{}

// New keeps a store's links: txs finds the store's transaction a context
// is bound to; reads runs the lookups made outside a transaction; events
// records webhook events, never inside one; inTx runs a link made outside
// a transaction in a write transaction of the store's own.
func New(txs *sqltx.Config, reads, events sqlconn.Conn, inTx sqlconn.InTx) Links {
	return Links{txs: txs, reads: reads, events: events, inTx: inTx}
}

// ProviderCustomer returns the provider's customer ID of a customer.
func (l Links) ProviderCustomer(ctx context.Context, customerID string) (string, error) {
	return l.lookup(ctx, `SELECT provider_customer_id FROM billing_customers WHERE customer_id = ?`, customerID)
}

// CustomerOf returns the customer a provider's customer stands for.
func (l Links) CustomerOf(ctx context.Context, providerCustomerID string) (string, error) {
	return l.lookup(ctx, `SELECT customer_id FROM billing_customers WHERE provider_customer_id = ?`, providerCustomerID)
}

// LinkCustomer links a customer to the provider's, replacing any link of
// either: a provider customer stands for one Portico customer.
func (l Links) LinkCustomer(ctx context.Context, customerID, providerCustomerID string) error {
	return l.link(ctx, link{"billing_customers", "customer_id", "provider_customer_id"}, customerID, providerCustomerID)
}

// ProviderSubscription returns the provider's subscription ID of one.
func (l Links) ProviderSubscription(ctx context.Context, subscriptionID string) (string, error) {
	return l.lookup(ctx, `SELECT provider_subscription_id FROM billing_subscriptions WHERE subscription_id = ?`, subscriptionID)
}

// SubscriptionOf returns the subscription a provider's one mirrors.
func (l Links) SubscriptionOf(ctx context.Context, providerSubscriptionID string) (string, error) {
	return l.lookup(ctx, `SELECT subscription_id FROM billing_subscriptions WHERE provider_subscription_id = ?`, providerSubscriptionID)
}

// LinkSubscription links a subscription to the provider's, replacing any
// link of either.
func (l Links) LinkSubscription(ctx context.Context, subscriptionID, providerSubscriptionID string) error {
	return l.link(ctx, link{"billing_subscriptions", "subscription_id", "provider_subscription_id"}, subscriptionID, providerSubscriptionID)
}

// RecordEvent records a webhook event and reports whether it is new; the
// primary key makes concurrent deliveries of one event, to any replica,
// see one "new".
func (l Links) RecordEvent(ctx context.Context, eventID string) (bool, error) {
	n, err := l.events.Exec(ctx, `INSERT INTO billing_events (id, received_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`,
		eventID, time.Now().UnixNano())
	return n == 1, err
}

// ForgetEvent removes a recorded event, so its next delivery is handled.
func (l Links) ForgetEvent(ctx context.Context, eventID string) error {
	_, err := l.events.Exec(ctx, `DELETE FROM billing_events WHERE id = ?`, eventID)
	return err
}

// lookup reads one ID, or returns portico.ErrNotFound.
func (l Links) lookup(ctx context.Context, query, arg string) (string, error) {
	c := l.reads
	if t := l.txs.TxOf(ctx); t != nil {
		c = t.Conn()
	}
	var v string
	err := c.QueryRow(ctx, query, arg).Scan(&v)
	if errors.Is(err, sqlconn.ErrNoRows) {
		return "", portico.ErrNotFound
	}
	return v, err
}

// link is a table of one-to-one links: ours is Portico's ID, theirs the
// provider's.
type link struct{ table, ours, theirs string }

// link records a link: in the transaction ctx is bound to, else in one of
// the store's own.
func (l Links) link(ctx context.Context, k link, id, providerID string) error {
	write := func(c sqlconn.Conn) error {
		if _, err := c.Exec(ctx, `DELETE FROM `+k.table+` WHERE `+k.theirs+` = ? AND `+k.ours+` != ?`, providerID, id); err != nil {
			return err
		}
		_, err := c.Exec(ctx, `INSERT INTO `+k.table+` (`+k.ours+`, `+k.theirs+`) VALUES (?, ?)
			ON CONFLICT (`+k.ours+`) DO UPDATE SET `+k.theirs+` = excluded.`+k.theirs, id, providerID)
		return err
	}
	if t := l.txs.TxOf(ctx); t != nil {
		return write(t.Conn())
	}
	return l.inTx(ctx, write)
}
