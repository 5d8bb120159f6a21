package sqltx

import (
	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/store/internal/rows"
)

// PromotionsOf implements portico.PromotionTx.
func (t *Tx) PromotionsOf(customerID string) ([]portico.Promotion, error) {
	return listDocs[portico.Promotion](t, `SELECT doc FROM promotions WHERE customer_id = ? ORDER BY granted_at, id`, customerID)
}

// AddPromotion implements portico.PromotionTx.
func (t *Tx) AddPromotion(p portico.Promotion) error {
	doc, err := rows.Doc(p)
	if err != nil {
		return err
	}
	t.touched.Add(p.CustomerID)
	return t.exec(`INSERT INTO promotions (id, customer_id, granted_at, doc) VALUES (?, ?, ?, ?)`, p.ID, p.CustomerID, p.GrantedAt.UnixNano(), doc)
}
