package server

import (
	"context"
	"net/http"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/billing"
	"github.com/portico-dev/portico/server/session"
)

// defaultBillingDeadline bounds how long the portal waits for the billing
// provider: past it the portal answers with everything else and marks the
// billing part unavailable, with a retry.
const defaultBillingDeadline = 3 * time.Second

// portalInvoices is how many invoices the portal view carries.
const portalInvoices = 50

// portalView is the portal for a session: the engine's view, with payment
// details and invoices from the billing provider when one is connected.
func (s *Server) portalView(ctx context.Context, sess *session.Session) (*portico.PortalView, error) {
	v, err := s.Engine.Portal(ctx, sess.Scope)
	if err != nil {
		return nil, err
	}
	v.ReturnURL = sess.ReturnURL
	if s.Billing == nil {
		return v, nil
	}
	c := billing.Customer{ID: v.Customer.ID, Name: v.Customer.Name, Email: v.Customer.Email}
	deadline := s.BillingDeadline
	if deadline <= 0 {
		deadline = defaultBillingDeadline
	}
	ctx, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()
	details := make(chan error, 1)
	go func() {
		b, err := s.Billing.Details(ctx, c)
		if err == nil {
			v.Billing = b
		}
		details <- err
	}()
	invoices, _, invErr := s.Billing.Invoices(ctx, c, portalInvoices, "")
	detErr := <-details
	if detErr != nil || invErr != nil {
		s.Log.WarnContext(ctx, "billing provider unavailable for the portal", "customer", c.ID, "details", detErr, "invoices", invErr)
		v.Billing = portico.BillingView{Connected: true, Provider: s.Billing.Name(), Unavailable: true}
		v.Invoices = []portico.Invoice{}
		return v, nil
	}
	v.Invoices = invoices
	if v.Invoices == nil {
		v.Invoices = []portico.Invoice{}
	}
	return v, nil
}

// billingURL opens the billing provider's portal for the session's
// customer: payment method, billing details or invoice history.
func (s *Server) billingURL(ctx context.Context, sess *session.Session, flow string) (string, error) {
	if s.Billing == nil {
		return "", portico.Conflict("no billing provider is connected: billing details are kept by Portico and changed through the backend API")
	}
	cv, err := s.Engine.Customer(ctx, sess.Scope.CustomerID)
	if err != nil {
		return "", err
	}
	returnURL := sess.ReturnURL
	if returnURL == "" {
		returnURL = s.PublicURL
	}
	return s.Billing.PortalURL(ctx, billing.Customer{ID: cv.ID, Name: cv.Name, Email: cv.Email}, flow, returnURL)
}

// Webhooks is the billing provider's webhook endpoint, when it has one.
type Webhooks interface {
	Webhooks(onEvent billing.EventHandler) http.Handler
}

// onBillingEvent applies what a billing provider's webhook tells: a failed
// payment puts the customer past due until an invoice is paid. (The
// provider has already dropped what it cached for the customer.)
func (s *Server) onBillingEvent(ctx context.Context, ev billing.Event) error {
	s.Log.InfoContext(ctx, "billing event", "type", ev.Type, "customer", ev.CustomerID, "event", ev.ID)
	if ev.CustomerID == "" {
		return nil
	}
	var err error
	switch ev.Type {
	case billing.EventInvoicePaymentFailed:
		err = s.Engine.SetPastDue(ctx, ev.CustomerID, true)
	case billing.EventInvoicePaid:
		err = s.Engine.SetPastDue(ctx, ev.CustomerID, false)
	}
	if portico.KindOf(err) == portico.KindNotFound {
		return nil // a customer Portico does not know: nothing to update
	}
	return err
}
