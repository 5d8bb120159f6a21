// Package storetest is the conformance suite every portico.Store runs: the
// SQLite store and the PostgreSQL store must behave alike, down to ordering
// and what a failed transaction leaves behind.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/billing"
	billingtest "github.com/portico-dev/portico/server/billing/storetest"
)

// Opener opens a store on one database. Each call opens another store on
// the same database, as another process (or replica) would.
type Opener func(t *testing.T) portico.Store

// NewDatabase returns an Opener for a new, empty database.
type NewDatabase func(t *testing.T) Opener

// Run runs the suite, each test on a database of its own.
func Run(t *testing.T, newDB NewDatabase) {
	tests := []struct {
		name string
		fn   func(t *testing.T, open Opener)
	}{
		{"CustomersRoundTrip", customersRoundTrip},
		{"SubscriptionsRoundTrip", subscriptionsRoundTrip},
		{"OneLiveSubscriptionPerCustomerProductResource", oneLiveSubscription},
		{"DueSubscriptionsInOrder", dueSubscriptions},
		{"DueAtOneInstantInIDOrder", dueAtOneInstant},
		{"PromotionsUsageProfilesInvoices", promotionsUsageProfilesInvoices},
		{"FailedUpdateChangesNothing", failedUpdateChangesNothing},
		{"NestedUpdateIsASavepoint", nestedUpdateIsASavepoint},
		{"CatalogVersions", catalogVersions},
		{"CatalogHistory", catalogHistory},
		{"Snapshots", snapshots},
		{"TouchedCustomers", touchedCustomers},
		{"IdempotencyRecords", idempotencyRecords},
		{"IdempotencyExpiryAndPruning", idempotencyExpiry},
		{"ConsoleRevocations", consoleRevocations},
		{"EventLog", eventLog},
		{"WebhookDeliveries", webhookDeliveries},
		{"PromotionExpiries", promotionExpiries},
		{"WritersDoNotInterleave", writersDoNotInterleave},
		{"ViewSeesOneSnapshot", viewSeesOneSnapshot},
		{"BillingLinksAndEvents", billingLinksAndEvents},
		{"SharedAcrossReplicas", sharedAcrossReplicas},
		{"UsageHistory", usageHistory},
		{"UsageKeys", usageKeys},
		{"BulkReads", bulkReads},
		{"BulkWrites", bulkWrites},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newDB(t)) })
	}
}

var (
	ctx = context.Background()
	// t0 has nanoseconds: stores must keep times exactly.
	t0 = time.Date(2026, 3, 1, 10, 0, 0, 123456789, time.UTC)
)

func update(t *testing.T, s portico.Store, fn func(portico.Tx) error) {
	t.Helper()
	if err := s.Update(ctx, fn); err != nil {
		t.Fatal(err)
	}
}

