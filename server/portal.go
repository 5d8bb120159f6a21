package server

import (
	"bytes"
	"net/http"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/engine"
	"github.com/portico-dev/portico/server/validation"
)

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

func (s *Server) getPortal(r *http.Request, _ []byte) (int, any, error) {
	sess := principalOf(r.Context()).session
	if s.Billing == nil {
		// Local billing: the engine's kept answer is the whole view.
		body, err := s.Engine.PortalJSON(r.Context(), scopeOf(r))
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, withSessionFields(body, sess.ReturnURL, s.businessFor(sess)), nil
	}
	v, err := s.portalView(r.Context(), sess, requestLocale(r))
	return http.StatusOK, v, err
}

func (s *Server) getPaywall(r *http.Request, _ []byte) (int, any, error) {
	q := r.URL.Query()
	productID, period := q.Get("productId"), portico.BillingPeriod(q.Get("billingPeriod"))
	if productID != "" && !validation.SlugPattern.MatchString(productID) {
		return 0, nil, portico.Invalid("productId", "must be a slug")
	}
	if period != "" && period != portico.Monthly && period != portico.Annually {
		return 0, nil, portico.Invalid("billingPeriod", "must be one of: monthly, annually")
	}
	v, err := s.Engine.Paywall(r.Context(), scopeOf(r), productID, period)
	return http.StatusOK, v, err
}

// portalChangeRequest decodes a change a customer asks for; prices are the
// backend's to set.
func portalChangeRequest(body []byte) (portico.ChangeRequest, error) {
	var req portico.ChangeRequest
	if err := decode(body, &req, false); err != nil {
		return req, err
	}
	if req.Price != nil {
		return req, portico.Invalid("price", "is set by the backend only")
	}
	return req, nil
}

func (s *Server) portalUpcomingInvoice(r *http.Request, _ []byte) (int, any, error) {
	scope := scopeOf(r)
	inv, err := s.Engine.UpcomingInvoice(r.Context(), scope.CustomerID, r.URL.Query().Get("subscriptionId"), engine.PortalActor(scope))
	return http.StatusOK, inv, err
}

func (s *Server) previewChange(r *http.Request, body []byte) (int, any, error) {
	req, err := portalChangeRequest(body)
	if err != nil {
		return 0, nil, err
	}
	scope := scopeOf(r)
	p, err := s.Engine.Preview(r.Context(), scope.CustomerID, req, engine.PortalActor(scope))
	return http.StatusOK, p, err
}

func (s *Server) portalChange(r *http.Request, body []byte) (int, any, error) {
	req, err := portalChangeRequest(body)
	if err != nil {
		return 0, nil, err
	}
	if co, err := s.checkout(r.Context(), principalOf(r.Context()).session, req); err != nil || co != nil {
		return http.StatusOK, co, err
	}
	scope := scopeOf(r)
	res, err := s.Engine.ChangeSubscription(r.Context(), scope.CustomerID, req, engine.PortalActor(scope))
	return http.StatusOK, res, err
}

func (s *Server) portalCancelScheduled(r *http.Request, _ []byte) (int, any, error) {
	scope := scopeOf(r)
	sub, err := s.Engine.CancelScheduled(r.Context(), scope.CustomerID, r.PathValue("id"), engine.PortalActor(scope))
	return http.StatusOK, sub, err
}

func (s *Server) portalCancel(r *http.Request, body []byte) (int, any, error) {
	var req portico.CancelRequest
	if err := decode(body, &req, true); err != nil {
		return 0, nil, err
	}
	scope := scopeOf(r)
	res, err := s.Engine.Cancel(r.Context(), scope.CustomerID, r.PathValue("id"), req, engine.PortalActor(scope))
	return http.StatusOK, res, err
}

func (s *Server) billingSession(r *http.Request, body []byte) (int, any, error) {
	var req portico.BillingSessionRequest
	if err := decode(body, &req, true); err != nil {
		return 0, nil, err
	}
	u, err := s.billingURL(r.Context(), principalOf(r.Context()).session, req.Flow)
	return http.StatusOK, portico.BillingSession{URL: u}, err
}
