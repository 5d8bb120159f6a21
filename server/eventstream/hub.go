// Package eventstream serves the event log to host backends: a page of
// events at a time (GET /api/v1/events) and as server-sent events
// (GET /api/v1/events/stream), resumable from the last event seen.
//
// One Hub per process reads the log and fans new events out to every open
// stream, so N listeners cost one query per poll rather than N. The hub
// polls only while someone listens.
package eventstream

import (
	"context"
	"log/slog"
	"sync"
	"time"

	portico "github.com/portico-dev/portico"
)

// Defaults of a Hub's settings.
const (
	DefaultPoll      = 150 * time.Millisecond
	DefaultHeartbeat = 15 * time.Second
	DefaultQueue     = 1024
)

// pageSize is how many events one read of the log takes.
const pageSize = 500

// Hub reads new events from the store and hands them to the streams open
// on this process.
type Hub struct {
	Store portico.Store
	// Poll is how often the log is read while streams are open; Notify
	// reads it at once. Changes made on another replica arrive by polling.
	Poll time.Duration
	// Heartbeat is how often an idle stream sends a comment, so proxies
	// and clients can tell a quiet stream from a dead one.
	Heartbeat time.Duration
	// Queue is how many events a stream may have waiting: a client that
	// reads slower than that is dropped, and resumes from its last ID.
	Queue int
	Log   *slog.Logger

	mu      sync.Mutex
	subs    map[*subscriber]struct{}
	last    int64 // the newest event handed out
	running bool
	wake    chan struct{}
	closed  chan struct{}
	once    sync.Once
}

// subscriber is one open stream's queue.
type subscriber struct {
	events  chan portico.Event
	dropped chan struct{} // closed when the hub drops it for reading too slowly
}

func (h *Hub) init() {
	h.once.Do(func() {
		h.subs = map[*subscriber]struct{}{}
		h.wake = make(chan struct{}, 1)
		h.closed = make(chan struct{})
		if h.Poll <= 0 {
			h.Poll = DefaultPoll
		}
		if h.Heartbeat <= 0 {
			h.Heartbeat = DefaultHeartbeat
		}
		if h.Queue <= 0 {
			h.Queue = DefaultQueue
		}
		if h.Log == nil {
			h.Log = slog.Default()
		}
	})
}

// Notify asks the hub to read the log now: a change committed on this
// process reaches its streams without waiting for the next poll.
func (h *Hub) Notify() {
	h.init()
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// Close ends every open stream (their clients reconnect elsewhere or
// later) and refuses new ones: for a server shutting down.
func (h *Hub) Close() {
	h.init()
	h.mu.Lock()
	defer h.mu.Unlock()
	select {
	case <-h.closed:
	default:
		close(h.closed)
	}
}

// subscribe adds a stream and returns its queue with the newest event
// handed out so far: the queue gets every event after it.
func (h *Hub) subscribe(ctx context.Context) (*subscriber, int64, error) {
	h.init()
	h.mu.Lock()
	defer h.mu.Unlock()
	select {
	case <-h.closed:
		return nil, 0, &portico.Error{Kind: portico.KindUnavailable, Title: "Shutting down",
			Detail: "The server is shutting down; resume the stream on another replica or later."}
	default:
	}
	if !h.running {
		// No one was listening: start from the log's end as it is now.
		var last int64
		err := h.Store.View(ctx, func(tx portico.Tx) error {
			var err error
			last, err = tx.LastEventSeq()
			return err
		})
		if err != nil {
			return nil, 0, err
		}
		h.last, h.running = last, true
		go h.run()
	}
	s := &subscriber{events: make(chan portico.Event, h.Queue), dropped: make(chan struct{})}
	h.subs[s] = struct{}{}
	return s, h.last, nil
}

func (h *Hub) unsubscribe(s *subscriber) {
	h.mu.Lock()
	delete(h.subs, s)
	h.mu.Unlock()
}

// run polls the log while anyone listens.
func (h *Hub) run() {
	t := time.NewTicker(h.Poll)
	defer t.Stop()
	for {
		select {
		case <-h.closed:
			h.stop()
			return
		case <-t.C:
		case <-h.wake:
		}
		if !h.poll() {
			return
		}
	}
}

func (h *Hub) stop() {
	h.mu.Lock()
	h.running = false
	h.mu.Unlock()
}

// poll hands out the events committed since the last poll, and says
// whether to go on: false once no one listens.
func (h *Hub) poll() bool {
	h.mu.Lock()
	if len(h.subs) == 0 {
		h.running = false
		h.mu.Unlock()
		return false
	}
	after := h.last
	h.mu.Unlock()
	for {
		events, err := h.read(after)
		if err != nil {
			h.Log.Warn("event stream: reading the event log failed", "err", err)
			return true
		}
		if len(events) == 0 {
			return true
		}
		h.fanOut(events)
		after = events[len(events)-1].Seq
		if len(events) < pageSize {
			return true
		}
	}
}

func (h *Hub) read(after int64) ([]portico.Event, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var events []portico.Event
	err := h.Store.View(ctx, func(tx portico.Tx) error {
		var err error
		events, err = tx.EventsAfter(after, pageSize)
		return err
	})
	return events, err
}

// fanOut queues events for every stream; a stream whose queue is full is
// dropped rather than holding up the others.
func (h *Hub) fanOut(events []portico.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		for _, e := range events {
			select {
			case s.events <- e:
				continue
			default:
			}
			close(s.dropped)
			delete(h.subs, s)
			break
		}
	}
	h.last = events[len(events)-1].Seq
}
