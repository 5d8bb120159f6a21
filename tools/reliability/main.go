// Command reliability is Portico's reliability suite (make reliability):
// crashes under load on both stores, replicas on one PostgreSQL database,
// a failing and hanging billing provider, and webhooks to a receiver that
// fails, recovers and outlives a replica. Every load runs on loopback,
// bounded in count and time. It writes its figures into
// docs/reliability.md and exits non-zero when an invariant broke.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/portico-dev/portico/internal/pgtest"
)

func logf(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }

func main() {
	out := flag.String("out", "", "markdown file to write the figures into (between its markers)")
	quick := flag.Bool("quick", false, "shorter loads, for a first look")
	showFailures := flag.Bool("v", false, "print the first failed answers of each call in the faults scenario")
	only := flag.String("only", "", `run one scenario ("webhooks") and print its figures, leaving -out alone`)
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	// The whole suite is bounded, whatever happens inside it.
	ctx, cancel := context.WithTimeout(ctx, 20*time.Minute)
	defer cancel()
	if _, err := os.Stat("bin/portico"); err != nil {
		logf("bin/portico is missing: run make build first")
		os.Exit(2)
	}
	r, err := runSuite(ctx, *quick, *only)
	if err != nil {
		logf("reliability: %v", err)
		os.Exit(1)
	}
	fmt.Print(r.markdown())
	if *showFailures {
		for _, p := range r.Faults.Phases {
			for _, f := range p.Failures {
				logf("%s, %s: %s", p.Phase, p.Call, f)
			}
		}
	}
	if *out != "" && *only == "" {
		if err := r.write(*out); err != nil {
			logf("write %s: %v", *out, err)
			os.Exit(1)
		}
	}
	if failed := r.failures(); len(failed) > 0 {
		for _, f := range failed {
			logf("FAILED: %s", f)
		}
		os.Exit(1)
	}
}

func runSuite(ctx context.Context, quick bool, only string) (*report, error) {
	work, err := os.MkdirTemp("", "portico-reliability-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	logDir := filepath.Join(work, "logs")
	os.MkdirAll(logDir, 0o755)

	pgURL, stopPG, err := pgtest.Start()
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL: %w", err)
	}
	defer stopPG()
	r := &report{Started: time.Now().UTC(), Quick: quick, Only: only}
	kills, workers := 5, 16
	loadFor := 20 * time.Second
	if quick {
		kills, loadFor = 2, 6*time.Second
	}
	if only == "webhooks" {
		return r, runWebhooks(ctx, r, pgURL, logDir, loadFor)
	}

	logf("crash: SQLite")
	r.Crash = append(r.Crash, crashScenario(ctx, "SQLite", []string{"PORTICO_DATA=" + filepath.Join(work, "crash-sqlite")}, logDir, kills, workers))
	logf("crash: PostgreSQL")
	crashDB, err := createDatabase(ctx, pgURL, "crash")
	if err != nil {
		return nil, err
	}
	r.Crash = append(r.Crash, crashScenario(ctx, "PostgreSQL", []string{"PORTICO_DATABASE_URL=" + crashDB}, logDir, kills, workers))

	logf("replicas: 3 on PostgreSQL")
	replicaDB, err := createDatabase(ctx, pgURL, "replicas")
	if err != nil {
		return nil, err
	}
	r.Replicas = replicaScenario(ctx, replicaDB, logDir, 3, loadFor)

	logf("faults: billing provider failing and hanging")
	r.Faults = faultScenario(ctx, filepath.Join(work, "faults"), logDir, loadFor/4)
	if err := runWebhooks(ctx, r, pgURL, logDir, loadFor); err != nil {
		return nil, err
	}
	r.Finished = time.Now().UTC()
	return r, nil
}

// runWebhooks runs the webhooks scenario on a database of its own.
func runWebhooks(ctx context.Context, r *report, pgURL, logDir string, loadFor time.Duration) error {
	logf("webhooks: 2 replicas on PostgreSQL, a receiver failing then recovering, a replica killed mid-delivery")
	db, err := createDatabase(ctx, pgURL, "webhooks")
	if err != nil {
		return err
	}
	w := webhookScenario(ctx, db, logDir, loadFor)
	r.Webhooks = &w
	r.Finished = time.Now().UTC()
	return nil
}
