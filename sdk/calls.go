package sdk

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	portico "github.com/portico-dev/portico"
)

// The backend API's calls (docs/api.md), each returning the domain's own
// types. Writes carry an Idempotency-Key reused by their retries, so a
// write whose answer was lost applies once.

// CreateCustomer creates a customer; each single product's journey starts
// (a free plan or a trial).
func (c *Client) CreateCustomer(ctx context.Context, req portico.CreateCustomerRequest) (*portico.CustomerView, error) {
	var v portico.CustomerView
	return &v, c.do(ctx, call{method: http.MethodPost, path: "/customers", in: req, out: &v})
}

// Customer reads a customer with their subscriptions and promotions.
func (c *Client) Customer(ctx context.Context, customerID string) (*portico.CustomerView, error) {
	var v portico.CustomerView
	return &v, c.do(ctx, call{method: http.MethodGet, path: "/customers/" + url.PathEscape(customerID), out: &v})
}

// SetBilling sets a customer's local billing profile (billing without
// Stripe): a payment method lets trials convert.
func (c *Client) SetBilling(ctx context.Context, customerID string, p portico.BillingProfile) (*portico.BillingProfile, error) {
	var v portico.BillingProfile
	return &v, c.do(ctx, call{method: http.MethodPut, path: "/customers/" + url.PathEscape(customerID) + "/billing", in: p, out: &v})
}

// ChangeSubscription provisions or changes a subscription: plan, period,
// add-ons and the committed quantities of the plan's charges.
func (c *Client) ChangeSubscription(ctx context.Context, customerID string, req portico.ChangeRequest) (*portico.ChangeResult, error) {
	var v portico.ChangeResult
	return &v, c.do(ctx, call{method: http.MethodPost, path: "/customers/" + url.PathEscape(customerID) + "/subscriptions", in: req, out: &v})
}

// CancelSubscription cancels a subscription as its product's journey says
// (at once or at the period's end).
func (c *Client) CancelSubscription(ctx context.Context, subscriptionID string, req portico.CancelRequest) (*portico.CancelResult, error) {
	var v portico.CancelResult
	return &v, c.do(ctx, call{method: http.MethodPost, path: "/subscriptions/" + url.PathEscape(subscriptionID) + "/cancel", in: req, out: &v})
}

// CancelScheduled takes back a subscription's scheduled updates (a
// downgrade or a cancellation at the period's end).
func (c *Client) CancelScheduled(ctx context.Context, subscriptionID string) (*portico.SubscriptionView, error) {
	var v portico.SubscriptionView
	return &v, c.do(ctx, call{method: http.MethodDelete, path: "/subscriptions/" + url.PathEscape(subscriptionID) + "/scheduled-updates", out: &v})
}

// GrantPromotion grants a customer a promotional entitlement.
func (c *Client) GrantPromotion(ctx context.Context, customerID string, req portico.PromotionRequest) (*portico.Promotion, error) {
	var v portico.Promotion
	return &v, c.do(ctx, call{method: http.MethodPost, path: "/customers/" + url.PathEscape(customerID) + "/promotions", in: req, out: &v})
}

// ReportUsage adds one usage event and returns the feature's entitlement
// afterwards. The event gets an idempotency key when it has none, so a
// retry is counted once; caches built on this client count it at once.
func (c *Client) ReportUsage(ctx context.Context, req portico.UsageRequest) (*portico.EntitlementView, error) {
	if req.IdempotencyKey == "" {
		req.IdempotencyKey = NewKey()
	}
	var v portico.EntitlementView
	// The event's own key makes retries safe: no Idempotency-Key header,
	// so the server may count the call with others in one transaction.
	err := c.do(ctx, call{method: http.MethodPost, path: "/usage", in: req, out: &v, noKey: true})
	if err == nil {
		c.tellUsage(req.CustomerID, req.ResourceID, &v)
	}
	return &v, err
}

// ReportUsageBatch adds up to portico.MaxUsageBatch events in one call;
// each result says whether its event was accepted, a duplicate of one
// counted before, or rejected. Events without a key get one.
func (c *Client) ReportUsageBatch(ctx context.Context, events []portico.UsageEvent) (*portico.UsageBatchResult, error) {
	events = withKeys(events)
	var v portico.UsageBatchResult
	err := c.do(ctx, call{method: http.MethodPost, path: "/usage/batch", in: portico.UsageBatchRequest{Events: events}, out: &v, noKey: true})
	if err == nil {
		c.tellBatch(events, v.Results)
	}
	return &v, err
}

// withKeys returns events with a key on each, copying only when one lacks
// it.
func withKeys(events []portico.UsageEvent) []portico.UsageEvent {
	for i := range events {
		if events[i].IdempotencyKey != "" {
			continue
		}
		out := append([]portico.UsageEvent(nil), events...)
		for j := i; j < len(out); j++ {
			if out[j].IdempotencyKey == "" {
				out[j].IdempotencyKey = NewKey()
			}
		}
		return out
	}
	return events
}

