package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/webhooks"
)

// webhookResult is the webhooks scenario's outcome.
type webhookResult struct {
	Replicas       int
	Events         int   // events the endpoint was to receive
	Arrived        int   // of them, received verified
	Duplicates     int   // posts of an event already received
	Refused        int64 // posts answered 500 while the receiver failed
	BadSignatures  int64
	KilledInFlight int // deliveries the killed replica held when killed
	Settle         time.Duration
	Checks         []string
	Err            error
}

// hookReceiver is the host's endpoint: it checks every signature, answers
// 500 while failing, holds requests while held, and notes each event's
// arrivals and what was posted at once.
type hookReceiver struct {
	secret  string
	failing atomic.Bool
	refused atomic.Int64
	bad     atomic.Int64

	mu       sync.Mutex
	hold     chan struct{} // closed to release held requests; nil when not holding
	arrivals map[string]int
	order    []string // event IDs, first arrivals, in order
	posting  map[string]int
	overlaps int // posts of an event while another post of it was under way
}

func newHookReceiver() *hookReceiver {
	return &hookReceiver{arrivals: map[string]int{}, posting: map[string]int{}}
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	h.mu.Lock()
	secret, hold := h.secret, h.hold
	h.mu.Unlock()
	if err := webhooks.Verify(r.Header.Get(webhooks.SignatureHeader), body, secret, 5*time.Minute, time.Now()); err != nil {
		h.bad.Add(1)
		http.Error(w, "bad signature", http.StatusBadRequest)
		return
	}
	id := eventID(body)
	h.begin(id)
	defer h.end(id)
	if hold != nil {
		select {
		case <-hold:
		case <-time.After(8 * time.Second): // within the sender's 10 s
		}
	}
	if h.failing.Load() {
		h.refused.Add(1)
		http.Error(w, "failing on purpose", http.StatusInternalServerError)
		return
	}
	h.mu.Lock()
	if h.arrivals[id] == 0 {
		h.order = append(h.order, id)
	}
	h.arrivals[id]++
	h.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (h *hookReceiver) begin(id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.posting[id] > 0 {
		h.overlaps++
	}
	h.posting[id]++
}

func (h *hookReceiver) end(id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.posting[id]--
}

// eventID reads the id of an event's JSON without decoding the rest.
func eventID(body []byte) string {
	_, rest, ok := strings.Cut(string(body), `"id":"`)
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, `"`)
	return id
}

// setHold starts or ends holding requests.
func (h *hookReceiver) setHold(on bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case on && h.hold == nil:
		h.hold = make(chan struct{})
	case !on && h.hold != nil:
		close(h.hold)
		h.hold = nil
	}
}

