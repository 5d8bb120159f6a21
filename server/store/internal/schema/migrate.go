package schema

import (
	"context"
	"fmt"
	"slices"

	"github.com/portico-dev/portico/server/store/internal/sqlconn"
)

// sharedNumbering names, in schema_numbering, the numbering the versions
// in schema_migrations follow: the sequence both stores share. A database
// without it recorded its store's own numbers.
const sharedNumbering = "shared"

// Migrate brings a store's database up to date: it renumbers what an older
// database recorded, then applies each migration not yet recorded, each in
// a transaction of its own. inTx must run one transaction at a time on a
// database no other migration changes meanwhile (SQLite's one writer,
// PostgreSQL's migration lock).
func Migrate(ctx context.Context, inTx sqlconn.InTx, s Set) error {
	seq, err := s.Sequence()
	if err != nil {
		return err
	}
	if err := inTx(ctx, func(c sqlconn.Conn) error { return renumber(ctx, c, s.Legacy) }); err != nil {
		return fmt.Errorf("renumber the recorded migrations: %w", err)
	}
	for _, m := range seq {
		if err := inTx(ctx, func(c sqlconn.Conn) error { return apply(ctx, c, m) }); err != nil {
			return fmt.Errorf("%s: %w", m.Name, err)
		}
	}
	return nil
}

// renumber records the shared numbering, first rewriting the versions a
// database recorded under its store's own numbering as the shared versions
// they stand for. They stay in schema_migrations, where a replica of the
// older numbering, started while the others are upgraded, looks for its
// own: once the sequence is applied, each of its numbers is recorded, and
// it starts without applying anything.
func renumber(ctx context.Context, c sqlconn.Conn, legacy map[int][]int) error {
	for _, q := range []string{
		`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)`,
		`CREATE TABLE IF NOT EXISTS schema_numbering (name TEXT PRIMARY KEY)`,
	} {
		if _, err := c.Exec(ctx, q); err != nil {
			return err
		}
	}
	var done bool
	err := c.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM schema_numbering WHERE name = ?)`, sharedNumbering).Scan(&done)
	if err != nil || done {
		return err
	}
	if legacy != nil {
		if err := rewrite(ctx, c, legacy); err != nil {
			return err
		}
	}
	_, err = c.Exec(ctx, `INSERT INTO schema_numbering (name) VALUES (?)`, sharedNumbering)
	return err
}

// rewrite replaces the recorded versions with those they stand for.
func rewrite(ctx context.Context, c sqlconn.Conn, legacy map[int][]int) error {
	recorded, err := versions(ctx, c)
	if err != nil {
		return err
	}
	var shared []int
	for _, v := range recorded {
		to, ok := legacy[v]
		if !ok {
			return fmt.Errorf("version %d was recorded, which this store never had", v)
		}
		shared = append(shared, to...)
	}
	slices.Sort(shared)
	if _, err := c.Exec(ctx, `DELETE FROM schema_migrations`); err != nil {
		return err
	}
	for _, v := range slices.Compact(shared) {
		if _, err := c.Exec(ctx, `INSERT INTO schema_migrations (version) VALUES (?)`, v); err != nil {
			return err
		}
	}
	return nil
}

// versions are the recorded versions.
func versions(ctx context.Context, c sqlconn.Conn) ([]int, error) {
	r, err := c.Query(ctx, `SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var out []int
	for r.Next() {
		var v int
		if err := r.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, r.Err()
}

// apply runs a migration not yet recorded, and records it.
func apply(ctx context.Context, c sqlconn.Conn, m Migration) error {
	var done bool
	err := c.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = ?)`, m.Version).Scan(&done)
	if err != nil || done {
		return err
	}
	// Without arguments: a file of several statements runs at once.
	if _, err := c.Exec(ctx, m.Script); err != nil {
		return err
	}
	if m.Step != nil {
		if err := m.Step(ctx, c); err != nil {
			return err
		}
	}
	_, err = c.Exec(ctx, `INSERT INTO schema_migrations (version) VALUES (?)`, m.Version)
	return err
}
