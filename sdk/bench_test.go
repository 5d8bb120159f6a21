package sdk_test

import (
	"context"
	"fmt"
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
// increases of a customer's members on the per-member plan (each raises
// the members limit at once; a decrease would wait for the period's end),
// a new customer each round: reported as p50-ms and p99-ms. Budget: 1 s on
// loopback.
func BenchmarkPlanChangeToCache(b *testing.B) {
	p, ec := loadedCache(b)
	planChangeLatency(b, p.client(), ec)
}

// The same with the SDK listening to another replica of the same
// database, which hears of the change at its next poll of the log.
func BenchmarkPlanChangeToCacheOtherReplica(b *testing.B) {
	p := startPortico(b)
	other := p.replica(b)
	ec := sdk.NewEntitlements(sdk.New(other, secretKey), sdk.EntitlementsOptions{})
	b.Cleanup(ec.Close)
	eventually(b, 5*time.Second, "the stream is live", ec.Live)
	planChangeLatency(b, p.client(), ec)
}

func planChangeLatency(b *testing.B, c *sdk.Client, ec *sdk.Entitlements) {
	ctx := context.Background()
	var lat []time.Duration
	round := 0
	for b.Loop() {
		round++
		id := fmt.Sprintf("latency-%d", round)
		if _, err := c.CreateCustomer(ctx, portico.CreateCustomerRequest{ID: id}); err != nil {
			b.Fatal(err)
		}
		if err := ec.Preload(ctx, id); err != nil {
			b.Fatal(err)
		}
		lat = lat[:0]
		for members := int64(1); members <= 50; members++ {
			start := time.Now()
			if _, err := c.ChangeSubscription(ctx, id, portico.ChangeRequest{PlanID: "platform-team", Quantities: map[string]int64{"members": members}}); err != nil {
				b.Fatal(err)
			}
			for ec.Feature(ctx, id, "members").Limit != members {
				if time.Since(start) > 5*time.Second {
					b.Fatalf("%d members not in the cache after 5 s", members)
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
