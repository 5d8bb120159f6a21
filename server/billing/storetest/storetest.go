// Package storetest checks that a billing.Store keeps its contract: links
// one-to-one in both directions, and each webhook event new exactly once.
// Every Store implementation runs it.
package storetest

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/billing"
)

// Run checks s. Customers "ada" and "bob" and subscription "sub-1" (of
// ada) must exist for stores that check references.
func Run(t *testing.T, s billing.Store) {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	notFound := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, portico.ErrNotFound) {
			t.Errorf("%s: err = %v, want ErrNotFound", what, err)
		}
	}
	_, err := s.ProviderCustomer(ctx, "ada")
	notFound("a missing link", err)
	_, err = s.CustomerOf(ctx, "cus_1")
	notFound("a missing reverse link", err)

	must(s.LinkCustomer(ctx, "ada", "cus_1"))
	must(s.LinkCustomer(ctx, "ada", "cus_2"))
	if got, _ := s.ProviderCustomer(ctx, "ada"); got != "cus_2" {
		t.Errorf("ProviderCustomer = %q, want the newer link cus_2", got)
	}
	if got, _ := s.CustomerOf(ctx, "cus_2"); got != "ada" {
		t.Errorf("CustomerOf(cus_2) = %q, want ada", got)
	}
	_, err = s.CustomerOf(ctx, "cus_1")
	notFound("a replaced provider customer", err)

	// A provider customer stands for one Portico customer: linking it to
	// another moves it.
	must(s.LinkCustomer(ctx, "bob", "cus_2"))
	if got, _ := s.CustomerOf(ctx, "cus_2"); got != "bob" {
		t.Errorf("CustomerOf after relinking = %q, want bob", got)
	}
	_, err = s.ProviderCustomer(ctx, "ada")
	notFound("ada's link taken over by bob", err)

	must(s.LinkSubscription(ctx, "sub-1", "sub_old"))
	must(s.LinkSubscription(ctx, "sub-1", "sub_new"))
	if got, _ := s.ProviderSubscription(ctx, "sub-1"); got != "sub_new" {
		t.Errorf("ProviderSubscription = %q, want sub_new", got)
	}
	if got, _ := s.SubscriptionOf(ctx, "sub_new"); got != "sub-1" {
		t.Errorf("SubscriptionOf(sub_new) = %q, want sub-1", got)
	}
	_, err = s.SubscriptionOf(ctx, "sub_old")
	notFound("a replaced provider subscription", err)

	var fresh atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
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
		t.Errorf("%d concurrent records of one event were new, want 1", fresh.Load())
	}
	must(s.ForgetEvent(ctx, "evt_1"))
	if isNew, _ := s.RecordEvent(ctx, "evt_1"); !isNew {
		t.Error("a forgotten event is not new again")
	}
}
