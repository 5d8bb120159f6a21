package engine

import (
	"context"
	"slices"

	portico "github.com/portico-dev/portico"
)

// MarkTrialed records that the customer has had the product's trial, so
// the next subscription to a plan with a trial is a plain purchase (for
// customers imported with their history).
func (e *Engine) MarkTrialed(ctx context.Context, customerID, productID string) error {
	return e.writeCustomer(ctx, customerID, func(o *op, c *portico.Customer) error {
		if _, ok := o.cat.Product(productID); !ok {
			return portico.Invalid("productId", "unknown product %q", productID)
		}
		if slices.Contains(c.TrialedProducts, productID) {
			return nil
		}
		c.TrialedProducts = append(c.TrialedProducts, productID)
		return o.tx.UpdateCustomer(c)
	})
}
