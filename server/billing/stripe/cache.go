package stripebilling

import (
	"context"
	"sync"
	"time"
)

// cache keeps Stripe reads for a short while, per Portico customer, so that
// a portal page and its refreshes cost Stripe one call. Webhooks and
// Portico's own changes drop a customer's entries.
type cache struct {
	ttl time.Duration
	now func() time.Time

	mu      sync.Mutex
	entries map[string]map[string]cached // customer ID → key → value
}

type cached struct {
	value   any
	expires time.Time
}

// maxCachedCustomers bounds the cache; past it, expired entries are swept.
const maxCachedCustomers = 10000

func newCache(ttl time.Duration, now func() time.Time) *cache {
	return &cache{ttl: ttl, now: now, entries: map[string]map[string]cached{}}
}

func (c *cache) get(customerID, key string) (any, bool) {
	if c.ttl < 0 {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[customerID][key]
	if !ok || !c.now().Before(e.expires) {
		return nil, false
	}
	return e.value, true
}

func (c *cache) put(customerID, key string, v any) {
	if c.ttl < 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if len(c.entries) >= maxCachedCustomers {
		c.sweep(now)
	}
	m := c.entries[customerID]
	if m == nil {
		m = map[string]cached{}
		c.entries[customerID] = m
	}
	m[key] = cached{value: v, expires: now.Add(c.ttl)}
}

func (c *cache) drop(customerID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, customerID)
}

// sweep removes expired entries; if every entry is fresh, it starts over
// rather than grow without bound.
func (c *cache) sweep(now time.Time) {
	for id, m := range c.entries {
		for k, e := range m {
			if !now.Before(e.expires) {
				delete(m, k)
			}
		}
		if len(m) == 0 {
			delete(c.entries, id)
		}
	}
	if len(c.entries) >= maxCachedCustomers {
		clear(c.entries)
	}
}

// flights runs one function per key at a time and shares its result with
// callers that arrive meanwhile, so concurrent first requests for a customer
// create one Stripe customer.
type flights struct {
	mu sync.Mutex
	m  map[string]*flight
}

type flight struct {
	done chan struct{}
	val  string
	err  error
}

func (f *flights) do(ctx context.Context, key string, fn func() (string, error)) (string, error) {
	f.mu.Lock()
	if f.m == nil {
		f.m = map[string]*flight{}
	}
	if fl, ok := f.m[key]; ok {
		f.mu.Unlock()
		select {
		case <-fl.done:
			return fl.val, fl.err
		case <-ctx.Done():
			return "", unavailable(ctx.Err())
		}
	}
	fl := &flight{done: make(chan struct{})}
	f.m[key] = fl
	f.mu.Unlock()

	defer func() {
		f.mu.Lock()
		delete(f.m, key)
		f.mu.Unlock()
		close(fl.done)
	}()
	fl.val, fl.err = fn()
	return fl.val, fl.err
}
