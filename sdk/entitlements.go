package sdk

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	portico "github.com/portico-dev/portico"
)

// Source says where an entitlement answer came from.
type Source string

// Sources of an answer.
const (
	// SourceCache: from memory, as Portico last said (kept fresh by the
	// event stream; Stale while the stream is down).
	SourceCache Source = "cache"
	// SourceFallback: Portico could not be reached and nothing was
	// cached; the answer is the feature's fallback value.
	SourceFallback Source = "fallback"
	// SourceNone: Portico could not be reached, nothing was cached and
	// the feature has no fallback: no access.
	SourceNone Source = "none"
)

// Entitlement is the answer to a check: the feature's entitlement as
// Portico gives it, and how far to trust it.
type Entitlement struct {
	portico.EntitlementView
	Source Source
	// Stale: the event stream is down, so a change made since it broke
	// may not be reflected yet. Fallback answers are always stale.
	Stale bool
	// Err is why Portico could not answer (SourceFallback, SourceNone),
	// or ErrNotFound for a customer Portico does not know.
	Err error
}

// Fallback gives, per feature ID, the entitlement to answer when Portico
// cannot be reached and nothing is cached for the customer: e.g.
// {"sso": {HasAccess: true}} keeps a paid feature open during an outage,
// {"exports": {HasAccess: false}} keeps it closed (the default for
// features left out).
type Fallback map[string]portico.EntitlementView

// EntitlementsOptions tune an entitlement cache.
type EntitlementsOptions struct {
	Fallback Fallback
	// LoadTimeout bounds the wait for a customer's first load (2 s by
	// default): a check never waits on Portico longer.
	LoadTimeout time.Duration
	// RetryAfter is how long, after a load failed, checks for that
	// customer answer the fallback at once before trying Portico again
	// (1 s by default), so an outage does not cost every check a timeout.
	RetryAfter time.Duration
	// OnError hears of the stream breaking and of refreshes failing.
	OnError func(error)
}

// holder names what is cached: a customer's entitlements, for a resource
// when it is not empty.
type holder struct{ customer, resource string }

// key is the holder as the index's key: a string hashes faster than a
// struct behind an interface, and the customer-wide holder's is the
// customer ID itself, made without allocating.
func (h holder) key() string {
	if h.resource == "" {
		return h.customer
	}
	return h.customer + "\x00" + h.resource
}

// entry is one holder's entitlements. A check reads its state without a
// lock; the state is never changed once stored, only replaced (under the
// cache's mutex, like the other fields).
type entry struct {
	holder  holder
	state   atomic.Pointer[entryState]
	gen     uint64 // bumped by each event applied: a load begun before is outdated
	loading chan struct{}
	// refreshing is set while a background read runs (a metered
	// feature's period ended), so checks start one only.
	refreshing bool
	failedAt   time.Time
	failErr    error
}

// entryState is what Portico last said of a holder.
type entryState struct {
	// features point to views never changed once stored: a check
	// copies nothing.
	features map[string]*portico.EntitlementView
	missing  bool // Portico does not know the customer
}

func (e *entry) loaded() bool { return e.state.Load() != nil }

func (e *entry) features() map[string]*portico.EntitlementView {
	if s := e.state.Load(); s != nil {
		return s.features
	}
	return nil
}

func (e *entry) missing() bool {
	s := e.state.Load()
	return s != nil && s.missing
}

func (e *entry) set(features map[string]*portico.EntitlementView, missing bool) {
	e.state.Store(&entryState{features: features, missing: missing})
}

// Entitlements answers entitlement checks from memory. A customer's first
// check loads their entitlements (or Preload does); the event stream then
// keeps them fresh: entitlements.updated replaces them, usage thresholds
// update usage, usage reported through the same Client is counted at once,
// and after a reset (events pruned past the stream's resume point) every
// customer held is read again. Make one per process and Close it.
type Entitlements struct {
	client *Client
	opts   EntitlementsOptions

	// mu orders the changes to what is held; checks read without it.
	mu   sync.Mutex
	held sync.Map // holder.key() → *entry

	live      atomic.Bool // the stream is connected and caught up
	everReady bool        // read and written by the listening goroutine only
	ctx       context.Context
	cancel    context.CancelFunc
	done      chan struct{}
}

