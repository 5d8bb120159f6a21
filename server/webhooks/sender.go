package webhooks

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	portico "github.com/portico-dev/portico"
)

// Defaults of Options.
const (
	DefaultTimeout     = 10 * time.Second
	DefaultLease       = 30 * time.Second
	DefaultPollEvery   = time.Second
	DefaultRetryFor    = 72 * time.Hour
	DefaultFirstRetry  = 10 * time.Second
	DefaultMaxRetry    = time.Hour
	DefaultPerEndpoint = 4
	DefaultInFlight    = 64
)

// UserAgent is the User-Agent of every delivery.
const UserAgent = "Portico-Webhooks/1"

// Outcomes of an attempt, as an Observer hears them.
const (
	OutcomeDelivered = "delivered" // the endpoint answered 2xx
	OutcomeRetry     = "retry"     // it failed and will be tried again
	OutcomeGivenUp   = "given_up"  // it failed past the retry window
)

// Observer hears of each attempt (for metrics): its outcome and how long
// the endpoint took to answer.
type Observer interface {
	Delivered(outcome string, d time.Duration)
}

// Options configure a Sender; zero fields take the defaults.
type Options struct {
	// Clock tells the time of due dates, retries and give-ups: the
	// engine's clock, so that a test clock moves them too.
	Clock portico.Clock
	// Client posts the deliveries (a client of the sender's own when nil;
	// a given client's redirects are followed as it says).
	Client *http.Client
	// Timeout bounds one attempt (10 s).
	Timeout time.Duration
	// Lease is how long a claimed delivery is the sender's alone (30 s):
	// longer than Timeout, so that no other replica takes it over while
	// it is being posted.
	Lease time.Duration
	// PollEvery is how often the store is asked for due deliveries when
	// nothing wakes the sender (1 s).
	PollEvery time.Duration
	// RetryFor is how long after its event a failing delivery is retried
	// before it is given up (3 days).
	RetryFor time.Duration
	// FirstRetry and MaxRetry bound the backoff (10 s, then doubling up
	// to 1 h).
	FirstRetry, MaxRetry time.Duration
	// PerEndpoint bounds the deliveries leased for one endpoint at once,
	// by every replica (4), and InFlight those this sender posts at once
	// (64): a slow endpoint holds its own share only.
	PerEndpoint, InFlight int
	// Owner names the sender in the leases it takes (unique per process
	// by default).
	Owner    string
	Observer Observer
	Log      *slog.Logger
}

// Sender posts the pending deliveries of a store's event log.
type Sender struct {
	store portico.Store
	opt   Options
	wake  chan struct{}

	mu      sync.Mutex
	posting map[string]bool // endpoint ID/seq of the attempts under way
	wg      sync.WaitGroup
}

// New returns a sender of store's deliveries; Run starts it.
func New(store portico.Store, opt Options) *Sender {
	defaults(&opt)
	return &Sender{store: store, opt: opt, wake: make(chan struct{}, 1),
		posting: map[string]bool{}}
}

func defaults(o *Options) {
	set := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	set(&o.Timeout, DefaultTimeout)
	set(&o.Lease, DefaultLease)
	set(&o.PollEvery, DefaultPollEvery)
	set(&o.RetryFor, DefaultRetryFor)
	set(&o.FirstRetry, DefaultFirstRetry)
	set(&o.MaxRetry, DefaultMaxRetry)
	if o.PerEndpoint <= 0 {
		o.PerEndpoint = DefaultPerEndpoint
	}
	if o.InFlight <= 0 {
		o.InFlight = DefaultInFlight
	}
	if o.Clock == nil {
		o.Clock = realClock{}
	}
	if o.Client == nil {
		o.Client = &http.Client{
			// A redirect is an answer other than 2xx: the endpoint's URL
			// is to be fixed, not followed with the signed body.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	if o.Owner == "" {
		o.Owner = newOwner()
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now().UTC() }

// newOwner names this process in leases: host, process and a random part
// (two processes may share a host and, in containers, a process ID).
func newOwner() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

// Owner is the name the sender takes leases under.
func (s *Sender) Owner() string { return s.opt.Owner }

// Wake makes the sender look for due deliveries now rather than at its
// next poll: call it when this process committed events. It never blocks.
func (s *Sender) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Backlog counts the deliveries not yet delivered nor given up.
func (s *Sender) Backlog(ctx context.Context) (int, error) {
	var n int
	err := s.store.View(ctx, func(tx portico.Tx) error {
		var err error
		n, err = tx.WebhookBacklog()
		return err
	})
	return n, err
}

// Run sends deliveries until ctx ends, then waits for the attempts under
// way to finish and be recorded (Timeout at most).
func (s *Sender) Run(ctx context.Context) {
	t := time.NewTicker(s.opt.PollEvery)
	defer t.Stop()
	defer s.wg.Wait()
	for {
		if err := s.claimAndSend(ctx); err != nil && ctx.Err() == nil {
			s.opt.Log.Error("webhooks: claim deliveries", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-t.C:
		}
	}
}

// claimAndSend claims as many due deliveries as there is room for and
// posts each in a goroutine of its own.
func (s *Sender) claimAndSend(ctx context.Context) error {
	room := s.opt.InFlight - s.total()
	if room <= 0 {
		return nil
	}
	now := s.opt.Clock.Now()
	var claimed []portico.PendingDelivery
	err := s.store.Update(ctx, func(tx portico.Tx) error {
		var err error
		claimed, err = tx.ClaimDeliveries(now, now.Add(s.opt.Lease), s.opt.Owner, room, s.opt.PerEndpoint)
		return err
	})
	if err != nil {
		return err
	}
	for _, p := range claimed {
		if s.reserve(&p) {
			s.wg.Add(1)
			go s.deliver(ctx, p)
		}
	}
	return nil
}

func key(p *portico.PendingDelivery) string {
	return fmt.Sprintf("%s/%d", p.Endpoint.ID, p.Event.Seq)
}

func (s *Sender) total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.posting)
}

// reserve notes p as under way, unless it already is: a lease that lapsed
// while this process still posts it (a stalled store) is not posted twice
// from here.
func (s *Sender) reserve(p *portico.PendingDelivery) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := key(p)
	if s.posting[k] {
		return false
	}
	s.posting[k] = true
	return true
}

