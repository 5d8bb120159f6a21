package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

// profileCall loads one call of the small store (portal, entitlements or
// usage) and saves the server's CPU profile meanwhile, to find where the
// time goes: go tool pprof -top bin/portico FILE.
func profileCall(ctx context.Context, cache, call, out string, customers int) error {
	dir, err := seed(ctx, cache, customers)
	if err != nil {
		return err
	}
	const pprofAddr = "127.0.0.1:6061"
	p, err := startPortico(ctx, dir, "PORTICO_PPROF="+pprofAddr)
	if err != nil {
		return err
	}
	defer p.stop()
	tokens, err := portalTokens(ctx, p.URL, customers, 64)
	if err != nil {
		return err
	}
	l := load{Concurrency: 64, Requests: 1 << 30, Duration: 8 * time.Second, New: func(i int) (*http.Request, error) {
		var req *http.Request
		var err error
		switch call {
		case "portal":
			req, err = http.NewRequest(http.MethodGet, p.URL+"/api/v1/portal", nil)
			if err == nil {
				req.Header.Set("Authorization", "Bearer "+tokens[i%len(tokens)])
			}
		case "entitlements":
			req, err = http.NewRequest(http.MethodGet, p.URL+"/api/v1/customers/"+customerID(spread(i, customers))+"/entitlements", nil)
			if err == nil {
				req.Header.Set("Authorization", "Bearer "+benchKey)
			}
		default:
			return nil, fmt.Errorf("no call %q: portal or entitlements", call)
		}
		return req, err
	}}
	done := make(chan result, 1)
	go func() { done <- l.run(ctx) }()
	time.Sleep(time.Second)
	res, err := http.Get("http://" + pprofAddr + "/debug/pprof/profile?seconds=5")
	if err != nil {
		return err
	}
	defer res.Body.Close()
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := io.Copy(f, res.Body); err != nil {
		return err
	}
	r := <-done
	logf("%s: %.0f req/s, p50 %s, p99 %s, %d errors; profile in %s", call, r.RPS(), dur(r.P50), dur(r.P99), r.Errors, out)
	return nil
}
