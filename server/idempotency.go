package server

import "time"

// idempotencyTTL is how long a keyed request's answer is kept for replay,
// by the server's clock (the test clock when it is on). A day covers any
// client's retries, which come within minutes; past it a repeated key is
// a new request.
const idempotencyTTL = 24 * time.Hour
