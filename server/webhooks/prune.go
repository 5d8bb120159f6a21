package webhooks

import (
	"context"
	"time"

	portico "github.com/portico-dev/portico"
)

// Retention is how long events are kept once their deliveries are
// settled (delivered or given up).
const Retention = 30 * 24 * time.Hour

// pruneBatch is how many events one transaction forgets: a short hold of
// the store's writer.
const pruneBatch = 500

// Prune forgets the events created before before whose deliveries are all
// settled, a batch per transaction, and says how many it forgot.
func Prune(ctx context.Context, store portico.Store, before time.Time) (int, error) {
	total := 0
	for {
		var n int
		err := store.Update(ctx, func(tx portico.Tx) error {
			var err error
			n, err = tx.PruneEvents(before, pruneBatch)
			return err
		})
		total += n
		if err != nil || n < pruneBatch {
			return total, err
		}
	}
}
