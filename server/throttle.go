package server

import (
	"net/http"
	"net/netip"
	"sync"
	"time"
)

// Budget is a number of failed attempts that refills at a steady rate:
// Burst at once, then one more every Every.
type Budget struct {
	Burst int
	Every time.Duration
}

// SignInLimits bound failed console sign-ins. A zero Budget stands for
// its default: ten wrong guesses in a row from one address, then one a
// minute; a hundred from everywhere, then one every five seconds. That is
// more than a person mistyping needs, and about 17,000 guesses a day at
// most in all.
type SignInLimits struct {
	// PerAddress is one client address's budget; an IPv6 address counts
	// as its /64, which one machine often holds whole.
	PerAddress Budget
	// Global is the budget of every address together, so that guesses
	// spread over many addresses are slowed down as well.
	Global Budget
}

// withDefaults fills the zero budgets with the defaults.
func (l SignInLimits) withDefaults() SignInLimits {
	if l.PerAddress == (Budget{}) {
		l.PerAddress = Budget{Burst: 10, Every: time.Minute}
	}
	if l.Global == (Budget{}) {
		l.Global = Budget{Burst: 100, Every: 5 * time.Second}
	}
	return l
}

// signInThrottle spends the budgets of failed sign-ins. An attempt takes
// its share of both budgets before the secret is checked, so parallel
// guesses cannot overtake the count, and a successful one gives them back.
//
// Each budget is kept as the time at which it will be full again (a
// generic cell rate: one failure moves that time one interval on). An
// address whose budget is full again is forgotten, so the addresses kept
// are at most the failures the global budget admits over a per-address
// refill.
type signInThrottle struct {
	mu      sync.Mutex
	global  time.Time
	address map[string]time.Time
}

// admit takes one attempt from the address's budget and the global one, or
// returns how long to wait until both have one left.
func (t *signInThrottle) admit(limits SignInLimits, address string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	globalFull, globalWait := spend(t.global, limits.Global, now)
	addressFull, addressWait := spend(t.address[address], limits.PerAddress, now)
	if wait := max(globalWait, addressWait); wait > 0 {
		return wait
	}
	t.global = globalFull
	if t.address == nil {
		t.address = map[string]time.Time{}
	}
	t.address[address] = addressFull
	t.forgetFull(now)
	return 0
}

// succeeded gives a successful attempt's share back: the address starts
// afresh, and the global budget has the attempt back.
func (t *signInThrottle) succeeded(limits SignInLimits, address string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.address, address)
	t.global = t.global.Add(-limits.Global.Every)
}

// forgetFull drops the addresses whose budget is full again.
func (t *signInThrottle) forgetFull(now time.Time) {
	for a, full := range t.address {
		if !full.After(now) {
			delete(t.address, a)
		}
	}
}

// spend takes one attempt from a budget that is full at full: it returns
// when the budget will be full after the attempt, or how long to wait for
// one to be left.
func spend(full time.Time, b Budget, now time.Time) (time.Time, time.Duration) {
	next := later(full, now).Add(b.Every)
	if over := next.Sub(now) - time.Duration(b.Burst)*b.Every; over > 0 {
		return full, over
	}
	return next, 0
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// clientAddress is whom a request's attempts count against: the peer's IP
// address, an IPv6 one as its /64. X-Forwarded-For is not trusted: behind
// a proxy, every client counts as the proxy, and the global budget still
// holds.
func clientAddress(r *http.Request) string {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	addr := ap.Addr().Unmap()
	if addr.Is4() {
		return addr.String()
	}
	p, err := addr.Prefix(64)
	if err != nil {
		return addr.String()
	}
	return p.String()
}
