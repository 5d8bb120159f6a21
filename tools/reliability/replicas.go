package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	portico "github.com/portico-dev/portico"
)

// replicaResult is the replicas scenario's outcome.
type replicaResult struct {
	Replicas                    int
	Duration                    time.Duration
	PortalReads, PortalFailures int64
	Usage                       string
	PlanChanges, PlanRefusals   int64
	Advances                    int64
	ClockDays                   int
	Renewals                    int
	ServerErrors                int64
	Checks                      []string
	Err                         error
}

// counters tallies a mixed load's answers.
type counters struct {
	portalReads, portalFailures, planChanges, planRefusals, advances, serverErrors atomic.Int64
	mu                                                                             sync.Mutex
	errors                                                                         []string
}

func (c *counters) fail(format string, args ...any) {
	c.serverErrors.Add(1)
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.errors) < 10 {
		c.errors = append(c.errors, fmt.Sprintf(format, args...))
	}
}

// replicaScenario runs n replicas on one database under portal reads,
// usage writes, concurrent plan changes for the same customers through
// different replicas, and test-clock advances, then checks the
// invariants.
func replicaScenario(ctx context.Context, dbURL, logDir string, n int, loadFor time.Duration) replicaResult {
	r := replicaResult{Replicas: n, Duration: loadFor}
	r.Err = func() error {
		servers, err := startReplicas(dbURL, logDir, n)
		for _, s := range servers {
			defer s.stop()
		}
		if err != nil {
			return err
		}
		pick := func(i int) string { return servers[i%len(servers)].URL }
		users, err := createCustomers(ctx, pick(0), "use", 12, false)
		if err != nil {
			return err
		}
		changers, err := createCustomers(ctx, pick(1), "plan", 6, true)
		if err != nil {
			return err
		}
		renewers, err := createCustomers(ctx, pick(2), "renew", 6, true)
		if err != nil {
			return err
		}
		for _, id := range renewers {
			if err := must(ctx, "POST", pick(0)+"/api/v1/customers/"+id+"/subscriptions", secretKey,
				portico.ChangeRequest{PlanID: "pro", BillingPeriod: portico.Monthly}, nil); err != nil {
				return err
			}
		}
		minted, err := portalTokens(ctx, pick(0), append(append([]string{}, users...), renewers...))
		if err != nil {
			return err
		}
		tokens := &sessions{tokens: minted}
		baseline, err := baselines(ctx, pick(0), users)
		if err != nil {
			return err
		}
		var clockStart portico.TestClockView
		if err := must(ctx, "GET", pick(0)+"/api/v1/test-clock", secretKey, nil, &clockStart); err != nil {
			return err
		}

		l := newLedger()
		var c counters
		loadCtx, cancel := context.WithTimeout(ctx, loadFor)
		var wg sync.WaitGroup
		run := func(fn func()) { wg.Add(1); go func() { defer wg.Done(); fn() }() }
		run(func() { usageLoad(loadCtx, l, "replicas", users, 8, 100000, pick) })
		for w := 0; w < 4; w++ {
			run(func() { portalReads(loadCtx, &c, tokens, pick) })
		}
		for i, id := range changers {
			// Two changers per customer, each through its own replica.
			run(func() { planChanges(loadCtx, &c, id, i, pick) })
			run(func() { planChanges(loadCtx, &c, id, i+1, pick) })
		}
		run(func() { advanceClock(loadCtx, &c, pick) })
		wg.Wait()
		cancel()

		r.PortalReads, r.PortalFailures = c.portalReads.Load(), c.portalFailures.Load()
		r.PlanChanges, r.PlanRefusals = c.planChanges.Load(), c.planRefusals.Load()
		r.Advances, r.ServerErrors = c.advances.Load(), c.serverErrors.Load()
		if r.ServerErrors > 0 {
			return fmt.Errorf("%d failed calls, e.g. %v", r.ServerErrors, c.errors)
		}
		if err := l.settle(ctx, pick(0), time.Minute); err != nil {
			return err
		}
		if r.Usage, err = l.checkTotals(ctx, pick(1), users, baseline, true); err != nil {
			return err
		}
		r.Checks = append(r.Checks, "usage: every acknowledged report counted once, read through another replica")
		if err := oneLiveSubscription(ctx, pick(2), changers); err != nil {
			return err
		}
		r.Checks = append(r.Checks, "plan changes: one live subscription per customer, on a plan a change asked for")
		now, err := sameClock(ctx, servers)
		if err != nil {
			return err
		}
		r.ClockDays = int(now.Sub(clockStart.Now).Hours() / 24)
		r.Checks = append(r.Checks, "test clock: every replica tells the same time")
		if r.Renewals, err = renewedOnce(ctx, pick, renewers, clockStart.Now, now); err != nil {
			return err
		}
		r.Checks = append(r.Checks, "renewals: one invoice per period passed, none twice, none missed")
		return nil
	}()
	return r
}

