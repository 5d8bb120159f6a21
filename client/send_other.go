//go:build !(js && wasm)

package client

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"time"
)

var httpClient = &http.Client{Timeout: 30 * time.Second}

// send performs a request with net/http (outside the browser).
func send(ctx context.Context, r request) (reply, error) {
	req, err := http.NewRequestWithContext(ctx, r.method, r.url, bytes.NewReader(r.body))
	if err != nil {
		return reply{}, err
	}
	setHeaders(req.Header.Set, r)
	resp, err := httpClient.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	return reply{status: resp.StatusCode, body: b, etag: resp.Header.Get("ETag")}, err
}
