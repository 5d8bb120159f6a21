package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/portico-dev/portico/internal/pgtest"
)

// Batch ingestion: batches of batchSize events, each spread over
// batchCustomers customers, sent by ingestClients at once for
// ingestFor, on a copy of the small SQLite store and on a PostgreSQL
// database with as many customers.
const (
	batchSize      = 1000
	batchCustomers = 250
	ingestClients  = 4
	ingestFor      = 12 * time.Second
)

// ingestRun is one store's batch ingestion.
type ingestRun struct {
	Store   string
	Batches result
	Events  int
}

// EventsPerSecond is the rate events were counted at.
func (r ingestRun) EventsPerSecond() float64 {
	if r.Batches.Elapsed <= 0 {
		return 0
	}
	return float64(r.Events) / r.Batches.Elapsed.Seconds()
}

// measureIngestion loads the batch call on SQLite (a copy of the seeded
// small store) and on PostgreSQL (customers created through the API).
func measureIngestion(ctx context.Context, smallDir string, customers int) ([]ingestRun, error) {
	dir, err := os.MkdirTemp("", "portico-ingest-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if err := copyFile(filepath.Join(smallDir, "portico.db"), filepath.Join(dir, "portico.db")); err != nil {
		return nil, err
	}
	sqlite, err := ingestOn(ctx, "SQLite", dir, customers, false)
	if err != nil {
		return nil, err
	}
	pgURL, stopPG, err := pgtest.Start()
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL: %w", err)
	}
	defer stopPG()
	pg, err := ingestOn(ctx, "PostgreSQL", filepath.Join(dir, "pg"), customers, true, "PORTICO_DATABASE_URL="+pgURL, "PORTICO_DEMO=1")
	if err != nil {
		return nil, err
	}
	return []ingestRun{sqlite, pg}, nil
}

func ingestOn(ctx context.Context, name, dataDir string, customers int, create bool, env ...string) (ingestRun, error) {
	p, err := startPortico(ctx, dataDir, env...)
	if err != nil {
		return ingestRun{}, err
	}
	defer p.stop()
	if create {
		if err := createCustomers(ctx, p.URL, customers); err != nil {
			return ingestRun{}, err
		}
	}
	p.waitIdle()
	l := load{Concurrency: ingestClients, Requests: 1 << 20, Duration: ingestFor, Warmup: 2,
		New: func(i int) (*http.Request, error) { return batchRequest(p.URL, name, i, customers) }}
	res := l.run(ctx)
	return ingestRun{Store: name, Batches: res, Events: res.Requests * batchSize}, nil
}

// batchRequest is the i-th batch: batchSize events with keys of their own,
// over batchCustomers customers.
func batchRequest(base, run string, i, customers int) (*http.Request, error) {
	events := make([]map[string]any, batchSize)
	for k := range events {
		c := spread(i*batchCustomers+k%batchCustomers, customers)
		events[k] = map[string]any{"customerId": customerID(c), "featureId": "api-calls", "value": 1,
			"idempotencyKey": fmt.Sprintf("%s-%d-%d", run, i, k)}
	}
	body, err := json.Marshal(map[string]any{"events": events})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequest(http.MethodPost, base+"/api/v1/usage/batch", bytes.NewReader(body))
	if err == nil {
		req.Header.Set("Authorization", "Bearer "+benchKey)
		req.Header.Set("Content-Type", "application/json")
	}
	return req, err
}

// createCustomers creates n customers through the API, for a store not
// seeded from the cache.
func createCustomers(ctx context.Context, base string, n int) error {
	for i := range n {
		body, _ := json.Marshal(map[string]any{"id": customerID(i)})
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/customers", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+benchKey)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusCreated && res.StatusCode != http.StatusConflict {
			return fmt.Errorf("create customer %d: %s", i, res.Status)
		}
	}
	return nil
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o644)
}
