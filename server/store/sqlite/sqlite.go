// Package sqlite is Portico's embedded store: one SQLite file in WAL mode,
// opened through the pure-Go modernc.org/sqlite driver.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/store/internal/billinglinks"
	"github.com/portico-dev/portico/server/store/internal/schema"
	"github.com/portico-dev/portico/server/store/internal/sqlconn"
	"github.com/portico-dev/portico/server/store/internal/sqltx"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is a SQLite-backed portico.Store. Writes go through one connection
// (SQLite has one writer; queuing in Go beats busy-waiting in SQLite), reads
// through a small pool that WAL lets run beside the writer.
type Store struct {
	// Links keeps the billing provider's links and webhook events.
	billinglinks.Links
	write *sql.DB
	read  *sql.DB
	// txs is what the store's transactions share: the shared SQL's
	// dialect, snapshot bodies packed as kept here, the decoded catalog.
	txs *sqltx.Config
	// catalogVersion is the catalog's committed version, 0 when unknown:
	// a snapshot read checks a kept answer's version against it rather
	// than joining the catalog table. Sound for the same reason as snaps.
	catalogVersion atomic.Int64
	// snaps keeps recently read snapshots in memory.
	snaps *snapCache
	// Prepared statements by query, for each pool.
	readStmts, writeStmts sync.Map
	// preparing counts background work (preparing statements, warming the
	// snapshot memory); Close stops warming and waits for both.
	preparing   sync.WaitGroup
	stopWarming context.CancelFunc
	mu          sync.Mutex
	closed      bool
}

// prepared returns the store's statement for a query on the read or the
// write pool, or nil when it has not been prepared yet.
func (s *Store) prepared(read bool, query string) *sql.Stmt {
	cache := &s.writeStmts
	if read {
		cache = &s.readStmts
	}
	if st, ok := cache.Load(query); ok {
		return st.(*sql.Stmt)
	}
	return nil
}

// prepare makes statements for queries a finished transaction ran
// unprepared. Savepoint names and other queries that fail to prepare are
// left alone.
func (s *Store) prepare(read bool, queries []string) {
	for _, q := range queries {
		_, _ = s.statement(context.Background(), read, q)
	}
}

