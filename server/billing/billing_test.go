package billing_test

import (
	"errors"
	"testing"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/billing"
	"github.com/portico-dev/portico/server/billing/storetest"
)

var _ billing.Store = (*billing.MemoryStore)(nil)

func TestMemoryStoreKeepsTheStoreContract(t *testing.T) {
	storetest.Run(t, billing.NewMemoryStore())
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
