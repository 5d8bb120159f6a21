package eventstream

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	portico "github.com/portico-dev/portico"
)

// Stream event names that are not event types: a stream says "ready" once
// it has sent the backlog (its ID is the position reached), and "reset"
// when events after the resume point are no longer kept, so the client
// must read afresh what it holds before going on from the reset's ID.
const (
	ReadyEvent = "ready"
	ResetEvent = "reset"
)

// Position is the data of ready and reset events.
type Position struct {
	Last int64 `json:"last"`
}

// Request is what a stream or a page asks for.
type Request struct {
	// After is the resume point: the seq of the last event the client has
	// (Last-Event-ID, else ?after=); zero starts from now (stream) or from
	// the log's start (page).
	After   int64
	Resumed bool
	// Types, when not empty, are the only event types sent.
	Types []portico.EventType
	// Limit is a page's size.
	Limit int
}

// ParseRequest reads a request's resume point, types and limit, naming
// the parameter at fault.
func ParseRequest(r *http.Request) (Request, error) {
	q := r.URL.Query()
	var req Request
	raw, name := r.Header.Get("Last-Event-ID"), "Last-Event-ID"
	if raw == "" {
		raw, name = q.Get("after"), "after"
	}
	if raw != "" {
		n, err := strconv.ParseInt(strings.TrimSpace(raw), 10, 64)
		if err != nil || n < 0 {
			return req, portico.Invalid(name, "must be an event's seq: a whole number, 0 or more")
		}
		req.After, req.Resumed = n, true
	}
	if raw := q.Get("types"); raw != "" {
		known := portico.EventType("").Values()
		for _, t := range strings.Split(raw, ",") {
			et := portico.EventType(strings.TrimSpace(t))
			if !slices.Contains(known, et) {
				return req, portico.Invalid("types", "unknown event type %q", et)
			}
			req.Types = append(req.Types, et)
		}
	}
	req.Limit = 100
	if raw := q.Get("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > 1000 {
			return req, portico.Invalid("limit", "must be a whole number from 1 to 1000")
		}
		req.Limit = n
	}
	return req, nil
}

func (req Request) takes(e *portico.Event) bool {
	return len(req.Types) == 0 || slices.Contains(req.Types, e.Type)
}

// Page is the answer of GET /api/v1/events.
type Page struct {
	Events []PageEvent `json:"events"`
	// Last is the after= of the next call: the page's last event, or the
	// log's newest when the page is empty (or on a reset).
	Last int64 `json:"last"`
	// Reset says events after the resume point are no longer kept: read
	// afresh what you hold, then go on from Last.
	Reset bool `json:"reset,omitempty"`
}

// PageEvent is an event with its place in the log.
type PageEvent struct {
	Seq int64 `json:"seq"`
	portico.Event
}

// MarshalJSON writes seq beside the event's own fields (the embedded
// Event's fields would otherwise be its own JSON only).
func (p PageEvent) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Seq       int64             `json:"seq"`
		ID        string            `json:"id"`
		Type      portico.EventType `json:"type"`
		CreatedAt time.Time         `json:"createdAt"`
		Data      json.RawMessage   `json:"data"`
	}{p.Seq, p.ID, p.Type, p.CreatedAt, p.Data})
}

// Page reads a page of events after req.After of the types asked for.
func (h *Hub) Page(ctx context.Context, req Request) (*Page, error) {
	out := &Page{Events: []PageEvent{}}
	err := h.Store.View(ctx, func(tx portico.Tx) error {
		last, err := tx.LastEventSeq()
		if err != nil {
			return err
		}
		lost, err := gone(tx, req.After, last)
		if err != nil || lost {
			out.Last, out.Reset = last, lost
			return err
		}
		out.Last, err = pageOf(tx, req, out)
		return err
	})
	return out, err
}

// maxScan bounds how many events one page call reads when a types filter
// skips most of them: the page ends early, and Last says where to go on.
const maxScan = 10 * pageSize

// pageOf fills out with the events after req.After that req takes, and
// returns where the next page starts.
func pageOf(tx portico.Tx, req Request, out *Page) (int64, error) {
	after := req.After
	for scanned := 0; scanned < maxScan; {
		events, err := tx.EventsAfter(after, pageSize)
		if err != nil {
			return after, err
		}
		for i := range events {
			after = events[i].Seq
			if req.takes(&events[i]) {
				out.Events = append(out.Events, PageEvent{Seq: events[i].Seq, Event: events[i]})
				if len(out.Events) == req.Limit {
					return after, nil
				}
			}
		}
		if len(events) < pageSize {
			break
		}
		scanned += len(events)
	}
	return after, nil
}

