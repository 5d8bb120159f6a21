package postgres

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/portico-dev/portico/internal/pgtest"
	"github.com/portico-dev/portico/server/store/storetest"
)

// A database migrated before the stores shared one numbering (with the
// files of that time, kept in testdata/old-migrations, which numbered this
// store's migrations 1 to 4) is upgraded to the state a new database is
// made in, wherever its migrations had stopped. A replica still running
// the older numbering then finds each of its versions recorded.
func TestADatabaseOfTheOldNumberingUpgrades(t *testing.T) {
	ctx := context.Background()
	fresh, err := Open(ctx, pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	want, wantVersions := schemaOf(t, fresh.pool), recordedVersions(t, fresh.pool)
	for n := 4; n >= 1; n-- {
		t.Run(fmt.Sprintf("migrated to %d", n), func(t *testing.T) {
			url := pgtest.URL(t)
			c, err := pgx.Connect(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			old := storetest.MigrateAsBefore(t, conn{c}, os.DirFS("testdata"), "old-migrations", n)
			c.Close(ctx)
			s, err := Open(ctx, url)
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			t.Cleanup(func() { s.Close() })
			if got := schemaOf(t, s.pool); !slices.Equal(got, want) {
				t.Errorf("schema after the upgrade:\n%q\nwant, as a new database's:\n%q", got, want)
			}
			got := recordedVersions(t, s.pool)
			if !slices.Equal(got, wantVersions) {
				t.Errorf("versions recorded after the upgrade: %v, want %v", got, wantVersions)
			}
			for _, v := range old {
				if !slices.Contains(got, fmt.Sprint("version ", v)) {
					t.Errorf("version %d, which a replica of the older numbering looks for, is not recorded", v)
				}
			}
			storetest.KeptAsBefore(t, s)
		})
	}
}

// schemaOf is every column, index and constraint of the database's
// schema, named without the schema.
func schemaOf(t *testing.T, q querier) []string {
	t.Helper()
	return storetest.QueryStrings(t, conn{q}, `
		SELECT 'column ' || table_name || '.' || column_name || ' #' || ordinal_position || ' ' || data_type || ' ' ||
			is_nullable || ' ' || COALESCE(column_default, '')
		FROM information_schema.columns WHERE table_schema = current_schema()
		UNION ALL
		SELECT 'index ' || indexname || ': ' || replace(indexdef, current_schema() || '.', '')
		FROM pg_indexes WHERE schemaname = current_schema()
		UNION ALL
		SELECT 'constraint ' || c.conrelid::regclass::text || ' ' || c.conname || ': ' || pg_get_constraintdef(c.oid)
		FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = current_schema()
		ORDER BY 1`)
}

func recordedVersions(t *testing.T, q querier) []string {
	t.Helper()
	return storetest.QueryStrings(t, conn{q}, `SELECT 'version ' || version FROM schema_migrations
		UNION ALL SELECT 'numbering ' || name FROM schema_numbering ORDER BY 1`)
}
