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
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/billing"
	stripebilling "github.com/portico-dev/portico/billing/stripe"
	"github.com/portico-dev/portico/clock"
	"github.com/portico-dev/portico/demo"
	"github.com/portico-dev/portico/engine"
	"github.com/portico-dev/portico/server"
	"github.com/portico-dev/portico/server/session"
	"github.com/portico-dev/portico/store/sqlite"
)

// config is the server's settings, read from the environment.
type config struct {
	Addr, PublicURL, DataDir, DatabaseURL, SecretKey, CatalogFile string
	WebDir                                                        string
	EmbedOrigins, CORSOrigins                                     []string
	Demo, TestClock                                               bool
	SchedulerEvery                                                time.Duration
}

func loadConfig() (config, error) {
	c := config{
		Addr:        env("PORTICO_ADDR", "127.0.0.1:8080"),
		DataDir:     env("PORTICO_DATA", "./data"),
		DatabaseURL: os.Getenv("PORTICO_DATABASE_URL"),
		SecretKey:   os.Getenv("PORTICO_SECRET_KEY"),
		CatalogFile: os.Getenv("PORTICO_CATALOG"),
		Demo:        os.Getenv("PORTICO_DEMO") == "1",
		TestClock:   os.Getenv("PORTICO_TEST_CLOCK") == "1",
		WebDir:      env("PORTICO_WEB", "web"),
	}
	var err error
	if c.EmbedOrigins, err = origins("PORTICO_EMBED_ORIGINS"); err != nil {
		return c, err
	}
	if c.CORSOrigins, err = origins("PORTICO_CORS_ORIGINS"); err != nil {
		return c, err
	}
	c.PublicURL = env("PORTICO_PUBLIC_URL", "http://"+c.Addr)
	every, err := time.ParseDuration(env("PORTICO_SCHEDULER_INTERVAL", "30s"))
	if err != nil || every <= 0 {
		return c, fmt.Errorf("PORTICO_SCHEDULER_INTERVAL: must be a positive duration such as 30s")
	}
	c.SchedulerEvery = every
	if c.DatabaseURL != "" {
		return c, errors.New("PORTICO_DATABASE_URL: the PostgreSQL store is not available in this version; unset it to use the embedded SQLite store")
	}
	return c, nil
}

// origins reads a comma- or space-separated list of web origins.
func origins(name string) ([]string, error) {
	var out []string
	for _, o := range strings.Fields(strings.ReplaceAll(os.Getenv(name), ",", " ")) {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			return nil, fmt.Errorf("%s: %q is not an origin such as https://app.example.com", name, o)
		}
		out = append(out, u.Scheme+"://"+u.Host)
	}
	return out, nil
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func serve(ctx context.Context, stdout, stderr io.Writer) error {
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	logs := newLogBuffer(ctx, stderr)
	defer logs.Flush()
	log := slog.New(flushOnWarn{slog.NewTextHandler(logs, nil), logs})
	themes, err := loadTheme(os.Getenv("PORTICO_THEME"))
	if err != nil {
		return err
	}
	serveTheme(themes)
	go themes.watch(ctx, 2*time.Second, log)
	if addr := os.Getenv("PORTICO_PPROF"); addr != "" {
		go servePprof(addr, log)
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("PORTICO_DATA: %w", err)
	}
	key, generated, err := secretKey(cfg)
	if err != nil {
		return err
	}
	store, err := sqlite.Open(ctx, filepath.Join(cfg.DataDir, "portico.db"))
	if err != nil {
		return err
	}
	defer store.Close()

	var clk portico.Clock = clock.Real{}
	var testClock *clock.Test
	if cfg.TestClock {
		testClock = clock.NewTest()
		clk = testClock
	}
	eng := engine.New(store, clk)
	if err := loadData(ctx, cfg, eng); err != nil {
		return err
	}
	srv := &server.Server{Engine: eng, Store: store, Sessions: session.NewSigner(key), SecretKey: key,
		PublicURL: cfg.PublicURL, TestClock: testClock, SessionTTL: time.Hour, Log: log, CORSOrigins: cfg.CORSOrigins,
		ConsolePassword: os.Getenv("PORTICO_CONSOLE_PASSWORD")}
	if srv.Billing, err = billingProvider(store, log); err != nil {
		return err
	}
	if srv.Billing != nil {
		eng.SyncBilling = syncWith(srv.Billing)
		eng.PaymentMethods = hasPaymentMethod(srv.Billing)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("PORTICO_ADDR: %w", err)
	}
	if os.Getenv("PORTICO_PUBLIC_URL") == "" {
		// The bound address, so a ":0" port shows as the one chosen.
		cfg.PublicURL = "http://" + ln.Addr().String()
		srv.PublicURL = cfg.PublicURL
	}
	handler := webHandler(cfg, srv, log)
	printBanner(stdout, cfg, srv, key, generated)
	go schedule(ctx, eng, cfg.SchedulerEvery, log)
	return listenAndServe(ctx, ln, handler, log)
}

