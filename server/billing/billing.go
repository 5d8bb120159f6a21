// Package billing is the seam between Portico and a billing provider such as
// Stripe. It speaks Portico's terms (customers, subscriptions, invoices) so
// the server and the engine never see a provider's types, and it names what a
// provider needs Portico to keep for it (Store).
//
// Portico stays the source of truth for plans, journeys and entitlements; a
// provider collects money: it shows payment details and invoices, hosts its
// own portal and checkout pages, and mirrors each Portico subscription change
// onto its own subscriptions.
package billing

import (
	"context"
	"fmt"
	"strings"
	"time"

	portico "github.com/portico-dev/portico"
)

// Customer is a Portico customer as a billing provider needs it: the ID is
// the link, name and e-mail seed the provider's customer on first need.
type Customer struct {
	ID    string
	Name  string
	Email string
}

// Item is one paid line of a subscription: a plan's, an add-on's or a
// charge's price at the provider (the catalog carries the provider's price
// IDs) and how many: 1 for a plan, the add-on's quantity, a per-unit or
// tiered charge's committed quantity. A usage charge's item is Metered: it
// has no quantity, its usage is reported (Report) and billed in arrears.
type Item struct {
	PriceID  string
	Quantity int64
	Metered  bool
}

// QuantityParam is the quantity to send the provider for the item: none
// for a metered one.
func (it Item) QuantityParam() *int64 {
	if it.Metered {
		return nil
	}
	q := it.Quantity
	return &q
}

// Setup is a hosted page where a customer adds a payment method without
// paying anything. Once the provider reports it done, the payment method
// is the customer's default: what a trial bills at its end.
type Setup struct {
	// Currency is what the payment method will pay in (lower-case ISO
	// 4217): the provider offers the methods that can.
	Currency string
	// SuccessURL and CancelURL are where the customer lands afterwards.
	SuccessURL string
	CancelURL  string
}

// Checkout is a hosted payment page that starts a paid subscription for a
// customer who has no payment method yet (a free or trialing customer moving
// to a paid plan).
type Checkout struct {
	// SubscriptionID is the Portico subscription being paid for: the free or
	// trialing one being upgraded. When the checkout completes, the
	// provider's subscription it created is linked to it (or to the plan
	// started anew, if it has ended by then), so later syncs change that
	// subscription instead of starting a second one (which would bill the
	// customer twice).
	SubscriptionID string
	// Items are the paid lines to subscribe to.
	Items []Item
	// SuccessURL and CancelURL are where the customer lands afterwards.
	SuccessURL string
	CancelURL  string
	// TrialEnd, when set, keeps an ongoing trial: nothing is charged before it.
	TrialEnd time.Time
	// Metadata travels with the checkout and comes back on its completion
	// event, e.g. the plan and billing period chosen.
	Metadata map[string]string
	// Key, when set, makes creating the page idempotent (a double click
	// yields one page).
	Key string
}

// Sync is a Portico subscription change to mirror at the provider.
//
// The provider compares the change with what it holds and sends only what
// differs, so a Sync that was already applied is a no-op; and every request
// it does send is keyed from Key, so a retry after a timeout (when it is not
// known whether the provider applied the change) never applies it twice.
type Sync struct {
	// Key identifies this change in Portico, e.g. the Idempotency-Key of the
	// API call that made it, or the subscription ID with the change's time.
	// Required; a different change needs a different key.
	Key string
	// SubscriptionID is Portico's subscription ID.
	SubscriptionID string
	// Items are the subscription's paid lines after the change. None (a move
	// to a free plan) ends the provider's subscription, with Timing.
	Items []Item
	// Timing is portico.Immediate (applied now and prorated: an upgrade is
	// charged now, a downgrade credited) or portico.EndOfPeriod (scheduled at
	// the end of the current period). Empty means immediate. A new
	// subscription always starts now.
	Timing portico.Timing
	// Cancel ends the subscription instead of changing it, now (credit for
	// unused time) or at the period's end, per Timing.
	Cancel bool
	// Unschedule drops whatever was scheduled for the period's end (a change
	// or a cancellation); Items, Timing and Cancel are ignored.
	Unschedule bool
	// TrialEnd, when set on a subscription's first sync, starts it trialing
	// until then with nothing charged.
	TrialEnd time.Time
	// Adopt names a subscription the provider made itself for this one (a
	// completed checkout): it is recorded as the one mirroring it, in place
	// of any earlier, which the provider ends (a failure to end it is
	// logged, not returned: the customer has paid for the adopted one).
	// Items, Timing, Cancel, Unschedule and TrialEnd are ignored.
	Adopt string
}

