package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
)

// serveBare is the baseline: a bare net/http handler answering a small
// JSON document, in its own process like Portico.
func serveBare(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stdout, "bare server on http://%s\n", ln.Addr())
	doc := map[string]any{"featureId": "api-calls", "hasAccess": true, "limit": 150000, "usage": 61250}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(doc)
	})
	// The floor for page loads: a static page with one stylesheet, the
	// least a browser can paint.
	mux.HandleFunc("/page.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html><head><meta charset="utf-8"><title>Floor</title>`+
			`<link rel="stylesheet" href="/page.css"><link rel="icon" href="data:,"></head>`+
			`<body><main><h1>Subscription</h1><p>Pro, $58.00 / month</p></main></body></html>`)
	})
	mux.HandleFunc("/page.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css")
		fmt.Fprint(w, `body { font: 15px/1.5 system-ui, sans-serif; margin: 0; } main { padding: 32px; }`)
	})
	return http.Serve(ln, mux)
}
