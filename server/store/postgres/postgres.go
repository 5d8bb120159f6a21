// Package postgres is Portico's store for several servers on one database:
// PostgreSQL through github.com/jackc/pgx/v5, behind the same interface as
// the embedded SQLite store.
//
// Writes are serialised across every replica by one transaction-scoped
// advisory lock taken first thing in each write transaction. That gives
// the engine what SQLite's single writer gives it — a read-modify-write in
// one transaction is never interleaved with another — without retry loops
// that would call a billing provider twice. Reads run beside writes in
// repeatable-read snapshots and never wait for the lock.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/store/internal/billinglinks"
	"github.com/portico-dev/portico/server/store/internal/schema"
	"github.com/portico-dev/portico/server/store/internal/sqlconn"
	"github.com/portico-dev/portico/server/store/internal/sqltx"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Advisory lock keys (PostgreSQL's lock space is shared by the database's
// users; these are Portico's).
const (
	writeLockKey     = 0x706f7274_69636f01 // "portico" + 1
	migrateLockKey   = 0x706f7274_69636f02
	exclusiveLockKey = 0x706f7274_69636f03 // + a hash of the work's name
)

// Store is a PostgreSQL-backed portico.Store.
type Store struct {
	// Links keeps the billing provider's links and webhook events.
	billinglinks.Links
	pool *pgxpool.Pool
	// txs is what the store's transactions share: the shared SQL's
	// dialect and the decoded catalog.
	txs *sqltx.Config
}

// dialect is PostgreSQL's part of the SQL the stores share.
func dialect() sqlconn.Dialect {
	return sqlconn.Dialect{Int64: "BIGINT", Bytes: "BYTEA", InvoiceSeq: "seq"}
}

var (
	_ portico.Store          = (*Store)(nil)
	_ portico.SnapshotReader = (*Store)(nil)
	_ portico.Exclusive      = (*Store)(nil)
	_ portico.SharedSecrets  = (*Store)(nil)
	_ portico.SharedClock    = (*Store)(nil)
)

// Open connects to the database at url (postgres://user:pass@host/db) and
// migrates it. Several servers may open one database at once: migrations
// run under a lock, each once.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL address: %w", err)
	}
	if cfg.MaxConns < 8 {
		cfg.MaxConns = 8
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	s := &Store{pool: pool, txs: sqltx.NewConfig(dialect(), nil)}
	s.Links = s.links()
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	return s, nil
}

// Close closes the store's connections.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Update implements portico.Store. Called with the context of a write
// transaction in progress (Tx.Context), it runs fn inside that transaction
// as a savepoint.
func (s *Store) Update(ctx context.Context, fn func(portico.Tx) error) error {
	if t := s.txs.TxOf(ctx); t != nil {
		return t.Savepoint(fn)
	}
	return s.runTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, false, fn)
}

// View implements portico.Store.
func (s *Store) View(ctx context.Context, fn func(portico.Tx) error) error {
	return s.runTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, true, fn)
}

func (s *Store) runTx(ctx context.Context, opts pgx.TxOptions, readOnly bool, fn func(portico.Tx) error) error {
	pgTx, err := s.pool.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	defer pgTx.Rollback(context.WithoutCancel(ctx))
	if !readOnly {
		// Read committed after the lock: every statement sees what the
		// writers before this one committed.
		if err := lockWrites(ctx, pgTx); err != nil {
			return err
		}
	}
	if err := fn(sqltx.New(ctx, conn{pgTx}, s.txs, readOnly)); err != nil {
		return err
	}
	return pgTx.Commit(ctx)
}

// lockWrites takes the write lock for the rest of the transaction.
func lockWrites(ctx context.Context, t pgx.Tx) error {
	_, err := t.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(writeLockKey))
	return err
}

// Snapshot implements portico.SnapshotReader: one statement, no
// transaction.
func (s *Store) Snapshot(ctx context.Context, customerID, kind, scope string, now time.Time) ([]byte, bool, error) {
	var body []byte
	err := s.pool.QueryRow(ctx, `SELECT s.body FROM snapshots s JOIN catalog c ON c.id = 1
		WHERE s.customer_id = $1 AND s.kind = $2 AND s.scope = $3 AND s.catalog_version = c.version AND s.valid_until > $4`,
		customerID, kind, scope, now.UnixNano()).Scan(&body)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	return body, err == nil, err
}

// migrate applies the migrations not yet recorded, in the order of the
// sequence both stores share, while holding a lock so that replicas
// starting together apply each once.
func (s *Store) migrate(ctx context.Context) error {
	c, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer c.Release()
	if _, err := c.Exec(ctx, `SELECT pg_advisory_lock($1)`, int64(migrateLockKey)); err != nil {
		return err
	}
	defer unlockSession(ctx, c, migrateLockKey)
	inTx := func(ctx context.Context, fn func(sqlconn.Conn) error) error {
		return pgx.BeginFunc(ctx, c, func(t pgx.Tx) error { return fn(conn{t}) })
	}
	return schema.Migrate(ctx, inTx, migrationSet())
}

// migrationSet is the store's part of the migrations. Before the stores
// shared one numbering, this store numbered its own: its 1 created what
// the sequence creates in 1 (the core tables), 2 (billing links), 3
// (snapshots) and 9 (settings), and its 2, 3 and 4 are the sequence's 4,
// 7 and 8.
func migrationSet() schema.Set {
	return schema.Set{Own: migrations, Dialect: dialect(),
		Steps:  map[int]schema.Step{13: schema.PromotionExpiries},
		Legacy: map[int][]int{1: {1, 2, 3, 9}, 2: {4}, 3: {7}, 4: {8}}}
}

// unlockSession releases a session advisory lock held on c. A connection
// whose unlock failed is closed rather than put back in the pool still
// holding the lock (a migration lock held so would stop every replica
// started later): the lock ends with the session.
func unlockSession(ctx context.Context, c *pgxpool.Conn, key int64) {
	if _, err := c.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, key); err != nil {
		// Closing is all that is left to do; its own error changes nothing.
		_ = c.Conn().Close(context.WithoutCancel(ctx))
	}
}
