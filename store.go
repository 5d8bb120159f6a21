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

// Tx is one transaction's view of the store: every entity's part of it.
// Getters return ErrNotFound for a missing row. A caller that uses one
// entity's part can ask for that part alone (an IdempotencyTx, say).
type Tx interface {
	// Context is the transaction's context: a store call made with it (a
	// billing provider recording its links during a change) joins the
	// transaction and commits or rolls back with it.
	Context() context.Context

	CatalogTx
	CustomerTx
	SubscriptionTx
	PromotionTx
	UsageTx
	BillingProfileTx
	InvoiceTx
	SnapshotTx
	IdempotencyTx
	ConsoleSessionTx
	EventTx
}

// CatalogTx keeps the catalog and its history.
type CatalogTx interface {
	// Catalog returns the catalog and its version (0 and an empty catalog
	// before the first one is applied). The catalog may be shared with
	// other transactions: it must not be modified.
	Catalog() (*Catalog, int64, error)
	// PutCatalog stores c as the next catalog version and keeps it in the
	// catalog's history with the change's author, time and note.
	PutCatalog(c *Catalog, change CatalogChange) error
	// CatalogVersions lists the kept versions, newest first, without their
	// documents: at most limit of them, all below before (0: from the
	// newest).
	CatalogVersions(before int64, limit int) ([]CatalogVersion, error)
	// CatalogVersion returns one kept version with its document, or
	// ErrNotFound.
	CatalogVersion(version int64) (*CatalogVersion, *Catalog, error)
}

// CustomerTx keeps the customers.
type CustomerTx interface {
	Customer(id string) (*Customer, error)
	// CustomersByID reads many customers at once; those that do not exist
	// are missing from the map.
	CustomersByID(ids []string) (map[string]*Customer, error)
	CreateCustomer(c *Customer) error
	UpdateCustomer(c *Customer) error
	CustomerCount() (int, error)
}

// SubscriptionTx keeps the subscriptions.
type SubscriptionTx interface {
	Subscription(id string) (*Subscription, error)
	SubscriptionsOf(customerID string) ([]*Subscription, error)
	// SubscriptionsOfCustomers reads many customers' subscriptions at once.
	SubscriptionsOfCustomers(customerIDs []string) (map[string][]*Subscription, error)
	PutSubscription(s *Subscription) error
	// DueSubscriptions lists live subscriptions with something due at or
	// before t, at most limit of them, soonest first (in ID order when due
	// at the same instant).
	DueSubscriptions(t time.Time, limit int) ([]*Subscription, error)
	ProductHasSubscriptions(productID string) (bool, error)
	// EachLiveSubscription calls fn with each active or trialing
	// subscription of the product, stopping at fn's first error. fn must
	// not use the transaction: the subscriptions are read as fn runs.
	EachLiveSubscription(productID string, fn func(*Subscription) error) error
}

// PromotionTx keeps the promotions granted to customers.
type PromotionTx interface {
	PromotionsOf(customerID string) ([]Promotion, error)
	// PromotionsOfCustomers reads many customers' promotions at once.
	PromotionsOfCustomers(customerIDs []string) (map[string][]Promotion, error)
	AddPromotion(p Promotion) error
	// ExpiredPromotions lists at most limit promotions that expired at or
	// before upTo and were not announced yet, soonest first.
	ExpiredPromotions(upTo time.Time, limit int) ([]Promotion, error)
	// PromotionExpiryAnnounced records that promotion.expired was sent.
	PromotionExpiryAnnounced(id string) error
}

// UsageTx keeps the usage customers reported: the current value of each
// feature, the history per day, and the idempotency keys of the events
// counted.
type UsageTx interface {
	UsageOf(customerID string) ([]UsageRecord, error)
	// UsageOfCustomers reads many customers' usage at once.
	UsageOfCustomers(customerIDs []string) (map[string][]UsageRecord, error)
	PutUsage(u UsageRecord) error
	// PutUsages is PutUsage for many records at once (at most one per
	// customer, feature and resource).
	PutUsages(us []UsageRecord) error
	// AddUsageHistory adds value to the usage of the day (UTC) containing
	// at.
	AddUsageHistory(customerID, featureID, resourceID string, at time.Time, value int64) error
	// AddUsageHistories is AddUsageHistory for many days at once (at most
	// one add per customer, feature, resource and day).
	AddUsageHistories(adds []HistoryAdd) error
	// UsageHistory lists the days in [from, to) with usage, in order.
	UsageHistory(customerID, featureID, resourceID string, from, to time.Time) ([]DayUsage, error)
	// PruneUsageHistory forgets the months that ended before t, at most
	// limit rows, and says how many it forgot.
	PruneUsageHistory(before time.Time, limit int) (int, error)
	// UsageKeysSeen tells which of the keys were counted (and not pruned).
	UsageKeysSeen(keys []string) (map[string]bool, error)
	// PutUsageKeys remembers the keys of events counted at t.
	PutUsageKeys(keys []string, t time.Time) error
	// PruneUsageKeys forgets at most limit keys counted at or before t.
	PruneUsageKeys(upTo time.Time, limit int) (int, error)
}