func (s *Sender) release(p *portico.PendingDelivery) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.posting, key(p))
}

// deliver posts one delivery and records the answer. The attempt is not
// cut short when ctx ends (a shutdown): it finishes within Timeout and is
// recorded, rather than sent again by another replica.
func (s *Sender) deliver(ctx context.Context, p portico.PendingDelivery) {
	defer s.wg.Done()
	defer s.Wake() // the customer's next event may now be sent
	defer s.release(&p)
	ctx = context.WithoutCancel(ctx)
	start := time.Now()
	code, reason := s.post(ctx, &p)
	took := time.Since(start)
	outcome, err := s.record(ctx, &p, code, reason)
	if err != nil {
		s.opt.Log.Error("webhooks: record an attempt", "endpoint", p.Endpoint.ID, "event", p.Event.ID, "err", err)
		return
	}
	if s.opt.Observer != nil {
		s.opt.Observer.Delivered(outcome, took)
	}
	if outcome == OutcomeGivenUp {
		s.opt.Log.Warn("webhooks: delivery given up", "endpoint", p.Endpoint.ID, "event", p.Event.ID,
			"attempts", p.Attempts+1, "reason", reason)
	}
}

// post sends the delivery and returns the status code (0 when there was
// no answer) and, unless it is a 2xx, why it failed.
func (s *Sender) post(ctx context.Context, p *portico.PendingDelivery) (int, string) {
	ctx, cancel := context.WithTimeout(ctx, s.opt.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.Endpoint.URL, bytes.NewReader(p.Body))
	if err != nil {
		return 0, "bad URL: " + err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", UserAgent)
	// The receiver checks the timestamp against its own clock: it is the
	// wall clock's, even when a test clock moves due dates.
	req.Header.Set(SignatureHeader, Signature(time.Now(), p.Body, s.secrets(&p.Endpoint)...))
	res, err := s.opt.Client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return 0, fmt.Sprintf("no answer within %s", s.opt.Timeout)
		}
		return 0, err.Error()
	}
	defer res.Body.Close()
	excerpt, _ := io.ReadAll(io.LimitReader(res.Body, 200))
	// What is left is drained (a little) so the connection can be reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode >= 200 && res.StatusCode < 300 {
		return res.StatusCode, ""
	}
	reason := res.Status
	if e := strings.TrimSpace(string(excerpt)); e != "" {
		reason += ": " + e
	}
	return res.StatusCode, reason
}

// secrets sign a delivery: the endpoint's secret, and the one it replaced
// while its grace period runs.
func (s *Sender) secrets(ep *portico.WebhookEndpoint) []string {
	out := []string{ep.Secret}
	if ep.PreviousSecret != "" && ep.PreviousSecretExpires != nil && s.opt.Clock.Now().Before(*ep.PreviousSecretExpires) {
		out = append(out, ep.PreviousSecret)
	}
	return out
}

// record keeps the attempt's outcome: delivered, retried later, or given
// up once the event is older than the retry window.
func (s *Sender) record(ctx context.Context, p *portico.PendingDelivery, code int, reason string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, s.opt.Lease)
	defer cancel()
	now := s.opt.Clock.Now()
	outcome, next := OutcomeDelivered, time.Time{}
	if code < 200 || code > 299 {
		outcome = OutcomeGivenUp
		if now.Sub(p.Event.CreatedAt) < s.opt.RetryFor {
			outcome, next = OutcomeRetry, now.Add(Backoff(p.Attempts+1, s.opt.FirstRetry, s.opt.MaxRetry))
		}
	}
	err := s.store.Update(ctx, func(tx portico.Tx) error {
		if outcome == OutcomeDelivered {
			return tx.DeliverySucceeded(p.Endpoint.ID, p.Event.Seq, code, now)
		}
		return tx.DeliveryFailed(p.Endpoint.ID, p.Event.Seq, code, reason, now, next)
	})
	return outcome, err
}
