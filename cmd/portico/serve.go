package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server"
	"github.com/portico-dev/portico/server/billing"
	stripebilling "github.com/portico-dev/portico/server/billing/stripe"
	"github.com/portico-dev/portico/server/clock"
	"github.com/portico-dev/portico/server/demo"
	"github.com/portico-dev/portico/server/engine"
	"github.com/portico-dev/portico/server/metrics"
	"github.com/portico-dev/portico/server/session"
	"github.com/portico-dev/portico/server/store/postgres"
	"github.com/portico-dev/portico/server/store/sqlite"
)

func serve(ctx context.Context, stdout, stderr io.Writer) error {
	cfg, err := loadConfig(os.Getenv)
	if err != nil {
		return err
	}
	logs := newLogBuffer(ctx, stderr)
	defer logs.Flush()
	log := slog.New(flushOnWarn{slog.NewTextHandler(logs, nil), logs})
	themes, err := loadTheme(cfg.ThemeFile)
	if err != nil {
		return err
	}
	go themes.watch(ctx, 2*time.Second, log)
	if cfg.PprofAddr != "" {
		go servePprof(cfg.PprofAddr, log)
	}
	m, stopMetrics, err := startMetrics(&cfg, log)
	if err != nil {
		return err
	}
	defer stopMetrics()
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() {
		// SQLite checkpoints its log on close: a failure is worth a line.
		if err := store.Close(); err != nil {
			log.Error("close the store", "err", err)
		}
	}()
	key, origin, err := secretKey(ctx, cfg, store)
	if err != nil {
		return err
	}

	var clk portico.Clock = clock.Real{}
	var testClock *clock.Test
	if cfg.TestClock {
		testClock = clock.NewTest()
		clk = testClock
	}
	eng := engine.New(store, clk)
	// Started before the demo loads: its events are sent as they commit.
	_, stopWebhooks := startWebhooks(ctx, store, eng, clk, log, m)
	defer stopWebhooks()
	if err := loadData(ctx, cfg, eng, store); err != nil {
		return err
	}
	demos, err := demoCustomers(ctx, cfg, eng)
	if err != nil {
		return err
	}
	srv := &server.Server{Engine: eng, Store: store, Sessions: session.NewSigner(key), SecretKey: key,
		PublicURL: cfg.PublicURL, TestClock: testClock, SessionTTL: time.Hour, Log: log, CORSOrigins: cfg.CORSOrigins,
		ConsolePassword: cfg.ConsolePassword, Business: cfg.Business, Metrics: m}
	if shared, ok := store.(portico.SharedClock); ok && testClock != nil {
		srv.SharedClock = shared
	}
	provider, err := billingProvider(cfg.Stripe, store, log, m)
	if err != nil {
		return err
	}
	if provider != nil {
		srv.ConnectBilling(provider)
	}
	if srv.Reporter != nil {
		ex, _ := store.(portico.Exclusive)
		go srv.Reporter.Run(ctx, reportEvery, ex)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("PORTICO_ADDR: %w", err)
	}
	if cfg.PublicURLFromAddr {
		// The bound address, so a ":0" port shows as the one chosen.
		cfg.PublicURL = "http://" + ln.Addr().String()
		srv.PublicURL = cfg.PublicURL
	}
	handler, pages := webHandler(cfg, srv, demos, themes, log)
	printBanner(stdout, cfg, srv, key, origin, pages, demos)
	go schedule(ctx, srv, store, cfg.SchedulerEvery, log)
	return listenAndServe(ctx, ln, handler, log, srv.CloseEventStreams)
}

// reportEvery is how often usage and top-ups owed to Stripe are sent.
const reportEvery = 5 * time.Second

