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
