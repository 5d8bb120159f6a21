//go:build js && wasm

package client

import (
	"context"
	"testing"
)

// The fetch bridge reads a response's status and body back into Go.
func TestFetchReadsStatusAndBody(t *testing.T) {
	r, err := send(context.Background(), request{method: "GET", url: `data:application/json,{"plan":"pro"}`, token: "ps_x"})
	status, body := r.status, r.body
	if err != nil || status != 200 || string(body) != `{"plan":"pro"}` {
		t.Fatalf("send = %d %q %v", status, body, err)
	}
}

// A cancelled context aborts the fetch instead of waiting for it.
func TestFetchHonoursCancellation(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := send(ctx, request{method: "GET", url: `data:application/json,{}`, token: "ps_x"}); err == nil {
		t.Fatal("a cancelled request succeeded")
	}
}

// A failed fetch is a network error the portal can show, not a panic.
func TestFetchFailureIsAnError(t *testing.T) {
	c := New("http://127.0.0.1:1", "ps_x")
	if _, err := c.Portal(context.Background()); err == nil {
		t.Fatal("fetch from a closed port succeeded")
	}
}
