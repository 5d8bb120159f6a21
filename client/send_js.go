//go:build js && wasm

package client

import (
	"context"
	"errors"
	"syscall/js"
)

// send performs a request with the browser's fetch. Cancelling ctx aborts
// it.
func send(ctx context.Context, req request) (reply, error) {
	headers := map[string]any{}
	setHeaders(func(k, v string) { headers[k] = v }, req)
	abort := js.Global().Get("AbortController").New()
	// Portal calls carry their token and no cookie; console calls (no
	// token) carry the console's session cookie.
	credentials := "omit"
	if req.token == "" {
		credentials = "same-origin"
	}
	opts := map[string]any{"method": req.method, "headers": headers, "signal": abort.Get("signal"), "credentials": credentials}
	if req.body != nil {
		opts["body"] = string(req.body)
	}
	stop := context.AfterFunc(ctx, func() { abort.Call("abort") })
	defer stop()
	resp, err := await(js.Global().Call("fetch", req.url, opts))
	if err != nil {
		return reply{}, err
	}
	buf, err := await(resp.Call("arrayBuffer"))
	if err != nil {
		return reply{}, err
	}
	u8 := js.Global().Get("Uint8Array").New(buf)
	b := make([]byte, u8.Length())
	js.CopyBytesToGo(b, u8)
	etag := resp.Get("headers").Call("get", "ETag")
	r := reply{status: resp.Get("status").Int(), body: b}
	if etag.Truthy() {
		r.etag = etag.String()
	}
	return r, nil
}

type settled struct {
	v   js.Value
	err error
}

// await waits for a promise. The callbacks never block: the channel has
// room for the one answer.
func await(promise js.Value) (js.Value, error) {
	ch := make(chan settled, 1)
	ok := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- settled{v: args[0]}
		return nil
	})
	fail := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- settled{err: errors.New(args[0].Call("toString").String())}
		return nil
	})
	defer ok.Release()
	defer fail.Release()
	promise.Call("then", ok, fail)
	r := <-ch
	return r.v, r.err
}
