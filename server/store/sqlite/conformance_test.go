package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Opener {
		path := filepath.Join(t.TempDir(), "portico.db")
		return func(t *testing.T) portico.Store {
			s, err := Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
	})
}