// NewEntitlements starts an entitlement cache on the client: it opens the
// event stream at once and holds customers as they are checked.
func NewEntitlements(c *Client, opts EntitlementsOptions) *Entitlements {
	if opts.LoadTimeout <= 0 {
		opts.LoadTimeout = 2 * time.Second
	}
	if opts.RetryAfter <= 0 {
		opts.RetryAfter = time.Second
	}
	ctx, cancel := context.WithCancel(context.Background())
	ec := &Entitlements{client: c, opts: opts, ctx: ctx, cancel: cancel, done: make(chan struct{})}
	c.attach(ec)
	go func() {
		defer close(ec.done)
		err := c.Listen(ctx, ListenOptions{Types: []portico.EventType{portico.EventEntitlementsUpdated,
			portico.EventEntitlementUsageThreshold, portico.EventCustomerCreated, portico.EventCatalogUpdated}}, ec.onMessage)
		if ctx.Err() == nil {
			// Refused for good (a wrong key): checks go on from loads.
			ec.report(err)
		}
	}()
	return ec
}

// Close stops the stream; checks afterwards answer from what is held.
func (ec *Entitlements) Close() {
	ec.cancel()
	<-ec.done
	ec.client.detach(ec)
	ec.live.Store(false)
}

// Live tells whether the event stream is connected and caught up: while it
// is not, answers are marked Stale.
func (ec *Entitlements) Live() bool { return ec.live.Load() }

// Check tells whether the customer has access to the feature.
func (ec *Entitlements) Check(ctx context.Context, customerID, featureID string) bool {
	return ec.CheckResource(ctx, customerID, "", featureID)
}

// CheckResource is Check for one resource of the customer (a site, a
// workspace) of a product sold per resource.
func (ec *Entitlements) CheckResource(ctx context.Context, customerID, resourceID, featureID string) bool {
	// The common case, a held customer, without building a whole answer.
	if e := ec.entry(holder{customerID, resourceID}); e != nil {
		if s := e.state.Load(); s != nil {
			v, ok := s.features[featureID]
			if !ok || v.ResetAt == nil {
				return ok && v.HasAccess
			}
		}
	}
	return ec.ResourceFeature(ctx, customerID, resourceID, featureID).HasAccess
}

// Feature is the customer's entitlement to the feature: access, limit,
// usage, and where the answer came from.
func (ec *Entitlements) Feature(ctx context.Context, customerID, featureID string) Entitlement {
	return ec.ResourceFeature(ctx, customerID, "", featureID)
}

// ResourceFeature is Feature for one resource of the customer.
func (ec *Entitlements) ResourceFeature(ctx context.Context, customerID, resourceID, featureID string) Entitlement {
	k := holder{customerID, resourceID}
	if e := ec.entry(k); e != nil {
		if s := e.state.Load(); s != nil {
			v, ok := s.features[featureID]
			return ec.fromCache(k, featureID, v, ok, s.missing)
		}
	}
	return ec.loadAndAnswer(ctx, k, featureID)
}

// entry is what is held for k, nil if nothing.
func (ec *Entitlements) entry(k holder) *entry {
	v, _ := ec.held.Load(k.key())
	e, _ := v.(*entry)
	return e
}

// entryOrNew is what is held for k, made when nothing is; under mu.
func (ec *Entitlements) entryOrNew(k holder) *entry {
	if e := ec.entry(k); e != nil {
		return e
	}
	e := &entry{holder: k}
	ec.held.Store(k.key(), e)
	return e
}

var errUnknownCustomer = &Error{Status: 404, Type: "not-found", Title: "Not found", Detail: "Portico does not know this customer."}

func (ec *Entitlements) fromCache(k holder, featureID string, v *portico.EntitlementView, ok, missing bool) Entitlement {
	out := Entitlement{Source: SourceCache, Stale: !ec.live.Load()}
	switch {
	case missing:
		out.FeatureID, out.Err = featureID, errUnknownCustomer
	case !ok:
		out.FeatureID = featureID
	default:
		out.EntitlementView = *v
	}
	if ok && ec.periodEnded(k, v) {
		out.Usage = 0
		out.HasAccess = hasAccess(out.EntitlementView)
	}
	return out
}

// periodEnded tells whether a metered feature's usage period has ended
// since Portico counted it (its usage starts again from zero, which
// Portico sends no event for), and starts a read of the holder if so.
func (ec *Entitlements) periodEnded(k holder, v *portico.EntitlementView) bool {
	if v.ResetAt == nil || time.Now().Before(*v.ResetAt) {
		return false
	}
	ec.refreshOnce(k)
	return true
}