// startReplicas starts n servers on one database at once: they migrate it
// and load the demo together.
func startReplicas(dbURL, logDir string, n int) ([]*server, error) {
	env := []string{"PORTICO_DATABASE_URL=" + dbURL, "PORTICO_DEMO=1", "PORTICO_TEST_CLOCK=1", "PORTICO_SCHEDULER_INTERVAL=250ms"}
	servers := make([]*server, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			servers[i], errs[i] = startServer(env, filepath.Join(logDir, fmt.Sprintf("replica-%d.log", i+1)))
		}()
	}
	wg.Wait()
	var started []*server
	for i, s := range servers {
		if errs[i] == nil {
			started = append(started, s)
		}
	}
	return started, errors.Join(errs...)
}

// portalTokens opens a portal session for each customer.
func portalTokens(ctx context.Context, base string, customers []string) (map[string]string, error) {
	out := map[string]string{}
	for _, id := range customers {
		var s struct{ Token string }
		if err := must(ctx, "POST", base+"/api/v1/portal-sessions", secretKey, map[string]string{"customerId": id, "ttl": "24h"}, &s); err != nil {
			return nil, err
		}
		out[id] = s.Token
	}
	return out, nil
}

// portalReads reads portals through random replicas. The test clock runs
// days ahead every second, so sessions expire under the load: a 401 is
// answered as a host would, by opening a new session and trying again.
func portalReads(ctx context.Context, c *counters, tokens *sessions, pick func(int) string) {
	ids := tokens.customers()
	for ctx.Err() == nil {
		id := ids[rand.IntN(len(ids))]
		base := pick(rand.IntN(3))
		a, err := call(ctx, "GET", base+"/api/v1/portal", tokens.get(id), "", nil)
		// A new session may expire before it is used when an advance
		// comes between: a few tries.
		for try := 0; try < 3 && err == nil && a.Status == 401; try++ {
			tokens.renew(ctx, pick(rand.IntN(3)), id)
			a, err = call(ctx, "GET", base+"/api/v1/portal", tokens.get(id), "", nil)
		}
		if ctx.Err() != nil {
			return
		}
		c.portalReads.Add(1)
		if err != nil || a.Status != 200 {
			c.portalFailures.Add(1)
			c.fail("portal of %s: %d %v", id, a.Status, err)
		}
	}
}

// sessions holds a portal session per customer, renewed when expired.
type sessions struct {
	mu     sync.Mutex
	tokens map[string]string
}

func (s *sessions) customers() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for id := range s.tokens {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

func (s *sessions) get(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokens[id]
}

func (s *sessions) renew(ctx context.Context, base, id string) {
	fresh, err := portalTokens(ctx, base, []string{id})
	if err != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[id] = fresh[id]
}

// planChanges switches a customer between Basic and Pro through one
// replica, as fast as answers come.
func planChanges(ctx context.Context, c *counters, id string, replica int, pick func(int) string) {
	for i := 0; ctx.Err() == nil; i++ {
		plan := []string{"basic", "pro"}[(i+replica)%2]
		a, err := call(ctx, "POST", pick(replica)+"/api/v1/customers/"+id+"/subscriptions", secretKey, "",
			portico.ChangeRequest{PlanID: plan, BillingPeriod: portico.Monthly})
		if ctx.Err() != nil {
			return
		}
		switch {
		case err != nil || a.Status >= 500:
			c.fail("change %s to %s: %d %v %s", id, plan, a.Status, err, a.Body)
		case a.Status < 300:
			c.planChanges.Add(1)
		default:
			// A refusal by the journey's rules (e.g. a downgrade already
			// scheduled) is an answer, not a failure.
			c.planRefusals.Add(1)
		}
	}
}

func advanceClock(ctx context.Context, c *counters, pick func(int) string) {
	t := time.NewTicker(300 * time.Millisecond)
	defer t.Stop()
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		a, err := call(ctx, "POST", pick(i)+"/api/v1/test-clock/advance", secretKey, "", map[string]string{"by": "3d"})
		if ctx.Err() != nil {
			return
		}
		if err != nil || a.Status != 200 {
			c.fail("advance: %d %v %s", a.Status, err, a.Body)
			continue
		}
		c.advances.Add(1)
	}
}

