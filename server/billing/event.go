package billing

import (
	"context"
	"time"

	portico "github.com/portico-dev/portico"
)

// EventType is what happened at the billing provider.
type EventType string

// Event types Portico acts on. Providers translate their own events into
// these and acknowledge the rest without passing them on.
const (
	// EventCheckoutCompleted: a checkout finished; its subscription is live
	// at the provider (Status is the payment status: "paid",
	// "no_payment_required" or "unpaid" for slower payment methods).
	EventCheckoutCompleted EventType = "checkout.completed"
	// EventSubscriptionUpdated: the provider's subscription changed (status,
	// items, cancellation), possibly through the provider's own portal.
	EventSubscriptionUpdated EventType = "subscription.updated"
	// EventSubscriptionDeleted: the provider's subscription ended.
	EventSubscriptionDeleted EventType = "subscription.deleted"
	// EventInvoicePaid: an invoice was paid.
	EventInvoicePaid EventType = "invoice.paid"
	// EventInvoicePaymentFailed: collecting an invoice failed; the portal
	// shows a past-due banner until a later EventInvoicePaid.
	EventInvoicePaymentFailed EventType = "invoice.payment_failed"
	// EventBillingUpdated: the customer's payment method or billing details
	// changed; what the portal shows should be refreshed.
	EventBillingUpdated EventType = "billing.updated"
)

// Event is a provider event in Portico's terms.
type Event struct {
	// ID is the provider's event ID, unique per event (replays share it).
	ID   string
	Type EventType
	// CustomerID is the Portico customer the event is about.
	CustomerID string
	// SubscriptionID is the Portico subscription the event is about, when
	// there is one and it is known.
	SubscriptionID string
	// ProviderSubscriptionID is the provider's own subscription the event
	// is about: on a completed checkout, the one the checkout created,
	// which the handler records as mirroring SubscriptionID (Sync.Adopt)
	// in the transaction that applies the change.
	ProviderSubscriptionID string
	// Status is the provider's status of the subscription (e.g. "active",
	// "past_due", "canceled"), of the invoice, or of the checkout's payment.
	Status string
	// CancelAtPeriodEnd and CurrentPeriodEnd describe a subscription.
	CancelAtPeriodEnd bool
	CurrentPeriodEnd  time.Time
	// Items are a subscription's paid lines.
	Items []Item
	// Invoice is set on invoice events.
	Invoice *portico.Invoice
	// Metadata is the checkout's (see Checkout.Metadata).
	Metadata map[string]string
	// Created is when the provider created the event.
	Created time.Time
}

// EventHandler acts on an event. It should be quick (the provider waits for
// the answer) and idempotent; an error makes the provider deliver the event
// again later.
type EventHandler func(ctx context.Context, ev Event) error
