package client

import (
	"context"
	"net/url"

	portico "github.com/portico-dev/portico"
)

// PriceHolders counts the subscriptions on, or scheduled onto, one price of
// a "plans" or "addons" object: its billing period and currency.
func (c *Console) PriceHolders(ctx context.Context, collection, id string, period portico.BillingPeriod, currency string) (*portico.PriceHolders, error) {
	var v portico.PriceHolders
	path := "/" + collection + "/" + url.PathEscape(id) + "/price-holders?billingPeriod=" + url.QueryEscape(string(period)) +
		"&currency=" + url.QueryEscape(currency)
	return &v, c.call(ctx, "GET", path, nil, &v)
}
