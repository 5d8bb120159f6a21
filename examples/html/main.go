// Command html serves a plain web page — no framework, no build step — that
// embeds Portico with one script tag and the <portico-portal> element.
//
// Run it with `make example-html` from the repository root: that starts a
// demo Portico of its own (on a free port) that lets this page's origin
// frame it, then this host on :8090. The host's backend does what a real SaaS backend does: it
// keeps Portico's secret key and opens a portal session for the customer
// who is signed in (here, the one picked in the page).
package main

import (
	"context"
	"embed"
	"html/template"
	"log"
	"net"
	"net/http"
	"os"
	"slices"

	"github.com/portico-dev/portico/examples/internal/host"
)

//go:embed index.html acme-theme.json
var files embed.FS

var page = template.Must(template.ParseFS(files, "index.html"))

// customers are the demo customers, each in another state, as Portico's
// demo describes them.
var customers = []struct{ ID, Shows string }{
	{"grace", "Pro with add-ons and a promotion"},
	{"alan", "trialing Pro"},
	{"linus", "Pro annual with a downgrade to Basic scheduled"},
	{"margaret", "Enterprise at a custom price"},
	{"barbara", "Basic, near its API-call limit"},
	{"ken", "two sites (one subscription per site)"},
	{"dennis", "Team, 12 members on tiered per-member pricing"},
	{"radia", "Scale, usage-priced API requests with a monthly minimum"},
	{"edsger", "Basic in euros, with an extra seat"},
	{"ada", "free plan"},
}

func main() {
	portico, err := host.FromEnv()
	if err != nil {
		log.Fatal(err)
	}
	addr := os.Getenv("EXAMPLE_ADDR")
	if addr == "" {
		addr = "127.0.0.1:8090"
	}
	// Listen first: a port in use stops the example at once.
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		log.Fatalf("serve the page on %s: %v (set EXAMPLE_ADDR to use another address)", addr, err)
	}
	if err := portico.Wait(context.Background()); err != nil {
		log.Fatal(err)
	}
	log.Printf("open http://%s/ — a plain page embedding the portal from %s", addr, portico.URL)
	log.Fatal(http.Serve(ln, handler(portico)))
}

func handler(portico host.Portico) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /acme-theme.json", http.FileServerFS(files))
	// A fresh session when the page's has expired (portico:session-expired).
	mux.HandleFunc("POST /session", func(w http.ResponseWriter, r *http.Request) {
		token, err := portico.Session(r.Context(), signedIn(r))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte(token))
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		customer := signedIn(r)
		// A real host opens the session for its signed-in user, on its
		// server; the secret key never reaches the browser.
		token, err := portico.Session(r.Context(), customer)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_ = page.Execute(w, map[string]any{"Portico": portico.URL, "Session": token, "Customer": customer, "Customers": customers})
	})
	return mux
}

// signedIn stands for the host's own sign-in: the customer picked in the
// page, else the first demo customer.
func signedIn(r *http.Request) string {
	customer := r.URL.Query().Get("customer")
	if !slices.ContainsFunc(customers, func(c struct{ ID, Shows string }) bool { return c.ID == customer }) {
		customer = customers[0].ID
	}
	return customer
}
