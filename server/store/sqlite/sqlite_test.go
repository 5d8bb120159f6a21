package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/billing"
	"github.com/portico-dev/portico/server/store/internal/sqlconn"
	"github.com/portico-dev/portico/server/store/storetest"
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
	seq, err := migrationSet().Sequence()
	if err != nil {
		t.Fatal(err)
	}
	if n != len(seq) || n < 2 {
		t.Errorf("%d migrations recorded, want each of the %d once", n, len(seq))
	}
	if err := again.View(ctx, func(tx portico.Tx) error { _, err := tx.Customer("ada"); return err }); err != nil {
		t.Errorf("data lost across reopen: %v", err)
	}
}

var _ billing.Store = (*Store)(nil)

// Migration 0007 drops the portal records that were kept per customer,
// whatever the session's scope (which scope made them is unknown), and
// names the backend's records' principal.
func TestIdempotencyMigrationKeepsOnlyRecordsOfAKnownPrincipal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "portico.db")
	storetest.IdempotencyMigration(t, func(t *testing.T) sqlconn.Conn {
		s, err := Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return dbConn{s.write}
	})
}

// A store joins only its own transactions: an Update on one database made
// with the context of another's transaction commits on its own database,
// whatever becomes of the other's.
func TestAnotherStoresTransactionIsNotJoined(t *testing.T) {
	a, _ := openTemp(t)
	b, _ := openTemp(t)
	ctx := context.Background()
	rollBack := errors.New("roll back")
	err := a.Update(ctx, func(tx portico.Tx) error {
		if err := b.Update(tx.Context(), func(tx portico.Tx) error {
			return tx.CreateCustomer(&portico.Customer{ID: "ada", CreatedAt: time.Now()})
		}); err != nil {
			return err
		}
		return rollBack
	})
	if !errors.Is(err, rollBack) {
		t.Fatal(err)
	}
	if err := b.View(ctx, func(tx portico.Tx) error { _, err := tx.Customer("ada"); return err }); err != nil {
		t.Errorf("the customer written to the other store: %v", err)
	}
}
