package sqlite

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
)

func openTemp(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "portico.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func TestOpenMigratesOnceInWALMode(t *testing.T) {
	s, path := openTemp(t)
	var mode string
	if err := s.write.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v; want wal", mode, err)
	}
	ctx := context.Background()
	if err := s.Update(ctx, func(tx portico.Tx) error {
		return tx.CreateCustomer(&portico.Customer{ID: "ada", CreatedAt: time.Now()})
	}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	again, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer again.Close()
	var n int
	again.write.QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&n)
	files, _ := fs.Glob(migrations, "migrations/*.sql")
	if n != len(files) || n < 2 {
		t.Errorf("%d migrations recorded, want each of the %d files once", n, len(files))
	}
	if err := again.View(ctx, func(tx portico.Tx) error { _, err := tx.Customer("ada"); return err }); err != nil {
		t.Errorf("data lost across reopen: %v", err)
	}
}

func TestOneLiveSubscriptionPerCustomerProductResource(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	now := time.Now().UTC()
	sub := func(id, resource, status string) *portico.Subscription {
		return &portico.Subscription{ID: id, CustomerID: "ada", ProductID: "app", ResourceID: resource,
			Status: status, CreatedAt: now, CurrentPeriodEnd: now.Add(time.Hour)}
	}
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
	if err := put(&portico.Subscription{}); err == nil {
		t.Fatal("a subscription of an unknown customer was stored")
	}
	s.Update(ctx, func(tx portico.Tx) error { return tx.CreateCustomer(&portico.Customer{ID: "ada", CreatedAt: now}) })
	if err := put(sub("s1", "", portico.StatusActive), sub("s2", "", portico.StatusCanceled), sub("s3", "r1", portico.StatusTrialing)); err != nil {
		t.Fatalf("distinct live subscriptions refused: %v", err)
	}
	if err := put(sub("s4", "", portico.StatusTrialing)); err == nil {
		t.Fatal("a second live subscription for the same product and resource was stored")
	}
	var subs []*portico.Subscription
	s.View(ctx, func(tx portico.Tx) error { var err error; subs, err = tx.SubscriptionsOf("ada"); return err })
	if len(subs) != 3 {
		t.Errorf("%d subscriptions stored, want 3 (the refused one rolled back)", len(subs))
	}
}

func TestFailedUpdateChangesNothing(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	boom := errors.New("boom")
	err := s.Update(ctx, func(tx portico.Tx) error {
		if err := tx.CreateCustomer(&portico.Customer{ID: "ada", CreatedAt: time.Now()}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v", err)
	}
	err = s.View(ctx, func(tx portico.Tx) error { _, err := tx.Customer("ada"); return err })
	if !errors.Is(err, portico.ErrNotFound) {
		t.Errorf("customer after a failed update: %v, want ErrNotFound", err)
	}
	if err := s.View(ctx, func(tx portico.Tx) error { return tx.PutCatalog(&portico.Catalog{}, portico.CatalogChange{}) }); err == nil {
		t.Error("a write inside View succeeded")
	}
}

// An Update made with a write transaction's context joins it as a
// savepoint: its failure undoes its own writes, the rest commits.
func TestNestedUpdateIsASavepoint(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	boom := errors.New("boom")
	err := s.Update(ctx, func(tx portico.Tx) error {
		if err := tx.CreateCustomer(&portico.Customer{ID: "kept", CreatedAt: time.Now()}); err != nil {
			return err
		}
		inner := s.Update(tx.Context(), func(tx portico.Tx) error {
			if err := tx.CreateCustomer(&portico.Customer{ID: "undone", CreatedAt: time.Now()}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(inner, boom) {
			t.Errorf("inner Update = %v", inner)
		}
		return s.Update(tx.Context(), func(tx portico.Tx) error {
			return tx.CreateCustomer(&portico.Customer{ID: "nested", CreatedAt: time.Now()})
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]bool{"kept": true, "nested": true, "undone": false} {
		err := s.View(ctx, func(tx portico.Tx) error { _, err := tx.Customer(id); return err })
		if (err == nil) != want {
			t.Errorf("customer %s stored = %v, want %v", id, err == nil, want)
		}
	}
}

// Transactions share a decoded catalog while it is current: a new
// version, or one that another store (another process) wrote, is read
// afresh, and a catalog not yet committed is never shared.
func TestReadersSeeTheCurrentCatalog(t *testing.T) {
	s, path := openTemp(t)
	ctx := context.Background()
	put := func(st *Store, name string) {
		t.Helper()
		err := st.Update(ctx, func(tx portico.Tx) error {
			return tx.PutCatalog(&portico.Catalog{Products: []portico.Product{{ID: "p", Name: name}}}, portico.CatalogChange{By: "test"})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	read := func() (string, int64) {
		t.Helper()
		var name string
		var version int64
		err := s.View(ctx, func(tx portico.Tx) error {
			c, v, err := tx.Catalog()
			if err == nil && len(c.Products) > 0 {
				name, version = c.Products[0].Name, v
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return name, version
	}
	put(s, "one")
	if name, v := read(); name != "one" || v != 1 {
		t.Fatalf("catalog = %q v%d, want one v1", name, v)
	}
	put(s, "two")
	if name, v := read(); name != "two" || v != 2 {
		t.Errorf("after a new version: %q v%d, want two v2", name, v)
	}
	other, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	put(other, "three")
	if name, v := read(); name != "three" || v != 3 {
		t.Errorf("after another process's write: %q v%d, want three v3", name, v)
	}
	// A writer reading the catalog it has just put, then rolling back,
	// leaves the readers with the committed one.
	_ = s.Update(ctx, func(tx portico.Tx) error {
		if err := tx.PutCatalog(&portico.Catalog{Products: []portico.Product{{ID: "p", Name: "rolled back"}}}, portico.CatalogChange{}); err != nil {
			return err
		}
		if _, _, err := tx.Catalog(); err != nil {
			return err
		}
		return errors.New("roll back")
	})
	if name, _ := read(); name != "three" {
		t.Errorf("a failed writer's change reached readers: %q", name)
	}
}

func TestCatalogVersionsAreKeptWithTheirChange(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "portico.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	at := time.Date(2026, 3, 2, 10, 15, 0, 0, time.UTC)
	for i, name := range []string{"first", "second", "third"} {
		err := s.Update(ctx, func(tx portico.Tx) error {
			return tx.PutCatalog(&portico.Catalog{Products: []portico.Product{{ID: "p", Name: name}}},
				portico.CatalogChange{By: "console", At: at.Add(time.Duration(i) * time.Minute), Note: name})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	_ = s.View(ctx, func(tx portico.Tx) error {
		vs, err := tx.CatalogVersions(0, 2)
		if err != nil || len(vs) != 2 || vs[0].Version != 3 || vs[1].Version != 2 || vs[0].Note != "third" ||
			vs[0].By != "console" || !vs[0].At.Equal(at.Add(2*time.Minute)) {
			t.Errorf("newest two = %+v, %v", vs, err)
		}
		if older, _ := tx.CatalogVersions(2, 10); len(older) != 1 || older[0].Version != 1 {
			t.Errorf("before 2 = %+v", older)
		}
		v, c, err := tx.CatalogVersion(1)
		if err != nil || v.Note != "first" || c.Products[0].Name != "first" {
			t.Errorf("version 1 = %+v %+v %v", v, c, err)
		}
		if _, _, err := tx.CatalogVersion(4); !errors.Is(err, portico.ErrNotFound) {
			t.Errorf("an unknown version: %v, want ErrNotFound", err)
		}
		return nil
	})
}