// statement returns the pool's statement for a query, preparing it on
// first use; a concurrent first use keeps one of the two.
func (s *Store) statement(ctx context.Context, read bool, q string) (*sql.Stmt, error) {
	cache, db := &s.writeStmts, s.write
	if read {
		cache, db = &s.readStmts, s.read
	}
	if st, ok := cache.Load(q); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := db.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	if prev, loaded := cache.LoadOrStore(q, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// The limits of the snapshot bodies kept in memory: inflated, the ones
// read again and again; packed, as many as fit — the entitlements of about
// 130,000 customers.
const (
	snapCacheLimit   = 16 << 20
	packedCacheLimit = 40 << 20
)

// Snapshot implements portico.SnapshotReader: inflated from memory when
// this process read it more than once since it was last written; else
// from its stored form in memory (read once, or warmed at open); else one
// prepared statement on a read connection, no transaction.
func (s *Store) Snapshot(ctx context.Context, customerID, kind, scope string, now time.Time) ([]byte, bool, error) {
	sub := snapSub{kind: kind, scope: scope}
	body, ok, stamp := s.snaps.get(customerID, sub, now)
	if ok {
		return body, true, nil
	}
	stored, validUntil, ok := s.snaps.getPacked(customerID, sub, now)
	if !ok {
		var err error
		if stored, validUntil, ok, err = s.readSnapshot(ctx, customerID, sub, now); err != nil || !ok {
			return nil, false, err
		}
		s.snaps.fillPacked(customerID, sub, stamp, validUntil, stored)
	}
	return s.inflated(customerID, sub, stamp, validUntil, stored)
}

// inflated returns the body of a stored form, kept inflated if it is read
// again.
func (s *Store) inflated(customerID string, sub snapSub, stamp snapStamp, validUntil time.Time, stored []byte) ([]byte, bool, error) {
	body, err := inflate(stored)
	if err != nil {
		return nil, false, err
	}
	s.snaps.fill(customerID, sub, stamp, validUntil, body)
	return body, true, nil
}

// readSnapshot reads a snapshot's stored form with one prepared statement
// on a read connection, no transaction.
func (s *Store) readSnapshot(ctx context.Context, customerID string, sub snapSub, now time.Time) ([]byte, time.Time, bool, error) {
	q, args := snapshotByVersion, []any{customerID, sub.kind, sub.scope, now.UnixNano(), s.catalogVersion.Load()}
	if args[4] == int64(0) {
		q, args = snapshotOfCatalog, args[:4]
	}
	st, err := s.statement(ctx, true, q)
	if err != nil {
		return nil, time.Time{}, false, err
	}
	var stored []byte
	var validUntil int64
	// Without the request's cancellation: the driver watches a cancellable
	// context from a goroutine of its own per statement, which costs more
	// than this one-row lookup by primary key could ever run.
	err = st.QueryRowContext(context.WithoutCancel(ctx), args...).Scan(&stored, &validUntil)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, time.Time{}, false, nil
	}
	return stored, time.Unix(0, validUntil), err == nil, err
}

// warm keeps the entitlements snapshots that hold now, packed, as far as
// the memory for them goes: a large store's first read of each customer
// is then answered from memory too.
func (s *Store) warm(ctx context.Context) {
	version := s.catalogVersion.Load()
	if version == 0 {
		return
	}
	r, err := s.read.QueryContext(ctx, `SELECT customer_id, scope, valid_until, body FROM snapshots
		WHERE kind = ? AND catalog_version = ? AND valid_until > ?`,
		portico.SnapshotEntitlements, version, time.Now().UnixNano())
	if err != nil {
		return // reads go to SQLite, as they would without the memory
	}
	defer r.Close()
	for r.Next() {
		var customer, scope string
		var validUntil int64
		var stored []byte
		if r.Scan(&customer, &scope, &validUntil, &stored) != nil {
			return
		}
		sub := snapSub{kind: portico.SnapshotEntitlements, scope: scope}
		if !s.snaps.warmPacked(customer, sub, time.Unix(0, validUntil), stored) {
			return
		}
	}
}

// The snapshot queries: with the catalog version known, one lookup by
// primary key; else joined with the catalog.
const (
	snapshotByVersion = `SELECT body, valid_until FROM snapshots
		WHERE customer_id = ? AND kind = ? AND scope = ? AND valid_until > ? AND catalog_version = ?`
	snapshotOfCatalog = `SELECT s.body, s.valid_until FROM snapshots s JOIN catalog c ON c.id = 1
		WHERE s.customer_id = ? AND s.kind = ? AND s.scope = ? AND s.valid_until > ? AND s.catalog_version = c.version`
)

// learnCatalogVersion reads the committed catalog version. Versions only
// grow, so the largest one read wins when commits race; when it cannot be
// read, snapshot reads go back to joining the catalog.
func (s *Store) learnCatalogVersion(ctx context.Context, db *sql.DB) {
	var v int64
	err := db.QueryRowContext(ctx, `SELECT version FROM catalog WHERE id = 1`).Scan(&v)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		s.catalogVersion.Store(0)
		return
	}
	for {
		known := s.catalogVersion.Load()
		if v <= known || s.catalogVersion.CompareAndSwap(known, v) {
			return
		}
	}
}

var _ portico.SnapshotReader = (*Store)(nil)

var _ portico.Store = (*Store)(nil)

// dialect is SQLite's part of the SQL the stores share.
func dialect() sqlconn.Dialect {
	return sqlconn.Dialect{Int64: "INTEGER", Bytes: "BLOB", InvoiceSeq: "rowid"}
}

