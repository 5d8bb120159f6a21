package storetest

import (
	"context"
	"errors"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"testing"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/billing"
	"github.com/portico-dev/portico/server/store/internal/sqlconn"
)

// MigrateAsBefore makes a database as a store made it before the stores
// shared one migration numbering: the first n files of dir in fsys (the
// store's migrations as they were, kept in its testdata) applied in name
// order, each file's number recorded in schema_migrations. It then keeps a
// customer, a catalog and an idempotency record there, as a store of that
// time would have, and returns the versions recorded.
func MigrateAsBefore(t *testing.T, c sqlconn.Conn, fsys fs.FS, dir string, n int) []int {
	t.Helper()
	names, err := fs.Glob(fsys, dir+"/*.sql")
	if err != nil || len(names) < n {
		t.Fatalf("%d old migrations in %s (%v), want at least %d", len(names), dir, err, n)
	}
	exec(t, c, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY)`)
	var versions []int
	for _, name := range names[:n] {
		script, err := fs.ReadFile(fsys, name)
		if err != nil {
			t.Fatal(err)
		}
		v, err := strconv.Atoi(strings.SplitN(path.Base(name), "_", 2)[0])
		if err != nil {
			t.Fatal(err)
		}
		exec(t, c, string(script))
		exec(t, c, `INSERT INTO schema_migrations (version) VALUES (?)`, v)
		versions = append(versions, v)
	}
	exec(t, c, `INSERT INTO catalog (id, version, doc) VALUES (1, 3, '{"products":[{"id":"app","name":"App"}]}')`)
	exec(t, c, `INSERT INTO customers (id, created_at, doc) VALUES ('ada', 1, '{"id":"ada","name":"Ada"}')`)
	exec(t, c, `INSERT INTO idempotency (scope, key, request_hash, status, created_at) VALUES ('backend POST /api/v1/usage', 'k', 'h', 200, 1)`)
	return versions
}

func exec(t *testing.T, c sqlconn.Conn, query string, args ...any) {
	t.Helper()
	if _, err := c.Exec(context.Background(), query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// KeptAsBefore checks that a store opened on a database MigrateAsBefore
// made reads what was kept there and writes every entity.
func KeptAsBefore(t *testing.T, s portico.Store) {
	t.Helper()
	err := s.View(ctx, func(tx portico.Tx) error {
		c, version, err := tx.Catalog()
		if err != nil || version != 3 || len(c.Products) != 1 {
			return errors.Join(errors.New("the catalog kept is not read back"), err)
		}
		if _, err := tx.Customer("ada"); err != nil {
			return err
		}
		_, err = tx.Idempotency("backend POST /api/v1/usage", "k", t0.AddDate(-100, 0, 0))
		return err
	})
	if err != nil {
		t.Fatalf("after the upgrade: %v", err)
	}
	update(t, s, func(tx portico.Tx) error {
		return errors.Join(
			tx.PutCatalog(&portico.Catalog{}, portico.CatalogChange{By: "test"}),
			tx.CreateCustomer(customer("bob")),
			tx.PutSubscription(sub("s1", "bob", "", portico.StatusActive, t0)),
			tx.PutSnapshot(portico.Snapshot{CustomerID: "bob", Kind: portico.SnapshotEntitlements, CatalogVersion: 4, ValidUntil: t0, Body: []byte(`[]`)}),
			tx.RevokeConsoleSession("s", t0),
			tx.PutIdempotency(&portico.IdempotencyRecord{Scope: "s", Principal: "backend", Key: "k", CreatedAt: t0}),
		)
	})
	if v := view(t, s, func(tx portico.Tx) ([]portico.CatalogVersion, error) { return tx.CatalogVersions(0, 1) }); len(v) != 1 || v[0].Version != 4 {
		t.Errorf("the catalog's history after the upgrade = %+v, want version 4 first", v)
	}
	if bs, ok := s.(billing.Store); ok {
		if err := bs.LinkCustomer(ctx, "bob", "cus_1"); err != nil {
			t.Errorf("a billing link after the upgrade: %v", err)
		}
	}
}

// IdempotencyMigration checks migration 7, which drops the portal records
// that were kept per customer, whatever the session's scope (which scope
// made them is unknown), and names the backend's records' principal. open
// opens a store on one database, migrating it, and returns a connection to
// that database.
func IdempotencyMigration(t *testing.T, open func(t *testing.T) sqlconn.Conn) {
	c := open(t)
	// Back to the schema before 7, with records as they were kept.
	exec(t, c, `DROP INDEX idempotency_principal`)
	exec(t, c, `DROP INDEX idempotency_created`)
	exec(t, c, `ALTER TABLE idempotency DROP COLUMN principal`)
	exec(t, c, `DELETE FROM schema_migrations WHERE version = 7`)
	exec(t, c, `INSERT INTO idempotency (scope, key, request_hash, status, body, created_at) VALUES
		(?, 'k', 'h', 200, ?, 1), (?, 'k', 'h', 200, ?, 1)`,
		"portal:ada POST /api/v1/portal/preview", []byte(`{}`), "backend POST /api/v1/usage", []byte(`{}`))
	kept := QueryStrings(t, open(t), `SELECT scope || ' by ' || principal FROM idempotency`)
	if len(kept) != 1 || kept[0] != "backend POST /api/v1/usage by backend" {
		t.Errorf("records after the migration: %q, want the backend's alone, named", kept)
	}
}

// QueryStrings runs a query of one text column and returns its rows.
func QueryStrings(t *testing.T, c sqlconn.Conn, query string) []string {
	t.Helper()
	r, err := c.Query(ctx, query)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out []string
	for r.Next() {
		var s string
		if err := r.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
