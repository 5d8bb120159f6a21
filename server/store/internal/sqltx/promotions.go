package sqltx

import (
	"time"

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
	if err := t.exec(`INSERT INTO promotions (id, customer_id, granted_at, doc) VALUES (?, ?, ?, ?)`, p.ID, p.CustomerID, p.GrantedAt.UnixNano(), doc); err != nil {
		return err
	}
	if p.ExpiresAt == nil {
		return nil
	}
	return t.exec(`INSERT INTO promotion_expiries (promotion_id, customer_id, expires_at) VALUES (?, ?, ?)`,
		p.ID, p.CustomerID, p.ExpiresAt.UnixNano())
}

// ExpiredPromotions implements portico.PromotionTx.
func (t *Tx) ExpiredPromotions(upTo time.Time, limit int) ([]portico.Promotion, error) {
	return listDocs[portico.Promotion](t, `SELECT p.doc FROM promotion_expiries x JOIN promotions p ON p.id = x.promotion_id
		WHERE x.expires_at <= ? ORDER BY x.expires_at, x.promotion_id LIMIT ?`, upTo.UnixNano(), limit)
}

// PromotionExpiryAnnounced implements portico.PromotionTx.
func (t *Tx) PromotionExpiryAnnounced(id string) error {
	return t.exec(`DELETE FROM promotion_expiries WHERE promotion_id = ?`, id)
}
