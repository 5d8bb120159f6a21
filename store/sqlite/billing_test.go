package sqlite

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/billing"
)

var _ billing.Store = (*Store)(nil)

func TestBillingLinksAndEvents(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	s.Update(ctx, func(tx portico.Tx) error {
		return tx.CreateCustomer(&portico.Customer{ID: "ada", CreatedAt: time.Now()})
	})
	if _, err := s.ProviderCustomer(ctx, "ada"); !errors.Is(err, portico.ErrNotFound) {
		t.Fatalf("unlinked customer: %v", err)
	}
	if err := s.LinkCustomer(ctx, "ada", "cus_1"); err != nil {
		t.Fatal(err)
	}
	if err := s.LinkCustomer(ctx, "ada", "cus_2"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ProviderCustomer(ctx, "ada"); got != "cus_2" {
		t.Errorf("ProviderCustomer = %q, want the newer link", got)
	}
	if got, _ := s.CustomerOf(ctx, "cus_2"); got != "ada" {
		t.Errorf("CustomerOf = %q", got)
	}
	s.Update(ctx, func(tx portico.Tx) error {
		return tx.CreateCustomer(&portico.Customer{ID: "bob", CreatedAt: time.Now()})
	})
	if err := s.LinkCustomer(ctx, "bob", "cus_2"); err != nil {
		t.Fatalf("linking a provider customer to another customer: %v", err)
	}
	if got, _ := s.CustomerOf(ctx, "cus_2"); got != "bob" {
		t.Errorf("CustomerOf after relinking = %q, want bob", got)
	}
	if _, err := s.ProviderCustomer(ctx, "ada"); !errors.Is(err, portico.ErrNotFound) {
		t.Errorf("ada keeps a link to a provider customer that now stands for bob: %v", err)
	}
	var fresh atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if isNew, err := s.RecordEvent(ctx, "evt_1"); err == nil && isNew {
				fresh.Add(1)
			}
		}()
	}
	wg.Wait()
	if fresh.Load() != 1 {
		t.Errorf("%d deliveries saw the event as new, want 1", fresh.Load())
	}
	s.ForgetEvent(ctx, "evt_1")
	if isNew, _ := s.RecordEvent(ctx, "evt_1"); !isNew {
		t.Error("a forgotten event is not new again")
	}
}
