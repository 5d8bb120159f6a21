package server

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// answer runs h behind gzipWhenAccepted for a GET that accepts gzip.
func answer(h http.HandlerFunc) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("Accept-Encoding", "br;q=1, gzip;q=0.8")
	gzipWhenAccepted(h).ServeHTTP(rec, req)
	return rec
}

func decoded(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	if rec.Header().Get("Content-Encoding") != "gzip" {
		return rec.Body.String()
	}
	r, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A text body written in pieces is compressed whole; its length goes (the
// compressed one is not known ahead) and its ETag becomes weak.
func TestGzipCompressesATextBodyWrittenInPieces(t *testing.T) {
	body := strings.Repeat(`{"feature":"seats","limit":10},`, 200)
	rec := answer(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "6200")
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Vary", "Origin")
		w.WriteHeader(http.StatusCreated)
		for i := 0; i < len(body); i += 100 {
			io.WriteString(w, body[i:min(i+100, len(body))])
		}
	})
	if rec.Code != http.StatusCreated || rec.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("%d, Content-Encoding %q", rec.Code, rec.Header().Get("Content-Encoding"))
	}
	if got := decoded(t, rec); got != body {
		t.Errorf("decoded %d bytes, want the %d written", len(got), len(body))
	}
	h := rec.Header()
	if h.Get("Content-Length") != "" || h.Get("ETag") != `W/"v1"` || strings.Join(h.Values("Vary"), ", ") != "Origin, Accept-Encoding" {
		t.Errorf("headers: Content-Length %q, ETag %q, Vary %q", h.Get("Content-Length"), h.Get("ETag"), h.Values("Vary"))
	}
}

// A body without a type is typed from its start before it is compressed,
// as net/http would have.
func TestGzipTypesAnUntypedBody(t *testing.T) {
	page := "<!doctype html><title>x</title>" + strings.Repeat("<p>hello</p>", 200)
	rec := answer(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, page) })
	if rec.Header().Get("Content-Type") != "text/html; charset=utf-8" || decoded(t, rec) != page {
		t.Errorf("Content-Type %q, Content-Encoding %q", rec.Header().Get("Content-Type"), rec.Header().Get("Content-Encoding"))
	}
}

// Short bodies, ranges, bodies encoded already, binary types and bodies
// flushed early are passed on as they are.
func TestGzipPassesOtherAnswersOn(t *testing.T) {
	long := strings.Repeat("text ", 1000)
	typed := func(contentType string, h http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", contentType)
			h(w, r)
		}
	}
	for _, c := range []struct {
		name string
		h    http.HandlerFunc
		sent int // bytes
		text bool
	}{
		{"short", typed("text/plain", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }), 2, true},
		{"range", typed("text/plain", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Range", "bytes 0-4999/10000")
			w.WriteHeader(http.StatusPartialContent)
			io.WriteString(w, long)
		}), len(long), true},
		{"encoded", typed("text/plain", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "br")
			io.WriteString(w, long)
		}), len(long), true},
		{"binary", typed("application/wasm", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, long) }), len(long), false},
		{"flushed", typed("text/event-stream", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "data: 1\n\n")
			w.(http.Flusher).Flush()
			io.WriteString(w, long)
		}), 9 + len(long), true},
	} {
		rec := answer(c.h)
		if enc := rec.Header().Get("Content-Encoding"); enc == "gzip" || rec.Body.Len() != c.sent {
			t.Errorf("%s: Content-Encoding %q, %d bytes sent; want %d as written", c.name, enc, rec.Body.Len(), c.sent)
		}
		if got := strings.Contains(strings.Join(rec.Header().Values("Vary"), ","), "Accept-Encoding"); got != c.text {
			t.Errorf("%s: varies with Accept-Encoding: %v, want %v", c.name, got, c.text)
		}
	}
}

// An event stream is never compressed, even when a frame alone is over
// compressMin: each frame must reach the client as it is flushed.
func TestGzipPassesEventStreamsAsTheyAre(t *testing.T) {
	frame := "id: 1\nevent: entitlements.updated\ndata: " + strings.Repeat("x", 4*compressMin) + "\n\n"
	rec := answer(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, frame)
		http.NewResponseController(w).Flush()
	})
	if enc := rec.Header().Get("Content-Encoding"); enc != "" || rec.Body.String() != frame || !rec.Flushed {
		t.Fatalf("event stream: Content-Encoding %q, %d bytes, flushed %v; want the frame as written, flushed", enc, rec.Body.Len(), rec.Flushed)
	}
}
