package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/portico-dev/portico/app/console"
	"github.com/portico-dev/portico/app/designer"
	"github.com/portico-dev/portico/app/portal"
	"github.com/portico-dev/portico/components"
	"github.com/portico-dev/portico/theme"
)

// wasmLengthHeader carries app.wasm's uncompressed size, so the loader's
// progress is right when the body is sent compressed.
const wasmLengthHeader = "X-Portico-Wasm-Length"

// Web serves the portal pages, prerendered with the customer's data, and
// the wasm client that takes them over, beside the API.
type Web struct {
	API *Server
	// Dir holds app.wasm (with .br and .gz) and the static files.
	Dir string
	// EmbedOrigins may frame the /embed/ pages (besides Portico itself).
	EmbedOrigins []string
	// Demo are the demo customers the start page opens portals for
	// (PORTICO_DEMO); none without the demo.
	Demo []DemoCustomer
	// Theme is the theme pages are drawn with, read at each page (nil: the
	// default); NewWeb takes it.
	Theme func() theme.Theme

	version  string // the portal client's build, from its hash
	app      wasmFile
	console  wasmFile
	designer wasmFile
	pages    *app.Handler
	shell    shell
	assets   map[string]asset // by file name
}

// wasmFile is a built client: the portal's (app.wasm) or the console's
// (console.wasm), each loaded only by its own pages.
type wasmFile struct {
	name, version string
	size          int64
}

// loadWasm reads a client's size and version (a hash of its bytes).
func loadWasm(dir, name string) (wasmFile, error) {
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		return wasmFile{}, fmt.Errorf("the web client is missing (%w): run make build", err)
	}
	defer f.Close()
	h := sha256.New()
	size, err := io.Copy(h, f)
	if err != nil {
		return wasmFile{}, err
	}
	return wasmFile{name: name, version: hex.EncodeToString(h.Sum(nil))[:16], size: size}, nil
}

// NewWeb prepares the pages over the API server, drawn with th (nil: the
// default theme). The clients must have been built into dir (make build).
func NewWeb(api *Server, dir string, th func() theme.Theme) (*Web, error) {
	w := &Web{API: api, Dir: dir, Theme: th}
	var err error
	if w.app, err = loadWasm(dir, "app.wasm"); err != nil {
		return nil, err
	}
	if w.console, err = loadWasm(dir, "console.wasm"); err != nil {
		return nil, err
	}
	if w.designer, err = loadWasm(dir, "designer.wasm"); err != nil {
		return nil, err
	}
	w.version = w.app.version
	if w.assets, err = loadAssets(dir); err != nil {
		return nil, err
	}
	// The server registers every page to prerender it; each browser client
	// registers only its own.
	portal.Routes(portal.Config{NewSource: api.PortalSource, Theme: th})
	console.Route(nil)
	designer.Route(th)
	w.pages = &app.Handler{
		Name: "Portico", ShortName: "Portico", Title: "Billing portal", Lang: "en",
		Description:     components.DefaultTexts().Get("pageDescription"),
		Icon:            app.Icon{Default: "/web/icon.png", SVG: "/web/icon.svg"},
		BackgroundColor: "#f6f7fb", ThemeColor: "#4f46e5",
		Version:                 w.version,
		WasmContentLengthHeader: wasmLengthHeader,
		LoadingLabel:            " ",
		Scripts:                 []string{versionURL(w.assets, "/web/frame.js", "frame.js") + " defer"},
		Domain:                  publicHost(api.PublicURL),
		Image:                   "/web/icon.png",
		RawHeaders:              []string{loaderStyle, pageStyle(dir)},
		ServiceWorkerTemplate:   serviceWorker,
	}
	w.shell = newShell(w.pages, versionURL(w.assets, "/web/boot.js", "boot.js"))
	return w, nil
}

// loaderStyle turns go-app's full-screen loader into a thin bar at the top,
// shown from when boot.js starts the client: the prerendered portal is the
// first paint, and the browser lays the loader out only once it shows.
const loaderStyle = `<style>
#app-wasm-loader { display: none; }
.portico-loading #app-wasm-loader { display: block; position: fixed; top: 0; left: 0; right: 0; height: 3px; width: auto;
  background: transparent; z-index: 1000; overflow: hidden; pointer-events: none; }
#app-wasm-loader::after { content: ""; position: absolute; inset: 0; width: 40%;
  background: linear-gradient(90deg, transparent, #4f46e5, transparent); animation: portico-load 1.2s linear infinite; }
#app-wasm-loader-icon, #app-wasm-loader-label { display: none; }
@keyframes portico-load { from { transform: translateX(-100%); } to { transform: translateX(250%); } }
@media (prefers-reduced-motion: reduce) { #app-wasm-loader::after { animation: none; width: 100%; opacity: .5; } }
</style>`

