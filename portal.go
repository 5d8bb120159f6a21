package portico

import "context"

// PortalSource is what a portal reads and changes for one portal session:
// the portal API over the network in the browser (package client), the
// engine directly when the server prerenders a page, a fake in tests.
type PortalSource interface {
	Portal(ctx context.Context) (*PortalView, error)
	Paywall(ctx context.Context, productID string, billingPeriod BillingPeriod) (*PaywallView, error)
	Preview(ctx context.Context, req ChangeRequest) (*Preview, error)
	Change(ctx context.Context, req ChangeRequest) (*ChangeResult, error)
	Cancel(ctx context.Context, subscriptionID string) (*CancelResult, error)
	CancelScheduled(ctx context.Context, subscriptionID string) (*SubscriptionView, error)
	BillingSession(ctx context.Context, flow string) (*BillingSession, error)
	// UpcomingInvoice is the next invoice of a subscription, or of the
	// customer when subscriptionID is empty.
	UpcomingInvoice(ctx context.Context, subscriptionID string) (*UpcomingInvoice, error)
	// UsageHistory is a feature's usage over time within the session's
	// scope.
	UsageHistory(ctx context.Context, q UsageHistoryQuery) (*UsageHistory, error)
}

// Problem is a failed API call as the API answered it (RFC 9457): its
// HTTP status (0 when the server could not be reached), title, detail and
// the fields at fault.
type Problem struct {
	Status int
	Title  string
	Detail string
	Fields []FieldError
}

func (p *Problem) Error() string {
	if p.Detail != "" {
		return p.Detail
	}
	return p.Title
}
