package sdk_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The SDK is for host backends: it must not pull in the portal's go-app,
// Portico's server, stores or engine, or a database driver.
func TestSDKImportsNoServerCode(t *testing.T) {
	for _, pkg := range []string{"github.com/portico-dev/portico/sdk", "github.com/portico-dev/portico/sdk/openfeature"} {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			if strings.Contains(string(out), "cannot find package") || strings.Contains(string(out), "no required module") {
				continue // not built yet
			}
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			switch {
			case strings.Contains(dep, "maxence-charriere/go-app"),
				strings.HasPrefix(dep, "github.com/portico-dev/portico/server"),
				strings.HasPrefix(dep, "github.com/portico-dev/portico/client"),
				strings.HasPrefix(dep, "github.com/portico-dev/portico/components"),
				dep == "database/sql",
				strings.Contains(dep, "sqlite"), strings.Contains(dep, "pgx"):
				t.Errorf("%s depends on %s", pkg, dep)
			}
		}
	}
}
