package main

import (
	"testing"

	"github.com/portico-dev/portico/server/demo"
)

// The page offers each demo customer under the state Portico's demo gives
// them.
func TestCustomersAreTheDemoCustomers(t *testing.T) {
	want := map[string]string{}
	for _, c := range demo.Customers {
		want[c.ID] = c.Shows
	}
	if len(customers) != len(want) {
		t.Errorf("the page offers %d customers, the demo has %d", len(customers), len(want))
	}
	for _, c := range customers {
		if shows, ok := want[c.ID]; !ok || shows != c.Shows {
			t.Errorf("the page offers %s as %q; the demo has %q", c.ID, c.Shows, shows)
		}
	}
}
