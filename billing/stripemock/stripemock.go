// Package stripemock starts Stripe's test double, stripe-mock, for tests:
// the pinned binary the project builds into bin/stripe-mock.
package stripemock

import (
	"bufio"
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
func Start(t testing.TB) string {
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
	// Both listeners on loopback: stripe-mock otherwise also serves HTTPS on
	// all interfaces. -strict-version-check makes it refuse any
	// Stripe-Version but its spec's, proving stripe-go and the spec agree.
	cmd := exec.Command(bin, "-http-addr", "127.0.0.1:0", "-https-addr", "127.0.0.1:0", "-strict-version-check")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
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
		return "http://" + a
	case <-time.After(15 * time.Second):
		logMu.Lock()
		defer logMu.Unlock()
		t.Fatalf("stripe-mock did not report its address within 15s; it said:\n%s", log.String())
	}
	return ""
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
