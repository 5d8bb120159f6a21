package sdk_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// The SDK is for host backends: it must not pull in the portal's go-app,
// Portico's server, stores or engine, or a database driver.
func TestSDKImportsNoServerCode(t *testing.T) {
	for _, pkg := range []string{"github.com/portico-dev/portico/sdk", "github.com/portico-dev/portico/sdk/openfeature"} {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		deps := strings.Fields(string(out))
		if !slices.Contains(deps, "github.com/portico-dev/portico") {
			t.Fatalf("go list -deps %s does not list the domain package: %s", pkg, out)
		}
		for _, dep := range deps {
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
