//go:build !(js && wasm)

package client

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	portico "github.com/portico-dev/portico"
)

// The console client sends the console's header, and JSON, with every
// call: the server refuses console changes without them.
func TestConsoleCallsCarryTheConsolesHeader(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]http.Header{}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.Method+" "+r.URL.Path] = r.Header.Clone()
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte("{}"))
	}))
	defer hs.Close()
	c := NewConsole(hs.URL)
	ctx := context.Background()
	calls := map[string]func() error{
		"POST /console/api/sign-in":                    func() error { return c.SignIn(ctx, "secret") },
		"POST /console/api/sign-out":                   func() error { return c.SignOut(ctx) },
		"PUT /console/api/catalog":                     func() error { _, err := c.PutCatalog(ctx, &portico.Catalog{}); return err },
		"POST /console/api/plans/pro/archive":          func() error { _, err := c.Archive(ctx, "plans", "pro"); return err },
		"POST /console/api/catalog/versions/1/restore": func() error { _, err := c.Restore(ctx, 1); return err },
		"GET /console/api/catalog":                     func() error { _, err := c.Catalog(ctx); return err },
	}
	for name, call := range calls {
		if err := call(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		h := seen[name]
		if h.Get(portico.ConsoleHeader) != "1" {
			t.Errorf("%s: %s is %q, want 1", name, portico.ConsoleHeader, h.Get(portico.ConsoleHeader))
		}
		if name[:3] != "GET" && h.Get("Content-Type") != "application/json" {
			t.Errorf("%s: Content-Type %q, want application/json", name, h.Get("Content-Type"))
		}
	}
}
