package sqltx

import (
	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/store/internal/rows"
)

// UsageOf implements portico.UsageTx.
func (t *Tx) UsageOf(customerID string) ([]portico.UsageRecord, error) {
	r, err := t.query(`SELECT feature_id, resource_id, value, period_start FROM usage WHERE customer_id = ? ORDER BY feature_id, resource_id`, customerID)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return rows.Usage(r, customerID)
}

// PutUsage implements portico.UsageTx.
func (t *Tx) PutUsage(u portico.UsageRecord) error {
	t.touched.Add(u.CustomerID)
	return t.exec(`INSERT INTO usage (customer_id, feature_id, resource_id, value, period_start) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (customer_id, feature_id, resource_id) DO UPDATE SET value = excluded.value, period_start = excluded.period_start`,
		u.CustomerID, u.FeatureID, u.ResourceID, u.Value, u.PeriodStart.UnixNano())
}
