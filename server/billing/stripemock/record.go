package stripemock

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"sync"
	"testing"
)

// Call is one request a Recording proxy passed on to stripe-mock.
type Call struct {
	Method, Path string
	// Form is a GET's query, else the form body.
	Form url.Values
	// Key is the request's Idempotency-Key.
	Key string
	// Status is stripe-mock's answer.
	Status int
}

// Calls are the requests a Recording proxy passed on, in order.
type Calls struct {
	mu   sync.Mutex
	list []Call
}

// All returns every call so far.
func (c *Calls) All() []Call {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.list)
}

// To returns the calls so far to one method and path.
func (c *Calls) To(method, path string) []Call {
	var out []Call
	for _, call := range c.All() {
		if call.Method == method && call.Path == path {
			out = append(out, call)
		}
	}
	return out
}

func (c *Calls) add(call Call) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.list = append(c.list, call)
}

// Recording puts a proxy in front of the stripe-mock at base that records
// each request it passes on, and returns its URL. stripe-mock keeps no
// state, so what was sent to it is how a test sees what Portico did at
// Stripe. A call is recorded before its answer reaches the caller.
func Recording(t testing.TB, base string) (string, *Calls) {
	t.Helper()
	target, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	calls := &Calls{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		call := Call{Method: r.Method, Path: r.URL.Path, Form: r.URL.Query(), Key: r.Header.Get("Idempotency-Key")}
		if r.Method != http.MethodGet {
			call.Form, _ = url.ParseQuery(string(body))
		}
		proxy := httputil.NewSingleHostReverseProxy(target)
		proxy.ModifyResponse = func(res *http.Response) error {
			call.Status = res.StatusCode
			calls.add(call)
			return nil
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, calls
}
