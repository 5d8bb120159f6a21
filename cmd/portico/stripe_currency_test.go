package main

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/billing/stripemock"
)

// itemPrice matches a subscription item's price in a form sent to Stripe.
var itemPrice = regexp.MustCompile(`^items\[\d+\]\[price\]$`)

// pricesSentSince are the item prices of the subscription calls (creating
// or updating one) that reached stripe-mock after the first n calls.
func (s *stripeServer) pricesSentSince(n int) []string {
	var out []string
	for _, c := range s.sent.All()[n:] {
		if c.Method != http.MethodPost || !strings.HasPrefix(c.Path, "/v1/subscriptions") {
			continue
		}
		for k := range c.Form {
			if itemPrice.MatchString(k) {
				out = append(out, c.Form.Get(k))
			}
		}
	}
	slices.Sort(out)
	return out
}

// A customer created in euros, then put on a plan by the backend and moved
// to another from their portal, with Stripe connected, on SQLite and on
// PostgreSQL: the Stripe subscription is created from the euro Stripe
// prices and linked in the same transaction, and the portal's change
// sends the new plan's euro price. The demo's customer in euros started
// the same way.
func TestServeWithStripeBillsACustomerInEuros(t *testing.T) {
	api := stripemock.Start(t)
	onEachStore(t, func(t *testing.T) {
		s := serveWithStripe(t, api)
		links := stripeLinks(t)
		if got := s.customer("edsger"); got.Currency != "eur" || len(got.Subscriptions) != 1 || got.Subscriptions[0].Price.Currency != "eur" {
			t.Errorf("the demo's edsger: %+v, want a subscription in euros", got)
		}

		var eve portico.CustomerView
		s.expect(s.backend("POST", "/api/v1/customers", map[string]string{"id": "eve", "currency": "eur"}), http.StatusCreated, &eve)
		if eve.Currency != "eur" {
			t.Fatalf("created %+v, want currency eur", eve)
		}
		n := len(s.sent.All())
		var res portico.ChangeResult
		s.expect(s.backend("POST", "/api/v1/customers/eve/subscriptions", map[string]string{"planId": "basic"}), http.StatusOK, &res)
		if res.Subscription.Price != (portico.Money{Amount: 800, Currency: "eur"}) {
			t.Errorf("basic in euros costs %+v, want 8.00 in euros", res.Subscription.Price)
		}
		if got := s.pricesSentSince(n); !slices.Equal(got, []string{"price_basic_monthly_eur"}) {
			t.Errorf("starting basic sent items %v, want its euro price", got)
		}
		expectLinked(t, links, res.Subscription.ID, "")

		var ps portico.PortalSession
		s.expect(s.backend("POST", "/api/v1/portal-sessions", map[string]string{"customerId": "eve"}), http.StatusCreated, &ps)
		n = len(s.sent.All())
		if status := call(t, "POST", s.base+"/api/v1/portal/subscriptions", ps.Token, map[string]string{"planId": "pro"}, &res); status != http.StatusOK {
			t.Fatalf("moving to pro from the portal: %d", status)
		}
		if res.Subscription.Plan.ID != "pro" || res.Preview.AmountDueNow.Currency != "eur" {
			t.Errorf("moved to %s, due %+v; want pro, in euros", res.Subscription.Plan.ID, res.Preview.AmountDueNow)
		}
		if got := s.pricesSentSince(n); !slices.Contains(got, "price_pro_monthly_eur") || slices.Contains(got, "price_pro_monthly") {
			t.Errorf("the portal's upgrade sent items %v, want pro's euro price", got)
		}
	})
}
