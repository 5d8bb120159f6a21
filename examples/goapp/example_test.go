//go:build !(js && wasm)

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"github.com/portico-dev/portico/internal/headless"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// stepTimeout bounds each wait in the browser.
const stepTimeout = 20 * time.Second

// TestAcmeNotesInChromium builds Acme Notes, runs it against a real demo
// Portico (bin/portico, allowing the host's origin with
// PORTICO_CORS_ORIGINS) and drives it in Chromium: the host's own header
// and layout around Portico's sections, the customer's plan, the paywall
// loaded by the browser from Portico's origin, callbacks routing to the
// host's own pages, the customer switcher, and an upgrade made from the
// browser.
func TestAcmeNotesInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the example and drives Chromium; skipped with -short")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	portico := filepath.Join(root, "bin", "portico")
	require(t, portico, "build it with make build at the repository's root")
	require(t, filepath.Join(root, "assets", "web", "app.wasm"), "build it with make build at the repository's root")
	browser := headless.Path()
	if browser == "" {
		missing(t, "no Chromium found (/usr/bin/chromium, or chromium or chromium-browser on PATH): apt-get install chromium")
	}

	hostAddr := freeAddr(t)
	hostURL := "http://" + hostAddr
	const secret = "sk_acme_example_test_secret"
	porticoURL := startPortico(t, portico, root, hostURL, secret)
	bin, wasm := buildHost(t)
	startHost(t, bin, wasm, hostAddr, porticoURL, secret)

	t.Run("the secret key stays on the server", func(t *testing.T) {
		for _, path := range []string{"/billing", "/upgrade", "/app.js", "/web/app.wasm"} {
			body := get(t, hostURL+path)
			if strings.Contains(body, secret) {
				t.Errorf("%s holds the secret key", path)
			}
		}
		if page := get(t, hostURL+"/billing?customer=grace"); !strings.Contains(page, `id="acme-portal-session"`) {
			t.Errorf("the billing page carries no portal session")
		}
	})

	b := newBrowser(t, browser)

	// The billing page, prerendered by the host's server with Grace's data,
	// then taken over by the wasm.
	b.open(hostURL + "/billing?customer=grace")
	b.waitText("header.acme-header .acme-brand", "Acme Notes")
	b.waitText(".acme-nav-active", "Billing")
	b.waitText(".acme-user-name", "Grace Hopper")
	b.waitText(".acme-billing-grid .portico-subscription-overview .portico-plan-name", "Pro")
	b.wait("the wasm takes the page over", `!document.getElementById("app-wasm-loader")`)
	b.waitText(".acme-billing-grid .portico-subscription-overview .portico-plan-name", "Pro")
	b.wait("usage in the grid's second column", `!!document.querySelector(".acme-column:nth-child(2) .portico-usage .portico-entitlement-row-container")`)
	if bg := b.eval(`getComputedStyle(document.querySelector(".portico-root")).getPropertyValue("--portico-primary").trim()`); bg != acmeTheme.Palette.Primary {
		t.Errorf("the provider's primary colour is %q, want the host theme's %q", bg, acmeTheme.Palette.Primary)
	}
	b.shot("billing")

	// In-app navigation: the upgrade page was never drawn by the server, so
	// its plans come from the browser calling Portico's portal API on
	// Portico's origin.
	b.click(`.acme-nav a[href^="/upgrade"]`)
	b.waitText(".acme-heading h1", "Upgrade")
	b.wait("plan cards", `document.querySelectorAll('.portico-plans[aria-busy="false"] .portico-plan-card').length >= 3`)
	b.waitText(".portico-current-plan .portico-plan-name", "Pro")
	b.shot("upgrade")

	// "Contact sales" on a plan goes to the host's support page through
	// OnPlanSelected, with the plan.
	b.click(".portico-plan-button-contact-sales")
	b.waitText(".acme-heading h1", "Support")
	if loc := b.eval(`location.pathname + location.search`); !strings.Contains(loc, "topic=sales") || !strings.Contains(loc, "plan=enterprise") {
		t.Errorf("Contact sales led to %s, want the support page with topic=sales and plan=enterprise", loc)
	}
	b.waitValue("#acme-message", "Enterprise plan")

	// Back to billing in the app: the session the page came with is reused.
	b.click(`.acme-nav a[href^="/billing"]`)
	b.waitText(".acme-billing-grid .portico-plan-name", "Pro")

	// Another customer, through the switcher: the page is loaded from the
	// server, which opens a session for them.
	b.eval(`(() => { const s = document.getElementById("acme-customer"); s.value = "alan";
  s.dispatchEvent(new Event("change", {bubbles: true})); return ""; })()`)
	b.waitText(".acme-user-name", "Alan Turing")
	b.waitText(".portico-subscription-overview .portico-status-badge", "Trial")
	b.waitText(".portico-subscription-overview .portico-plan-name", "Pro")
	b.wait("the wasm takes the page over", `!document.getElementById("app-wasm-loader")`)

	// Margaret's custom price: "Talk to us" goes to the host's support page
	// through OnContactSupport.
	b.open(hostURL + "/billing?customer=margaret")
	b.waitText(".portico-plan-name", "Enterprise")
	b.wait("the wasm takes the page over", `!document.getElementById("app-wasm-loader")`)
	b.click(".portico-contact-support-link")
	b.waitText(".acme-heading h1", "Support")
	if loc := b.eval(`location.search`); !strings.Contains(loc, "topic=contract") {
		t.Errorf("Talk to us led to %s, want topic=contract", loc)
	}

	// Barbara is at her seat limit: "Buy more" leads to the upgrade page
	// (OnBuyMore), where upgrading to Pro is previewed, confirmed and made
	// by the browser through Portico's portal API.
	b.open(hostURL + "/billing?customer=barbara")
	b.waitText(".portico-plan-name", "Basic")
	b.wait("the wasm takes the page over", `!document.getElementById("app-wasm-loader")`)
	b.click(".portico-buy-more-button")
	b.waitText(".acme-heading h1", "Upgrade")
	b.wait("plan cards", `!!document.querySelector('.portico-plans[aria-busy="false"] .portico-pro .portico-plan-button-upgrade')`)
	b.click(".portico-pro .portico-plan-button-upgrade")
	b.waitText(".portico-confirm-dialog .portico-preview-due", "$")
	b.shot("upgrade-confirm")
	b.click(".portico-confirm-button")
	b.waitText(".portico-notice-success", "updated")
	b.waitText(".portico-current-plan .portico-plan-name", "Pro")
	b.click(`.acme-nav a[href^="/billing"]`)
	b.waitText(".portico-subscription-overview .portico-plan-name", "Pro")

	if errs := b.consoleErrors(); len(errs) > 0 {
		t.Errorf("the pages wrote errors to the console:\n%s", strings.Join(errs, "\n"))
	}
}

