package sdk_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/sdk"
)

func newCache(t *testing.T, c *sdk.Client, opts sdk.EntitlementsOptions) *sdk.Entitlements {
	t.Helper()
	ec := sdk.NewEntitlements(c, opts)
	t.Cleanup(ec.Close)
	return ec
}

func waitLive(t *testing.T, ec *sdk.Entitlements) {
	t.Helper()
	eventually(t, 5*time.Second, "the stream is live", ec.Live)
}

// A plan change and a promotion reach the cache through the event stream:
// checks answered from memory change without anyone asking Portico.
func TestCacheFollowsPlanChangesAndPromotions(t *testing.T) {
	p := startPortico(t)
	c := p.client()
	ctx := ctxT(t)
	if _, err := c.CreateCustomer(ctx, portico.CreateCustomerRequest{ID: "mia"}); err != nil {
		t.Fatal(err)
	}
	ec := newCache(t, c, sdk.EntitlementsOptions{})
	waitLive(t, ec)
	sso := ec.Feature(ctx, "mia", "sso")
	if sso.HasAccess || sso.Source != sdk.SourceCache || sso.Err != nil {
		t.Fatalf("free plan: %+v, want no sso, from the cache", sso)
	}
	seats := ec.Feature(ctx, "mia", "seats")
	if !seats.HasAccess || seats.Limit != 3 || seats.Stale {
		t.Fatalf("free plan seats: %+v, want 3 and fresh", seats)
	}

	other := p.client() // the change is made elsewhere: only the stream can tell the cache
	if _, err := other.SetBilling(ctx, "mia", portico.BillingProfile{PaymentMethod: &portico.PaymentMethod{Brand: "visa", Last4: "4242", ExpMonth: 1, ExpYear: 2040}}); err != nil {
		t.Fatal(err)
	}
	if _, err := other.ChangeSubscription(ctx, "mia", portico.ChangeRequest{PlanID: "basic"}); err != nil {
		t.Fatal(err)
	}
	eventually(t, time.Second, "basic's 5 seats in the cache", func() bool { return ec.Feature(ctx, "mia", "seats").Limit == 5 })
	if ec.Check(ctx, "mia", "priority-support") {
		t.Fatal("priority-support before the promotion")
	}
	if _, err := other.GrantPromotion(ctx, "mia", portico.PromotionRequest{FeatureID: "priority-support"}); err != nil {
		t.Fatal(err)
	}
	eventually(t, time.Second, "the promotion in the cache", func() bool { return ec.Check(ctx, "mia", "priority-support") })
}

// Entitlements held per resource follow their resource's changes.
func TestCacheHoldsResources(t *testing.T) {
	p := startPortico(t)
	c := p.client()
	ctx := ctxT(t)
	ec := newCache(t, c, sdk.EntitlementsOptions{})
	waitLive(t, ec)
	if !ec.CheckResource(ctx, "ken", "blog", "custom-domain") || ec.CheckResource(ctx, "ken", "docs", "custom-domain") {
		t.Fatal("ken's blog (growth) has a custom domain, his docs site (starter) has not")
	}
	if _, err := p.client().ChangeSubscription(ctx, "ken", portico.ChangeRequest{PlanID: "site-growth", ResourceID: "docs"}); err != nil {
		t.Fatal(err)
	}
	eventually(t, time.Second, "docs upgraded in the cache", func() bool { return ec.CheckResource(ctx, "ken", "docs", "custom-domain") })
}

