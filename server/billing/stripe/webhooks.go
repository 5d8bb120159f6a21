package stripebilling

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"time"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/webhook"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/billing"
)

// MaxWebhookBody is the largest webhook body read; Stripe's events are far
// smaller.
const MaxWebhookBody = 1 << 20

// Webhooks returns the handler of Stripe's webhook endpoint (served at
// /webhooks/stripe). It verifies each event's signature with the endpoint
// secret, within 300 s of its timestamp, and refuses events of an API
// version other than stripe-go's (2023-10-16), whose objects would decode
// wrongly. Events Portico acts on are translated into billing.Events, the
// customer's cached details and invoices are dropped, and onEvent runs once
// per event ID: a redelivery is acknowledged without running it again.
// Other events are acknowledged and ignored.
//
// A completed checkout's event names the Stripe subscription it created
// (ProviderSubscriptionID); onEvent records it with the change it applies
// (billing.Sync.Adopt), nothing is linked before; the end of the Stripe
// subscription it replaced (see SyncSubscription) is ignored rather than
// taken for the Portico subscription's its metadata names. A completed setup
// checkout (SetupURL) makes the payment method it collected the Stripe
// customer's default before the customer's cache is dropped, and is handed
// on as EventBillingUpdated.
//
// A signed event whose object does not decode as its type's is refused
// with a 400, like a badly signed one. An onEvent error answers 500 and forgets the event, so that Stripe's
// next delivery runs it again. Stripe waits for the answer, so onEvent
// should be quick.
func (p *Provider) Webhooks(onEvent billing.EventHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "webhooks are POSTed", http.StatusMethodNotAllowed)
			return
		}
		if p.webhookSecret == "" {
			p.log.Error("stripe webhook received but no webhook secret is configured")
			http.Error(w, "webhooks are not configured", http.StatusServiceUnavailable)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxWebhookBody))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				http.Error(w, "body over 1 MiB", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "unreadable body", http.StatusBadRequest)
			return
		}
		ev, err := webhook.ConstructEvent(body, r.Header.Get("Stripe-Signature"), p.webhookSecret)
		if err != nil {
			p.log.Warn("stripe webhook refused", "err", err, "remote", r.RemoteAddr)
			http.Error(w, refusal(err), http.StatusBadRequest)
			return
		}
		status, msg := p.handle(r.Context(), ev, onEvent)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		io.WriteString(w, msg+"\n")
	})
}

// refusal says why an event was refused, without echoing its content.
func refusal(err error) string {
	switch {
	case errors.Is(err, webhook.ErrNotSigned):
		return "missing Stripe-Signature header"
	case errors.Is(err, webhook.ErrInvalidHeader):
		return "malformed Stripe-Signature header"
	case errors.Is(err, webhook.ErrNoValidSignature):
		return "signature does not match"
	case errors.Is(err, webhook.ErrTooOld):
		return "timestamp outside the tolerance"
	}
	return "event refused: " + err.Error() // the API version mismatch, or unparsable JSON
}

func (p *Provider) handle(ctx context.Context, ev stripe.Event, onEvent billing.EventHandler) (int, string) {
	out, err := p.translate(ctx, ev)
	var bad *undecodable
	switch {
	case errors.As(err, &bad):
		// Signed, but its object is not what its type says: delivering it
		// again cannot help.
		p.log.Warn("stripe webhook refused", "event", ev.ID, "type", ev.Type, "err", err)
		return http.StatusBadRequest, "event refused: its data.object does not decode as its type says"
	case err != nil:
		p.log.Error("stripe webhook: translating the event", "event", ev.ID, "type", ev.Type, "err", err)
		return http.StatusInternalServerError, "try again"
	}
	if out == nil {
		return http.StatusOK, "ignored"
	}
	isNew, err := p.store.RecordEvent(ctx, ev.ID)
	if err != nil {
		p.log.Error("stripe webhook: recording the event", "event", ev.ID, "err", err)
		return http.StatusInternalServerError, "try again"
	}
	if !isNew {
		return http.StatusOK, "already received"
	}
	fail := func(what string, err error) (int, string) {
		p.log.Error("stripe webhook: "+what, "event", ev.ID, "type", ev.Type, "customer", out.CustomerID, "err", err)
		// The event was not handled: let Stripe's retry run it again. The
		// request may be over, but forgetting must still happen.
		if ferr := p.store.ForgetEvent(context.WithoutCancel(ctx), ev.ID); ferr != nil {
			p.log.Error("stripe webhook: forgetting the event", "event", ev.ID, "err", ferr)
		}
		return http.StatusInternalServerError, "try again"
	}
	if err := p.makeSetupDefault(ctx, ev); err != nil {
		if k := portico.KindOf(err); k != portico.KindInvalid && k != portico.KindConflict {
			return fail("making the new payment method the customer's default", err)
		}
		// Stripe refused (the payment method was detached meanwhile, say):
		// delivering the event again would meet the same refusal.
		p.log.Warn("stripe webhook: the new payment method could not be made the customer's default",
			"event", ev.ID, "customer", out.CustomerID, "err", err)
	}
	p.cache.drop(out.CustomerID)
	if err := onEvent(ctx, *out); err != nil {
		return fail("handling the event", err)
	}
	return http.StatusOK, "ok"
}