// billingProvider is Stripe when STRIPE_SECRET_KEY is set (STRIPE_API_BASE
// points it at stripe-mock or a proxy), else nil: billing stays local.
func billingProvider(store *sqlite.Store, log *slog.Logger) (billing.Provider, error) {
	key := os.Getenv("STRIPE_SECRET_KEY")
	if key == "" {
		return nil, nil
	}
	p, err := stripebilling.New(stripebilling.Options{SecretKey: key, WebhookSecret: os.Getenv("STRIPE_WEBHOOK_SECRET"),
		APIBase: os.Getenv("STRIPE_API_BASE"), Store: store, Log: log})
	if err != nil {
		return nil, fmt.Errorf("STRIPE_SECRET_KEY: %w", err)
	}
	if os.Getenv("STRIPE_WEBHOOK_SECRET") == "" {
		log.Warn("STRIPE_WEBHOOK_SECRET is unset: Stripe webhooks are refused until it is set")
	}
	return p, nil
}

// syncWith mirrors the engine's changes to the billing provider.
func syncWith(p billing.Provider) func(context.Context, *portico.Customer, billing.Sync) error {
	return func(ctx context.Context, c *portico.Customer, s billing.Sync) error {
		return p.SyncSubscription(ctx, billing.Customer{ID: c.ID, Name: c.Name, Email: c.Email}, s)
	}
}

// hasPaymentMethod asks the billing provider whether a trial ending now
// converts. The provider decides a trial's outcome, so when it cannot be
// asked the trial converts here, and a subscription the provider ends
// instead comes back as a webhook.
func hasPaymentMethod(p billing.Provider) func(portico.Tx, string) bool {
	return func(tx portico.Tx, customerID string) bool {
		v, err := p.Details(tx.Context(), billing.Customer{ID: customerID})
		return err != nil || v.PaymentMethod != nil
	}
}

// webHandler serves the portal pages and the wasm client beside the API;
// without a built client it serves the API alone and says why.
func webHandler(cfg config, srv *server.Server, log *slog.Logger) http.Handler {
	web, err := server.NewWeb(srv, cfg.WebDir)
	if err != nil {
		log.Warn("serving the API only", "PORTICO_WEB", cfg.WebDir, "reason", err)
		return srv.Handler()
	}
	web.EmbedOrigins = cfg.EmbedOrigins
	return web.Handler()
}

// secretKey is PORTICO_SECRET_KEY, else the key kept in the data folder,
// else a new one written there.
func secretKey(cfg config) (key string, generated bool, err error) {
	if cfg.SecretKey != "" {
		return cfg.SecretKey, false, nil
	}
	path := filepath.Join(cfg.DataDir, "secret_key")
	if b, err := os.ReadFile(path); err == nil {
		return strings.TrimSpace(string(b)), false, nil
	}
	buf := make([]byte, 24)
	rand.Read(buf)
	key = "sk_" + hex.EncodeToString(buf)
	if err := os.WriteFile(path, []byte(key+"\n"), 0o600); err != nil {
		return "", false, fmt.Errorf("store the generated secret key: %w", err)
	}
	return key, true, nil
}

func loadData(ctx context.Context, cfg config, eng *engine.Engine) error {
	if cfg.Demo {
		if err := demo.Load(ctx, eng); err != nil {
			return err
		}
	}
	if cfg.CatalogFile == "" {
		return nil
	}
	c, err := readCatalog(cfg.CatalogFile)
	if err == nil {
		_, err = eng.ApplyCatalog(engine.WithAuthor(ctx, "PORTICO_CATALOG"), c)
	}
	if err != nil {
		var b strings.Builder
		printProblems(&b, cfg.CatalogFile, err)
		return fmt.Errorf("PORTICO_CATALOG was not applied:\n%s", b.String())
	}
	return nil
}

func printBanner(w io.Writer, cfg config, srv *server.Server, key string, generated bool) {
	fmt.Fprintf(w, "Portico is listening on %s (data in %s)\n", cfg.PublicURL, cfg.DataDir)
	if generated {
		fmt.Fprintf(w, "Backend API key (generated, kept in %s): %s\n", filepath.Join(cfg.DataDir, "secret_key"), key)
	} else {
		fmt.Fprintf(w, "Backend API key: %s…\n", key[:min(len(key), 8)])
	}
	signIn := "the backend API key"
	if srv.ConsolePassword != "" {
		signIn += " or PORTICO_CONSOLE_PASSWORD"
	}
	fmt.Fprintf(w, "Console: %s/console (sign in with %s)\n", strings.TrimRight(cfg.PublicURL, "/"), signIn)
	if cfg.TestClock {
		fmt.Fprintln(w, "Test clock: on (POST /api/v1/test-clock/advance)")
	}
	if !cfg.Demo {
		return
	}
	fmt.Fprintln(w, "\nDemo customers — portal sessions valid for 24 hours:")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, c := range demo.Customers {
		s := srv.MintSession(portico.PortalScope{CustomerID: c.ID, ResourceID: c.Resource}, 24*time.Hour)
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", c.ID, c.Shows, s.URL)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nTry the API:\n  curl -H 'Authorization: Bearer %s' %s/api/v1/customers/grace\n", key, cfg.PublicURL)
}

// schedule applies what falls due (renewals, trial ends, scheduled changes)
// every interval until ctx ends.
func schedule(ctx context.Context, eng *engine.Engine, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := eng.RunDue(ctx); err != nil && ctx.Err() == nil {
			log.Error("scheduler", "err", err)
		} else if n > 0 {
			log.Info("scheduler applied due events", "events", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// listenAndServe serves until ctx ends, then stops taking connections and lets
// accepted requests finish (30 s at most).
func listenAndServe(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger) error {
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
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
