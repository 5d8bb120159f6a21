//go:build !(js && wasm)

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/portico-dev/portico/examples/internal/host"
	"github.com/portico-dev/portico/server/htmlattr"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8091", "address to listen on")
	web := flag.String("web", "web", "folder of the static files (acme.css, icon.svg)")
	wasm := flag.String("wasm", "", "the built browser part (default: app.wasm in the -web folder)")
	flag.Parse()
	if *wasm == "" {
		*wasm = filepath.Join(*web, "app.wasm")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *addr, *web, *wasm); err != nil {
		fmt.Fprintln(os.Stderr, "acme notes:", err)
		os.Exit(1)
	}
}

// run serves Acme Notes on addr until ctx ends. Portico's URL and secret
// key come from PORTICO_URL and PORTICO_SECRET_KEY.
func run(ctx context.Context, addr, webDir, wasmPath string) error {
	portico, err := host.FromEnv()
	if err != nil {
		return err
	}
	if _, err := os.Stat(wasmPath); err != nil {
		return fmt.Errorf("the browser part is missing (%w): build it with GOOS=js GOARCH=wasm go build -o %s . (make run does)", err, wasmPath)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	fmt.Printf("Waiting for Portico at %s…\n", portico.URL)
	if err := portico.Wait(ctx); err != nil {
		return err
	}

	// The secret key stays here: pages only get a portal session, scoped to
	// the signed-in customer and short-lived.
	openSession = func(ctx context.Context, customerID string) (portalSession, error) {
		token, err := portico.Session(ctx, customerID)
		if err != nil {
			return portalSession{}, err
		}
		return portalSession{Customer: customerID, Portico: portico.URL, Token: token}, nil
	}
	routes()

	srv := &http.Server{Handler: handler(portico.URL, webDir, wasmPath), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(c)
	}()
	base := "http://" + ln.Addr().String()
	fmt.Printf("\nAcme Notes is running — open %s/billing\n", base)
	fmt.Printf("Demo customers (the switcher at the top of each page, or ?customer=): ")
	for i, c := range customers {
		if i > 0 {
			fmt.Print(", ")
		}
		fmt.Print(c.ID)
	}
	fmt.Println()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// handler serves the pages, go-app's scripts, the wasm and the static
// files.
func handler(porticoURL, webDir, wasmPath string) http.Handler {
	pages := &app.Handler{
		Name:        "Acme Notes",
		ShortName:   "Acme Notes",
		Title:       "Acme Notes",
		Description: "Notes for teams.",
		Lang:        "en",
		Icon:        app.Icon{Default: "/web/icon.svg", SVG: "/web/icon.svg"},
		// The page is drawn by the server; the wasm loader is a thin bar
		// (acme.css) rather than a screen over it.
		LoadingLabel:          " ",
		BackgroundColor:       "#f7f6f2",
		ThemeColor:            "#0f766e",
		Styles:                []string{"/web/acme.css"},
		ServiceWorkerTemplate: serviceWorker,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /web/app.wasm", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/wasm")
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeFile(w, r, wasmPath)
	})
	mux.Handle("GET /web/", http.StripPrefix("/web/", http.FileServer(http.Dir(webDir))))
	// go-app writes attribute values as Go strings; htmlattr makes them
	// HTML, so a name or text with a quote cannot add markup.
	mux.Handle("/", pageHeaders(porticoURL, htmlattr.Handler(pages)))
	return mux
}

// pageHeaders keeps pages out of caches (each carries a portal session)
// and sets a content security policy that lets the page call Portico's
// portal API and nothing else.
func pageHeaders(porticoURL string, next http.Handler) http.Handler {
	connect := "'self'"
	if u, err := url.Parse(porticoURL); err == nil && u.Host != "" {
		connect += " " + u.Scheme + "://" + u.Host
	}
	csp := strings.Join([]string{
		"default-src 'self'",
		"script-src 'self' 'wasm-unsafe-eval'",
		"style-src 'self' 'unsafe-inline'",
		"img-src 'self' data:",
		"connect-src " + connect,
		"object-src 'none'",
		"base-uri 'none'",
		"form-action 'self'",
		"frame-ancestors 'none'",
	}, "; ")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		w.Header().Set("Referrer-Policy", "no-referrer")
		// go-app answers a matching If-None-Match with 304 before
		// rendering; a page with a fresh session must be rendered anew.
		r.Header.Del("If-None-Match")
		next.ServeHTTP(noStore{w}, r)
	})
}

// noStore sets Cache-Control last, over go-app's own.
type noStore struct{ http.ResponseWriter }

func (w noStore) WriteHeader(code int) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Del("ETag")
	w.ResponseWriter.WriteHeader(code)
}

func (w noStore) Write(b []byte) (int, error) {
	if w.Header().Get("Cache-Control") != "no-store" {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// serviceWorker is a worker that caches nothing: go-app registers one, and
// its default would keep pages, sessions included.
const serviceWorker = `// Acme Notes {{.Version}}: nothing is cached.
self.addEventListener("activate", (event) => event.waitUntil(
  caches.keys().then((keys) => Promise.all(keys.map((key) => caches.delete(key))))));
`
