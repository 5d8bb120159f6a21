// Package components is Portico's go-app component library: a provider
// that loads a customer's portal once and shares it, the opinionated
// CustomerPortal layout, standalone sections usable in any layout, and the
// Paywall with its confirm step. It compiles to WebAssembly and renders on
// the server for the first paint; it never imports server code.
package components

import (
	"errors"

	portico "github.com/portico-dev/portico"
)

// Source is where the components get and change portal data: the portal
// API through the browser's fetch in the client, the engine directly when
// the server prerenders. It is the domain's PortalSource, named here for
// hosts that compose the components.
type Source = portico.PortalSource

// APIError is a failed call's problem, as the API answered it.
type APIError = portico.Problem

// HTTP statuses the components act on, spelled here so the wasm client
// does not import net/http for two numbers.
const (
	statusUnauthorized = 401
	statusConflict     = 409
)

// titleOf is an API error's title, "" for other errors.
func titleOf(err error) string {
	var e *APIError
	if errors.As(err, &e) {
		return e.Title
	}
	return ""
}

// statusOf returns the HTTP status of a failed call, or 0.
func statusOf(err error) int {
	var e *APIError
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}
