package server

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/billing"
	"github.com/portico-dev/portico/server/engine"
	"github.com/portico-dev/portico/server/session"
)

// defaultBillingDeadline bounds how long the portal waits for the billing
// provider: past it the portal answers with everything else and marks the
// billing part unavailable, with a retry.
const defaultBillingDeadline = 3 * time.Second

// portalInvoices is how many invoices the portal view carries.
const portalInvoices = 50

// ConnectBilling makes p the server's billing provider: the portal shows
// its payment details and invoices, and the engine mirrors each change to
// it and asks it whether a trial ending converts.
func (s *Server) ConnectBilling(p billing.Provider) {
	s.Billing = p
	s.Engine.SyncBilling = syncWith(p)
	s.Engine.PaymentMethods = hasPaymentMethod(p)
	if r := reporterFor(s.Store, p, s.Log); r != nil {
		r.Metrics = s.Metrics
		s.Reporter = r
		s.Engine.QueueBilling = r.Outbox.Enqueue
	}
}

// reporterFor is the reporter of the store's outbox to the provider (the
// one a guard wraps: reports are sent outside any transaction, so a
// provider that is down holds up nothing), or nil when either lacks its
// part.
func reporterFor(store portico.Store, p billing.Provider, log *slog.Logger) *billing.Reporter {
	outbox, ok := store.(billing.Outbox)
	if !ok {
		return nil
	}
	if g, ok := p.(interface{ Unwrap() billing.Provider }); ok {
		p = g.Unwrap()
	}
	sender, ok := p.(billing.ReportSender)
	if !ok {
		return nil
	}
	return billing.NewReporter(outbox, sender, log)
}

// syncWith mirrors the engine's changes to the billing provider.
func syncWith(p billing.Provider) func(context.Context, *portico.Customer, billing.Sync) error {
	return func(ctx context.Context, c *portico.Customer, s billing.Sync) error {
		return p.SyncSubscription(ctx, billing.Customer{ID: c.ID, Name: c.Name, Email: c.Email}, s)
	}
}

// hasPaymentMethod asks the billing provider whether a trial ending now
// converts. The provider decides a trial's outcome, so when it cannot be
// asked the trial converts here, and a subscription the provider ends
// instead comes back as a webhook.
func hasPaymentMethod(p billing.Provider) func(portico.Tx, string) bool {
	return func(tx portico.Tx, customerID string) bool {
		v, err := p.Details(tx.Context(), billing.Customer{ID: customerID})
		return err != nil || v.PaymentMethod != nil
	}
}

// portalView is the portal for a session: the engine's view, with payment
// details and invoices from the billing provider when one is connected.
func (s *Server) portalView(ctx context.Context, sess *session.Session, locale string) (*portico.PortalView, error) {
	scope := sess.Scope
	scope.Locale = locale
	v, err := s.Engine.Portal(ctx, scope)
	if err != nil {
		return nil, err
	}
	v.ReturnURL, v.Business = sess.ReturnURL, s.businessFor(sess)
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
	if v.Invoices, err = s.Engine.InvoicesInScope(ctx, sess.Scope, invoices); err != nil {
		return nil, err
	}
	return v, nil
}

// billingURL opens the billing provider's portal for the session's
// customer: payment method, billing details or invoice history; or its
// page for adding a payment method.
func (s *Server) billingURL(ctx context.Context, sess *session.Session, flow portico.BillingFlow) (string, error) {
	if s.Billing == nil {
		return "", portico.Conflict("no billing provider is connected: billing details are kept by Portico and changed through the backend API")
	}
	if err := flowInScope(sess.Scope, flow); err != nil {
		return "", err
	}
	cv, err := s.Engine.Customer(ctx, sess.Scope.CustomerID)
	if err != nil {
		return "", err
	}
	c := billing.Customer{ID: cv.ID, Name: cv.Name, Email: cv.Email}
	if flow == portico.FlowPaymentMethodSetup {
		return s.paymentMethodSetupURL(ctx, sess, c)
	}
	returnURL := sess.ReturnURL
	if returnURL == "" {
		returnURL = s.PublicURL
	}
	return s.Billing.PortalURL(ctx, c, flow, returnURL)
}

// paymentMethodSetupURL opens the billing provider's page for adding a
// payment method, in the currency of what the session's customer pays for
// (a trial first), leading back to the portal page.
func (s *Server) paymentMethodSetupURL(ctx context.Context, sess *session.Session, c billing.Customer) (string, error) {
	currency, err := s.Engine.PaymentCurrency(ctx, sess.Scope)
	if err != nil {
		return "", err
	}
	back := s.backToPortal(sess)
	return s.Billing.SetupURL(ctx, c, billing.Setup{Currency: currency, SuccessURL: back + "&setup=done", CancelURL: back})
}

// backToPortal is the portal page the billing provider's hosted pages lead
// back to, with a session of its own: the one in use may have expired by
// the time the customer is done there.
func (s *Server) backToPortal(sess *session.Session) string {
	return s.mintSession(session.Session{Scope: sess.Scope, ReturnURL: sess.ReturnURL, SupportURL: sess.SupportURL, Locale: sess.Locale}, time.Hour).URL
}

