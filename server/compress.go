package server

import (
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"
)

// compressMin is the smallest body worth compressing: a smaller one goes
// out in the same packet as its headers either way, and compressing it
// would only cost each call (an entitlement check, say) its CPU.
const compressMin = 1024

// Compressing answers as they are written suits gzip at its fastest level
// (klauspost/compress's level 1): most answers are a few kilobytes of JSON,
// where building the Huffman tables is most of the cost and a higher level
// saves a few bytes for much more CPU — at level 6 the portal call served
// 15 % fewer answers a second on two cores (docs/performance.md). Brotli in
// pure Go needs three times gzip's time for the same size at quality 4, so
// it is kept for the pre-compressed wasm clients.

// gzipWhenAccepted compresses text answers (pages, scripts, stylesheets,
// JSON) of compressMin bytes or more with gzip when the client accepts it.
// Answers that carry an encoding already (the pre-compressed wasm), ranges,
// and other types are passed on as they are. Every text answer says it
// varies with Accept-Encoding, compressed or not.
func gzipWhenAccepted(next http.Handler) http.Handler {
	writers := &sync.Pool{New: func() any {
		w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
		return w
	}}
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w := &gzipWriter{ResponseWriter: rw, writers: writers,
			accepted: acceptsEncoding(r.Header.Get("Accept-Encoding"), "gzip") && r.Method != http.MethodHead}
		defer w.finish()
		next.ServeHTTP(w, r)
	})
}

// What a gzipWriter does with the body.
const (
	undecided   = iota // the body's start is held until it reaches compressMin
	passing            // the body is written as it is
	compressing        // the body is written through gzip
)

// gzipWriter holds the start of a body until it knows whether to compress
// it: the headers go out once it does.
type gzipWriter struct {
	http.ResponseWriter
	writers  *sync.Pool
	accepted bool // the client accepts gzip
	status   int  // the status the handler wrote; 0 before
	state    int
	held     []byte
	gz       *gzip.Writer
}

func (w *gzipWriter) WriteHeader(status int) {
	if status < 200 {
		w.ResponseWriter.WriteHeader(status) // informational: the answer follows
		return
	}
	if w.status != 0 {
		return
	}
	w.status = status
	h := w.Header()
	noBody := status == http.StatusNoContent || status == http.StatusNotModified
	whole := status != http.StatusPartialContent && h.Get("Content-Range") == ""
	if noBody || !whole || h.Get("Content-Encoding") != "" || declaredShort(h) || isEventStream(h) {
		_ = w.decide(false) // holds nothing yet: only headers go out
	}
}

// isEventStream reports whether the answer is a stream of server-sent
// events: each event must reach the client as it is flushed, which a
// compressor holding bytes back for its next block would defeat.
func isEventStream(h http.Header) bool {
	mt, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	return mt == "text/event-stream"
}

// declaredShort reports whether the handler declared a body too short to
// compress.
func declaredShort(h http.Header) bool {
	n, err := strconv.ParseInt(h.Get("Content-Length"), 10, 64)
	return err == nil && n < compressMin
}

func (w *gzipWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	switch w.state {
	case passing:
		return w.ResponseWriter.Write(p)
	case compressing:
		return w.gz.Write(p)
	}
	w.held = append(w.held, p...)
	if len(w.held) >= compressMin {
		if err := w.decide(true); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// decide sends the headers and what is held, compressed when compress
// allows it and the answer is text the client accepts compressed.
func (w *gzipWriter) decide(compress bool) error {
	h := w.Header()
	if _, typed := h["Content-Type"]; !typed && len(w.held) > 0 {
		// As net/http would, from the body's start: it cannot once the
		// body is compressed.
		h.Set("Content-Type", http.DetectContentType(w.held))
	}
	text := isText(h.Get("Content-Type"))
	if text && !varies(h) {
		h.Add("Vary", "Accept-Encoding")
	}
	w.state = passing
	if compress && text && w.accepted && h.Get("Content-Encoding") == "" {
		w.state = compressing
		h.Set("Content-Encoding", "gzip")
		h.Del("Content-Length")
		h.Del("Accept-Ranges")
		// The compressed body is another representation: its ETag is
		// weak, which still answers If-None-Match with a 304.
		if etag := h.Get("ETag"); strings.HasPrefix(etag, `"`) {
			h.Set("ETag", "W/"+etag)
		}
	}
	w.ResponseWriter.WriteHeader(w.status)
	if w.state == compressing {
		w.gz = w.writers.Get().(*gzip.Writer)
		w.gz.Reset(w.ResponseWriter)
	}
	held := w.held
	w.held = nil
	if len(held) == 0 {
		return nil
	}
	_, err := w.Write(held)
	return err
}

// finish sends a body too short to compress as it is, or ends the
// compressed one.
func (w *gzipWriter) finish() {
	switch {
	case w.status == 0:
		// Nothing was written: net/http answers 200 with an empty body.
	// A write that fails here means the client has gone: there is no one
	// left to tell, and the handler has returned.
	case w.state == undecided:
		_ = w.decide(false)
	case w.state == compressing:
		_ = w.gz.Close()
		w.gz.Reset(nil)
		w.writers.Put(w.gz)
		w.gz = nil
	}
}

// Flush sends what was written so far: a body flushed before it reaches
// compressMin is sent as it is.
func (w *gzipWriter) Flush() {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	// Flush has no error to return (http.Flusher): a client that has gone
	// shows in the handler's next Write.
	if w.state == undecided {
		_ = w.decide(false)
	}
	if w.state == compressing {
		_ = w.gz.Flush()
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *gzipWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// varies reports whether the answer already says it varies with
// Accept-Encoding.
func varies(h http.Header) bool {
	for _, v := range h.Values("Vary") {
		for _, name := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(name), "Accept-Encoding") {
				return true
			}
		}
	}
	return false
}

// isText reports whether a media type is text worth compressing: pages,
// scripts, stylesheets, JSON (problem documents and schemas too), XML and
// SVG. Wasm is sent pre-compressed; images and fonts are compressed
// already.
func isText(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch {
	case strings.HasPrefix(mt, "text/"), strings.HasSuffix(mt, "+json"), strings.HasSuffix(mt, "+xml"):
		return true
	}
	switch mt {
	case "application/json", "application/javascript", "application/xml", "image/svg+xml":
		return true
	}
	return false
}
