package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"

	"github.com/portico-dev/portico/internal/headless"
	"github.com/portico-dev/portico/internal/testkit"
)

const (
	// testTimeout bounds each scenario, browser start included.
	testTimeout = 60 * time.Second
	// stepTimeout bounds each wait within a scenario.
	stepTimeout = 20 * time.Second
)

var (
	repoRoot  string // the module's root folder
	serverBin string // the portico binary the tests run
)

func TestMain(m *testing.M) {
	code, err := setup(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

// setup finds the repository, checks the web client is built, builds the
// server into a temporary folder and runs the tests.
func setup(m *testing.M) (int, error) {
	root, err := moduleRoot()
	if err != nil {
		return 0, err
	}
	repoRoot = root
	if _, err := os.Stat(filepath.Join(repoRoot, "assets", "web", "app.wasm")); err != nil {
		return 0, fmt.Errorf("%s is missing: run make build first", filepath.Join(repoRoot, "assets", "web", "app.wasm"))
	}
	tmp, err := os.MkdirTemp("", "portico-e2e-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(tmp)
	serverBin = filepath.Join(tmp, "portico")
	build := exec.Command("go", "build", "-o", serverBin, "./cmd/portico")
	build.Dir = repoRoot
	if out, err := build.CombinedOutput(); err != nil {
		return 0, fmt.Errorf("go build ./cmd/portico: %w\n%s", err, out)
	}
	return m.Run(), nil
}

// moduleRoot is the folder of the main module, from go list -m (in a
// workspace, the module that holds cmd/portico).
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		return "", fmt.Errorf("go list -m -f {{.Dir}}: %w", err)
	}
	for _, dir := range strings.Fields(string(out)) {
		if _, err := os.Stat(filepath.Join(dir, "cmd", "portico")); err == nil {
			return dir, nil
		}
	}
	return "", fmt.Errorf("go list -m names no module with cmd/portico: %q", out)
}

// server is a running portico serve with the demo data: its banner says
// where it listens, the backend API key it generated and the demo
// customers' portal URLs.
type server struct {
	testkit.Banner
	log *syncBuffer // its stderr
}

// startServer runs the server on a fresh data folder with the demo loaded
// and any extra settings (NAME=value), reads its banner, and stops it when
// the test ends.
func startServer(t *testing.T, settings ...string) *server {
	t.Helper()
	cmd := exec.Command(serverBin, "serve")
	cmd.Env = append(environWithout("PORTICO_"),
		"PORTICO_DATA="+t.TempDir(),
		"PORTICO_DEMO=1",
		"PORTICO_ADDR=127.0.0.1:0",
		"PORTICO_WEB="+filepath.Join(repoRoot, "assets", "web"),
	)
	cmd.Env = append(cmd.Env, settings...)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &server{log: &syncBuffer{}}
	var banner syncBuffer
	cmd.Stdout, cmd.Stderr = w, s.log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s serve: %v", serverBin, err)
	}
	w.Close()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("server log (last 4 kB):\n%s", s.log.Tail(4096))
		}
	})

	ready := make(chan error, 1)
	go func() {
		defer r.Close()
		sc := bufio.NewScanner(r)
		done := false
		for sc.Scan() {
			if done {
				continue // keep the pipe drained
			}
			line := sc.Text()
			banner.Write([]byte(line + "\n"))
			if !s.Read(line) {
				done = true
				ready <- nil
			}
		}
		if !done {
			ready <- errors.New("its output ended before the banner did")
		}
	}()
	select {
	case err := <-ready:
		if err != nil {
			t.Fatalf("server: %v\nstdout:\n%s\nstderr:\n%s", err, banner.String(), s.log.String())
		}
	case err := <-exited:
		t.Fatalf("server exited before it was ready (%v)\nstdout:\n%s\nstderr:\n%s", err, banner.String(), s.log.String())
	case <-time.After(stepTimeout):
		t.Fatalf("server printed no complete banner within %v\nstdout:\n%s", stepTimeout, banner.String())
	}
	if s.URL == "" || s.Key == "" || len(s.Portals) == 0 {
		t.Fatalf("server banner lacks the URL, the generated key or the demo portal URLs:\n%s", banner.String())
	}
	res, err := http.Get(s.URL + "/healthz")
	if err != nil {
		t.Fatalf("GET /healthz: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /healthz: %s", res.Status)
	}
	return s
}

