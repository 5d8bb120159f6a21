package sqltx

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/store/internal/sqlconn"
)

// Reads of many customers at once, for work that touches hundreds in one
// transaction (a usage batch): one statement per table per chunk of
// customers, instead of one per customer.

// bulkChunk bounds the parameters of one statement.
const bulkChunk = 500

// placeholders is "?, ?, …" for n parameters.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// eachChunk runs query (with its IN list filled for the chunk) over ids
// in chunks, handing every row to scan.
func (t *Tx) eachChunk(ids []string, query string, scan func(sqlconn.Rows) error) error {
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), bulkChunk)]
		ids = ids[len(chunk):]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		r, err := t.query(strings.Replace(query, "(…)", "("+placeholders(len(chunk))+")", 1), args...)
		if err != nil {
			return err
		}
		for r.Next() {
			if err := scan(r); err != nil {
				r.Close()
				return err
			}
		}
		err = r.Err()
		r.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// docsByCustomer reads (customer_id, doc) rows into documents by customer.
func docsByCustomer[T any](t *Tx, ids []string, query string) (map[string][]T, error) {
	out := map[string][]T{}
	err := t.eachChunk(ids, query, func(r sqlconn.Rows) error {
		var id string
		var doc []byte
		if err := r.Scan(&id, &doc); err != nil {
			return err
		}
		var v T
		if err := json.Unmarshal(doc, &v); err != nil {
			return err
		}
		out[id] = append(out[id], v)
		return nil
	})
	return out, err
}

// CustomersByID implements portico.CustomerTx.
func (t *Tx) CustomersByID(ids []string) (map[string]*portico.Customer, error) {
	docs, err := docsByCustomer[*portico.Customer](t, ids, `SELECT id, doc FROM customers WHERE id IN (…)`)
	out := make(map[string]*portico.Customer, len(docs))
	for id, cs := range docs {
		out[id] = cs[0]
	}
	return out, err
}

// SubscriptionsOfCustomers implements portico.SubscriptionTx.
func (t *Tx) SubscriptionsOfCustomers(ids []string) (map[string][]*portico.Subscription, error) {
	return docsByCustomer[*portico.Subscription](t, ids,
		`SELECT customer_id, doc FROM subscriptions WHERE customer_id IN (…) ORDER BY customer_id, created_at, id`)
}

// PromotionsOfCustomers implements portico.PromotionTx.
func (t *Tx) PromotionsOfCustomers(ids []string) (map[string][]portico.Promotion, error) {
	return docsByCustomer[portico.Promotion](t, ids,
		`SELECT customer_id, doc FROM promotions WHERE customer_id IN (…) ORDER BY customer_id, granted_at, id`)
}

// UsageOfCustomers implements portico.UsageTx.
func (t *Tx) UsageOfCustomers(ids []string) (map[string][]portico.UsageRecord, error) {
	out := map[string][]portico.UsageRecord{}
	err := t.eachChunk(ids, `SELECT customer_id, feature_id, resource_id, value, period_start FROM usage
		WHERE customer_id IN (…) ORDER BY customer_id, feature_id, resource_id`, func(r sqlconn.Rows) error {
		var u portico.UsageRecord
		var start int64
		if err := r.Scan(&u.CustomerID, &u.FeatureID, &u.ResourceID, &u.Value, &start); err != nil {
			return err
		}
		u.PeriodStart = time.Unix(0, start).UTC()
		out[u.CustomerID] = append(out[u.CustomerID], u)
		return nil
	})
	return out, err
}

// PutUsages implements portico.UsageTx: a multi-row upsert per chunk.
func (t *Tx) PutUsages(us []portico.UsageRecord) error {
	for len(us) > 0 {
		chunk := us[:min(len(us), bulkChunk/5)]
		us = us[len(chunk):]
		args := make([]any, 0, 5*len(chunk))
		for _, u := range chunk {
			t.touched.Add(u.CustomerID)
			args = append(args, u.CustomerID, u.FeatureID, u.ResourceID, u.Value, u.PeriodStart.UnixNano())
		}
		err := t.exec(`INSERT INTO usage (customer_id, feature_id, resource_id, value, period_start) VALUES `+
			rowsOf(len(chunk), 5)+` ON CONFLICT (customer_id, feature_id, resource_id)
			DO UPDATE SET value = excluded.value, period_start = excluded.period_start`, args...)
		if err != nil {
			return err
		}
	}
	return nil
}

// AddUsageHistories implements portico.UsageTx: a multi-row upsert per day
// of the month (each day is its own column).
func (t *Tx) AddUsageHistories(adds []portico.HistoryAdd) error {
	byDay := map[int][]portico.HistoryAdd{}
	for _, a := range adds {
		d := a.Day.UTC().Day()
		byDay[d] = append(byDay[d], a)
	}
	for d := 1; d <= 31; d++ {
		col := fmt.Sprintf("d%02d", d)
		for rest := byDay[d]; len(rest) > 0; {
			chunk := rest[:min(len(rest), bulkChunk/5)]
			rest = rest[len(chunk):]
			args := make([]any, 0, 5*len(chunk))
			for _, a := range chunk {
				args = append(args, a.CustomerID, a.FeatureID, a.ResourceID, monthOf(a.Day).Unix(), a.Value)
			}
			err := t.exec(`INSERT INTO usage_history (customer_id, feature_id, resource_id, month, `+col+`) VALUES `+
				rowsOf(len(chunk), 5)+` ON CONFLICT (customer_id, feature_id, resource_id, month)
				DO UPDATE SET `+col+` = usage_history.`+col+` + excluded.`+col, args...)
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// rowsOf is "(?, …), (?, …)": n rows of k parameters.
func rowsOf(n, k int) string {
	row := "(" + placeholders(k) + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}
