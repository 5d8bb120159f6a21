package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/assets"
	"github.com/portico-dev/portico/server/catalog"
	"github.com/portico-dev/portico/server/clock"
	"github.com/portico-dev/portico/server/engine"
	"github.com/portico-dev/portico/server/store/sqlite"
)

// usagePerCustomer is how many usage reports each seeded customer has:
// 100,000 customers make 1,000,000 usage events.
const usagePerCustomer = 10

// customerID is the i-th seeded customer's ID.
func customerID(i int) string { return fmt.Sprintf("cust-%06d", i) }

// seed makes a data folder whose store holds the demo catalog and n
// customers on paid plans with add-ons and usage, through the engine, as
// the API would. Seeded folders are kept in cacheDir and reused: seeding
// 100,000 customers takes minutes.
func seed(ctx context.Context, cacheDir string, n int) (string, error) {
	// The name changes with what a seeded store holds, so an old one is
	// not reused.
	dir := filepath.Join(cacheDir, fmt.Sprintf("store-v6-%d", n))
	if _, err := os.Stat(filepath.Join(dir, "complete")); err == nil {
		return dir, nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	st, err := sqlite.Open(ctx, filepath.Join(dir, "portico.db"))
	if err != nil {
		return "", err
	}
	defer st.Close()
	eng := engine.New(st, clock.Real{})
	cat, err := catalog.Decode(bytes.NewReader(assets.DemoCatalog))
	if err != nil {
		return "", err
	}
	if _, _, err := eng.ApplyCatalog(ctx, cat, engine.CatalogChange{}); err != nil {
		return "", err
	}
	start := time.Now()
	// A thousand customers per transaction: the engine's own transactions
	// become savepoints, so seeding is not bound by commits.
	const chunk = 1000
	for from := 0; from < n; from += chunk {
		err := st.Update(ctx, func(tx portico.Tx) error {
			c := tx.Context()
			for i := from; i < min(n, from+chunk); i++ {
				if err := seedCustomer(c, eng, i); err != nil {
					return fmt.Errorf("customer %d: %w", i, err)
				}
			}
			return nil
		})
		if err != nil {
			return "", err
		}
		if from > 0 && from%20000 == 0 {
			logf("  seeded %d of %d customers (%s)", from, n, time.Since(start).Round(time.Second))
		}
	}
	return dir, os.WriteFile(filepath.Join(dir, "complete"), nil, 0o644)
}

var plans = []string{"basic", "pro", "pro", "basic", "free"}

// seedPlatform puts every third customer on a platform plan as well: the
// per-member plan (12 members) or the usage-priced one (with usage), so the
// calls are measured with charges in the catalog and on subscriptions.
func seedPlatform(ctx context.Context, eng *engine.Engine, i int) error {
	id := customerID(i)
	switch i % 6 {
	case 1:
		_, err := eng.ChangeSubscription(ctx, id, portico.ChangeRequest{PlanID: "platform-team", Quantities: map[string]int64{"members": 12}}, engine.Backend)
		return err
	case 4:
		if _, err := eng.ChangeSubscription(ctx, id, portico.ChangeRequest{PlanID: "platform-scale"}, engine.Backend); err != nil {
			return err
		}
		_, err := eng.ReportUsage(ctx, portico.UsageRequest{CustomerID: id, FeatureID: "requests", Value: int64(5000 + 97*i%40000)})
		return err
	}
	return nil
}

func seedCustomer(ctx context.Context, eng *engine.Engine, i int) error {
	id := customerID(i)
	billing := &portico.BillingProfile{Name: "Customer " + id, Email: id + "@example.com",
		PaymentMethod: &portico.PaymentMethod{Brand: "visa", Last4: "4242", ExpMonth: 12, ExpYear: 2030}}
	if _, err := eng.CreateCustomer(ctx, portico.CreateCustomerRequest{ID: id, Name: "Customer " + id, Email: id + "@example.com", Billing: billing}); err != nil {
		return err
	}
	plan := plans[i%len(plans)]
	if plan != "free" {
		req := portico.ChangeRequest{PlanID: plan, BillingPeriod: portico.Monthly}
		if plan == "pro" {
			req.Addons = []portico.AddonQuantity{{ID: "extra-seats", Quantity: 1}}
		}
		if _, err := eng.ChangeSubscription(ctx, id, req, engine.Backend); err != nil {
			return err
		}
	}
	if err := seedPlatform(ctx, eng, i); err != nil {
		return err
	}
	for k := range usagePerCustomer {
		feature, value := "api-calls", int64(10+k)
		if k%3 == 0 {
			feature, value = "seats", 1
		}
		if _, err := eng.ReportUsage(ctx, portico.UsageRequest{CustomerID: id, FeatureID: feature, Value: value}); err != nil {
			return err
		}
	}
	return nil
}