// Usage reported through the SDK counts in the cache at once; usage
// reported elsewhere arrives with the usage thresholds the stream carries.
func TestCacheCountsUsage(t *testing.T) {
	p := startPortico(t)
	c := p.client()
	ctx := ctxT(t)
	ec := newCache(t, c, sdk.EntitlementsOptions{})
	waitLive(t, ec)
	before := ec.Feature(ctx, "dennis", "requests").Usage
	if _, err := c.ReportUsage(ctx, portico.UsageRequest{CustomerID: "dennis", FeatureID: "requests", Value: 1000}); err != nil {
		t.Fatal(err)
	}
	if got := ec.Feature(ctx, "dennis", "requests").Usage; got != before+1000 {
		t.Fatalf("after ReportUsage: usage %d, want %d at once", got, before+1000)
	}
	buf := sdk.NewUsageBuffer(c, sdk.UsageBufferOptions{FlushEvery: time.Hour})
	if err := buf.Add(portico.UsageEvent{CustomerID: "dennis", FeatureID: "requests", Value: 500}); err != nil {
		t.Fatal(err)
	}
	if got := ec.Feature(ctx, "dennis", "requests").Usage; got != before+1500 {
		t.Fatalf("after queueing: usage %d, want %d at once", got, before+1500)
	}
	if err := buf.Close(ctx); err != nil {
		t.Fatal(err)
	}

	// Barbara is at 9,620 of 10,000 API calls; an endpoint asks for the
	// 100 % threshold, so crossing it is an event.
	addEndpoint(t, p, 100)
	if f := ec.Feature(ctx, "barbara", "api-calls"); !f.HasAccess {
		t.Fatalf("barbara is below her limit, yet the cache answers %+v", f)
	}
	if _, err := p.client().ReportUsage(ctx, portico.UsageRequest{CustomerID: "barbara", FeatureID: "api-calls", Value: 400}); err != nil {
		t.Fatal(err)
	}
	eventually(t, time.Second, "barbara over her limit in the cache", func() bool { return !ec.Check(ctx, "barbara", "api-calls") })
}

