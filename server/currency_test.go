package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
)

// The demo catalog sells Acme Cloud and Acme Platform in dollars and
// euros, Acme Sites in dollars only. Euro prices, in cents.
const (
	basicEUR      = 800
	proEUR        = 2700
	extraSeatsEUR = 450
)

func eur(amount int64) portico.Money { return portico.Money{Amount: amount, Currency: "eur"} }

// A customer created in euros sees the paywall, previews, changes and
// invoices in euros; a plan sold in dollars only is not offered to them
// and choosing it is refused naming planId.
func TestACustomerInEurosSeesChangesAndIsInvoicedInEuros(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.createCustomerIn("eve", "eur", true)
	if c.Currency != "eur" || len(c.Subscriptions) != 1 || c.Subscriptions[0].Plan.ID != planFree {
		t.Fatalf("created %+v, want a customer in eur on acme's free plan", c)
	}
	tok := h.session("eve", "", "")
	if pv := h.portalView("eve"); pv.Customer.Currency != "eur" {
		t.Errorf("the portal's customer %+v, want currency eur", pv.Customer)
	}

	pw := decodeAs[portico.PaywallView](t, h.portal(tok, http.MethodGet, "/api/v1/portal/paywall?productId=acme", nil))
	prices := map[string]portico.Money{}
	for _, pl := range pw.Plans {
		if pl.Price != nil {
			prices[pl.ID] = *pl.Price
		}
	}
	if pw.Currency != "eur" || prices[planBasic] != eur(basicEUR) || prices[planPro] != eur(proEUR) {
		t.Errorf("acme's paywall in %q with prices %v, want basic and pro at their euro prices", pw.Currency, prices)
	}

	body := M{"planId": planBasic, "billingPeriod": "monthly", "addons": []M{{"id": addonSeats, "quantity": 1}}}
	preview := decodeAs[portico.Preview](t, h.portal(tok, http.MethodPost, "/api/v1/portal/preview", body))
	if preview.AmountDueNow != eur(basicEUR+extraSeatsEUR) {
		t.Errorf("preview due %+v, want 12.50 in euros", preview.AmountDueNow)
	}
	r := h.portal(tok, http.MethodPost, "/api/v1/portal/subscriptions", body)
	expectStatus(t, r, http.StatusOK)
	pv := h.portalView("eve")
	if len(pv.Invoices) != 1 || pv.Invoices[0].Total != basicEUR+extraSeatsEUR || pv.Invoices[0].Currency != "eur" {
		t.Errorf("invoices %+v, want one of 12.50 in euros", pv.Invoices)
	}
	if pv.NextBill == nil || pv.NextBill.Currency != "eur" || pv.NextBill.Amount != basicEUR+extraSeatsEUR {
		t.Errorf("next bill %+v, want 12.50 in euros", pv.NextBill)
	}
	up := decodeAs[portico.UpcomingInvoice](t, h.portal(tok, http.MethodGet, "/api/v1/portal/upcoming-invoice", nil))
	if up.Currency != "eur" || up.Total != basicEUR+extraSeatsEUR {
		t.Errorf("upcoming invoice %+v, want 12.50 in euros", up)
	}

	sitesWall := decodeAs[portico.PaywallView](t, h.portal(tok, http.MethodGet, "/api/v1/portal/paywall?productId=sites", nil))
	if len(sitesWall.Plans) != 0 || sitesWall.Currency != "eur" {
		t.Errorf("the sites paywall offers %+v in %q, want nothing: sites are sold in dollars only", sitesWall.Plans, sitesWall.Currency)
	}
	p := expectProblem(t, h.portal(tok, http.MethodPost, "/api/v1/portal/subscriptions", M{"planId": planStarter, "resourceId": "blog"}),
		http.StatusUnprocessableEntity, "planId")
	if !strings.Contains(p.Errors[0].Message, "eur") {
		t.Errorf("refusal %q does not say the customer's currency", p.Errors[0].Message)
	}
}

// PATCH /api/v1/customers/{id} changes the currency while nothing is
// billed in the old one (a free plan is not); a paid subscription in
// another currency is a 409 naming currency; a currency the catalog does
// not sell, or not written in lower case, is a 422.
func TestTheCurrencyChangesThroughTheBackendAPI(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	if c := h.createCustomer("ada", true); c.Currency != "usd" {
		t.Fatalf("a customer started on acme's free plan has currency %q, want acme's first, usd", c.Currency)
	}
	patch := func(body any) *response { return h.backend(http.MethodPatch, "/api/v1/customers/ada", body) }

	r := patch(M{"currency": "eur"})
	expectStatus(t, r, http.StatusOK)
	if c := decodeAs[portico.CustomerView](t, r); c.Currency != "eur" || h.customer("ada").Currency != "eur" {
		t.Errorf("after PATCH: %+v, want currency eur kept", c)
	}
	res := h.change("ada", M{"planId": planPro})
	if res.Subscription.Price != eur(proEUR) {
		t.Errorf("pro's trial is priced %+v, want its euro price", res.Subscription.Price)
	}
	expectProblem(t, patch(M{"currency": "usd"}), http.StatusConflict, "currency")
	expectProblem(t, patch(M{"currency": "gbp"}), http.StatusUnprocessableEntity, "currency")
	expectProblem(t, patch(M{"currency": "EUR"}), http.StatusUnprocessableEntity, "currency")
	expectProblem(t, patch(M{"locale": "fr"}), http.StatusUnprocessableEntity, "locale")
	expectProblem(t, h.backend(http.MethodPatch, "/api/v1/customers/nobody", M{"currency": "eur"}), http.StatusNotFound)
	expectProblem(t, h.backend(http.MethodPost, "/api/v1/customers", M{"id": "gil", "currency": "gbp"}),
		http.StatusUnprocessableEntity, "currency")
	if c := h.customer("ada"); c.Currency != "eur" {
		t.Errorf("refused changes left the currency %q", c.Currency)
	}
}

// A customer in euros on the Team plan is billed its euro tiers, and
// renews in euros on the test clock.
func TestEuroChargesRenewInEuros(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createCustomerIn("eve", "eur", true)
	// 12 members at the first tier's 9.00.
	res := h.change("eve", M{"planId": "platform-team", "quantities": M{"members": 12}})
	if res.Preview.AmountDueNow != eur(12*900) {
		t.Errorf("Team for 12 members: due %+v, want 108.00 in euros", res.Preview.AmountDueNow)
	}
	h.advance(M{"to": time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)})
	pv := h.portalView("eve")
	for _, inv := range pv.Invoices {
		if inv.Currency != "eur" || inv.Total != 12*900 {
			t.Errorf("invoice %+v, want 108.00 in euros", inv)
		}
	}
	if len(pv.Invoices) != 2 {
		t.Errorf("%d invoices, want the start's and the renewal's", len(pv.Invoices))
	}
}
