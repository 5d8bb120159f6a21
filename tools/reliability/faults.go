package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/billing/stripemock"
)

// Billing provider behaviours the fault proxy plays.
const (
	billingUp      = "answering"
	billingFailing = "failing (500s)"
	billingHanging = "hanging"
)

// faultProxy stands between Portico and stripe-mock and fails or hangs
// every call while told to.
type faultProxy struct {
	mode  atomic.Value // string
	proxy *httputil.ReverseProxy
}

func (p *faultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch p.mode.Load() {
	case billingFailing:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, `{"error":{"type":"api_error","message":"injected failure"}}`)
	case billingHanging:
		// Hang until the caller gives up (bounded, so the suite ends).
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Minute):
		}
	default:
		p.proxy.ServeHTTP(w, r)
	}
}

// phaseResult is one call kind's answers in one phase.
type phaseResult struct {
	Phase, Call string
	Calls, OK   int
	P99         time.Duration
	Failures    []string
}

type faultResult struct {
	Phases []phaseResult
	Checks []string
	Err    error
}

// faultScenario runs the same mixed load while the billing provider
// answers, fails, hangs and answers again. Calls that need no billing
// (usage, entitlements) must answer every time; a plan change that the
// provider failed must change nothing, one it took must be whole; no
// acknowledged usage is lost.
func faultScenario(ctx context.Context, dataDir, logDir string, phaseFor time.Duration) faultResult {
	var r faultResult
	r.Err = func() error {
		mockURL, stopMock, err := stripemock.Run("bin/stripe-mock")
		if err != nil {
			return fmt.Errorf("stripe-mock (make test builds bin/stripe-mock): %w", err)
		}
		defer stopMock()
		target, _ := url.Parse(mockURL)
		fp := &faultProxy{proxy: httputil.NewSingleHostReverseProxy(target)}
		fp.mode.Store(billingUp)
		proxy := httptest.NewServer(fp)
		defer proxy.Close()

		srv, err := startServer([]string{"PORTICO_DATA=" + dataDir, "PORTICO_DEMO=1",
			"STRIPE_SECRET_KEY=sk_test_reliability", "STRIPE_API_BASE=" + proxy.URL}, filepath.Join(logDir, "faults.log"))
		if err != nil {
			return err
		}
		defer srv.stop()
		users, err := createCustomers(ctx, srv.URL, "fault-use", 8, false)
		if err != nil {
			return err
		}
		changers, err := createCustomers(ctx, srv.URL, "fault-plan", 4, true)
		if err != nil {
			return err
		}
		tokens, err := portalTokens(ctx, srv.URL, users)
		if err != nil {
			return err
		}
		baseline, err := baselines(ctx, srv.URL, users)
		if err != nil {
			return err
		}
		l := newLedger()
		var halfApplied []string
		for i, mode := range []string{billingUp, billingFailing, billingHanging, billingUp} {
			fp.mode.Store(mode)
			d := phaseFor
			if i == 3 {
				// Long enough for the guard's ping to find the provider back.
				d = max(2*phaseFor, 6*time.Second)
			}
			phase, bad := faultPhase(ctx, srv.URL, i, mode, d, l, users, changers, tokens)
			r.Phases = append(r.Phases, phase...)
			halfApplied = append(halfApplied, bad...)
		}
		fp.mode.Store(billingUp)
		if err := l.settle(ctx, srv.URL, time.Minute); err != nil {
			return err
		}
		if _, err := l.checkTotals(ctx, srv.URL, users, baseline, true); err != nil {
			return err
		}
		r.Checks = append(r.Checks, "usage: every acknowledged report counted once")
		if len(halfApplied) > 0 {
			return fmt.Errorf("plan changes half-applied: %v", halfApplied)
		}
		r.Checks = append(r.Checks, "plan changes: each one refused left the subscription as it was; each one taken is whole")
		for _, p := range r.Phases {
			if (p.Call == "usage" || p.Call == "entitlements") && p.OK != p.Calls {
				return fmt.Errorf("%s calls failed while billing was %s: %v", p.Call, p.Phase, p.Failures)
			}
		}
		r.Checks = append(r.Checks, "usage and entitlements: every call answered in every phase")
		if last := r.Phases[len(r.Phases)-1]; last.OK == 0 {
			return fmt.Errorf("no plan change was taken once the provider answered again")
		}
		r.Checks = append(r.Checks, "recovery: plan changes are taken again once the provider answers")
		return nil
	}()
	return r
}

// timings collects one call kind's latencies and failures.
type timings struct {
	mu       sync.Mutex
	took     []time.Duration
	ok       int
	failures []string
}

func (t *timings) add(d time.Duration, ok bool, failure string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.took = append(t.took, d)
	if ok {
		t.ok++
	} else if len(t.failures) < 5 {
		t.failures = append(t.failures, failure)
	}
}