// Open opens (creating if needed) the database file at path and migrates it.
func Open(ctx context.Context, path string) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	pragmas := url.Values{}
	// cache_size: 8 MiB of pages per connection (SQLite's default is 2): a
	// store of thousands of customers is read from memory.
	for _, p := range []string{"journal_mode(WAL)", "busy_timeout(10000)", "foreign_keys(1)", "synchronous(NORMAL)", "cache_size(-8192)"} {
		pragmas.Add("_pragma", p)
	}
	wq := url.Values{"_txlock": {"immediate"}}
	for k, v := range pragmas {
		wq[k] = v
	}
	write, err := sql.Open("sqlite", "file:"+abs+"?"+wq.Encode())
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	s := &Store{write: write, txs: sqltx.NewConfig(dialect(), deflate), snaps: newSnapCache(snapCacheLimit, packedCacheLimit)}
	if err := s.migrate(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("migrate %s: %w", path, err), write.Close())
	}
	pragmas.Add("_pragma", "query_only(1)")
	// Readers keep 8 MiB of pages each, as the writer does: snapshots, the
	// most read rows, are answered from the snapshot memory instead.
	pragmas.Set("_pragma", "journal_mode(WAL)")
	for _, p := range []string{"busy_timeout(10000)", "foreign_keys(1)", "synchronous(NORMAL)", "cache_size(-8192)", "query_only(1)"} {
		pragmas.Add("_pragma", p)
	}
	read, err := sql.Open("sqlite", "file:"+abs+"?"+pragmas.Encode())
	if err != nil {
		return nil, errors.Join(err, write.Close())
	}
	// Every reader stays open: database/sql keeps only two idle by default,
	// and a reopened connection has lost its page cache and statements.
	read.SetMaxOpenConns(2)
	read.SetMaxIdleConns(2)
	s.read = read
	s.Links = s.links()
	s.learnCatalogVersion(ctx, write)
	warmCtx, stopWarming := context.WithCancel(context.WithoutCancel(ctx))
	s.stopWarming = stopWarming
	s.preparing.Add(1)
	go func() {
		defer s.preparing.Done()
		s.warm(warmCtx)
	}()
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.stopWarming()
	s.preparing.Wait()
	err := s.read.Close()
	if werr := s.write.Close(); err == nil {
		err = werr
	}
	return err
}

// Update implements portico.Store. Called with the context of a write
// transaction in progress (Tx.Context), it runs fn inside that transaction
// as a savepoint: fn's failure undoes fn's writes only, and everything
// commits with the outer transaction.
func (s *Store) Update(ctx context.Context, fn func(portico.Tx) error) error {
	if t := s.txs.TxOf(ctx); t != nil {
		return t.Savepoint(fn)
	}
	return s.runTx(ctx, s.write, nil, fn)
}

// View implements portico.Store.
func (s *Store) View(ctx context.Context, fn func(portico.Tx) error) error {
	return s.runTx(ctx, s.read, &sql.TxOptions{ReadOnly: true}, fn)
}

// runTx runs fn in a transaction. A write transaction's context carries
// it, so calls made with that context join it.
func (s *Store) runTx(ctx context.Context, db *sql.DB, opts *sql.TxOptions, fn func(portico.Tx) error) error {
	sqlTx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	readOnly := opts != nil && opts.ReadOnly
	conn := &txConn{tx: sqlTx, store: s, read: readOnly}
	t := sqltx.New(ctx, conn, s.txs, readOnly)
	defer s.prepareLater(conn)
	if err := fn(t); err != nil {
		sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return err
	}
	// After the commit: a read that fills the cache from now on sees it.
	snapshots, catalog := t.Wrote()
	s.snaps.invalidate(snapshots, catalog)
	if catalog {
		s.learnCatalogVersion(context.WithoutCancel(ctx), s.read)
	}
	return nil
}

// prepareLater prepares, in the background, the statements a finished
// transaction ran unprepared: the caller may hold a connection of the
// pool, which preparing would wait for.
func (s *Store) prepareLater(c *txConn) {
	if len(c.unprepared) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.preparing.Add(1)
		go func() {
			defer s.preparing.Done()
			s.prepare(c.read, c.unprepared)
		}()
	}
}

// migrate applies the migrations not yet recorded, each in its own
// transaction, in the order of the sequence both stores share.
func (s *Store) migrate(ctx context.Context) error {
	return schema.Migrate(ctx, s.inWriteTx, migrationSet())
}

// migrationSet is the store's part of the migrations: its own files, and
// the Go steps of the two migrations that changed the form snapshot bodies
// are kept in (SQL cannot compress them). Its numbers were already the
// shared sequence's.
func migrationSet() schema.Set {
	return schema.Set{Own: migrations, Dialect: dialect(),
		Steps: map[int]schema.Step{5: repackSnapshots, 6: repackSnapshots, 13: schema.PromotionExpiries}}
}

// inWriteTx runs fn in a write transaction of its own, statements
// unprepared.
func (s *Store) inWriteTx(ctx context.Context, fn func(sqlconn.Conn) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(dbConn{tx}); err != nil {
		return err
	}
	return tx.Commit()
}
