package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// serverRun is the calls measured against one store, each with the bare
// handler's figure from the turns beside it.
type serverRun struct {
	Customers                                             int
	Portal, Entitlements, Upcoming                        result
	Usage                                                 result
	PortalBare, EntitlementsBare, UpcomingBare, UsageBare result
	PeakRSS                                               int64
}

// rounds is how many turns each side of a comparison takes: loading the
// sides alternately, rather than one after the other, keeps a change in
// the machine's load from landing on one side of a ratio.
const rounds = 4

// loadShape is how hard and how long each call is loaded.
type loadShape struct {
	Concurrency int
	Requests    int
	Duration    time.Duration
}

// warmup is how many requests each turn sends first, uncounted: more than
// there are portal sessions (256), so every turn measures the steady state.
// A session's first portal read since usage was reported for its customer
// recomputes the view in a write transaction (the stores are kept between
// runs, and the previous run ended with usage reports for every customer);
// that cost is the engine benchmark's Portal figure, not a tail of reads.
const warmup = 300

// spread visits customers in a scattered order, so the store's caches see
// the whole population rather than a few hot rows.
func spread(i, n int) int { return (i * 7919) % n }

// target is one server a call is sent to, with the request it makes.
type target func(i int) (*http.Request, error)

// turns loads each target in turn, rounds times, and returns each one's
// merged result.
func turns(ctx context.Context, shape loadShape, targets ...target) []result {
	per := make([][]result, len(targets))
	for r := range rounds {
		for k, t := range targets {
			l := load{Concurrency: shape.Concurrency, Requests: shape.Requests / rounds, Duration: shape.Duration / rounds, Warmup: warmup}
			offset := r * l.Requests
			l.New = func(i int) (*http.Request, error) { return t(offset + i) }
			per[k] = append(per[k], l.run(ctx))
		}
	}
	out := make([]result, len(targets))
	for k := range per {
		out[k] = merge(per[k]...)
	}
	return out
}

// seeded is a started server over a seeded store, with portal sessions.
type seeded struct {
	*proc
	customers int
	tokens    []string
}

func (p *seeded) portal(i int) (*http.Request, error) {
	req, err := http.NewRequest(http.MethodGet, p.URL+"/api/v1/portal", nil)
	if err == nil {
		req.Header.Set("Authorization", "Bearer "+p.tokens[i%len(p.tokens)])
	}
	return req, err
}

func (p *seeded) entitlements(i int) (*http.Request, error) {
	req, err := http.NewRequest(http.MethodGet, p.URL+"/api/v1/customers/"+customerID(spread(i, p.customers))+"/entitlements", nil)
	if err == nil {
		req.Header.Set("Authorization", "Bearer "+benchKey)
	}
	return req, err
}

// upcoming asks for the next invoice of a customer (usage so far priced
// for those on the usage-priced plan).
func (p *seeded) upcoming(i int) (*http.Request, error) {
	req, err := http.NewRequest(http.MethodGet, p.URL+"/api/v1/customers/"+customerID(spread(i, p.customers))+"/upcoming-invoice", nil)
	if err == nil {
		req.Header.Set("Authorization", "Bearer "+benchKey)
	}
	return req, err
}

func (p *seeded) usage(i int) (*http.Request, error) {
	body, _ := json.Marshal(map[string]any{"customerId": customerID(spread(i, p.customers)), "featureId": "api-calls", "value": 1})
	req, err := http.NewRequest(http.MethodPost, p.URL+"/api/v1/usage", bytes.NewReader(body))
	if err == nil {
		req.Header.Set("Authorization", "Bearer "+benchKey)
		req.Header.Set("Content-Type", "application/json")
	}
	return req, err
}

func startSeeded(ctx context.Context, dataDir string, customers int) (*seeded, error) {
	p, err := startPortico(ctx, dataDir)
	if err != nil {
		return nil, err
	}
	tokens, err := portalTokens(ctx, p.URL, customers, 256)
	if err != nil {
		p.stop()
		return nil, err
	}
	return &seeded{proc: p, customers: customers, tokens: tokens}, nil
}

// measureServers runs a server on each store, and loads each call on the
// bare handler, the small store and the large one in turns; the usage
// call, which changes the store, goes to the small one only, last.
func measureServers(ctx context.Context, smallDir, largeDir string, smallN, largeN int, bare *proc, shape loadShape) (sm, lg serverRun, err error) {
	s, err := startSeeded(ctx, smallDir, smallN)
	if err != nil {
		return sm, lg, err
	}
	defer s.stop()
	l, err := startSeeded(ctx, largeDir, largeN)
	if err != nil {
		return sm, lg, err
	}
	defer l.stop()
	// Each store warms its snapshot memory in the background after it
	// opens (the large one for seconds): the load measures them warmed.
	s.waitIdle()
	l.waitIdle()
	sm, lg = serverRun{Customers: smallN}, serverRun{Customers: largeN}
	bareReq := func(int) (*http.Request, error) { return http.NewRequest(http.MethodGet, bare.URL+"/", nil) }

	stopS, stopL := make(chan struct{}), make(chan struct{})
	peakS, peakL := s.peakRSS(stopS), l.peakRSS(stopL)
	r := turns(ctx, shape, bareReq, s.portal, l.portal)
	sm.PortalBare, sm.Portal, lg.PortalBare, lg.Portal = r[0], r[1], r[0], r[2]
	r = turns(ctx, shape, bareReq, s.entitlements, l.entitlements)
	sm.EntitlementsBare, sm.Entitlements, lg.EntitlementsBare, lg.Entitlements = r[0], r[1], r[0], r[2]
	r = turns(ctx, shape, bareReq, s.upcoming, l.upcoming)
	sm.UpcomingBare, sm.Upcoming, lg.UpcomingBare, lg.Upcoming = r[0], r[1], r[0], r[2]
	close(stopL)
	r = turns(ctx, shape, bareReq, s.usage)
	sm.UsageBare, sm.Usage = r[0], r[1]
	close(stopS)
	sm.PeakRSS, lg.PeakRSS = <-peakS, <-peakL
	return sm, lg, nil
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