// translate turns a Stripe event into a billing.Event, or nil for events
// Portico does not act on (other types, other modes, customers Portico does
// not know). A checkout's subscription is not linked here but by the
// event's handler, in the transaction that applies the change (the link
// refers to a Portico subscription the change may create).
func (p *Provider) translate(ctx context.Context, ev stripe.Event) (out *billing.Event, err error) {
	if ev.Data == nil {
		return nil, nil
	}
	base := billing.Event{ID: ev.ID, Created: time.Unix(ev.Created, 0).UTC()}
	decode := func(v any) error {
		if err := json.Unmarshal(ev.Data.Raw, v); err != nil {
			return &undecodable{fmt.Errorf("decoding %s: %w", ev.Type, err)}
		}
		return nil
	}
	switch ev.Type {
	case "checkout.session.completed":
		var s stripe.CheckoutSession
		if err := decode(&s); err != nil {
			return nil, err
		}
		return p.checkoutCompleted(ctx, base, &s)
	case "customer.subscription.updated", "customer.subscription.deleted":
		var sub stripe.Subscription
		if err := decode(&sub); err != nil {
			return nil, err
		}
		if base.CustomerID, err = p.customerOf(ctx, idOf(sub.Customer), sub.Metadata[MetaCustomerID]); err != nil || base.CustomerID == "" {
			return nil, err
		}
		base.Type = billing.EventSubscriptionUpdated
		if ev.Type == "customer.subscription.deleted" {
			base.Type = billing.EventSubscriptionDeleted
		}
		if base.SubscriptionID, err = p.subscriptionOf(ctx, sub.ID, sub.Metadata[MetaSubscriptionID]); err != nil {
			return nil, err
		}
		if base.Type == billing.EventSubscriptionDeleted {
			replaced, err := p.replaced(ctx, sub.ID, base.SubscriptionID)
			if err != nil {
				return nil, err
			}
			if replaced {
				p.log.Info("stripe webhook: ignoring the end of a replaced subscription", "event", ev.ID,
					"subscription", base.SubscriptionID, "replaced", sub.ID)
				return nil, nil
			}
		}
		base.ProviderSubscriptionID = sub.ID
		base.Status = string(sub.Status)
		base.CancelAtPeriodEnd = sub.CancelAtPeriodEnd
		if sub.CurrentPeriodEnd != 0 {
			base.CurrentPeriodEnd = time.Unix(sub.CurrentPeriodEnd, 0).UTC()
		}
		for _, si := range subItems(&sub) {
			base.Items = append(base.Items, billing.Item{PriceID: si.Price.ID, Quantity: si.Quantity, Metered: metered(si)})
		}
	case "invoice.paid", "invoice.payment_failed":
		var inv stripe.Invoice
		if err := decode(&inv); err != nil {
			return nil, err
		}
		if base.CustomerID, err = p.customerOf(ctx, idOf(inv.Customer), ""); err != nil || base.CustomerID == "" {
			return nil, err
		}
		base.Type = billing.EventInvoicePaid
		if ev.Type == "invoice.payment_failed" {
			base.Type = billing.EventInvoicePaymentFailed
		}
		fallback := ""
		if inv.SubscriptionDetails != nil {
			fallback = inv.SubscriptionDetails.Metadata[MetaSubscriptionID]
		}
		if inv.Subscription != nil {
			base.ProviderSubscriptionID = inv.Subscription.ID
			if base.SubscriptionID, err = p.subscriptionOf(ctx, inv.Subscription.ID, fallback); err != nil {
				return nil, err
			}
		}
		view := invoice(&inv)
		base.Invoice = &view
		base.Status = view.Status
	case "payment_method.attached":
		var pm stripe.PaymentMethod
		if err := decode(&pm); err != nil {
			return nil, err
		}
		if base.CustomerID, err = p.customerOf(ctx, idOf(pm.Customer), ""); err != nil || base.CustomerID == "" {
			return nil, err
		}
		base.Type = billing.EventBillingUpdated
	case "customer.updated":
		var c stripe.Customer
		if err := decode(&c); err != nil {
			return nil, err
		}
		if base.CustomerID, err = p.customerOf(ctx, c.ID, c.Metadata[MetaCustomerID]); err != nil || base.CustomerID == "" {
			return nil, err
		}
		base.Type = billing.EventBillingUpdated
	default:
		return nil, nil
	}
	return &base, nil
}