// Portal is the portal session URL of a demo customer.
func (s *server) Portal(t *testing.T, customer string) string {
	t.Helper()
	u, ok := s.Portals[customer]
	if !ok {
		t.Fatalf("the server's banner has no portal URL for %q (it has %d)", customer, len(s.Portals))
	}
	return u
}

// environWithout is the environment without the variables that start with
// prefix, so the developer's settings do not reach the server.
func environWithout(prefix string) []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, prefix) {
			out = append(out, kv)
		}
	}
	return out
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader in two
// goroutines.
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

// Tail is the last n bytes written.
func (b *syncBuffer) Tail(n int) string {
	s := b.String()
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// inCI reports whether the CI variable is set, as CI services set it: a
// missing browser is then a failure, not a reason to skip.
func inCI() bool { return os.Getenv("CI") != "" }

// page is a browser tab driven for one scenario.
type page struct {
	t        *testing.T
	scenario string
	tab      context.Context // the tab, without a deadline
	ctx      context.Context // the tab, with the scenario's deadline
	shots    string          // where screenshots go
	console  *consoleLog
}

// consoleLog is what the page wrote to its console.
type consoleLog struct {
	all     syncBuffer
	mu      sync.Mutex
	errs    []string // the errors and exceptions
	allowed []string // substrings of errors the scenario expects
}

// sub is the page driven by a subtest, named scenario in screenshots.
func (p *page) sub(t *testing.T, scenario string) *page {
	q := *p
	q.t, q.scenario = t, scenario
	return &q
}

// allowConsoleError lets the scenario's page log errors that contain s
// (such as the 401 of an invalid session).
func (p *page) allowConsoleError(s string) {
	p.console.mu.Lock()
	defer p.console.mu.Unlock()
	p.console.allowed = append(p.console.allowed, s)
}

// unexpectedConsoleErrors are the console errors and exceptions no
// allowConsoleError covers.
func (p *page) unexpectedConsoleErrors() []string {
	c := p.console
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, e := range c.errs {
		if !slices.ContainsFunc(c.allowed, func(a string) bool { return strings.Contains(e, a) }) {
			out = append(out, e)
		}
	}
	return out
}

// begin starts a scenario: it checks for a browser (skipping the test
// without one, unless CI is set), starts the server, then the browser, all
// within the scenario's time limit. The browser closes before the server
// stops, so no connection of its holds the server's shutdown up.
func begin(t *testing.T, scenario string) (*page, *server) {
	t.Helper()
	path := requireBrowser(t)
	deadline := time.Now().Add(testTimeout)
	srv := startServer(t)
	return newPage(t, path, scenario, deadline), srv
}

// requireBrowser is the browser's path; without one the test skips, or
// fails when CI is set.
func requireBrowser(t *testing.T) string {
	t.Helper()
	path := headless.Path()
	if path == "" {
		const msg = "no Chromium found (/usr/bin/chromium, or chromium or chromium-browser on PATH); install it with apt-get install chromium"
		if inCI() {
			t.Fatal(msg + " — CI is set, so a missing browser is a failure")
		}
		t.Skip(msg)
	}
	return path
}

// newPage starts the browser at path for a scenario and opens a tab at
// 1280×900; its actions must end by deadline.
func newPage(t *testing.T, path, scenario string, deadline time.Time) *page {
	t.Helper()
	allocCtx, cancelAlloc := headless.Allocator(context.Background(), path)
	tab, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})

	// The first run starts the browser and binds it to tab's lifetime, so it
	// runs without a deadline, guarded by a timer.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(tab) }()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("start %s: %v", path, err)
		}
	case <-time.After(stepTimeout):
		t.Fatalf("%s did not start within %v", path, stepTimeout)
	}

	p := &page{t: t, scenario: scenario, tab: tab, shots: screenshotDir(t), console: &consoleLog{}}
	messages := chromedp.Console(tab)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			fmt.Fprintf(&p.console.all, "%s: %s\n", m.Type, m.Text)
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException {
				p.console.mu.Lock()
				p.console.errs = append(p.console.errs, string(m.Type)+": "+m.Text)
				p.console.mu.Unlock()
			}
		}
	}()
	ctx, cancel := context.WithDeadline(tab, deadline)
	t.Cleanup(cancel)
	p.ctx = ctx
	t.Cleanup(func() {
		if !t.Failed() {
			// A page that works writes no errors: a CSP refusal, a failed
			// request or a panic in the client shows up here.
			if errs := p.unexpectedConsoleErrors(); len(errs) > 0 {
				t.Errorf("the page wrote errors to its console:\n%s", strings.Join(errs, "\n"))
			}
			return
		}
		if c := p.console.all.Tail(4096); c != "" {
			t.Logf("browser console (last 4 kB):\n%s", c)
		}
		sctx, cancel := context.WithTimeout(tab, 10*time.Second)
		defer cancel()
		if png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100)); err == nil {
			p.save("e2e-"+p.scenario+"-failed.png", png)
		}
	})
	p.do("set the viewport", chromedp.EmulateViewport(1280, 900))
	// Without scrollbars the layout is the viewport's full width, as full-page
	// screenshots draw it.
	if _, err := chromedp.Call(p.ctx, emulation.SetScrollbarsHidden, emulation.SetScrollbarsHiddenParams{Hidden: true}); err != nil {
		t.Fatalf("hide scrollbars: %v", err)
	}
	// Keep dates and times the same whatever the host's zone.
	if _, err := chromedp.Call(p.ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "UTC"}); err != nil {
		t.Fatalf("set the time zone: %v", err)
	}
	return p
}

