package client

import (
	"crypto/rand"
	"encoding/hex"
)

// setHeaders sets the session and, on requests with a body, JSON and a
// fresh idempotency key: a retry by the browser can never apply a change
// twice.
func setHeaders(set func(k, v string), token string, body []byte) {
	set("Authorization", "Bearer "+token)
	set("Accept", "application/json")
	if body != nil {
		set("Content-Type", "application/json")
		b := make([]byte, 16)
		rand.Read(b)
		set("Idempotency-Key", hex.EncodeToString(b))
	}
}
