package client

import (
	"crypto/rand"
	"encoding/hex"

	portico "github.com/portico-dev/portico"
)

// setHeaders sets the session and, on requests with a body, JSON and a
// fresh idempotency key: a retry by the browser can never apply a change
// twice. Without a token the request carries the console's session cookie
// instead, and the console's header, without which the console refuses
// changes.
func setHeaders(set func(k, v string), req request) {
	token, body := req.token, req.body
	if token != "" {
		set("Authorization", "Bearer "+token)
	}
	if req.console {
		set(portico.ConsoleHeader, "1")
	}
	if req.ifMatch != "" {
		set("If-Match", req.ifMatch)
	}
	set("Accept", "application/json")
	if req.locale != "" {
		set("Accept-Language", req.locale)
	}
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
	// locale is the language the catalog's texts are asked in.
	locale string
	// console marks a console API call.
	console bool
	body    []byte
	// ifMatch is the ETag a change applies to ("" for any).
	ifMatch string
}

// reply is a call's answer.
type reply struct {
	status int
	body   []byte
	etag   string
}
