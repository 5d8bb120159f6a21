package stripebilling

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/stripe/stripe-go/v76"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/billing"
)

const detailsKey = "details"

// Details implements billing.Provider: the Stripe customer's name, e-mail,
// address and default payment method. A customer with no Stripe customer
// yet shows Portico's name and e-mail and no payment method; viewing does
// not create a Stripe customer.
func (p *Provider) Details(ctx context.Context, c billing.Customer) (portico.BillingView, error) {
	if v, ok := p.cache.get(c.ID, detailsKey); ok {
		return v.(portico.BillingView), nil
	}
	view := portico.BillingView{Connected: true, Provider: p.Name(), Name: c.Name, Email: c.Email}
	id, err := p.linkedCustomer(ctx, c.ID)
	if err != nil {
		return portico.BillingView{}, err
	}
	if id == "" {
		return view, nil
	}
	// One bound for both reads: the portal waits for them together.
	cctx, cancel := p.call(ctx)
	defer cancel()
	cp := &stripe.CustomerParams{Params: params(cctx, "")}
	cp.AddExpand("invoice_settings.default_payment_method")
	cust, err := p.api.Customers.Get(id, cp)
	if err != nil {
		return portico.BillingView{}, classify(err)
	}
	if cust.Deleted {
		// Deleted in Stripe's dashboard: nothing to show; a Stripe customer
		// is created again on the next need.
		p.log.Warn("stripe customer was deleted", "customer", c.ID, "stripeCustomer", id)
		return view, nil
	}
	if cust.Name != "" {
		view.Name = cust.Name
	}
	if cust.Email != "" {
		view.Email = cust.Email
	}
	view.Address = address(cust.Address)
	var pm *stripe.PaymentMethod
	if cust.InvoiceSettings != nil {
		pm = cust.InvoiceSettings.DefaultPaymentMethod
	}
	if pm == nil {
		// A card entered in Checkout becomes the subscription's default,
		// not the customer's: fall back to the customer's newest card.
		if pm, err = p.firstCard(cctx, id); err != nil {
			return portico.BillingView{}, err
		}
	}
	view.PaymentMethod = paymentMethod(pm)
	p.cache.put(c.ID, detailsKey, view)
	return view, nil
}

func (p *Provider) firstCard(ctx context.Context, stripeCustomerID string) (*stripe.PaymentMethod, error) {
	it := p.api.Customers.ListPaymentMethods(&stripe.CustomerListPaymentMethodsParams{
		ListParams: stripe.ListParams{Context: ctx, Limit: stripe.Int64(1), Single: true},
		Customer:   stripe.String(stripeCustomerID),
		Type:       stripe.String(string(stripe.PaymentMethodTypeCard)),
	})
	if it.Next() {
		return it.PaymentMethod(), nil
	}
	return nil, classify(it.Err())
}

// linkedCustomer returns the Stripe customer linked to a Portico customer,
// or "" when there is none yet.
func (p *Provider) linkedCustomer(ctx context.Context, customerID string) (string, error) {
	id, err := p.store.ProviderCustomer(ctx, customerID)
	if errors.Is(err, portico.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("stripebilling: reading the customer link of %q: %w", customerID, err)
	}
	return id, nil
}

// stripeCustomer returns the Stripe customer of c, creating and linking it
// on first need. Concurrent first needs create one customer; and the
// creation is keyed by the customer's ID and details, so a retry after the
// link failed to be written gets the same Stripe customer back.
func (p *Provider) stripeCustomer(ctx context.Context, c billing.Customer) (string, error) {
	if id, err := p.linkedCustomer(ctx, c.ID); err != nil || id != "" {
		return id, err
	}
	return p.customers.do(ctx, c.ID, func() (string, error) {
		if id, err := p.linkedCustomer(ctx, c.ID); err != nil || id != "" {
			return id, err
		}
		cctx, cancel := p.call(ctx)
		defer cancel()
		cp := &stripe.CustomerParams{Params: params(cctx, customerKey(c)),
			Metadata: map[string]string{MetaCustomerID: c.ID}}
		if c.Name != "" {
			cp.Name = stripe.String(c.Name)
		}
		if c.Email != "" {
			cp.Email = stripe.String(c.Email)
		}
		cust, err := p.api.Customers.New(cp)
		if err != nil {
			return "", classify(err)
		}
		if err := p.store.LinkCustomer(ctx, c.ID, cust.ID); err != nil {
			return "", fmt.Errorf("stripebilling: linking customer %q to %s: %w", c.ID, cust.ID, err)
		}
		return cust.ID, nil
	})
}

// customerKey is the idempotency key of creating c's Stripe customer. The
// details are part of it because Stripe refuses a key reused with other
// parameters.
func customerKey(c billing.Customer) string {
	sum := sha256.Sum256([]byte(c.Name + "\x00" + c.Email))
	return "portico-customer-" + c.ID + "-" + hex.EncodeToString(sum[:8])
}

func address(a *stripe.Address) *portico.Address {
	if a == nil || *a == (stripe.Address{}) {
		return nil
	}
	return &portico.Address{Line1: a.Line1, Line2: a.Line2, City: a.City, State: a.State,
		PostalCode: a.PostalCode, Country: a.Country}
}

// paymentMethod summarises a payment method as the portal shows it: cards by
// brand, bank debits by their type, each with its last four digits.
func paymentMethod(pm *stripe.PaymentMethod) *portico.PaymentMethod {
	if pm == nil {
		return nil
	}
	switch {
	case pm.Card != nil:
		return &portico.PaymentMethod{Brand: string(pm.Card.Brand), Last4: pm.Card.Last4,
			ExpMonth: int(pm.Card.ExpMonth), ExpYear: int(pm.Card.ExpYear)}
	case pm.SEPADebit != nil:
		return &portico.PaymentMethod{Brand: string(pm.Type), Last4: pm.SEPADebit.Last4}
	case pm.USBankAccount != nil:
		return &portico.PaymentMethod{Brand: string(pm.Type), Last4: pm.USBankAccount.Last4}
	case pm.BACSDebit != nil:
		return &portico.PaymentMethod{Brand: string(pm.Type), Last4: pm.BACSDebit.Last4}
	case pm.AUBECSDebit != nil:
		return &portico.PaymentMethod{Brand: string(pm.Type), Last4: pm.AUBECSDebit.Last4}
	case pm.Type != "":
		return &portico.PaymentMethod{Brand: string(pm.Type)}
	}
	return nil
}