// hasAccess is Portico's rule for a limited feature.
func hasAccess(v portico.EntitlementView) bool {
	if v.Type == portico.FeatureBoolean {
		return v.HasAccess
	}
	return v.Unlimited || v.SoftLimit || v.Usage < v.Limit
}

// loadAndAnswer loads a holder not yet held (one load at a time per
// holder; other checks wait for it) and answers from it, or from the
// fallback when Portico cannot be reached.
func (ec *Entitlements) loadAndAnswer(ctx context.Context, k holder, featureID string) Entitlement {
	// A load that an event outdated while it ran leaves nothing held and
	// no failure: the next load reads what the event changed.
	for range 3 {
		if a, done := ec.loadOnce(ctx, k, featureID); done {
			return a
		}
	}
	return ec.fallback(featureID, errors.New("the customer's entitlements kept changing while they were read"))
}

// loadOnce is one try of loadAndAnswer: done is false when the load it
// waited for was outdated by an event before it could be kept.
func (ec *Entitlements) loadOnce(ctx context.Context, k holder, featureID string) (a Entitlement, done bool) {
	ec.mu.Lock()
	e := ec.entryOrNew(k)
	wait := e.loading
	switch {
	case e.loaded():
		// Loaded meanwhile.
	case wait == nil && time.Since(e.failedAt) < ec.opts.RetryAfter:
		err := e.failErr
		ec.mu.Unlock()
		return ec.fallback(featureID, err), true
	case wait == nil:
		wait = make(chan struct{})
		e.loading = wait
		gen := e.gen
		// A failure is kept in the entry: the checks waiting answer the
		// fallback with it.
		go func() { _ = ec.load(k, e, gen, wait) }()
	}
	ec.mu.Unlock()
	if wait != nil {
		select {
		case <-wait:
		case <-ctx.Done():
			return ec.fallback(featureID, ctx.Err()), true
		}
	}
	if s := e.state.Load(); s != nil {
		v, ok := s.features[featureID]
		return ec.fromCache(k, featureID, v, ok, s.missing), true
	}
	ec.mu.Lock()
	err := e.failErr
	ec.mu.Unlock()
	if err == nil {
		return Entitlement{}, false
	}
	return ec.fallback(featureID, err), true
}

func (ec *Entitlements) fallback(featureID string, err error) Entitlement {
	if v, ok := ec.opts.Fallback[featureID]; ok {
		v.FeatureID = featureID
		return Entitlement{EntitlementView: v, Source: SourceFallback, Stale: true, Err: err}
	}
	return Entitlement{EntitlementView: portico.EntitlementView{FeatureID: featureID}, Source: SourceNone, Stale: true, Err: err}
}

// load reads a holder's entitlements once (no retries: a check is
// waiting) and stores them unless an event replaced them meanwhile
// (gen moved on). done, when not nil, is closed afterwards.
func (ec *Entitlements) load(k holder, e *entry, gen uint64, done chan struct{}) error {
	ctx, cancel := context.WithTimeout(context.Background(), ec.opts.LoadTimeout)
	defer cancel()
	views, err := ec.client.fetchEntitlements(ctx, k.customer, k.resource)
	ec.mu.Lock()
	defer ec.mu.Unlock()
	e.refreshing = false
	if done != nil {
		e.loading = nil
		close(done)
	}
	switch {
	case errors.Is(err, ErrNotFound):
		e.set(nil, true)
	case err != nil:
		e.failedAt, e.failErr = time.Now(), err
		return err
	case e.gen == gen:
		e.set(byFeature(views), false)
		e.failErr = nil
	}
	return nil
}

func byFeature(views []portico.EntitlementView) map[string]*portico.EntitlementView {
	m := make(map[string]*portico.EntitlementView, len(views))
	for i := range views {
		m[views[i].FeatureID] = &views[i]
	}
	return m
}

// Preload loads customers before their first check (their customer-wide
// entitlements), so that no check waits.
func (ec *Entitlements) Preload(ctx context.Context, customerIDs ...string) error {
	var errs []error
	for _, id := range customerIDs {
		if e := ec.Feature(ctx, id, ""); e.Err != nil && !errors.Is(e.Err, ErrNotFound) {
			errs = append(errs, e.Err)
		}
	}
	return errors.Join(errs...)
}

