package server

import (
	"context"
	"errors"
	"net/http"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/components"
	"github.com/portico-dev/portico/server/engine"
	"github.com/portico-dev/portico/server/session"
)

// engineSource serves the components straight from the engine while the
// server prerenders a page: the same data as the portal API, without a
// round trip.
type engineSource struct {
	srv  *Server
	sess *session.Session
	// locale is the page's: the catalog's texts are shown in it.
	locale string
}

// PortalSource returns the components' data source for a portal session
// token, showing the catalog in locale; an invalid or expired token yields
// a source that answers 401.
func (s *Server) PortalSource(token, locale string) components.Source {
	sess, err := s.Sessions.Verify(token, s.Engine.Now())
	switch {
	case errors.Is(err, session.ErrExpired):
		return failingSource{err: &components.APIError{Status: http.StatusUnauthorized, Title: portico.TitleSessionExpired,
			Detail: "The portal session has expired."}}
	case err != nil:
		return failingSource{err: &components.APIError{Status: http.StatusUnauthorized, Title: portico.TitleSessionInvalid,
			Detail: "The portal session is not valid."}}
	}
	if locale != "" {
		locale = components.KnownLocale(locale)
	}
	return &engineSource{srv: s, sess: sess, locale: locale}
}

func (e *engineSource) actor() engine.Actor { return engine.PortalActor(e.sess.Scope) }

// scope is the session's scope, in the page's locale.
func (e *engineSource) scope() portico.PortalScope {
	sc := e.sess.Scope
	sc.Locale = e.locale
	return sc
}

func (e *engineSource) Portal(ctx context.Context) (*portico.PortalView, error) {
	v, err := e.srv.portalView(ctx, e.sess, e.locale)
	return v, apiError(err)
}

func (e *engineSource) Paywall(ctx context.Context, productID string, period portico.BillingPeriod) (*portico.PaywallView, error) {
	v, err := e.srv.Engine.Paywall(ctx, e.scope(), productID, period)
	return v, apiError(err)
}

func (e *engineSource) Preview(ctx context.Context, req portico.ChangeRequest) (*portico.Preview, error) {
	v, err := e.srv.Engine.Preview(ctx, e.sess.Scope.CustomerID, req, e.actor())
	return v, apiError(err)
}

func (e *engineSource) Change(ctx context.Context, req portico.ChangeRequest) (*portico.ChangeResult, error) {
	if co, err := e.srv.checkout(ctx, e.sess, req); err != nil || co != nil {
		return co, apiError(err)
	}
	v, err := e.srv.Engine.ChangeSubscription(ctx, e.sess.Scope.CustomerID, req, e.actor())
	return v, apiError(err)
}

func (e *engineSource) Cancel(ctx context.Context, subID string) (*portico.CancelResult, error) {
	v, err := e.srv.Engine.Cancel(ctx, e.sess.Scope.CustomerID, subID, portico.CancelRequest{}, e.actor())
	return v, apiError(err)
}

func (e *engineSource) CancelScheduled(ctx context.Context, subID string) (*portico.SubscriptionView, error) {
	v, err := e.srv.Engine.CancelScheduled(ctx, e.sess.Scope.CustomerID, subID, e.actor())
	return v, apiError(err)
}

func (e *engineSource) UpcomingInvoice(ctx context.Context, subID string) (*portico.UpcomingInvoice, error) {
	v, err := e.srv.Engine.UpcomingInvoice(ctx, e.sess.Scope.CustomerID, subID, e.actor())
	return v, apiError(err)
}

func (e *engineSource) UsageHistory(ctx context.Context, q portico.UsageHistoryQuery) (*portico.UsageHistory, error) {
	if q.ResourceID == "" {
		q.ResourceID = e.sess.Scope.ResourceID
	}
	v, err := e.srv.Engine.UsageHistory(ctx, e.sess.Scope.CustomerID, q, e.actor())
	return v, apiError(err)
}

func (e *engineSource) BillingSession(ctx context.Context, flow string) (*portico.BillingSession, error) {
	u, err := e.srv.billingURL(ctx, e.sess, portico.BillingFlow(flow))
	return &portico.BillingSession{URL: u}, apiError(err)
}

// apiError turns a domain error into the problem the API would answer.
func apiError(err error) error {
	if err == nil {
		return nil
	}
	var e *portico.Error
	if !errors.As(err, &e) {
		return &components.APIError{Status: http.StatusInternalServerError, Title: "Internal error"}
	}
	return &components.APIError{Status: kindStatus[e.Kind], Title: e.Title, Detail: e.Detail, Fields: e.Fields}
}

// failingSource answers every call with one error.
type failingSource struct{ err error }

func (f failingSource) Portal(context.Context) (*portico.PortalView, error) { return nil, f.err }
func (f failingSource) Paywall(context.Context, string, portico.BillingPeriod) (*portico.PaywallView, error) {
	return nil, f.err
}
func (f failingSource) Preview(context.Context, portico.ChangeRequest) (*portico.Preview, error) {
	return nil, f.err
}
func (f failingSource) Change(context.Context, portico.ChangeRequest) (*portico.ChangeResult, error) {
	return nil, f.err
}
func (f failingSource) Cancel(context.Context, string) (*portico.CancelResult, error) {
	return nil, f.err
}
func (f failingSource) CancelScheduled(context.Context, string) (*portico.SubscriptionView, error) {
	return nil, f.err
}
func (f failingSource) BillingSession(context.Context, string) (*portico.BillingSession, error) {
	return nil, f.err
}
func (f failingSource) UpcomingInvoice(context.Context, string) (*portico.UpcomingInvoice, error) {
	return nil, f.err
}

func (f failingSource) UsageHistory(context.Context, portico.UsageHistoryQuery) (*portico.UsageHistory, error) {
	return nil, f.err
}