// billingProvider is Stripe when STRIPE_SECRET_KEY is set (STRIPE_API_BASE
// points it at stripe-mock or a proxy), else nil: billing stays local.
func billingProvider(cfg stripeConfig, store billing.Store, log *slog.Logger, m *metrics.Metrics) (billing.Provider, error) {
	if cfg.SecretKey == "" {
		return nil, nil
	}
	p, err := stripebilling.New(stripebilling.Options{SecretKey: cfg.SecretKey, WebhookSecret: cfg.WebhookSecret,
		APIBase: cfg.APIBase, Store: store, Log: log, Metrics: m})
	if err != nil {
		return nil, fmt.Errorf("STRIPE_SECRET_KEY: %w", err)
	}
	if cfg.WebhookSecret == "" {
		log.Warn("STRIPE_WEBHOOK_SECRET is unset: Stripe webhooks are refused until it is set")
	}
	// Guarded: a Stripe that is down holds up other writes once or twice,
	// not for every change asked while it is down.
	return billing.NewGuard(p, log), nil
}

// webHandler serves the pages and the wasm clients beside the API, and says
// whether it does: without a built client it serves the API alone and logs
// why.
func webHandler(cfg config, srv *server.Server, demos []demo.Customer, themes *themeWatch, log *slog.Logger) (http.Handler, bool) {
	web, err := server.NewWeb(srv, cfg.WebDir, themes.Theme)
	if err != nil {
		log.Warn("serving the API only", "PORTICO_WEB", cfg.WebDir, "reason", err)
		return srv.Handler(), false
	}
	web.EmbedOrigins = cfg.EmbedOrigins
	for _, c := range demos {
		web.Demo = append(web.Demo, server.DemoCustomer{ID: c.ID, Shows: demoShows(c),
			Scope: portico.PortalScope{CustomerID: c.ID, ResourceID: c.Resource}})
	}
	return web.Handler(), true
}

// keyOrigin is where the backend API key came from, which decides what the
// banner may print of it.
type keyOrigin int

const (
	// keySupplied: PORTICO_SECRET_KEY. The operator keeps it elsewhere; it
	// is never printed, since the output may end up in shared logs.
	keySupplied keyOrigin = iota
	// keyGenerated: generated at this start, printed once so it can be used.
	keyGenerated
	// keyKept: generated at an earlier start and kept in the data folder
	// or the database.
	keyKept
)

// secretKey is PORTICO_SECRET_KEY, else the key the store shares between
// replicas (PostgreSQL), else the key kept in the data folder, else a new
// one stored there.
func secretKey(ctx context.Context, cfg config, store portico.Store) (string, keyOrigin, error) {
	if cfg.SecretKey != "" {
		return cfg.SecretKey, keySupplied, nil
	}
	fresh := newSecretKey()
	if shared, ok := store.(portico.SharedSecrets); ok {
		key, err := shared.Secret(ctx, "api", func() string { return fresh })
		if err != nil {
			return "", keyKept, fmt.Errorf("read the shared secret key: %w", err)
		}
		if key == fresh {
			return key, keyGenerated, nil
		}
		return key, keyKept, nil
	}
	path := filepath.Join(cfg.DataDir, "secret_key")
	if b, err := os.ReadFile(path); err == nil {
		return strings.TrimSpace(string(b)), keyKept, nil
	}
	if err := os.WriteFile(path, []byte(fresh+"\n"), 0o600); err != nil {
		return "", keyGenerated, fmt.Errorf("store the generated secret key: %w", err)
	}
	return fresh, keyGenerated, nil
}

func newSecretKey() string {
	buf := make([]byte, 24)
	rand.Read(buf)
	return "sk_" + hex.EncodeToString(buf)
}

// store is what the server needs of its store: the portico.Store, and the
// billing provider's links and events.
type store interface {
	portico.Store
	billing.Store
}

// openStore opens PostgreSQL when PORTICO_DATABASE_URL is set, else the
// SQLite file in the data folder.
func openStore(ctx context.Context, cfg config) (store, error) {
	if cfg.DatabaseURL != "" {
		s, err := postgres.Open(ctx, cfg.DatabaseURL)
		if err != nil {
			return nil, fmt.Errorf("PORTICO_DATABASE_URL: %w", err)
		}
		return s, nil
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("PORTICO_DATA: %w", err)
	}
	return sqlite.Open(ctx, filepath.Join(cfg.DataDir, "portico.db"))
}