func (t *timings) result(phase, call string) phaseResult {
	slices.Sort(t.took)
	r := phaseResult{Phase: phase, Call: call, Calls: len(t.took), OK: t.ok, Failures: t.failures}
	if n := len(t.took); n > 0 {
		r.P99 = t.took[min(n-1, n*99/100)]
	}
	return r
}

// faultPhase runs the mixed load for d and returns each call kind's
// figures and the plan changes found half-applied.
func faultPhase(ctx context.Context, base string, phase int, mode string, d time.Duration, l *ledger, users, changers []string, tokens map[string]string) ([]phaseResult, []string) {
	loadCtx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	kinds := map[string]*timings{"usage": {}, "entitlements": {}, "portal": {}, "plan change": {}}
	var mu sync.Mutex
	var halfApplied []string
	var wg sync.WaitGroup
	loop := func(fn func(i int)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; loadCtx.Err() == nil; i++ {
				fn(i)
			}
		}()
	}
	timed := func(kind string, fn func() (bool, string)) {
		began := time.Now()
		ok, failure := fn()
		if loadCtx.Err() == nil || ok {
			kinds[kind].add(time.Since(began), ok, failure)
		}
	}
	var seq atomic.Int64
	for w := 0; w < 4; w++ {
		loop(func(int) {
			timed("usage", func() (bool, string) {
				n := seq.Add(1)
				e := usageEvent{Key: fmt.Sprintf("fault-%d-%d", phase, n), Customer: users[int(n)%len(users)]}
				a, err := e.send(ctx, base)
				l.record(e, a, err)
				return err == nil && a.Status < 300, fmt.Sprintf("%d %v", a.Status, err)
			})
		})
	}
	loop(func(i int) {
		timed("entitlements", func() (bool, string) {
			_, err := usageOf(loadCtx, base, users[i%len(users)])
			return err == nil, fmt.Sprint(err)
		})
	})
	loop(func(i int) {
		timed("portal", func() (bool, string) {
			a, err := call(loadCtx, "GET", base+"/api/v1/portal", tokens[users[i%len(users)]], "", nil)
			return err == nil && a.Status == 200, fmt.Sprintf("%d %v", a.Status, err)
		})
	})
	for _, id := range changers {
		loop(func(i int) {
			timed("plan change", func() (bool, string) {
				ok, answer, bad := changeAndCheck(ctx, base, id, []string{"basic", "pro"}[i%2])
				if bad != "" {
					mu.Lock()
					halfApplied = append(halfApplied, bad)
					mu.Unlock()
				}
				return ok, answer
			})
		})
	}
	wg.Wait()
	var out []phaseResult
	for _, k := range []string{"usage", "entitlements", "portal", "plan change"} {
		out = append(out, kinds[k].result(mode, k))
	}
	return out, halfApplied
}

// changeAndCheck asks for a plan change and reads the customer back: taken,
// the subscription is on the new plan; refused, it is as it was.
func changeAndCheck(ctx context.Context, base, id, plan string) (taken bool, answered, halfApplied string) {
	before, err := livePlan(ctx, base, id)
	if err != nil {
		return false, err.Error(), ""
	}
	a, err := call(ctx, "POST", base+"/api/v1/customers/"+id+"/subscriptions", secretKey, "",
		portico.ChangeRequest{PlanID: plan, BillingPeriod: portico.Monthly})
	if err != nil {
		return false, err.Error(), ""
	}
	answered = fmt.Sprintf("%d %s", a.Status, a.Body)
	after, err := livePlan(ctx, base, id)
	if err != nil {
		return false, answered, ""
	}
	taken = a.Status < 300
	switch {
	case taken && after != plan && after != before && after != before+"+scheduled" && after != plan+"+scheduled":
		// Taken: on the plan asked for, or a downgrade scheduled for the
		// period's end (the demo journey's rule).
		return taken, answered, fmt.Sprintf("%s: change to %s answered %d but the subscription is %s (was %s)", id, plan, a.Status, after, before)
	case !taken && after != before:
		return taken, answered, fmt.Sprintf("%s: change to %s refused (%d) but the plan moved %s → %s", id, plan, a.Status, before, after)
	}
	return taken, answered, ""
}

// livePlan is the plan of the customer's live Acme subscription ("" when
// none).
func livePlan(ctx context.Context, base, id string) (string, error) {
	var v portico.CustomerView
	if err := must(ctx, "GET", base+"/api/v1/customers/"+id, secretKey, nil, &v); err != nil {
		return "", err
	}
	for _, s := range v.Subscriptions {
		if s.ProductID == "acme" && (s.Status == portico.StatusActive || s.Status == portico.StatusTrialing) {
			return s.Plan.ID + scheduled(s), nil
		}
	}
	return "", nil
}

// scheduled marks a subscription with a change waiting, so that a refused
// request that scheduled one anyway shows.
func scheduled(s portico.SubscriptionView) string {
	if len(s.ScheduledUpdates) > 0 {
		return "+scheduled"
	}
	return ""
}
