package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/portico-dev/portico/server/store/storetest"
)

// A database migrated before the stores shared one numbering (with the
// files of that time, kept in testdata/old-migrations) is upgraded to the
// state a new database is made in, wherever its migrations had stopped.
// This store's numbers were already the sequence's: the upgrade only
// records that they are.
func TestADatabaseOfTheOldNumberingUpgrades(t *testing.T) {
	fresh, _ := openTemp(t)
	want, wantVersions := schemaOf(t, fresh.write), recordedVersions(t, fresh.write)
	for n := 8; n >= 1; n-- {
		t.Run(fmt.Sprintf("migrated to %d", n), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "portico.db")
			db, err := sql.Open("sqlite", "file:"+path)
			if err != nil {
				t.Fatal(err)
			}
			storetest.MigrateAsBefore(t, dbConn{db}, os.DirFS("testdata"), "old-migrations", n)
			db.Close()
			s, err := Open(context.Background(), path)
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			t.Cleanup(func() { s.Close() })
			if got := schemaOf(t, s.write); !slices.Equal(got, want) {
				t.Errorf("schema after the upgrade:\n%q\nwant, as a new database's:\n%q", got, want)
			}
			if got := recordedVersions(t, s.write); !slices.Equal(got, wantVersions) {
				t.Errorf("versions recorded after the upgrade: %v, want %v", got, wantVersions)
			}
			storetest.KeptAsBefore(t, s)
		})
	}
}

// schemaOf is every table and index, as SQLite keeps their definitions.
func schemaOf(t *testing.T, db *sql.DB) []string {
	t.Helper()
	return storetest.QueryStrings(t, dbConn{db}, `SELECT type || ' ' || name || ' on ' || tbl_name || ': ' || COALESCE(sql, '') FROM sqlite_master ORDER BY type, name`)
}

func recordedVersions(t *testing.T, db *sql.DB) []string {
	t.Helper()
	return storetest.QueryStrings(t, dbConn{db}, `SELECT 'version ' || version FROM schema_migrations UNION ALL SELECT 'numbering ' || name FROM schema_numbering ORDER BY 1`)
}
