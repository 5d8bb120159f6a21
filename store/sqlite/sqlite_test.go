package sqlite

import (
	"context"
	"io/fs"
	"path/filepath"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/billing"
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

var _ billing.Store = (*Store)(nil)
