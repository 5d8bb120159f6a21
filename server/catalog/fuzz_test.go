package catalog_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/assets"
	"github.com/portico-dev/portico/server/catalog"
	"github.com/portico-dev/portico/server/clock"
	"github.com/portico-dev/portico/server/engine"
	"github.com/portico-dev/portico/server/store/sqlite"
)

// errRollback ends a fuzz iteration's transaction, so that every input is
// applied to the same stored state.
var errRollback = errors.New("rolled back")

// fuzzStore is a SQLite store in a known state that inputs are applied to,
// each in a transaction that is rolled back.
type fuzzStore struct {
	name    string
	st      *sqlite.Store
	eng     *engine.Engine
	cat     []byte // the stored catalog as JSON
	version int64
}

func openFuzzStore(f *testing.F, name string, setup func(context.Context, *engine.Engine) error) *fuzzStore {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(f.TempDir(), name+".db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	eng := engine.New(st, clock.NewFrozen(time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)))
	if err := setup(ctx, eng); err != nil {
		f.Fatalf("%s: %v", name, err)
	}
	fs := &fuzzStore{name: name, st: st, eng: eng}
	err = st.View(ctx, func(tx portico.Tx) error {
		fs.cat, fs.version, err = readCatalog(tx)
		return err
	})
	if err != nil {
		f.Fatal(err)
	}
	return fs
}

func readCatalog(tx portico.Tx) ([]byte, int64, error) {
	c, v, err := tx.Catalog()
	if err != nil {
		return nil, 0, err
	}
	b, err := json.Marshal(c)
	return b, v, err
}

// apply applies c through the engine and checks what is stored after: the
// same catalog when refused, c as the next version when accepted.
func (fs *fuzzStore) apply(t *testing.T, c *portico.Catalog) error {
	// Nothing fails inside the transaction: a failing test must still roll
	// it back, or the next input would wait for it forever.
	var applyErr error
	var problem string
	err := fs.st.Update(context.Background(), func(tx portico.Tx) error {
		_, _, applyErr = fs.eng.ApplyCatalog(tx.Context(), c, engine.CatalogChange{})
		after, version, err := readCatalog(tx)
		if err != nil {
			return err
		}
		want, _ := json.Marshal(c)
		switch {
		case applyErr != nil && (version != fs.version || !bytes.Equal(after, fs.cat)):
			problem = fmt.Sprintf("%s: a refused catalog (%v) changed the stored one:\nbefore v%d: %s\nafter v%d: %s",
				fs.name, applyErr, fs.version, fs.cat, version, after)
		case applyErr == nil && (version != fs.version+1 || !bytes.Equal(after, want)):
			problem = fmt.Sprintf("%s: an accepted catalog reads back as v%d (want v%d):\napplied: %s\nstored: %s",
				fs.name, version, fs.version+1, want, after)
		}
		return errRollback
	})
	if problem != "" {
		t.Fatal(problem)
	}
	if !errors.Is(err, errRollback) {
		t.Fatalf("%s: transaction: %v", fs.name, err)
	}
	return applyErr
}

// FuzzCatalog checks a catalog document from decoding to storage: Decode
// and Validate never panic and refuse with a 422 naming each field at
// fault; applied through the engine, on an empty store a catalog is
// accepted exactly when Validate accepts it, on a store holding the demo
// catalog with a subscribed customer only when it also keeps every object;
// a refused catalog leaves the stored one as it was, an accepted one reads
// back equal as the next version.
func FuzzCatalog(f *testing.F) {
	for _, seed := range catalogSeeds(f) {
		f.Add(seed)
	}
	empty := openFuzzStore(f, "empty", func(context.Context, *engine.Engine) error { return nil })
	demo := openFuzzStore(f, "demo", func(ctx context.Context, eng *engine.Engine) error {
		c, err := catalog.Decode(bytes.NewReader(assets.DemoCatalog))
		if err != nil {
			return err
		}
		if _, _, err := eng.ApplyCatalog(ctx, c, engine.CatalogChange{}); err != nil {
			return err
		}
		// The journey puts her on the free plan: acme has a subscription.
		_, err = eng.CreateCustomer(ctx, portico.CreateCustomerRequest{ID: "ada", Name: "Ada"})
		return err
	})
	var demoCat portico.Catalog
	if err := json.Unmarshal(demo.cat, &demoCat); err != nil {
		f.Fatal(err)
	}

	f.Fuzz(func(t *testing.T, doc []byte) {
		c, err := catalog.Decode(bytes.NewReader(doc))
		if err != nil {
			expectFieldErrors(t, "Decode", err, portico.KindInvalid)
			return
		}
		valid := catalog.Validate(c)
		if valid != nil {
			expectFieldErrors(t, "Validate", valid, portico.KindInvalid)
		}
		err = empty.apply(t, c)
		if (err == nil) != (valid == nil) {
			t.Fatalf("on an empty store: Validate says %v, applying says %v", valid, err)
		}
		err = demo.apply(t, c)
		switch {
		case err == nil:
			if valid != nil {
				t.Fatalf("the demo store accepted a catalog Validate refuses: %v", valid)
			}
			if missing := missingIDs(&demoCat, c); missing != "" {
				t.Fatalf("the demo store accepted a catalog without %s", missing)
			}
		case portico.KindOf(err) == portico.KindConflict:
			var e *portico.Error
			errors.As(err, &e)
			if e.Detail == "" {
				t.Fatalf("a 409 without a reason: %+v", e)
			}
		default:
			expectFieldErrors(t, "applying on the demo store", err, portico.KindInvalid)
		}
	})
}

// expectFieldErrors fails unless err is a domain error of the kind naming
// at least one field, each with a message.
func expectFieldErrors(t *testing.T, what string, err error, kind portico.Kind) {
	t.Helper()
	var e *portico.Error
	if !errors.As(err, &e) || e.Kind != kind || len(e.Fields) == 0 {
		t.Fatalf("%s: %v (%T): want a 422 naming the fields", what, err, err)
	}
	for _, fe := range e.Fields {
		if fe.Field == "" || fe.Message == "" {
			t.Fatalf("%s: a problem without a field or a message: %+v", what, e.Fields)
		}
	}
}

// missingIDs names an object of prev that next lacks, or "".
func missingIDs(prev, next *portico.Catalog) string {
	for _, x := range prev.Features {
		if _, ok := next.Feature(x.ID); !ok {
			return "feature " + x.ID
		}
	}
	for _, x := range prev.Products {
		if _, ok := next.Product(x.ID); !ok {
			return "product " + x.ID
		}
	}
	for _, x := range prev.Plans {
		if _, ok := next.Plan(x.ID); !ok {
			return "plan " + x.ID
		}
	}
	for _, x := range prev.Addons {
		if _, ok := next.Addon(x.ID); !ok {
			return "add-on " + x.ID
		}
	}
	return ""
}

// catalogSeeds are the demo catalog, edits of it that break one rule each,
// and small documents.
func catalogSeeds(f *testing.F) [][]byte {
	var demo portico.Catalog
	if err := json.Unmarshal(assets.DemoCatalog, &demo); err != nil {
		f.Fatal(err)
	}
	edit := func(fn func(c *portico.Catalog)) []byte {
		var c portico.Catalog
		json.Unmarshal(assets.DemoCatalog, &c)
		fn(&c)
		b, err := json.Marshal(c)
		if err != nil {
			f.Fatal(err)
		}
		return b
	}
	seeds := [][]byte{
		assets.DemoCatalog,
		edit(func(c *portico.Catalog) { c.Plans[1].Name = "Basic (renamed)"; c.Plans[1].Archived = true }),
		edit(func(c *portico.Catalog) {
			c.Features = append(c.Features, portico.Feature{ID: "exports", Name: "Exports", Type: portico.FeatureMetered, ResetPeriod: "week"})
		}),
		edit(func(c *portico.Catalog) { c.Products[0].SubscriptionType = portico.SubscriptionMultiple }),
		edit(func(c *portico.Catalog) { c.Products[1].SubscriptionType = portico.SubscriptionSingle }),
		edit(func(c *portico.Catalog) { c.Plans[1].Prices[0].Amount = -900 }),
		edit(func(c *portico.Catalog) { c.Plans[1].Prices[0].Currency = "eur" }),
		edit(func(c *portico.Catalog) { c.Plans = c.Plans[1:] }),
		edit(func(c *portico.Catalog) { c.Plans = append(c.Plans, c.Plans[0]) }),
		edit(func(c *portico.Catalog) { c.Products[0].Journey.FreePlanID = "gratis" }),
		edit(func(c *portico.Catalog) { c.Features[2].ResetPeriod = "" }),
		// Charges: tiers out of order, a usage charge on a numeric
		// feature, a minimum spend in another currency, volume tiers.
		edit(func(c *portico.Catalog) { c.Plans[6].Charges[0].Prices[0].Tiers[0].UpTo = new(int64) }),
		edit(func(c *portico.Catalog) { c.Plans[7].Charges[0].FeatureID = "members" }),
		edit(func(c *portico.Catalog) { c.Plans[7].MinimumSpend[0].Currency = "eur" }),
		edit(func(c *portico.Catalog) { c.Plans[6].Charges[0].TiersMode = portico.TiersVolume }),
	}
	for _, s := range []string{
		`{}`, `{"features": [], "products": [], "plans": [], "addons": []}`, `{"features": "all"}`,
		`{"version": 2}`, `null`, `[]`, `{"plans": [{"id": "x", "prices": [{"amount": 1e99}]}]}`,
		`{"features": [{"id": "seats", "name": "Seats", "type": "numeric"}], "products": [{"id": "app", "name": "App", "subscriptionType": "single",
		  "journey": {"start": "pricing_table", "downgrade": "immediate", "usageReset": "never", "cancellation": "immediate", "afterCancel": "revoke"}}],
		  "plans": [{"id": "pro", "productId": "app", "name": "Pro", "pricing": "paid", "trialDays": 14,
		    "prices": [{"billingPeriod": "monthly", "amount": 2900, "currency": "usd", "stripePriceId": "price_pro"}],
		    "entitlements": [{"featureId": "seats", "limit": 10}]}]}`,
	} {
		seeds = append(seeds, []byte(s))
	}
	return seeds
}