// BillingProfileTx keeps the billing details of local billing.
type BillingProfileTx interface {
	BillingProfile(customerID string) (*BillingProfile, error)
	PutBillingProfile(customerID string, p *BillingProfile) error
}

// InvoiceTx keeps the invoices of local billing.
type InvoiceTx interface {
	InvoicesOf(customerID string) ([]Invoice, error)
	AddInvoice(customerID string, inv Invoice) error
}

// SnapshotTx keeps snapshots: answers as last computed (a customer's
// entitlements, their portal view), valid while the catalog version is the
// same and until ValidUntil. TouchedCustomers returns, and forgets, the
// customers whose record, subscriptions, promotions, usage, billing
// profile or invoices were written since it was last called: the engine
// replaces their snapshots before the transaction commits.
type SnapshotTx interface {
	PutSnapshot(s Snapshot) error
	DeleteSnapshots(customerID string) error
	TouchedCustomers() []string
}

// IdempotencyTx keeps idempotency records: the first response to a keyed
// request, for a while.
type IdempotencyTx interface {
	// Idempotency returns the record of the scope and key only when it
	// was created after createdAfter: an older one has expired and is
	// ErrNotFound, as a missing one is.
	Idempotency(scope, key string, createdAfter time.Time) (*IdempotencyRecord, error)
	// PutIdempotency stores a record, replacing any of the same scope and
	// key.
	PutIdempotency(r *IdempotencyRecord) error
	DeleteIdempotency(scope, key string) error
	// IdempotencyHeld counts the principal's records created after
	// createdAfter and tells when the oldest of them was created (zero
	// when there is none).
	IdempotencyHeld(principal string, createdAfter time.Time) (n int, oldest time.Time, err error)
	// PruneIdempotency deletes at most limit records created at or before
	// createdUpTo, and says how many it deleted.
	PruneIdempotency(createdUpTo time.Time, limit int) (int, error)
}

// ConsoleSessionTx keeps the console sessions signed out before they
// expired. Console sessions are signed, not stored, so that every replica
// accepts them; signing out records the session's ID here, and every
// replica refuses it until it expires. Revoking one twice is no error.
// PruneConsoleRevocations forgets those that had expired by t: their
// session is refused for its age alone.
type ConsoleSessionTx interface {
	RevokeConsoleSession(id string, expires time.Time) error
	ConsoleSessionRevoked(id string) (bool, error)
	PruneConsoleRevocations(t time.Time) error
}

// CatalogChange says who saved a catalog version, when and why.
type CatalogChange struct {
	// By is who saved it: "backend API", "console", "PORTICO_CATALOG",
	// "demo"; empty when unknown (versions saved before history was kept).
	By string `json:"by"`
	// At is when, by the engine's clock (the test clock when it is on);
	// zero when unknown.
	At time.Time `json:"at"`
	// Note is a short reason the author gave, such as "restored version 3"
	// or "archived plan \"pro\"".
	Note string `json:"note,omitempty"`
}

// CatalogVersion is one kept version of the catalog.
type CatalogVersion struct {
	Version int64 `json:"version"`
	CatalogChange
}

// Snapshot kinds.
const (
	SnapshotEntitlements = "entitlements" // scope: the resource ("" for the customer)
	SnapshotPortal       = "portal"       // scope: product and resource of the session
)

// Snapshot is an answer kept for a customer, as answered.
type Snapshot struct {
	CustomerID     string
	Kind           string
	Scope          string
	CatalogVersion int64
	ValidUntil     time.Time
	Body           []byte
}

// SnapshotReader reads snapshots outside any transaction, in one step: a
// store that can answers the hottest calls without one.
type SnapshotReader interface {
	// Snapshot returns the body of the snapshot that holds at now for the
	// current catalog, or ok false.
	Snapshot(ctx context.Context, customerID, kind, scope string, now time.Time) (body []byte, ok bool, err error)
}

// IdempotencyRecord is the remembered outcome of a keyed mutating request.
// Scope is the principal, method and path the key is kept for.
type IdempotencyRecord struct {
	Scope string `json:"scope"`
	// Principal is who made the request: "backend", "console", or a
	// portal session's customer, product and resource.
	Principal   string    `json:"principal"`
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
