package eventstream

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/internal/pgtest"
	"github.com/portico-dev/portico/internal/testkit"
)

func TestMain(m *testing.M) { pgtest.MainIfUsed(m) }

// addEvents appends n events of type t for customer c and returns their
// seqs.
func addEvents(t *testing.T, st portico.Store, n int, typ portico.EventType) []int64 {
	t.Helper()
	var seqs []int64
	err := st.Update(context.Background(), func(tx portico.Tx) error {
		for range n {
			e := &portico.Event{ID: fmt.Sprintf("evt_%d", time.Now().UnixNano()), Type: typ, CustomerID: "c1",
				CreatedAt: testkit.T0(), Data: json.RawMessage(`{"customerId":"c1"}`)}
			if _, err := tx.AddEvent(e, ""); err != nil {
				return err
			}
			seqs = append(seqs, e.Seq)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return seqs
}

// frame is one server-sent event as a client reads it.
type frame struct {
	id, event, data string
	comment         bool
}

// reader reads frames from a stream in the background.
type reader struct {
	frames chan frame
	resp   *http.Response
}

func openStream(t *testing.T, url string, header map[string]string) *reader {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	resp, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("stream: status %d", resp.StatusCode)
	}
	r := &reader{frames: make(chan frame, 100), resp: resp}
	go func() {
		defer close(r.frames)
		sc := bufio.NewScanner(resp.Body)
		var f frame
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				r.frames <- f
				f = frame{}
			case strings.HasPrefix(line, ":"):
				f.comment = true
			case strings.HasPrefix(line, "id: "):
				f.id = line[4:]
			case strings.HasPrefix(line, "event: "):
				f.event = line[7:]
			case strings.HasPrefix(line, "data: "):
				f.data = line[6:]
			}
		}
	}()
	return r
}

// next is the next frame that is not a heartbeat, within two seconds.
func (r *reader) next(t *testing.T) frame {
	t.Helper()
	timeout := time.After(2 * time.Second)
	for {
		select {
		case f, ok := <-r.frames:
			if !ok {
				t.Fatal("the stream ended")
			}
			if !f.comment {
				return f
			}
		case <-timeout:
			t.Fatal("no event within 2 s")
		}
	}
}

func newHub(t *testing.T) (*Hub, portico.Store, *httptest.Server) {
	st := testkit.OpenStore(t)
	h := &Hub{Store: st, Poll: 20 * time.Millisecond}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, err := ParseRequest(r)
		if err == nil {
			err = h.Serve(w, r, req)
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnprocessableEntity)
		}
	}))
	t.Cleanup(func() { h.Close(); hs.Close() })
	return h, st, hs
}

// A stream opened without a resume point says where the log stands, then
// sends each new event with its seq as ID and its type as name.
func TestStreamSendsNewEvents(t *testing.T) {
	_, st, hs := newHub(t)
	before := addEvents(t, st, 2, portico.EventCustomerCreated)
	r := openStream(t, hs.URL, nil)
	ready := r.next(t)
	if ready.event != ReadyEvent || ready.id != strconv.FormatInt(before[1], 10) {
		t.Fatalf("first frame = %+v, want ready at %d", ready, before[1])
	}
	seqs := addEvents(t, st, 3, portico.EventSubscriptionUpdated)
	for _, seq := range seqs {
		f := r.next(t)
		var e portico.Event
		if err := json.Unmarshal([]byte(f.data), &e); err != nil {
			t.Fatal(err)
		}
		if f.id != strconv.FormatInt(seq, 10) || f.event != string(portico.EventSubscriptionUpdated) || e.Type != portico.EventSubscriptionUpdated || e.ID == "" {
			t.Fatalf("frame = %+v, want event %d", f, seq)
		}
	}
}

// A stream resumed from an ID sends exactly the events after it, then
// ready, then what comes next; a types filter leaves the others out.
func TestStreamResumesAndFilters(t *testing.T) {
	_, st, hs := newHub(t)
	seqs := addEvents(t, st, 4, portico.EventCustomerCreated)
	addEvents(t, st, 1, portico.EventCatalogUpdated)
	r := openStream(t, hs.URL+"?types=customer.created,subscription.created", map[string]string{"Last-Event-ID": strconv.FormatInt(seqs[1], 10)})
	for _, want := range seqs[2:] {
		if f := r.next(t); f.id != strconv.FormatInt(want, 10) {
			t.Fatalf("backlog frame = %+v, want %d", f, want)
		}
	}
	if f := r.next(t); f.event != ReadyEvent {
		t.Fatalf("after the backlog: %+v, want ready (catalog.updated filtered out)", f)
	}
	addEvents(t, st, 1, portico.EventCatalogUpdated)
	live := addEvents(t, st, 1, portico.EventSubscriptionCreated)
	if f := r.next(t); f.id != strconv.FormatInt(live[0], 10) || f.event != string(portico.EventSubscriptionCreated) {
		t.Fatalf("live frame = %+v, want subscription.created %d", f, live[0])
	}
}