// pageStyle is the page's own stylesheet, inlined: one request fewer
// before the first paint.
func pageStyle(dir string) string {
	css, err := os.ReadFile(filepath.Join(dir, "page.css"))
	if err != nil {
		return `<link rel="stylesheet" href="/web/page.css">`
	}
	return "<style>\n" + strings.ReplaceAll(string(css), "</", "<\\/") + "</style>"
}

// serviceWorker replaces go-app's caching worker with one that caches
// nothing: HTTP caching with the build version does that job, and portal
// pages carry sessions that must not be stored.
// It neither skips waiting nor claims pages: go-app reads a worker taking
// over an open page as an app update and asks the customer to reload.
const serviceWorker = `// {{.Version}}
self.addEventListener("activate", (e) => e.waitUntil(caches.keys()
  .then((keys) => Promise.all(keys.map((k) => caches.delete(k))))));
`

// Handler routes pages, the client and static files, then the API; text
// answers are compressed when the browser accepts it.
func (w *Web) Handler() http.Handler {
	mux := http.NewServeMux()
	api := w.API.handler()
	mux.Handle("/", api)
	mux.Handle("GET /{$}", w.landing())
	portalPages := w.shell.localizedPages(w.pages, "/app.js", w.API.pageLocale)
	for _, p := range portal.Paths() {
		mux.Handle("GET "+p, w.pageHeaders(p, portalPages))
	}
	// The console's pages open only with a console session; its API
	// checks the session itself. They load the console's client.
	console := w.pageHeaders(consolePrefix, w.consoleGate(w.shell.pages(w.pages, consoleScript)))
	mux.Handle("GET "+consolePrefix, console)
	mux.Handle(consolePrefix+"/", http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, consolePrefix+"/api/") || r.Method != http.MethodGet {
			api.ServeHTTP(rw, r)
			return
		}
		console.ServeHTTP(rw, r)
	}))
	for _, p := range []string{"/app.js", "/wasm_exec.js", "/app-worker.js", "/manifest.webmanifest", "/app.css"} {
		mux.Handle("GET "+p, w.pages)
	}
	mux.Handle("GET "+designer.Path, w.pageHeaders(designer.Path, w.shell.pages(w.pages, designerScript)))
	mux.HandleFunc("GET /web/app.wasm", w.serveWasm(w.app))
	mux.HandleFunc("GET /web/console.wasm", w.serveWasm(w.console))
	mux.HandleFunc("GET /web/designer.wasm", w.serveWasm(w.designer))
	mux.HandleFunc("GET "+consoleScript, w.clientScript(w.console))
	mux.HandleFunc("GET "+designerScript, w.clientScript(w.designer))
	for name, a := range w.assets {
		path := "/web/" + name
		if name == "embed.js" {
			path = "/embed.js" // host pages load it from Portico's root
		}
		mux.Handle("GET "+path, a)
	}
	mux.HandleFunc("GET /theme.schema.json", serveSchema)
	mux.Handle("GET /web/", w.static())
	return w.API.Metrics.Instrument(noSniff(gzipWhenAccepted(mux)), apiNotFound)
}

// noSniff forbids content sniffing on every answer, the static files' and
// go-app's included: a browser must take each file for the type it is
// served as, never run an uploaded or mistyped one as script or style.
func noSniff(next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(rw, r)
	})
}

// pageHeaders adds the page security headers: a CSP that permits wasm and
// nothing the page does not need, and framing limited to Portico itself
// (plus the embed origins on /embed/ pages).
func (w *Web) pageHeaders(path string, next http.Handler) http.Handler {
	// The portal's and embeds' forms are handled by the client: no form on
	// them may submit anywhere, which also defeats an injected one.
	ancestors, forms := "'self'", "'none'"
	if path == consolePrefix {
		ancestors, forms = "'none'", "'self'"
	}
	if strings.HasPrefix(path, "/embed/") && len(w.EmbedOrigins) > 0 {
		ancestors += " " + strings.Join(w.EmbedOrigins, " ")
	}
	csp := "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
		"img-src 'self' data:" + logoSource(w.API.Business.LogoURL) + "; connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'none'; " +
		"form-action " + forms + "; frame-ancestors " + ancestors
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		h := rw.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("Referrer-Policy", "no-referrer")
		// go-app answers 304 to a matching ETag before rendering; a page
		// holds live data, so it is always rendered afresh and never stored.
		r.Header.Del("If-None-Match")
		if err := w.API.SyncClock(r.Context()); err != nil {
			w.API.Log.Warn("page rendered on this replica's test clock", "err", err)
		}
		next.ServeHTTP(noStore{rw}, r)
	})
}

