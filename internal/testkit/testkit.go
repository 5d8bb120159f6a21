// Package testkit holds what the engine's, the API's and the end-to-end
// tests share: a store on the database the run asks for, a clock frozen at
// a known day, money and catalog fixtures, and the reading of the banner
// `portico serve` prints at start.
package testkit

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/assets"
	"github.com/portico-dev/portico/internal/pgtest"
	"github.com/portico-dev/portico/server/catalog"
	"github.com/portico-dev/portico/server/clock"
	"github.com/portico-dev/portico/server/store/postgres"
	"github.com/portico-dev/portico/server/store/sqlite"
)

// Store is what the tests need of a store: both stores are one.
type Store interface {
	portico.Store
	portico.SnapshotReader
}

// NewDatabase makes a fresh, empty database — a SQLite file, or a
// PostgreSQL database when PORTICO_TEST_STORE=postgres — and returns how to
// open a store on it. Each call opens another store, as another replica
// would; the caller closes it.
func NewDatabase(t testing.TB) func() Store {
	t.Helper()
	open := func(ctx context.Context, path string) (Store, error) { return sqlite.Open(ctx, path) }
	where := filepath.Join(t.TempDir(), "portico.db")
	if pgtest.OnPostgres() {
		open = func(ctx context.Context, url string) (Store, error) { return postgres.Open(ctx, url) }
		where = pgtest.URL(t)
	}
	return func() Store {
		t.Helper()
		st, err := open(context.Background(), where)
		if err != nil {
			t.Fatalf("open store: %v", err)
		}
		return st
	}
}

// OpenStore opens a store on a fresh database (see NewDatabase), closed
// when the test ends.
func OpenStore(t testing.TB) Store {
	t.Helper()
	st := NewDatabase(t)()
	t.Cleanup(func() { st.Close() })
	return st
}

// T0 is where the tests' clocks start: the first of a 31-day month, so a
// change ten days in leaves 21/31 of a monthly period unused.
func T0() time.Time { return time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC) }

// Clock is a test clock frozen at T0: time moves only when a test moves it.
func Clock() *clock.Test { return clock.NewFrozen(T0()) }

// USD is an amount in cents of US dollars, the tests' currency.
func USD(amount int64) portico.Money { return portico.Money{Amount: amount, Currency: "usd"} }

// Ptr is a pointer to a copy of v, for the optional fields of literals.
func Ptr[T any](v T) *T { return &v }

// Card is the test card: a payment method on file.
func Card() *portico.PaymentMethod {
	return &portico.PaymentMethod{Brand: "visa", Last4: "4242", ExpMonth: 12, ExpYear: 2030}
}

// DemoCatalog is the demo catalog (assets/demo/catalog.json), decoded as
// the API decodes a catalog: a field it does not know fails the test.
func DemoCatalog(t testing.TB) *portico.Catalog {
	t.Helper()
	c, err := catalog.Decode(bytes.NewReader(assets.DemoCatalog))
	if err != nil {
		t.Fatalf("demo catalog: %v", err)
	}
	return c
}
