package webhooks_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/internal/pgtest"
	"github.com/portico-dev/portico/internal/testkit"
	"github.com/portico-dev/portico/server/clock"
	"github.com/portico-dev/portico/server/store/postgres"
	"github.com/portico-dev/portico/server/webhooks"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const secret = "whsec_test_0123456789"

// received is one delivery as a receiver saw it.
type received struct {
	Event  portico.Event
	Header http.Header
	Body   []byte
}

// receiver is an endpoint that records what it is sent and answers what
// answer says (200 when nil).
type receiver struct {
	t      *testing.T
	hs     *httptest.Server
	mu     sync.Mutex
	got    []received
	answer func(e portico.Event) int
	notify chan struct{}
}

func newReceiver(t *testing.T, answer func(e portico.Event) int) *receiver {
	r := &receiver{t: t, answer: answer, notify: make(chan struct{}, 1000)}
	r.hs = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			t.Errorf("read delivery: %v", err)
			return
		}
		var e portico.Event
		if err := json.Unmarshal(body, &e); err != nil {
			t.Errorf("delivery is not an event: %v: %s", err, body)
		}
		code := http.StatusOK
		if r.answer != nil {
			code = r.answer(e)
		}
		if code >= 200 && code < 300 {
			r.mu.Lock()
			r.got = append(r.got, received{Event: e, Header: req.Header.Clone(), Body: body})
			r.mu.Unlock()
			r.notify <- struct{}{}
		}
		w.WriteHeader(code)
	}))
	t.Cleanup(r.hs.Close)
	return r
}

// wait waits until n deliveries were accepted and returns them.
func (r *receiver) wait(n int, within time.Duration) []received {
	r.t.Helper()
	deadline := time.After(within)
	for {
		r.mu.Lock()
		got := append([]received(nil), r.got...)
		r.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-r.notify:
		case <-deadline:
			r.t.Fatalf("%d deliveries after %s, want %d", len(got), within, n)
		}
	}
}

func (r *receiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got)
}

// addEndpoint stores an endpoint at url taking every event.
func addEndpoint(t *testing.T, st portico.Store, id, url string, at time.Time) *portico.WebhookEndpoint {
	t.Helper()
	ep := &portico.WebhookEndpoint{ID: id, URL: url, Events: []portico.EventType{portico.AllEvents},
		UsageThresholds: portico.DefaultUsageThresholds, Secret: secret, CreatedAt: at}
	update(t, st, func(tx portico.Tx) error { return tx.PutWebhookEndpoint(ep) })
	return ep
}

var eventN int

// addEvent appends a customer.updated event of customer to the log.
func addEvent(t *testing.T, st portico.Store, customer string, at time.Time) portico.Event {
	t.Helper()
	eventN++
	e := portico.Event{ID: fmt.Sprintf("evt_%04d", eventN), Type: portico.EventCustomerUpdated, CreatedAt: at,
		CustomerID: customer, Data: json.RawMessage(fmt.Sprintf(`{"customer":{"id":%q},"n":%d}`, customer, eventN))}
	update(t, st, func(tx portico.Tx) error { _, err := tx.AddEvent(&e, ""); return err })
	return e
}

