package server_test

import (
	"net/http"
	"testing"

	portico "github.com/portico-dev/portico"
)

// The demo catalog's platform plans: members on graduated tiers (1–50 at
// $10, 51 and above at $8) and requests by usage (10,000 included, $0.50 a
// block of 1,000, a $50 monthly minimum).
const (
	platformTeam  = "platform-team"
	platformScale = "platform-scale"
)

func TestSeatsAreChosenPreviewedAndChangedThroughThePortal(t *testing.T) {
	h := newHarness(t)
	h.createCustomer("dora", true)
	tok := h.session("dora", "", "")

	expectProblem(t, h.portal(tok, http.MethodPost, "/api/v1/portal/preview", M{"planId": platformTeam}),
		http.StatusUnprocessableEntity, "quantities.members")
	expectProblem(t, h.portal(tok, http.MethodPost, "/api/v1/portal/preview", M{"planId": platformTeam, "quantities": M{"members": 501}}),
		http.StatusUnprocessableEntity, "quantities.members")
	expectProblem(t, h.portal(tok, http.MethodPost, "/api/v1/portal/subscriptions", M{"planId": platformTeam, "quantities": M{"members": -1}}),
		http.StatusUnprocessableEntity, "quantities.members")

	// 60 members: 50 × $10 + 10 × $8 = $580, a line per tier.
	req := M{"planId": platformTeam, "quantities": M{"members": 60}}
	pv := decodeAs[portico.Preview](t, h.portal(tok, http.MethodPost, "/api/v1/portal/preview", req))
	if pv.AmountDueNow.Amount != 58000 || len(pv.Lines) != 2 || pv.Lines[0].Amount != 50000 || pv.Lines[1].Amount != 8000 {
		t.Fatalf("preview = %+v, want 58000 due in two tier lines", pv)
	}
	r := h.portal(tok, http.MethodPost, "/api/v1/portal/subscriptions", req)
	expectStatus(t, r, http.StatusOK)
	res := decodeAs[portico.ChangeResult](t, r)
	if res.Subscription.Quantities["members"] != 60 || res.Subscription.Total.Amount != 58000 {
		t.Errorf("subscription = %+v, want 60 members for 58000", res.Subscription)
	}
	ents := decodeAs[[]portico.EntitlementView](t, h.backend(http.MethodGet, "/api/v1/customers/dora/entitlements", nil))
	if e := findEnt(ents, "members"); e == nil || e.Limit != 60 {
		t.Errorf("members entitlement = %+v, want a limit of 60", e)
	}
	v := h.portalView("dora")
	if len(v.Invoices) == 0 || len(v.Invoices[0].Lines) != 2 {
		t.Errorf("invoices = %+v, want the first with its two tier lines", v.Invoices)
	}
}

func TestUpcomingInvoicePricesUsageSoFar(t *testing.T) {
	h := newHarness(t)
	h.createCustomer("ivan", true)
	sub := h.change("ivan", M{"planId": platformScale}).Subscription
	expectStatus(t, h.backend(http.MethodPost, "/api/v1/usage", M{"customerId": "ivan", "featureId": "requests", "value": 123400}), http.StatusOK)

	// 113,400 beyond the 10,000 included are 114 started blocks at $0.50.
	backend := decodeAs[portico.UpcomingInvoice](t, h.backend(http.MethodGet, "/api/v1/customers/ivan/upcoming-invoice?subscriptionId="+sub.ID, nil))
	if backend.Total != 5700 || !backend.Estimated || !backend.Date.Equal(sub.CurrentPeriodEnd) || len(backend.Lines) != 1 {
		t.Errorf("upcoming invoice = %+v, want an estimated 5700 on %v in one line", backend, sub.CurrentPeriodEnd)
	}
	tok := h.session("ivan", "platform", "")
	portal := decodeAs[portico.UpcomingInvoice](t, h.portal(tok, http.MethodGet, "/api/v1/portal/upcoming-invoice", nil))
	if portal.SubscriptionID != sub.ID || portal.Total != backend.Total {
		t.Errorf("portal upcoming invoice = %+v, want the backend's %+v", portal, backend)
	}
	ents := decodeAs[[]portico.EntitlementView](t, h.backend(http.MethodGet, "/api/v1/customers/ivan/entitlements", nil))
	if e := findEnt(ents, "requests"); e == nil || !e.SoftLimit || !e.HasAccess || e.Usage != 123400 {
		t.Errorf("requests entitlement = %+v, want access kept past the included units", e)
	}
	expectProblem(t, h.backend(http.MethodGet, "/api/v1/customers/ivan/upcoming-invoice?subscriptionId=nope", nil), http.StatusNotFound)
	if nb := h.portalView("ivan").NextBill; nb == nil || nb.Amount != 5700 || !nb.Date.Equal(sub.CurrentPeriodEnd) {
		t.Errorf("next bill = %+v, want the usage so far, 5700, at the period's end", nb)
	}
}

func findEnt(ents []portico.EntitlementView, featureID string) *portico.EntitlementView {
	for i := range ents {
		if ents[i].FeatureID == featureID {
			return &ents[i]
		}
	}
	return nil
}
