package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/internal/pgtest"
	"github.com/portico-dev/portico/server"
	"github.com/portico-dev/portico/server/clock"
	"github.com/portico-dev/portico/server/engine"
	"github.com/portico-dev/portico/server/store/postgres"
)

// Two replicas on one PostgreSQL database prune expired idempotency
// records one at a time: while one prunes, the other skips its round; the
// next round deletes them.
func TestReplicasPruneIdempotencyRecordsOneAtATime(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	replica := func() (*server.Server, *postgres.Store) {
		st, err := postgres.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return &server.Server{Engine: engine.New(st, clock.NewFrozen(t0.Add(25*time.Hour))), Store: st}, st
	}
	a, storeA := replica()
	b, storeB := replica()
	const records = 3
	err := storeA.Update(ctx, func(tx portico.Tx) error {
		for i := range records {
			err := tx.PutIdempotency(&portico.IdempotencyRecord{Scope: "backend POST /api/v1/usage", Principal: "backend",
				Key: fmt.Sprint("k", i), RequestHash: "h", Status: 200, CreatedAt: t0})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	ran, err := storeA.TryExclusive(ctx, "idempotency pruning", func(context.Context) error {
		n, err := pruneIdempotency(ctx, b, storeB)
		if err != nil || n != 0 {
			t.Errorf("the second replica pruned %d (%v) while the first held the round", n, err)
		}
		return nil
	})
	if err != nil || !ran {
		t.Fatalf("the first replica did not take the round: %v", err)
	}
	if n, err := pruneIdempotency(ctx, b, storeB); err != nil || n != records {
		t.Errorf("the next round pruned %d (%v), want %d", n, err, records)
	}
	if n, err := pruneIdempotency(ctx, a, storeA); err != nil || n != 0 {
		t.Errorf("the first replica's round after it pruned %d (%v), want 0", n, err)
	}
}
