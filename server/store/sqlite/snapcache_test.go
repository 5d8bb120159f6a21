package sqlite

import (
	"fmt"
	"testing"
	"time"
)

var (
	at   = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	ents = snapSub{kind: "entitlements"}
)

// A read that an invalidation overtook does not fill the cache with what
// it read before the write.
func TestSnapCacheKeepsNoReadOvertakenByAWrite(t *testing.T) {
	c := newSnapCache(1<<20, 1<<20)
	_, ok, stamp := c.get("ada", ents, at)
	if ok {
		t.Fatal("an empty cache answered")
	}
	c.fill("ada", ents, stamp, at.Add(time.Hour), []byte("first")) // read once: seen, not kept
	c.fill("bob", ents, stamp, at.Add(time.Hour), []byte("first"))
	_, _, stamp = c.get("ada", ents, at)
	c.invalidate(map[string]bool{"ada": true}, false) // a commit lands meanwhile
	c.fill("ada", ents, stamp, at.Add(time.Hour), []byte("old"))
	if _, ok, _ := c.get("ada", ents, at); ok {
		t.Error("a body read before a write was kept after it")
	}
	c.fill("ada", ents, c.stampOf("ada"), at.Add(time.Hour), []byte("again")) // seen again
	_, _, stamp = c.get("ada", ents, at)
	c.invalidate(nil, true) // a new catalog version
	c.fill("ada", ents, stamp, at.Add(time.Hour), []byte("old"))
	if _, ok, _ := c.get("ada", ents, at); ok {
		t.Error("a body read before a catalog change was kept after it")
	}
	_, _, stamp = c.get("ada", ents, at)
	c.invalidate(map[string]bool{"bob": true}, false) // another customer's write
	c.fill("ada", ents, stamp, at.Add(time.Hour), []byte("new"))
	if _, ok, _ := c.get("ada", ents, at); ok {
		t.Error("a body read once was kept")
	}
	c.fill("ada", ents, stamp, at.Add(time.Hour), []byte("new"))
	if body, ok, _ := c.get("ada", ents, at); !ok || string(body) != "new" {
		t.Errorf("a read untouched by writes was not kept: %q %v", body, ok)
	}
	if _, ok, _ := c.get("ada", ents, at.Add(time.Hour)); ok {
		t.Error("a body was given at its valid_until")
	}
	c.invalidate(map[string]bool{"ada": true}, false)
	if _, ok, _ := c.get("ada", ents, at); ok {
		t.Error("an invalidated customer's body was given")
	}
}

func TestSnapCacheStaysWithinItsLimit(t *testing.T) {
	c := newSnapCache(10_000, 10_000)
	body := make([]byte, 100)
	for i := range 1000 {
		id := fmt.Sprintf("c%d", i)
		_, _, stamp := c.get(id, ents, at)
		c.fill(id, ents, stamp, at.Add(time.Hour), body)
		c.fill(id, ents, stamp, at.Add(time.Hour), body)
		if c.bytes > c.limit {
			t.Fatalf("after %d fills the cache holds %d bytes, over its %d", i+1, c.bytes, c.limit)
		}
	}
	n := 0
	for _, kept := range c.entries {
		n += len(kept)
	}
	if n*len(body) != c.bytes || n < 50 {
		t.Errorf("%d entries for %d bytes counted", n, c.bytes)
	}
}

// stampOf is a stamp for the customer as the cache is now.
func (c *snapCache) stampOf(customer string) snapStamp {
	_, _, st := c.get(customer, snapSub{kind: "none"}, at)
	return st
}
