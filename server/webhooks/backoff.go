package webhooks

import (
	"math/rand/v2"
	"time"
)

// Backoff is how long after its attempt-th failed attempt a delivery is
// tried again: first about first, doubling each time up to max, less a
// random fifth so that deliveries that failed together (an endpoint down)
// are not all retried at the same instant.
func Backoff(attempt int, first, max time.Duration) time.Duration {
	d := first
	for i := 1; i < attempt && d < max; i++ {
		d *= 2
	}
	d = min(d, max)
	return d - time.Duration(rand.Int64N(int64(d)/5+1))
}
