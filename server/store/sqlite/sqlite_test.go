package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/billing"
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
	s, path := openTemp(t)
	ctx := context.Background()
	for _, q := range []string{
		// Back to the schema before 0007, with records as they were kept.
		`DROP INDEX idempotency_principal`,
		`DROP INDEX idempotency_created`,
		`ALTER TABLE idempotency DROP COLUMN principal`,
		`DELETE FROM schema_migrations WHERE version = 7`,
		`INSERT INTO idempotency (scope, key, request_hash, status, body, created_at) VALUES
			('portal:ada POST /api/v1/portal/preview', 'k', 'h', 200, x'7b7d', 1),
			('backend POST /api/v1/usage', 'k', 'h', 200, x'7b7d', 1)`,
	} {
		if _, err := s.write.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	s.Close()
	again, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	var kept []string
	r, err := again.write.QueryContext(ctx, `SELECT scope || ' by ' || principal FROM idempotency`)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for r.Next() {
		var s string
		r.Scan(&s)
		kept = append(kept, s)
	}
	if len(kept) != 1 || kept[0] != "backend POST /api/v1/usage by backend" {
		t.Errorf("records after the migration: %q, want the backend's alone, named", kept)
	}
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
