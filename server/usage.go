package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/engine"
	"github.com/portico-dev/portico/server/metrics"
	"github.com/portico-dev/portico/server/validation"
)

// reportUsage counts one event. Without an Idempotency-Key header it joins
// the group commit (usageQueue): events arriving while a transaction runs
// are counted together in the next one, so a burst of single calls costs
// a few transactions instead of one each. A keyed request runs in the
// transaction that keeps its answer, so it goes alone.
func (s *Server) reportUsage(r *http.Request, body []byte) (int, any, error) {
	var req portico.UsageRequest
	if err := decode(body, &req, false); err != nil {
		// As an invalid event of a batch is: refused, changing nothing.
		s.Metrics.UsageEvent(metrics.ViaSingle, portico.UsageRejected)
		return 0, nil, err
	}
	var out engine.UsageOutcome
	if r.Header.Get("Idempotency-Key") != "" {
		outs, err := s.Engine.ReportUsageBatch(r.Context(), []portico.UsageEvent{req.Event()}, true)
		if err != nil {
			return 0, nil, err
		}
		out = outs[0]
	} else {
		var err error
		if out, err = s.usage.do(r.Context(), s.Engine, req.Event()); err != nil {
			return 0, nil, err
		}
	}
	s.Metrics.UsageEvent(metrics.ViaSingle, out.Result.Status)
	v, err := out.Single(req.CustomerID)
	return http.StatusOK, v, err
}

// reportUsageBatch counts up to portico.MaxUsageBatch events in one
// transaction and answers each event's outcome in request order; an event
// refused, here or by the engine, does not stop the others.
func (s *Server) reportUsageBatch(r *http.Request, body []byte) (int, any, error) {
	var req portico.UsageBatchRequest
	if err := decode(body, &req, false); err != nil {
		return 0, nil, err
	}
	if len(req.Events) > portico.MaxUsageBatch {
		return 0, nil, &portico.Error{Kind: portico.KindTooLarge, Title: "Too many events",
			Detail: fmt.Sprintf("A batch holds at most %d events; this one holds %d.", portico.MaxUsageBatch, len(req.Events)),
			Fields: []portico.FieldError{{Field: "events", Message: fmt.Sprintf("must hold at most %d events", portico.MaxUsageBatch)}}}
	}
	results := make([]portico.UsageResult, len(req.Events))
	var valid []portico.UsageEvent
	var at []int
	for i, ev := range req.Events {
		if fe := checkEvent(ev); fe != nil {
			results[i] = portico.UsageResult{Status: portico.UsageRejected, Error: fe}
			continue
		}
		valid, at = append(valid, ev), append(at, i)
	}
	outs, err := s.Engine.ReportUsageBatch(r.Context(), valid, false)
	if err != nil {
		return 0, nil, err
	}
	for k, o := range outs {
		results[at[k]] = o.Result
	}
	s.Metrics.UsageEvents(metrics.ViaBatch, results)
	return http.StatusOK, portico.UsageBatchResult{Results: results}, nil
}

// checkEvent validates one event of a batch; the error names the event's
// own field ("featureId"), as its result is the event's own.
func checkEvent(ev portico.UsageEvent) *portico.FieldError {
	err := validation.Struct(ev, "")
	var pe *portico.Error
	if err == nil {
		return nil
	}
	if errors.As(err, &pe) && len(pe.Fields) > 0 {
		return &pe.Fields[0]
	}
	return &portico.FieldError{Field: "(event)", Message: err.Error()}
}

// usageQueue is the group commit of single usage calls. The first call to
// find it idle leads: it counts every call waiting (up to a batch) in one
// transaction, hands each its outcome, then wakes the first call that
// arrived meanwhile to lead the next round, so no caller waits on more
// than the round before its own.
type usageQueue struct {
	mu      sync.Mutex
	pending []*usageCall
	busy    bool
}

type usageCall struct {
	ev   portico.UsageEvent
	out  engine.UsageOutcome
	err  error
	wake chan bool // true: counted (out, err are set); false: lead the next round
}

