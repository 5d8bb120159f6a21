// Command bench measures Portico on this machine — sizes, page loads in
// headless Chromium, the API under load beside a bare net/http handler,
// the same calls over 1,000 and 100,000 customers, and the engine's hot
// paths — and writes the figures with their budgets into
// docs/performance.md. Run it with `make bench` (it needs `make build`).
package main

import (
	"context"
	"flag"
	"fmt"
	"github.com/portico-dev/portico/internal/headless"
	"os"
	"os/signal"
	"time"
)

func logf(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }

func main() {
	out := flag.String("out", "docs/performance.md", "the markdown file to write the figures into")
	cache := flag.String("cache", "bin/bench-cache", "where seeded stores are kept between runs")
	large := flag.Int("large", 100_000, "customers in the large store")
	quick := flag.Bool("quick", false, "a short run: fewer requests, a smaller large store")
	bareAddr := flag.String("serve-bare", "", "serve the bare baseline handler on this address (used by the bench itself)")
	profile := flag.String("profile", "", "instead of the bench, load one call (portal, entitlements) and save the server's CPU profile")
	profiled := flag.Int("profile-customers", small, "the store -profile loads: 1000 or the large one")
	seedOnly := flag.Int("seed", 0, "instead of the bench, only seed a store of this many customers into the cache")
	pagesOnly := flag.Int("pages", 0, "instead of the bench, only load the portal page (and the floor page) this many times each, and print the medians")
	ingestOnly := flag.Bool("ingest", false, "instead of the bench, only load the batch call on SQLite and PostgreSQL, and print the rates")
	historyOnly := flag.Bool("history", false, "instead of the bench, only fill and read a usage history of 100,000 customers × 13 months, and print the figures")
	sdkOnly := flag.Bool("sdk", false, "instead of the bench, only run the Go SDK's benchmarks (a cached check, plan change to cache), and print the figures")
	flag.Parse()
	if *sdkOnly {
		if err := printSDK(context.Background()); err != nil {
			logf("sdk: %v", err)
			os.Exit(1)
		}
		return
	}
	if *historyOnly {
		h, err := measureHistory(context.Background(), 100_000, 13)
		if err != nil {
			logf("history: %v", err)
			os.Exit(1)
		}
		fmt.Printf("history: %d customers × %d months = %d rows, %.0f MiB (%.0f bytes a customer-month), filled in %s; a customer's 13 months read in %s (p50), %s (p99) over %d reads\n",
			h.Customers, h.Months, h.Rows, float64(h.Bytes)/mib, float64(h.Bytes)/float64(h.Rows), h.Seed.Round(time.Second), dur(h.P50), dur(h.P99), h.Reads)
		return
	}
	if *ingestOnly {
		if err := printIngestion(context.Background(), *cache); err != nil {
			logf("ingest: %v", err)
			os.Exit(1)
		}
		return
	}
	if *pagesOnly > 0 {
		if err := printPageLoads(context.Background(), *cache, *pagesOnly); err != nil {
			logf("pages: %v", err)
			os.Exit(1)
		}
		return
	}
	if *seedOnly > 0 {
		dir, err := seed(context.Background(), *cache, *seedOnly)
		if err != nil {
			logf("seed: %v", err)
			os.Exit(1)
		}
		logf("seeded %s", dir)
		return
	}
	if *profile != "" {
		if err := profileCall(context.Background(), *cache, *profile, *profile+".pprof", *profiled); err != nil {
			logf("profile: %v", err)
			os.Exit(1)
		}
		return
	}
	if *bareAddr != "" {
		if err := serveBare(*bareAddr); err != nil {
			logf("bare server: %v", err)
			os.Exit(1)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	cfg := config{Large: *large, Shape: loadShape{Concurrency: 64, Requests: 40_000, Duration: 15 * time.Second}, BrowserRuns: 15}
	if *quick {
		cfg.Large = min(cfg.Large, 10_000)
		cfg.Shape = loadShape{Concurrency: 64, Requests: 5_000, Duration: 5 * time.Second}
		cfg.BrowserRuns = 5
	}
	rep, err := measure(ctx, cfg, *cache)
	if err != nil {
		logf("bench: %v", err)
		os.Exit(1)
	}
	if err := rep.write(*out); err != nil {
		logf("bench: %v", err)
		os.Exit(1)
	}
	logf("wrote %s", *out)
	if missed := rep.missed(); len(missed) > 0 {
		logf("budgets missed: %v", missed)
	}
}

type config struct {
	Large       int
	Shape       loadShape
	BrowserRuns int
}

const small = 1_000

func measure(ctx context.Context, cfg config, cache string) (*report, error) {
	rep := &report{When: time.Now(), Machine: describeMachine(), Shape: cfg.Shape}
	var err error
	logf("sizes")
	if rep.Sizes, err = measureSizes("assets/web"); err != nil {
		return nil, err
	}
	logf("engine micro-benchmarks")
	if rep.Micro, err = microBenchmarks(ctx); err != nil {
		return nil, err
	}
	logf("Go SDK benchmarks")
	if rep.SDK, err = measureSDK(ctx); err != nil {
		return nil, err
	}
	logf("seeding %d and %d customers (kept in %s)", small, cfg.Large, cache)
	smallDir, err := seed(ctx, cache, small)
	if err != nil {
		return nil, fmt.Errorf("seed %d customers: %w", small, err)
	}
	largeDir, err := seed(ctx, cache, cfg.Large)
	if err != nil {
		return nil, fmt.Errorf("seed %d customers: %w", cfg.Large, err)
	}
	bare, err := startBare(ctx)
	if err != nil {
		return nil, err
	}
	defer bare.stop()
	logf("server: %d and %d customers side by side", small, cfg.Large)
	if rep.Small, rep.Large, err = measureServers(ctx, smallDir, largeDir, small, cfg.Large, bare, cfg.Shape); err != nil {
		return nil, err
	}
	logf("batch ingestion: SQLite and PostgreSQL")
	if rep.Ingest, err = measureIngestion(ctx, smallDir, small); err != nil {
		return nil, err
	}
	logf("usage history: %d customers × 13 months", cfg.Large)
	if rep.History, err = measureHistory(ctx, cfg.Large, 13); err != nil {
		return nil, err
	}
	logf("browser")
	if rep.Browser, err = browserFigures(ctx, smallDir, bare.URL+"/page.html", cfg.BrowserRuns); err != nil {
		return nil, err
	}
	return rep, nil
}

// printPageLoads measures the page loads alone, for work on the first
// paint: the rest of the bench takes minutes.
func printPageLoads(ctx context.Context, cache string, runs int) error {
	dir, err := seed(ctx, cache, small)
	if err != nil {
		return err
	}
	bare, err := startBare(ctx)
	if err != nil {
		return err
	}
	defer bare.stop()
	b, err := browserFigures(ctx, dir, bare.URL+"/page.html", runs)
	if err != nil {
		return err
	}
	fmt.Printf("median of %d: cold first paint %.0f ms (floor page %.0f), interactive %.0f ms; warm first paint %.0f ms, interactive %.0f ms; in a started browser first paint %.0f ms (floor page %.0f), interactive %.0f ms\n",
		runs, b.Cold.FCP, b.FloorFCP, b.Cold.Interactive, b.Warm.FCP, b.Warm.Interactive, b.Started.FCP, b.FloorStart, b.Started.Interactive)
	return nil
}

// browserFigures loads a seeded customer's portal page, and the floor page,
// in Chromium.
func browserFigures(ctx context.Context, dataDir, floor string, runs int) (browserRun, error) {
	chromium := headless.Path()
	if chromium == "" {
		return browserRun{}, fmt.Errorf("no Chromium found: apt-get install chromium")
	}
	p, err := startPortico(ctx, dataDir)
	if err != nil {
		return browserRun{}, err
	}
	defer p.stop()
	tokens, err := portalTokens(ctx, p.URL, small, 1)
	if err != nil {
		return browserRun{}, err
	}
	p.waitIdle()
	return measureBrowser(ctx, chromium, p.URL+"/portal?session="+tokens[0], floor, runs)
}

// printIngestion measures batch ingestion alone.
func printIngestion(ctx context.Context, cache string) error {
	dir, err := seed(ctx, cache, small)
	if err != nil {
		return err
	}
	runs, err := measureIngestion(ctx, dir, small)
	for _, r := range runs {
		fmt.Printf("%s: %.0f events/s (%d batches, %d errors %s, p50 %s, p99 %s)\n", r.Store, r.EventsPerSecond(),
			r.Batches.Requests, r.Batches.Errors, r.Batches.FirstError, dur(r.Batches.P50), dur(r.Batches.P99))
	}
	return err
}
