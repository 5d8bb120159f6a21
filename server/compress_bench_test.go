package server_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
)

// BenchmarkCompress compresses a prerendered portal and a portal API
// answer as the server does on the fly (gzip at its default level), beside
// brotli at quality 4, which was weighed for it (docs/performance.md):
//
//	go test ./server -run '^$' -bench Compress
func BenchmarkCompress(b *testing.B) {
	h := newHarness(b)
	h.createCustomer("grace", true)
	token := h.session("grace", "", "")
	hs := newWeb(b, h)
	_, page := fetch(b, http.MethodGet, hs.URL+"/portal?session="+token)
	_, answer := fetch(b, http.MethodGet, hs.URL+"/api/v1/portal", "Authorization", "Bearer "+token)
	gz, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
	br := brotli.NewWriterLevel(io.Discard, 4)
	for _, body := range []struct {
		name string
		b    []byte
	}{{"page", page}, {"portal-answer", answer}} {
		for _, enc := range []struct {
			name string
			w    interface {
				io.WriteCloser
				Reset(io.Writer)
			}
		}{{"gzip", gz}, {"brotli-4", br}} {
			b.Run(body.name+"/"+enc.name, func(b *testing.B) {
				b.SetBytes(int64(len(body.b)))
				var out countWriter
				for b.Loop() {
					out = 0
					enc.w.Reset(&out)
					enc.w.Write(body.b)
					enc.w.Close()
				}
				b.ReportMetric(float64(out), "bytes-out")
			})
		}
	}
}

// countWriter counts what is written to it.
type countWriter int

func (c *countWriter) Write(p []byte) (int, error) {
	*c += countWriter(len(p))
	return len(p), nil
}