// screenshotDir is $PORTICO_SCREENSHOTS, else a temporary folder.
func screenshotDir(t *testing.T) string {
	if d := os.Getenv("PORTICO_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatalf("PORTICO_SCREENSHOTS: %v", err)
		}
		return d
	}
	return t.TempDir()
}

// do runs actions with the step timeout and fails the test with what
// they were doing when they fail.
func (p *page) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression and decodes its value.
func eval[T any](p *page, what, expr string) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
	return v
}

// until waits for a JavaScript expression to be truthy. On failure, the
// message names what was awaited and, from now, what the page shows.
func (p *page) until(what, expr string, now ...func() string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr,
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(stepTimeout)))
	if err != nil {
		for _, f := range now {
			what += " (" + f() + ")"
		}
		p.t.Fatalf("waiting until %s: %v", what, err)
	}
}

// js quotes a string for JavaScript.
func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// textOf is a JavaScript expression for the whitespace-normalised text of
// the first element matching sel, or null.
func textOf(sel string) string {
	return `(() => { const el = document.querySelector(` + js(sel) + `);
  return el ? el.textContent.replace(/\s+/g, " ").trim() : null; })()`
}

// open navigates to a portal URL and waits for the page's main element.
func (p *page) open(url string) {
	p.t.Helper()
	p.do("open "+redact(url), chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS("main.portico-page")))
}

// waitWasm waits for the wasm client to take the page over: go-app removes
// #app-wasm-loader once the client starts (not yet mounted), and the
// client's first render replaces the prerendered root, which the server
// marked .portico-prerendered. Until then a click reaches the server's
// HTML, which has no handlers.
func (p *page) waitWasm() {
	p.t.Helper()
	p.do("wait for the wasm client to take over (#app-wasm-loader and .portico-prerendered gone)",
		chromedp.WaitNotPresent(chromedp.ID("app-wasm-loader")),
		chromedp.WaitNotPresent(chromedp.CSS(".portico-prerendered")))
}

// waitPlans waits for the plan cards to be drawn and not reloading, so a
// click acts on the plans shown.
func (p *page) waitPlans() {
	p.t.Helper()
	p.do("wait for the plan cards", chromedp.WaitVisible(chromedp.CSS(`.portico-plans[aria-busy="false"] .portico-plan-button`)))
}

// text is the normalised text of the first element matching sel; the test
// fails if there is none.
func (p *page) text(sel string) string {
	p.t.Helper()
	v := eval[*string](p, "read the text of "+sel, textOf(sel))
	if v == nil {
		p.t.Fatalf("no element matches %s", sel)
	}
	return *v
}

