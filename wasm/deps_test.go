// Package wasm_test guards the line between browser and server code: the
// GOOS=js binaries under wasm/ must carry nothing of the server's, and
// each carries only its own application.
package wasm_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/portico-dev/portico"

// packages lists the dependencies of pkg built for goos (wasm on js), each
// with the packages it imports directly.
func packages(t *testing.T, goos, pkg string) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-f", `{{.ImportPath}} {{join .Imports " "}}`, pkg)
	cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH="+arch(goos), "CGO_ENABLED=0")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps %s (GOOS=%s): %v", pkg, goos, err)
	}
	deps := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		deps[fields[0]] = fields[1:]
	}
	return deps
}

func arch(goos string) string {
	if goos == "js" {
		return "wasm"
	}
	return "amd64"
}

// serverCode is what never runs in a browser: Portico's server packages
// (and with them the engine, the stores, billing, Stripe and the metrics),
// SQL and the test harness.
func serverCode(pkg string) bool {
	return pkg == module+"/server" || strings.HasPrefix(pkg, module+"/server/") ||
		strings.HasPrefix(pkg, module+"/cmd/") || strings.HasPrefix(pkg, module+"/internal/") ||
		pkg == "database/sql" || pkg == "testing" ||
		strings.HasPrefix(pkg, "github.com/stripe/") || strings.HasPrefix(pkg, "github.com/jackc/") ||
		strings.HasPrefix(pkg, "github.com/prometheus/") ||
		strings.HasPrefix(pkg, "modernc.org/")
}

func TestBrowserBinariesCarryNoServerCode(t *testing.T) {
	apps := []string{"portal", "console", "designer"}
	for _, name := range apps {
		t.Run(name, func(t *testing.T) {
			deps := packages(t, "js", "./"+name)
			if _, ok := deps[module+"/app/"+name]; !ok {
				t.Fatalf("wasm/%s does not build app/%s", name, name)
			}
			for pkg, imports := range deps {
				if serverCode(pkg) {
					t.Errorf("wasm/%s carries server code: %s", name, pkg)
				}
				// go-app brings net/http; none of Portico's browser code
				// may use it (it costs megabytes and has no place there).
				if strings.HasPrefix(pkg, module) {
					for _, imp := range imports {
						if imp == "net/http" {
							t.Errorf("%s, in wasm/%s, imports net/http", pkg, name)
						}
					}
				}
			}
			for _, other := range apps {
				if _, ok := deps[module+"/app/"+other]; ok && other != name {
					t.Errorf("wasm/%s carries app/%s", name, other)
				}
			}
		})
	}
}

// A Go backend calling Portico with package client does not take go-app
// with it, in the browser or on a server.
func TestClientNeedsNoUILibrary(t *testing.T) {
	for _, goos := range []string{"linux", "js"} {
		for pkg := range packages(t, goos, "../client") {
			if strings.HasPrefix(pkg, "github.com/maxence-charriere/go-app") || strings.HasPrefix(pkg, module+"/components") {
				t.Errorf("client (GOOS=%s) depends on %s", goos, pkg)
			}
		}
	}
}
