package sqlite

import (
	"context"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
)

// Bodies kept before compression read as they were, and the migration
// rewrites them deflated.
func TestSnapshotsKeptBeforeCompressionAreRewritten(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	now := time.Now().UTC()
	err := s.Update(ctx, func(tx portico.Tx) error {
		if err := tx.PutCatalog(&portico.Catalog{}, portico.CatalogChange{}); err != nil {
			return err
		}
		return tx.CreateCustomer(&portico.Customer{ID: "ada", CreatedAt: now})
	})
	if err != nil {
		t.Fatal(err)
	}
	legacy := `[{"featureId":"seats","limit":10}]`
	if _, err := s.write.Exec(`INSERT INTO snapshots (customer_id, kind, scope, catalog_version, valid_until, body)
		VALUES ('ada', 'entitlements', '', 1, ?, ?)`, now.Add(time.Hour).UnixNano(), []byte(legacy)); err != nil {
		t.Fatal(err)
	}
	read := func() string {
		t.Helper()
		body, ok, err := s.Snapshot(ctx, "ada", portico.SnapshotEntitlements, "", now)
		if err != nil || !ok {
			t.Fatalf("snapshot: %v %v", ok, err)
		}
		return string(body)
	}
	if got := read(); got != legacy {
		t.Errorf("a body kept before compression reads %q", got)
	}
	tx, _ := s.write.Begin()
	if err := deflateSnapshots(ctx, tx); err != nil {
		t.Fatal(err)
	}
	tx.Commit()
	var stored []byte
	s.write.QueryRow(`SELECT body FROM snapshots WHERE customer_id = 'ada'`).Scan(&stored)
	if len(stored) == 0 || stored[0] != deflatedMark {
		t.Errorf("the body was not rewritten deflated: %q", stored)
	}
	s.snaps.invalidate(nil, true)
	if got := read(); got != legacy {
		t.Errorf("after the rewrite the body reads %q", got)
	}
}
