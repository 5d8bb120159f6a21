package client

import (
	"crypto/rand"
	"encoding/hex"
)

// setHeaders sets the session and, on requests with a body, JSON and a
// fresh idempotency key: a retry by the browser can never apply a change
// twice. Without a token the request carries the console's session cookie
// instead.
func setHeaders(set func(k, v string), req request) {
	token, body := req.token, req.body
	if token != "" {
		set("Authorization", "Bearer "+token)
	}
	if req.ifMatch != "" {
		set("If-Match", req.ifMatch)
	}
	set("Accept", "application/json")
	if body != nil {
		set("Content-Type", "application/json")
		b := make([]byte, 16)
		rand.Read(b)
		set("Idempotency-Key", hex.EncodeToString(b))
	}
}

// request is one API call.
type request struct {
	method, url, token string
	body               []byte
	// ifMatch is the ETag a change applies to ("" for any).
	ifMatch string
}

// reply is a call's answer.
type reply struct {
	status int
	body   []byte
	etag   string
}
