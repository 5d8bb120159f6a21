package server_test

import (
	"net/http"
	"testing"

	portico "github.com/portico-dev/portico"
)

func TestConsoleCountsTheSubscriptionsOnAPrice(t *testing.T) {
	h := newHarness(t)
	c := h.signIn(secretKey)
	for _, id := range []string{"ada", "bob", "cy", "dee"} {
		h.createCustomer(id, true)
	}
	h.change("ada", portico.ChangeRequest{PlanID: planPro, BillingPeriod: portico.Monthly,
		Addons: []portico.AddonQuantity{{ID: addonSeats, Quantity: 2}}})
	h.change("bob", portico.ChangeRequest{PlanID: planPro, BillingPeriod: portico.Annually})
	// cy is on Pro monthly, past its trial, with a downgrade to Basic
	// scheduled (the demo's downgrades wait for the period's end).
	h.change("cy", portico.ChangeRequest{PlanID: planPro, BillingPeriod: portico.Monthly})
	h.advance(map[string]string{"by": "15d"})
	if r := h.change("cy", portico.ChangeRequest{PlanID: planBasic, BillingPeriod: portico.Monthly}); r.Preview.Effective != portico.EndOfPeriod {
		t.Fatalf("cy's downgrade is %s, want scheduled for the period's end", r.Preview.Effective)
	}
	// dee stays on the free plan; eve pays Pro monthly in euros.
	h.createCustomerIn("eve", "eur", true)
	h.change("eve", portico.ChangeRequest{PlanID: planPro, BillingPeriod: portico.Monthly})

	for _, tc := range []struct {
		path string
		want portico.PriceHolders
	}{
		{"/console/api/plans/pro/price-holders?billingPeriod=monthly",
			portico.PriceHolders{PlanID: planPro, BillingPeriod: portico.Monthly, Subscriptions: 3, Customers: 3}},
		{"/console/api/plans/pro/price-holders?billingPeriod=monthly&currency=usd",
			portico.PriceHolders{PlanID: planPro, BillingPeriod: portico.Monthly, Currency: "usd", Subscriptions: 2, Customers: 2}},
		{"/console/api/plans/pro/price-holders?billingPeriod=monthly&currency=eur",
			portico.PriceHolders{PlanID: planPro, BillingPeriod: portico.Monthly, Currency: "eur", Subscriptions: 1, Customers: 1}},
		{"/console/api/plans/pro/price-holders?billingPeriod=annually",
			portico.PriceHolders{PlanID: planPro, BillingPeriod: portico.Annually, Subscriptions: 1, Customers: 1}},
		{"/console/api/plans/basic/price-holders?billingPeriod=monthly",
			portico.PriceHolders{PlanID: planBasic, BillingPeriod: portico.Monthly, Subscriptions: 1, Scheduled: 1, Customers: 1}},
		{"/console/api/plans/basic/price-holders?billingPeriod=annually",
			portico.PriceHolders{PlanID: planBasic, BillingPeriod: portico.Annually}},
		{"/console/api/addons/extra-seats/price-holders?billingPeriod=monthly",
			portico.PriceHolders{AddonID: addonSeats, BillingPeriod: portico.Monthly, Subscriptions: 1, Customers: 1}},
		{"/console/api/addons/extra-seats/price-holders?billingPeriod=annually",
			portico.PriceHolders{AddonID: addonSeats, BillingPeriod: portico.Annually}},
	} {
		r := h.do(http.MethodGet, tc.path, "", nil, cookieHeader(c)...)
		expectStatus(t, r, http.StatusOK)
		if got := decodeAs[portico.PriceHolders](t, r); got != tc.want {
			t.Errorf("%s = %+v, want %+v", tc.path, got, tc.want)
		}
	}

	expectProblem(t, h.do(http.MethodGet, "/console/api/plans/pro/price-holders?billingPeriod=weekly", "", nil, cookieHeader(c)...),
		http.StatusUnprocessableEntity, "billingPeriod")
	expectProblem(t, h.do(http.MethodGet, "/console/api/plans/pro/price-holders", "", nil, cookieHeader(c)...),
		http.StatusUnprocessableEntity, "billingPeriod")
	expectStatus(t, h.do(http.MethodGet, "/console/api/plans/gold/price-holders?billingPeriod=monthly", "", nil, cookieHeader(c)...),
		http.StatusNotFound)
	expectStatus(t, h.do(http.MethodGet, "/console/api/addons/pro/price-holders?billingPeriod=monthly", "", nil, cookieHeader(c)...),
		http.StatusNotFound)
}
