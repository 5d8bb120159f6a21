package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"math"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/store/internal/rows"
	"github.com/portico-dev/portico/server/store/internal/txn"
)

// tx implements portico.Tx over one SQL transaction.
type tx struct {
	tx       *sql.Tx
	ctx      context.Context
	depth    int // nested savepoints
	store    *Store
	readOnly bool
	// unprepared are the queries run without a prepared statement.
	unprepared []string
	subs       txn.SubscriptionReads
	// touched are the customers whose entitlements' inputs were written.
	touched txn.Touched
	// snapsWritten are the customers whose snapshots were written, and
	// catalogWritten whether the catalog was: the cache forgets them.
	snapsWritten   map[string]bool
	catalogWritten bool
}

func (t *tx) snapsOf(customerID string) {
	if t.snapsWritten == nil {
		t.snapsWritten = map[string]bool{}
	}
	t.snapsWritten[customerID] = true
}

func (t *tx) TouchedCustomers() []string { return t.touched.Drain() }

func (t *tx) PutSnapshot(s portico.Snapshot) error {
	t.snapsOf(s.CustomerID)
	return t.exec(`INSERT INTO snapshots (customer_id, kind, scope, catalog_version, valid_until, body)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (customer_id, kind, scope) DO UPDATE SET catalog_version = excluded.catalog_version,
		valid_until = excluded.valid_until, body = excluded.body`,
		s.CustomerID, s.Kind, s.Scope, s.CatalogVersion, s.ValidUntil.UnixNano(), deflate(s.Body))
}

func (t *tx) DeleteSnapshots(customerID string) error {
	t.snapsOf(customerID)
	return t.exec(`DELETE FROM snapshots WHERE customer_id = ?`, customerID)
}

// txKey marks a context bound to a transaction.
type txKey struct{}

// Context implements portico.Tx.
func (t *tx) Context() context.Context { return t.ctx }

// txOf is the transaction a context is bound to, if any.
func txOf(ctx context.Context) *tx {
	t, _ := ctx.Value(txKey{}).(*tx)
	return t
}

// stmt is the query prepared on the transaction's connection, or nil the
// first time the query is seen: it is then prepared for the pool once the
// transaction is over (preparing needs a connection of the pool, and a
// write transaction holds the only one). Each connection then prepares a
// query once, rather than parsing it on every call.
func (t *tx) stmt(query string) *sql.Stmt {
	if st := t.store.prepared(t.readOnly, query); st != nil {
		return t.tx.StmtContext(t.ctx, st)
	}
	t.unprepared = append(t.unprepared, query)
	return nil
}

func (t *tx) query(query string, args ...any) (*sql.Rows, error) {
	if st := t.stmt(query); st != nil {
		return st.QueryContext(t.ctx, args...)
	}
	return t.tx.QueryContext(t.ctx, query, args...)
}

func (t *tx) queryRow(query string, args ...any) *sql.Row {
	if st := t.stmt(query); st != nil {
		return st.QueryRowContext(t.ctx, args...)
	}
	return t.tx.QueryRowContext(t.ctx, query, args...)
}

func (t *tx) exec(query string, args ...any) error {
	if st := t.stmt(query); st != nil {
		_, err := st.ExecContext(t.ctx, args...)
		return err
	}
	_, err := t.tx.ExecContext(t.ctx, query, args...)
	return err
}

// getDoc decodes the JSON document the query selects into v.
func (t *tx) getDoc(v any, query string, args ...any) error {
	var doc string
	err := t.queryRow(query, args...).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return portico.ErrNotFound
	}
	if err != nil {
		return err
	}
	return json.Unmarshal([]byte(doc), v)
}

// listDocs decodes each row's JSON document with decode.
func listDocs[T any](t *tx, query string, args ...any) ([]T, error) {
	r, err := t.query(query, args...)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return rows.Docs[T](r)
}

