package sqlite

import (
	"context"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/billing"
	"github.com/portico-dev/portico/billing/storetest"
)

var _ billing.Store = (*Store)(nil)

func TestBillingStoreKeepsTheStoreContract(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	now := time.Now().UTC()
	err := s.Update(ctx, func(tx portico.Tx) error {
		for _, id := range []string{"ada", "bob"} {
			if err := tx.CreateCustomer(&portico.Customer{ID: id, CreatedAt: now}); err != nil {
				return err
			}
		}
		return tx.PutSubscription(&portico.Subscription{ID: "sub-1", CustomerID: "ada", ProductID: "app",
			Status: portico.StatusActive, CreatedAt: now, CurrentPeriodEnd: now.Add(time.Hour)})
	})
	if err != nil {
		t.Fatal(err)
	}
	storetest.Run(t, s)
}
