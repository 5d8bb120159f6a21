// Package client calls Portico's portal API with a portal session token.
// In the browser it uses fetch (net/http never enters the wasm); elsewhere
// it uses net/http, so tests drive the same client against a real server.
package client

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"

	portico "github.com/portico-dev/portico"
)

// Client is a portico.PortalSource over the portal API. It needs no
// go-app: a Go backend may use it as well as the components.
type Client struct {
	base  string
	token string
	// locale asks for the catalog's texts in that language.
	locale string
}

var _ portico.PortalSource = (*Client)(nil)

// New returns a client for the API at base ("" for the page's own origin)
// acting with the portal session token.
func New(base, token string) *Client {
	return &Client{base: strings.TrimRight(base, "/"), token: token}
}

// Locale has the server answer with the catalog's names and descriptions
// in locale ("de", "pt-BR") where the catalog translates them.
func (c *Client) Locale(locale string) *Client {
	c.locale = locale
	return c
}

// call sends a request and decodes a JSON answer into out, or returns the
// problem as a *portico.Problem.
func (c *Client) call(ctx context.Context, method, path string, in, out any) error {
	_, err := roundTrip(ctx, request{method: method, url: c.base + "/api/v1" + path, token: c.token, locale: c.locale}, in, out)
	return err
}

// roundTrip sends in as the request's JSON body (none when nil) and
// decodes a JSON answer into out (ignored when nil), or returns the problem
// as a *portico.Problem.
func roundTrip(ctx context.Context, req request, in, out any) (reply, error) {
	if in != nil {
		var err error
		if req.body, err = json.Marshal(in); err != nil {
			return reply{}, err
		}
	}
	r, err := send(ctx, req)
	if err != nil {
		return r, networkError()
	}
	if r.status >= 400 {
		return r, problem(r.status, r.body)
	}
	if out == nil {
		return r, nil
	}
	return r, json.Unmarshal(r.body, out)
}

func networkError() error {
	return &portico.Problem{Title: "Network error", Detail: "The server could not be reached. Check your connection and try again."}
}

func problem(status int, body []byte) error {
	var p struct {
		Title  string               `json:"title"`
		Detail string               `json:"detail"`
		Errors []portico.FieldError `json:"errors"`
	}
	if json.Unmarshal(body, &p) != nil || (p.Title == "" && p.Detail == "") {
		p.Title = "Request failed with status " + strconv.Itoa(status)
	}
	return &portico.Problem{Status: status, Title: p.Title, Detail: p.Detail, Fields: p.Errors}
}

func (c *Client) Portal(ctx context.Context) (*portico.PortalView, error) {
	var v portico.PortalView
	return &v, c.call(ctx, "GET", "/portal", nil, &v)
}

func (c *Client) Paywall(ctx context.Context, productID string, period portico.BillingPeriod) (*portico.PaywallView, error) {
	q := url.Values{}
	if productID != "" {
		q.Set("productId", productID)
	}
	if period != "" {
		q.Set("billingPeriod", string(period))
	}
	path := "/portal/paywall"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var v portico.PaywallView
	return &v, c.call(ctx, "GET", path, nil, &v)
}

func (c *Client) Preview(ctx context.Context, req portico.ChangeRequest) (*portico.Preview, error) {
	var v portico.Preview
	return &v, c.call(ctx, "POST", "/portal/preview", req, &v)
}

func (c *Client) Change(ctx context.Context, req portico.ChangeRequest) (*portico.ChangeResult, error) {
	var v portico.ChangeResult
	return &v, c.call(ctx, "POST", "/portal/subscriptions", req, &v)
}

func (c *Client) Cancel(ctx context.Context, subID string) (*portico.CancelResult, error) {
	var v portico.CancelResult
	return &v, c.call(ctx, "POST", "/portal/subscriptions/"+url.PathEscape(subID)+"/cancel", struct{}{}, &v)
}

func (c *Client) CancelScheduled(ctx context.Context, subID string) (*portico.SubscriptionView, error) {
	var v portico.SubscriptionView
	return &v, c.call(ctx, "DELETE", "/portal/subscriptions/"+url.PathEscape(subID)+"/scheduled-updates", nil, &v)
}

func (c *Client) UpcomingInvoice(ctx context.Context, subID string) (*portico.UpcomingInvoice, error) {
	var v portico.UpcomingInvoice
	path := "/portal/upcoming-invoice"
	if subID != "" {
		path += "?subscriptionId=" + url.QueryEscape(subID)
	}
	return &v, c.call(ctx, "GET", path, nil, &v)
}

func (c *Client) UsageHistory(ctx context.Context, q portico.UsageHistoryQuery) (*portico.UsageHistory, error) {
	var v portico.UsageHistory
	query := url.Values{"featureId": {q.FeatureID}}
	if q.Bucket != "" {
		query.Set("bucket", string(q.Bucket))
	}
	if !q.From.IsZero() {
		query.Set("from", q.From.UTC().Format(time.RFC3339))
	}
	if !q.To.IsZero() {
		query.Set("to", q.To.UTC().Format(time.RFC3339))
	}
	if q.ResourceID != "" {
		query.Set("resourceId", q.ResourceID)
	}
	return &v, c.call(ctx, "GET", "/portal/usage-history?"+query.Encode(), nil, &v)
}

func (c *Client) BillingSession(ctx context.Context, flow string) (*portico.BillingSession, error) {
	var v portico.BillingSession
	return &v, c.call(ctx, "POST", "/portal/billing-session", portico.BillingSessionRequest{Flow: portico.BillingFlow(flow)}, &v)
}
