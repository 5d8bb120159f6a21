package pgtest

import (
	"os"
	"testing"
)

// EnvStore chooses the store that the engine's and the API's tests run on:
// "postgres" for PostgreSQL, anything else for SQLite. `make test` runs
// those suites once on each.
const EnvStore = "PORTICO_TEST_STORE"

// OnPostgres reports whether the tests run on PostgreSQL.
func OnPostgres() bool { return os.Getenv(EnvStore) == "postgres" }

// MainIfUsed is Main when the tests run on PostgreSQL and a plain run
// otherwise.
func MainIfUsed(m *testing.M) {
	if OnPostgres() {
		Main(m)
	}
	os.Exit(m.Run())
}