// consoleGate sends a visitor without a console session to the sign-in
// page, and a signed-in one away from it.
func (w *Web) consoleGate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		signedIn, err := w.API.consoleSignedIn(r)
		if err != nil {
			w.API.Log.ErrorContext(r.Context(), "console page", "err", err)
			http.Error(rw, "The console is unavailable: its sessions cannot be read. Try again shortly.", http.StatusServiceUnavailable)
			return
		}
		switch {
		case r.URL.Path == consoleSignIn && signedIn:
			http.Redirect(rw, r, consolePrefix, http.StatusSeeOther)
		case r.URL.Path != consoleSignIn && !signedIn:
			http.Redirect(rw, r, consoleSignIn+"?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		default:
			next.ServeHTTP(rw, r)
		}
	})
}

// serveWasm sends a client pre-compressed in the best encoding the browser
// accepts, revalidated by its build version.
func (w *Web) serveWasm(file wasmFile) http.HandlerFunc {
	return func(rw http.ResponseWriter, r *http.Request) {
		w.sendWasm(rw, r, file)
	}
}

func (w *Web) sendWasm(rw http.ResponseWriter, r *http.Request, file wasmFile) {
	h := rw.Header()
	h.Set("Content-Type", "application/wasm")
	h.Set("Vary", "Accept-Encoding")
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", `"`+file.version+`"`)
	h.Set(wasmLengthHeader, strconv.FormatInt(file.size, 10))
	name := file.name
	accept := r.Header.Get("Accept-Encoding")
	for _, enc := range []struct{ token, ext string }{{"br", ".br"}, {"gzip", ".gz"}} {
		if acceptsEncoding(accept, enc.token) {
			if _, err := os.Stat(filepath.Join(w.Dir, name+enc.ext)); err == nil {
				h.Set("Content-Encoding", enc.token)
				name += enc.ext
				break
			}
		}
	}
	f, err := os.Open(filepath.Join(w.Dir, name))
	if err != nil {
		http.Error(rw, "the web client is missing: run make build", http.StatusNotFound)
		return
	}
	defer f.Close()
	st, _ := f.Stat()
	http.ServeContent(rw, r, "", st.ModTime(), f)
}

// acceptsEncoding reports whether an Accept-Encoding header accepts the
// coding with a non-zero quality.
func acceptsEncoding(header, coding string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(part, ";")
		if !strings.EqualFold(strings.TrimSpace(name), coding) {
			continue
		}
		q, ok := strings.CutPrefix(strings.TrimSpace(params), "q=")
		if !ok {
			return true
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(q), 64)
		return err == nil && v > 0
	}
	return false
}

// static serves the other files of the web folder, revalidated by version.
func (w *Web) static() http.Handler {
	files := http.StripPrefix("/web/", http.FileServer(http.Dir(w.Dir)))
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(rw, r)
			return
		}
		rw.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(rw, r)
	})
}

// serveSchema publishes the theme JSON Schema, for editors to complete and
// check theme files; any origin may read it.
func serveSchema(rw http.ResponseWriter, r *http.Request) {
	h := rw.Header()
	h.Set("Content-Type", "application/schema+json")
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Cache-Control", "no-cache")
	http.ServeContent(rw, r, "", time.Time{}, bytes.NewReader(theme.Schema()))
}

// Version is the client build's version.
func (w *Web) Version() string { return w.version }

// noStore keeps pages out of every cache: they carry a session and live
// data. It sets the header last, over go-app's own.
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

// logoSource is the origin of a logo on another server, for the pages'
// img-src; empty for a logo on this one.
func logoSource(logo string) string {
	u, err := url.Parse(logo)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return ""
	}
	return " " + u.Scheme + "://" + u.Host
}

// publicHost is the host of the public URL, for the pages' Open Graph tags.
func publicHost(publicURL string) string {
	u, err := url.Parse(publicURL)
	if err != nil {
		return ""
	}
	return u.Host
}

// consoleScript and designerScript are go-app's app.js for the console's
// and the designer's pages: the same, but loading their own clients, so
// customers loading the portal download neither.
const (
	consoleScript  = consolePrefix + "/app.js"
	designerScript = designer.Path + "/app.js"
)

// clientScript serves go-app's app.js with client in place of the
// portal's.
func (w *Web) clientScript(client wasmFile) http.HandlerFunc {
	return func(rw http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		req := r.Clone(r.Context())
		req.URL.Path = "/app.js"
		req.Header.Del("If-None-Match")
		w.pages.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			http.Error(rw, "the page's script is unavailable", http.StatusInternalServerError)
			return
		}
		body := bytes.ReplaceAll(rec.Body.Bytes(), []byte(`"/web/app.wasm"`), []byte(`"/web/`+client.name+`"`))
		h := rw.Header()
		h.Set("Content-Type", "text/javascript; charset=utf-8")
		h.Set("Cache-Control", "no-cache")
		// The script holds the portal build's version and loads client.
		h.Set("ETag", `"`+w.app.version+client.version+`"`)
		http.ServeContent(rw, r, "", time.Time{}, bytes.NewReader(body))
	}
}
