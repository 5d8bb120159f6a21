package sqltx

import (
	"fmt"
	"strings"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/store/internal/sqlconn"
)

// monthOf is the first instant of t's month (UTC), as the history keys it.
func monthOf(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// dayColumns are the history's day columns, d01 to d31, as a select list.
var dayColumns = func() string {
	cols := make([]string, 31)
	for i := range cols {
		cols[i] = fmt.Sprintf("d%02d", i+1)
	}
	return strings.Join(cols, ", ")
}()

// AddUsageHistory implements portico.UsageTx.
func (t *Tx) AddUsageHistory(customerID, featureID, resourceID string, at time.Time, value int64) error {
	// The column is d01 … d31, from a day number: nothing of the caller's
	// reaches the statement's text.
	col := fmt.Sprintf("d%02d", at.UTC().Day())
	return t.exec(`INSERT INTO usage_history (customer_id, feature_id, resource_id, month, `+col+`) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (customer_id, feature_id, resource_id, month) DO UPDATE SET `+col+` = usage_history.`+col+` + excluded.`+col,
		customerID, featureID, resourceID, monthOf(at).Unix(), value)
}

// UsageHistory implements portico.UsageTx.
func (t *Tx) UsageHistory(customerID, featureID, resourceID string, from, to time.Time) ([]portico.DayUsage, error) {
	r, err := t.query(`SELECT month, `+dayColumns+` FROM usage_history WHERE customer_id = ? AND feature_id = ? AND resource_id = ?
		AND month >= ? AND month < ? ORDER BY month`, customerID, featureID, resourceID, monthOf(from).Unix(), to.Unix())
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var out []portico.DayUsage
	var month int64
	var days [31]int64
	dest := []any{&month}
	for i := range days {
		dest = append(dest, &days[i])
	}
	for r.Next() {
		if err := r.Scan(dest...); err != nil {
			return nil, err
		}
		start := time.Unix(month, 0).UTC()
		for i, v := range days {
			day := start.AddDate(0, 0, i)
			if v != 0 && day.Month() == start.Month() && !day.Before(from) && day.Before(to) {
				out = append(out, portico.DayUsage{Day: day, Value: v})
			}
		}
	}
	return out, r.Err()
}

// PruneUsageHistory implements portico.UsageTx.
func (t *Tx) PruneUsageHistory(before time.Time, limit int) (int, error) {
	// A month is forgotten once it has ended before the cutoff.
	n, err := t.conn.Exec(t.ctx, `DELETE FROM usage_history WHERE (customer_id, feature_id, resource_id, month) IN
		(SELECT customer_id, feature_id, resource_id, month FROM usage_history WHERE month < ? LIMIT ?)`,
		monthOf(before).AddDate(0, -1, 0).Unix(), limit)
	return int(n), err
}

// UsageKeysSeen implements portico.UsageTx.
func (t *Tx) UsageKeysSeen(keys []string) (map[string]bool, error) {
	seen := map[string]bool{}
	err := t.eachChunk(keys, `SELECT key FROM usage_keys WHERE key IN (…)`, func(r sqlconn.Rows) error {
		var k string
		err := r.Scan(&k)
		seen[k] = true
		return err
	})
	return seen, err
}

// PutUsageKeys implements portico.UsageTx.
func (t *Tx) PutUsageKeys(keys []string, at time.Time) error {
	for len(keys) > 0 {
		chunk := keys[:min(len(keys), bulkChunk/2)]
		keys = keys[len(chunk):]
		args := make([]any, 0, 2*len(chunk))
		for _, k := range chunk {
			args = append(args, k, at.UnixNano())
		}
		if err := t.exec(`INSERT INTO usage_keys (key, created_at) VALUES `+rowsOf(len(chunk), 2)+` ON CONFLICT (key) DO NOTHING`, args...); err != nil {
			return err
		}
	}
	return nil
}

// PruneUsageKeys implements portico.UsageTx.
func (t *Tx) PruneUsageKeys(upTo time.Time, limit int) (int, error) {
	n, err := t.conn.Exec(t.ctx, `DELETE FROM usage_keys WHERE key IN (SELECT key FROM usage_keys WHERE created_at <= ? LIMIT ?)`,
		upTo.UnixNano(), limit)
	return int(n), err
}
