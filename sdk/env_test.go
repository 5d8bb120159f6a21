package sdk_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/pgtest"
	"github.com/portico-dev/portico/internal/testkit"
	"github.com/portico-dev/portico/sdk"
	"github.com/portico-dev/portico/server"
	"github.com/portico-dev/portico/server/clock"
	"github.com/portico-dev/portico/server/demo"
	"github.com/portico-dev/portico/server/engine"
	"github.com/portico-dev/portico/server/session"
)

func TestMain(m *testing.M) { pgtest.MainIfUsed(m) }

const secretKey = "sk_test_sdk_5e1f0a9c"

// portico is a real Portico server for the SDK to talk to: the server the
// binary runs, on a fresh database (SQLite, or PostgreSQL when the run
// asks for it) loaded with the demo, on a test clock frozen at the real
// time (so metered periods are current). It can be stopped and started
// again on the same address, as in an outage.
type testServer struct {
	t      testing.TB
	open   func() testkit.Store
	store  testkit.Store
	engine *engine.Engine
	clock  *clock.Test
	addr   string
	URL    string

	mu  sync.Mutex
	srv *server.Server
	hs  *httptest.Server
	// front, when set, sees each request before the server.
	front func(w http.ResponseWriter, r *http.Request, next http.Handler)
}

func startPortico(t testing.TB) *testServer {
	t.Helper()
	open := testkit.NewDatabase(t)
	p := &testServer{t: t, open: open, store: open(), clock: clock.NewFrozen(time.Now().UTC().Truncate(time.Second))}
	t.Cleanup(func() { p.store.Close() })
	p.engine = engine.New(p.store, p.clock)
	if _, err := demo.Load(context.Background(), p.engine); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	p.URL = "http://" + p.addr
	p.serve(ln)
	t.Cleanup(p.stop)
	return p
}

func (p *testServer) newServer() *server.Server {
	return &server.Server{Engine: p.engine, Store: p.store, Sessions: session.NewSigner(secretKey), SecretKey: secretKey,
		PublicURL: "http://portal.example.com", TestClock: p.clock, SessionTTL: time.Hour,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

func (p *testServer) serve(ln net.Listener) {
	srv := p.newServer()
	h := srv.Handler()
	hs := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		front := p.front
		p.mu.Unlock()
		if front != nil {
			front(w, r, h)
			return
		}
		h.ServeHTTP(w, r)
	}))
	hs.Listener = ln
	hs.Start()
	p.mu.Lock()
	p.srv, p.hs = srv, hs
	p.mu.Unlock()
}

// stop shuts the server down: its streams end, its address refuses
// connections.
func (p *testServer) stop() {
	p.mu.Lock()
	srv, hs := p.srv, p.hs
	p.srv, p.hs = nil, nil
	p.mu.Unlock()
	if hs == nil {
		return
	}
	srv.CloseEventStreams()
	hs.CloseClientConnections()
	hs.Close()
}

// restart serves again on the same address, a new server on the same
// database, as after a restart.
func (p *testServer) restart() {
	p.t.Helper()
	var ln net.Listener
	var err error
	for range 50 {
		if ln, err = net.Listen("tcp", p.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		p.t.Fatal(err)
	}
	p.serve(ln)
}

// replica starts another server on the same database, as another replica
// of Portico, and returns its URL.
func (p *testServer) replica(t testing.TB) string {
	st := p.open()
	srv := &server.Server{Engine: engine.New(st, p.clock), Store: st, Sessions: session.NewSigner(secretKey), SecretKey: secretKey,
		SessionTTL: time.Hour, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		srv.CloseEventStreams()
		hs.Close()
		st.Close()
	})
	return hs.URL
}

func (p *testServer) setFront(f func(w http.ResponseWriter, r *http.Request, next http.Handler)) {
	p.mu.Lock()
	p.front = f
	p.mu.Unlock()
}

// client is an SDK client of the server with quick retries.
func (p *testServer) client(opts ...sdk.Option) *sdk.Client {
	opts = append([]sdk.Option{sdk.WithRetries(3, 10*time.Millisecond, 100*time.Millisecond)}, opts...)
	return sdk.New(p.URL, secretKey, opts...)
}

// eventually waits up to within for cond, failing the test with what.
func eventually(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s", within, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func contextWithTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}