// texts is the normalised text of every element matching sel.
func (p *page) texts(sel string) []string {
	p.t.Helper()
	return eval[[]string](p, "read the texts of "+sel, `Array.from(document.querySelectorAll(`+js(sel)+`),
  (el) => el.textContent.replace(/\s+/g, " ").trim())`)
}

// count is the number of elements matching sel.
func (p *page) count(sel string) int {
	p.t.Helper()
	return eval[int](p, "count "+sel, `document.querySelectorAll(`+js(sel)+`).length`)
}

// waitText waits until the first element matching sel contains want.
func (p *page) waitText(sel, want string) {
	p.t.Helper()
	p.until(fmt.Sprintf("%s shows %q", sel, want),
		`(() => { const t = `+textOf(sel)+`; return t !== null && t.includes(`+js(want)+`); })()`,
		p.showing(sel))
}

// showing reports what sel shows, for failure messages.
func (p *page) showing(sel string) func() string {
	return func() string {
		ctx, cancel := context.WithTimeout(p.tab, 5*time.Second)
		defer cancel()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[*string](textOf(sel)))
		switch {
		case err != nil:
			return "cannot read it: " + err.Error()
		case v == nil:
			return "no element matches " + sel
		}
		return fmt.Sprintf("it shows %q", *v)
	}
}

// visible waits for the first element matching sel to be visible.
func visible(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.WaitVisible(chromedp.CSS(sel))
}

// gone waits until no element matches sel.
func gone(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.WaitNotPresent(chromedp.CSS(sel))
}

// click clicks the first element matching sel once it is visible. The
// client may redraw the element between finding it and clicking it (go-app
// replaces nodes whose kind changes): the click is then tried again on the
// element as it is now.
func (p *page) click(sel string) {
	p.t.Helper()
	for try := 1; ; try++ {
		ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
		err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel)))
		cancel()
		if err == nil {
			return
		}
		if try == 5 || !strings.Contains(err.Error(), "Could not find node") {
			p.t.Fatalf("click %s: %v", sel, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// shot saves a full-page PNG screenshot as e2e-<scenario>[-suffix].png,
// once transitions have finished.
func (p *page) shot(suffix string) {
	p.t.Helper()
	p.capture(suffix, chromedp.FullScreenshot(100))
}

// shotViewport saves what the viewport shows, as shot does: the state of a
// modal dialog, which a full-page capture draws over only part of the page.
func (p *page) shotViewport(suffix string) {
	p.t.Helper()
	p.capture(suffix, chromedp.CaptureScreenshot())
}

func (p *page) capture(suffix string, screenshot chromedp.Action[[]byte]) {
	p.t.Helper()
	name := "e2e-" + p.scenario
	if suffix != "" {
		name += "-" + suffix
	}
	p.until("transitions end before "+name, `document.getAnimations().every((a) =>
  a.playState !== "running" || a.effect.getComputedTiming().iterations === Infinity)`)
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, screenshot)
	if err != nil {
		p.t.Fatalf("screenshot %s: %v", name, err)
	}
	p.save(name+".png", png)
}

func (p *page) save(name string, png []byte) {
	path := filepath.Join(p.shots, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		p.t.Errorf("save screenshot: %v", err)
		return
	}
	p.t.Logf("screenshot: %s", path)
}

// holdWasm pauses the browser's request for app.wasm until the returned
// release is called, so the page can be checked as the server rendered it.
// wait blocks until the request is paused: the page's script has run and
// nothing but the prerendered HTML is on screen.
func (p *page) holdWasm() (wait, release func()) {
	p.t.Helper()
	return p.holdRequests("*/web/app.wasm*", "app.wasm")
}

// holdRequests pauses the browser's requests for URLs matching pattern
// (what names them in failures) until release is called; wait blocks
// until one is paused.
func (p *page) holdRequests(pattern, what string) (wait, release func()) {
	p.t.Helper()
	sctx, stop := context.WithCancel(p.ctx)
	paused := chromedp.Events(sctx, fetch.RequestPaused)
	_, err := chromedp.Call(p.ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{
		{URLPattern: pattern, RequestStage: fetch.RequestStageRequest}}})
	if err != nil {
		stop()
		p.t.Fatalf("intercept %s: %v", what, err)
	}
	ids := make(chan fetch.RequestID, 8)
	go func() {
		for ev, err := range paused {
			if err != nil {
				return
			}
			ids <- ev.RequestID
		}
	}()
	var held []fetch.RequestID
	wait = func() {
		p.t.Helper()
		select {
		case id := <-ids:
			held = append(held, id)
		case <-time.After(stepTimeout):
			p.t.Fatalf("the page did not request %s within %v", what, stepTimeout)
		}
	}
	release = func() {
		p.t.Helper()
		defer stop()
		for _, id := range held {
			if _, err := chromedp.Call(p.ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: id}); err != nil {
				p.t.Fatalf("let %s load: %v", what, err)
			}
		}
		if _, err := chromedp.Call(p.ctx, fetch.Disable, cdp.Empty{}); err != nil {
			p.t.Fatalf("stop intercepting: %v", err)
		}
	}
	return wait, release
}

