// Package sqlconn is the few calls the SQL both stores share makes, as
// either driver answers them: database/sql's (SQLite) and pgx's
// (PostgreSQL). Each store adapts its driver to Conn; the shared queries
// are written once, with ? placeholders.
package sqlconn

import (
	"context"
	"errors"
)

// Conn runs SQL on a transaction or on a pool.
type Conn interface {
	// Exec runs a statement and says how many rows it changed. A query
	// without arguments may hold several statements (a migration's file).
	Exec(ctx context.Context, query string, args ...any) (rowsAffected int64, err error)
	Query(ctx context.Context, query string, args ...any) (Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) Row
}

// Rows is a query's result, read one row at a time. Its errors, Close's
// included, are reported by Err.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

// Row is a query's first row.
type Row interface {
	// Scan copies the row's columns into dest, or returns ErrNoRows when
	// the query found none.
	Scan(dest ...any) error
}

// ErrNoRows is Row.Scan's error when there was no row, whichever the
// driver.
var ErrNoRows = errors.New("sql: no rows in result set")

// InTx runs fn in one transaction of a store's own, committed when fn
// returns nil and rolled back otherwise.
type InTx func(ctx context.Context, fn func(Conn) error) error