// checkoutCompleted translates a completed checkout that Portico started:
// a subscription checkout, whose change the handler applies, or a setup
// checkout, which added a payment method (made the customer's default in
// handle, see makeSetupDefault) and so changed what the portal shows.
// Payment-mode checkouts are not Portico's.
func (p *Provider) checkoutCompleted(ctx context.Context, base billing.Event, s *stripe.CheckoutSession) (*billing.Event, error) {
	if s.Mode != stripe.CheckoutSessionModeSubscription && s.Mode != stripe.CheckoutSessionModeSetup {
		return nil, nil
	}
	fallback := s.Metadata[MetaCustomerID]
	if fallback == "" {
		fallback = s.ClientReferenceID
	}
	var err error
	if base.CustomerID, err = p.customerOf(ctx, idOf(s.Customer), fallback); err != nil || base.CustomerID == "" {
		return nil, err
	}
	if s.Mode == stripe.CheckoutSessionModeSetup {
		base.Type = billing.EventBillingUpdated
		return &base, nil
	}
	base.Type = billing.EventCheckoutCompleted
	base.SubscriptionID = s.Metadata[MetaSubscriptionID]
	base.Status = string(s.PaymentStatus)
	base.Metadata = maps.Clone(s.Metadata)
	delete(base.Metadata, MetaCustomerID)
	delete(base.Metadata, MetaSubscriptionID)
	if s.Subscription != nil {
		base.ProviderSubscriptionID = s.Subscription.ID
	}
	return &base, nil
}

// makeSetupDefault makes the payment method that a completed setup
// checkout collected the Stripe customer's default. Stripe attaches it to
// the customer but leaves the default as it was, so without this a trial
// would still end unpaid and the portal would not show the card. Other
// events need nothing of Stripe.
func (p *Provider) makeSetupDefault(ctx context.Context, ev stripe.Event) error {
	if ev.Type != "checkout.session.completed" {
		return nil
	}
	var s stripe.CheckoutSession
	if err := json.Unmarshal(ev.Data.Raw, &s); err != nil {
		return &undecodable{err}
	}
	if s.Mode != stripe.CheckoutSessionModeSetup || s.SetupIntent == nil || s.Customer == nil {
		return nil
	}
	pm, err := p.setupPaymentMethod(ctx, s.SetupIntent.ID)
	if err != nil || pm == "" {
		return err
	}
	return p.setDefaultPaymentMethod(ctx, s.Customer.ID, pm, idempotencyKey(ev.ID, "default-payment-method"))
}

func (p *Provider) setDefaultPaymentMethod(ctx context.Context, stripeCustomerID, paymentMethodID, key string) error {
	cctx, cancel := p.call(ctx)
	defer cancel()
	_, err := p.api.Customers.Update(stripeCustomerID, &stripe.CustomerParams{
		Params:          params(cctx, key),
		InvoiceSettings: &stripe.CustomerInvoiceSettingsParams{DefaultPaymentMethod: stripe.String(paymentMethodID)},
	})
	return classify(err)
}

// setupPaymentMethod is the payment method a SetupIntent collected, "" when
// it has none (the customer has not finished).
func (p *Provider) setupPaymentMethod(ctx context.Context, setupIntentID string) (string, error) {
	cctx, cancel := p.call(ctx)
	defer cancel()
	si, err := p.api.SetupIntents.Get(setupIntentID, &stripe.SetupIntentParams{Params: params(cctx, "")})
	if err != nil {
		return "", classify(err)
	}
	if si.PaymentMethod == nil {
		return "", nil
	}
	return si.PaymentMethod.ID, nil
}

// customerOf finds the Portico customer of a Stripe customer: through the
// link Portico stored, else the metadata Portico wrote on the object.
func (p *Provider) customerOf(ctx context.Context, stripeCustomerID, fallback string) (string, error) {
	if stripeCustomerID != "" {
		id, err := p.store.CustomerOf(ctx, stripeCustomerID)
		if err == nil {
			return id, nil
		}
		if !errors.Is(err, portico.ErrNotFound) {
			return "", err
		}
	}
	return fallback, nil
}

// subscriptionOf finds the Portico subscription of a Stripe subscription,
// the same way.
func (p *Provider) subscriptionOf(ctx context.Context, stripeSubscriptionID, fallback string) (string, error) {
	if stripeSubscriptionID != "" {
		id, err := p.store.SubscriptionOf(ctx, stripeSubscriptionID)
		if err == nil {
			return id, nil
		}
		if !errors.Is(err, portico.ErrNotFound) {
			return "", err
		}
	}
	return fallback, nil
}

// replaced reports whether a Stripe subscription was replaced for the
// Portico subscription its metadata names: it is not linked, and that
// Portico subscription is linked to another one (a checkout's, adopted in
// place of a trial's). Its end is not that Portico subscription's. A
// Portico subscription linked to none still takes an unlinked Stripe
// subscription's metadata at its word (a link lost to a restore).
func (p *Provider) replaced(ctx context.Context, stripeSubscriptionID, subscriptionID string) (bool, error) {
	if subscriptionID == "" {
		return false, nil
	}
	linked, err := p.store.ProviderSubscription(ctx, subscriptionID)
	if errors.Is(err, portico.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return linked != stripeSubscriptionID, nil
}

// undecodable is an event whose object does not decode as its type's.
type undecodable struct{ err error }

func (u *undecodable) Error() string { return u.err.Error() }
func (u *undecodable) Unwrap() error { return u.err }

func idOf(c *stripe.Customer) string {
	if c == nil {
		return ""
	}
	return c.ID
}
