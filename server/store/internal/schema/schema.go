// Package schema migrates both SQL stores along one numbered sequence. A
// number is one change to the schema: its file is written once, here in
// migrations/, when both stores take it alike (column types as {{.Int64}}
// and {{.Bytes}}, rendered with each store's dialect); it is the store's
// own, NNNN_name.sql in the store's migrations/, where the stores differ
// (types SQLite and PostgreSQL spell apart, SQLite's WITHOUT ROWID); and a
// store leaves out a number that does not concern it. A new table for
// both stores is one file here, under the next free number.
package schema

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"text/template"

	"github.com/portico-dev/portico/server/store/internal/sqlconn"
)

//go:embed migrations/*.sql
var shared embed.FS

// Set is one store's part of the sequence.
type Set struct {
	// Own holds the store's own migrations, migrations/NNNN_name.sql.
	Own fs.FS
	// Dialect renders the shared migrations' column types.
	Dialect sqlconn.Dialect
	// Steps do what SQL cannot, by version: each runs in its migration's
	// transaction, after its file.
	Steps map[int]Step
	// Legacy maps the versions a database recorded when the store numbered
	// its migrations alone to the versions of the sequence they stand for;
	// nil when those numbers were already the sequence's.
	Legacy map[int][]int
}

// Step is a migration step in Go.
type Step func(ctx context.Context, c sqlconn.Conn) error

// Migration is one step of a store's sequence.
type Migration struct {
	Version int
	Name    string // the file's, as NNNN_name.sql
	Script  string
	Step    Step
}

// Sequence is the store's migrations in the order they apply: the shared
// ones and its own, by version. A version both define, or a step without
// its migration, is an error.
func (s Set) Sequence() ([]Migration, error) {
	own, err := files(s.Own)
	if err != nil {
		return nil, err
	}
	common, err := files(shared)
	if err != nil {
		return nil, err
	}
	for v, m := range common {
		if o, ok := own[v]; ok {
			return nil, fmt.Errorf("migration %d is both shared (%s) and the store's own (%s)", v, m.Name, o.Name)
		}
		if m.Script, err = render(m, s.Dialect); err != nil {
			return nil, err
		}
		own[v] = m
	}
	for v, step := range s.Steps {
		m, ok := own[v]
		if !ok {
			return nil, fmt.Errorf("a step for migration %d, which the store does not have", v)
		}
		m.Step = step
		own[v] = m
	}
	seq := make([]Migration, 0, len(own))
	for _, m := range own {
		seq = append(seq, m)
	}
	slices.SortFunc(seq, func(a, b Migration) int { return a.Version - b.Version })
	return seq, nil
}

// files reads migrations/*.sql of fsys by version.
func files(fsys fs.FS) (map[int]Migration, error) {
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	out := make(map[int]Migration, len(names))
	for _, name := range names {
		base := path.Base(name)
		version, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("migration %s: bad version prefix", name)
		}
		if m, ok := out[version]; ok {
			return nil, fmt.Errorf("migrations %s and %s have one version", m.Name, base)
		}
		script, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		out[version] = Migration{Version: version, Name: base, Script: string(script)}
	}
	return out, nil
}

// render writes a shared migration's column types in the store's dialect.
func render(m Migration, d sqlconn.Dialect) (string, error) {
	t, err := template.New(m.Name).Option("missingkey=error").Parse(m.Script)
	if err != nil {
		return "", fmt.Errorf("migration %s: %w", m.Name, err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, d); err != nil {
		return "", fmt.Errorf("migration %s: %w", m.Name, err)
	}
	return b.String(), nil
}