// webhookScenario runs two replicas on one PostgreSQL database with an
// endpoint that fails, then recovers, under customers created and
// changing plans through both; one replica is killed while it posts.
// Afterwards every event must have arrived, verified, each customer's in
// order; duplicates are allowed and counted.
func webhookScenario(ctx context.Context, dbURL, logDir string, loadFor time.Duration) webhookResult {
	r := webhookResult{Replicas: 2}
	r.Err = func() error {
		env := []string{"PORTICO_DATABASE_URL=" + dbURL, "PORTICO_DEMO=1"}
		var servers []*server
		defer func() {
			for _, s := range servers {
				s.stopIfRunning()
			}
		}()
		for i := range 2 {
			s, err := startServer(env, filepath.Join(logDir, fmt.Sprintf("webhooks-replica-%d.log", i+1)))
			if err != nil {
				return err
			}
			servers = append(servers, s)
		}
		rcv := newHookReceiver()
		rcv.failing.Store(true)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		hs := &http.Server{Handler: rcv, ReadHeaderTimeout: 5 * time.Second}
		go hs.Serve(ln)
		defer hs.Close()
		var ep portico.WebhookEndpointView
		if err := must(ctx, "POST", servers[0].URL+"/api/v1/webhook-endpoints", secretKey,
			map[string]any{"url": "http://" + ln.Addr().String() + "/hooks", "events": []string{"*"}}, &ep); err != nil {
			return err
		}
		rcv.mu.Lock()
		rcv.secret = ep.Secret
		rcv.mu.Unlock()

		pick := func(i int) string { return servers[i%len(servers)].URL }
		loadCtx, stopLoad := context.WithCancel(ctx)
		loadDone := make(chan error, 1)
		go func() { loadDone <- hookLoad(loadCtx, pick) }()

		sleep(ctx, loadFor/2) // every attempt fails meanwhile
		rcv.failing.Store(false)
		sleep(ctx, loadFor/4)
		if r.KilledInFlight, err = killMidDelivery(ctx, dbURL, rcv, servers[0]); err != nil {
			stopLoad()
			<-loadDone
			return err
		}
		if err := servers[0].restart(filepath.Join(logDir, "webhooks-replica-1.log")); err != nil {
			stopLoad()
			<-loadDone
			return err
		}
		sleep(ctx, loadFor/4)
		stopLoad()
		if err := <-loadDone; err != nil {
			return err
		}
		start := time.Now()
		if err := settled(ctx, dbURL, ep.ID, 3*time.Minute); err != nil {
			return err
		}
		r.Settle = time.Since(start)
		return r.check(ctx, dbURL, ep.ID, rcv)
	}()
	return r
}

// stopIfRunning stops the server unless it was killed and not restarted.
func (s *server) stopIfRunning() {
	if s.cmd.ProcessState == nil {
		s.stop()
	}
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// hookLoad creates customers and switches their plans through both
// replicas until ctx ends: each change writes events.
func hookLoad(ctx context.Context, pick func(int) string) error {
	for i := 0; ctx.Err() == nil; i++ {
		id := fmt.Sprintf("hook-%03d", i)
		if _, err := createCustomers(ctx, pick(i), id, 1, true); err != nil {
			return loadErr(ctx, err)
		}
		for j, plan := range []string{"basic", "pro", "basic"} {
			a, err := call(ctx, "POST", pick(i+j+1)+"/api/v1/customers/"+id+"-01/subscriptions", secretKey, "",
				portico.ChangeRequest{PlanID: plan, BillingPeriod: portico.Monthly})
			if err != nil || a.Status >= 500 {
				return loadErr(ctx, fmt.Errorf("change %s to %s: %d %v %s", id, plan, a.Status, err, a.Body))
			}
		}
		sleep(ctx, time.Duration(50+rand.IntN(100))*time.Millisecond)
	}
	return nil
}

// loadErr is err, unless the load was ending or a replica was being
// killed under it (a call cut short then is expected, and what it
// changed, if anything, is in the log like any other change).
func loadErr(ctx context.Context, err error) error {
	if ctx.Err() != nil || errors.Is(err, io.EOF) || strings.Contains(err.Error(), "connection re") {
		return nil
	}
	return err
}

// killMidDelivery holds the receiver's requests until the replica holds
// a lease on a delivery it is posting, then kills it with SIGKILL and
// returns how many deliveries it held.
func killMidDelivery(ctx context.Context, dbURL string, rcv *hookReceiver, victim *server) (int, error) {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return 0, err
	}
	defer conn.Close(ctx)
	owner := "-" + strconv.Itoa(victim.cmd.Process.Pid) + "-"
	for try := 0; try < 40; try++ {
		rcv.setHold(true)
		deadline := time.Now().Add(2 * time.Second)
		for time.Now().Before(deadline) {
			var n int
			err := conn.QueryRow(ctx, `SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'
				AND lease_until > $1 AND lease_owner LIKE $2`, time.Now().UnixNano(), "%"+owner+"%").Scan(&n)
			if err != nil {
				rcv.setHold(false)
				return 0, err
			}
			if n > 0 {
				victim.kill()
				rcv.setHold(false)
				return n, nil
			}
			sleep(ctx, 20*time.Millisecond)
		}
		rcv.setHold(false)
		sleep(ctx, 300*time.Millisecond)
	}
	return 0, errors.New("the replica to kill never held a delivery in 40 tries")
}