// Refresh reads a customer's entitlements (for a resource when not empty)
// from Portico now, whether held or not.
func (ec *Entitlements) Refresh(ctx context.Context, customerID, resourceID string) error {
	k := holder{customerID, resourceID}
	ec.mu.Lock()
	e := ec.entryOrNew(k)
	gen := e.gen
	ec.mu.Unlock()
	return ec.load(k, e, gen, nil)
}

// refreshOnce starts a background read of a holder unless one runs.
func (ec *Entitlements) refreshOnce(k holder) {
	ec.mu.Lock()
	defer ec.mu.Unlock()
	if e := ec.entry(k); e != nil && !e.refreshing {
		e.refreshing = true
		go ec.refresh(k)
	}
}

// refresh reads a held holder again, in the background.
func (ec *Entitlements) refresh(k holder) {
	ec.mu.Lock()
	e := ec.entry(k)
	var gen uint64
	if e != nil {
		gen = e.gen
	}
	ec.mu.Unlock()
	if e == nil {
		return
	}
	if err := ec.load(k, e, gen, nil); err != nil {
		ec.report(err)
	}
}

// refreshAll reads every holder again, a few at a time, retrying failures
// until they succeed or the cache is closed: after a reset, what is held
// may have missed any number of changes.
func (ec *Entitlements) refreshAll(ctx context.Context) {
	var todo []holder
	ec.held.Range(func(_, e any) bool {
		if e.(*entry).loaded() {
			todo = append(todo, e.(*entry).holder)
		}
		return true
	})
	for attempt := 0; len(todo) > 0 && ctx.Err() == nil; attempt++ {
		todo = ec.refreshSome(todo)
		if len(todo) > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(ec.client.backoff.wait(attempt)):
			}
		}
	}
}

