package sdk_test

import (
	"context"
	"slices"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/sdk"
)

// loadedCache is a cache holding dennis, fed by a real server.
func loadedCache(b *testing.B) (*testServer, *sdk.Entitlements) {
	p := startPortico(b)
	ec := sdk.NewEntitlements(p.client(), sdk.EntitlementsOptions{})
	b.Cleanup(ec.Close)
	eventually(b, 5*time.Second, "the stream is live", ec.Live)
	if !ec.Check(context.Background(), "dennis", "sso") {
		b.Fatal("dennis has sso")
	}
	return p, ec
}

// A check answered from memory: the cost a host backend pays per request.
func BenchmarkCachedCheck(b *testing.B) {
	_, ec := loadedCache(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if !ec.Check(ctx, "dennis", "sso") {
			b.Fatal("lost access")
		}
	}
}

// The same check from every core at once.
func BenchmarkCachedCheckParallel(b *testing.B) {
	_, ec := loadedCache(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if !ec.Check(ctx, "dennis", "sso") {
				b.Fatal("lost access")
			}
		}
	})
}

// The whole answer (limit, usage, source, staleness) of a metered feature.
func BenchmarkCachedFeature(b *testing.B) {
	_, ec := loadedCache(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if ec.Feature(ctx, "dennis", "requests").Limit == 0 {
			b.Fatal("lost the limit")
		}
	}
}

// The time from a plan change (the call sent to the server) to the cache
// of an SDK listening to the event stream answering with it, over 50
// increases of dennis's members (each raises the members limit at once; a
// decrease would wait for the period's end): reported
// as p50-ms and p99-ms. Budget: 1 s on loopback.
func BenchmarkPlanChangeToCache(b *testing.B) {
	p, ec := loadedCache(b)
	c := p.client()
	ctx := context.Background()
	var lat []time.Duration
	members := int64(12)
	for b.Loop() {
		lat = lat[:0]
		for i := range 50 {
			members++
			start := time.Now()
			if _, err := c.ChangeSubscription(ctx, "dennis", portico.ChangeRequest{PlanID: "platform-team", Quantities: map[string]int64{"members": members}}); err != nil {
				b.Fatal(err)
			}
			for ec.Feature(ctx, "dennis", "members").Limit != members {
				if time.Since(start) > 5*time.Second {
					b.Fatalf("change %d not in the cache after 5 s", i)
				}
				time.Sleep(50 * time.Microsecond)
			}
			lat = append(lat, time.Since(start))
		}
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(0, "ns/op")
}
