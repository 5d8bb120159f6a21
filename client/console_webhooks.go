package client

import (
	"context"
	"net/url"

	portico "github.com/portico-dev/portico"
)

// The console's webhook endpoints (see docs/webhooks.md). Writes carry an
// empty JSON object when they have no body: the console API takes JSON
// only.

// WebhookEndpoints lists the endpoints, without their secrets.
func (c *Console) WebhookEndpoints(ctx context.Context) (*portico.WebhookEndpointList, error) {
	var v portico.WebhookEndpointList
	return &v, c.call(ctx, "GET", "/webhook-endpoints", nil, &v)
}

// AddWebhookEndpoint adds an endpoint; the answer holds its secret, shown
// this once.
func (c *Console) AddWebhookEndpoint(ctx context.Context, req portico.WebhookEndpointRequest) (*portico.WebhookEndpointView, error) {
	var v portico.WebhookEndpointView
	return &v, c.call(ctx, "POST", "/webhook-endpoints", req, &v)
}

// DeleteWebhookEndpoint deletes an endpoint and its deliveries.
func (c *Console) DeleteWebhookEndpoint(ctx context.Context, id string) error {
	return c.call(ctx, "DELETE", "/webhook-endpoints/"+url.PathEscape(id), struct{}{}, nil)
}

// WebhookDeliveries lists an endpoint's recent deliveries, newest first.
func (c *Console) WebhookDeliveries(ctx context.Context, id string) (*portico.WebhookDeliveryList, error) {
	var v portico.WebhookDeliveryList
	return &v, c.call(ctx, "GET", "/webhook-endpoints/"+url.PathEscape(id)+"/deliveries", nil, &v)
}

// ResendWebhookDelivery makes one event's delivery to an endpoint due now.
func (c *Console) ResendWebhookDelivery(ctx context.Context, id, eventID string) error {
	return c.call(ctx, "POST", "/webhook-endpoints/"+url.PathEscape(id)+"/deliveries/"+url.PathEscape(eventID)+"/retry", struct{}{}, nil)
}

// RotateWebhookSecret gives an endpoint a new secret, shown this once;
// the old one signs beside it for a day.
func (c *Console) RotateWebhookSecret(ctx context.Context, id string) (*portico.WebhookEndpointView, error) {
	var v portico.WebhookEndpointView
	return &v, c.call(ctx, "POST", "/webhook-endpoints/"+url.PathEscape(id)+"/rotate-secret", struct{}{}, &v)
}
