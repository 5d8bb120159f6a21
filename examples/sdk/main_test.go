package main

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/testkit"
	"github.com/portico-dev/portico/server"
	"github.com/portico-dev/portico/server/clock"
	"github.com/portico-dev/portico/server/demo"
	"github.com/portico-dev/portico/server/engine"
	"github.com/portico-dev/portico/server/session"
)

// The example runs against the demo and says what it saw.
func TestExampleAgainstTheDemo(t *testing.T) {
	st := testkit.OpenStore(t)
	eng := engine.New(st, clock.Real{})
	if _, err := demo.Load(context.Background(), eng); err != nil {
		t.Fatal(err)
	}
	const key = "sk_example_test"
	srv := &server.Server{Engine: eng, Store: st, Sessions: session.NewSigner(key), SecretKey: key,
		SessionTTL: time.Hour, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { srv.CloseEventStreams(); hs.Close() })

	var out strings.Builder
	if err := run(context.Background(), &out, hs.URL, key); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{"dennis has sso: true (answered from cache)", "dennis's requests: 31250 used of 100000",
		"the cache says 31500 used", "Portico counted them: 31500 used", "the genuine delivery verifies", "the tampered delivery is refused"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the example's output lacks %q:\n%s", want, out.String())
		}
	}
}
