package stripebilling

import (
	"net/http"
	"strings"
)

// endpoint names a request's Stripe endpoint for the metrics: its path
// with each object ID as {id} ("/v1/subscription_items/{id}/usage_records"),
// so there are as many endpoints as the calls Portico makes, however many
// customers and subscriptions there are.
//
// Stripe's paths alternate a collection and an object's ID
// (/v1/customers/{id}/payment_methods), after a namespace when there is
// one (/v1/checkout/sessions/{id}). In an ID's place, a plain word is an
// action or a lookup (/v1/invoices/upcoming, /v1/customers/search); an ID
// always has an underscore after its prefix (cus_NffrFeUfNV2Hib).
func endpoint(r *http.Request) string {
	segments := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(segments) < 2 || segments[0] != "v1" {
		return "other"
	}
	idNext := false
	for i, s := range segments[1:] {
		switch {
		case !isWord(s, true):
			segments[i+1] = "{id}"
		case idNext && !isWord(s, false):
			segments[i+1] = "{id}"
		case !idNext && isNamespace(s):
			continue // a collection follows
		}
		idNext = !idNext
	}
	return "/" + strings.Join(segments, "/")
}

// isWord tells a name from an ID: lower-case letters (and underscores
// when allowed), shorter than the random part of an ID.
func isWord(s string, underscores bool) bool {
	if s == "" || len(s) >= 40 {
		return false
	}
	for word := range strings.SplitSeq(s, "_") {
		if len(word) >= 14 || (word != s && !underscores) {
			return false
		}
		for _, c := range word {
			if c < 'a' || c > 'z' {
				return false
			}
		}
	}
	return true
}

// isNamespace tells the groups of Stripe's API whose collections come
// after their name (/v1/billing_portal/sessions).
func isNamespace(s string) bool {
	switch s {
	case "apps", "billing", "billing_portal", "checkout", "climate", "entitlements", "financial_connections",
		"forwarding", "identity", "issuing", "radar", "reporting", "sigma", "tax", "terminal", "test_helpers", "treasury":
		return true
	}
	return false
}
