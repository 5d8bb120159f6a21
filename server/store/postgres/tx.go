package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/store/internal/rows"
	"github.com/portico-dev/portico/server/store/internal/txn"
)

// tx implements portico.Tx over one PostgreSQL transaction. pgx prepares
// and caches each statement per connection by itself.
type tx struct {
	tx       pgx.Tx
	ctx      context.Context
	depth    int // nested savepoints
	store    *Store
	readOnly bool
	subs     txn.SubscriptionReads
	// touched are the customers whose entitlements' inputs were written.
	touched txn.Touched
}

// txKey marks a context bound to a write transaction.
type txKey struct{}

func txOf(ctx context.Context) *tx {
	t, _ := ctx.Value(txKey{}).(*tx)
	return t
}

func (t *tx) Context() context.Context { return t.ctx }

// savepoint runs fn within the transaction, undoing only fn's writes when
// it fails.
func (t *tx) savepoint(fn func(portico.Tx) error) error {
	return txn.Savepoint(&t.depth, func(q string) error { return t.exec(q) }, func() error { return fn(t) })
}

func (t *tx) exec(query string, args ...any) error {
	_, err := t.tx.Exec(t.ctx, query, args...)
	return err
}

func (t *tx) TouchedCustomers() []string { return t.touched.Drain() }

// getDoc decodes the JSON document the query selects into v.
func (t *tx) getDoc(v any, query string, args ...any) error {
	var doc []byte
	err := t.tx.QueryRow(t.ctx, query, args...).Scan(&doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return portico.ErrNotFound
	}
	if err != nil {
		return err
	}
	return json.Unmarshal(doc, v)
}