// gone tells whether events after the resume point are no longer in the
// log: the first event kept after it is not the next seq (they were
// pruned), or none is and the log ends before it (pruned to its end, or
// another database). The log numbers events without gaps on SQLite; on
// PostgreSQL a rolled-back insert leaves a gap, which reads as a reset:
// the client reads afresh once more than it needed, and misses nothing.
func gone(tx portico.Tx, after, last int64) (bool, error) {
	if after == 0 {
		return false, nil
	}
	next, err := tx.EventsAfter(after, 1)
	if err != nil {
		return false, err
	}
	if len(next) == 0 {
		return after > last, nil
	}
	return next[0].Seq != after+1, nil
}

// Serve streams events as server-sent events until the client goes, the
// hub drops it for reading too slowly or the hub closes. Errors before the
// stream starts (a store that cannot be read) are returned for the caller
// to answer; once the stream has started it just ends.
func (h *Hub) Serve(w http.ResponseWriter, r *http.Request, req Request) error {
	h.init()
	ctx := r.Context()
	sub, bound, err := h.subscribe(ctx)
	if err != nil {
		return err
	}
	defer h.unsubscribe(sub)
	s := &sse{w: w, rc: http.NewResponseController(w)}
	pos := bound
	if req.Resumed {
		var lost bool
		if err := h.Store.View(ctx, func(tx portico.Tx) error {
			lost, err = gone(tx, req.After, bound)
			return err
		}); err != nil {
			return err
		}
		if !lost {
			pos = req.After
		}
		s.start()
		if lost {
			s.position(ResetEvent, bound)
			pos = bound
		}
	} else {
		s.start()
	}
	if pos, err = h.backlog(ctx, s, req, pos, bound); err != nil {
		return nil // the stream has started: the client resumes
	}
	s.position(ReadyEvent, pos)
	h.live(ctx, s, sub, req, pos)
	return nil
}

// backlog sends the events from pos up to bound, which the hub had handed
// out before the stream subscribed.
func (h *Hub) backlog(ctx context.Context, s *sse, req Request, pos, bound int64) (int64, error) {
	for pos < bound && s.err == nil {
		var events []portico.Event
		err := h.Store.View(ctx, func(tx portico.Tx) error {
			var err error
			events, err = tx.EventsAfter(pos, pageSize)
			return err
		})
		if err != nil {
			return pos, err
		}
		if len(events) == 0 {
			break
		}
		for i := range events {
			if events[i].Seq > bound {
				return bound, s.err
			}
			if req.takes(&events[i]) {
				s.event(&events[i])
			}
			pos = events[i].Seq
		}
	}
	return max(pos, bound), s.err
}

// live sends the hub's events as they come, with a heartbeat while idle.
func (h *Hub) live(ctx context.Context, s *sse, sub *subscriber, req Request, pos int64) {
	beat := time.NewTicker(h.Heartbeat)
	defer beat.Stop()
	for s.err == nil {
		select {
		case <-ctx.Done():
			return
		case <-h.closed:
			return
		case <-sub.dropped:
			// Send what was queued before the drop, then end: the client
			// resumes from the last ID it got.
			for {
				select {
				case e := <-sub.events:
					if e.Seq > pos && req.takes(&e) {
						s.event(&e)
					}
				default:
					return
				}
			}
		case e := <-sub.events:
			if e.Seq > pos && req.takes(&e) {
				s.event(&e)
			}
		case <-beat.C:
			s.comment("heartbeat")
		}
	}
}

// sse writes the stream's frames, each flushed at once; the first write
// error ends the stream.
type sse struct {
	w   http.ResponseWriter
	rc  *http.ResponseController
	err error
}

// start sends the headers. The stream is long-lived: the server's read
// and write deadlines, meant for ordinary calls, are lifted for it.
func (s *sse) start() {
	_ = s.rc.SetReadDeadline(time.Time{})
	_ = s.rc.SetWriteDeadline(time.Time{})
	h := s.w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	// Proxies such as nginx would otherwise hold the stream in a buffer.
	h.Set("X-Accel-Buffering", "no")
	s.w.WriteHeader(http.StatusOK)
	s.flush()
}

func (s *sse) event(e *portico.Event) {
	body, err := json.Marshal(e)
	if err != nil {
		s.err = err
		return
	}
	s.write(fmt.Sprintf("id: %d\nevent: %s\ndata: %s\n\n", e.Seq, e.Type, body))
}

func (s *sse) position(name string, seq int64) {
	body, _ := json.Marshal(Position{Last: seq}) // a number always encodes
	s.write(fmt.Sprintf("id: %d\nevent: %s\ndata: %s\n\n", seq, name, body))
}

func (s *sse) comment(text string) { s.write(": " + text + "\n\n") }

func (s *sse) write(frame string) {
	if s.err != nil {
		return
	}
	if _, s.err = s.w.Write([]byte(frame)); s.err == nil {
		s.flush()
	}
}

func (s *sse) flush() {
	if err := s.rc.Flush(); err != nil && s.err == nil {
		s.err = err
	}
}
