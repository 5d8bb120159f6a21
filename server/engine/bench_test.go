package engine_test

import (
	"fmt"
	"testing"

	portico "github.com/portico-dev/portico"
)

// benchEnv is a store with customers on a paid plan with add-ons and
// usage, the state the hot paths usually see.
func benchEnv(b *testing.B, customers int) *env {
	b.Helper()
	e := newEnv(b, defaultJourney())
	for i := range customers {
		id := fmt.Sprintf("c%05d", i)
		e.createCustomer(id, withCard())
		e.change(id, portico.ChangeRequest{PlanID: pro, BillingPeriod: portico.Monthly,
			Addons: []portico.AddonQuantity{{ID: extraSeats, Quantity: 1}}})
		e.report(id, "", apiCalls, 1200)
		e.report(id, "", seats, 4)
	}
	return e
}

// BenchmarkEntitlements resolves a customer's entitlements: plan, add-ons,
// promotions and usage, the call a SaaS backend makes on most requests.
func BenchmarkEntitlements(b *testing.B) {
	e := benchEnv(b, 50)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := e.eng.Entitlements(e.ctx, fmt.Sprintf("c%05d", i%50), ""); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkReportUsage adds metered usage: one durable write per call.
func BenchmarkReportUsage(b *testing.B) {
	e := benchEnv(b, 50)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		req := portico.UsageRequest{CustomerID: fmt.Sprintf("c%05d", i%50), FeatureID: apiCalls, Value: 1}
		if _, err := e.eng.ReportUsage(e.ctx, req); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkPreview prices an upgrade with prorations and credits, without
// changing anything.
func BenchmarkPreview(b *testing.B) {
	e := benchEnv(b, 10)
	e.change("c00000", portico.ChangeRequest{PlanID: basic, BillingPeriod: portico.Monthly})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.eng.Preview(e.ctx, "c00001", portico.ChangeRequest{PlanID: pro, BillingPeriod: portico.Annually,
			Addons: []portico.AddonQuantity{{ID: extraSeats, Quantity: 2}, {ID: extraCalls, Quantity: 1}}}, portal("c00001")); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPortal builds the whole portal view of a customer.
func BenchmarkPortal(b *testing.B) {
	e := benchEnv(b, 10)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.eng.Portal(e.ctx, portico.PortalScope{CustomerID: "c00003"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReportUsageBatch counts a batch of 1,000 events over 250
// customers in one transaction: the batch call's work.
func BenchmarkReportUsageBatch(b *testing.B) {
	e := benchEnv(b, 250)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		events := make([]portico.UsageEvent, 1000)
		for k := range events {
			events[k] = portico.UsageEvent{CustomerID: fmt.Sprintf("c%05d", k%250), FeatureID: apiCalls, Value: 1,
				IdempotencyKey: fmt.Sprintf("b%d-%d", n, k)}
		}
		if _, err := e.eng.ReportUsageBatch(e.ctx, events, false); err != nil {
			b.Fatal(err)
		}
		n++
	}
}
