package main

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// settings is an environment for loadConfig.
type settings map[string]string

func (s settings) get(name string) string { return s[name] }

// Every setting comes from the one struct loadConfig fills, with the
// documented defaults when a variable is unset.
func TestConfigReadsEverySettingWithItsDefault(t *testing.T) {
	c, err := loadConfig(settings{}.get)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DataDir != "./data" || c.WebDir != "assets/web" || c.SchedulerEvery != 30*time.Second ||
		c.PublicURL != "http://127.0.0.1:8080" || !c.PublicURLFromAddr || c.Demo || c.TestClock || c.ThemeFile != "" ||
		c.PprofAddr != "" || c.Stripe != (stripeConfig{}) || c.Business.Name != "" {
		t.Errorf("defaults = %+v", c)
	}

	c, err = loadConfig(settings{
		"PORTICO_ADDR": "0.0.0.0:9000", "PORTICO_PUBLIC_URL": "https://billing.example.com", "PORTICO_DEMO": "1",
		"PORTICO_TEST_CLOCK": "1", "PORTICO_THEME": "theme.json", "PORTICO_PPROF": "127.0.0.1:6060",
		"PORTICO_EMBED_ORIGINS": "https://a.example.com, https://b.example.com/", "PORTICO_SCHEDULER_INTERVAL": "5s",
		"STRIPE_SECRET_KEY": "sk_test_1", "STRIPE_WEBHOOK_SECRET": "whsec_1", "STRIPE_API_BASE": "http://127.0.0.1:12111",
	}.get)
	if err != nil {
		t.Fatal(err)
	}
	want := stripeConfig{SecretKey: "sk_test_1", WebhookSecret: "whsec_1", APIBase: "http://127.0.0.1:12111"}
	if c.PublicURL != "https://billing.example.com" || c.PublicURLFromAddr || !c.Demo || !c.TestClock ||
		c.ThemeFile != "theme.json" || c.PprofAddr != "127.0.0.1:6060" || c.SchedulerEvery != 5*time.Second || c.Stripe != want ||
		!slices.Equal(c.EmbedOrigins, []string{"https://a.example.com", "https://b.example.com"}) ||
		c.Business.Name != "Acme" || c.Business.SupportURL != "mailto:support@example.com" {
		t.Errorf("settings = %+v", c)
	}
}

// A bad setting stops the start with a message naming its variable.
func TestConfigNamesTheVariableAtFault(t *testing.T) {
	for name, want := range map[string]string{
		"PORTICO_CONSOLE_PASSWORD":   "PORTICO_CONSOLE_PASSWORD: must be at least 12 characters, not 5",
		"PORTICO_EMBED_ORIGINS":      `PORTICO_EMBED_ORIGINS: "ftp://x" is not an origin`,
		"PORTICO_CORS_ORIGINS":       `PORTICO_CORS_ORIGINS: "ftp://x" is not an origin`,
		"PORTICO_SCHEDULER_INTERVAL": "PORTICO_SCHEDULER_INTERVAL: must be a positive duration",
		"PORTICO_BUSINESS_NAME":      "PORTICO_BUSINESS_NAME: must be at most 100 characters",
		"PORTICO_BUSINESS_LOGO":      "PORTICO_BUSINESS_LOGO: must be an http or https URL",
		"PORTICO_SUPPORT":            "PORTICO_SUPPORT: must be an http or https URL",
	} {
		value := map[string]string{"PORTICO_CONSOLE_PASSWORD": "short", "PORTICO_EMBED_ORIGINS": "ftp://x",
			"PORTICO_CORS_ORIGINS": "ftp://x", "PORTICO_SCHEDULER_INTERVAL": "-1s", "PORTICO_BUSINESS_NAME": strings.Repeat("n", 101),
			"PORTICO_BUSINESS_LOGO": "javascript:alert(1)", "PORTICO_SUPPORT": "javascript:alert(1)"}[name]
		if _, err := loadConfig(settings{name: value}.get); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s=%q: %v, want %q", name, value, err, want)
		}
	}
}
