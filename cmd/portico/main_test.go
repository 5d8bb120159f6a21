package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/internal/testkit"
	"github.com/portico-dev/portico/server/demo"
)

func TestCatalogValidateNamesEachProblem(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"catalog", "validate", "../../assets/demo/catalog.json"}, &out, &errOut); code != 0 {
		t.Fatalf("demo catalog: exit %d, %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "valid (11 features, 3 products, 8 plans, 2 add-ons)") {
		t.Errorf("output = %q", out.String())
	}

	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"features":[{"id":"Seats","name":"Seats","type":"numeric"}],
		"products":[], "plans":[{"id":"p","productId":"nope","name":"P","pricing":"paid","prices":[{"billingPeriod":"monthly","amount":-1,"currency":"usd"}]}],
		"addons":[]}`), 0o600)
	out.Reset()
	errOut.Reset()
	if code := run(context.Background(), []string{"catalog", "validate", bad}, &out, &errOut); code != 1 {
		t.Fatalf("bad catalog: exit %d, want 1", code)
	}
	for _, want := range []string{"features[0].id:", "plans[0].prices[0].amount: must be at least 0"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut.String())
		}
	}

	errOut.Reset()
	os.WriteFile(bad, []byte(`{"features":[],"products":[],"plans":[{"id":"p","productId":"nope","name":"P","pricing":"free"}],"addons":[]}`), 0o600)
	if code := run(context.Background(), []string{"catalog", "validate", bad}, &out, &errOut); code != 1 ||
		!strings.Contains(errOut.String(), `plans[0].productId: unknown product "nope"`) {
		t.Errorf("dangling reference: exit %d, %s", code, errOut.String())
	}
	if code := run(context.Background(), []string{"bogus"}, &out, &errOut); code != 2 {
		t.Errorf("unknown command: exit %d, want 2", code)
	}
}

func TestServeRefusesBadSettings(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "catalog.json")
	os.WriteFile(bad, []byte(`{"features":[{"id":"x","name":"X","type":"metered"}],"products":[],"plans":[],"addons":[]}`), 0o600)
	cases := map[string][2]string{
		"invalid catalog":      {"PORTICO_CATALOG", bad},
		"unreachable postgres": {"PORTICO_DATABASE_URL", "postgres://nobody@127.0.0.1:1/portico?connect_timeout=2"},
		"bad interval":         {"PORTICO_SCHEDULER_INTERVAL", "soon"},
		"short password":       {"PORTICO_CONSOLE_PASSWORD", "hunter2hunt"},
	}
	wants := map[string]string{
		"invalid catalog":      "features[0].resetPeriod: is required",
		"unreachable postgres": "PORTICO_DATABASE_URL",
		"bad interval":         "PORTICO_SCHEDULER_INTERVAL",
		"short password":       "PORTICO_CONSOLE_PASSWORD: must be at least 12 characters, not 11",
	}
	for name, kv := range cases {
		t.Run(name, func(t *testing.T) {
			t.Setenv("PORTICO_DATA", t.TempDir())
			t.Setenv("PORTICO_ADDR", "127.0.0.1:0")
			t.Setenv(kv[0], kv[1])
			var out, errOut bytes.Buffer
			if code := run(context.Background(), []string{"serve"}, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), wants[name]) {
				t.Errorf("exit %d, stderr %q; want 1 mentioning %q", code, errOut.String(), wants[name])
			}
		})
	}
}

// serveDemo runs `portico serve` with the demo and env, and returns each
// demo customer's portal URL, the generated backend key and a stop function
// that shuts the server down and checks it exited cleanly.
func serveDemo(t *testing.T, env map[string]string) (urls map[string]string, key string, stop func()) {
	t.Helper()
	t.Setenv("PORTICO_DATA", t.TempDir())
	t.Setenv("PORTICO_ADDR", "127.0.0.1:0")
	t.Setenv("PORTICO_DEMO", "1")
	for k, v := range env {
		t.Setenv(k, v)
	}
	b := startServe(t)
	if b.Key == "" {
		b.stop()
		t.Fatal("the banner gave no generated key")
	}
	return b.Portals, b.Key, b.stop
}

// banner is what a started server printed, and how to stop it.
type banner struct {
	testkit.Banner
	text string // every line, up to the example call
	stop func()
}

// startServe runs `portico serve` as the environment sets it up, with the
// demo, and reads its banner.
func startServe(t *testing.T) banner {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	var errOut bytes.Buffer // read once serve has exited
	go func() { done <- run(ctx, []string{"serve"}, pw, &errOut); pw.Close() }()
	read := make(chan banner, 1)
	go func() {
		lines := bufio.NewScanner(pr)
		var b banner
		var text strings.Builder
		for lines.Scan() {
			l := lines.Text()
			text.WriteString(l + "\n")
			if !b.Read(l) {
				break
			}
		}
		b.text = text.String()
		go io.Copy(io.Discard, pr)
		read <- b
	}()
	b := <-read
	b.stop = func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("serve exited %d after shutdown", code)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("serve did not stop")
		}
	}
	if len(b.Portals) != len(demo.Customers) {
		b.stop()
		t.Fatalf("banner gave %d portal URLs; stderr:\n%s", len(b.Portals), errOut.String())
	}
	return b
}

// splitPortalURL splits a portal URL into the server's base URL and its token.
func splitPortalURL(u string) (base, token string) {
	return u[:strings.Index(u, "/portal")], u[strings.Index(u, "session=")+len("session="):]
}

// call makes an API call and decodes the JSON answer into out.
func call(t *testing.T, method, url, token string, body any, out any) int {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, r)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}

// serve with the demo prints working portal URLs and the generated key,
// which it keeps for the next start.
func TestServeDemoPrintsWorkingPortalURLs(t *testing.T) {
	urls, key, stop := serveDemo(t, nil)
	defer stop()
	stored, _ := os.ReadFile(filepath.Join(os.Getenv("PORTICO_DATA"), "secret_key"))
	if strings.TrimSpace(string(stored)) != key {
		t.Errorf("stored key %q, printed %q", stored, key)
	}
	for id, u := range urls {
		base, token := splitPortalURL(u)
		var v struct{ Customer struct{ ID string } }
		if status := call(t, "GET", base+"/api/v1/portal", token, nil, &v); status != 200 || v.Customer.ID != id {
			t.Errorf("%s's portal URL: status %d, customer %q", id, status, v.Customer.ID)
		}
	}
}

// A key the operator supplies is never printed, not even in part: the
// banner's example call names the variable instead (a generated key is
// printed, since nothing else tells it). Nor is the console password, of
// the shortest length accepted.
func TestServeNeverPrintsASuppliedKey(t *testing.T) {
	const supplied, password = "sk_supplied_9f3c2a7e41d05b86", "twelve-chars"
	t.Setenv("PORTICO_SECRET_KEY", supplied)
	t.Setenv("PORTICO_CONSOLE_PASSWORD", password)
	t.Setenv("PORTICO_DATA", t.TempDir())
	t.Setenv("PORTICO_ADDR", "127.0.0.1:0")
	t.Setenv("PORTICO_DEMO", "1")
	b := startServe(t)
	defer b.stop()
	if strings.Contains(b.text, supplied[:len("sk_s")]) || strings.Contains(b.text, password) {
		t.Errorf("the banner shows the supplied key or password:\n%s", b.text)
	}
	if !strings.Contains(b.text, "or PORTICO_CONSOLE_PASSWORD") {
		t.Errorf("the banner does not offer the console password:\n%s", b.text)
	}
	if !strings.Contains(b.text, `curl -H "Authorization: Bearer $PORTICO_SECRET_KEY" `) {
		t.Errorf("the example call does not name PORTICO_SECRET_KEY:\n%s", b.text)
	}
	if status := call(t, "GET", b.URL+"/api/v1/customers/grace", supplied, nil, nil); status != 200 {
		t.Errorf("the supplied key does not open the backend API: %d", status)
	}
}

// Shutdown lets a request that was accepted finish.
func TestShutdownFinishesAcceptedRequests(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		time.Sleep(300 * time.Millisecond)
		w.Write([]byte("finished"))
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		done <- listenAndServe(ctx, ln, slow, slog.New(slog.NewTextHandler(io.Discard, nil)), func() {})
	}()
	got := make(chan string)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String())
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- string(b)
	}()
	<-started
	cancel()
	if body := <-got; body != "finished" {
		t.Errorf("in-flight request got %q, want it to finish", body)
	}
	if err := <-done; err != nil {
		t.Errorf("listenAndServe: %v", err)
	}
	if _, err := http.Get("http://" + ln.Addr().String()); err == nil {
		t.Error("the server still accepts connections after shutdown")
	}
}

// A restart comes back with the catalog as it was saved: the demo fills an
// empty store only, and is never applied over a catalog changed since
// (which it would refuse to do, failing the start, or silently undo).
func TestRestartKeepsTheSavedCatalog(t *testing.T) {
	urls, key, stop := serveDemo(t, nil)
	base, _ := splitPortalURL(urls["grace"])
	var cat portico.Catalog
	if status := call(t, "GET", base+"/api/v1/catalog", key, nil, &cat); status != 200 {
		t.Fatalf("GET /api/v1/catalog: %d", status)
	}
	basic := slices.IndexFunc(cat.Plans, func(p portico.Plan) bool { return p.ID == "basic" })
	team := cat.Plans[basic]
	team.ID, team.Name, team.Order = "team", "Team", 10
	cat.Plans[basic].Name = "Basic (renamed)"
	cat.Plans = append(cat.Plans, team)
	if status := call(t, "PUT", base+"/api/v1/catalog", key, cat, nil); status != 200 {
		t.Fatalf("PUT /api/v1/catalog with a renamed and an added plan: %d", status)
	}
	if status := call(t, "POST", base+"/api/v1/plans/site-starter/archive", key, nil, nil); status != 200 {
		t.Fatalf("archive site-starter: %d", status)
	}
	stop()

	again := startServe(t) // fails the test unless it starts and prints the demo's portal URLs
	defer again.stop()
	var saved portico.Catalog
	if status := call(t, "GET", again.URL+"/api/v1/catalog", key, nil, &saved); status != 200 {
		t.Fatalf("GET /api/v1/catalog after the restart: %d", status)
	}
	names := map[string]string{}
	for _, p := range saved.Plans {
		names[p.ID] = p.Name
		if p.ID == "site-starter" && !p.Archived {
			t.Error("the archived plan site-starter came back unarchived")
		}
	}
	if names["basic"] != "Basic (renamed)" || names["team"] != "Team" {
		t.Errorf("after the restart, basic is %q and team %q; want the saved names", names["basic"], names["team"])
	}
}

// With the web client built, the banner gives the designer's URL and the
// start page links the demo portals.
func TestServeDemoPrintsTheDesignerAndServesTheStartPage(t *testing.T) {
	web := t.TempDir()
	for _, name := range []string{"app.wasm", "console.wasm", "designer.wasm"} {
		if err := os.WriteFile(filepath.Join(web, name), []byte("\x00asm"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PORTICO_DATA", t.TempDir())
	t.Setenv("PORTICO_ADDR", "127.0.0.1:0")
	t.Setenv("PORTICO_DEMO", "1")
	t.Setenv("PORTICO_WEB", web)
	b := startServe(t)
	defer b.stop()
	if b.Designer != b.URL+"/designer" {
		t.Errorf("the banner gives the designer as %q, want %s/designer", b.Designer, b.URL)
	}
	res, err := http.Get(b.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if n := strings.Count(string(page), `href="/portal?session=`); n != len(demo.Customers) {
		t.Errorf("the start page links %d demo portals, want %d", n, len(demo.Customers))
	}
}

// A generated key is printed when it is made; on a restart it is kept in
// its file and shown only by its start, the example call reading it from
// the file.
func TestServeShowsAKeptKeyOnlyOnce(t *testing.T) {
	t.Setenv("PORTICO_SECRET_KEY", "")
	data := t.TempDir()
	t.Setenv("PORTICO_DATA", data)
	t.Setenv("PORTICO_ADDR", "127.0.0.1:0")
	t.Setenv("PORTICO_DEMO", "1")
	first := startServe(t)
	key := first.Key
	first.stop()
	if !strings.Contains(first.text, key) {
		t.Fatalf("the first start does not print the generated key:\n%s", first.text)
	}
	again := startServe(t)
	defer again.stop()
	if strings.Contains(again.text, key) {
		t.Errorf("the restart prints the whole kept key:\n%s", again.text)
	}
	if want := `Bearer $(cat '` + filepath.Join(data, "secret_key") + `')`; !strings.Contains(again.text, want) {
		t.Errorf("the example call does not read the key from its file (%s):\n%s", want, again.text)
	}
}