// flowInScope refuses a scoped session the provider's subscription flows:
// they open on the customer's one subscription at the provider, whatever
// its product or resource, so they could change one outside the scope.
// Payment details, adding a payment method and the provider's home are the
// customer's as a whole and stay open to every session.
func flowInScope(scope portico.PortalScope, flow portico.BillingFlow) error {
	if flow != portico.FlowSubscriptionCancel && flow != portico.FlowSubscriptionUpdate {
		return nil
	}
	switch {
	case scope.ProductID != "":
		return portico.ForbiddenField("flow", "this portal session is limited to product %q; the billing provider's %s flow acts on the customer's whole account: change subscriptions in the portal", scope.ProductID, flow)
	case scope.ResourceID != "":
		return portico.ForbiddenField("flow", "this portal session is limited to resource %q; the billing provider's %s flow acts on the customer's whole account: change subscriptions in the portal", scope.ResourceID, flow)
	}
	return nil
}

// Webhooks is the billing provider's webhook endpoint, when it has one.
type Webhooks interface {
	Webhooks(onEvent billing.EventHandler) http.Handler
}

// webhooksOf finds the webhooks of a provider, looking through wrappers
// such as billing.Guard.
func webhooksOf(p billing.Provider) (Webhooks, bool) {
	for p != nil {
		if wh, ok := p.(Webhooks); ok {
			return wh, true
		}
		u, ok := p.(interface{ Unwrap() billing.Provider })
		if !ok {
			break
		}
		p = u.Unwrap()
	}
	return nil, false
}

// onBillingEvent applies what a billing provider's webhook tells: a paid
// checkout applies its change, a subscription the provider ended ends here,
// a failed payment puts the customer past due until an invoice is paid.
// None of it is mirrored back. (The provider has already dropped what it
// cached for the customer.)
func (s *Server) onBillingEvent(ctx context.Context, ev billing.Event) error {
	s.Log.InfoContext(ctx, "billing event", "type", ev.Type, "customer", ev.CustomerID, "event", ev.ID)
	if ev.CustomerID == "" {
		return nil
	}
	var err error
	switch ev.Type {
	case billing.EventCheckoutCompleted:
		err = s.completeCheckout(ctx, ev)
	case billing.EventSubscriptionDeleted:
		if ev.SubscriptionID != "" {
			err = s.Engine.EndSubscription(ctx, ev.CustomerID, ev.SubscriptionID)
		}
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

// Metadata keys a checkout carries back to Portico on its completion.
const (
	metaPlan   = "portico_plan_id"
	metaPeriod = "portico_billing_period"
	metaAddons = "portico_addons"
)

// checkout sends the customer to the billing provider's checkout when a
// change from a free plan or a trial has something due now and the
// customer has no payment method there. It returns nil when the change can
// apply at once.
func (s *Server) checkout(ctx context.Context, sess *session.Session, req portico.ChangeRequest) (*portico.ChangeResult, error) {
	if s.Billing == nil {
		return nil, nil
	}
	plan, err := s.Engine.PlanCheckout(ctx, sess.Scope.CustomerID, req, engine.PortalActor(sess.Scope))
	if err != nil || plan == nil {
		return nil, err
	}
	cv, err := s.Engine.Customer(ctx, sess.Scope.CustomerID)
	if err != nil {
		return nil, err
	}
	c := billing.Customer{ID: cv.ID, Name: cv.Name, Email: cv.Email}
	details, err := s.Billing.Details(ctx, c)
	if err != nil || details.PaymentMethod != nil {
		return nil, err // with a card on file the change charges it
	}
	back := s.backToPortal(sess)
	var addons []string
	for _, a := range req.Addons {
		addons = append(addons, a.ID+":"+strconv.Itoa(a.Quantity))
	}
	u, err := s.Billing.CheckoutURL(ctx, c, billing.Checkout{
		SubscriptionID: plan.Subscription.ID, Items: plan.Items, SuccessURL: back + "&checkout=done", CancelURL: back,
		Metadata: map[string]string{metaPlan: req.PlanID, metaPeriod: string(plan.BillingPeriod), metaAddons: strings.Join(addons, ",")},
	})
	if err != nil {
		return nil, err
	}
	return &portico.ChangeResult{Subscription: plan.Subscription, Preview: plan.Preview, CheckoutURL: u}, nil
}

// completeCheckout applies the change a completed checkout paid for and
// links the provider's subscription the checkout created to it, in one
// transaction.
func (s *Server) completeCheckout(ctx context.Context, ev billing.Event) error {
	if ev.Status != "paid" && ev.Status != "no_payment_required" {
		return nil
	}
	req := portico.ChangeRequest{SubscriptionID: ev.SubscriptionID, PlanID: ev.Metadata[metaPlan], BillingPeriod: portico.BillingPeriod(ev.Metadata[metaPeriod])}
	for _, a := range strings.Split(ev.Metadata[metaAddons], ",") {
		id, qty, ok := strings.Cut(a, ":")
		if n, err := strconv.Atoi(qty); ok && err == nil {
			req.Addons = append(req.Addons, portico.AddonQuantity{ID: id, Quantity: n})
		}
	}
	if req.PlanID == "" || req.SubscriptionID == "" {
		return nil // not a checkout Portico started
	}
	_, err := s.Engine.CompleteCheckout(ctx, ev.CustomerID, engine.PaidCheckout{Change: req, ProviderSubscriptionID: ev.ProviderSubscriptionID})
	switch portico.KindOf(err) {
	case portico.KindConflict, portico.KindInvalid, portico.KindForbidden:
		// Stripe would deliver it again and again to the same answer.
		s.Log.WarnContext(ctx, "checkout completed but the change no longer applies", "customer", ev.CustomerID, "err", err)
		return nil
	}
	return err
}
