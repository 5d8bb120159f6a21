// Package components is Portico's go-app component library: a provider
// that loads a customer's portal once and shares it, the opinionated
// CustomerPortal layout, standalone sections usable in any layout, and the
// Paywall with its confirm step. It compiles to WebAssembly and renders on
// the server for the first paint; it never imports server code.
package components

import (
	"context"
	"errors"

	portico "github.com/portico-dev/portico"
)

// Source is where the components get and change portal data: the portal
// API through the browser's fetch in the client, the engine directly when
// the server prerenders.
type Source interface {
	Portal(ctx context.Context) (*portico.PortalView, error)
	Paywall(ctx context.Context, productID, billingPeriod string) (*portico.PaywallView, error)
	Preview(ctx context.Context, req portico.ChangeRequest) (*portico.Preview, error)
	Change(ctx context.Context, req portico.ChangeRequest) (*portico.ChangeResult, error)
	Cancel(ctx context.Context, subscriptionID string) (*portico.CancelResult, error)
	CancelScheduled(ctx context.Context, subscriptionID string) (*portico.SubscriptionView, error)
	BillingSession(ctx context.Context, flow string) (*portico.BillingSession, error)
}

// APIError is a failed call's problem, as the API answered it.
type APIError struct {
	Status int
	Title  string
	Detail string
	Fields []portico.FieldError
}

func (e *APIError) Error() string {
	if e.Detail != "" {
		return e.Detail
	}
	return e.Title
}

// HTTP statuses the components act on, spelled here so the wasm client
// does not import net/http for two numbers.
const (
	statusUnauthorized = 401
	statusConflict     = 409
)

// statusOf returns the HTTP status of a failed call, or 0.
// titleOf is an API error's title, "" for other errors.
func titleOf(err error) string {
	var e *APIError
	if errors.As(err, &e) {
		return e.Title
	}
	return ""
}

func statusOf(err error) int {
	var e *APIError
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}
