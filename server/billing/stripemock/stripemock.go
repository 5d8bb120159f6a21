// Package stripemock starts Stripe's test double, stripe-mock, for tests:
// the pinned binary the project builds into bin/stripe-mock.
package stripemock

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// buildStripeMock is how the pinned stripe-mock is built (tools/stripemock).
const buildStripeMock = "cd tools/stripemock && go build -o ../../bin/stripe-mock github.com/stripe/stripe-mock"

// Start runs stripe-mock (STRIPE_MOCK_BIN, else <repo>/bin/stripe-mock)
// on loopback ports chosen by the system, and returns its HTTP base URL.
// Without the binary the test is skipped on a developer's machine and fails
// in CI (CI=true), where the set-up must have built it.
func Start(t testing.TB, opts ...Option) string {
	t.Helper()
	bin := os.Getenv("STRIPE_MOCK_BIN")
	if bin == "" {
		bin = filepath.Join(repoRoot(t), "bin", "stripe-mock")
	}
	if _, err := os.Stat(bin); err != nil {
		if inCI, _ := strconv.ParseBool(os.Getenv("CI")); !inCI {
			t.Skipf("stripe-mock not found at %s (set STRIPE_MOCK_BIN, or build it: %s)", bin, buildStripeMock)
		}
		t.Fatalf("stripe-mock not found at %s; CI must build it first: %s", bin, buildStripeMock)
	}
	var args []string
	for _, opt := range opts {
		args = append(args, opt(t)...)
	}
	url, stop, err := Run(bin, args...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return url
}

// Run starts the stripe-mock binary at bin on loopback ports chosen by the
// system, with extra arguments, and returns its HTTP base URL and how to
// stop it. Programs other than tests (the reliability suite) use it.
func Run(bin string, extra ...string) (url string, stop func(), err error) {
	// Both listeners on loopback: stripe-mock otherwise also serves HTTPS on
	// all interfaces. -strict-version-check makes it refuse any
	// Stripe-Version but its spec's, proving stripe-go and the spec agree.
	args := append([]string{"-http-addr", "127.0.0.1:0", "-https-addr", "127.0.0.1:0", "-strict-version-check"}, extra...)
	cmd := exec.Command(bin, args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	stop = func() {
		cmd.Process.Kill()
		cmd.Wait()
	}
	addr := make(chan string, 1)
	var logMu sync.Mutex
	var log strings.Builder
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line := sc.Text()
			logMu.Lock()
			log.WriteString(line + "\n")
			logMu.Unlock()
			if a, found := strings.CutPrefix(line, "Listening for HTTP at address: "); found {
				addr <- strings.TrimSpace(a)
			}
		}
		io.Copy(io.Discard, out)
	}()
	select {
	case a := <-addr:
		return "http://" + a, stop, nil
	case <-time.After(15 * time.Second):
		stop()
		logMu.Lock()
		defer logMu.Unlock()
		return "", nil, fmt.Errorf("stripe-mock did not report its address within 15s; it said:\n%s", log.String())
	}
}

func repoRoot(t testing.TB) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// Option adds stripe-mock arguments for a test.
type Option func(t testing.TB) []string

// PaidInvoices makes stripe-mock's invoice a finalised, paid one with its
// hosted page and PDF, where the bundled fixture is a draft (which Portico
// rightly does not show customers).
func PaidInvoices() Option {
	return withFixtures(func(resources map[string]map[string]any) {
		inv := resources["invoice"]
		inv["status"], inv["paid"], inv["number"] = "paid", true, "PORTICO-0001"
		inv["hosted_invoice_url"] = "https://invoice.stripe.com/i/acct_portico/test"
		inv["invoice_pdf"] = "https://pay.stripe.com/invoice/acct_portico/test/pdf"
	})
}

// SetupPaymentMethod is the payment method stripe-mock's SetupIntents
// collected under CompletedSetups.
const SetupPaymentMethod = "pm_portico_setup"

// CompletedSetups makes stripe-mock's SetupIntent a succeeded one that
// collected SetupPaymentMethod, where the bundled fixture has collected
// none: what a completed setup checkout's SetupIntent is.
func CompletedSetups() Option {
	return withFixtures(func(resources map[string]map[string]any) {
		si := resources["setup_intent"]
		si["status"], si["payment_method"] = "succeeded", SetupPaymentMethod
	})
}

// withFixtures runs stripe-mock on its bundled fixtures as edit changes
// them (several such options each start from the bundled ones: use one).
func withFixtures(edit func(resources map[string]map[string]any)) Option {
	return func(t testing.TB) []string {
		cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/stripe/stripe-mock")
		cmd.Dir = filepath.Join(repoRoot(t), "tools", "stripemock")
		dir, err := cmd.Output()
		if err != nil {
			t.Fatalf("finding stripe-mock's fixtures: %v", err)
		}
		raw, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(dir)), "embedded", "openapi", "fixtures3.json"))
		if err != nil {
			t.Fatal(err)
		}
		var fixtures struct {
			Resources map[string]map[string]any `json:"resources"`
		}
		if err := json.Unmarshal(raw, &fixtures); err != nil {
			t.Fatal(err)
		}
		edit(fixtures.Resources)
		out, err := json.Marshal(fixtures)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "fixtures.json")
		if err := os.WriteFile(path, out, 0o600); err != nil {
			t.Fatal(err)
		}
		return []string{"-fixtures", path}
	}
}
