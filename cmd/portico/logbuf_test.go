package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Request lines are batched but reach the output shortly; a warning goes
// out at once, with what was logged before it.
func TestLogBufferBatchesAndFlushesWarningsAtOnce(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &lockedBuffer{}
	buf := newLogBuffer(ctx, out)
	log := slog.New(flushOnWarn{slog.NewTextHandler(buf, nil), buf})

	log.Info("request", "path", "/a")
	if strings.Contains(out.String(), "/a") {
		t.Fatal("an info line was written at once, not batched")
	}
	log.Warn("billing provider unavailable")
	if got := out.String(); !strings.Contains(got, "/a") || !strings.Contains(got, "billing provider unavailable") {
		t.Fatalf("after a warning the output is %q, want both lines", got)
	}
	log.Info("request", "path", "/b")
	deadline := time.Now().Add(5 * flushEvery)
	for !strings.Contains(out.String(), "/b") {
		if time.Now().After(deadline) {
			t.Fatalf("an info line did not reach the output within %v", 5*flushEvery)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
