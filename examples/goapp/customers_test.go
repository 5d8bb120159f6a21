//go:build !(js && wasm)

package main

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/portico-dev/portico/server/clock"
	"github.com/portico-dev/portico/server/demo"
	"github.com/portico-dev/portico/server/engine"
	"github.com/portico-dev/portico/server/store/sqlite"
)

// The switcher offers each demo customer under the name and the state
// Portico's demo gives them.
func TestCustomersAreTheDemoCustomers(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "portico.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	e := engine.New(st, clock.Real{})
	if _, err := demo.Load(ctx, e); err != nil {
		t.Fatal(err)
	}
	shows := map[string]string{}
	for _, c := range demo.Customers {
		shows[c.ID] = c.Shows
	}
	if len(customers) != len(shows) {
		t.Errorf("the switcher offers %d customers, the demo has %d", len(customers), len(shows))
	}
	for _, c := range customers {
		if c.State != shows[c.ID] {
			t.Errorf("the switcher shows %s as %q; the demo has %q", c.ID, c.State, shows[c.ID])
		}
		v, err := e.Customer(ctx, c.ID)
		if err != nil {
			t.Errorf("the demo has no customer %s: %v", c.ID, err)
			continue
		}
		if v.Name != c.Name {
			t.Errorf("the switcher names %s %q; the demo %q", c.ID, c.Name, v.Name)
		}
	}
}
