package schema

import (
	"context"
	"encoding/json"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/store/internal/sqlconn"
)

// PromotionExpiries is migration 13's step, in both stores: it lists the
// expiry of every promotion granted before that has not expired yet, so
// that it is announced when it does; those that ended before the upgrade
// are not announced after the fact. (A migration has no test clock: the
// machine's time decides.)
func PromotionExpiries(ctx context.Context, c sqlconn.Conn) error {
	now := time.Now()
	r, err := c.Query(ctx, `SELECT doc FROM promotions`)
	if err != nil {
		return err
	}
	var due []portico.Promotion
	for r.Next() {
		var doc string
		if err := r.Scan(&doc); err != nil {
			r.Close()
			return err
		}
		var p portico.Promotion
		if err := json.Unmarshal([]byte(doc), &p); err != nil {
			r.Close()
			return err
		}
		if p.ExpiresAt != nil && p.ExpiresAt.After(now) {
			due = append(due, p)
		}
	}
	r.Close()
	if err := r.Err(); err != nil {
		return err
	}
	for _, p := range due {
		if _, err := c.Exec(ctx, `INSERT INTO promotion_expiries (promotion_id, customer_id, expires_at) VALUES (?, ?, ?)`,
			p.ID, p.CustomerID, p.ExpiresAt.UnixNano()); err != nil {
			return err
		}
	}
	return nil
}