// settled waits until no delivery to the endpoint is pending.
func settled(ctx context.Context, dbURL, endpointID string, within time.Duration) error {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	deadline := time.Now().Add(within)
	for {
		var pending int
		if err := conn.QueryRow(ctx, `SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = $1 AND status = 'pending'`,
			endpointID).Scan(&pending); err != nil {
			return err
		}
		if pending == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d deliveries still pending after %s", pending, within)
		}
		sleep(ctx, 500*time.Millisecond)
	}
}

// loggedEvent is an event the endpoint was to receive, as the log holds it.
type loggedEvent struct {
	id, customer, status string
}

// check compares what arrived with the log.
func (r *webhookResult) check(ctx context.Context, dbURL, endpointID string, rcv *hookReceiver) error {
	logged, err := endpointEvents(ctx, dbURL, endpointID)
	if err != nil {
		return err
	}
	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	r.Events, r.Refused, r.BadSignatures = len(logged), rcv.refused.Load(), rcv.bad.Load()
	var missing, undelivered []string
	for _, e := range logged {
		n := rcv.arrivals[e.id]
		if n == 0 {
			missing = append(missing, e.id)
			continue
		}
		r.Arrived++
		r.Duplicates += n - 1
		if e.status != string(portico.DeliveryDelivered) {
			undelivered = append(undelivered, e.id+" "+e.status)
		}
	}
	switch {
	case len(logged) == 0:
		return errors.New("the load wrote no event")
	case len(missing) > 0:
		return fmt.Errorf("%d of %d events never arrived, e.g. %v", len(missing), len(logged), missing[:min(3, len(missing))])
	case len(undelivered) > 0:
		return fmt.Errorf("%d events arrived but are recorded otherwise, e.g. %v", len(undelivered), undelivered[:min(3, len(undelivered))])
	case r.BadSignatures > 0:
		return fmt.Errorf("%d deliveries failed the signature check", r.BadSignatures)
	case r.Refused == 0:
		return errors.New("no delivery was attempted while the receiver failed")
	}
	r.Checks = append(r.Checks, "every event written arrived, its signature verified, and is recorded delivered")
	if err := inCustomerOrder(logged, rcv.order); err != nil {
		return err
	}
	r.Checks = append(r.Checks, "each customer's events first arrived in the order they were written")
	if rcv.overlaps > 0 {
		return fmt.Errorf("%d posts of an event while another post of it was under way", rcv.overlaps)
	}
	r.Checks = append(r.Checks, "no event posted twice at once, by one replica or two")
	return nil
}

// endpointEvents lists the events with a delivery to the endpoint, in the
// log's order.
func endpointEvents(ctx context.Context, dbURL, endpointID string) ([]loggedEvent, error) {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT e.id, e.customer_id, d.status FROM webhook_deliveries d JOIN events e ON e.seq = d.seq
		WHERE d.endpoint_id = $1 ORDER BY d.seq`, endpointID)
	if err != nil {
		return nil, err
	}
	var out []loggedEvent
	for rows.Next() {
		var e loggedEvent
		if err := rows.Scan(&e.id, &e.customer, &e.status); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// inCustomerOrder checks that each event first arrived after every earlier
// event of its customer.
func inCustomerOrder(logged []loggedEvent, arrived []string) error {
	place := map[string]int{}
	for i, id := range arrived {
		place[id] = i
	}
	last := map[string]loggedEvent{} // per customer, the event written before
	for _, e := range logged {
		if prev, ok := last[e.customer]; ok && place[e.id] < place[prev.id] {
			return fmt.Errorf("customer %q: event %s arrived before %s, written earlier", e.customer, e.id, prev.id)
		}
		last[e.customer] = e
	}
	return nil
}
