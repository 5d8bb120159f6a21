package sqlite

import (
	"bytes"
	"compress/flate"
	"context"
	"database/sql"
	"io"
	"sync"
)

// Snapshot bodies are kept deflated: JSON shrinks to about a quarter, so
// four times as many customers' snapshots fit in SQLite's page cache and
// a large store is read from memory rather than from the file. A stored
// body is JSON as it is (starting with '[' or '{', as bodies written
// before compression are) or deflatedMark followed by raw DEFLATE.
const deflatedMark = 0x00

var deflaters = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(nil, flate.BestSpeed)
	return w
}}

// deflate returns the stored form of a body.
func deflate(body []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(body)/3 + 16)
	buf.WriteByte(deflatedMark)
	w := deflaters.Get().(*flate.Writer)
	defer deflaters.Put(w)
	w.Reset(&buf)
	w.Write(body)
	w.Close()
	return buf.Bytes()
}

// inflaters are reused: a new DEFLATE reader allocates tens of kilobytes.
var inflaters sync.Pool

// inflate returns the body a stored form holds.
func inflate(stored []byte) ([]byte, error) {
	if len(stored) == 0 || stored[0] != deflatedMark {
		return stored, nil
	}
	src := bytes.NewReader(stored[1:])
	r, _ := inflaters.Get().(io.ReadCloser)
	if r == nil {
		r = flate.NewReader(src)
	} else if err := r.(flate.Resetter).Reset(src, nil); err != nil {
		return nil, err
	}
	defer inflaters.Put(r)
	out := bytes.NewBuffer(make([]byte, 0, 4*len(stored)))
	if _, err := out.ReadFrom(r); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// goSteps are migration steps SQL cannot take, by migration version; each
// runs in its migration's transaction.
var goSteps = map[int]func(context.Context, *sql.Tx) error{5: deflateSnapshots}

// deflateSnapshots rewrites the snapshot bodies kept before compression
// into a new table, so that the smaller rows are packed into fewer pages
// (rewritten in place, they would leave every page mostly empty).
func deflateSnapshots(ctx context.Context, t *sql.Tx) error {
	_, err := t.ExecContext(ctx, `CREATE TABLE snapshots_deflated (
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
	rows, err := t.QueryContext(ctx, `SELECT customer_id, kind, scope, catalog_version, valid_until, body FROM snapshots ORDER BY customer_id, kind, scope`)
	if err != nil {
		return err
	}
	defer rows.Close()
	ins, err := t.PrepareContext(ctx, `INSERT INTO snapshots_deflated VALUES (?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer ins.Close()
	for rows.Next() {
		var customer, kind, scope string
		var version, validUntil int64
		var body []byte
		if err := rows.Scan(&customer, &kind, &scope, &version, &validUntil, &body); err != nil {
			return err
		}
		if len(body) > 0 && body[0] != deflatedMark {
			body = deflate(body)
		}
		if _, err := ins.ExecContext(ctx, customer, kind, scope, version, validUntil, body); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, q := range []string{`DROP TABLE snapshots`, `ALTER TABLE snapshots_deflated RENAME TO snapshots`} {
		if _, err := t.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}
