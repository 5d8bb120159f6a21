package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/server"
	"github.com/portico-dev/portico/server/clock"
)

// signInFrom tries a console sign-in from a loopback address of its own
// (127.0.0.0/8 is all loopback), as another client would.
func (h *harness) signInFrom(ip, secret string) (*http.Response, problemDoc) {
	h.t.Helper()
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	client := &http.Client{Transport: &http.Transport{DialContext: dialer.DialContext}}
	defer client.CloseIdleConnections()
	body, _ := json.Marshal(map[string]string{"secret": secret})
	req, _ := http.NewRequest(http.MethodPost, h.hs.URL+"/console/api/sign-in", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(consoleHeader, "1")
	res, err := client.Do(req)
	if err != nil {
		h.t.Fatalf("sign in from %s: %v", ip, err)
	}
	defer res.Body.Close()
	var p problemDoc
	if raw, _ := io.ReadAll(res.Body); res.StatusCode >= 400 {
		if err := json.Unmarshal(raw, &p); err != nil {
			h.t.Fatalf("sign in from %s: %d %q is not a problem", ip, res.StatusCode, raw)
		}
	}
	return res, p
}

// expectSignIn checks a sign-in's status, and the wait a 429 asks for.
func (h *harness) expectSignIn(ip, secret string, status int, retryAfter string) {
	h.t.Helper()
	res, p := h.signInFrom(ip, secret)
	if res.StatusCode != status {
		h.t.Fatalf("sign in from %s: %d (%s), want %d", ip, res.StatusCode, p.Detail, status)
	}
	if got := res.Header.Get("Retry-After"); got != retryAfter {
		h.t.Fatalf("sign in from %s: Retry-After %q, want %q", ip, got, retryAfter)
	}
	if status == http.StatusTooManyRequests && (p.Status != status || !strings.Contains(p.Detail, "try again in "+retryAfter+" seconds")) {
		h.t.Fatalf("sign in from %s: problem %+v does not say when to try again", ip, p)
	}
}

// withWallClock runs the server's sign-ins on a clock the test moves.
func withWallClock(c *clock.Test) option { return func(s *server.Server) { s.WallClock = c } }

func withSignInLimits(l server.SignInLimits) option {
	return func(s *server.Server) { s.SignInLimits = l }
}

// One address gets its budget of failed sign-ins, then waits, the right
// secret included (a refused attempt learns nothing); other addresses are
// not held up, and a success gives the address its budget back.
func TestConsoleSignInIsThrottledPerAddress(t *testing.T) {
	wall := clock.NewFrozen(time.Now())
	h := newHarness(t, withWallClock(wall), withSignInLimits(server.SignInLimits{
		PerAddress: server.Budget{Burst: 3, Every: time.Minute}}))
	for range 3 {
		h.expectSignIn("127.0.0.1", "sk_guess", http.StatusUnauthorized, "")
	}
	h.expectSignIn("127.0.0.1", secretKey, http.StatusTooManyRequests, "60")
	h.expectSignIn("127.0.0.2", secretKey, http.StatusOK, "")

	wall.Advance(30 * time.Second)
	h.expectSignIn("127.0.0.1", "sk_guess", http.StatusTooManyRequests, "30")
	wall.Advance(30 * time.Second)
	h.expectSignIn("127.0.0.1", secretKey, http.StatusOK, "")
	for range 3 {
		h.expectSignIn("127.0.0.1", "sk_guess", http.StatusUnauthorized, "")
	}
	h.expectSignIn("127.0.0.1", "sk_guess", http.StatusTooManyRequests, "60")
}

// Guesses spread over many addresses share one budget.
func TestConsoleSignInIsThrottledInAll(t *testing.T) {
	wall := clock.NewFrozen(time.Now())
	h := newHarness(t, withWallClock(wall), withSignInLimits(server.SignInLimits{
		Global: server.Budget{Burst: 4, Every: 10 * time.Second}}))
	for _, ip := range []string{"127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4"} {
		h.expectSignIn(ip, "sk_guess", http.StatusUnauthorized, "")
	}
	h.expectSignIn("127.0.0.5", "sk_guess", http.StatusTooManyRequests, "10")
	h.expectSignIn("127.0.0.5", secretKey, http.StatusTooManyRequests, "10")
	wall.Advance(10 * time.Second)
	h.expectSignIn("127.0.0.5", "sk_guess", http.StatusUnauthorized, "")
	h.expectSignIn("127.0.0.6", "sk_guess", http.StatusTooManyRequests, "10")
}

// Twenty connections guessing at once get no more guesses than one: the
// default budget of an address, counted before any secret is checked.
func TestConsoleSignInHoldsUpParallelGuessing(t *testing.T) {
	h := newHarness(t)
	var mu sync.Mutex
	answers := map[int]int{}
	var wg sync.WaitGroup
	for g := range 20 {
		wg.Go(func() {
			for i := range 10 {
				r, err := h.try(http.MethodPost, "/console/api/sign-in", "", map[string]string{"secret": fmt.Sprintf("sk_guess_%d_%d", g, i)}, consoleHeader, "1")
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				answers[r.Status]++
				mu.Unlock()
				if r.Status == http.StatusTooManyRequests && r.Header.Get("Retry-After") == "" {
					t.Error("a 429 without Retry-After")
				}
			}
		})
	}
	wg.Wait()
	if answers[http.StatusUnauthorized] != 10 || answers[http.StatusTooManyRequests] != 190 {
		t.Errorf("answers to 200 parallel guesses: %v, want 10 checked (401) and 190 refused (429)", answers)
	}
	r := h.do(http.MethodPost, "/console/api/sign-in", "", map[string]string{"secret": secretKey}, consoleHeader, "1")
	expectProblem(t, r, http.StatusTooManyRequests)
}

// A failed sign-in is logged with the client's address, never with what
// was tried.
func TestFailedConsoleSignInsAreLogged(t *testing.T) {
	var logs syncBuffer
	h := newHarness(t, func(s *server.Server) {
		s.Log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	})
	const guess = "correct-horse-battery"
	h.expectSignIn("127.0.0.1", guess, http.StatusUnauthorized, "")
	out := logs.String()
	if !strings.Contains(out, "console sign-in failed") || !strings.Contains(out, "address=127.0.0.1") {
		t.Errorf("the failure is not logged with its address:\n%s", out)
	}
	if strings.Contains(out, guess) {
		t.Errorf("the log holds the secret tried:\n%s", out)
	}
}

// syncBuffer is a buffer a server and a test share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
