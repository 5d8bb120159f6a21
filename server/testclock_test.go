package server_test

import (
	"net/http"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
)

func TestTestClockReadsAndAdvances(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.backend(http.MethodGet, "/api/v1/test-clock", nil)
	expectStatus(t, r, http.StatusOK)
	if v := decodeAs[portico.TestClockView](t, r); !v.Now.Equal(t0) {
		t.Fatalf("test clock reads %v, want %v", v.Now, t0)
	}
	if v := h.advance(M{"by": "720h"}); !v.Now.Equal(t0.Add(720*time.Hour)) || v.Applied != 0 {
		t.Fatalf("advance by 720h: %+v", v)
	}
	if v := h.advance(M{"by": "2d"}); !v.Now.Equal(t0.Add(768 * time.Hour)) {
		t.Fatalf("advance by 2d: %+v", v)
	}
	to := time.Date(2026, 3, 15, 12, 30, 0, 0, time.UTC)
	if v := h.advance(M{"to": to}); !v.Now.Equal(to) {
		t.Fatalf("advance to %v: %+v", to, v)
	}
	if v := decodeAs[portico.TestClockView](t, h.backend(http.MethodGet, "/api/v1/test-clock", nil)); !v.Now.Equal(to) {
		t.Fatalf("test clock reads %v after advancing, want %v", v.Now, to)
	}
	// The clock only moves forward.
	expectProblem(t, h.backend(http.MethodPost, "/api/v1/test-clock/advance", M{"to": to}), http.StatusUnprocessableEntity, "to")
	if !h.clock.Now().Equal(to) {
		t.Fatalf("a refused advance moved the clock to %v", h.clock.Now())
	}
}

func TestTestClockOffAnswers404(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withoutTestClock)
	for _, rt := range []route{
		{http.MethodGet, "/api/v1/test-clock", nil},
		{http.MethodPost, "/api/v1/test-clock/advance", M{"by": "720h"}},
	} {
		p := expectProblem(t, h.backend(rt.method, rt.path, rt.body), http.StatusNotFound)
		if p.Detail == "" {
			t.Errorf("%s: no detail saying how to turn the clock on", rt)
		}
	}
	if !h.clock.Now().Equal(t0) {
		t.Fatalf("clock moved while the endpoints are off")
	}
}

func TestAdvanceAppliesRenewals(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createCustomer("ada", true)
	sub := h.change("ada", M{"planId": planBasic, "addons": []M{{"id": addonSeats, "quantity": 1}}}).Subscription
	feb1, mar1, apr1 := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)

	// 30 days: nothing is due yet (the period ends Feb 1).
	if v := h.advance(M{"by": "720h"}); v.Applied != 0 {
		t.Fatalf("applied %d before the period ended", v.Applied)
	}
	if got := invoiceTotals(h.portalView("ada")); len(got) != 1 {
		t.Fatalf("invoices %v before the renewal", got)
	}
	// Past Feb 1: one renewal, billed.
	if v := h.advance(M{"by": "48h"}); v.Applied != 1 {
		t.Fatalf("applied %d crossing Feb 1, want 1", v.Applied)
	}
	s := h.liveSub("ada", acme, "")
	if s.ID != sub.ID || !s.CurrentPeriodStart.Equal(feb1) || !s.CurrentPeriodEnd.Equal(mar1) {
		t.Fatalf("after Feb 1: %+v", s)
	}
	// To Apr 1: two more renewals (Mar 1 and Apr 1).
	if v := h.advance(M{"to": apr1}); v.Applied != 2 {
		t.Fatalf("applied %d to Apr 1, want 2", v.Applied)
	}
	pv := h.portalView("ada")
	if got := invoiceTotals(pv); len(got) != 4 || got[0] != 1400 || got[3] != 1400 {
		t.Fatalf("invoices %v, want four of 1400", got)
	}
	created := []time.Time{}
	for _, inv := range pv.Invoices {
		created = append(created, inv.Created)
	}
	want := []time.Time{apr1, mar1, feb1, t0}
	for i := range want {
		if !created[i].Equal(want[i]) {
			t.Fatalf("invoice dates %v, want %v", created, want)
		}
	}
	if pv.NextBill == nil || pv.NextBill.Amount != 1400 || !pv.NextBill.Date.Equal(time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("next bill %+v, want 1400 on May 1", pv.NextBill)
	}
}

func TestAdvanceAppliesTrialsScheduledChangesAndUsageResets(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createCustomer("paid", true)    // a card on file: the trial converts
	h.createCustomer("unpaid", false) // no card: back to the free plan
	h.createCustomer("leaving", true)
	for _, id := range []string{"paid", "unpaid"} {
		res := h.change(id, M{"planId": planPro})
		if s := res.Subscription; s.Status != portico.StatusTrialing || s.TrialEndsAt == nil || !s.TrialEndsAt.Equal(t0.AddDate(0, 0, 14)) {
			t.Fatalf("%s: Pro from the free plan should start the 14-day trial: %+v", id, s)
		}
	}
	h.change("leaving", M{"planId": planBasic})
	tok := h.session("leaving", "", "")
	expectStatus(t, h.portal(tok, http.MethodPost, "/api/v1/portal/subscriptions", M{"planId": planFree}), http.StatusOK)
	h.reportUsage("leaving", featCalls, 600, "")

	h.advance(M{"by": "15d"}) // Jan 16: the trials have ended
	trialEnd := t0.AddDate(0, 0, 14)
	paid := h.liveSub("paid", acme, "")
	if paid.Plan.ID != planPro || paid.Status != portico.StatusActive || !paid.CurrentPeriodStart.Equal(trialEnd) ||
		!paid.CurrentPeriodEnd.Equal(trialEnd.AddDate(0, 1, 0)) {
		t.Fatalf("a paid trial converts to Pro: %+v", paid)
	}
	if got := invoiceTotals(h.portalView("paid")); len(got) != 1 || got[0] != 2900 {
		t.Fatalf("converted trial invoices %v, want one of 2900", got)
	}
	if unpaid := h.liveSub("unpaid", acme, ""); unpaid.Plan.ID != planFree || unpaid.Status != portico.StatusActive {
		t.Fatalf("an unpaid trial returns to the free plan: %+v", unpaid)
	}
	if got := invoiceTotals(h.portalView("unpaid")); len(got) != 0 {
		t.Fatalf("unpaid trial invoices %v, want none", got)
	}
	if s := h.liveSub("leaving", acme, ""); s.Plan.ID != planBasic || len(s.ScheduledUpdates) != 1 {
		t.Fatalf("the downgrade waits for Feb 1: %+v", s)
	}
	if got := h.entitlements("leaving", "")[featCalls].Usage; got != 600 {
		t.Fatalf("api-calls %d mid-period, want 600", got)
	}

	h.advance(M{"to": "2026-02-01T00:00:00Z"})
	s := h.liveSub("leaving", acme, "")
	if s.Plan.ID != planFree || len(s.ScheduledUpdates) != 0 || !s.CurrentPeriodStart.Equal(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("the scheduled downgrade applies on Feb 1: %+v", s)
	}
	e := h.entitlements("leaving", "")[featCalls]
	if e.Usage != 0 || e.Limit != 1000 || e.ResetAt == nil || !e.ResetAt.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("api-calls after the period: %+v, want 0 of 1000 until Mar 1", e)
	}
}
