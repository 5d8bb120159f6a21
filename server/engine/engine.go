// Package engine applies Portico's pricing model: the catalog, the customer
// journey (start, upgrades, downgrades, cancellations, trials), usage and
// entitlements. It reads the time from an injected clock and keeps its state
// in a portico.Store, one transaction per operation.
package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/billing"
	"github.com/portico-dev/portico/server/catalog"
)

// Engine is the pricing engine. It is safe for concurrent use: the store
// serialises writers.
type Engine struct {
	store portico.Store
	clock portico.Clock
	// SyncBilling, when set, mirrors each change a customer or the backend
	// makes to the billing provider, inside the change's transaction: a
	// refusal undoes the change, so Portico and the provider never differ.
	SyncBilling func(ctx context.Context, c *portico.Customer, s billing.Sync) error
	// QueueBilling, when set, keeps a report owed to the billing provider
	// (a metered item's usage, a minimum-spend top-up) in the outbox,
	// inside the transaction of what it reports: the report commits with
	// it, and is sent afterwards (billing.Reporter).
	QueueBilling func(ctx context.Context, r billing.Report) error
	// PaymentMethods tells whether a customer can be charged when a trial
	// ends. Nil means "look at the local billing profile".
	PaymentMethods func(tx portico.Tx, customerID string) bool

	// translated keeps the catalog as shown in each locale asked for.
	translated translatedCatalogs
	// eventHooks are called after an operation that added events commits.
	eventHooks []func()
}

// translatedCatalogs are the current catalog version localized, by locale:
// a view in a language is a map lookup, not a copy of the catalog.
type translatedCatalogs struct {
	mu       sync.Mutex
	version  int64
	byLocale map[string]*portico.Catalog
}

