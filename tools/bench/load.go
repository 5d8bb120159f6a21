package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// load is one load run: a fixed number of workers sending requests until
// a count or a time limit is reached, whichever comes first.
type load struct {
	Concurrency int
	Requests    int           // at most this many requests
	Duration    time.Duration // and for at most this long
	Warmup      int           // requests sent first and not counted
	// New makes the i-th request.
	New func(i int) (*http.Request, error)
}

// result is what a load run measured.
type result struct {
	Requests int
	Errors   int
	Elapsed  time.Duration
	P50, P99 time.Duration
	// FirstError describes the first failed request, if any.
	FirstError string
	latencies  []time.Duration // sorted
}

// merge adds up runs of the same call: counts and time add, percentiles
// come from every latency.
func merge(rs ...result) result {
	var out result
	for _, r := range rs {
		out.Requests += r.Requests
		out.Errors += r.Errors
		out.Elapsed += r.Elapsed
		out.latencies = append(out.latencies, r.latencies...)
		if out.FirstError == "" {
			out.FirstError = r.FirstError
		}
	}
	slices.Sort(out.latencies)
	out.P50, out.P99 = percentiles(out.latencies)
	return out
}

func percentiles(sorted []time.Duration) (p50, p99 time.Duration) {
	n := len(sorted)
	if n == 0 {
		return 0, 0
	}
	return sorted[n*50/100], sorted[min(n-1, n*99/100)]
}

// RPS is the throughput in requests per second.
func (r result) RPS() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// client keeps enough idle connections for every worker, so the run
// measures requests, not connection set-up.
func client(concurrency int) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = concurrency*2, concurrency*2
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

func (l load) run(ctx context.Context) result {
	c := client(l.Concurrency)
	defer c.CloseIdleConnections()
	for i := range l.Warmup {
		if req, err := l.New(i); err == nil {
			if res, err := c.Do(req.WithContext(ctx)); err == nil {
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
		}
	}
	ctx, cancel := context.WithTimeout(ctx, l.Duration)
	defer cancel()
	var (
		next      atomic.Int64
		errs      atomic.Int64
		mu        sync.Mutex
		latencies = make([]time.Duration, 0, l.Requests)
		firstErr  atomic.Value
		wg        sync.WaitGroup
	)
	start := time.Now()
	for range l.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := make([]time.Duration, 0, l.Requests/l.Concurrency+1)
			defer func() {
				mu.Lock()
				latencies = append(latencies, mine...)
				mu.Unlock()
			}()
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= l.Requests {
					return
				}
				t0 := time.Now()
				if err := l.once(ctx, c, i); err != nil {
					if ctx.Err() != nil {
						return // the time limit, not a failure
					}
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				mine = append(mine, time.Since(t0))
			}
		}()
	}
	wg.Wait()
	r := result{Requests: len(latencies), Errors: int(errs.Load()), Elapsed: time.Since(start)}
	if s, ok := firstErr.Load().(string); ok {
		r.FirstError = s
	}
	slices.Sort(latencies)
	r.latencies = latencies
	r.P50, r.P99 = percentiles(latencies)
	return r
}

func (l load) once(ctx context.Context, c *http.Client, i int) error {
	req, err := l.New(i)
	if err != nil {
		return err
	}
	res, err := c.Do(req.WithContext(ctx))
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if _, err := io.Copy(io.Discard, res.Body); err != nil {
		return err
	}
	if res.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %s", req.Method, req.URL.Path, res.Status)
	}
	return nil
}