func view[T any](t *testing.T, s portico.Store, fn func(portico.Tx) (T, error)) T {
	t.Helper()
	var out T
	err := s.View(ctx, func(tx portico.Tx) error {
		var err error
		out, err = fn(tx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func customer(id string) *portico.Customer {
	return &portico.Customer{ID: id, Name: "Customer " + id, Email: id + "@example.com", CreatedAt: t0,
		Metadata: map[string]string{"plan": "x"}}
}

func createCustomers(t *testing.T, s portico.Store, ids ...string) {
	t.Helper()
	update(t, s, func(tx portico.Tx) error {
		for _, id := range ids {
			if err := tx.CreateCustomer(customer(id)); err != nil {
				return err
			}
		}
		return nil
	})
}

func sub(id, customerID, resource string, status portico.SubscriptionStatus, created time.Time) *portico.Subscription {
	return &portico.Subscription{ID: id, CustomerID: customerID, ProductID: "app", ResourceID: resource,
		PlanID: "pro", Status: status, CreatedAt: created, CurrentPeriodStart: created, CurrentPeriodEnd: created.Add(30 * 24 * time.Hour)}
}

func customersRoundTrip(t *testing.T, open Opener) {
	s := open(t)
	if err := s.View(ctx, func(tx portico.Tx) error { _, err := tx.Customer("ada"); return err }); !errors.Is(err, portico.ErrNotFound) {
		t.Fatalf("a missing customer: %v, want ErrNotFound", err)
	}
	createCustomers(t, s, "ada", "bob")
	got := view(t, s, func(tx portico.Tx) (*portico.Customer, error) { return tx.Customer("ada") })
	if got.Name != "Customer ada" || !got.CreatedAt.Equal(t0) || got.Metadata["plan"] != "x" {
		t.Errorf("customer read back = %+v", got)
	}
	if err := s.Update(ctx, func(tx portico.Tx) error { return tx.CreateCustomer(customer("ada")) }); err == nil {
		t.Error("a second customer with the same ID was stored")
	}
	got.Name = "Ada Lovelace"
	update(t, s, func(tx portico.Tx) error { return tx.UpdateCustomer(got) })
	if c := view(t, s, func(tx portico.Tx) (*portico.Customer, error) { return tx.Customer("ada") }); c.Name != "Ada Lovelace" {
		t.Errorf("after an update the name is %q", c.Name)
	}
	if n := view(t, s, func(tx portico.Tx) (int, error) { return tx.CustomerCount() }); n != 2 {
		t.Errorf("CustomerCount = %d, want 2", n)
	}
}

func subscriptionsRoundTrip(t *testing.T, open Opener) {
	s := open(t)
	createCustomers(t, s, "ada", "bob")
	later := t0.Add(time.Minute)
	update(t, s, func(tx portico.Tx) error {
		for _, x := range []*portico.Subscription{sub("s2", "ada", "r1", portico.StatusActive, later),
			sub("s1", "ada", "", portico.StatusActive, t0), sub("s3", "bob", "", portico.StatusTrialing, t0)} {
			if err := tx.PutSubscription(x); err != nil {
				return err
			}
		}
		return nil
	})
	subs := view(t, s, func(tx portico.Tx) ([]*portico.Subscription, error) { return tx.SubscriptionsOf("ada") })
	if ids := subIDs(subs); !slices.Equal(ids, []string{"s1", "s2"}) {
		t.Errorf("SubscriptionsOf(ada) = %v, want [s1 s2] (oldest first)", ids)
	}
	got := view(t, s, func(tx portico.Tx) (*portico.Subscription, error) { return tx.Subscription("s1") })
	if !got.CurrentPeriodEnd.Equal(t0.Add(30*24*time.Hour)) || got.PlanID != "pro" {
		t.Errorf("subscription read back = %+v", got)
	}
	got.Status = portico.StatusCanceled
	update(t, s, func(tx portico.Tx) error { return tx.PutSubscription(got) })
	if g := view(t, s, func(tx portico.Tx) (*portico.Subscription, error) { return tx.Subscription("s1") }); g.Status != portico.StatusCanceled {
		t.Errorf("after an update the status is %q", g.Status)
	}
	if err := s.View(ctx, func(tx portico.Tx) error { _, err := tx.Subscription("nope"); return err }); !errors.Is(err, portico.ErrNotFound) {
		t.Errorf("a missing subscription: %v, want ErrNotFound", err)
	}
	for product, want := range map[string]bool{"app": true, "other": false} {
		if has := view(t, s, func(tx portico.Tx) (bool, error) { return tx.ProductHasSubscriptions(product) }); has != want {
			t.Errorf("ProductHasSubscriptions(%s) = %v, want %v", product, has, want)
		}
	}
	// s1 was cancelled above: s2 (active) and s3 (trialing) are live.
	live := view(t, s, func(tx portico.Tx) ([]string, error) {
		var ids []string
		return ids, tx.EachLiveSubscription("app", func(s *portico.Subscription) error { ids = append(ids, s.ID); return nil })
	})
	if want := []string{"s3", "s2"}; !slices.Equal(live, want) {
		t.Errorf("EachLiveSubscription(app) = %v, want %v (live ones, oldest first)", live, want)
	}
	stop := errors.New("stop")
	calls := 0
	err := s.View(ctx, func(tx portico.Tx) error {
		return tx.EachLiveSubscription("app", func(*portico.Subscription) error { calls++; return stop })
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("EachLiveSubscription after fn's error: %v after %d calls, want fn's error after 1", err, calls)
	}
}

func subIDs(subs []*portico.Subscription) []string {
	var ids []string
	for _, s := range subs {
		ids = append(ids, s.ID)
	}
	return ids
}

func oneLiveSubscription(t *testing.T, open Opener) {
	s := open(t)
	put := func(subs ...*portico.Subscription) error {
		return s.Update(ctx, func(tx portico.Tx) error {
			for _, x := range subs {
				if err := tx.PutSubscription(x); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := put(sub("s0", "ghost", "", portico.StatusActive, t0)); err == nil {
		t.Fatal("a subscription of an unknown customer was stored")
	}
	createCustomers(t, s, "ada")
	if err := put(sub("s1", "ada", "", portico.StatusActive, t0), sub("s2", "ada", "", portico.StatusCanceled, t0),
		sub("s3", "ada", "r1", portico.StatusTrialing, t0)); err != nil {
		t.Fatalf("distinct live subscriptions refused: %v", err)
	}
	if err := put(sub("s4", "ada", "", portico.StatusTrialing, t0)); err == nil {
		t.Fatal("a second live subscription for the same product and resource was stored")
	}
	if n := len(view(t, s, func(tx portico.Tx) ([]*portico.Subscription, error) { return tx.SubscriptionsOf("ada") })); n != 3 {
		t.Errorf("%d subscriptions stored, want 3 (the refused one rolled back)", n)
	}
}

func dueSubscriptions(t *testing.T, open Opener) {
	s := open(t)
	createCustomers(t, s, "ada", "bob", "cy")
	update(t, s, func(tx portico.Tx) error {
		for i, c := range []string{"ada", "bob", "cy"} {
			x := sub("s-"+c, c, "", portico.StatusActive, t0)
			// Due in reverse order of creation: cy first.
			x.CurrentPeriodEnd = t0.Add(time.Duration(3-i) * time.Hour)
			if err := tx.PutSubscription(x); err != nil {
				return err
			}
		}
		ended := sub("s-ended", "ada", "r9", portico.StatusCanceled, t0)
		return tx.PutSubscription(ended)
	})
	due := func(at time.Time, limit int) []string {
		return subIDs(view(t, s, func(tx portico.Tx) ([]*portico.Subscription, error) { return tx.DueSubscriptions(at, limit) }))
	}
	if got := due(t0.Add(2*time.Hour), 10); !slices.Equal(got, []string{"s-cy", "s-bob"}) {
		t.Errorf("due at +2h = %v, want [s-cy s-bob] (soonest first, at the instant included)", got)
	}
	if got := due(t0.Add(5*time.Hour), 1); !slices.Equal(got, []string{"s-cy"}) {
		t.Errorf("due with limit 1 = %v, want [s-cy]", got)
	}
	if got := due(t0, 10); len(got) != 0 {
		t.Errorf("due at t0 = %v, want none", got)
	}
}

// Subscriptions due at the same instant come in ID order, whichever was
// written first: the stores share one query, and an order left to each
// (SQLite's rowid, PostgreSQL's heap) would differ.
func dueAtOneInstant(t *testing.T, open Opener) {
	s := open(t)
	createCustomers(t, s, "ada", "bob", "cy")
	update(t, s, func(tx portico.Tx) error {
		for _, c := range []string{"cy", "ada", "bob"} {
			if err := tx.PutSubscription(sub("s-"+c, c, "", portico.StatusActive, t0)); err != nil {
				return err
			}
		}
		return nil
	})
	due := view(t, s, func(tx portico.Tx) ([]*portico.Subscription, error) {
		return tx.DueSubscriptions(t0.Add(31*24*time.Hour), 2)
	})
	if got := subIDs(due); !slices.Equal(got, []string{"s-ada", "s-bob"}) {
		t.Errorf("due at one instant, limit 2 = %v, want [s-ada s-bob]", got)
	}
}

func promotionsUsageProfilesInvoices(t *testing.T, open Opener) {
	s := open(t)
	createCustomers(t, s, "ada")
	limit := int64(50)
	update(t, s, func(tx portico.Tx) error {
		for i, id := range []string{"p2", "p1"} {
			if err := tx.AddPromotion(portico.Promotion{ID: id, CustomerID: "ada", FeatureID: "seats", Limit: limit,
				GrantedAt: t0.Add(time.Duration(i) * time.Second)}); err != nil {
				return err
			}
		}
		if err := tx.PutUsage(portico.UsageRecord{CustomerID: "ada", FeatureID: "api", Value: 5, PeriodStart: t0}); err != nil {
			return err
		}
		if err := tx.PutUsage(portico.UsageRecord{CustomerID: "ada", FeatureID: "api", Value: 7, PeriodStart: t0.Add(time.Hour)}); err != nil {
			return err
		}
		if err := tx.PutUsage(portico.UsageRecord{CustomerID: "ada", FeatureID: "api", ResourceID: "r1", Value: 1, PeriodStart: t0}); err != nil {
			return err
		}
		if err := tx.PutBillingProfile("ada", &portico.BillingProfile{Name: "Ada Ltd"}); err != nil {
			return err
		}
		for _, inv := range []portico.Invoice{{ID: "in_1", Created: t0}, {ID: "in_2", Created: t0}, {ID: "in_3", Created: t0.Add(-time.Hour)}} {
			if err := tx.AddInvoice("ada", inv); err != nil {
				return err
			}
		}
		return nil
	})
	promos := view(t, s, func(tx portico.Tx) ([]portico.Promotion, error) { return tx.PromotionsOf("ada") })
	if len(promos) != 2 || promos[0].ID != "p2" || promos[0].Limit != 50 {
		t.Errorf("PromotionsOf = %+v, want p2 then p1 (in grant order)", promos)
	}
	usage := view(t, s, func(tx portico.Tx) ([]portico.UsageRecord, error) { return tx.UsageOf("ada") })
	if len(usage) != 2 || usage[0].Value != 7 || !usage[0].PeriodStart.Equal(t0.Add(time.Hour)) || usage[1].ResourceID != "r1" {
		t.Errorf("UsageOf = %+v, want api=7 (replaced) then api/r1=1", usage)
	}
	if p := view(t, s, func(tx portico.Tx) (*portico.BillingProfile, error) { return tx.BillingProfile("ada") }); p.Name != "Ada Ltd" {
		t.Errorf("billing profile = %+v", p)
	}
	if err := s.View(ctx, func(tx portico.Tx) error { _, err := tx.BillingProfile("bob"); return err }); !errors.Is(err, portico.ErrNotFound) {
		t.Errorf("a missing billing profile: %v, want ErrNotFound", err)
	}
	var ids []string
	for _, inv := range view(t, s, func(tx portico.Tx) ([]portico.Invoice, error) { return tx.InvoicesOf("ada") }) {
		ids = append(ids, inv.ID)
	}
	if !slices.Equal(ids, []string{"in_2", "in_1", "in_3"}) {
		t.Errorf("InvoicesOf = %v, want [in_2 in_1 in_3] (newest first, last added first on a tie)", ids)
	}
}

func failedUpdateChangesNothing(t *testing.T, open Opener) {
	s := open(t)
	boom := errors.New("boom")
	err := s.Update(ctx, func(tx portico.Tx) error {
		if err := tx.CreateCustomer(customer("ada")); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v, want the function's error", err)
	}
	if err := s.View(ctx, func(tx portico.Tx) error { _, err := tx.Customer("ada"); return err }); !errors.Is(err, portico.ErrNotFound) {
		t.Errorf("customer after a failed update: %v, want ErrNotFound", err)
	}
	if err := s.View(ctx, func(tx portico.Tx) error { return tx.PutCatalog(&portico.Catalog{}, portico.CatalogChange{}) }); err == nil {
		t.Error("a write inside View succeeded")
	}
	if _, v := readCatalog(t, s); v != 0 {
		t.Errorf("catalog version %d after a refused write, want 0", v)
	}
}

// An Update made with a write transaction's context joins it as a
// savepoint: its failure undoes its own writes, the rest commits.
func nestedUpdateIsASavepoint(t *testing.T, open Opener) {
	s := open(t)
	boom := errors.New("boom")
	update(t, s, func(tx portico.Tx) error {
		if err := tx.CreateCustomer(customer("kept")); err != nil {
			return err
		}
		inner := s.Update(tx.Context(), func(tx portico.Tx) error {
			if err := tx.CreateCustomer(customer("undone")); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(inner, boom) {
			t.Errorf("inner Update = %v", inner)
		}
		// A statement that fails inside a savepoint leaves the transaction
		// usable once the savepoint is undone.
		dup := s.Update(tx.Context(), func(tx portico.Tx) error { return tx.CreateCustomer(customer("kept")) })
		if dup == nil {
			t.Error("a duplicate customer was stored in a savepoint")
		}
		return s.Update(tx.Context(), func(tx portico.Tx) error { return tx.CreateCustomer(customer("nested")) })
	})
	for id, want := range map[string]bool{"kept": true, "nested": true, "undone": false} {
		err := s.View(ctx, func(tx portico.Tx) error { _, err := tx.Customer(id); return err })
		if (err == nil) != want {
			t.Errorf("customer %s stored = %v, want %v", id, err == nil, want)
		}
	}
}

func readCatalog(t *testing.T, s portico.Store) (string, int64) {
	t.Helper()
	var name string
	var version int64
	err := s.View(ctx, func(tx portico.Tx) error {
		c, v, err := tx.Catalog()
		if err == nil && len(c.Products) > 0 {
			name = c.Products[0].Name
		}
		version = v
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return name, version
}

// Each PutCatalog is a new version; readers see the current one, including
// one another process wrote, and never a catalog not yet committed.
func catalogVersions(t *testing.T, open Opener) {
	s := open(t)
	put := func(st portico.Store, name string) {
		t.Helper()
		update(t, st, func(tx portico.Tx) error {
			return tx.PutCatalog(&portico.Catalog{Products: []portico.Product{{ID: "p", Name: name}}}, portico.CatalogChange{By: "test"})
		})
	}
	if name, v := readCatalog(t, s); name != "" || v != 0 {
		t.Fatalf("empty store: catalog %q v%d, want none v0", name, v)
	}
	put(s, "one")
	if name, v := readCatalog(t, s); name != "one" || v != 1 {
		t.Fatalf("catalog = %q v%d, want one v1", name, v)
	}
	put(s, "two")
	if name, v := readCatalog(t, s); name != "two" || v != 2 {
		t.Errorf("after a new version: %q v%d, want two v2", name, v)
	}
	other := open(t)
	put(other, "three")
	if name, v := readCatalog(t, s); name != "three" || v != 3 {
		t.Errorf("after another process's write: %q v%d, want three v3", name, v)
	}
	_ = s.Update(ctx, func(tx portico.Tx) error {
		if err := tx.PutCatalog(&portico.Catalog{Products: []portico.Product{{ID: "p", Name: "rolled back"}}}, portico.CatalogChange{}); err != nil {
			return err
		}
		if c, _, err := tx.Catalog(); err != nil || c.Products[0].Name != "rolled back" {
			t.Errorf("a writer does not read its own catalog: %v", err)
		}
		return errors.New("roll back")
	})
	if name, v := readCatalog(t, s); name != "three" || v != 3 {
		t.Errorf("a failed writer's change reached readers: %q v%d", name, v)
	}
}

// Every saved catalog is kept with who saved it, when and why, and can be
// read back; a version saved by a failed writer is not kept.
func catalogHistory(t *testing.T, open Opener) {
	s := open(t)
	for i, name := range []string{"first", "second", "third"} {
		update(t, s, func(tx portico.Tx) error {
			return tx.PutCatalog(&portico.Catalog{Products: []portico.Product{{ID: "p", Name: name}}},
				portico.CatalogChange{By: "console", At: t0.Add(time.Duration(i) * time.Minute), Note: name})
		})
	}
	_ = s.Update(ctx, func(tx portico.Tx) error {
		tx.PutCatalog(&portico.Catalog{}, portico.CatalogChange{By: "rolled back"})
		return errors.New("roll back")
	})
	newest := view(t, s, func(tx portico.Tx) ([]portico.CatalogVersion, error) { return tx.CatalogVersions(0, 2) })
	if len(newest) != 2 || newest[0].Version != 3 || newest[1].Version != 2 || newest[0].Note != "third" ||
		newest[0].By != "console" || !newest[0].At.Equal(t0.Add(2*time.Minute)) {
		t.Errorf("the newest two versions = %+v", newest)
	}
	if older := view(t, s, func(tx portico.Tx) ([]portico.CatalogVersion, error) { return tx.CatalogVersions(2, 10) }); len(older) != 1 || older[0].Version != 1 {
		t.Errorf("versions before 2 = %+v", older)
	}
	err := s.View(ctx, func(tx portico.Tx) error {
		v, c, err := tx.CatalogVersion(1)
		if err != nil {
			return err
		}
		if v.Note != "first" || len(c.Products) != 1 || c.Products[0].Name != "first" {
			t.Errorf("version 1 = %+v %+v", v, c)
		}
		if _, _, err := tx.CatalogVersion(4); !errors.Is(err, portico.ErrNotFound) {
			t.Errorf("a version never kept: %v, want ErrNotFound", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func snapshots(t *testing.T, open Opener) {
	s := open(t)
	reader, ok := s.(portico.SnapshotReader)
	if !ok {
		t.Skip("the store reads snapshots in transactions only")
	}
	createCustomers(t, s, "ada")
	update(t, s, func(tx portico.Tx) error { return tx.PutCatalog(&portico.Catalog{}, portico.CatalogChange{}) })
	put := func(scope string, version int64, body string) {
		update(t, s, func(tx portico.Tx) error {
			return tx.PutSnapshot(portico.Snapshot{CustomerID: "ada", Kind: portico.SnapshotEntitlements, Scope: scope,
				CatalogVersion: version, ValidUntil: t0.Add(time.Hour), Body: []byte(body)})
		})
	}
	get := func(scope string, at time.Time) string {
		t.Helper()
		body, ok, err := reader.Snapshot(ctx, "ada", portico.SnapshotEntitlements, scope, at)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			return "(none)"
		}
		return string(body)
	}
	put("", 1, `[1]`)
	put("r1", 1, `[2]`)
	if got := get("", t0); got != `[1]` {
		t.Errorf("snapshot = %s, want [1]", got)
	}
	put("", 1, `[3]`)
	if got := get("", t0); got != `[3]` {
		t.Errorf("a replaced snapshot = %s, want [3]", got)
	}
	if got := get("", t0.Add(time.Hour)); got != "(none)" {
		t.Errorf("at valid_until the snapshot is still given: %s", got)
	}
	if got := get("r2", t0); got != "(none)" {
		t.Errorf("another scope's snapshot given: %s", got)
	}
	update(t, s, func(tx portico.Tx) error { return tx.PutCatalog(&portico.Catalog{}, portico.CatalogChange{}) })
	if got := get("", t0); got != "(none)" {
		t.Errorf("a snapshot of an older catalog version is given: %s", got)
	}
	put("", 2, `[4]`)
	update(t, s, func(tx portico.Tx) error { return tx.DeleteSnapshots("ada") })
	if got := get("", t0); got != "(none)" {
		t.Errorf("a deleted snapshot is given: %s", got)
	}
}

func touchedCustomers(t *testing.T, open Opener) {
	s := open(t)
	createCustomers(t, s, "ada", "bob", "cy")
	update(t, s, func(tx portico.Tx) error {
		if got := tx.TouchedCustomers(); len(got) != 0 {
			t.Errorf("a new transaction has touched %v", got)
		}
		writes := []error{
			tx.PutUsage(portico.UsageRecord{CustomerID: "cy", FeatureID: "api", Value: 1, PeriodStart: t0}),
			tx.PutSubscription(sub("s1", "ada", "", portico.StatusActive, t0)),
			tx.PutIdempotency(&portico.IdempotencyRecord{Scope: "k", Key: "1", CreatedAt: t0}),
		}
		if err := errors.Join(writes...); err != nil {
			return err
		}
		if got := tx.TouchedCustomers(); !slices.Equal(got, []string{"ada", "cy"}) {
			t.Errorf("TouchedCustomers = %v, want [ada cy]", got)
		}
		if got := tx.TouchedCustomers(); len(got) != 0 {
			t.Errorf("TouchedCustomers a second time = %v, want none (forgotten)", got)
		}
		limit := int64(1)
		writes = []error{
			tx.AddPromotion(portico.Promotion{ID: "p", CustomerID: "bob", FeatureID: "x", Limit: limit, GrantedAt: t0}),
			tx.PutBillingProfile("ada", &portico.BillingProfile{}),
			tx.AddInvoice("cy", portico.Invoice{ID: "in", Created: t0}),
			tx.UpdateCustomer(customer("bob")),
		}
		if err := errors.Join(writes...); err != nil {
			return err
		}
		if got := tx.TouchedCustomers(); !slices.Equal(got, []string{"ada", "bob", "cy"}) {
			t.Errorf("TouchedCustomers = %v, want [ada bob cy]", got)
		}
		return nil
	})
}

// lookup reads a record as live after createdAfter.
func lookup(s portico.Store, scope, key string, createdAfter time.Time) (*portico.IdempotencyRecord, error) {
	var rec *portico.IdempotencyRecord
	err := s.View(ctx, func(tx portico.Tx) error {
		var err error
		rec, err = tx.Idempotency(scope, key, createdAfter)
		return err
	})
	return rec, err
}

func idempotencyRecords(t *testing.T, open Opener) {
	s := open(t)
	live := t0.Add(-time.Hour)
	if _, err := lookup(s, "sk", "k1", live); !errors.Is(err, portico.ErrNotFound) {
		t.Fatalf("a missing record: %v, want ErrNotFound", err)
	}
	rec := &portico.IdempotencyRecord{Scope: "sk", Principal: "backend", Key: "k1", RequestHash: "h1", CreatedAt: t0}
	update(t, s, func(tx portico.Tx) error { return tx.PutIdempotency(rec) })
	rec.Status, rec.Body = 201, []byte(`{"ok":true}`)
	update(t, s, func(tx portico.Tx) error { return tx.PutIdempotency(rec) })
	got, err := lookup(s, "sk", "k1", live)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != 201 || string(got.Body) != `{"ok":true}` || got.RequestHash != "h1" || got.Principal != "backend" || !got.CreatedAt.Equal(t0) {
		t.Errorf("record read back = %+v", got)
	}
	if _, err := lookup(s, "other", "k1", live); !errors.Is(err, portico.ErrNotFound) {
		t.Errorf("a record is shared across scopes: %v", err)
	}
	update(t, s, func(tx portico.Tx) error { return tx.DeleteIdempotency("sk", "k1") })
	if _, err := lookup(s, "sk", "k1", live); !errors.Is(err, portico.ErrNotFound) {
		t.Errorf("a deleted record: %v, want ErrNotFound", err)
	}
}

// A console session signed out through one store (replica) is refused
// through the other until it expires; then it is pruned. A rolled-back
// sign-out revokes nothing.
func consoleRevocations(t *testing.T, open Opener) {
	a, b := open(t), open(t)
	revoked := func(s portico.Store, id string) bool {
		t.Helper()
		return view(t, s, func(tx portico.Tx) (bool, error) { return tx.ConsoleSessionRevoked(id) })
	}
	if revoked(a, "s1") {
		t.Fatal("a session is revoked before any sign-out")
	}
	update(t, a, func(tx portico.Tx) error {
		return errors.Join(tx.RevokeConsoleSession("s1", t0.Add(time.Hour)), tx.RevokeConsoleSession("s2", t0.Add(2*time.Hour)))
	})
	update(t, b, func(tx portico.Tx) error { return tx.RevokeConsoleSession("s1", t0.Add(time.Hour)) })
	if !revoked(b, "s1") || !revoked(b, "s2") || revoked(b, "s3") {
		t.Errorf("after signing out s1 and s2, the other store sees s1 %v, s2 %v, s3 %v", revoked(b, "s1"), revoked(b, "s2"), revoked(b, "s3"))
	}
	err := a.Update(ctx, func(tx portico.Tx) error {
		if err := tx.RevokeConsoleSession("s4", t0.Add(time.Hour)); err != nil {
			return err
		}
		return errors.New("rolled back")
	})
	if err == nil || revoked(b, "s4") {
		t.Errorf("a rolled-back sign-out: %v, revoked %v", err, revoked(b, "s4"))
	}
	// s1 expires at t0+1h: from then on it is refused for its age, and
	// its revocation is forgotten; s2's is kept.
	update(t, b, func(tx portico.Tx) error { return tx.PruneConsoleRevocations(t0.Add(time.Hour - time.Nanosecond)) })
	if !revoked(a, "s1") {
		t.Error("a revocation was pruned before its session expired")
	}
	update(t, b, func(tx portico.Tx) error { return tx.PruneConsoleRevocations(t0.Add(time.Hour)) })
	if revoked(a, "s1") || !revoked(a, "s2") {
		t.Errorf("pruned at s1's expiry: s1 revoked %v (want false), s2 %v (want true)", revoked(a, "s1"), revoked(a, "s2"))
	}
}

// held counts a principal's records created after createdAfter.
func held(t *testing.T, s portico.Store, principal string, createdAfter time.Time) (int, time.Time) {
	t.Helper()
	var n int
	var oldest time.Time
	err := s.View(ctx, func(tx portico.Tx) error {
		var err error
		n, oldest, err = tx.IdempotencyHeld(principal, createdAfter)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n, oldest
}

// Records expire: past the cutoff a record is not found (at the cutoff
// instant included), a new request with its key replaces it, and only the
// live ones count towards what a principal holds. Pruning, from any
// replica, deletes expired records a batch at a time and nothing else; a
// rolled-back prune deletes nothing.
func idempotencyExpiry(t *testing.T, open Opener) {
	s, replica := open(t), open(t)
	const ada, bob = "portal:ada//", "portal:bob/app/"
	record := func(principal, key string, at time.Time, hash string) *portico.IdempotencyRecord {
		return &portico.IdempotencyRecord{Scope: principal + " POST /api/v1/portal/preview", Principal: principal,
			Key: key, RequestHash: hash, Status: 200, Body: []byte(`{}`), CreatedAt: at}
	}
	update(t, s, func(tx portico.Tx) error {
		return errors.Join(
			tx.PutIdempotency(record(ada, "k1", t0, "h")),
			tx.PutIdempotency(record(ada, "k2", t0.Add(time.Hour), "h")),
			tx.PutIdempotency(record(ada, "k3", t0.Add(2*time.Hour), "h")),
			tx.PutIdempotency(record(bob, "k1", t0.Add(time.Hour), "h")),
		)
	})
	cutoff := t0.Add(time.Hour) // a day after the second record
	adaScope := record(ada, "", t0, "").Scope
	for key, live := range map[string]bool{"k1": false, "k2": false, "k3": true} {
		if _, err := lookup(replica, adaScope, key, cutoff); (err == nil) != live {
			t.Errorf("record %s after the cutoff: %v, want live %v", key, err, live)
		}
	}
	if n, oldest := held(t, s, ada, cutoff); n != 1 || !oldest.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("ada holds %d live records, oldest %v; want 1 of %v", n, oldest, t0.Add(2*time.Hour))
	}
	if n, oldest := held(t, s, ada, t0.Add(-time.Hour)); n != 3 || !oldest.Equal(t0) {
		t.Errorf("ada holds %d records in all, oldest %v; want 3 of %v", n, oldest, t0)
	}
	if n, oldest := held(t, s, "portal:nobody//", cutoff); n != 0 || !oldest.IsZero() {
		t.Errorf("nobody holds %d, oldest %v", n, oldest)
	}

	// A new request under an expired key takes its place.
	now := t0.Add(25 * time.Hour)
	update(t, s, func(tx portico.Tx) error { return tx.PutIdempotency(record(ada, "k1", now, "h2")) })
	if got, err := lookup(s, adaScope, "k1", cutoff); err != nil || got.RequestHash != "h2" || !got.CreatedAt.Equal(now) {
		t.Errorf("the replaced record = %+v, %v; want h2 made at %v", got, err, now)
	}

	prune := func(st portico.Store, limit int) int {
		t.Helper()
		var n int
		update(t, st, func(tx portico.Tx) error {
			var err error
			n, err = tx.PruneIdempotency(cutoff, limit)
			return err
		})
		return n
	}
	rollback := errors.New("roll back")
	if err := s.Update(ctx, func(tx portico.Tx) error { tx.PruneIdempotency(cutoff, 10); return rollback }); !errors.Is(err, rollback) {
		t.Fatal(err)
	}
	if n, _ := held(t, s, bob, t0.Add(-time.Hour)); n != 1 {
		t.Errorf("a rolled-back prune deleted bob's record")
	}
	// Expired now: ada's k2 and bob's k1.
	if a, b, c := prune(replica, 1), prune(s, 10), prune(replica, 10); a != 1 || b != 1 || c != 0 {
		t.Errorf("pruned %d, then %d, then %d; want 1, 1, 0", a, b, c)
	}
	if n, _ := held(t, s, ada, t0.Add(-time.Hour)); n != 2 {
		t.Errorf("ada holds %d records after pruning, want 2 (k1 renewed, k3)", n)
	}
	if n, _ := held(t, s, bob, t0.Add(-time.Hour)); n != 0 {
		t.Errorf("bob holds %d records after pruning, want none", n)
	}
}

// Read-modify-write transactions from two stores on one database (two
// replicas) never interleave: no increment is lost.
func writersDoNotInterleave(t *testing.T, open Opener) {
	stores := []portico.Store{open(t), open(t)}
	createCustomers(t, stores[0], "ada")
	const perStore = 15
	var wg sync.WaitGroup
	var failures atomic.Int32
	for _, s := range stores {
		for range perStore {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := s.Update(ctx, func(tx portico.Tx) error {
					usage, err := tx.UsageOf("ada")
					if err != nil {
						return err
					}
					var v int64
					if len(usage) > 0 {
						v = usage[0].Value
					}
					return tx.PutUsage(portico.UsageRecord{CustomerID: "ada", FeatureID: "api", Value: v + 1, PeriodStart: t0})
				})
				if err != nil {
					failures.Add(1)
					t.Error(err)
				}
			}()
		}
	}
	wg.Wait()
	usage := view(t, stores[1], func(tx portico.Tx) ([]portico.UsageRecord, error) { return tx.UsageOf("ada") })
	if len(usage) != 1 || usage[0].Value != 2*perStore-int64(failures.Load()) {
		t.Errorf("usage after %d increments = %+v", 2*perStore, usage)
	}
}

// A read transaction sees the store as it was when it began reading,
// whatever commits meanwhile.
func viewSeesOneSnapshot(t *testing.T, open Opener) {
	s := open(t)
	createCustomers(t, s, "ada")
	err := s.View(ctx, func(tx portico.Tx) error {
		before, err := tx.CustomerCount()
		if err != nil {
			return err
		}
		done := make(chan error, 1)
		go func() {
			done <- s.Update(ctx, func(w portico.Tx) error { return w.CreateCustomer(customer("bob")) })
		}()
		if err := <-done; err != nil {
			return fmt.Errorf("a write beside a read: %w", err)
		}
		after, err := tx.CustomerCount()
		if err != nil {
			return err
		}
		if before != 1 || after != 1 {
			t.Errorf("counts within one read = %d then %d, want 1 both times", before, after)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func billingLinksAndEvents(t *testing.T, open Opener) {
	s := open(t)
	bs, ok := s.(billing.Store)
	if !ok {
		t.Skip("the store keeps no billing links")
	}
	createCustomers(t, s, "ada", "bob")
	update(t, s, func(tx portico.Tx) error {
		return tx.PutSubscription(sub("sub-1", "ada", "", portico.StatusActive, t0))
	})
	billingtest.Run(t, bs)
}

// What replicas share: webhook deduplication, one exclusive worker at a
// time, one secret, one test clock.
func sharedAcrossReplicas(t *testing.T, open Opener) {
	a, b := open(t), open(t)
	if ea, ok := a.(portico.Exclusive); ok {
		eb := b.(portico.Exclusive)
		ran, err := ea.TryExclusive(ctx, "scheduler", func(ctx context.Context) error {
			inner, err := eb.TryExclusive(ctx, "scheduler", func(context.Context) error { return nil })
			if err != nil || inner {
				t.Errorf("a second replica ran exclusive work beside the first (%v)", err)
			}
			other, err := eb.TryExclusive(ctx, "other work", func(context.Context) error { return nil })
			if err != nil || !other {
				t.Errorf("work of another name was held back (%v)", err)
			}
			return nil
		})
		if err != nil || !ran {
			t.Fatalf("the first replica did not run exclusive work: %v", err)
		}
		if again, err := eb.TryExclusive(ctx, "scheduler", func(context.Context) error { return nil }); err != nil || !again {
			t.Errorf("exclusive work not released after it ended (%v)", err)
		}
	}
	if ba, ok := a.(billing.Store); ok {
		bb := b.(billing.Store)
		first, err1 := ba.RecordEvent(ctx, "evt_shared")
		second, err2 := bb.RecordEvent(ctx, "evt_shared")
		if err := errors.Join(err1, err2); err != nil || !first || second {
			t.Errorf("one webhook event delivered to two replicas: new %v then %v (%v), want true then false", first, second, err)
		}
	}
	if sa, ok := a.(portico.SharedSecrets); ok {
		first, err := sa.Secret(ctx, "session", func() string { return "from-a" })
		if err != nil {
			t.Fatal(err)
		}
		second, err := b.(portico.SharedSecrets).Secret(ctx, "session", func() string { return "from-b" })
		if err != nil || first != "from-a" || second != "from-a" {
			t.Errorf("secrets = %q, %q (%v), want the first stored for both", first, second, err)
		}
	}
	if ca, ok := a.(portico.SharedClock); ok {
		cb := b.(portico.SharedClock)
		if d, err := cb.ClockOffset(ctx); err != nil || d != 0 {
			t.Errorf("offset before any advance = %v, %v", d, err)
		}
		ca.RaiseClockOffset(ctx, 2*time.Hour)
		if d, err := cb.RaiseClockOffset(ctx, time.Hour); err != nil || d != 2*time.Hour {
			t.Errorf("raising to less = %v, %v; want the 2h kept", d, err)
		}
		if d, err := cb.ClockOffset(ctx); err != nil || d != 2*time.Hour {
			t.Errorf("offset seen by another replica = %v, %v", d, err)
		}
	}
}