// redact hides the session token in a URL for logs.
func redact(u string) string {
	if i := strings.Index(u, "session="); i >= 0 {
		return u[:i] + "session=…"
	}
	return u
}

// portalAPI calls the portal API with a session token, as the client does,
// and returns the status and body.
func portalAPI(t *testing.T, s *server, token, method, path string, body any) (int, string) {
	t.Helper()
	var in io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		in = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.URL+path, in)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(out)
}

// subscription is a subscription as the backend API shows it.
type subscription struct {
	ID               string
	Status           string
	Plan             struct{ ID string }
	CurrentPeriodEnd time.Time
	Addons           []struct {
		ID       string
		Quantity int
	}
	ScheduledUpdates []struct {
		Type, TargetPlanID string
	}
}

// subscriptions reads a customer's subscriptions through the backend API
// with the server's key: the server's state, not the page's.
func subscriptions(t *testing.T, s *server, customer string) []subscription {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.URL+"/api/v1/customers/"+customer, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+s.Key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET /api/v1/customers/%s: %v", customer, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v1/customers/%s: %s %s", customer, res.Status, body)
	}
	var v struct{ Subscriptions []subscription }
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("GET /api/v1/customers/%s: %v", customer, err)
	}
	return v.Subscriptions
}

// liveSubscription is the customer's one active or trialing subscription.
func liveSubscription(t *testing.T, s *server, customer string) subscription {
	t.Helper()
	var live []subscription
	for _, sub := range subscriptions(t, s, customer) {
		if sub.Status == "active" || sub.Status == "trialing" {
			live = append(live, sub)
		}
	}
	if len(live) != 1 {
		t.Fatalf("%s has %d live subscriptions, want 1: %+v", customer, len(live), live)
	}
	return live[0]
}

// sessionToken is the session token in a portal URL.
func sessionToken(t *testing.T, portalURL string) string {
	t.Helper()
	_, tok, ok := strings.Cut(portalURL, "session=")
	if !ok || tok == "" {
		t.Fatalf("no session in %s", redact(portalURL))
	}
	return tok
}

// phoneWidth is a common phone's viewport width in CSS pixels.
const phoneWidth = 390

// shotWidths saves what the viewport shows at the desktop width and at a
// phone's, for the layout review, then returns to the desktop width.
func (p *page) shotWidths(suffix string) {
	p.t.Helper()
	p.shotViewport(suffix + "-1280")
	p.do("narrow the viewport", chromedp.EmulateViewport(phoneWidth, 844))
	p.shotViewport(suffix + "-390")
	p.do("widen the viewport", chromedp.EmulateViewport(1280, 900))
}

// inViewport is a JavaScript expression: whether the first element matching
// sel is wholly in the window.
func inViewport(sel string) string {
	return `(() => { const el = document.querySelector(` + js(sel) + `); if (!el) return false;
  const r = el.getBoundingClientRect();
  return r.height > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth; })()`
}

// focusOn is a JavaScript expression: whether the focus is on, or inside,
// the first element matching sel.
func focusOn(sel string) string {
	return `(() => { const el = document.querySelector(` + js(sel) + `);
  return !!el && (el === document.activeElement || el.contains(document.activeElement)); })()`
}

// focused describes the element with the focus, for failure messages.
func (p *page) focused() func() string {
	return func() string {
		return "the focus is on " + eval[string](p, "read the focus", `document.activeElement ? document.activeElement.outerHTML.slice(0, 160) : "nothing"`)
	}
}
