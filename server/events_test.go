package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
)

// eventPage is the answer of GET /api/v1/events.
type eventPage struct {
	Events []struct {
		Seq int64 `json:"seq"`
		portico.Event
	} `json:"events"`
	Last  int64 `json:"last"`
	Reset bool  `json:"reset"`
}

// The log reads in pages from a resume point, each event with its seq,
// narrowed to the types asked for.
func TestEventsPage(t *testing.T) {
	h := newHarness(t)
	start := decodeAs[eventPage](t, h.backend(http.MethodGet, "/api/v1/events?limit=1000", nil)).Last
	h.createCustomer("ev1", false)
	h.change("ev1", map[string]any{"planId": planBasic})

	r := h.backend(http.MethodGet, "/api/v1/events?after="+strconv.FormatInt(start, 10), nil)
	expectStatus(t, r, http.StatusOK)
	page := decodeAs[eventPage](t, r)
	var types []portico.EventType
	for i, e := range page.Events {
		if i > 0 && e.Seq <= page.Events[i-1].Seq {
			t.Fatalf("events out of order: %d after %d", e.Seq, page.Events[i-1].Seq)
		}
		types = append(types, e.Type)
	}
	if len(page.Events) == 0 || page.Events[0].Type != portico.EventCustomerCreated || page.Last != page.Events[len(page.Events)-1].Seq {
		t.Fatalf("page = %+v, want customer.created first and last = the last seq", page)
	}
	if !strings.Contains(string(r.Body), `"seq":`) || !containsType(types, portico.EventSubscriptionUpdated) {
		t.Fatalf("page lacks seq or subscription.updated: %s", r.Body)
	}

	next := decodeAs[eventPage](t, h.backend(http.MethodGet, "/api/v1/events?after="+strconv.FormatInt(page.Last, 10), nil))
	if len(next.Events) != 0 || next.Last != page.Last {
		t.Fatalf("page after the end = %+v, want empty at %d", next, page.Last)
	}
	one := decodeAs[eventPage](t, h.backend(http.MethodGet, "/api/v1/events?limit=1&types=subscription.updated&after="+strconv.FormatInt(start, 10), nil))
	if len(one.Events) != 1 || one.Events[0].Type != portico.EventSubscriptionUpdated || one.Last != one.Events[0].Seq {
		t.Fatalf("filtered page = %+v", one)
	}

	expectProblem(t, h.backend(http.MethodGet, "/api/v1/events?after=-1", nil), http.StatusUnprocessableEntity, "after")
	expectProblem(t, h.backend(http.MethodGet, "/api/v1/events?types=nope", nil), http.StatusUnprocessableEntity, "types")
	expectProblem(t, h.backend(http.MethodGet, "/api/v1/events?limit=5000", nil), http.StatusUnprocessableEntity, "limit")
	expectProblem(t, h.portal(h.session("ev1", "", ""), http.MethodGet, "/api/v1/events", nil), http.StatusForbidden)
	expectProblem(t, h.do(http.MethodGet, "/api/v1/events/stream", "", nil), http.StatusUnauthorized)
}

func containsType(ts []portico.EventType, t portico.EventType) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}

// sseFrame is one server-sent event.
type sseFrame struct{ id, event, data string }

// openStream opens the event stream with the secret key, asking for gzip
// as browsers and most clients do, and returns its frames.
func (h *harness) openStream(query string) (<-chan sseFrame, *http.Response) {
	h.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	h.t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, h.hs.URL+"/api/v1/events/stream"+query, nil)
	req.Header.Set("Authorization", "Bearer "+secretKey)
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := h.hs.Client().Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	frames := make(chan sseFrame, 1000)
	go func() {
		defer close(frames)
		sc := bufio.NewScanner(res.Body)
		var f sseFrame
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "" && f.event != "":
				frames <- f
				f = sseFrame{}
			case strings.HasPrefix(line, "id: "):
				f.id = line[4:]
			case strings.HasPrefix(line, "event: "):
				f.event = line[7:]
			case strings.HasPrefix(line, "data: "):
				f.data = line[6:]
			}
		}
	}()
	return frames, res
}

// await reads frames until one of type typ, within the deadline.
func await(t *testing.T, frames <-chan sseFrame, typ string, within time.Duration) sseFrame {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case f, ok := <-frames:
			if !ok {
				t.Fatalf("the stream ended before %s", typ)
			}
			if f.event == typ {
				return f
			}
		case <-deadline:
			t.Fatalf("no %s within %v", typ, within)
		}
	}
}

// A change made through the API reaches an open stream at once, as text
// (never compressed, whatever the client accepts), with the event's JSON
// as data.
func TestEventStreamCarriesChanges(t *testing.T) {
	h := newHarness(t)
	frames, res := h.openStream("")
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" || res.Header.Get("Content-Encoding") != "" {
		t.Fatalf("stream headers: Content-Type %q, Content-Encoding %q", ct, res.Header.Get("Content-Encoding"))
	}
	await(t, frames, "ready", 2*time.Second)
	h.createCustomer("ev2", false)
	h.change("ev2", map[string]any{"planId": planPro})
	f := await(t, frames, string(portico.EventEntitlementsUpdated), time.Second)
	var e portico.Event
	if err := json.Unmarshal([]byte(f.data), &e); err != nil {
		t.Fatal(err)
	}
	var data portico.EntitlementsEventData
	if err := json.Unmarshal(e.Data, &data); err != nil || data.CustomerID != "ev2" || len(data.Entitlements) == 0 {
		t.Fatalf("entitlements.updated data = %s (%v)", e.Data, err)
	}
	if seq, err := strconv.ParseInt(f.id, 10, 64); err != nil || seq <= 0 {
		t.Fatalf("event ID %q is not a seq", f.id)
	}
}

// A stream on one replica hears of changes made on another, which share
// the database: its hub reads the log by polling.
func TestEventStreamAcrossReplicas(t *testing.T) {
	a := newHarness(t)
	b := a.replica()
	frames, _ := b.openStream("?types=subscription.updated")
	await(t, frames, "ready", 2*time.Second)
	a.createCustomer("ev3", false)
	a.change("ev3", map[string]any{"planId": planBasic})
	f := await(t, frames, string(portico.EventSubscriptionUpdated), 2*time.Second)
	if !strings.Contains(f.data, `"ev3"`) {
		t.Fatalf("event from the other replica = %s", f.data)
	}
}
