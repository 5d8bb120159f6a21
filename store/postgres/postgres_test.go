package postgres

import (
	"context"
	"sync"
	"testing"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/billing"
	"github.com/portico-dev/portico/internal/pgtest"
	"github.com/portico-dev/portico/store/storetest"
)

var _ billing.Store = (*Store)(nil)

func TestMain(m *testing.M) { pgtest.Main(m) }

func newDatabase(t *testing.T) storetest.Opener {
	url := pgtest.URL(t)
	return func(t *testing.T) portico.Store {
		s, err := Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
}

func TestConformance(t *testing.T) { storetest.Run(t, newDatabase) }

// Replicas starting together on a new database migrate it once.
func TestReplicasStartingTogetherMigrateOnce(t *testing.T) {
	url := pgtest.URL(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := Open(context.Background(), url)
			if err == nil {
				s.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("a replica failed to start: %v", err)
		}
	}
	s, err := Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var n, files int
	s.pool.QueryRow(context.Background(), `SELECT COUNT(*) FROM schema_migrations`).Scan(&n)
	names, _ := migrations.ReadDir("migrations")
	files = len(names)
	if n != files || n == 0 {
		t.Errorf("%d migrations recorded, want each of the %d files once", n, files)
	}
}

func TestBadAddressIsRefused(t *testing.T) {
	if _, err := Open(context.Background(), "postgres://nobody@127.0.0.1:1/none?connect_timeout=2"); err == nil {
		t.Error("a store opened on a server that is not there")
	}
	if _, err := Open(context.Background(), "::not a url"); err == nil {
		t.Error("a store opened on a malformed address")
	}
}

// Migration 0003 drops the portal records that were kept per customer,
// whatever the session's scope, and names the backend's records' principal.
func TestIdempotencyMigrationKeepsOnlyRecordsOfAKnownPrincipal(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	s, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		// Back to the schema before 0003, with records as they were kept.
		`DROP INDEX idempotency_created`,
		`ALTER TABLE idempotency DROP COLUMN principal`,
		`DELETE FROM schema_migrations WHERE version = 3`,
		`INSERT INTO idempotency (scope, key, request_hash, status, body, created_at) VALUES
			('portal:ada POST /api/v1/portal/preview', 'k', 'h', 200, '\x7b7d', 1),
			('backend POST /api/v1/usage', 'k', 'h', 200, '\x7b7d', 1)`,
	} {
		if _, err := s.pool.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	s.Close()
	again, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	var kept []string
	r, err := again.pool.Query(ctx, `SELECT scope || ' by ' || principal FROM idempotency`)
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
