package billing

import (
	"context"
	"log/slog"
	"sync"
	"time"

	portico "github.com/portico-dev/portico"
)

// Pinger is a provider that can be asked, cheaply and for no customer,
// whether it answers.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Guard is a Provider that stops waiting on a provider that is down.
//
// Changes are mirrored to the provider inside their write transaction (so
// a refusal undoes them), and a write transaction holds the store's only
// writer: every call that waits on a hanging provider holds up every other
// write — usage reports included. The guard bounds that cost. After
// Threshold calls in a row found the provider unavailable, it fails calls
// at once (KindUnavailable, nothing changed) and pings the provider in the
// background, outside any transaction, until it answers again.
type Guard struct {
	Provider
	// Threshold is how many unavailable answers in a row open the guard
	// (2 by default).
	Threshold int
	// WriteTimeout bounds each mirrored change (5 s by default): the time
	// a slow provider may hold the writer.
	WriteTimeout time.Duration
	// PingEvery is how often an open guard asks the provider whether it is
	// back (1 s by default).
	PingEvery time.Duration
	Log       *slog.Logger

	mu       sync.Mutex
	failures int
	open     bool
	pinging  bool
}

// NewGuard guards p with the defaults.
func NewGuard(p Provider, log *slog.Logger) *Guard {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Guard{Provider: p, Threshold: 2, WriteTimeout: 5 * time.Second, PingEvery: time.Second, Log: log}
}

// errGuardOpen is the answer while the provider is known to be down.
var errGuardOpen = &portico.Error{Kind: portico.KindUnavailable, Title: "Billing unavailable",
	Detail: "billing is unavailable; try again shortly"}

// SyncSubscription implements Provider.
func (g *Guard) SyncSubscription(ctx context.Context, c Customer, s Sync) error {
	ctx, cancel := context.WithTimeout(ctx, g.WriteTimeout)
	defer cancel()
	if s.Adopt != "" {
		// Adopting records the subscription a checkout made; what it asks
		// of the provider (ending the subscription it replaces) may fail
		// without undoing it, so a completed checkout applies while the
		// provider is down, and its answer says nothing of the provider.
		return g.Provider.SyncSubscription(ctx, c, s)
	}
	if g.isOpen() {
		return errGuardOpen
	}
	return g.observe(g.Provider.SyncSubscription(ctx, c, s))
}

// Details implements Provider. A trial ending asks it inside a write
// transaction, so it is guarded too.
func (g *Guard) Details(ctx context.Context, c Customer) (portico.BillingView, error) {
	if g.isOpen() {
		return portico.BillingView{}, errGuardOpen
	}
	v, err := g.Provider.Details(ctx, c)
	if portico.KindOf(err) == portico.KindUnavailable {
		err = g.observe(err)
	}
	// A success is no sign the provider is up: details may come from a
	// cache.
	return v, err
}

// Unwrap returns the guarded provider, for what it offers beside Provider
// (webhooks).
func (g *Guard) Unwrap() Provider { return g.Provider }

// Open reports whether the guard is failing calls at once.
func (g *Guard) Open() bool { return g.isOpen() }

func (g *Guard) isOpen() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.open
}

// observe counts unavailable answers and opens the guard at the threshold.
func (g *Guard) observe(err error) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if err == nil || portico.KindOf(err) != portico.KindUnavailable {
		// An answer, even a refusal: the provider is up.
		g.failures = 0
		return err
	}
	g.failures++
	if g.failures >= max(g.Threshold, 1) && !g.open {
		g.open = true
		g.Log.Warn("billing provider unavailable: failing billing calls at once until it answers again", "err", err)
		if !g.pinging {
			g.pinging = true
			go g.ping()
		}
	}
	return err
}

// ping asks the provider whether it is back until it is, then closes the
// guard. Without a Pinger, the guard closes after one interval and the
// next call finds out.
func (g *Guard) ping() {
	pinger, _ := g.Provider.(Pinger)
	for {
		time.Sleep(g.PingEvery)
		ok := pinger == nil
		if pinger != nil {
			ctx, cancel := context.WithTimeout(context.Background(), max(g.PingEvery, 2*time.Second))
			ok = pinger.Ping(ctx) == nil
			cancel()
		}
		if ok {
			g.mu.Lock()
			g.open, g.pinging, g.failures = false, false, 0
			g.mu.Unlock()
			g.Log.Info("billing provider answers again")
			return
		}
	}
}