func (q *usageQueue) do(ctx context.Context, eng *engine.Engine, ev portico.UsageEvent) (engine.UsageOutcome, error) {
	c := &usageCall{ev: ev, wake: make(chan bool, 1)}
	q.mu.Lock()
	q.pending = append(q.pending, c)
	lead := !q.busy
	q.busy = true
	q.mu.Unlock()
	if !lead {
		if counted := <-c.wake; counted {
			return c.out, c.err
		}
	}
	q.round(ctx, eng, c)
	return c.out, c.err
}

// round counts the calls waiting, the leader's first, and passes the lead
// on. The transaction outlives the leader's request: the other callers'
// events are in it too.
func (q *usageQueue) round(ctx context.Context, eng *engine.Engine, leader *usageCall) {
	q.mu.Lock()
	n := min(len(q.pending), portico.MaxUsageBatch)
	batch := append([]*usageCall(nil), q.pending[:n]...)
	q.pending = q.pending[n:]
	q.mu.Unlock()

	// Whatever happens to the round, even a panic, every caller in it is
	// answered and the lead passes on: no later call waits forever.
	var outs []engine.UsageOutcome
	err := errors.New("usage: the batch was not counted")
	defer func() {
		for i, c := range batch {
			if err != nil {
				c.err = err
			} else {
				c.out = outs[i]
			}
			if c != leader {
				c.wake <- true
			}
		}
		q.handOff()
	}()
	events := make([]portico.UsageEvent, len(batch))
	for i, c := range batch {
		events[i] = c.ev
	}
	outs, err = eng.ReportUsageBatch(context.WithoutCancel(ctx), events, true)
}

// handOff wakes the first call that arrived during a round to lead the
// next one, or marks the queue idle.
func (q *usageQueue) handOff() {
	q.mu.Lock()
	if len(q.pending) == 0 {
		q.busy = false
		q.mu.Unlock()
		return
	}
	next := q.pending[0]
	q.mu.Unlock()
	next.wake <- false
}

// usageHistory answers a customer's usage history (backend).
func (s *Server) usageHistory(r *http.Request, _ []byte) (int, any, error) {
	q, err := historyQuery(r)
	if err != nil {
		return 0, nil, err
	}
	h, err := s.Engine.UsageHistory(r.Context(), r.PathValue("id"), q, engine.Backend)
	return http.StatusOK, h, err
}

// portalUsageHistory answers the session's customer's usage history,
// within the session's scope.
func (s *Server) portalUsageHistory(r *http.Request, _ []byte) (int, any, error) {
	q, err := historyQuery(r)
	if err != nil {
		return 0, nil, err
	}
	scope := scopeOf(r)
	if q.ResourceID == "" {
		q.ResourceID = scope.ResourceID
	}
	h, err := s.Engine.UsageHistory(r.Context(), scope.CustomerID, q, engine.PortalActor(scope))
	return http.StatusOK, h, err
}

// historyQuery reads featureId, resourceId, from, to and bucket, naming the
// parameter at fault.
func historyQuery(r *http.Request) (portico.UsageHistoryQuery, error) {
	v := r.URL.Query()
	q := portico.UsageHistoryQuery{FeatureID: v.Get("featureId"), ResourceID: v.Get("resourceId"),
		Bucket: portico.UsageBucket(v.Get("bucket"))}
	if q.FeatureID == "" {
		return q, portico.Invalid("featureId", "is required")
	}
	if q.ResourceID != "" && !validation.SlugPattern.MatchString(q.ResourceID) {
		return q, portico.Invalid("resourceId", "must be a slug")
	}
	for name, dst := range map[string]*time.Time{"from": &q.From, "to": &q.To} {
		raw := v.Get(name)
		if raw == "" {
			continue
		}
		t, err := parseTime(raw)
		if err != nil {
			return q, portico.Invalid(name, "must be an RFC 3339 time or a date (2026-07-01)")
		}
		*dst = t
	}
	return q, nil
}

func parseTime(raw string) (time.Time, error) {
	if !strings.Contains(raw, "T") {
		return time.Parse(time.DateOnly, raw)
	}
	return time.Parse(time.RFC3339, raw)
}