// Provider is a billing provider as Portico uses it. Every method honours
// ctx and bounds each call to the provider; a provider that is down or slow
// yields a portico.Error of KindUnavailable, a refusal (card declined,
// request rejected) KindConflict or KindInvalid with the provider's reason.
type Provider interface {
	// Name is the provider's name, e.g. "stripe".
	Name() string
	// Details are the customer's billing name, e-mail, address and default
	// payment method.
	Details(ctx context.Context, c Customer) (portico.BillingView, error)
	// Invoices lists the customer's invoices, newest first, at most limit of
	// them after the invoice startingAfter (empty: from the newest), and
	// whether more follow.
	Invoices(ctx context.Context, c Customer, limit int, startingAfter string) ([]portico.Invoice, bool, error)
	// PortalURL is a link to the provider's own portal, opened on flow,
	// leading back to returnURL.
	PortalURL(ctx context.Context, c Customer, flow portico.BillingFlow, returnURL string) (string, error)
	// CheckoutURL is a link to a hosted page where the customer enters a
	// payment method and starts a paid subscription.
	CheckoutURL(ctx context.Context, c Customer, co Checkout) (string, error)
	// SetupURL is a link to a hosted page where the customer adds a payment
	// method, which becomes their default once the provider reports it.
	SetupURL(ctx context.Context, c Customer, s Setup) (string, error)
	// SyncSubscription mirrors a Portico subscription change at the provider.
	// On an error nothing of the change should be taken as applied: Portico
	// keeps its state unchanged and may retry with the same Sync.
	SyncSubscription(ctx context.Context, c Customer, s Sync) error
}

// Validate reports what is wrong with a Sync, as a portico.Error naming the
// field.
func (s Sync) Validate() error {
	switch {
	case s.Key == "":
		return portico.Invalid("key", "is required: it keeps a retried change from being applied twice")
	case s.SubscriptionID == "":
		return portico.Invalid("subscriptionId", "is required")
	case s.Timing != "" && s.Timing != portico.Immediate && s.Timing != portico.EndOfPeriod:
		return portico.Invalid("timing", "must be %q or %q, not %q", portico.Immediate, portico.EndOfPeriod, s.Timing)
	}
	return validateItems(s.Items)
}

// Validate reports what is wrong with a Checkout.
func (co Checkout) Validate() error {
	switch {
	case co.SubscriptionID == "":
		return portico.Invalid("subscriptionId", "is required")
	case len(co.Items) == 0:
		return portico.Invalid("items", "at least one paid item is required")
	case co.SuccessURL == "":
		return portico.Invalid("successUrl", "is required")
	case co.CancelURL == "":
		return portico.Invalid("cancelUrl", "is required")
	}
	return validateItems(co.Items)
}

// Validate reports what is wrong with a Setup.
func (s Setup) Validate() error {
	switch {
	case !isCurrencyCode(s.Currency):
		return portico.Invalid("currency", "must be a lower-case ISO 4217 code such as \"usd\", not %q", s.Currency)
	case s.SuccessURL == "":
		return portico.Invalid("successUrl", "is required")
	case s.CancelURL == "":
		return portico.Invalid("cancelUrl", "is required")
	}
	return nil
}

// isCurrencyCode reports whether v is three lower-case letters.
func isCurrencyCode(v string) bool {
	return len(v) == 3 && strings.Trim(v, "abcdefghijklmnopqrstuvwxyz") == ""
}

func validateItems(items []Item) error {
	seen := map[string]bool{}
	for i, it := range items {
		field := fmt.Sprintf("items[%d]", i)
		switch {
		case it.PriceID == "":
			return portico.Invalid(field+".priceId", "is required: the catalog lacks the provider's price ID")
		case it.Metered && it.Quantity != 0:
			return portico.Invalid(field+".quantity", "must be empty on a metered item: its usage is reported")
		case !it.Metered && it.Quantity < 1:
			return portico.Invalid(field+".quantity", "must be at least 1")
		case seen[it.PriceID]:
			return portico.Invalid(field+".priceId", "price %q is listed twice", it.PriceID)
		}
		seen[it.PriceID] = true
	}
	return nil
}