// in returns cat (of version) in locale, localizing it once per version.
func (t *translatedCatalogs) in(cat *portico.Catalog, version int64, locale string) *portico.Catalog {
	if locale == "" {
		return cat
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.version != version || t.byLocale == nil {
		t.version, t.byLocale = version, map[string]*portico.Catalog{}
	}
	l, ok := t.byLocale[locale]
	if !ok {
		l = cat.Localized(locale)
		t.byLocale[locale] = l
	}
	return l
}

// inLocale shows the catalog's texts in locale until the function it
// returns restores them: for views only, never around what is written.
func (o *op) inLocale(locale string) func() {
	cat := o.cat
	o.cat = o.e.translated.in(cat, o.catVersion, locale)
	return func() { o.cat = cat }
}

// OnEvents registers fn to be called after each operation that added
// events to the log has committed (a webhook sender wakes up rather than
// waiting for its next poll). Register before the engine is used; fn must
// return quickly.
func (e *Engine) OnEvents(fn func()) { e.eventHooks = append(e.eventHooks, fn) }

// New returns an engine over the store, reading time from clock.
func New(store portico.Store, clock portico.Clock) *Engine {
	return &Engine{store: store, clock: clock}
}

// Now is the engine's current time.
func (e *Engine) Now() time.Time { return e.clock.Now() }

// op is what one operation sees: its transaction, the catalog and the time.
type op struct {
	tx  portico.Tx
	cat *portico.Catalog
	// catVersion is the version of cat as read.
	catVersion int64
	now        time.Time
	e          *Engine
	// err is the first failure of a step deep inside a journey rule; the
	// transaction rolls back when it is set, so nothing is half-applied.
	err error
	// known are customers whose whole state this operation holds as it
	// wrote it (a usage batch keeps them): their kept answers are
	// computed from it instead of being read back.
	known map[string]knownCustomer
	// events is what the operation wrote that host backends hear of (nil
	// in a read-only operation).
	events *changeLog
	// lateness, when not nil, gathers how late each due event settled is
	// applied (ApplyDue: the scheduler's lag).
	lateness []time.Duration
}

// knownCustomer is a customer and what their entitlements are computed
// from, as the operation left them.
type knownCustomer struct {
	c  *portico.Customer
	in grantInputs
}

func (o *op) fail(err error) {
	if err != nil && o.err == nil {
		o.err = err
	}
}

func (o *op) run(fn func(o *op) error) error {
	if err := fn(o); err != nil {
		return err
	}
	return o.err
}

func (e *Engine) update(ctx context.Context, fn func(o *op) error) error {
	var log *changeLog
	err := e.store.Update(ctx, func(tx portico.Tx) error {
		cat, version, err := tx.Catalog()
		if err != nil {
			return err
		}
		log = &changeLog{}
		o := &op{tx: recordingTx{Tx: tx, log: log}, cat: cat, catVersion: version, now: e.clock.Now(), e: e, events: log}
		if err := o.run(fn); err != nil {
			return err
		}
		if err := o.refreshSnapshots(); err != nil {
			return err
		}
		return o.emitEvents()
	})
	if err == nil && log != nil && log.added > 0 {
		for _, fn := range e.eventHooks {
			fn()
		}
	}
	return err
}

func (e *Engine) view(ctx context.Context, fn func(o *op) error) error {
	return e.store.View(ctx, func(tx portico.Tx) error {
		cat, version, err := tx.Catalog()
		if err != nil {
			return err
		}
		return fn(&op{tx: tx, cat: cat, catVersion: version, now: e.clock.Now(), e: e})
	})
}

// readCustomer runs fn read-only on a customer whose due changes have all
// been applied: when something fell due since the last write (the scheduler
// runs every so often), it is applied first, so no reader sees a stale state.
func (e *Engine) readCustomer(ctx context.Context, customerID string, fn func(o *op, c *portico.Customer) error) error {
	due := false
	err := e.view(ctx, func(o *op) error {
		c, err := o.customer(customerID)
		if err != nil {
			return err
		}
		if due, err = o.hasDue(customerID); err != nil || due {
			return err
		}
		return fn(o, c)
	})
	if err != nil || !due {
		return err
	}
	return e.writeCustomer(ctx, customerID, fn)
}

// writeCustomer runs fn in a write transaction on a settled customer.
func (e *Engine) writeCustomer(ctx context.Context, customerID string, fn func(o *op, c *portico.Customer) error) error {
	return e.update(ctx, func(o *op) error {
		c, err := o.customer(customerID)
		if err != nil {
			return err
		}
		if err := o.settle(c); err != nil {
			return err
		}
		return fn(o, c)
	})
}

func (o *op) customer(id string) (*portico.Customer, error) {
	c, err := o.tx.Customer(id)
	if errors.Is(err, portico.ErrNotFound) {
		return nil, portico.NotFound("customer", id)
	}
	return c, err
}

func (o *op) hasDue(customerID string) (bool, error) {
	subs, err := o.tx.SubscriptionsOf(customerID)
	if err != nil {
		return false, err
	}
	for _, s := range subs {
		if d := s.WakeAt(); !d.IsZero() && !d.After(o.now) {
			return true, nil
		}
	}
	return false, nil
}

// newID returns a random slug with a readable prefix.
func newID(prefix string) string {
	b := make([]byte, 10)
	rand.Read(b)
	return prefix + "_" + hex.EncodeToString(b)
}

// Catalog returns the current catalog.
func (e *Engine) Catalog(ctx context.Context) (*portico.Catalog, error) {
	cat, _, err := e.CurrentCatalog(ctx)
	return cat, err
}

// CurrentCatalog returns the catalog and its version (0 before the first).
func (e *Engine) CurrentCatalog(ctx context.Context) (*portico.Catalog, int64, error) {
	var cat *portico.Catalog
	var version int64
	err := e.view(ctx, func(o *op) error { cat, version = o.cat, o.catVersion; return nil })
	return cat, version, err
}

// ApplyCatalog validates the document and replaces the catalog with it,
// returning it with the version saved. Objects cannot be removed (archive
// them), identities cannot change, and a product with subscriptions keeps
// its subscription type.
func (e *Engine) ApplyCatalog(ctx context.Context, next *portico.Catalog, change CatalogChange) (*portico.Catalog, int64, error) {
	if err := catalog.Validate(next); err != nil {
		return nil, 0, err
	}
	var saved int64
	err := e.update(ctx, func(o *op) error {
		if err := o.fresh(change); err != nil {
			return err
		}
		if err := catalog.CheckEvolution(o.cat, next, o.tx.ProductHasSubscriptions); err != nil {
			return err
		}
		var err error
		saved, err = o.putCatalog(next, change, "")
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return next, saved, nil
}

// Archive kinds.
const (
	KindProduct = "product"
	KindPlan    = "plan"
	KindAddon   = "addon"
)

// Archive archives a product, plan or add-on: it takes no new subscriptions
// while existing ones go on. Archiving twice is harmless. It returns the
// catalog with the version saved.
func (e *Engine) Archive(ctx context.Context, kind, id string, change CatalogChange) (*portico.Catalog, int64, error) {
	var out *portico.Catalog
	var saved int64
	err := e.update(ctx, func(o *op) error {
		if err := o.fresh(change); err != nil {
			return err
		}
		// The catalog read may be shared with other transactions: change a
		// copy.
		cat, err := cloneCatalog(o.cat)
		if err != nil {
			return err
		}
		o.cat = cat
		if !archive(o.cat, kind, id) {
			return portico.NotFound(kind, id)
		}
		if err := catalog.Validate(o.cat); err != nil {
			return archiveRefused(kind, id, err)
		}
		out = o.cat
		saved, err = o.putCatalog(o.cat, change, fmt.Sprintf("archived %s %q", kindName(kind), id))
		return err
	})
	return out, saved, err
}

// archiveRefused is the 409 of an archive the catalog's rules refuse (a
// journey that starts on the plan): it names each rule's field, as a
// refused PUT would, rather than folding them into one sentence.
func archiveRefused(kind, id string, err error) error {
	out := portico.Conflict("%s %q cannot be archived: the catalog depends on it", kindName(kind), id)
	var perr *portico.Error
	if errors.As(err, &perr) && len(perr.Fields) > 0 {
		out.Fields = perr.Fields
	} else {
		out.Detail += ": " + err.Error()
	}
	return out
}

// cloneCatalog is a deep copy of a catalog (a rare operation: archiving).
func cloneCatalog(c *portico.Catalog) (*portico.Catalog, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	var out portico.Catalog
	return &out, json.Unmarshal(b, &out)
}

// kindName is how the history names a kind.
func kindName(kind string) string {
	if kind == KindAddon {
		return "add-on"
	}
	return kind
}

func archive(c *portico.Catalog, kind, id string) bool {
	switch kind {
	case KindProduct:
		for i := range c.Products {
			if c.Products[i].ID == id {
				c.Products[i].Archived = true
				return true
			}
		}
	case KindPlan:
		for i := range c.Plans {
			if c.Plans[i].ID == id {
				c.Plans[i].Archived = true
				return true
			}
		}
	case KindAddon:
		for i := range c.Addons {
			if c.Addons[i].ID == id {
				c.Addons[i].Archived = true
				return true
			}
		}
	}
	return false
}
