package main

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server"
)

// config is the server's settings: every variable `portico serve` reads
// from the environment, read once, at start, by loadConfig.
type config struct {
	Addr, DataDir, DatabaseURL, SecretKey, CatalogFile string
	WebDir, ConsolePassword                            string
	// PublicURL is PORTICO_PUBLIC_URL, else "http://" + Addr.
	PublicURL string
	// PublicURLFromAddr is set when PORTICO_PUBLIC_URL is unset: the URL is
	// then taken from the address actually bound, so a ":0" port shows as
	// the one chosen.
	PublicURLFromAddr         bool
	EmbedOrigins, CORSOrigins []string
	Demo, TestClock           bool
	SchedulerEvery            time.Duration
	Business                  portico.Business
	// ThemeFile is the theme served (PORTICO_THEME), "" for the built-in one.
	ThemeFile string
	// PprofAddr is where Go's profiles are served (PORTICO_PPROF), "" for
	// nowhere.
	PprofAddr string
	Stripe    stripeConfig

	// Metrics: MetricsAddr is where Prometheus's metrics are served
	// (PORTICO_METRICS), "" for nowhere.
	MetricsAddr string
}

// stripeConfig connects Stripe: without a secret key billing stays local.
type stripeConfig struct {
	SecretKey     string // STRIPE_SECRET_KEY
	WebhookSecret string // STRIPE_WEBHOOK_SECRET
	APIBase       string // STRIPE_API_BASE: stripe-mock or a proxy
}

// loadConfig reads the settings through getenv (os.Getenv) and checks
// them; each error names the variable at fault.
func loadConfig(getenv func(string) string) (config, error) {
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	c := config{
		Addr:        env("PORTICO_ADDR", "127.0.0.1:8080"),
		DataDir:     env("PORTICO_DATA", "./data"),
		DatabaseURL: getenv("PORTICO_DATABASE_URL"),
		SecretKey:   getenv("PORTICO_SECRET_KEY"),
		CatalogFile: getenv("PORTICO_CATALOG"),
		Demo:        getenv("PORTICO_DEMO") == "1",
		TestClock:   getenv("PORTICO_TEST_CLOCK") == "1",
		WebDir:      env("PORTICO_WEB", "assets/web"),
		ThemeFile:   getenv("PORTICO_THEME"),
		PprofAddr:   getenv("PORTICO_PPROF"),
		Stripe: stripeConfig{SecretKey: getenv("STRIPE_SECRET_KEY"), WebhookSecret: getenv("STRIPE_WEBHOOK_SECRET"),
			APIBase: getenv("STRIPE_API_BASE")},

		ConsolePassword: getenv("PORTICO_CONSOLE_PASSWORD"),

		// Metrics.
		MetricsAddr: getenv("PORTICO_METRICS"),
	}
	if n := utf8.RuneCountInString(c.ConsolePassword); n > 0 && n < server.MinConsolePassword {
		return c, fmt.Errorf("PORTICO_CONSOLE_PASSWORD: must be at least %d characters, not %d (or unset, to sign in to the console with the backend API key only)",
			server.MinConsolePassword, n)
	}
	var err error
	if c.EmbedOrigins, err = origins("PORTICO_EMBED_ORIGINS", getenv("PORTICO_EMBED_ORIGINS")); err != nil {
		return c, err
	}
	if c.CORSOrigins, err = origins("PORTICO_CORS_ORIGINS", getenv("PORTICO_CORS_ORIGINS")); err != nil {
		return c, err
	}
	c.PublicURL = env("PORTICO_PUBLIC_URL", "http://"+c.Addr)
	c.PublicURLFromAddr = getenv("PORTICO_PUBLIC_URL") == ""
	every, err := time.ParseDuration(env("PORTICO_SCHEDULER_INTERVAL", "30s"))
	if err != nil || every <= 0 {
		return c, fmt.Errorf("PORTICO_SCHEDULER_INTERVAL: must be a positive duration such as 30s")
	}
	c.SchedulerEvery = every
	if err := checkMetricsAddr(c); err != nil {
		return c, err
	}
	c.Business, err = loadBusiness(getenv, c.Demo)
	return c, err
}

// Metrics.

// checkMetricsAddr refuses a PORTICO_METRICS that is not a host:port, or
// that is the public address: metrics tell the server's internals and are
// served on an address of their own.
func checkMetricsAddr(c config) error {
	if c.MetricsAddr == "" {
		return nil
	}
	_, port, err := net.SplitHostPort(c.MetricsAddr)
	if err != nil {
		return fmt.Errorf("PORTICO_METRICS: must be an address such as 127.0.0.1:9464 (%v)", err)
	}
	if c.MetricsAddr == c.Addr && port != "0" { // two ":0" are two free ports
		return fmt.Errorf("PORTICO_METRICS: must not be PORTICO_ADDR (%s): metrics are never served on the public address", c.Addr)
	}
	return nil
}

// loadBusiness reads the business the portal names: PORTICO_BUSINESS_NAME,
// PORTICO_BUSINESS_LOGO and PORTICO_SUPPORT. The demo names its business and
// gives an example support address, so its "Contact support" buttons lead
// somewhere.
func loadBusiness(getenv func(string) string, demo bool) (portico.Business, error) {
	b := portico.Business{Name: strings.TrimSpace(getenv("PORTICO_BUSINESS_NAME"))}
	if b.Name == "" && demo {
		b.Name = "Acme" // the demo catalog's business
	}
	if len(b.Name) > 100 {
		return b, fmt.Errorf("PORTICO_BUSINESS_NAME: must be at most 100 characters")
	}
	if v := getenv("PORTICO_BUSINESS_LOGO"); v != "" {
		if b.LogoURL = server.LogoLink(v); b.LogoURL == "" {
			return b, fmt.Errorf("PORTICO_BUSINESS_LOGO: must be an http or https URL, or a path such as /web/logo.svg")
		}
	}
	support := getenv("PORTICO_SUPPORT")
	if support == "" && demo {
		support = "support@example.com"
	}
	if support != "" {
		if b.SupportURL = server.SupportLink(support); b.SupportURL == "" {
			return b, fmt.Errorf("PORTICO_SUPPORT: must be an http or https URL, a mailto: URL or an email address")
		}
	}
	return b, nil
}

// origins reads the variable name's value, a comma- or space-separated list
// of web origins.
func origins(name, value string) ([]string, error) {
	var out []string
	for _, o := range strings.Fields(strings.ReplaceAll(value, ",", " ")) {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			return nil, fmt.Errorf("%s: %q is not an origin such as https://app.example.com", name, o)
		}
		out = append(out, u.Scheme+"://"+u.Host)
	}
	return out, nil
}
