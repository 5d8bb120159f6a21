package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"time"
)

// crashResult is one store's crash scenario.
type crashResult struct {
	Store                     string
	Kills                     int
	Sent, Acked, Unknown      int
	Resent                    int
	RestartMax                time.Duration
	BeforeResend, AfterResend string
	Err                       error
}

// crashScenario reports usage from many workers, one event a call and in
// batches of 50, kills the server with
// SIGKILL at a random moment, restarts it, and checks that every
// acknowledged event is counted and none twice — before the unknown ones
// are resent (counted: between acknowledged and acknowledged + unknown)
// and after (exactly once each, the keys deduplicating the resends).
func crashScenario(ctx context.Context, storeName string, env []string, logDir string, kills, workers int) crashResult {
	r := crashResult{Store: storeName, Kills: kills}
	r.Err = func() error {
		logPath := filepath.Join(logDir, "crash-"+storeName+".log")
		srv, err := startServer(append(env, "PORTICO_DEMO=1"), logPath)
		if err != nil {
			return err
		}
		defer func() {
			if srv.cmd.ProcessState == nil {
				srv.stop()
			}
		}()
		customers, err := createCustomers(ctx, srv.URL, "crash", 12, false)
		if err != nil {
			return err
		}
		baseline, err := baselines(ctx, srv.URL, customers)
		if err != nil {
			return err
		}
		l := newLedger()
		for k := 0; k < kills; k++ {
			loadCtx, cancel := context.WithCancel(ctx)
			done := make(chan struct{})
			url := srv.URL
			go func() {
				defer close(done)
				// Single calls and batches of 50 at once: a kill lands
				// in the middle of both.
				round := fmt.Sprintf("crash-%s-%d", storeName, k)
				var wg sync.WaitGroup
				wg.Go(func() { batchLoad(loadCtx, l, round, customers, 2, 50, 200000, url) })
				usageLoad(loadCtx, l, round, customers, workers, 200000, func(int) string { return url })
				wg.Wait()
			}()
			time.Sleep(time.Duration(400+rand.IntN(1200)) * time.Millisecond)
			srv.kill()
			// The workers see the server gone; let them record it, then stop.
			time.Sleep(100 * time.Millisecond)
			cancel()
			<-done
			began := time.Now()
			if err := srv.restart(logPath); err != nil {
				return fmt.Errorf("restart after kill %d: %w", k+1, err)
			}
			r.RestartMax = max(r.RestartMax, time.Since(began))
		}
		r.Sent, r.Acked, r.Unknown = int(l.sent.Load()), len(l.acked), len(l.unknown)
		if r.BeforeResend, err = l.checkTotals(ctx, srv.URL, customers, baseline, false); err != nil {
			return err
		}
		// Resend the unknown, and some acknowledged ones too: a client's
		// retry of an answered request must not count twice.
		r.Resent = len(l.unknown)
		resendAcked(ctx, l, srv.URL, 100)
		if err := l.settle(ctx, srv.URL, 2*time.Minute); err != nil {
			return err
		}
		r.AfterResend, err = l.checkTotals(ctx, srv.URL, customers, baseline, true)
		return err
	}()
	return r
}

// resendAcked sends up to n acknowledged events again with their keys.
func resendAcked(ctx context.Context, l *ledger, base string, n int) {
	l.mu.Lock()
	var again []usageEvent
	for _, e := range l.acked {
		if len(again) == n {
			break
		}
		again = append(again, e)
	}
	l.mu.Unlock()
	for _, e := range again {
		a, err := e.send(ctx, base)
		l.record(e, a, err)
	}
}
