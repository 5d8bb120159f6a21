package billing_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/billing"
)

// flaky is a provider whose SyncSubscription answers as told, counting
// calls, and whose Ping answers as told.
type flaky struct {
	billing.Provider
	calls atomic.Int32
	sync  atomic.Value // func(ctx) error
	up    atomic.Bool
}

func (f *flaky) SyncSubscription(ctx context.Context, _ billing.Customer, _ billing.Sync) error {
	f.calls.Add(1)
	return f.sync.Load().(func(context.Context) error)(ctx)
}

func (f *flaky) Ping(context.Context) error {
	if f.up.Load() {
		return nil
	}
	return unavailable
}

var unavailable = &portico.Error{Kind: portico.KindUnavailable, Title: "down"}

func answer(err error) func(context.Context) error { return func(context.Context) error { return err } }

func TestGuardFailsAtOnceWhileTheProviderIsDownAndRecovers(t *testing.T) {
	f := &flaky{}
	f.sync.Store(answer(unavailable))
	g := billing.NewGuard(f, nil)
	g.PingEvery = 20 * time.Millisecond
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if err := g.SyncSubscription(ctx, billing.Customer{}, billing.Sync{}); portico.KindOf(err) != portico.KindUnavailable {
			t.Fatalf("call %d: %v, want unavailable", i+1, err)
		}
	}
	if !g.Open() {
		t.Fatal("two unavailable answers in a row did not open the guard")
	}
	began := time.Now()
	err := g.SyncSubscription(ctx, billing.Customer{}, billing.Sync{})
	if portico.KindOf(err) != portico.KindUnavailable || f.calls.Load() != 2 || time.Since(began) > 50*time.Millisecond {
		t.Errorf("an open guard: %v after %s, provider called %d times; want unavailable at once, no call", err, time.Since(began), f.calls.Load())
	}
	time.Sleep(100 * time.Millisecond)
	if !g.Open() {
		t.Error("the guard closed while pings still failed")
	}
	f.sync.Store(answer(nil))
	f.up.Store(true)
	deadline := time.Now().Add(2 * time.Second)
	for g.Open() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if err := g.SyncSubscription(ctx, billing.Customer{}, billing.Sync{}); err != nil || f.calls.Load() != 3 {
		t.Errorf("after the provider answered a ping: %v, %d calls; want the call through", err, f.calls.Load())
	}
}

func TestGuardCountsOnlyUnavailableAnswersInARow(t *testing.T) {
	f := &flaky{}
	g := billing.NewGuard(f, nil)
	ctx := context.Background()
	refused := &portico.Error{Kind: portico.KindConflict, Title: "card declined"}
	for _, err := range []error{unavailable, refused, unavailable, nil, unavailable} {
		f.sync.Store(answer(err))
		g.SyncSubscription(ctx, billing.Customer{}, billing.Sync{})
	}
	if g.Open() {
		t.Error("the guard opened though the provider answered between unavailable calls")
	}
}

func TestGuardBoundsAMirroredChange(t *testing.T) {
	f := &flaky{}
	f.sync.Store(func(ctx context.Context) error {
		<-ctx.Done()
		return &portico.Error{Kind: portico.KindUnavailable, Title: "timeout"}
	})
	g := billing.NewGuard(f, nil)
	g.WriteTimeout = 50 * time.Millisecond
	began := time.Now()
	if err := g.SyncSubscription(context.Background(), billing.Customer{}, billing.Sync{}); portico.KindOf(err) != portico.KindUnavailable {
		t.Errorf("a hanging provider: %v", err)
	}
	if took := time.Since(began); took > time.Second {
		t.Errorf("a hanging provider held the change %s, want about the write timeout", took)
	}
}

// details answers from a cache: its successes say nothing of the provider.
type cachedDetails struct{ *flaky }

func (cachedDetails) Details(context.Context, billing.Customer) (portico.BillingView, error) {
	return portico.BillingView{}, nil
}

func TestGuardIsNotReassuredByCachedDetails(t *testing.T) {
	f := &flaky{}
	f.sync.Store(answer(unavailable))
	g := billing.NewGuard(cachedDetails{f}, nil)
	ctx := context.Background()
	g.SyncSubscription(ctx, billing.Customer{}, billing.Sync{})
	g.Details(ctx, billing.Customer{})
	g.SyncSubscription(ctx, billing.Customer{}, billing.Sync{})
	if !g.Open() {
		t.Error("details served between two unavailable changes kept the guard closed")
	}
}

// Adopting a subscription the provider made (a completed checkout) stands
// whatever the provider answers, so an open guard lets it through; what it
// asks of the provider is bounded like a change.
func TestGuardLetsAdoptionsThroughWhileOpen(t *testing.T) {
	f := &flaky{}
	f.sync.Store(answer(unavailable))
	g := billing.NewGuard(f, nil)
	g.PingEvery = time.Hour
	ctx := context.Background()
	for range 2 {
		g.SyncSubscription(ctx, billing.Customer{}, billing.Sync{})
	}
	if !g.Open() {
		t.Fatal("the guard did not open")
	}
	f.sync.Store(func(ctx context.Context) error {
		if deadline, ok := ctx.Deadline(); !ok || time.Until(deadline) > g.WriteTimeout {
			return errors.New("the adoption is not bounded by the write timeout")
		}
		return nil
	})
	if err := g.SyncSubscription(ctx, billing.Customer{}, billing.Sync{Key: "k", SubscriptionID: "sub-1", Adopt: "sub_checkout"}); err != nil || f.calls.Load() != 3 {
		t.Errorf("an adoption through an open guard: %v, provider called %d times; want it passed on", err, f.calls.Load())
	}
}