// Events pruned past the resume point are not silently skipped: the stream
// says reset, with the position to go on from.
func TestStreamResetsWhenEventsWerePruned(t *testing.T) {
	_, st, hs := newHub(t)
	seqs := addEvents(t, st, 3, portico.EventCustomerCreated)
	err := st.Update(context.Background(), func(tx portico.Tx) error {
		_, err := tx.PruneEvents(testkit.T0().Add(time.Hour), 2) // the two oldest
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	r := openStream(t, hs.URL+"?after="+strconv.FormatInt(seqs[0], 10), nil)
	f := r.next(t)
	var pos Position
	_ = json.Unmarshal([]byte(f.data), &pos)
	if f.event != ResetEvent || pos.Last != seqs[2] || f.id != strconv.FormatInt(seqs[2], 10) {
		t.Fatalf("frame = %+v, want reset at %d", f, seqs[2])
	}
	if f := r.next(t); f.event != ReadyEvent {
		t.Fatalf("after reset: %+v, want ready", f)
	}
	// Resuming from the kept end is no reset.
	r2 := openStream(t, hs.URL+"?after="+strconv.FormatInt(seqs[2], 10), nil)
	if f := r2.next(t); f.event != ReadyEvent {
		t.Fatalf("resumed at the end: %+v, want ready", f)
	}
}

// An idle stream sends heartbeat comments.
func TestStreamHeartbeat(t *testing.T) {
	h, _, hs := newHub(t)
	h.Heartbeat = 50 * time.Millisecond
	r := openStream(t, hs.URL, nil)
	r.next(t) // ready
	select {
	case f := <-r.frames:
		if !f.comment {
			t.Fatalf("idle stream sent %+v, want a heartbeat comment", f)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("no heartbeat")
	}
}

// The stream outlives the server's read and write deadlines, which are
// meant for ordinary calls.
func TestStreamOutlivesServerDeadlines(t *testing.T) {
	st := testkit.OpenStore(t)
	h := &Hub{Store: st, Poll: 20 * time.Millisecond}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{ReadTimeout: 200 * time.Millisecond, WriteTimeout: 200 * time.Millisecond,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _ = h.Serve(w, r, Request{}) })}
	go srv.Serve(ln)
	t.Cleanup(func() { h.Close(); srv.Close() })
	r := openStream(t, "http://"+ln.Addr().String(), nil)
	r.next(t) // ready
	time.Sleep(600 * time.Millisecond)
	seqs := addEvents(t, st, 1, portico.EventCustomerCreated)
	if f := r.next(t); f.id != strconv.FormatInt(seqs[0], 10) {
		t.Fatalf("after the deadlines: %+v", f)
	}
}

// A subscriber that does not take its events is dropped once its queue is
// full; the others go on receiving.
func TestHubDropsSlowSubscriber(t *testing.T) {
	st := testkit.OpenStore(t)
	h := &Hub{Store: st, Poll: time.Hour, Queue: 2}
	t.Cleanup(h.Close)
	slow, _, err := h.subscribe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	fast, _, _ := h.subscribe(context.Background())
	fast.events = make(chan portico.Event, 10)
	addEvents(t, st, 3, portico.EventCustomerCreated)
	h.poll()
	select {
	case <-slow.dropped:
	default:
		t.Fatal("the slow subscriber was not dropped")
	}
	if len(fast.events) != 3 {
		t.Fatalf("the other subscriber got %d events, want 3", len(fast.events))
	}
}

// One hub reads the log once per poll whatever the number of streams.
func TestHubPollsOnceForManyStreams(t *testing.T) {
	st := &countingStore{Store: testkit.OpenStore(t)}
	h := &Hub{Store: st, Poll: time.Hour}
	t.Cleanup(h.Close)
	var subs []*subscriber
	for range 20 {
		s, _, err := h.subscribe(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		subs = append(subs, s)
	}
	addEvents(t, st.Store, 1, portico.EventCustomerCreated)
	st.views = 0
	h.poll()
	if st.views != 1 {
		t.Fatalf("one poll for 20 streams read the store %d times, want 1", st.views)
	}
	for _, s := range subs {
		if len(s.events) != 1 {
			t.Fatal("a stream missed the event")
		}
	}
}

type countingStore struct {
	portico.Store
	views int
}

func (c *countingStore) View(ctx context.Context, fn func(portico.Tx) error) error {
	c.views++
	return c.Store.View(ctx, fn)
}
