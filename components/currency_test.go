package components

import (
	"encoding/json"
	"strings"
	"testing"
)

// inCurrency is v with every amount's currency turned to currency, as the
// server sends a customer who pays in it.
func inCurrency[T any](t *testing.T, v *T, currency string) *T {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	b = []byte(strings.ReplaceAll(string(b), `"currency":"usd"`, `"currency":"`+currency+`"`))
	var out T
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

// The overview and the paywall show money in the currency the data gives:
// a customer in euros reads euros everywhere, never a dollar sign.
func TestOverviewAndPaywallShowTheCustomersCurrency(t *testing.T) {
	src := &fakeSource{portal: inCurrency(t, demoPortal(), "eur"), paywall: inCurrency(t, demoPaywall(), "eur")}
	h := mount(t, withNotices(src, NewSubscriptionOverview(), NewPaywall()))
	h.contains("€48.00 / month", "Next bill: €48.00 on Dec 21, 2026")
	if got := h.textOf("portico-pro", "portico-plan-price"); got != "€29.00 / month billed monthly" {
		t.Errorf("Pro's price %q, want it in euros", got)
	}
	h.click("portico-billing-period-toggle", "=Annually")
	if got := h.textOf("portico-basic", "portico-plan-price"); got != "€90.00 / year billed annually" {
		t.Errorf("Basic's annual price %q, want it in euros", got)
	}
	h.lacks("$")
}