// require skips the test when a file the test needs is missing, or fails
// it when CI is set.
func require(t *testing.T, path, how string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		missing(t, fmt.Sprintf("%s is missing: %s", path, how))
	}
}

func missing(t *testing.T, msg string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal(msg + " (CI is set, so this is a failure)")
	}
	t.Skip(msg)
}

// freeAddr is a loopback address with a port free a moment ago: Portico
// must know the host's origin before the host starts.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// environ is the test's environment without Portico's settings.
func environ(extra ...string) []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PORTICO_") && !strings.HasPrefix(kv, "GOOS=") && !strings.HasPrefix(kv, "GOARCH=") {
			out = append(out, kv)
		}
	}
	return append(out, extra...)
}

var listening = regexp.MustCompile(`^Portico is listening on (http://\S+) `)

// startPortico runs bin/portico with the demo data on a fresh folder and
// a free port, allowing hostURL to call the portal API, and returns its URL.
func startPortico(t *testing.T, bin, root, hostURL, secret string) string {
	t.Helper()
	cmd := exec.Command(bin, "serve")
	cmd.Env = environ("PORTICO_DATA="+t.TempDir(), "PORTICO_DEMO=1", "PORTICO_ADDR=127.0.0.1:0",
		"PORTICO_WEB="+filepath.Join(root, "assets", "web"), "PORTICO_SECRET_KEY="+secret, "PORTICO_CORS_ORIGINS="+hostURL)
	out := start(t, cmd, "portico")
	select {
	case line := <-out.match(listening):
		return listening.FindStringSubmatch(line)[1]
	case <-time.After(stepTimeout):
		t.Fatalf("Portico did not say where it listens within %v:\n%s", stepTimeout, out)
	}
	return ""
}

// buildHost builds the example's server and its wasm into a temporary
// folder.
func buildHost(t *testing.T) (bin, wasm string) {
	t.Helper()
	dir := t.TempDir()
	bin, wasm = filepath.Join(dir, "acme-notes"), filepath.Join(dir, "app.wasm")
	for _, b := range []struct {
		env []string
		out string
	}{{nil, bin}, {[]string{"GOOS=js", "GOARCH=wasm"}, wasm}} {
		cmd := exec.Command("go", "build", "-o", b.out, ".")
		cmd.Env = environ(b.env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s go build: %v\n%s", strings.Join(b.env, " "), err, out)
		}
	}
	return bin, wasm
}

// startHost runs Acme Notes on addr and waits until it serves pages.
func startHost(t *testing.T, bin, wasm, addr, porticoURL, secret string) {
	t.Helper()
	web, err := filepath.Abs("web")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-addr", addr, "-web", web, "-wasm", wasm)
	cmd.Env = environ("PORTICO_URL="+porticoURL, "PORTICO_SECRET_KEY="+secret)
	out := start(t, cmd, "acme notes")
	select {
	case <-out.match(regexp.MustCompile(`Acme Notes is running`)):
	case <-time.After(stepTimeout):
		t.Fatalf("Acme Notes did not start within %v:\n%s", stepTimeout, out)
	}
}

