package sqltx

import (
	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/store/internal/rows"
)

// BillingProfile implements portico.BillingProfileTx.
func (t *Tx) BillingProfile(customerID string) (*portico.BillingProfile, error) {
	var p portico.BillingProfile
	if err := t.getDoc(&p, `SELECT doc FROM billing_profiles WHERE customer_id = ?`, customerID); err != nil {
		return nil, err
	}
	return &p, nil
}

// PutBillingProfile implements portico.BillingProfileTx.
func (t *Tx) PutBillingProfile(customerID string, p *portico.BillingProfile) error {
	doc, err := rows.Doc(p)
	if err != nil {
		return err
	}
	t.touched.Add(customerID)
	return t.exec(`INSERT INTO billing_profiles (customer_id, doc) VALUES (?, ?)
		ON CONFLICT (customer_id) DO UPDATE SET doc = excluded.doc`, customerID, doc)
}