// loadData loads the demo into an empty store when asked, then applies
// PORTICO_CATALOG.
func loadData(ctx context.Context, cfg config, eng *engine.Engine, store portico.Store) error {
	if cfg.Demo {
		if err := loadDemo(ctx, eng, store); err != nil {
			return err
		}
	}
	if cfg.CatalogFile == "" {
		return nil
	}
	c, err := readCatalog(cfg.CatalogFile)
	if err == nil {
		_, _, err = eng.ApplyCatalog(ctx, c, engine.CatalogChange{By: "PORTICO_CATALOG"})
	}
	if err != nil {
		var b strings.Builder
		printProblems(&b, cfg.CatalogFile, err)
		return fmt.Errorf("PORTICO_CATALOG was not applied:\n%s", b.String())
	}
	return nil
}

// loadDemo loads the demo catalog and customers into an empty store (see
// demo.Load). Replicas starting together on one database take turns, so
// only the first loads it and none sees it half-way.
func loadDemo(ctx context.Context, eng *engine.Engine, store portico.Store) error {
	load := func(ctx context.Context) error { _, err := demo.Load(ctx, eng); return err }
	ex, ok := store.(portico.Exclusive)
	if !ok {
		return load(ctx)
	}
	for {
		ran, err := ex.TryExclusive(ctx, "demo", load)
		if ran || err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// demoCustomers are the demo customers the store holds, with PORTICO_DEMO:
// all of them once the demo was loaded, fewer or none in a store that held
// other data before.
func demoCustomers(ctx context.Context, cfg config, eng *engine.Engine) ([]demo.Customer, error) {
	if !cfg.Demo {
		return nil, nil
	}
	var out []demo.Customer
	for _, c := range demo.Customers {
		_, err := eng.Customer(ctx, c.ID)
		switch {
		case err == nil:
			out = append(out, c)
		case portico.KindOf(err) != portico.KindNotFound:
			return nil, err
		}
	}
	return out, nil
}

func printBanner(w io.Writer, cfg config, srv *server.Server, key string, origin keyOrigin, pages bool, demos []demo.Customer) {
	where, keyWhere := "data in "+cfg.DataDir, filepath.Join(cfg.DataDir, "secret_key")
	if cfg.DatabaseURL != "" {
		where, keyWhere = "data in PostgreSQL", "the database"
	}
	fmt.Fprintf(w, "Portico is listening on %s (%s)\n", cfg.PublicURL, where)
	switch origin {
	case keyGenerated:
		fmt.Fprintf(w, "Backend API key (generated, kept in %s): %s\n", keyWhere, key)
	case keyKept:
		fmt.Fprintf(w, "Backend API key: %s… (kept in %s)\n", key[:min(len(key), 8)], keyWhere)
	default:
		fmt.Fprintln(w, "Backend API key: the one in PORTICO_SECRET_KEY (not shown)")
	}
	signIn := "the backend API key"
	if srv.ConsolePassword != "" {
		signIn += " or PORTICO_CONSOLE_PASSWORD"
	}
	base := strings.TrimRight(cfg.PublicURL, "/")
	if pages {
		fmt.Fprintf(w, "Start page: %s/ (links to everything below)\n", base)
	}
	fmt.Fprintf(w, "Console: %s/console (sign in with %s)\n", base, signIn)
	if pages {
		fmt.Fprintf(w, "Theme designer: %s/designer\n", base)
	}
	if cfg.TestClock {
		fmt.Fprintln(w, "Test clock: on (POST /api/v1/test-clock/advance)")
	}
	if cfg.MetricsAddr != "" {
		fmt.Fprintf(w, "Metrics (Prometheus): http://%s/metrics\n", cfg.MetricsAddr)
	}
	if !cfg.Demo {
		return
	}
	printDemo(w, srv, demos)
	fmt.Fprintf(w, "\nTry the API:\n  curl -H \"Authorization: Bearer %s\" %s/api/v1/customers/grace\n", shownKey(key, origin, keyWhere), cfg.PublicURL)
}

// demoShows is what a demo customer's portal shows, and its scope.
func demoShows(c demo.Customer) string {
	if c.Resource == "" {
		return c.Shows
	}
	return fmt.Sprintf("%s; portal scoped to site %q", c.Shows, c.Resource)
}

// printDemo prints a portal URL for each demo customer.
func printDemo(w io.Writer, srv *server.Server, demos []demo.Customer) {
	if len(demos) == 0 {
		fmt.Fprintln(w, "\nDemo: not loaded — the store already held a catalog, kept as it was saved (PORTICO_DEMO loads the demo into an empty store only).")
		return
	}
	fmt.Fprintln(w, "\nDemo customers — portal sessions valid for 24 hours:")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, c := range demos {
		s := srv.MintSession(portico.PortalScope{CustomerID: c.ID, ResourceID: c.Resource}, 24*time.Hour)
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", c.ID, demoShows(c), s.URL)
	}
	tw.Flush()
}

// shownKey is the key as the banner's example prints it: a supplied one
// stays a shell variable for the operator to fill in, a kept one is read
// from its file (it was shown once, when generated), and only a key
// generated now is printed.
func shownKey(key string, origin keyOrigin, where string) string {
	switch origin {
	case keySupplied:
		return "$PORTICO_SECRET_KEY"
	case keyKept:
		if where == "the database" {
			return "<the backend API key>"
		}
		return "$(cat '" + where + "')"
	}
	return key
}

// schedule applies what falls due (renewals, trial ends, scheduled changes)
// and prunes expired idempotency records and settled events every interval
// until ctx ends.
// Replicas on one database take turns: one round of each at a time runs,
// under the store's exclusive lock.
func schedule(ctx context.Context, srv *server.Server, store portico.Store, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := runDue(ctx, srv, store)
		if err != nil && ctx.Err() == nil {
			log.Error("scheduler", "err", err)
		} else if n > 0 {
			log.Info("scheduler applied due events", "events", n)
		}
		pruned, err := pruneIdempotency(ctx, srv, store)
		if err != nil && ctx.Err() == nil {
			log.Error("idempotency pruning", "err", err)
		} else if pruned > 0 {
			log.Info("pruned expired idempotency records", "records", pruned)
		}
		if pruned, err := pruneEvents(ctx, srv.Engine, store); err != nil && ctx.Err() == nil {
			log.Error("event pruning", "err", err)
		} else if pruned > 0 {
			log.Info("pruned settled events", "events", pruned)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func runDue(ctx context.Context, srv *server.Server, store portico.Store) (int, error) {
	if err := srv.SyncClock(ctx); err != nil {
		return 0, err
	}
	var n int
	apply := func(ctx context.Context) error {
		late, err := srv.Engine.ApplyDue(ctx)
		n = len(late)
		if ctx.Err() == nil { // a round cut short by the shutdown did not fail
			srv.Metrics.SchedulerRan(late, err)
		}
		return err
	}
	ex, ok := store.(portico.Exclusive)
	var err error
	if ok {
		_, err = ex.TryExclusive(ctx, "scheduler", apply)
	} else {
		err = apply(ctx)
	}
	return n, err
}

// pruneIdempotency deletes the expired idempotency records. On a shared
// database one replica at a time prunes (under a lock of its own, so due
// events are not held up by it); the others skip the round.
func pruneIdempotency(ctx context.Context, srv *server.Server, store portico.Store) (int, error) {
	ex, ok := store.(portico.Exclusive)
	if !ok {
		return srv.PruneIdempotency(ctx)
	}
	var n int
	_, err := ex.TryExclusive(ctx, "idempotency pruning", func(ctx context.Context) error {
		var err error
		n, err = srv.PruneIdempotency(ctx)
		return err
	})
	return n, err
}

// listenAndServe serves until ctx ends, then stops taking connections and lets
// accepted requests finish (30 s at most).
// onShutdown ends long-lived answers (event streams), which would otherwise
// hold the shutdown until its deadline.
func listenAndServe(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger, onShutdown func()) error {
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	hs.RegisterOnShutdown(onShutdown)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing accepted requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
