// Package rows turns query results into Portico's values for both SQL
// stores: database/sql's rows (SQLite) and pgx's (PostgreSQL) scan alike.
// Both stores keep objects as JSON documents beside the columns queries
// need, and times as Unix nanoseconds.
package rows

import (
	"encoding/json"
	"time"

	portico "github.com/portico-dev/portico"
)

// Rows is a query's result, as both drivers give it.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// Docs decodes each row's one column, a JSON document.
func Docs[T any](r Rows) ([]T, error) {
	var out []T
	for r.Next() {
		var doc []byte
		if err := r.Scan(&doc); err != nil {
			return nil, err
		}
		var v T
		if err := json.Unmarshal(doc, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, r.Err()
}

// EachDoc decodes each row's one column, a JSON document, and hands it to
// fn as it is read, stopping at fn's first error: a long result is never
// held whole.
func EachDoc[T any](r Rows, fn func(T) error) error {
	for r.Next() {
		var doc []byte
		if err := r.Scan(&doc); err != nil {
			return err
		}
		var v T
		if err := json.Unmarshal(doc, &v); err != nil {
			return err
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return r.Err()
}

// Versions reads rows of (version, at, author, note).
func Versions(r Rows) ([]portico.CatalogVersion, error) {
	var out []portico.CatalogVersion
	for r.Next() {
		var v portico.CatalogVersion
		var at int64
		if err := r.Scan(&v.Version, &at, &v.By, &v.Note); err != nil {
			return nil, err
		}
		v.At = Time(at)
		out = append(out, v)
	}
	return out, r.Err()
}

// Usage reads a customer's rows of (feature_id, resource_id, value,
// period_start).
func Usage(r Rows, customerID string) ([]portico.UsageRecord, error) {
	var out []portico.UsageRecord
	for r.Next() {
		u := portico.UsageRecord{CustomerID: customerID}
		var start int64
		if err := r.Scan(&u.FeatureID, &u.ResourceID, &u.Value, &start); err != nil {
			return nil, err
		}
		u.PeriodStart = time.Unix(0, start).UTC()
		out = append(out, u)
	}
	return out, r.Err()
}

// Time is the time n nanoseconds after the epoch; 0 stands for unknown
// (the zero time).
func Time(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// Doc encodes a value as the JSON document a row keeps.
func Doc(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}
