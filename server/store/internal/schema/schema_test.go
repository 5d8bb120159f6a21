package schema

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/portico-dev/portico/server/store/internal/sqlconn"
)

// A number is one change, whichever store makes it: where both stores
// have their own file of a number, the files have one name, and no store
// has its own file of a shared number.
func TestANumberIsOneChangeInEveryStore(t *testing.T) {
	names := map[int]string{}
	common, err := files(shared)
	if err != nil {
		t.Fatal(err)
	}
	for v, m := range common {
		names[v] = m.Name
	}
	// The stores' folders, beside this package's.
	for store, dir := range map[string]string{"sqlite": "../../sqlite", "postgres": "../../postgres"} {
		own, err := files(os.DirFS(dir))
		if err != nil {
			t.Fatalf("%s: %v", store, err)
		}
		for v, m := range own {
			if _, ok := common[v]; ok {
				t.Errorf("%s has its own %s, a shared number", store, m.Name)
			}
			if name, ok := names[v]; ok && name != m.Name {
				t.Errorf("%s names migration %d %s, another store %s", store, v, m.Name, name)
			}
			names[v] = m.Name
		}
	}
}

// Shared migrations are written in each store's column types.
func TestSharedMigrationsAreRenderedInTheStoresTypes(t *testing.T) {
	for _, d := range []sqlconn.Dialect{{Int64: "INTEGER", Bytes: "BLOB"}, {Int64: "BIGINT", Bytes: "BYTEA"}} {
		seq, err := Set{Own: fstest.MapFS{}, Dialect: d}.Sequence()
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range seq {
			if strings.Contains(m.Script, "{{") {
				t.Errorf("%s with %s: a type left unwritten:\n%s", m.Name, d.Int64, m.Script)
			}
		}
		if !strings.Contains(seq[0].Script, "received_at "+d.Int64+" NOT NULL") {
			t.Errorf("%s with %s:\n%s", seq[0].Name, d.Int64, seq[0].Script)
		}
	}
}

func TestSequenceRefusesAmbiguities(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	for name, set := range map[string]Set{
		"a shared number": {Own: fstest.MapFS{"migrations/0002_other.sql": file("SELECT 1;")}},
		"one number twice": {Own: fstest.MapFS{"migrations/0001_a.sql": file("SELECT 1;"),
			"migrations/0001_b.sql": file("SELECT 1;")}},
		"a bad number":             {Own: fstest.MapFS{"migrations/first.sql": file("SELECT 1;")}},
		"a step without migration": {Own: fstest.MapFS{}, Steps: map[int]Step{99: nil}},
	} {
		if _, err := set.Sequence(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := render(Migration{Name: "0099_x.sql", Script: "CREATE TABLE x (a {{.Int32}});"}, sqlconn.Dialect{}); err == nil {
		t.Error("a type the dialect does not know was rendered")
	}
}

// The sequence is in version order, the shared and the store's own
// migrations together, each step on its migration.
func TestSequenceOrder(t *testing.T) {
	own := fstest.MapFS{
		"migrations/0001_init.sql":  {Data: []byte("CREATE TABLE a (x INTEGER);")},
		"migrations/0003_later.sql": {Data: []byte("SELECT 1;")},
	}
	seq, err := Set{Own: own, Steps: map[int]Step{3: func(ctx context.Context, c sqlconn.Conn) error { return nil }}}.Sequence()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range seq {
		got = append(got, m.Name)
	}
	want := []string{"0001_init.sql", "0002_billing.sql", "0003_later.sql", "0004_catalog_history.sql"}
	if len(got) < len(want) || !slices.Equal(got[:len(want)], want) || seq[2].Step == nil {
		t.Errorf("sequence = %v, want it to start with %v, a step on 0003", got, want)
	}
}
