package server_test

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/testkit"
	"github.com/portico-dev/portico/server/billing/stripemock"
)

// itemPrice is a subscription item's price in a form sent to Stripe.
var itemPrice = regexp.MustCompile(`^items\[\d+\]\[price\]$`)

// sentPrices are the Stripe prices of the items in the calls, in order.
func sentPrices(calls []stripemock.Call) []string {
	var out []string
	for _, c := range calls {
		keys := make([]string, 0, len(c.Form))
		for k := range c.Form {
			if itemPrice.MatchString(k) {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			out = append(out, c.Form.Get(k))
		}
	}
	return out
}

// subscriptionCalls are the calls creating or updating Stripe
// subscriptions.
func subscriptionCalls(sent *stripemock.Calls) []stripemock.Call {
	var out []stripemock.Call
	for _, c := range sent.All() {
		if c.Method == http.MethodPost && strings.HasPrefix(c.Path, "/v1/subscriptions") {
			out = append(out, c)
		}
	}
	return out
}

// A customer in euros is billed through the euro Stripe prices: starting
// a plan with an add-on creates a Stripe subscription of their euro
// prices, an upgrade moves it to the new plan's euro price, and a charged
// plan bills its euro tiers; a customer in dollars gets the dollar
// prices. A euro price without a Stripe price is refused before anything
// reaches Stripe, saying which currency lacks it.
func TestStripeBillsEachCurrencyThroughItsOwnPrices(t *testing.T) {
	t.Parallel()
	api := stripemock.Start(t)
	rec, sent := stripemock.Recording(t, api)
	h := newHarness(t, withStripe(t, rec))

	h.createCustomerIn("eve", "eur", false)
	h.change("eve", M{"planId": planBasic, "addons": []M{{"id": addonSeats, "quantity": 1}}})
	if got := sentPrices(subscriptionCalls(sent)); !slices.Equal(got, []string{"price_basic_monthly_eur", "price_extra_seats_monthly_eur"}) {
		t.Errorf("starting basic in euros sent items %v, want basic's and the extra seat's euro prices", got)
	}
	before := len(subscriptionCalls(sent))
	h.change("eve", M{"planId": planPro, "addons": []M{{"id": addonSeats, "quantity": 1}}})
	if got := sentPrices(subscriptionCalls(sent)[before:]); !slices.Contains(got, "price_pro_monthly_eur") || hasDollarPrice(got) {
		t.Errorf("upgrading to pro in euros sent items %v, want pro's euro price and no dollar one", got)
	}

	before = len(subscriptionCalls(sent))
	h.createCustomerIn("dan", "eur", false)
	h.change("dan", M{"planId": "platform-team", "quantities": M{"members": 12}})
	if got := sentPrices(subscriptionCalls(sent)[before:]); !slices.Equal(got, []string{"price_platform_members_monthly_eur"}) {
		t.Errorf("Team in euros sent items %v, want the members' euro price", got)
	}

	before = len(subscriptionCalls(sent))
	h.createCustomer("ada", false)
	h.change("ada", M{"planId": planBasic})
	if got := sentPrices(subscriptionCalls(sent)[before:]); !slices.Equal(got, []string{"price_basic_monthly"}) {
		t.Errorf("basic in dollars sent items %v, want basic's dollar price", got)
	}

	cat := testkit.DemoCatalog(t)
	for i, pr := range cat.Plans[1].Prices {
		if pr.Currency == "eur" {
			cat.Plans[1].Prices[i].StripePriceID = ""
		}
	}
	expectStatus(t, h.backend(http.MethodPut, "/api/v1/catalog", cat), http.StatusOK)
	h.createCustomerIn("fay", "eur", false)
	before = len(sent.All())
	p := expectProblem(t, h.backend(http.MethodPost, "/api/v1/customers/fay/subscriptions", M{"planId": planBasic}), http.StatusConflict)
	if !strings.Contains(p.Detail, "stripePriceId") || !strings.Contains(p.Detail, "eur") {
		t.Errorf("refusal %q does not say the euro price lacks a Stripe price", p.Detail)
	}
	if calls := sent.All()[before:]; len(calls) != 0 {
		t.Errorf("a refused change reached Stripe: %+v", calls)
	}
}

func hasDollarPrice(prices []string) bool {
	return slices.ContainsFunc(prices, func(p string) bool { return !strings.HasSuffix(p, "_eur") })
}
