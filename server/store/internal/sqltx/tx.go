// Package sqltx is the transaction both SQL stores hand to the engine
// (portico.Tx): every entity's queries, written once over a sqlconn.Conn
// and the few differences of a sqlconn.Dialect. What must differ stays in
// each store: how a transaction begins (PostgreSQL's write lock), how its
// statements are prepared (SQLite's, per pool of connections), and what
// the store keeps in memory past a commit (SQLite's snapshots).
package sqltx

import (
	"context"
	"encoding/json"
	"errors"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/store/internal/rows"
	"github.com/portico-dev/portico/server/store/internal/sqlconn"
	"github.com/portico-dev/portico/server/store/internal/txn"
)

// Tx implements portico.Tx over one transaction a store has begun.
type Tx struct {
	ctx      context.Context
	conn     sqlconn.Conn
	cfg      *Config
	readOnly bool
	depth    int // nested savepoints
	subs     txn.SubscriptionReads
	// touched are the customers whose entitlements' inputs were written.
	touched txn.Touched
	// snapshotsWritten are the customers whose snapshots were written, and
	// catalogWritten whether the catalog was: what a store keeps of them
	// in memory is stale once the transaction commits.
	snapshotsWritten map[string]bool
	catalogWritten   bool
}

var _ portico.Tx = (*Tx)(nil)

// New is the transaction a store has begun on conn. A write transaction's
// context carries it, so that store calls made with that context join it
// (see Config.TxOf).
func New(ctx context.Context, conn sqlconn.Conn, cfg *Config, readOnly bool) *Tx {
	t := &Tx{ctx: ctx, conn: conn, cfg: cfg, readOnly: readOnly}
	if !readOnly {
		t.ctx = context.WithValue(ctx, txKey{}, t)
	}
	return t
}

// Context implements portico.Tx.
func (t *Tx) Context() context.Context { return t.ctx }

// Conn is what the transaction runs on, for store calls that join it.
func (t *Tx) Conn() sqlconn.Conn { return t.conn }

// Wrote tells, once the transaction has committed, the customers whose
// snapshots it wrote and whether it wrote the catalog.
func (t *Tx) Wrote() (snapshots map[string]bool, catalog bool) {
	return t.snapshotsWritten, t.catalogWritten
}

// Savepoint runs fn within the transaction, undoing only fn's writes when
// it fails.
func (t *Tx) Savepoint(fn func(portico.Tx) error) error {
	return txn.Savepoint(&t.depth, func(q string) error { return t.exec(q) }, func() error { return fn(t) })
}

func (t *Tx) exec(query string, args ...any) error {
	_, err := t.conn.Exec(t.ctx, query, args...)
	return err
}

func (t *Tx) query(query string, args ...any) (sqlconn.Rows, error) {
	return t.conn.Query(t.ctx, query, args...)
}

func (t *Tx) queryRow(query string, args ...any) sqlconn.Row {
	return t.conn.QueryRow(t.ctx, query, args...)
}

// getDoc decodes the JSON document the query selects into v, or returns
// portico.ErrNotFound.
func (t *Tx) getDoc(v any, query string, args ...any) error {
	var doc []byte
	err := t.queryRow(query, args...).Scan(&doc)
	if errors.Is(err, sqlconn.ErrNoRows) {
		return portico.ErrNotFound
	}
	if err != nil {
		return err
	}
	return json.Unmarshal(doc, v)
}

// listDocs decodes each row's JSON document.
func listDocs[T any](t *Tx, query string, args ...any) ([]T, error) {
	r, err := t.query(query, args...)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return rows.Docs[T](r)
}