// UsageHistory reads a feature's usage per day, week or month.
func (c *Client) UsageHistory(ctx context.Context, customerID string, q portico.UsageHistoryQuery) (*portico.UsageHistory, error) {
	v := url.Values{"featureId": {q.FeatureID}}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("resourceId", q.ResourceID)
	set("bucket", string(q.Bucket))
	if !q.From.IsZero() {
		v.Set("from", q.From.UTC().Format(time.RFC3339))
	}
	if !q.To.IsZero() {
		v.Set("to", q.To.UTC().Format(time.RFC3339))
	}
	var h portico.UsageHistory
	return &h, c.do(ctx, call{method: http.MethodGet, path: "/customers/" + url.PathEscape(customerID) + "/usage-history?" + v.Encode(), out: &h})
}

// Entitlements reads a customer's entitlements (for one resource when
// resourceID is set) from the server. For checks on every request, use
// the cache (NewEntitlements).
func (c *Client) Entitlements(ctx context.Context, customerID, resourceID string) ([]portico.EntitlementView, error) {
	var v []portico.EntitlementView
	return v, c.do(ctx, call{method: http.MethodGet, path: entitlementsPath(customerID, resourceID), out: &v})
}

func entitlementsPath(customerID, resourceID string) string {
	path := "/customers/" + url.PathEscape(customerID) + "/entitlements"
	if resourceID != "" {
		path += "?resourceId=" + url.QueryEscape(resourceID)
	}
	return path
}

// UpcomingInvoice reads the next invoice as it stands; subscriptionID
// picks one when the customer has several.
func (c *Client) UpcomingInvoice(ctx context.Context, customerID, subscriptionID string) (*portico.UpcomingInvoice, error) {
	path := "/customers/" + url.PathEscape(customerID) + "/upcoming-invoice"
	if subscriptionID != "" {
		path += "?subscriptionId=" + url.QueryEscape(subscriptionID)
	}
	var v portico.UpcomingInvoice
	return &v, c.do(ctx, call{method: http.MethodGet, path: path, out: &v})
}

// CreatePortalSession mints a portal session: its URL opens the portal for
// the customer.
func (c *Client) CreatePortalSession(ctx context.Context, req portico.PortalSessionRequest) (*portico.PortalSession, error) {
	var v portico.PortalSession
	return &v, c.do(ctx, call{method: http.MethodPost, path: "/portal-sessions", in: req, out: &v})
}

// Catalog reads the catalog and its version (an ETag such as `"14"`), to
// send back to PutCatalog.
func (c *Client) Catalog(ctx context.Context) (*portico.Catalog, string, error) {
	var v portico.Catalog
	var etag string
	err := c.do(ctx, call{method: http.MethodGet, path: "/catalog", out: &v, etag: &etag})
	return &v, etag, err
}

// PutCatalog applies a catalog. With ifMatch (a version Catalog returned)
// it applies only while the catalog is still at that version: otherwise a
// 412 (Type "stale") and nothing changes. It returns the catalog saved and
// its new version.
func (c *Client) PutCatalog(ctx context.Context, cat *portico.Catalog, ifMatch string) (*portico.Catalog, string, error) {
	var v portico.Catalog
	var etag string
	err := c.do(ctx, call{method: http.MethodPut, path: "/catalog", in: cat, out: &v, ifMatch: ifMatch, etag: &etag})
	return &v, etag, err
}

// AdvanceTestClock moves the server's test clock (PORTICO_TEST_CLOCK=1)
// and applies what falls due.
func (c *Client) AdvanceTestClock(ctx context.Context, req portico.AdvanceRequest) (*portico.TestClockView, error) {
	var v portico.TestClockView
	return &v, c.do(ctx, call{method: http.MethodPost, path: "/test-clock/advance", in: req, out: &v})
}

// EventPage is a page of the event log (GET /api/v1/events).
type EventPage struct {
	// Events have their Seq set.
	Events []portico.Event `json:"-"`
	// Last is where the next page starts (its after).
	Last int64 `json:"last"`
	// Reset: events after the point asked for are no longer kept; read
	// afresh what you hold, then go on from Last.
	Reset bool `json:"reset,omitempty"`
}

// UnmarshalJSON reads each event's seq beside its fields.
func (p *EventPage) UnmarshalJSON(b []byte) error {
	var raw struct {
		Events []struct {
			Seq int64 `json:"seq"`
			portico.Event
		} `json:"events"`
		Last  int64 `json:"last"`
		Reset bool  `json:"reset"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	p.Last, p.Reset, p.Events = raw.Last, raw.Reset, make([]portico.Event, len(raw.Events))
	for i, e := range raw.Events {
		p.Events[i] = e.Event
		p.Events[i].Seq = e.Seq
	}
	return nil
}

// Events reads up to limit events after the seq after (0: from the
// oldest kept), of the types given (all when none).
func (c *Client) Events(ctx context.Context, after int64, limit int, types ...portico.EventType) (*EventPage, error) {
	v := url.Values{"after": {strconv.FormatInt(after, 10)}}
	if limit > 0 {
		v.Set("limit", strconv.Itoa(limit))
	}
	if len(types) > 0 {
		v.Set("types", joinTypes(types))
	}
	var p EventPage
	return &p, c.do(ctx, call{method: http.MethodGet, path: "/events?" + v.Encode(), out: &p})
}

func joinTypes(types []portico.EventType) string {
	s := make([]string, len(types))
	for i, t := range types {
		s[i] = string(t)
	}
	return strings.Join(s, ",")
}