// listDocs decodes each row's JSON document.
func listDocs[T any](t *tx, query string, args ...any) ([]T, error) {
	r, err := t.tx.Query(t.ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return rows.Docs[T](r)
}

func (t *tx) Catalog() (*portico.Catalog, int64, error) {
	var version int64
	err := t.tx.QueryRow(t.ctx, `SELECT version FROM catalog WHERE id = 1`).Scan(&version)
	if errors.Is(err, pgx.ErrNoRows) {
		return &portico.Catalog{}, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	if c := t.store.catalog.Load(); c != nil && c.version == version {
		return c.cat, version, nil
	}
	var doc []byte
	if err := t.tx.QueryRow(t.ctx, `SELECT version, doc FROM catalog WHERE id = 1`).Scan(&version, &doc); err != nil {
		return nil, 0, err
	}
	var c portico.Catalog
	if err := json.Unmarshal(doc, &c); err != nil {
		return nil, 0, err
	}
	// Only a committed catalog is shared: a writer's may yet roll back.
	if t.readOnly {
		t.store.catalog.Store(&versionedCatalog{version: version, cat: &c})
	}
	return &c, version, nil
}

func (t *tx) PutCatalog(c *portico.Catalog, change portico.CatalogChange) error {
	doc, err := rows.Doc(c)
	if err != nil {
		return err
	}
	err = t.exec(`INSERT INTO catalog (id, version, doc) VALUES (1, 1, $1)
		ON CONFLICT (id) DO UPDATE SET version = catalog.version + 1, doc = excluded.doc`, doc)
	if err != nil {
		return err
	}
	var at int64
	if !change.At.IsZero() {
		at = change.At.UnixNano()
	}
	return t.exec(`INSERT INTO catalog_versions (version, at, author, note, doc)
		SELECT version, $1, $2, $3, doc FROM catalog WHERE id = 1`, at, change.By, change.Note)
}

func (t *tx) CatalogVersions(before int64, limit int) ([]portico.CatalogVersion, error) {
	if before <= 0 {
		before = math.MaxInt64
	}
	r, err := t.tx.Query(t.ctx, `SELECT version, at, author, note FROM catalog_versions
		WHERE version < $1 ORDER BY version DESC LIMIT $2`, before, limit)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return rows.Versions(r)
}

func (t *tx) CatalogVersion(version int64) (*portico.CatalogVersion, *portico.Catalog, error) {
	v := portico.CatalogVersion{Version: version}
	var at int64
	var doc []byte
	err := t.tx.QueryRow(t.ctx, `SELECT at, author, note, doc FROM catalog_versions WHERE version = $1`, version).
		Scan(&at, &v.By, &v.Note, &doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, portico.ErrNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	v.At = rows.Time(at)
	var c portico.Catalog
	if err := json.Unmarshal(doc, &c); err != nil {
		return nil, nil, err
	}
	return &v, &c, nil
}

func (t *tx) Customer(id string) (*portico.Customer, error) {
	var c portico.Customer
	if err := t.getDoc(&c, `SELECT doc FROM customers WHERE id = $1`, id); err != nil {
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
	return t.exec(`INSERT INTO customers (id, created_at, doc) VALUES ($1, $2, $3)`, c.ID, c.CreatedAt.UnixNano(), doc)
}

func (t *tx) UpdateCustomer(c *portico.Customer) error {
	doc, err := rows.Doc(c)
	if err != nil {
		return err
	}
	t.touched.Add(c.ID)
	return t.exec(`UPDATE customers SET doc = $1 WHERE id = $2`, doc, c.ID)
}

func (t *tx) CustomerCount() (int, error) {
	var n int
	err := t.tx.QueryRow(t.ctx, `SELECT COUNT(*) FROM customers`).Scan(&n)
	return n, err
}

func (t *tx) Subscription(id string) (*portico.Subscription, error) {
	var s portico.Subscription
	if err := t.getDoc(&s, `SELECT doc FROM subscriptions WHERE id = $1`, id); err != nil {
		return nil, err
	}
	return &s, nil
}

func (t *tx) SubscriptionsOf(customerID string) ([]*portico.Subscription, error) {
	return t.subs.Of(customerID, t.readOnly, func() ([]*portico.Subscription, error) {
		return listDocs[*portico.Subscription](t, `SELECT doc FROM subscriptions WHERE customer_id = $1 ORDER BY created_at, id`, customerID)
	})
}

func (t *tx) PutSubscription(s *portico.Subscription) error {
	doc, err := rows.Doc(s)
	if err != nil {
		return err
	}
	t.touched.Add(s.CustomerID)
	var due *int64
	if d := s.NextDue(); !d.IsZero() {
		n := d.UnixNano()
		due = &n
	}
	return t.exec(`INSERT INTO subscriptions (id, customer_id, product_id, resource_id, status, next_due, created_at, doc)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (id) DO UPDATE SET status = excluded.status, next_due = excluded.next_due, doc = excluded.doc`,
		s.ID, s.CustomerID, s.ProductID, s.ResourceID, s.Status, due, s.CreatedAt.UnixNano(), doc)
}

func (t *tx) DueSubscriptions(at time.Time, limit int) ([]*portico.Subscription, error) {
	return listDocs[*portico.Subscription](t, `SELECT doc FROM subscriptions WHERE next_due IS NOT NULL AND next_due <= $1 ORDER BY next_due, id LIMIT $2`, at.UnixNano(), limit)
}

func (t *tx) ProductHasSubscriptions(productID string) (bool, error) {
	var ok bool
	err := t.tx.QueryRow(t.ctx, `SELECT EXISTS (SELECT 1 FROM subscriptions WHERE product_id = $1)`, productID).Scan(&ok)
	return ok, err
}

func (t *tx) EachLiveSubscription(productID string, fn func(*portico.Subscription) error) error {
	r, err := t.tx.Query(t.ctx, `SELECT doc FROM subscriptions WHERE product_id = $1 AND status IN ('active', 'trialing') ORDER BY created_at, id`, productID)
	if err != nil {
		return err
	}
	defer r.Close()
	return rows.EachDoc(r, fn)
}

func (t *tx) PromotionsOf(customerID string) ([]portico.Promotion, error) {
	return listDocs[portico.Promotion](t, `SELECT doc FROM promotions WHERE customer_id = $1 ORDER BY granted_at, id`, customerID)
}

func (t *tx) AddPromotion(p portico.Promotion) error {
	doc, err := rows.Doc(p)
	if err != nil {
		return err
	}
	t.touched.Add(p.CustomerID)
	return t.exec(`INSERT INTO promotions (id, customer_id, granted_at, doc) VALUES ($1, $2, $3, $4)`, p.ID, p.CustomerID, p.GrantedAt.UnixNano(), doc)
}

func (t *tx) UsageOf(customerID string) ([]portico.UsageRecord, error) {
	r, err := t.tx.Query(t.ctx, `SELECT feature_id, resource_id, value, period_start FROM usage WHERE customer_id = $1 ORDER BY feature_id, resource_id`, customerID)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return rows.Usage(r, customerID)
}

func (t *tx) PutUsage(u portico.UsageRecord) error {
	t.touched.Add(u.CustomerID)
	return t.exec(`INSERT INTO usage (customer_id, feature_id, resource_id, value, period_start) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (customer_id, feature_id, resource_id) DO UPDATE SET value = excluded.value, period_start = excluded.period_start`,
		u.CustomerID, u.FeatureID, u.ResourceID, u.Value, u.PeriodStart.UnixNano())
}

func (t *tx) BillingProfile(customerID string) (*portico.BillingProfile, error) {
	var p portico.BillingProfile
	if err := t.getDoc(&p, `SELECT doc FROM billing_profiles WHERE customer_id = $1`, customerID); err != nil {
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
	return t.exec(`INSERT INTO billing_profiles (customer_id, doc) VALUES ($1, $2)
		ON CONFLICT (customer_id) DO UPDATE SET doc = excluded.doc`, customerID, doc)
}

func (t *tx) InvoicesOf(customerID string) ([]portico.Invoice, error) {
	return listDocs[portico.Invoice](t, `SELECT doc FROM invoices WHERE customer_id = $1 ORDER BY created DESC, seq DESC`, customerID)
}

func (t *tx) AddInvoice(customerID string, inv portico.Invoice) error {
	doc, err := rows.Doc(inv)
	if err != nil {
		return err
	}
	t.touched.Add(customerID)
	return t.exec(`INSERT INTO invoices (id, customer_id, created, doc) VALUES ($1, $2, $3, $4)`, inv.ID, customerID, inv.Created.UnixNano(), doc)
}

func (t *tx) PutSnapshot(s portico.Snapshot) error {
	return t.exec(`INSERT INTO snapshots (customer_id, kind, scope, catalog_version, valid_until, body)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (customer_id, kind, scope) DO UPDATE SET catalog_version = excluded.catalog_version,
		valid_until = excluded.valid_until, body = excluded.body`,
		s.CustomerID, s.Kind, s.Scope, s.CatalogVersion, s.ValidUntil.UnixNano(), s.Body)
}

func (t *tx) DeleteSnapshots(customerID string) error {
	return t.exec(`DELETE FROM snapshots WHERE customer_id = $1`, customerID)
}

func (t *tx) Idempotency(scope, key string, createdAfter time.Time) (*portico.IdempotencyRecord, error) {
	r := portico.IdempotencyRecord{Scope: scope, Key: key}
	var created int64
	err := t.tx.QueryRow(t.ctx, `SELECT principal, request_hash, status, body, created_at FROM idempotency
		WHERE scope = $1 AND key = $2 AND created_at > $3`, scope, key, createdAfter.UnixNano()).
		Scan(&r.Principal, &r.RequestHash, &r.Status, &r.Body, &created)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, portico.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	r.CreatedAt = time.Unix(0, created).UTC()
	return &r, nil
}

func (t *tx) PutIdempotency(r *portico.IdempotencyRecord) error {
	return t.exec(`INSERT INTO idempotency (scope, key, principal, request_hash, status, body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (scope, key) DO UPDATE SET principal = excluded.principal, request_hash = excluded.request_hash,
		status = excluded.status, body = excluded.body, created_at = excluded.created_at`,
		r.Scope, r.Key, r.Principal, r.RequestHash, r.Status, r.Body, r.CreatedAt.UnixNano())
}

func (t *tx) IdempotencyHeld(principal string, createdAfter time.Time) (int, time.Time, error) {
	var n int
	var oldest *int64
	err := t.tx.QueryRow(t.ctx, `SELECT COUNT(*), MIN(created_at) FROM idempotency WHERE principal = $1 AND created_at > $2`,
		principal, createdAfter.UnixNano()).Scan(&n, &oldest)
	if err != nil || oldest == nil {
		return n, time.Time{}, err
	}
	return n, time.Unix(0, *oldest).UTC(), nil
}

// PruneIdempotency deletes a batch at a time, so that pruning never holds
// the write lock, which every replica's writes wait for, for long.
func (t *tx) PruneIdempotency(createdUpTo time.Time, limit int) (int, error) {
	tag, err := t.tx.Exec(t.ctx, `DELETE FROM idempotency WHERE (scope, key) IN
		(SELECT scope, key FROM idempotency WHERE created_at <= $1 LIMIT $2)`, createdUpTo.UnixNano(), limit)
	if err != nil {
		return 0, err
	}
	return int(tag.RowsAffected()), nil
}

func (t *tx) DeleteIdempotency(scope, key string) error {
	return t.exec(`DELETE FROM idempotency WHERE scope = $1 AND key = $2`, scope, key)
}

func (t *tx) RevokeConsoleSession(id string, expires time.Time) error {
	return t.exec(`INSERT INTO console_revocations (id, expires_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`, id, expires.UnixNano())
}

func (t *tx) ConsoleSessionRevoked(id string) (bool, error) {
	var ok bool
	err := t.tx.QueryRow(t.ctx, `SELECT EXISTS (SELECT 1 FROM console_revocations WHERE id = $1)`, id).Scan(&ok)
	return ok, err
}

func (t *tx) PruneConsoleRevocations(at time.Time) error {
	return t.exec(`DELETE FROM console_revocations WHERE expires_at <= $1`, at.UnixNano())
}