func (t *tx) Catalog() (*portico.Catalog, int64, error) {
	var version int64
	err := t.queryRow(`SELECT version FROM catalog WHERE id = 1`).Scan(&version)
	if errors.Is(err, sql.ErrNoRows) {
		return &portico.Catalog{}, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	if c := t.store.catalog.Load(); c != nil && c.version == version {
		return c.cat, version, nil
	}
	cat, version, err := t.decodeCatalog()
	// Only a committed catalog is shared: a writer may be reading the one it
	// has just put, which its transaction may yet roll back.
	if err == nil && t.readOnly {
		t.store.catalog.Store(&versionedCatalog{version: version, cat: cat})
	}
	return cat, version, err
}

// decodeCatalog reads and decodes the catalog.
func (t *tx) decodeCatalog() (*portico.Catalog, int64, error) {
	var doc string
	var version int64
	err := t.queryRow(`SELECT version, doc FROM catalog WHERE id = 1`).Scan(&version, &doc)
	if errors.Is(err, sql.ErrNoRows) {
		return &portico.Catalog{}, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	var c portico.Catalog
	if err := json.Unmarshal([]byte(doc), &c); err != nil {
		return nil, 0, err
	}
	return &c, version, nil
}

func (t *tx) PutCatalog(c *portico.Catalog, change portico.CatalogChange) error {
	doc, err := rows.Doc(c)
	if err != nil {
		return err
	}
	t.catalogWritten = true
	err = t.exec(`INSERT INTO catalog (id, version, doc) VALUES (1, 1, ?)
		ON CONFLICT (id) DO UPDATE SET version = version + 1, doc = excluded.doc`, doc)
	if err != nil {
		return err
	}
	var at int64
	if !change.At.IsZero() {
		at = change.At.UnixNano()
	}
	return t.exec(`INSERT INTO catalog_versions (version, at, author, note, doc)
		SELECT version, ?, ?, ?, doc FROM catalog WHERE id = 1`, at, change.By, change.Note)
}

func (t *tx) CatalogVersions(before int64, limit int) ([]portico.CatalogVersion, error) {
	if before <= 0 {
		before = math.MaxInt64
	}
	r, err := t.query(`SELECT version, at, author, note FROM catalog_versions
		WHERE version < ? ORDER BY version DESC LIMIT ?`, before, limit)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return rows.Versions(r)
}

func (t *tx) CatalogVersion(version int64) (*portico.CatalogVersion, *portico.Catalog, error) {
	v := portico.CatalogVersion{Version: version}
	var at int64
	var doc string
	err := t.queryRow(`SELECT at, author, note, doc FROM catalog_versions WHERE version = ?`, version).
		Scan(&at, &v.By, &v.Note, &doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, portico.ErrNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	v.At = rows.Time(at)
	var c portico.Catalog
	if err := json.Unmarshal([]byte(doc), &c); err != nil {
		return nil, nil, err
	}
	return &v, &c, nil
}

func (t *tx) Customer(id string) (*portico.Customer, error) {
	var c portico.Customer
	if err := t.getDoc(&c, `SELECT doc FROM customers WHERE id = ?`, id); err != nil {
		return nil, err
	}
	return &c, nil
}

func (t *tx) CreateCustomer(c *portico.Customer) error {
	doc, err := rows.Doc(c)
	if err != nil {
		return err
	}
	t.touched.Add(c.ID)
	return t.exec(`INSERT INTO customers (id, created_at, doc) VALUES (?, ?, ?)`, c.ID, c.CreatedAt.UnixNano(), doc)
}

func (t *tx) UpdateCustomer(c *portico.Customer) error {
	doc, err := rows.Doc(c)
	if err != nil {
		return err
	}
	t.touched.Add(c.ID)
	return t.exec(`UPDATE customers SET doc = ? WHERE id = ?`, doc, c.ID)
}

func (t *tx) CustomerCount() (int, error) {
	var n int
	err := t.queryRow(`SELECT COUNT(*) FROM customers`).Scan(&n)
	return n, err
}

func (t *tx) Subscription(id string) (*portico.Subscription, error) {
	var s portico.Subscription
	if err := t.getDoc(&s, `SELECT doc FROM subscriptions WHERE id = ?`, id); err != nil {
		return nil, err
	}
	return &s, nil
}

func (t *tx) SubscriptionsOf(customerID string) ([]*portico.Subscription, error) {
	return t.subs.Of(customerID, t.readOnly, func() ([]*portico.Subscription, error) {
		return listDocs[*portico.Subscription](t, `SELECT doc FROM subscriptions WHERE customer_id = ? ORDER BY created_at, id`, customerID)
	})
}

func (t *tx) PutSubscription(s *portico.Subscription) error {
	doc, err := rows.Doc(s)
	if err != nil {
		return err
	}
	t.touched.Add(s.CustomerID)
	var due any
	if d := s.NextDue(); !d.IsZero() {
		due = d.UnixNano()
	}
	return t.exec(`INSERT INTO subscriptions (id, customer_id, product_id, resource_id, status, next_due, created_at, doc)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET status = excluded.status, next_due = excluded.next_due, doc = excluded.doc`,
		s.ID, s.CustomerID, s.ProductID, s.ResourceID, s.Status, due, s.CreatedAt.UnixNano(), doc)
}

func (t *tx) DueSubscriptions(at time.Time, limit int) ([]*portico.Subscription, error) {
	return listDocs[*portico.Subscription](t, `SELECT doc FROM subscriptions WHERE next_due IS NOT NULL AND next_due <= ? ORDER BY next_due LIMIT ?`, at.UnixNano(), limit)
}

func (t *tx) ProductHasSubscriptions(productID string) (bool, error) {
	var n int
	err := t.queryRow(`SELECT COUNT(*) FROM (SELECT 1 FROM subscriptions WHERE product_id = ? LIMIT 1)`, productID).Scan(&n)
	return n > 0, err
}

func (t *tx) EachLiveSubscription(productID string, fn func(*portico.Subscription) error) error {
	r, err := t.query(`SELECT doc FROM subscriptions WHERE product_id = ? AND status IN ('active', 'trialing') ORDER BY created_at, id`, productID)
	if err != nil {
		return err
	}
	defer r.Close()
	return rows.EachDoc(r, fn)
}

func (t *tx) PromotionsOf(customerID string) ([]portico.Promotion, error) {
	return listDocs[portico.Promotion](t, `SELECT doc FROM promotions WHERE customer_id = ? ORDER BY granted_at, id`, customerID)
}

func (t *tx) AddPromotion(p portico.Promotion) error {
	doc, err := rows.Doc(p)
	if err != nil {
		return err
	}
	t.touched.Add(p.CustomerID)
	return t.exec(`INSERT INTO promotions (id, customer_id, granted_at, doc) VALUES (?, ?, ?, ?)`, p.ID, p.CustomerID, p.GrantedAt.UnixNano(), doc)
}

func (t *tx) UsageOf(customerID string) ([]portico.UsageRecord, error) {
	r, err := t.query(`SELECT feature_id, resource_id, value, period_start FROM usage WHERE customer_id = ? ORDER BY feature_id, resource_id`, customerID)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return rows.Usage(r, customerID)
}

func (t *tx) PutUsage(u portico.UsageRecord) error {
	t.touched.Add(u.CustomerID)
	return t.exec(`INSERT INTO usage (customer_id, feature_id, resource_id, value, period_start) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (customer_id, feature_id, resource_id) DO UPDATE SET value = excluded.value, period_start = excluded.period_start`,
		u.CustomerID, u.FeatureID, u.ResourceID, u.Value, u.PeriodStart.UnixNano())
}

func (t *tx) BillingProfile(customerID string) (*portico.BillingProfile, error) {
	var p portico.BillingProfile
	if err := t.getDoc(&p, `SELECT doc FROM billing_profiles WHERE customer_id = ?`, customerID); err != nil {
		return nil, err
	}
	return &p, nil
}

func (t *tx) PutBillingProfile(customerID string, p *portico.BillingProfile) error {
	doc, err := rows.Doc(p)
	if err != nil {
		return err
	}
	t.touched.Add(customerID)
	return t.exec(`INSERT INTO billing_profiles (customer_id, doc) VALUES (?, ?)
		ON CONFLICT (customer_id) DO UPDATE SET doc = excluded.doc`, customerID, doc)
}

func (t *tx) InvoicesOf(customerID string) ([]portico.Invoice, error) {
	return listDocs[portico.Invoice](t, `SELECT doc FROM invoices WHERE customer_id = ? ORDER BY created DESC, rowid DESC`, customerID)
}

func (t *tx) AddInvoice(customerID string, inv portico.Invoice) error {
	doc, err := rows.Doc(inv)
	if err != nil {
		return err
	}
	t.touched.Add(customerID)
	return t.exec(`INSERT INTO invoices (id, customer_id, created, doc) VALUES (?, ?, ?, ?)`, inv.ID, customerID, inv.Created.UnixNano(), doc)
}

func (t *tx) Idempotency(scope, key string, createdAfter time.Time) (*portico.IdempotencyRecord, error) {
	r := portico.IdempotencyRecord{Scope: scope, Key: key}
	var created int64
	err := t.queryRow(`SELECT principal, request_hash, status, body, created_at FROM idempotency
		WHERE scope = ? AND key = ? AND created_at > ?`, scope, key, createdAfter.UnixNano()).
		Scan(&r.Principal, &r.RequestHash, &r.Status, &r.Body, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, portico.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	r.CreatedAt = time.Unix(0, created).UTC()
	return &r, nil
}

func (t *tx) PutIdempotency(r *portico.IdempotencyRecord) error {
	return t.exec(`INSERT INTO idempotency (scope, key, principal, request_hash, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (scope, key) DO UPDATE SET principal = excluded.principal, request_hash = excluded.request_hash,
		status = excluded.status, body = excluded.body, created_at = excluded.created_at`,
		r.Scope, r.Key, r.Principal, r.RequestHash, r.Status, r.Body, r.CreatedAt.UnixNano())
}

func (t *tx) IdempotencyHeld(principal string, createdAfter time.Time) (int, time.Time, error) {
	var n int
	var oldest sql.NullInt64
	err := t.queryRow(`SELECT COUNT(*), MIN(created_at) FROM idempotency WHERE principal = ? AND created_at > ?`,
		principal, createdAfter.UnixNano()).Scan(&n, &oldest)
	if err != nil || !oldest.Valid {
		return n, time.Time{}, err
	}
	return n, time.Unix(0, oldest.Int64).UTC(), nil
}

// PruneIdempotency deletes a batch at a time, so that pruning never holds
// the one writer for long.
func (t *tx) PruneIdempotency(createdUpTo time.Time, limit int) (int, error) {
	res, err := t.tx.ExecContext(t.ctx, `DELETE FROM idempotency WHERE rowid IN
		(SELECT rowid FROM idempotency WHERE created_at <= ? LIMIT ?)`, createdUpTo.UnixNano(), limit)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

func (t *tx) DeleteIdempotency(scope, key string) error {
	return t.exec(`DELETE FROM idempotency WHERE scope = ? AND key = ?`, scope, key)
}

func (t *tx) RevokeConsoleSession(id string, expires time.Time) error {
	return t.exec(`INSERT INTO console_revocations (id, expires_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`, id, expires.UnixNano())
}

func (t *tx) ConsoleSessionRevoked(id string) (bool, error) {
	var n int
	err := t.queryRow(`SELECT COUNT(*) FROM console_revocations WHERE id = ?`, id).Scan(&n)
	return n > 0, err
}

func (t *tx) PruneConsoleRevocations(at time.Time) error {
	return t.exec(`DELETE FROM console_revocations WHERE expires_at <= ?`, at.UnixNano())
}