// oneLiveSubscription checks each customer has exactly one live Acme
// subscription, on Basic or Pro.
func oneLiveSubscription(ctx context.Context, base string, customers []string) error {
	for _, id := range customers {
		var v portico.CustomerView
		if err := must(ctx, "GET", base+"/api/v1/customers/"+id, secretKey, nil, &v); err != nil {
			return err
		}
		var live []string
		for _, s := range v.Subscriptions {
			if s.ProductID == "acme" && (s.Status == portico.StatusActive || s.Status == portico.StatusTrialing) {
				live = append(live, s.Plan.ID)
			}
		}
		if len(live) != 1 || (live[0] != "basic" && live[0] != "pro") {
			return fmt.Errorf("%s has live subscriptions on %v, want one on basic or pro", id, live)
		}
	}
	return nil
}

// sameClock checks every replica tells the same time, and returns it.
func sameClock(ctx context.Context, servers []*server) (time.Time, error) {
	var first time.Time
	for i, s := range servers {
		var v portico.TestClockView
		if err := must(ctx, "GET", s.URL+"/api/v1/test-clock", secretKey, nil, &v); err != nil {
			return first, err
		}
		if i == 0 {
			first = v.Now
		} else if d := v.Now.Sub(first); d < -5*time.Second || d > 5*time.Second {
			return first, fmt.Errorf("replica %d's clock says %s, replica 1's %s", i+1, v.Now, first)
		}
	}
	return first, nil
}

// renewedOnce checks that each customer's Pro subscription was renewed once
// per month passed: one invoice per period start after the first, no two
// at the same instant, consecutive ones a month apart, and the current
// period holding now. It returns the renewals seen.
func renewedOnce(ctx context.Context, pick func(int) string, customers []string, from, now time.Time) (int, error) {
	tokens, err := portalTokens(ctx, pick(0), customers)
	if err != nil {
		return 0, err
	}
	total := 0
	for i, id := range customers {
		a, err := call(ctx, "GET", pick(i)+"/api/v1/portal", tokens[id], "", nil)
		if err != nil || a.Status != 200 {
			return total, fmt.Errorf("portal of %s: %d %v", id, a.Status, err)
		}
		var v portico.PortalView
		if err := json.Unmarshal(a.Body, &v); err != nil {
			return total, err
		}
		var times []time.Time
		for _, inv := range v.Invoices {
			if inv.Created.After(from.Add(time.Minute)) {
				times = append(times, inv.Created)
			}
		}
		sort.Slice(times, func(a, b int) bool { return times[a].Before(times[b]) })
		for k := 1; k < len(times); k++ {
			gap := times[k].Sub(times[k-1])
			if gap < 28*24*time.Hour || gap > 31*24*time.Hour {
				return total, fmt.Errorf("%s: renewals at %s and %s, %s apart (twice, or one missed)", id, times[k-1], times[k], gap)
			}
		}
		for _, s := range v.Subscriptions {
			if s.Plan.ID == "pro" && !s.CurrentPeriodEnd.After(now) {
				return total, fmt.Errorf("%s: the period ending %s was not renewed by %s", id, s.CurrentPeriodEnd, now)
			}
		}
		if now.Sub(from) > 32*24*time.Hour && len(times) == 0 {
			return total, fmt.Errorf("%s: no renewal in %s", id, now.Sub(from))
		}
		total += len(times)
	}
	return total, nil
}
