package server

import (
	"context"
	"fmt"
	"time"

	portico "github.com/portico-dev/portico"
)

// idempotencyTTL is how long a keyed request's answer is kept for replay,
// by the server's clock (the test clock when it is on). A day covers any
// client's retries, which come within minutes; past it a repeated key is
// a new request.
const idempotencyTTL = 24 * time.Hour

// defaultIdempotencyLimit is how many live records one portal session
// scope may hold when Server.IdempotencyLimit is unset. A person working
// in the portal makes a few dozen keyed calls a day; a thousand leaves room
// for a host app that previews every plan on every visit, and caps what
// one session link can make the database keep at about a thousand
// answers a day.
const defaultIdempotencyLimit = 1000

// pruneBatch is how many expired records one pruning transaction deletes:
// small enough that the write lock every write waits for is held for a
// few milliseconds at a time.
const pruneBatch = 500

func (s *Server) idempotencyLimit() int {
	if s.IdempotencyLimit > 0 {
		return s.IdempotencyLimit
	}
	return defaultIdempotencyLimit
}

// keysFull is a portal scope's refusal to keep one more record: it holds
// the limit, and the oldest frees its place at oldest + idempotencyTTL.
type keysFull struct {
	frees time.Time
	now   time.Time
}

// keysFull says whether the principal may not keep another record now.
//
// Past the limit a keyed request is refused (429, with the time until a
// record expires in Retry-After) rather than run without keeping its
// answer: the client asked for an at-most-once call, and running it
// without the record would silently break that promise — a retry of a
// plan change would apply it twice. Refused, the call changes nothing and
// the client can retry without a key, or later. The backend and the
// console are not bounded: they hold the secret key, and a SaaS
// reporting usage with keys makes many thousands of calls a day.
func (s *Server) keysFull(tx portico.IdempotencyTx, p *principal, who string, now time.Time) (*keysFull, error) {
	if !p.portal() {
		return nil, nil
	}
	n, oldest, err := tx.IdempotencyHeld(who, now.Add(-idempotencyTTL))
	if err != nil || n < s.idempotencyLimit() {
		return nil, err
	}
	return &keysFull{frees: oldest.Add(idempotencyTTL), now: now}, nil
}

// retryAfterSeconds is the wait until the oldest record expires, in whole
// seconds rounded up (at least one).
func (k *keysFull) retryAfterSeconds() int {
	d := k.frees.Sub(k.now)
	return max(1, int((d+time.Second-1)/time.Second))
}

func (k *keysFull) problem(limit int) *portico.Error {
	msg := fmt.Sprintf("this portal session has made %d keyed requests in 24 hours, the most whose answers are kept; "+
		"retry after %d seconds, or send the request without an Idempotency-Key", limit, k.retryAfterSeconds())
	return &portico.Error{Kind: portico.KindTooManyRequests, Title: "Too many keyed requests", Detail: msg,
		Fields: []portico.FieldError{{Field: "Idempotency-Key", Message: msg}}}
}

// PruneIdempotency deletes what has expired by the server's clock: the
// idempotency records and usage events' keys older than a day, the usage
// history past portico.HistoryRetention; a batch per transaction. It says
// how many rows it deleted. Several replicas may prune at once: each batch
// deletes only rows still there.
func (s *Server) PruneIdempotency(ctx context.Context) (int, error) {
	if err := s.SyncClock(ctx); err != nil {
		return 0, err
	}
	now := s.Engine.Now()
	total := 0
	for _, prune := range []func(tx portico.Tx) (int, error){
		func(tx portico.Tx) (int, error) { return tx.PruneIdempotency(now.Add(-idempotencyTTL), pruneBatch) },
		func(tx portico.Tx) (int, error) { return tx.PruneUsageKeys(now.Add(-idempotencyTTL), pruneBatch) },
		func(tx portico.Tx) (int, error) {
			return tx.PruneUsageHistory(now.Add(-portico.HistoryRetention), pruneBatch)
		},
	} {
		n, err := s.pruneAll(ctx, prune)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// pruneAll runs prune a batch per transaction until a batch comes back
// short.
func (s *Server) pruneAll(ctx context.Context, prune func(tx portico.Tx) (int, error)) (int, error) {
	total := 0
	for {
		var n int
		err := s.Store.Update(ctx, func(tx portico.Tx) error {
			var err error
			n, err = prune(tx)
			return err
		})
		total += n
		if err != nil || n < pruneBatch {
			return total, err
		}
	}
}
