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
	return http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(doc)
	}))
}