// refreshSome reads the holders again, eight at a time, and returns those
// that failed.
func (ec *Entitlements) refreshSome(todo []holder) []holder {
	var mu sync.Mutex
	var failed []holder
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for _, k := range todo {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			ec.mu.Lock()
			e := ec.entry(k)
			var gen uint64
			if e != nil {
				gen = e.gen
			}
			ec.mu.Unlock()
			if e == nil {
				return // forgotten meanwhile
			}
			if err := ec.load(k, e, gen, nil); err != nil {
				ec.report(err)
				mu.Lock()
				failed = append(failed, k)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return failed
}

func (ec *Entitlements) report(err error) {
	if ec.opts.OnError != nil && err != nil {
		ec.opts.OnError(err)
	}
}

// onMessage applies what the stream says.
func (ec *Entitlements) onMessage(m Message) {
	switch m.Kind {
	case MessageReady:
		// The first connection starts from now: what was loaded before
		// it may have missed a change made in between.
		if !ec.everReady {
			ec.everReady = true
			go ec.refreshAll(ec.ctx)
		}
		ec.live.Store(true)
	case MessageReset:
		// Events applied from here on are newer than anything held: the
		// reads run beside them (an event outdates a read begun before).
		go ec.refreshAll(ec.ctx)
	case MessageDisconnected:
		ec.live.Store(false)
		ec.report(m.Err)
	case MessageEvent:
		ec.apply(&m.Event)
	}
}

// apply updates what is held from one event.
func (ec *Entitlements) apply(e *portico.Event) {
	switch e.Type {
	case portico.EventEntitlementsUpdated:
		var d portico.EntitlementsEventData
		if json.Unmarshal(e.Data, &d) == nil {
			ec.replace(holder{d.CustomerID, d.ResourceID}, d.Entitlements)
		}
	case portico.EventEntitlementUsageThreshold:
		var d portico.UsageThresholdEventData
		if json.Unmarshal(e.Data, &d) == nil {
			ec.setUsage(holder{d.CustomerID, d.ResourceID}, d.FeatureID, func(int64) int64 { return d.Usage })
		}
	case portico.EventCustomerCreated:
		var d portico.CustomerEventData
		if json.Unmarshal(e.Data, &d) == nil && d.Customer != nil {
			ec.forgetMissing(d.Customer.ID)
		}
	case portico.EventCatalogUpdated:
		// What plans and add-ons grant may have changed for everyone who
		// holds them: the catalog's event is the only one that says so.
		go ec.refreshAll(ec.ctx)
	}
}

// replace stores a holder's new entitlements. The customer-wide ones
// change whenever any of the customer's do: the customer's other held
// resources, which may get no event of their own, are read again.
func (ec *Entitlements) replace(k holder, views []portico.EntitlementView) {
	var others []holder
	ec.mu.Lock()
	if e := ec.entry(k); e != nil {
		e.set(byFeature(views), false)
		e.failErr = nil
		e.gen++
	}
	if k.resource == "" {
		ec.held.Range(func(_, e any) bool {
			if h := e.(*entry).holder; h.customer == k.customer && h.resource != "" && e.(*entry).loaded() {
				others = append(others, h)
			}
			return true
		})
	}
	ec.mu.Unlock()
	for _, h := range others {
		go ec.refresh(h)
	}
}

// setUsage changes one feature's usage in a held holder, access following.
func (ec *Entitlements) setUsage(k holder, featureID string, usage func(int64) int64) {
	ec.mu.Lock()
	defer ec.mu.Unlock()
	e := ec.entry(k)
	if e == nil || e.features() == nil {
		return
	}
	old := e.features()
	cur, ok := old[featureID]
	if !ok || cur.Type == portico.FeatureBoolean {
		return
	}
	v := *cur
	v.Usage = max(usage(v.Usage), 0)
	v.HasAccess = hasAccess(v)
	m := make(map[string]*portico.EntitlementView, len(old))
	for id, f := range old {
		m[id] = f
	}
	m[featureID] = &v
	e.set(m, false)
	e.gen++
}

// forgetMissing drops what is held of a customer Portico did not know:
// now created, the next check loads them.
func (ec *Entitlements) forgetMissing(customerID string) {
	ec.mu.Lock()
	defer ec.mu.Unlock()
	ec.held.Range(func(key, e any) bool {
		if e.(*entry).holder.customer == customerID && e.(*entry).missing() {
			ec.held.Delete(key)
		}
		return true
	})
}

// usageAdded counts usage reported through the client at once.
func (ec *Entitlements) usageAdded(customerID, resourceID, featureID string, value int64) {
	ec.setUsage(holder{customerID, resourceID}, featureID, func(u int64) int64 { return u + value })
}

// usageIs sets a feature's entitlement as the single usage call answered.
func (ec *Entitlements) usageIs(customerID, resourceID string, v portico.EntitlementView) {
	ec.setUsage(holder{customerID, resourceID}, v.FeatureID, func(int64) int64 { return v.Usage })
}

// fetchEntitlements reads entitlements once, without retries.
func (c *Client) fetchEntitlements(ctx context.Context, customerID, resourceID string) ([]portico.EntitlementView, error) {
	var v []portico.EntitlementView
	return v, c.do(ctx, call{method: "GET", path: entitlementsPath(customerID, resourceID), out: &v, once: true})
}

func (c *Client) attach(ec *Entitlements) {
	c.mu.Lock()
	c.usageSeen[ec] = struct{}{}
	c.mu.Unlock()
}

func (c *Client) detach(ec *Entitlements) {
	c.mu.Lock()
	delete(c.usageSeen, ec)
	c.mu.Unlock()
}

func (c *Client) caches() []*Entitlements {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]*Entitlements, 0, len(c.usageSeen))
	for ec := range c.usageSeen {
		out = append(out, ec)
	}
	return out
}

// tellUsage hands the caches the entitlement a single usage call answered.
func (c *Client) tellUsage(customerID, resourceID string, v *portico.EntitlementView) {
	for _, ec := range c.caches() {
		ec.usageIs(customerID, resourceID, *v)
	}
}

// tellBatch hands the caches the usage a batch call had accepted.
func (c *Client) tellBatch(events []portico.UsageEvent, results []portico.UsageResult) {
	for _, ec := range c.caches() {
		for i, ev := range events {
			if i < len(results) && results[i].Status == portico.UsageAccepted {
				ec.usageAdded(ev.CustomerID, ev.ResourceID, ev.FeatureID, ev.Value)
			}
		}
	}
}

// tellQueued hands the caches usage queued in a buffer (sign +1) or
// refused by Portico after it was counted on queueing (sign -1).
func (c *Client) tellQueued(ev portico.UsageEvent, sign int64) {
	for _, ec := range c.caches() {
		ec.usageAdded(ev.CustomerID, ev.ResourceID, ev.FeatureID, sign*ev.Value)
	}
}
