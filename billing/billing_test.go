package billing_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/billing"
)

var _ billing.Store = (*billing.MemoryStore)(nil)

func TestMemoryStoreLinksBothWays(t *testing.T) {
	ctx := context.Background()
	s := billing.NewMemoryStore()

	if _, err := s.ProviderCustomer(ctx, "acme"); !errors.Is(err, portico.ErrNotFound) {
		t.Fatalf("missing link: err = %v, want ErrNotFound", err)
	}
	if _, err := s.CustomerOf(ctx, "cus_1"); !errors.Is(err, portico.ErrNotFound) {
		t.Fatalf("missing reverse link: err = %v, want ErrNotFound", err)
	}
	must(t, s.LinkCustomer(ctx, "acme", "cus_1"))
	if got, _ := s.ProviderCustomer(ctx, "acme"); got != "cus_1" {
		t.Errorf("ProviderCustomer = %q, want cus_1", got)
	}
	if got, _ := s.CustomerOf(ctx, "cus_1"); got != "acme" {
		t.Errorf("CustomerOf = %q, want acme", got)
	}

	// A subscription started anew at the provider replaces the link; the old
	// provider subscription no longer resolves.
	must(t, s.LinkSubscription(ctx, "sub-1", "sub_old"))
	must(t, s.LinkSubscription(ctx, "sub-1", "sub_new"))
	if got, _ := s.ProviderSubscription(ctx, "sub-1"); got != "sub_new" {
		t.Errorf("ProviderSubscription = %q, want sub_new", got)
	}
	if got, _ := s.SubscriptionOf(ctx, "sub_new"); got != "sub-1" {
		t.Errorf("SubscriptionOf(sub_new) = %q, want sub-1", got)
	}
	if _, err := s.SubscriptionOf(ctx, "sub_old"); !errors.Is(err, portico.ErrNotFound) {
		t.Errorf("SubscriptionOf(sub_old): err = %v, want ErrNotFound", err)
	}
}

func TestMemoryStoreRecordsEachEventOnce(t *testing.T) {
	ctx := context.Background()
	s := billing.NewMemoryStore()
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
		t.Fatalf("%d concurrent records were new, want 1", fresh.Load())
	}
	must(t, s.ForgetEvent(ctx, "evt_1"))
	if isNew, _ := s.RecordEvent(ctx, "evt_1"); !isNew {
		t.Error("a forgotten event is not new again")
	}
}

func TestSyncValidate(t *testing.T) {
	ok := billing.Sync{Key: "k", SubscriptionID: "sub-1", Items: []billing.Item{{PriceID: "price_pro", Quantity: 1}}}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid sync: %v", err)
	}
	for name, tc := range map[string]struct {
		mod   func(*billing.Sync)
		field string
	}{
		"no key":          {func(s *billing.Sync) { s.Key = "" }, "key"},
		"no subscription": {func(s *billing.Sync) { s.SubscriptionID = "" }, "subscriptionId"},
		"bad timing":      {func(s *billing.Sync) { s.Timing = "tomorrow" }, "timing"},
		"no price":        {func(s *billing.Sync) { s.Items[0].PriceID = "" }, "items[0].priceId"},
		"zero quantity":   {func(s *billing.Sync) { s.Items[0].Quantity = 0 }, "items[0].quantity"},
		"twice": {func(s *billing.Sync) {
			s.Items = append(s.Items, billing.Item{PriceID: "price_pro", Quantity: 1})
		}, "items[1].priceId"},
	} {
		t.Run(name, func(t *testing.T) {
			s := ok
			s.Items = append([]billing.Item(nil), ok.Items...)
			tc.mod(&s)
			var pe *portico.Error
			if err := s.Validate(); !errors.As(err, &pe) || pe.Kind != portico.KindInvalid || pe.Fields[0].Field != tc.field {
				t.Fatalf("Validate() = %v, want KindInvalid on %s", err, tc.field)
			}
		})
	}
}

func TestCheckoutValidate(t *testing.T) {
	co := billing.Checkout{SubscriptionID: "sub-1", Items: []billing.Item{{PriceID: "price_pro", Quantity: 1}},
		SuccessURL: "https://app.example/ok", CancelURL: "https://app.example/back"}
	if err := co.Validate(); err != nil {
		t.Fatalf("valid checkout: %v", err)
	}
	co.Items = nil
	if portico.KindOf(co.Validate()) != portico.KindInvalid {
		t.Fatal("a checkout without items is accepted")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
