package sqlite

import (
	"hash/maphash"
	"sync"
	"time"
)

// snapCache keeps recently read snapshot bodies in memory, so the hottest
// calls (a portal opened again, entitlements asked on every request of the
// SaaS's backend) skip SQLite altogether. It is sound because one process
// writes the file: every commit that writes a customer's snapshots, or the
// catalog, invalidates what it changed, and an entry is only ever filled
// from a read that no such commit overtook.
type snapCache struct {
	mu sync.Mutex
	// entries are by customer, then kind and scope: invalidating a
	// customer is one delete.
	entries map[string]map[snapSub]snapEntry
	// gens counts the invalidations of each customer; epoch counts those
	// of everything (a new catalog version).
	gens  map[string]uint64
	epoch uint64
	bytes int
	limit int
	// seen are the snapshots asked for once: a body is kept at its second
	// read, so a load spread over many customers (each read once in a
	// while) does not churn the cache, while the ones read again and
	// again stay. Cleared when it reaches seenLimit. By a hash of the key,
	// which holds no pointer for the collector to follow (a collision only
	// keeps a body one read early).
	seen     map[uint64]struct{}
	seenSeed maphash.Seed
	// packed keeps bodies in their stored (deflated) form, at a fifth of
	// the memory: every body read, and at open the entitlements of as many
	// customers as fit, so a large store's scattered reads, each customer
	// asked for once in a while, are answered without SQLite either.
	packed *packedTier
}

type snapKey struct {
	customer string
	sub      snapSub
}

// seenLimit bounds the snapshots remembered as asked for once.
const seenLimit = 1 << 16

type snapSub struct{ kind, scope string }

type snapEntry struct {
	validUntil time.Time
	body       []byte
}

// snapStamp is what a read saw before it queried: a fill is kept only if
// nothing was invalidated since.
type snapStamp struct{ gen, epoch uint64 }

func newSnapCache(limit, packedLimit int) *snapCache {
	return &snapCache{entries: map[string]map[snapSub]snapEntry{}, gens: map[string]uint64{}, limit: limit,
		seen: map[uint64]struct{}{}, seenSeed: maphash.MakeSeed(), packed: newPackedTier(packedLimit)}
}

// get returns the body kept that holds at now, or the stamp to fill it
// with.
func (c *snapCache) get(customer string, sub snapSub, now time.Time) ([]byte, bool, snapStamp) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[customer][sub]; ok && now.Before(e.validUntil) {
		return e.body, true, snapStamp{}
	}
	return nil, false, snapStamp{gen: c.gens[customer], epoch: c.epoch}
}

// fill keeps a body read from the database, unless an invalidation came
// between the stamp and now. Over the limit, about a quarter of the
// customers go (map order is random, so which is left to chance).
func (c *snapCache) fill(customer string, sub snapSub, st snapStamp, validUntil time.Time, body []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.overtaken(customer, st) {
		return
	}
	if k := (snapKey{customer, sub}); !c.admit(k) {
		return
	}
	kept := c.entries[customer]
	if kept == nil {
		kept = map[snapSub]snapEntry{}
		c.entries[customer] = kept
	}
	c.bytes += len(body) - len(kept[sub].body)
	kept[sub] = snapEntry{validUntil: validUntil, body: body}
	if c.bytes <= c.limit {
		return
	}
	drop := len(c.entries) / 4
	for id := range c.entries {
		if drop == 0 {
			break
		}
		c.forget(id)
		drop--
	}
}

// overtaken reports whether the customer's snapshots, or all, were
// invalidated since the stamp was taken. Called with mu held.
func (c *snapCache) overtaken(customer string, st snapStamp) bool {
	return c.gens[customer] != st.gen || c.epoch != st.epoch
}

// admit reports whether k was asked for before; the first time, it only
// remembers it.
func (c *snapCache) admit(key snapKey) bool {
	k := maphash.Comparable(c.seenSeed, key)
	if _, ok := c.seen[k]; ok {
		delete(c.seen, k)
		return true
	}
	if len(c.seen) >= seenLimit {
		clear(c.seen)
	}
	c.seen[k] = struct{}{}
	return false
}

func (c *snapCache) forget(customer string) {
	for _, e := range c.entries[customer] {
		c.bytes -= len(e.body)
	}
	delete(c.entries, customer)
}

// getPacked returns the stored form kept that holds at now.
func (c *snapCache) getPacked(customer string, sub snapSub, now time.Time) ([]byte, time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.packed.get(customer, sub, now)
}

// fillPacked keeps a stored form read from the database, unless an
// invalidation came between the stamp and now.
func (c *snapCache) fillPacked(customer string, sub snapSub, st snapStamp, validUntil time.Time, stored []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.overtaken(customer, st) {
		c.packed.put(customer, sub, validUntil, stored)
	}
}

// warmPacked keeps a stored form read when the store opened, unless the
// customer's snapshots or the catalog were written since (the store
// opened with no invalidation counted). It reports whether there is room
// for more.
func (c *snapCache) warmPacked(customer string, sub snapSub, validUntil time.Time, stored []byte) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.epoch != 0 || !c.packed.fits(customer, len(stored)) {
		return false
	}
	if c.gens[customer] == 0 {
		c.packed.put(customer, sub, validUntil, stored)
	}
	return true
}

// invalidate forgets the customers' snapshots, or all when all is set.
func (c *snapCache) invalidate(customers map[string]bool, all bool) {
	if len(customers) == 0 && !all {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if all {
		c.epoch++
		clear(c.entries)
		c.bytes = 0
		c.packed.reset()
	}
	for id := range customers {
		c.gens[id]++
		c.forget(id)
		c.packed.forget(id)
	}
}
