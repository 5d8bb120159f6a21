// Package sdk is Portico's Go SDK for host backends: typed calls of the
// backend API with retries that never apply a write twice, an entitlement
// cache answered from memory and kept fresh by the event stream, a usage
// buffer that survives an outage, and webhook signature checks.
//
// It needs the standard library and Portico's domain types (package
// portico at the module's root) only: no go-app, no server code.
package sdk

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	portico "github.com/portico-dev/portico"
)

// Client calls Portico's backend API with the secret key. It is safe for
// concurrent use; make one per process.
type Client struct {
	base    string
	key     string
	http    *http.Client
	retries int
	backoff backoff
	log     *slog.Logger

	mu sync.Mutex
	// usageSeen are told of usage this client reports, so the caches
	// built on it count it at once.
	usageSeen map[*Entitlements]struct{}
}

// Option sets a Client's optional settings.
type Option func(*Client)

// WithHTTPClient sends requests through hc (its transport, proxy and
// timeout). The default client times out a call after 30 seconds; the
// event stream uses hc's transport without that timeout.
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.http = hc } }

// WithRetries sets how many times a call is retried after a network error,
// a 5xx or a 429 (3 by default; 0 sends it once), waiting from first up to
// most between attempts, doubling with jitter (200 ms to 5 s by default).
// A 429's or 503's Retry-After is waited when it says longer.
func WithRetries(n int, first, most time.Duration) Option {
	return func(c *Client) { c.retries, c.backoff = n, backoff{first: first, most: most} }
}

// WithLogger logs reconnections and dropped usage through l (slog's
// default logger otherwise).
func WithLogger(l *slog.Logger) Option { return func(c *Client) { c.log = l } }

// New returns a client of the Portico at baseURL (such as
// "https://billing.example.com") acting with the backend secret key.
func New(baseURL, secretKey string, opts ...Option) *Client {
	c := &Client{base: strings.TrimRight(baseURL, "/"), key: secretKey,
		http: &http.Client{Timeout: 30 * time.Second}, retries: 3,
		backoff: backoff{first: 200 * time.Millisecond, most: 5 * time.Second}, log: slog.Default(),
		usageSeen: map[*Entitlements]struct{}{}}
	for _, o := range opts {
		o(c)
	}
	return c
}

// backoff is the wait before retry n (from 0): first doubled n times, at
// most most, with up to half of it random so that clients retrying after
// the same outage spread out.
type backoff struct{ first, most time.Duration }

func (b backoff) wait(n int) time.Duration {
	d := b.first
	for range n {
		if d >= b.most {
			break
		}
		d *= 2
	}
	d = min(d, b.most)
	if d <= 0 {
		return 0
	}
	return d/2 + rand.N(d/2+1)
}

type keyContext struct{}

// WithIdempotencyKey makes the write called with ctx use key as its
// Idempotency-Key, e.g. one kept with a job so that a retry of the whole
// job, in another process, still applies the write once. Without it each
// write gets a random key of its own, reused by its retries.
func WithIdempotencyKey(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, keyContext{}, key)
}

// NewKey returns a random idempotency key.
func NewKey() string {
	b := make([]byte, 16)
	_, _ = crand.Read(b) // crypto/rand never fails
	return hex.EncodeToString(b)
}

// call is one API call: its method, path (below /api/v1), body and where
// its answer goes.
type call struct {
	method, path string
	in, out      any
	ifMatch      string
	// noKey sends a write without an Idempotency-Key: usage events carry
	// keys of their own.
	noKey bool
	// once sends it without retries: someone is waiting on the answer.
	once bool
	// etag receives the answer's ETag when not nil.
	etag *string
}

// do sends c, retrying what may be retried with the same body and key,
// and decodes the answer or returns an *Error.
func (cl *Client) do(ctx context.Context, c call) error {
	var body []byte
	if c.in != nil {
		var err error
		if body, err = json.Marshal(c.in); err != nil {
			return fmt.Errorf("portico: encode the request: %w", err)
		}
	}
	key := ""
	if c.method != http.MethodGet && !c.noKey {
		key, _ = ctx.Value(keyContext{}).(string)
		if key == "" {
			key = NewKey()
		}
	}
	for attempt := 0; ; attempt++ {
		res, err := cl.send(ctx, c, body, key)
		if err == nil {
			return decodeAnswer(res, c)
		}
		var e *Error
		if !errors.As(err, &e) || !e.retryable() || attempt >= cl.retries || c.once || ctx.Err() != nil {
			return err
		}
		wait := max(cl.backoff.wait(attempt), e.RetryAfter)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}

// answer is a successful answer's body and ETag.
type answer struct {
	body []byte
	etag string
}

// send makes one attempt: an answer below 400, or an *Error.
func (cl *Client) send(ctx context.Context, c call, body []byte, key string) (answer, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, c.method, cl.base+"/api/v1"+c.path, rd)
	if err != nil {
		return answer{}, fmt.Errorf("portico: %w", err)
	}
	cl.authorize(req)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	if c.ifMatch != "" {
		req.Header.Set("If-Match", c.ifMatch)
	}
	res, err := cl.http.Do(req)
	if err != nil {
		return answer{}, &Error{Title: "Portico could not be reached", Detail: err.Error(), Err: err}
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return answer{}, &Error{Title: "The answer was cut off", Detail: err.Error(), Err: err}
	}
	if res.StatusCode >= 400 {
		return answer{}, problemOf(res, raw)
	}
	return answer{body: raw, etag: res.Header.Get("ETag")}, nil
}

func (cl *Client) authorize(req *http.Request) {
	req.Header.Set("Authorization", "Bearer "+cl.key)
	req.Header.Set("User-Agent", "portico-go-sdk")
}

func decodeAnswer(a answer, c call) error {
	if c.etag != nil {
		*c.etag = a.etag
	}
	if c.out == nil || len(bytes.TrimSpace(a.body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(a.body, c.out); err != nil {
		return fmt.Errorf("portico: decode the answer of %s %s: %w", c.method, c.path, err)
	}
	return nil
}

// problemOf reads an error answer's problem document.
func problemOf(res *http.Response, raw []byte) *Error {
	var p struct {
		Type   string               `json:"type"`
		Title  string               `json:"title"`
		Detail string               `json:"detail"`
		Errors []portico.FieldError `json:"errors"`
	}
	e := &Error{Status: res.StatusCode}
	if json.Unmarshal(raw, &p) == nil {
		e.Type = strings.TrimPrefix(p.Type, problemBase)
		e.Title, e.Detail, e.Fields = p.Title, p.Detail, p.Errors
	}
	if e.Title == "" {
		e.Title = http.StatusText(res.StatusCode)
	}
	if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err == nil && s > 0 {
		e.RetryAfter = time.Duration(s) * time.Second
	}
	return e
}

const problemBase = "https://portico.dev/problems/"
