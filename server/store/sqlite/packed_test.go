package sqlite

import (
	"context"
	"fmt"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
)

var portalSub = snapSub{kind: "portal"}

func TestPackedTierKeepsEachSnapshotOfACustomer(t *testing.T) {
	p := newPackedTier(1 << 20)
	p.put("ada", ents, at.Add(time.Hour), []byte("ents-1"))
	p.put("ada", portalSub, at.Add(2*time.Hour), []byte("portal-1"))
	p.put("ada", snapSub{kind: "entitlements", scope: "r1"}, at.Add(time.Hour), []byte("r1-1"))
	p.put("ada", ents, at.Add(time.Hour), []byte("ents-2")) // replaces ents-1 only
	want := map[snapSub]string{ents: "ents-2", portalSub: "portal-1", {kind: "entitlements", scope: "r1"}: "r1-1"}
	for sub, body := range want {
		got, until, ok := p.get("ada", sub, at)
		if !ok || string(got) != body {
			t.Errorf("%v: %q %v, want %q", sub, got, ok, body)
		}
		if sub == portalSub && !until.Equal(at.Add(2*time.Hour)) {
			t.Errorf("portal valid until %v", until)
		}
	}
	if _, _, ok := p.get("ada", ents, at.Add(time.Hour)); ok {
		t.Error("a body was given at its valid-until time")
	}
	if _, _, ok := p.get("bob", ents, at); ok {
		t.Error("another customer's body was given")
	}
	p.forget("ada")
	if _, _, ok := p.get("ada", portalSub, at); ok || p.live != 0 {
		t.Errorf("a forgotten customer's body was given (%v), %d bytes live", ok, p.live)
	}
}

// However much is written, the tier keeps within its limit, its garbage is
// compacted away and what it keeps still reads back as written.
func TestPackedTierStaysWithinItsLimit(t *testing.T) {
	const limit = 256 << 10
	p := newPackedTier(limit)
	body := func(id string, round int) []byte { return fmt.Appendf(nil, "%s round %d %0100d", id, round, 0) }
	for round := range 40 {
		for i := range 2000 {
			id := fmt.Sprintf("c%d", i)
			p.put(id, ents, at.Add(time.Hour), body(id, round))
			if p.live > limit {
				t.Fatalf("round %d: %d bytes live over a limit of %d", round, p.live, limit)
			}
		}
		if chunks := len(p.chunks) * packedChunk; chunks > 2*limit+5*packedChunk {
			t.Fatalf("round %d: %d bytes of chunks for %d live", round, chunks, p.live)
		}
	}
	kept := 0
	for i := range 2000 {
		id := fmt.Sprintf("c%d", i)
		if got, _, ok := p.get(id, ents, at); ok {
			kept++
			if string(got) != string(body(id, 39)) {
				t.Fatalf("%s reads %q", id, got)
			}
		}
	}
	if kept < 500 {
		t.Errorf("only %d of 2000 kept within %d bytes", kept, limit)
	}
}

// The packed tier answers only what the table would: a fill overtaken by
// a write is dropped, and warming skips what was written since the open.
func TestPackedSnapshotsHonourWrites(t *testing.T) {
	c := newSnapCache(1<<20, 1<<20)
	_, _, stamp := c.get("ada", ents, at)
	c.invalidate(map[string]bool{"ada": true}, false)
	c.fillPacked("ada", ents, stamp, at.Add(time.Hour), []byte("old"))
	if _, _, ok := c.getPacked("ada", ents, at); ok {
		t.Error("a body read before a write was kept packed")
	}
	if !c.warmPacked("ada", ents, at.Add(time.Hour), []byte("old")) {
		t.Error("warming stopped with room left")
	}
	if _, _, ok := c.getPacked("ada", ents, at); ok {
		t.Error("warming kept a customer written since the store opened")
	}
	c.warmPacked("bob", ents, at.Add(time.Hour), []byte("bob"))
	if got, _, ok := c.getPacked("bob", ents, at); !ok || string(got) != "bob" {
		t.Errorf("warming did not keep bob: %q", got)
	}
	c.invalidate(map[string]bool{"bob": true}, false)
	if _, _, ok := c.getPacked("bob", ents, at); ok {
		t.Error("an invalidated customer's packed body was given")
	}
	c.warmPacked("cy", ents, at.Add(time.Hour), []byte("cy"))
	c.invalidate(nil, true)
	if _, _, ok := c.getPacked("cy", ents, at); ok {
		t.Error("a packed body survived a catalog change")
	}
	if c.warmPacked("dee", ents, at.Add(time.Hour), []byte("dee")) {
		t.Error("warming went on after a catalog change")
	}
}

// A store opened on a file keeps its customers' entitlements in memory,
// and a write after the open is read from the table, not from memory.
func TestOpenWarmsEntitlementsSnapshots(t *testing.T) {
	s, path := openTemp(t)
	ctx := context.Background()
	now := time.Now().UTC()
	err := s.Update(ctx, func(tx portico.Tx) error {
		if err := tx.PutCatalog(&portico.Catalog{}, portico.CatalogChange{}); err != nil {
			return err
		}
		for _, id := range []string{"ada", "bob"} {
			if err := tx.CreateCustomer(&portico.Customer{ID: id, CreatedAt: now}); err != nil {
				return err
			}
			err := tx.PutSnapshot(portico.Snapshot{CustomerID: id, Kind: portico.SnapshotEntitlements, CatalogVersion: 1,
				ValidUntil: now.Add(time.Hour), Body: []byte(`[{"featureId":"` + id + `"}]`)})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, _, ok := s.snaps.getPacked("bob", ents, now); ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("bob's entitlements were not kept in memory after the open")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if s.catalogVersion.Load() != 1 {
		t.Errorf("catalog version known at open: %d", s.catalogVersion.Load())
	}
	err = s.Update(ctx, func(tx portico.Tx) error {
		return tx.PutSnapshot(portico.Snapshot{CustomerID: "bob", Kind: portico.SnapshotEntitlements, CatalogVersion: 1,
			ValidUntil: now.Add(time.Hour), Body: []byte(`[{"featureId":"new"}]`)})
	})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		body, ok, err := s.Snapshot(ctx, "bob", portico.SnapshotEntitlements, "", now)
		if err != nil || !ok || string(body) != `[{"featureId":"new"}]` {
			t.Fatalf("after a write bob's entitlements read %q %v %v", body, ok, err)
		}
	}
}
