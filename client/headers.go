package client

import (
	"crypto/rand"
	"encoding/hex"
)

// setHeaders sets the session and, on requests with a body, JSON and a
// fresh idempotency key: a retry by the browser can never apply a change
// twice. Without a token the request carries the console's session cookie
// instead.
func setHeaders(set func(k, v string), token string, body []byte) {
	if token != "" {
		set("Authorization", "Bearer "+token)
	}
	set("Accept", "application/json")
	if body != nil {
		set("Content-Type", "application/json")
		b := make([]byte, 16)
		rand.Read(b)
		set("Idempotency-Key", hex.EncodeToString(b))
	}
}
