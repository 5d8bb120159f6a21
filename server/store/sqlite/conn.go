package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/portico-dev/portico/server/store/internal/sqlconn"
)

// The store's connections as the shared SQL runs on them (sqlconn.Conn).

// execQuerier is what database/sql's pools and transactions both offer.
type execQuerier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// dbConn runs statements on a pool or a transaction as they come,
// unprepared: the calls made outside the store's transactions, and
// migrations.
type dbConn struct{ db execQuerier }

func (c dbConn) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	return affected(c.db.ExecContext(ctx, query, args...))
}

func (c dbConn) Query(ctx context.Context, query string, args ...any) (sqlconn.Rows, error) {
	return rowsOf(c.db.QueryContext(ctx, query, args...))
}

func (c dbConn) QueryRow(ctx context.Context, query string, args ...any) sqlconn.Row {
	return firstRow{c.db.QueryRowContext(ctx, query, args...)}
}

// txConn runs a transaction's statements, prepared once per pool: a query
// is prepared on the transaction's connection when the pool has it, else
// run unprepared and prepared for the pool once the transaction is over
// (preparing needs a connection of the pool, and a write transaction holds
// the only one). Each connection then prepares a query once, rather than
// parsing it on every call.
type txConn struct {
	tx    *sql.Tx
	store *Store
	read  bool
	// unprepared are the queries run without a prepared statement.
	unprepared []string
}

// stmt is the query prepared on the transaction's connection, or nil the
// first time the query is seen.
func (c *txConn) stmt(ctx context.Context, query string) *sql.Stmt {
	if st := c.store.prepared(c.read, query); st != nil {
		return c.tx.StmtContext(ctx, st)
	}
	c.unprepared = append(c.unprepared, query)
	return nil
}

func (c *txConn) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	if st := c.stmt(ctx, query); st != nil {
		return affected(st.ExecContext(ctx, args...))
	}
	return affected(c.tx.ExecContext(ctx, query, args...))
}

func (c *txConn) Query(ctx context.Context, query string, args ...any) (sqlconn.Rows, error) {
	if st := c.stmt(ctx, query); st != nil {
		return rowsOf(st.QueryContext(ctx, args...))
	}
	return rowsOf(c.tx.QueryContext(ctx, query, args...))
}

func (c *txConn) QueryRow(ctx context.Context, query string, args ...any) sqlconn.Row {
	if st := c.stmt(ctx, query); st != nil {
		return firstRow{st.QueryRowContext(ctx, args...)}
	}
	return firstRow{c.tx.QueryRowContext(ctx, query, args...)}
}

func affected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// resultRows are database/sql's rows as sqlconn reads them.
type resultRows struct{ *sql.Rows }

func rowsOf(r *sql.Rows, err error) (sqlconn.Rows, error) {
	if err != nil {
		return nil, err
	}
	return resultRows{r}, nil
}

// Close closes rows that were read to the end or whose reader stopped on
// an error of its own: what is left to fail has been reported by Err.
func (r resultRows) Close() { r.Rows.Close() }

// firstRow is database/sql's row with its "no rows" as sqlconn's.
type firstRow struct{ *sql.Row }

func (r firstRow) Scan(dest ...any) error {
	err := r.Row.Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return sqlconn.ErrNoRows
	}
	return err
}
