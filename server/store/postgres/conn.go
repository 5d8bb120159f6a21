package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/portico-dev/portico/server/store/internal/sqlconn"
)

// querier is what pgx's pools, connections and transactions all offer.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// conn runs the shared SQL (sqlconn.Conn) on a pool or a transaction, its
// ? placeholders numbered as PostgreSQL wants them. pgx prepares and
// caches each statement per connection by itself.
type conn struct{ q querier }

// Exec runs a statement. One without arguments goes through pgx's simple
// protocol, which runs a migration's file of several statements at once.
func (c conn) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	tag, err := c.q.Exec(ctx, sqlconn.Numbered(query, len(args)), args...)
	return tag.RowsAffected(), err
}

func (c conn) Query(ctx context.Context, query string, args ...any) (sqlconn.Rows, error) {
	r, err := c.q.Query(ctx, sqlconn.Numbered(query, len(args)), args...)
	if err != nil {
		return nil, err
	}
	return r, nil
}

func (c conn) QueryRow(ctx context.Context, query string, args ...any) sqlconn.Row {
	return firstRow{c.q.QueryRow(ctx, sqlconn.Numbered(query, len(args)), args...)}
}

// firstRow is pgx's row with its "no rows" as sqlconn's.
type firstRow struct{ pgx.Row }

func (r firstRow) Scan(dest ...any) error {
	err := r.Row.Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return sqlconn.ErrNoRows
	}
	return err
}