func addEndpoint(t *testing.T, p *testServer, thresholds ...int) {
	t.Helper()
	err := p.store.Update(context.Background(), func(tx portico.Tx) error {
		return tx.PutWebhookEndpoint(&portico.WebhookEndpoint{ID: "we_test", URL: "http://127.0.0.1:9/hook",
			Events: []portico.EventType{portico.AllEvents}, UsageThresholds: thresholds, Secret: "whsec_test", CreatedAt: p.clock.Now()})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// With Portico unreachable and nothing cached, a check answers the
// feature's fallback, saying so, and does not wait on Portico again for
// every check.
func TestCacheFallsBackWhenPorticoIsDown(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close() // nothing listens there
	c := sdk.New("http://"+addr, secretKey, sdk.WithRetries(0, time.Millisecond, time.Millisecond),
		sdk.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	ec := newCache(t, c, sdk.EntitlementsOptions{Fallback: sdk.Fallback{"sso": {HasAccess: true}}, RetryAfter: time.Minute})
	ctx := ctxT(t)
	sso := ec.Feature(ctx, "dennis", "sso")
	if !sso.HasAccess || sso.Source != sdk.SourceFallback || !sso.Stale || !errors.Is(sso.Err, sdk.ErrUnavailable) {
		t.Fatalf("sso while down: %+v, want the fallback's access, stale, ErrUnavailable", sso)
	}
	other := ec.Feature(ctx, "dennis", "audit-log")
	if other.HasAccess || other.Source != sdk.SourceNone || other.Err == nil {
		t.Fatalf("a feature without fallback while down: %+v, want no access, source none", other)
	}
	start := time.Now()
	for range 100 {
		ec.Check(ctx, "dennis", "sso")
	}
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Fatalf("100 checks during the outage took %v: each went to Portico", d)
	}
}

// While the stream is down, cached answers say they may be stale; once it
// is back, it resumes from the last event, so a change made meanwhile
// arrives.
func TestCacheResumesAfterAnOutage(t *testing.T) {
	p := startPortico(t)
	c := p.client()
	ctx := ctxT(t)
	ec := newCache(t, c, sdk.EntitlementsOptions{})
	waitLive(t, ec)
	if ec.Check(ctx, "radia", "priority-support") {
		t.Fatal("radia has no priority support yet")
	}
	p.stop()
	eventually(t, 2*time.Second, "the stream seen down", func() bool { return !ec.Live() })
	if e := ec.Feature(ctx, "radia", "sso"); !e.HasAccess || e.Source != sdk.SourceCache || !e.Stale {
		t.Fatalf("while down: %+v, want the cached answer, stale", e)
	}
	if _, err := p.engine.GrantPromotion(ctx, "radia", portico.PromotionRequest{FeatureID: "priority-support"}); err != nil {
		t.Fatal(err)
	}
	p.restart()
	eventually(t, 5*time.Second, "the promotion granted during the outage", func() bool { return ec.Check(ctx, "radia", "priority-support") })
	waitLive(t, ec)
}

// Events pruned while the SDK was away make the stream reset: the cache
// reads every customer it holds again rather than missing the change.
func TestCacheReadsAgainAfterAReset(t *testing.T) {
	p := startPortico(t)
	c := p.client()
	ctx := ctxT(t)
	ec := newCache(t, c, sdk.EntitlementsOptions{})
	waitLive(t, ec)
	if ec.Check(ctx, "alan", "priority-support") {
		t.Fatal("alan has no priority support yet")
	}
	p.stop()
	if _, err := p.engine.GrantPromotion(ctx, "alan", portico.PromotionRequest{FeatureID: "priority-support"}); err != nil {
		t.Fatal(err)
	}
	err := p.store.Update(ctx, func(tx portico.Tx) error {
		_, err := tx.PruneEvents(p.clock.Now().Add(time.Hour), 100_000)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	p.restart()
	eventually(t, 5*time.Second, "the promotion read again after the reset", func() bool { return ec.Check(ctx, "alan", "priority-support") })
}

// An SDK listening to one replica hears of a change made on another.
func TestCacheAcrossReplicas(t *testing.T) {
	p := startPortico(t)
	ctx := ctxT(t)
	ec := newCache(t, sdk.New(p.replica(t), secretKey), sdk.EntitlementsOptions{})
	waitLive(t, ec)
	if ec.Check(ctx, "ada", "audit-log") {
		t.Fatal("ada (free) has no audit log")
	}
	onA := p.client()
	if _, err := onA.SetBilling(ctx, "ada", portico.BillingProfile{PaymentMethod: &portico.PaymentMethod{Brand: "visa", Last4: "4242", ExpMonth: 1, ExpYear: 2040}}); err != nil {
		t.Fatal(err)
	}
	if _, err := onA.ChangeSubscription(ctx, "ada", portico.ChangeRequest{PlanID: "basic"}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 2*time.Second, "the change on replica A seen through replica B", func() bool { return ec.Check(ctx, "ada", "audit-log") })
}

// A catalog change that alters what a plan grants reaches the customers
// the cache holds: catalog.updated has the cache read them again.
func TestCacheFollowsCatalogChanges(t *testing.T) {
	p := startPortico(t)
	c := p.client()
	ctx := ctxT(t)
	if _, err := c.CreateCustomer(ctx, portico.CreateCustomerRequest{ID: "noor"}); err != nil {
		t.Fatal(err)
	}
	ec := newCache(t, c, sdk.EntitlementsOptions{})
	waitLive(t, ec)
	if got := ec.Feature(ctx, "noor", "seats").Limit; got != 3 {
		t.Fatalf("free plan seats: %d, want 3", got)
	}
	cat, etag, err := c.Catalog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, pl := range cat.Plans {
		if pl.ID != "free" {
			continue
		}
		for j, e := range pl.Entitlements {
			if e.FeatureID == "seats" {
				cat.Plans[i].Entitlements[j].Limit = 4
			}
		}
	}
	if _, _, err := p.client().PutCatalog(ctx, cat, etag); err != nil {
		t.Fatal(err)
	}
	eventually(t, 2*time.Second, "the free plan's 4 seats in the cache", func() bool { return ec.Feature(ctx, "noor", "seats").Limit == 4 })
}