// output is what a process wrote, watched line by line.
type output struct {
	mu       sync.Mutex
	text     strings.Builder
	watchers []watcher
}

type watcher struct {
	re *regexp.Regexp
	ch chan string
}

func (o *output) add(line string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.text.WriteString(line + "\n")
	kept := o.watchers[:0]
	for _, w := range o.watchers {
		if w.re.MatchString(line) {
			w.ch <- line
		} else {
			kept = append(kept, w)
		}
	}
	o.watchers = kept
}

// match delivers the first line from now on that matches re.
func (o *output) match(re *regexp.Regexp) <-chan string {
	o.mu.Lock()
	defer o.mu.Unlock()
	ch := make(chan string, 1)
	for _, line := range strings.Split(o.text.String(), "\n") {
		if re.MatchString(line) {
			ch <- line
			return ch
		}
	}
	o.watchers = append(o.watchers, watcher{re, ch})
	return ch
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.text.String()
}

// start starts cmd, collects its output, and stops it when the test ends
// (printing the output if the test failed).
func start(t *testing.T, cmd *exec.Cmd, name string) *output {
	t.Helper()
	r, w := io.Pipe()
	cmd.Stdout, cmd.Stderr = w, w
	out := &output{}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			out.add(sc.Text())
		}
	}()
	done := make(chan struct{})
	go func() { cmd.Wait(); w.Close(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("%s wrote:\n%s", name, out)
		}
	})
	return out
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	return string(b)
}

// browser is a Chromium tab driven by the test.
type browser struct {
	t   *testing.T
	ctx context.Context

	mu   sync.Mutex
	errs []string
}

func newBrowser(t *testing.T, path string) *browser {
	t.Helper()
	alloc, cancelAlloc := headless.Allocator(context.Background(), path)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	b := &browser{t: t, ctx: ctx}
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx, chromedp.EmulateViewport(1280, 1000)) }()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("start %s: %v", path, err)
		}
	case <-time.After(stepTimeout):
		t.Fatalf("%s did not start within %v", path, stepTimeout)
	}
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException {
				b.mu.Lock()
				b.errs = append(b.errs, string(m.Type)+": "+m.Text)
				b.mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() {
		if t.Failed() {
			b.shot("failed")
		}
	})
	return b
}

func (b *browser) consoleErrors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.errs...)
}

func (b *browser) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

func (b *browser) open(url string) {
	b.t.Helper()
	b.do("open "+url, chromedp.Navigate(url))
}

func (b *browser) click(sel string) {
	b.t.Helper()
	b.do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// eval evaluates a JavaScript expression whose value is a string.
func (b *browser) eval(expr string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// wait waits until a JavaScript expression is truthy. It keeps asking
// across page loads, which destroy the context an evaluation runs in.
func (b *browser) wait(what, expr string) {
	b.t.Helper()
	deadline := time.Now().Add(stepTimeout)
	var last error
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+expr+")"))
		cancel()
		if err == nil && ok {
			return
		}
		last = err
		time.Sleep(50 * time.Millisecond)
	}
	b.t.Fatalf("waiting for %s: not within %v (last error: %v; the page shows: %s)", what, stepTimeout, last, b.bodyText())
}

// waitText waits until the first element matching sel contains want.
func (b *browser) waitText(sel, want string) {
	b.t.Helper()
	b.wait(fmt.Sprintf("%s to show %q", sel, want), fmt.Sprintf(
		`(() => { const el = document.querySelector(%s); return !!el && el.textContent.includes(%s); })()`, js(sel), js(want)))
}

// waitValue waits until the value of the first element matching sel
// contains want.
func (b *browser) waitValue(sel, want string) {
	b.t.Helper()
	b.wait(fmt.Sprintf("%s to hold %q", sel, want), fmt.Sprintf(
		`(() => { const el = document.querySelector(%s); return !!el && el.value.includes(%s); })()`, js(sel), js(want)))
}

func (b *browser) bodyText() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText.replace(/\s+/g, " ").slice(0, 600) : ""`))
	if err != nil {
		return "unreadable: " + err.Error()
	}
	return v
}

// shot saves a full-page screenshot when PORTICO_SCREENSHOTS names a
// folder.
func (b *browser) shot(name string) {
	b.t.Helper()
	dir := os.Getenv("PORTICO_SCREENSHOTS")
	if dir == "" {
		return
	}
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Errorf("screenshot %s: %v", name, err)
		return
	}
	path := filepath.Join(dir, "goapp-"+name+".png")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Errorf("screenshot %s: %v", name, err)
	} else if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Errorf("screenshot %s: %v", name, err)
	} else {
		b.t.Logf("screenshot: %s", path)
	}
}

func js(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}
