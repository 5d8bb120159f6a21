package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// serverRun is one server measurement: the calls against one store, with
// the bare handler measured in the same run.
type serverRun struct {
	Customers            int
	Portal, Entitlements result
	Usage                result
	// The bare handler, measured in turns with each call.
	PortalBare, EntitlementsBare, UsageBare result
	PeakRSS                                 int64
}

// rounds is how many turns a call and the bare handler take: measuring
// them alternately, rather than one after the other, keeps a change in
// the machine's load from landing on one side of the ratio.
const rounds = 4

// paired loads the bare handler and a call in turns and returns both.
func paired(ctx context.Context, shape loadShape, bare, call func(int) (*http.Request, error)) (callRes, bareRes result) {
	var cs, bs []result
	for r := range rounds {
		l := load{Concurrency: shape.Concurrency, Requests: shape.Requests / rounds, Duration: shape.Duration / rounds, Warmup: 100}
		l.New = bare
		bs = append(bs, l.run(ctx))
		l.New = func(i int) (*http.Request, error) { return call(r*l.Requests + i) }
		cs = append(cs, l.run(ctx))
	}
	return merge(cs...), merge(bs...)
}

// loadShape is how hard and how long each call is loaded.
type loadShape struct {
	Concurrency int
	Requests    int
	Duration    time.Duration
}

// spread visits customers in a scattered order, so the store's caches see
// the whole population rather than a few hot rows.
func spread(i, n int) int { return (i * 7919) % n }

func measureServer(ctx context.Context, dataDir string, customers int, bare *proc, shape loadShape, withUsage bool) (serverRun, error) {
	run := serverRun{Customers: customers}
	p, err := startPortico(ctx, dataDir)
	if err != nil {
		return run, err
	}
	defer p.stop()
	tokens, err := portalTokens(ctx, p.URL, customers, 256)
	if err != nil {
		return run, err
	}
	bareReq := func(int) (*http.Request, error) { return http.NewRequest(http.MethodGet, bare.URL+"/", nil) }
	stop := make(chan struct{})
	peak := p.peakRSS(stop)
	run.Portal, run.PortalBare = paired(ctx, shape, bareReq, func(i int) (*http.Request, error) {
		req, err := http.NewRequest(http.MethodGet, p.URL+"/api/v1/portal", nil)
		if err == nil {
			req.Header.Set("Authorization", "Bearer "+tokens[i%len(tokens)])
		}
		return req, err
	})
	run.Entitlements, run.EntitlementsBare = paired(ctx, shape, bareReq, func(i int) (*http.Request, error) {
		req, err := http.NewRequest(http.MethodGet, p.URL+"/api/v1/customers/"+customerID(spread(i, customers))+"/entitlements", nil)
		if err == nil {
			req.Header.Set("Authorization", "Bearer "+benchKey)
		}
		return req, err
	})
	if withUsage {
		run.Usage, run.UsageBare = paired(ctx, shape, bareReq, func(i int) (*http.Request, error) {
			body, _ := json.Marshal(map[string]any{"customerId": customerID(spread(i, customers)), "featureId": "api-calls", "value": 1})
			req, err := http.NewRequest(http.MethodPost, p.URL+"/api/v1/usage", bytes.NewReader(body))
			if err == nil {
				req.Header.Set("Authorization", "Bearer "+benchKey)
				req.Header.Set("Content-Type", "application/json")
			}
			return req, err
		})
	}
	close(stop)
	run.PeakRSS = <-peak
	return run, nil
}

// portalTokens opens portal sessions for k customers spread over n.
func portalTokens(ctx context.Context, base string, n, k int) ([]string, error) {
	var out []string
	for i := range min(n, k) {
		body, _ := json.Marshal(map[string]any{"customerId": customerID(spread(i, n)), "ttl": "2h"})
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/portal-sessions", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+benchKey)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		var s struct{ Token string }
		err = json.NewDecoder(res.Body).Decode(&s)
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusCreated {
			return nil, fmt.Errorf("open a portal session: %s %v", res.Status, err)
		}
		out = append(out, s.Token)
	}
	return out, nil
}
