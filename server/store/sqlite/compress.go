package sqlite

import (
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/s2"
	"github.com/portico-dev/portico/server/store/internal/sqlconn"
)

// Snapshot bodies are kept compressed: JSON shrinks to a quarter, so four
// times as many customers' snapshots fit in memory (the packed tier of the
// snapshot cache, SQLite's page cache). A stored body is one of:
//   - JSON as it is (starting with '[' or '{'), as kept before compression;
//   - deflatedMark followed by raw DEFLATE, as kept by the first compressed
//     version;
//   - dictMark followed by an S2 block (github.com/klauspost/compress/s2)
//     against snapshotDict — what is written now.
//
// The dictionary holds the keys and common values every body repeats, so
// a block keeps little more than what is a customer's own: about 210 bytes
// for a customer's entitlements where DEFLATE without it kept 270. S2 has
// no entropy coding: a body is rebuilt in about 0.2 µs against DEFLATE's
// 1.5–4 µs, which was a tenth of an entitlements call answered from memory.
// Blocks are written in S2's default mode: its "better" mode kept a few
// bytes less but set up its tables for every block, a quarter of the time
// of a usage batch that refreshes hundreds of customers' snapshots.
const (
	deflatedMark = 0x00
	dictMark     = 0x01
)

// snapshotS2 is snapshotDict prepared for S2; its first repeat offset is
// the start of an entitlements list, the most common body.
var snapshotS2 = s2.MakeDict([]byte(snapshotDict), []byte(`[{"featureId":"`))

// deflate returns the stored form of a body.
func deflate(body []byte) []byte {
	n := s2.MaxEncodedLen(len(body))
	if n < 0 {
		return body // too large for a block: kept as it is
	}
	out := make([]byte, 1+n)
	out[0] = dictMark
	block := snapshotS2.Encode(out[1:], body)
	return out[: 1+len(block) : 1+len(block)]
}

// current reports whether a stored form is the one deflate writes now.
func current(stored []byte) bool { return len(stored) > 0 && stored[0] == dictMark }

// inflate returns the body a stored form holds.
func inflate(stored []byte) ([]byte, error) {
	if len(stored) == 0 {
		return stored, nil
	}
	switch stored[0] {
	case dictMark:
		size, err := s2.DecodedLen(stored[1:])
		if err != nil || size > maxSnapshot {
			return nil, errors.New("sqlite: a kept snapshot is damaged")
		}
		body, err := snapshotS2.Decode(make([]byte, size), stored[1:])
		if err != nil {
			return nil, fmt.Errorf("sqlite: a kept snapshot is damaged: %w", err)
		}
		return body, nil
	case deflatedMark:
		return inflateFirstForm(stored[1:])
	}
	return stored, nil
}

// maxSnapshot bounds the length a stored body may claim.
const maxSnapshot = 64 << 20

// inflaters are reused: a new DEFLATE reader allocates tens of kilobytes.
var inflaters sync.Pool

// inflateFirstForm reads a body kept as raw DEFLATE.
func inflateFirstForm(src []byte) ([]byte, error) {
	r, _ := inflaters.Get().(io.ReadCloser)
	if r == nil {
		r = flate.NewReader(bytes.NewReader(src))
	} else if err := r.(flate.Resetter).Reset(bytes.NewReader(src), nil); err != nil {
		return nil, err
	}
	defer inflaters.Put(r)
	var out bytes.Buffer
	out.Grow(4 * len(src))
	if _, err := out.ReadFrom(r); err != nil {
		return nil, fmt.Errorf("sqlite: a kept snapshot does not inflate: %w", err)
	}
	return out.Bytes(), nil
}

// repackSnapshots rewrites the snapshot bodies not kept in the current
// form into a new table, so that the smaller rows are packed into fewer
// pages (rewritten in place, they would leave every page mostly empty).
func repackSnapshots(ctx context.Context, c sqlconn.Conn) error {
	var stale bool
	err := c.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM snapshots WHERE substr(body, 1, 1) != x'01')`).Scan(&stale)
	if err != nil || !stale {
		return err
	}
	_, err = c.Exec(ctx, `CREATE TABLE snapshots_deflated (
  customer_id     TEXT NOT NULL REFERENCES customers(id),
  kind            TEXT NOT NULL,
  scope           TEXT NOT NULL,
  catalog_version INTEGER NOT NULL,
  valid_until     INTEGER NOT NULL,
  body            BLOB NOT NULL,
  PRIMARY KEY (customer_id, kind, scope)
) WITHOUT ROWID`)
	if err != nil {
		return err
	}
	rows, err := c.Query(ctx, `SELECT customer_id, kind, scope, catalog_version, valid_until, body FROM snapshots ORDER BY customer_id, kind, scope`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var customer, kind, scope string
		var version, validUntil int64
		var body []byte
		if err := rows.Scan(&customer, &kind, &scope, &version, &validUntil, &body); err != nil {
			return err
		}
		if !current(body) {
			if body, err = inflate(body); err != nil {
				return err
			}
			body = deflate(body)
		}
		if _, err := c.Exec(ctx, `INSERT INTO snapshots_deflated VALUES (?, ?, ?, ?, ?, ?)`, customer, kind, scope, version, validUntil, body); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, q := range []string{`DROP TABLE snapshots`, `ALTER TABLE snapshots_deflated RENAME TO snapshots`} {
		if _, err := c.Exec(ctx, q); err != nil {
			return err
		}
	}
	return nil
}
