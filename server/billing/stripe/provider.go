// Package stripebilling is Portico's billing provider over Stripe
// (github.com/stripe/stripe-go/v76, API version 2023-10-16): payment details
// and invoices shown inside the portal, billing-portal and checkout links,
// Portico subscription changes mirrored to Stripe subscriptions, and verified,
// deduplicated webhooks.
//
// Every Stripe call carries the caller's context and is bounded by
// Options.Timeout (retries included), so a slow or absent Stripe costs the
// portal at most that long and shows up as a KindUnavailable error.
package stripebilling

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/client"

	"github.com/portico-dev/portico/server/billing"
	"github.com/portico-dev/portico/server/metrics"
)

// Defaults.
const (
	// DefaultTimeout bounds one Stripe call, retries included.
	DefaultTimeout = 10 * time.Second
	// DefaultCacheTTL is how long payment details and invoices are reused:
	// long enough that a portal page and its refreshes cost Stripe one call,
	// short enough that a change made elsewhere shows soon even without a
	// webhook.
	DefaultCacheTTL = 30 * time.Second
	// DefaultMaxNetworkRetries is how often stripe-go retries a request that
	// failed in a way known to be safe to retry (network errors, 503s, lock
	// conflicts), within the call's timeout.
	DefaultMaxNetworkRetries = 1
)

// Metadata keys Portico writes on Stripe objects, so that an object is
// traced back to Portico even without the Store (e.g. in the dashboard).
const (
	MetaCustomerID     = "portico_customer_id"
	MetaSubscriptionID = "portico_subscription_id"
)

// Options configure a Provider.
type Options struct {
	// SecretKey is the Stripe secret key (STRIPE_SECRET_KEY). Required.
	SecretKey string
	// WebhookSecret is the webhook endpoint's signing secret
	// (STRIPE_WEBHOOK_SECRET); required to serve Webhooks.
	WebhookSecret string
	// APIBase is Stripe's API base URL (STRIPE_API_BASE), e.g. stripe-mock's
	// in tests; empty for Stripe's.
	APIBase string
	// Store keeps the links between Portico and Stripe objects and the
	// webhook events handled. Required.
	Store billing.Store
	// Timeout bounds each Stripe call, retries included; zero means
	// DefaultTimeout. It is capped at DefaultTimeout.
	Timeout time.Duration
	// MaxNetworkRetries is how often a failed request may be retried; nil
	// means DefaultMaxNetworkRetries.
	MaxNetworkRetries *int64
	// CacheTTL is how long details and invoices are cached; zero means
	// DefaultCacheTTL, negative disables the cache.
	CacheTTL time.Duration
	// Log receives Stripe request failures; nil discards them.
	Log *slog.Logger
	// Now tells the time (for the cache); nil means time.Now.
	Now func() time.Time
	// Metrics, when set, counts and times each HTTP request sent to
	// Stripe, by endpoint and outcome.
	Metrics *metrics.Metrics
}

// Provider is the Stripe billing provider. It is safe for concurrent use.
type Provider struct {
	api           *client.API
	store         billing.Store
	webhookSecret string
	timeout       time.Duration
	log           *slog.Logger
	cache         *cache
	customers     flights
}

var _ billing.Provider = (*Provider)(nil)

// New returns a Provider.
func New(o Options) (*Provider, error) {
	if o.SecretKey == "" {
		return nil, errors.New("stripebilling: a secret key is required")
	}
	if o.Store == nil {
		return nil, errors.New("stripebilling: a store is required")
	}
	if o.Timeout <= 0 || o.Timeout > DefaultTimeout {
		o.Timeout = DefaultTimeout
	}
	retries := int64(DefaultMaxNetworkRetries)
	if o.MaxNetworkRetries != nil {
		retries = max(*o.MaxNetworkRetries, 0)
	}
	if o.CacheTTL == 0 {
		o.CacheTTL = DefaultCacheTTL
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	// GetBackendWithConfig fills in the config it is given, so each backend
	// gets a config of its own; the HTTP client's timeout backs up the
	// per-call context deadline.
	newBackend := func(kind stripe.SupportedBackend, url string) stripe.Backend {
		cfg := &stripe.BackendConfig{
			HTTPClient:        &http.Client{Timeout: o.Timeout, Transport: o.Metrics.BillingTransport("stripe", endpoint, nil)},
			MaxNetworkRetries: stripe.Int64(retries),
			LeveledLogger:     leveledLogger{o.Log},
		}
		if url != "" {
			cfg.URL = stripe.String(url)
		}
		return stripe.GetBackendWithConfig(kind, cfg)
	}
	backends := &stripe.Backends{
		API:     newBackend(stripe.APIBackend, o.APIBase),
		Connect: newBackend(stripe.ConnectBackend, ""),
		Uploads: newBackend(stripe.UploadsBackend, ""),
	}
	return &Provider{
		api:           client.New(o.SecretKey, backends),
		store:         o.Store,
		webhookSecret: o.WebhookSecret,
		timeout:       o.Timeout,
		log:           o.Log,
		cache:         newCache(o.CacheTTL, o.Now),
	}, nil
}

// Ping implements billing.Pinger with the account's balance: the cheapest
// call that needs no customer.
func (p *Provider) Ping(ctx context.Context) error {
	ctx, cancel := p.call(ctx)
	defer cancel()
	_, err := p.api.Balance.Get(&stripe.BalanceParams{Params: params(ctx, "")})
	return classify(err)
}

// Name implements billing.Provider.
func (p *Provider) Name() string { return "stripe" }

// Invalidate drops what is cached for a Portico customer, e.g. after a
// change Portico learnt of outside a webhook.
func (p *Provider) Invalidate(customerID string) { p.cache.drop(customerID) }

// call bounds one Stripe call: the caller's context, cut at the timeout.
// stripe-go does not retry once the context is done, so retries stay
// within the bound too.
func (p *Provider) call(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, p.timeout)
}

// params returns request parameters bound to ctx, with an idempotency key
// when one is given (stripe-go invents one for other writes).
func params(ctx context.Context, idempotencyKey string) stripe.Params {
	p := stripe.Params{Context: ctx}
	if idempotencyKey != "" {
		p.IdempotencyKey = stripe.String(idempotencyKey)
	}
	return p
}

// leveledLogger passes stripe-go's log lines to slog. Its request errors
// come back as errors too, so they are logged below the error level.
type leveledLogger struct{ log *slog.Logger }

func (l leveledLogger) Debugf(format string, v ...any) {
	l.log.Debug("stripe: " + fmt.Sprintf(format, v...))
}
func (l leveledLogger) Infof(format string, v ...any) {
	l.log.Debug("stripe: " + fmt.Sprintf(format, v...))
}
func (l leveledLogger) Warnf(format string, v ...any) {
	l.log.Warn("stripe: " + fmt.Sprintf(format, v...))
}
func (l leveledLogger) Errorf(format string, v ...any) {
	l.log.Warn("stripe: " + fmt.Sprintf(format, v...))
}
