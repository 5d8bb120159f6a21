package stripebilling

import (
	"context"
	"maps"

	"github.com/stripe/stripe-go/v76"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/billing"
)

// PortalURL implements billing.Provider with a Stripe billing-portal
// session. The subscription flows open on the customer's one live Stripe
// subscription. After a flow, the customer is sent straight back to
// returnURL rather than to the portal's home.
//
// Changes made in Stripe's portal bypass Portico's journey rules; they come
// back as EventSubscriptionUpdated / EventSubscriptionDeleted webhooks, and
// the portal's configuration in Stripe should allow only what the journey
// allows.
func (p *Provider) PortalURL(ctx context.Context, c billing.Customer, flow portico.BillingFlow, returnURL string) (string, error) {
	switch flow {
	case portico.FlowGeneral, portico.FlowPaymentMethodUpdate, portico.FlowSubscriptionCancel, portico.FlowSubscriptionUpdate:
	default:
		return "", portico.Invalid("flow", "must be empty, %q, %q or %q", portico.FlowPaymentMethodUpdate,
			portico.FlowSubscriptionCancel, portico.FlowSubscriptionUpdate)
	}
	cust, err := p.stripeCustomer(ctx, c)
	if err != nil {
		return "", err
	}
	sp := &stripe.BillingPortalSessionParams{Customer: stripe.String(cust)}
	if returnURL != "" {
		sp.ReturnURL = stripe.String(returnURL)
	}
	if flow != portico.FlowGeneral {
		sp.FlowData = &stripe.BillingPortalSessionFlowDataParams{Type: stripe.String(string(flow))}
		if returnURL != "" {
			sp.FlowData.AfterCompletion = &stripe.BillingPortalSessionFlowDataAfterCompletionParams{
				Type:     stripe.String(string(stripe.BillingPortalSessionFlowAfterCompletionTypeRedirect)),
				Redirect: &stripe.BillingPortalSessionFlowDataAfterCompletionRedirectParams{ReturnURL: stripe.String(returnURL)},
			}
		}
	}
	if flow == portico.FlowSubscriptionCancel || flow == portico.FlowSubscriptionUpdate {
		sub, err := p.liveSubscription(ctx, cust)
		if err != nil {
			return "", err
		}
		if flow == portico.FlowSubscriptionCancel {
			sp.FlowData.SubscriptionCancel = &stripe.BillingPortalSessionFlowDataSubscriptionCancelParams{Subscription: stripe.String(sub)}
		} else {
			sp.FlowData.SubscriptionUpdate = &stripe.BillingPortalSessionFlowDataSubscriptionUpdateParams{Subscription: stripe.String(sub)}
		}
	}
	cctx, cancel := p.call(ctx)
	defer cancel()
	sp.Params = params(cctx, "")
	s, err := p.api.BillingPortalSessions.New(sp)
	if err != nil {
		return "", classify(err)
	}
	return s.URL, nil
}

// liveSubscription returns the customer's one Stripe subscription that has
// not ended; Stripe's portal flows act on a single subscription.
func (p *Provider) liveSubscription(ctx context.Context, stripeCustomerID string) (string, error) {
	cctx, cancel := p.call(ctx)
	defer cancel()
	it := p.api.Subscriptions.List(&stripe.SubscriptionListParams{
		ListParams: stripe.ListParams{Context: cctx, Limit: stripe.Int64(2), Single: true},
		Customer:   stripe.String(stripeCustomerID),
	})
	var ids []string
	for it.Next() {
		ids = append(ids, it.Subscription().ID)
	}
	if err := it.Err(); err != nil {
		return "", classify(err)
	}
	switch len(ids) {
	case 0:
		return "", portico.Conflict("the customer has no paid subscription to change")
	case 1:
		return ids[0], nil
	}
	return "", portico.Conflict("the customer has several paid subscriptions; open the billing portal without a flow")
}

// CheckoutURL implements billing.Provider with a Stripe Checkout session in
// subscription mode. The Portico subscription's ID goes into the session's
// and the subscription's metadata, so the completion webhook links the new
// Stripe subscription to it.
func (p *Provider) CheckoutURL(ctx context.Context, c billing.Customer, co billing.Checkout) (string, error) {
	if err := co.Validate(); err != nil {
		return "", err
	}
	cust, err := p.stripeCustomer(ctx, c)
	if err != nil {
		return "", err
	}
	meta := maps.Clone(co.Metadata)
	if meta == nil {
		meta = map[string]string{}
	}
	meta[MetaCustomerID] = c.ID
	meta[MetaSubscriptionID] = co.SubscriptionID
	sp := &stripe.CheckoutSessionParams{
		Mode:              stripe.String(string(stripe.CheckoutSessionModeSubscription)),
		Customer:          stripe.String(cust),
		ClientReferenceID: stripe.String(c.ID),
		SuccessURL:        stripe.String(co.SuccessURL),
		CancelURL:         stripe.String(co.CancelURL),
		Metadata:          meta,
		SubscriptionData: &stripe.CheckoutSessionSubscriptionDataParams{Metadata: map[string]string{
			MetaCustomerID: c.ID, MetaSubscriptionID: co.SubscriptionID}},
	}
	for _, it := range co.Items {
		sp.LineItems = append(sp.LineItems, &stripe.CheckoutSessionLineItemParams{
			Price: stripe.String(it.PriceID), Quantity: it.QuantityParam()})
	}
	if !co.TrialEnd.IsZero() {
		sp.SubscriptionData.TrialEnd = stripe.Int64(co.TrialEnd.Unix())
	}
	key := ""
	if co.Key != "" {
		key = idempotencyKey(co.Key, "checkout")
	}
	cctx, cancel := p.call(ctx)
	defer cancel()
	sp.Params = params(cctx, key)
	s, err := p.api.CheckoutSessions.New(sp)
	if err != nil {
		return "", classify(err)
	}
	return s.URL, nil
}

// SetupURL implements billing.Provider with a Stripe Checkout session in
// setup mode: the customer enters a payment method and is charged nothing.
// Its completion webhook makes that payment method the Stripe customer's
// default (see Webhooks), which is what Stripe bills a trial with at its end
// and what Details shows.
func (p *Provider) SetupURL(ctx context.Context, c billing.Customer, s billing.Setup) (string, error) {
	if err := s.Validate(); err != nil {
		return "", err
	}
	cust, err := p.stripeCustomer(ctx, c)
	if err != nil {
		return "", err
	}
	cctx, cancel := p.call(ctx)
	defer cancel()
	cs, err := p.api.CheckoutSessions.New(&stripe.CheckoutSessionParams{
		Params:            params(cctx, ""),
		Mode:              stripe.String(string(stripe.CheckoutSessionModeSetup)),
		Customer:          stripe.String(cust),
		Currency:          stripe.String(s.Currency),
		ClientReferenceID: stripe.String(c.ID),
		SuccessURL:        stripe.String(s.SuccessURL),
		CancelURL:         stripe.String(s.CancelURL),
		Metadata:          map[string]string{MetaCustomerID: c.ID},
	})
	if err != nil {
		return "", classify(err)
	}
	return cs.URL, nil
}
