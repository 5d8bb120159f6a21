package postgres

import (
	"context"
	"hash/fnv"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/internal/pgtest"
	"github.com/portico-dev/portico/server/billing"
	"github.com/portico-dev/portico/server/store/internal/sqlconn"
	"github.com/portico-dev/portico/server/store/storetest"
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
	var n int
	s.pool.QueryRow(context.Background(), `SELECT COUNT(*) FROM schema_migrations`).Scan(&n)
	seq, err := migrationSet().Sequence()
	if err != nil {
		t.Fatal(err)
	}
	if n != len(seq) || n == 0 {
		t.Errorf("%d migrations recorded, want each of the %d once", n, len(seq))
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

// A session advisory lock whose release fails must not go back to the pool
// still held: the migration lock would stop every replica started later,
// the exclusive lock the scheduler of every replica. The release is made
// to fail by a function of the same name ahead of pg_catalog's on the
// store's search path.
func TestAFailedUnlockDoesNotKeepTheLock(t *testing.T) {
	ctx := context.Background()
	base := pgtest.URL(t)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	schema := u.Query().Get("search_path")
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, `CREATE FUNCTION pg_advisory_unlock(bigint) RETURNS boolean LANGUAGE plpgsql
		AS $$ BEGIN RAISE EXCEPTION 'unlock refused'; END $$`); err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema+",pg_catalog")
	u.RawQuery = q.Encode()

	s, err := Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	expectFree(t, admin, "the migration lock", migrateLockKey)
	ran, err := s.TryExclusive(ctx, "scheduler", func(context.Context) error { return nil })
	if !ran || err != nil {
		t.Fatalf("TryExclusive: ran %v, %v", ran, err)
	}
	h := fnv.New32a()
	h.Write([]byte("scheduler"))
	expectFree(t, admin, "the scheduler's lock", exclusiveLockKey+int64(h.Sum32()))
}

// expectFree checks that the advisory lock key is free, or soon is: a
// closed session's locks are released once the server has seen it go.
func expectFree(t *testing.T, conn *pgx.Conn, what string, key int64) {
	t.Helper()
	ctx := context.Background()
	for deadline := time.Now().Add(5 * time.Second); ; {
		var got bool
		if err := conn.QueryRow(ctx, `SELECT pg_catalog.pg_try_advisory_lock($1)`, key).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s is still held after its release failed", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := conn.Exec(ctx, `SELECT pg_catalog.pg_advisory_unlock($1)`, key); err != nil {
		t.Fatal(err)
	}
}

// Migration 0007 drops the portal records that were kept per customer,
// whatever the session's scope, and names the backend's records' principal.
func TestIdempotencyMigrationKeepsOnlyRecordsOfAKnownPrincipal(t *testing.T) {
	url := pgtest.URL(t)
	storetest.IdempotencyMigration(t, func(t *testing.T) sqlconn.Conn {
		s, err := Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return conn{s.pool}
	})
}