func update(t *testing.T, st portico.Store, fn func(portico.Tx) error) {
	t.Helper()
	if err := st.Update(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func deliveries(t *testing.T, st portico.Store, endpointID string) map[string]portico.WebhookDelivery {
	t.Helper()
	out := map[string]portico.WebhookDelivery{}
	err := st.View(context.Background(), func(tx portico.Tx) error {
		ds, err := tx.WebhookDeliveries(endpointID, 1000)
		for _, d := range ds {
			out[d.EventID] = d
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// eventually waits until the delivery of eventID to endpointID satisfies
// ok, and returns it.
func eventually(t *testing.T, st portico.Store, endpointID, eventID string, ok func(portico.WebhookDelivery) bool) portico.WebhookDelivery {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		d := deliveries(t, st, endpointID)[eventID]
		if ok(d) {
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("delivery of %s to %s: %+v", eventID, endpointID, d)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func settled(d portico.WebhookDelivery) bool { return d.Status != portico.DeliveryPending }

// run starts a sender until the test ends.
func run(t *testing.T, st portico.Store, opt webhooks.Options) *webhooks.Sender {
	t.Helper()
	if opt.PollEvery == 0 {
		opt.PollEvery = 20 * time.Millisecond
	}
	s := webhooks.New(st, opt)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return s
}

// A delivery is the stored event's JSON, posted with its type, the
// sender's name and a signature the endpoint's secret verifies (and
// another secret does not).
func TestDeliveryIsSignedEventJSON(t *testing.T) {
	st := testkit.OpenStore(t)
	rcv := newReceiver(t, nil)
	now := time.Now().UTC()
	addEndpoint(t, st, "we_a", rcv.hs.URL, now)
	sent := addEvent(t, st, "ada", now)
	run(t, st, webhooks.Options{})

	got := rcv.wait(1, 5*time.Second)[0]
	if got.Event.ID != sent.ID || got.Event.Type != sent.Type || string(got.Event.Data) != string(sent.Data) {
		t.Errorf("received %+v, want %+v", got.Event, sent)
	}
	if ct, ua := got.Header.Get("Content-Type"), got.Header.Get("User-Agent"); ct != "application/json" || ua != webhooks.UserAgent {
		t.Errorf("Content-Type %q, User-Agent %q", ct, ua)
	}
	sig := got.Header.Get(webhooks.SignatureHeader)
	if err := webhooks.Verify(sig, got.Body, secret, 5*time.Minute, time.Now()); err != nil {
		t.Errorf("signature %q does not verify: %v", sig, err)
	}
	if err := webhooks.Verify(sig, got.Body, "whsec_other", 5*time.Minute, time.Now()); err == nil {
		t.Error("the signature verifies with another secret")
	}
	if err := webhooks.Verify(sig, append(got.Body, ' '), secret, 5*time.Minute, time.Now()); err == nil {
		t.Error("the signature verifies an altered body")
	}
	if err := webhooks.Verify(sig, got.Body, secret, 5*time.Minute, time.Now().Add(time.Hour)); err != webhooks.ErrTooOld {
		t.Errorf("a signature an hour old: %v, want ErrTooOld", err)
	}
	d := eventually(t, st, "we_a", sent.ID, settled)
	if d.Status != portico.DeliveryDelivered || d.Attempts != 1 || d.LastStatusCode != 200 || d.NextAttemptAt != nil {
		t.Errorf("delivery recorded as %+v", d)
	}
}

// After a rotation, the previous secret also signs while its grace period
// runs, and no longer once it is over.
func TestRotatedSecretSignsDuringGrace(t *testing.T) {
	st := testkit.OpenStore(t)
	clk := clock.NewFrozen(time.Now().UTC())
	rcv := newReceiver(t, nil)
	ep := addEndpoint(t, st, "we_a", rcv.hs.URL, clk.Now())
	expires := clk.Now().Add(24 * time.Hour)
	ep.PreviousSecret, ep.Secret, ep.PreviousSecretExpires = ep.Secret, "whsec_new", &expires
	update(t, st, func(tx portico.Tx) error { return tx.PutWebhookEndpoint(ep) })
	run(t, st, webhooks.Options{Clock: clk})

	addEvent(t, st, "ada", clk.Now())
	first := rcv.wait(1, 5*time.Second)[0]
	for _, s := range []string{"whsec_new", secret} {
		if err := webhooks.Verify(first.Header.Get(webhooks.SignatureHeader), first.Body, s, 0, time.Now()); err != nil {
			t.Errorf("during the grace period, %s does not verify: %v", s, err)
		}
	}
	clk.Advance(25 * time.Hour)
	addEvent(t, st, "ada", clk.Now())
	second := rcv.wait(2, 5*time.Second)[1]
	sig := second.Header.Get(webhooks.SignatureHeader)
	if err := webhooks.Verify(sig, second.Body, "whsec_new", 0, time.Now()); err != nil {
		t.Errorf("after the grace period, the new secret does not verify: %v", err)
	}
	if err := webhooks.Verify(sig, second.Body, secret, 0, time.Now()); err == nil {
		t.Errorf("after the grace period, the old secret still verifies %q", sig)
	}
}

// Events of one customer arrive in the order they were written, even when
// one of them fails first and is retried; other customers' events do not
// wait for it.
func TestOrderPerCustomerAcrossRetries(t *testing.T) {
	st := testkit.OpenStore(t)
	now := time.Now().UTC()
	var mu sync.Mutex
	failed := 0
	var firstOfAda string
	rcv := newReceiver(t, func(e portico.Event) int {
		mu.Lock()
		defer mu.Unlock()
		if e.ID == firstOfAda && failed < 2 {
			failed++
			return http.StatusInternalServerError
		}
		return http.StatusOK
	})
	addEndpoint(t, st, "we_a", rcv.hs.URL, now)
	var want []string
	for i := range 6 {
		for _, c := range []string{"ada", "grace"} {
			e := addEvent(t, st, c, now)
			if c == "ada" {
				if i == 0 {
					mu.Lock()
					firstOfAda = e.ID
					mu.Unlock()
				}
				want = append(want, e.ID)
			}
		}
	}
	run(t, st, webhooks.Options{FirstRetry: 200 * time.Millisecond})

	got := rcv.wait(12, 10*time.Second)
	var ada []string
	graceBeforeAda := 0
	for _, r := range got {
		if r.Event.CustomerID == "" {
			var d struct{ Customer struct{ ID string } }
			_ = json.Unmarshal(r.Event.Data, &d)
			r.Event.CustomerID = d.Customer.ID
		}
		switch r.Event.CustomerID {
		case "ada":
			ada = append(ada, r.Event.ID)
		case "grace":
			if len(ada) == 0 {
				graceBeforeAda++
			}
		}
	}
	if fmt.Sprint(ada) != fmt.Sprint(want) {
		t.Errorf("ada's events arrived as %v, want %v", ada, want)
	}
	if graceBeforeAda == 0 {
		t.Error("grace's events waited for ada's retried event")
	}
	d := eventually(t, st, "we_a", firstOfAda, settled)
	if d.Attempts != 3 || d.Status != portico.DeliveryDelivered || d.LastStatusCode != 200 || d.LastError != "" {
		t.Errorf("the retried delivery is recorded as %+v", d)
	}
}

// A 500 is recorded with the status and the answer's beginning, and tried
// again after the first backoff (not before); the next attempt succeeds.
func TestRetryAfterServerError(t *testing.T) {
	st := testkit.OpenStore(t)
	now := time.Now().UTC()
	var mu sync.Mutex
	var tries []time.Time
	rcv := newReceiver(t, func(portico.Event) int {
		mu.Lock()
		defer mu.Unlock()
		tries = append(tries, time.Now())
		if len(tries) == 1 {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	})
	addEndpoint(t, st, "we_a", rcv.hs.URL, now)
	e := addEvent(t, st, "ada", now)
	const first = 500 * time.Millisecond
	run(t, st, webhooks.Options{FirstRetry: first})

	d := eventually(t, st, "we_a", e.ID, func(d portico.WebhookDelivery) bool { return d.Attempts > 0 })
	if d.Status != portico.DeliveryPending || d.Attempts != 1 || d.LastStatusCode != 500 ||
		d.LastError != "500 Internal Server Error" || d.NextAttemptAt == nil {
		t.Fatalf("after a 500: %+v", d)
	}
	if wait := d.NextAttemptAt.Sub(now); wait < first*4/5 || wait > first+time.Second {
		t.Errorf("next attempt in %s, want about %s", wait, first)
	}
	rcv.wait(1, 5*time.Second)
	mu.Lock()
	gap := tries[1].Sub(tries[0])
	mu.Unlock()
	if gap < first*4/5 {
		t.Errorf("retried after %s, before the backoff of %s", gap, first)
	}
	if d := eventually(t, st, "we_a", e.ID, settled); d.Status != portico.DeliveryDelivered || d.Attempts != 2 || d.LastError != "" {
		t.Errorf("after the retry: %+v", d)
	}
}

// An endpoint that does not answer costs its own deliveries a timeout
// each: another endpoint's deliveries go through meanwhile.
func TestSlowEndpointDoesNotDelayAnother(t *testing.T) {
	st := testkit.OpenStore(t)
	now := time.Now().UTC()
	hang := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(hang)
	fast := newReceiver(t, nil)
	addEndpoint(t, st, "we_slow", slow.URL, now)
	addEndpoint(t, st, "we_fast", fast.hs.URL, now)
	const n = 20
	for i := range n {
		addEvent(t, st, fmt.Sprintf("c%02d", i), now) // one customer each: all due at once
	}
	timeout := 2 * time.Second
	start := time.Now()
	run(t, st, webhooks.Options{Timeout: timeout, Lease: 3 * timeout})

	fast.wait(n, 10*time.Second)
	if took := time.Since(start); took > timeout {
		t.Errorf("the fast endpoint's %d deliveries took %s, as long as the slow one's timeout (%s)", n, took, timeout)
	}
	deadline := time.Now().Add(3 * timeout)
	for {
		var timedOut int
		for _, d := range deliveries(t, st, "we_slow") {
			if d.Attempts > 0 && d.Status == portico.DeliveryPending && d.LastStatusCode == 0 && d.LastError == "no answer within 2s" {
				timedOut++
			}
		}
		if timedOut > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no slow delivery recorded as timed out: %+v", deliveries(t, st, "we_slow"))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A delivery failing past the retry window is given up: status failed,
// no next attempt; until then it stays pending.
func TestGiveUpAfterRetryWindow(t *testing.T) {
	st := testkit.OpenStore(t)
	clk := clock.NewFrozen(testkit.T0())
	rcv := newReceiver(t, func(portico.Event) int { return http.StatusServiceUnavailable })
	addEndpoint(t, st, "we_a", rcv.hs.URL, clk.Now())
	e := addEvent(t, st, "ada", clk.Now())
	s := run(t, st, webhooks.Options{Clock: clk})

	attempts := func(n int) portico.WebhookDelivery {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			d := deliveries(t, st, "we_a")[e.ID]
			if d.Attempts >= n {
				return d
			}
			if time.Now().After(deadline) {
				t.Fatalf("waiting for attempt %d: %+v", n, d)
			}
			s.Wake()
			time.Sleep(10 * time.Millisecond)
		}
	}
	d := attempts(1)
	if d.Status != portico.DeliveryPending || d.NextAttemptAt == nil {
		t.Fatalf("after a first failure: %+v", d)
	}
	if wait := d.NextAttemptAt.Sub(clk.Now()); wait < 8*time.Second || wait > 10*time.Second {
		t.Errorf("first retry in %s, want about 10 s", wait)
	}
	clk.Advance(71 * time.Hour)
	if d = attempts(2); d.Status != portico.DeliveryPending {
		t.Errorf("71 hours in, the delivery is %s", d.Status)
	}
	if wait := d.NextAttemptAt.Sub(clk.Now()); wait > time.Hour {
		t.Errorf("retry in %s: backoff above its 1 h cap", wait)
	}
	clk.Advance(2 * time.Hour)
	d = attempts(3)
	if d.Status != portico.DeliveryFailed || d.NextAttemptAt != nil || d.LastStatusCode != 503 {
		t.Errorf("73 hours in: %+v, want given up", d)
	}
	clk.Advance(24 * time.Hour)
	s.Wake()
	time.Sleep(100 * time.Millisecond)
	if d := deliveries(t, st, "we_a")[e.ID]; d.Attempts != 3 {
		t.Errorf("a given-up delivery was tried again: %+v", d)
	}
	if n, err := s.Backlog(context.Background()); err != nil || n != 0 {
		t.Errorf("backlog %d, %v; want 0", n, err)
	}
}

// Wake sends a committed event at once, without waiting for the poll.
func TestWakeSendsWithoutWaitingForThePoll(t *testing.T) {
	st := testkit.OpenStore(t)
	rcv := newReceiver(t, nil)
	now := time.Now().UTC()
	addEndpoint(t, st, "we_a", rcv.hs.URL, now)
	s := run(t, st, webhooks.Options{PollEvery: time.Hour})
	time.Sleep(50 * time.Millisecond) // the first look, finding nothing, is over
	addEvent(t, st, "ada", now)
	s.Wake()
	rcv.wait(1, 2*time.Second)
}

// Two senders on one PostgreSQL database, as two replicas: each event is
// posted once, never by both at the same time, and together they keep to
// the endpoint's share of concurrent posts.
func TestTwoSendersNeverPostOneEventTwice(t *testing.T) {
	url := pgtest.URL(t)
	open := func() portico.Store {
		st, err := postgres.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	a, b := open(), open()
	var mu sync.Mutex
	posting := map[string]int{}
	posts := map[string]int{}
	by := map[string]bool{}
	atOnce, mostAtOnce := 0, 0
	rcv := newReceiver(t, nil)
	wrapped := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var e portico.Event
		_ = json.Unmarshal(body, &e)
		mu.Lock()
		posting[e.ID]++
		posts[e.ID]++
		by[r.Header.Get("X-Sender")] = true
		atOnce++
		mostAtOnce = max(mostAtOnce, atOnce)
		if posting[e.ID] > 1 {
			t.Errorf("event %s posted by two senders at once", e.ID)
		}
		mu.Unlock()
		time.Sleep(5 * time.Millisecond)
		mu.Lock()
		posting[e.ID]--
		atOnce--
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
		rcv.notify <- struct{}{}
	}))
	defer wrapped.Close()
	now := time.Now().UTC()
	addEndpoint(t, a, "we_a", wrapped.URL, now)
	const n = 60
	for i := range n {
		addEvent(t, a, fmt.Sprintf("c%02d", i%15), now)
	}
	run(t, a, webhooks.Options{Client: taggedClient("a"), Owner: "a"})
	run(t, b, webhooks.Options{Client: taggedClient("b"), Owner: "b"})

	deadline := time.After(20 * time.Second)
	for {
		mu.Lock()
		done := len(posts)
		mu.Unlock()
		if done == n {
			break
		}
		select {
		case <-rcv.notify:
		case <-deadline:
			t.Fatalf("%d of %d events posted", done, n)
		}
	}
	time.Sleep(200 * time.Millisecond) // a second post, if any, arrives
	mu.Lock()
	defer mu.Unlock()
	for id, k := range posts {
		if k != 1 {
			t.Errorf("event %s posted %d times", id, k)
		}
	}
	if mostAtOnce > webhooks.DefaultPerEndpoint {
		t.Errorf("%d deliveries posted to one endpoint at once by the two senders, above its share of %d", mostAtOnce, webhooks.DefaultPerEndpoint)
	}
	if !by["a"] || !by["b"] {
		t.Logf("one sender posted everything (%v): the other never found work", by)
	}
	for id, d := range deliveries(t, b, "we_a") {
		if d.Status != portico.DeliveryDelivered || d.Attempts != 1 {
			t.Errorf("event %s recorded as %+v", id, d)
		}
	}
}

// taggedClient marks its requests with the sender's name.
func taggedClient(name string) *http.Client {
	return &http.Client{Transport: tagTransport{name}}
}

type tagTransport struct{ name string }

func (t tagTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Sender", t.name)
	return http.DefaultTransport.RoundTrip(r)
}

// Backoff starts near the first delay, doubles, and stays under its cap.
func TestBackoff(t *testing.T) {
	for _, c := range []struct {
		attempt  int
		min, max time.Duration
	}{
		{1, 8 * time.Second, 10 * time.Second},
		{2, 16 * time.Second, 20 * time.Second},
		{4, 64 * time.Second, 80 * time.Second},
		{30, 48 * time.Minute, time.Hour},
	} {
		for range 50 {
			if d := webhooks.Backoff(c.attempt, 10*time.Second, time.Hour); d < c.min || d > c.max {
				t.Fatalf("attempt %d: %s, want %s to %s", c.attempt, d, c.min, c.max)
			}
		}
	}
}

// Retrying for 3 days with this backoff makes dozens of attempts, not
// thousands.
func TestRetryScheduleSpansTheWindow(t *testing.T) {
	var elapsed time.Duration
	n := 0
	for elapsed < webhooks.DefaultRetryFor {
		n++
		elapsed += webhooks.Backoff(n, webhooks.DefaultFirstRetry, webhooks.DefaultMaxRetry)
	}
	if n < 60 || n > 100 {
		t.Errorf("%d attempts in 3 days", n)
	}
}
