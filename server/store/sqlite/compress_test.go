package sqlite

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/binary"
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
	if err := repackSnapshots(ctx, dbConn{tx}); err != nil {
		t.Fatal(err)
	}
	tx.Commit()
	var stored []byte
	s.write.QueryRow(`SELECT body FROM snapshots WHERE customer_id = 'ada'`).Scan(&stored)
	if len(stored) == 0 || !current(stored) {
		t.Errorf("the body was not rewritten deflated: %q", stored)
	}
	s.snaps.invalidate(nil, true)
	if got := read(); got != legacy {
		t.Errorf("after the rewrite the body reads %q", got)
	}
}

// Every form a body was ever kept in reads back as the body.
func TestSnapshotBodyFormsReadBack(t *testing.T) {
	big := bytes.Repeat([]byte(`{"featureId":"seats","limit":12345,"usage":678},`), 3000)
	for _, body := range [][]byte{
		[]byte(`[]`),
		[]byte(`[{"featureId":"seats","featureName":"Seats","type":"numeric","unit":"seat","hasAccess":true,"limit":5,"unlimited":false,"usage":4,"source":"plan"}]`),
		[]byte(`{"customer":{"id":"ada","name":"Ada ✓","email":"ada@example.com"}}`),
		big,
	} {
		var firstForm bytes.Buffer // deflatedMark, then DEFLATE without a dictionary
		firstForm.WriteByte(deflatedMark)
		w, _ := flate.NewWriter(&firstForm, flate.BestSpeed)
		w.Write(body)
		w.Close()
		for name, stored := range map[string][]byte{"as it is": body, "first form": firstForm.Bytes(), "current form": deflate(body)} {
			got, err := inflate(stored)
			if err != nil || !bytes.Equal(got, body) {
				t.Errorf("%s, %d bytes: read back %d bytes, %v", name, len(body), len(got), err)
			}
		}
		if stored := deflate(body); !current(stored) || len(body) > 100 && len(stored) > len(body)/3 {
			t.Errorf("%d bytes kept as %d, current %v", len(body), len(stored), current(stored))
		}
	}
}

// A damaged body is an error, not a wrong answer or a panic.
func TestDamagedSnapshotBodyIsAnError(t *testing.T) {
	good := deflate([]byte(`[{"featureId":"seats","limit":5}]`))
	for name, stored := range map[string][]byte{
		"no length":         {dictMark},
		"absurd length":     append([]byte{dictMark}, binary.AppendUvarint(nil, 1<<40)...),
		"length too long":   append([]byte{dictMark, byte(len(good) * 9)}, good[2:]...),
		"stream cut":        good[:len(good)/2],
		"length too short":  append([]byte{dictMark, 3}, good[2:]...),
		"first form broken": {deflatedMark, 0xff, 0xff},
	} {
		if got, err := inflate(stored); err == nil {
			t.Errorf("%s: read %q without an error", name, got)
		}
	}
}
