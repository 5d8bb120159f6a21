package components

import (
	"net/url"
	"strings"

	"github.com/portico-dev/portico/theme"
)

// defaultPrefix is the class prefix when none, or an invalid one, is set.
const defaultPrefix = "portico"

// ClassPrefix returns prefix when it is a valid class prefix — a lowercase
// letter, then up to 31 lowercase letters, digits or hyphens — else the
// default. A prefix lands in every class attribute and in the stylesheet's
// selectors, so nothing else is let through.
func ClassPrefix(prefix string) string {
	if len(prefix) == 0 || len(prefix) > 32 || prefix[0] < 'a' || prefix[0] > 'z' {
		return defaultPrefix
	}
	for _, c := range []byte(prefix[1:]) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return defaultPrefix
		}
	}
	return prefix
}

// SupportLink returns v when it is an absolute https: or http: URL or a
// mailto: address, else "": a support link is opened as the customer's
// next page, so no other scheme (javascript:, data:…) may reach it.
func SupportLink(v string) string {
	u, err := url.Parse(strings.TrimSpace(v))
	if err != nil {
		return ""
	}
	switch strings.ToLower(u.Scheme) {
	case "https", "http":
		if u.Host == "" {
			return ""
		}
	case "mailto":
		if u.Opaque == "" {
			return ""
		}
	default:
		return ""
	}
	return u.String()
}

// settings are the props a provider takes, which the CustomerPortal that
// wraps one passes on.
type settings struct {
	source     Source
	prefix     string
	locale     string
	texts      Texts
	theme      theme.Theme
	productID  string
	resourceID string
	supportURL string
	callbacks  Callbacks
	// checkoutReturn is set when the customer comes back from the billing
	// provider's checkout: the change applies when the provider confirms
	// the payment, which may take a moment.
	checkoutReturn bool
	// setupReturn is set when the customer comes back from adding a card
	// on the billing provider's page.
	setupReturn bool
}
