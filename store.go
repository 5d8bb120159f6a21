package portico

import (
	"context"
	"time"
)

// Store persists Portico's state. Every API call runs in one transaction, so
// a failure part-way changes nothing.
type Store interface {
	// Update runs fn in a read-write transaction, committed when fn returns
	// nil and rolled back otherwise.
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn in a read-only transaction.
	View(ctx context.Context, fn func(Tx) error) error
	Close() error
}

// Tx is one transaction's view of the store. Getters return ErrNotFound
// for a missing row.
type Tx interface {
	// Context is the transaction's context: a store call made with it (a
	// billing provider recording its links during a change) joins the
	// transaction and commits or rolls back with it.
	Context() context.Context

	// Catalog returns the catalog and its version (0 and an empty catalog
	// before the first one is applied). In a read-only transaction the
	// catalog may be shared with other readers: it must not be modified.
	Catalog() (*Catalog, int64, error)
	PutCatalog(c *Catalog) error

	Customer(id string) (*Customer, error)
	CreateCustomer(c *Customer) error
	UpdateCustomer(c *Customer) error
	CustomerCount() (int, error)

	Subscription(id string) (*Subscription, error)
	SubscriptionsOf(customerID string) ([]*Subscription, error)
	PutSubscription(s *Subscription) error
	// DueSubscriptions lists live subscriptions with something due at or
	// before t, at most limit of them.
	DueSubscriptions(t time.Time, limit int) ([]*Subscription, error)
	ProductHasSubscriptions(productID string) (bool, error)

	PromotionsOf(customerID string) ([]Promotion, error)
	AddPromotion(p Promotion) error

	UsageOf(customerID string) ([]UsageRecord, error)
	PutUsage(u UsageRecord) error

	BillingProfile(customerID string) (*BillingProfile, error)
	PutBillingProfile(customerID string, p *BillingProfile) error
	InvoicesOf(customerID string) ([]Invoice, error)
	AddInvoice(customerID string, inv Invoice) error

	// Entitlement snapshots are a customer's entitlements as last computed
	// (the JSON answer), valid while the catalog version is the same and
	// until validUntil. TouchedCustomers returns, and forgets, the
	// customers whose subscriptions, promotions, usage or record were
	// written since it was last called: the engine replaces their
	// snapshots before the transaction commits.
	PutEntitlementSnapshot(s EntitlementSnapshot) error
	DeleteEntitlementSnapshots(customerID string) error
	TouchedCustomers() []string

	// Idempotency records remember the first response to a keyed request.
	Idempotency(scope, key string) (*IdempotencyRecord, error)
	PutIdempotency(r *IdempotencyRecord) error
	DeleteIdempotency(scope, key string) error
}

// EntitlementSnapshot is a customer's entitlements for a resource ("" for
// the customer as a whole), as answered.
type EntitlementSnapshot struct {
	CustomerID     string
	ResourceID     string
	CatalogVersion int64
	ValidUntil     time.Time
	Body           []byte
}

// SnapshotReader reads entitlement snapshots outside any transaction, in
// one step: a store that can answers the hottest call without one.
type SnapshotReader interface {
	// EntitlementSnapshot returns the body of the snapshot that holds at now
	// for the current catalog, or ok false.
	EntitlementSnapshot(ctx context.Context, customerID, resourceID string, now time.Time) (body []byte, ok bool, err error)
}

// IdempotencyRecord is the remembered outcome of a keyed mutating request.
type IdempotencyRecord struct {
	Scope       string    `json:"scope"`
	Key         string    `json:"key"`
	RequestHash string    `json:"requestHash"`
	Status      int       `json:"status"` // 0 while the first request runs
	Body        []byte    `json:"body"`
	CreatedAt   time.Time `json:"createdAt"`
}

// Clock tells the time; tests and the test clock replace it.
type Clock interface {
	Now() time.Time
}
