// Command precompress writes FILE.br and FILE.gz beside each FILE given, at
// the best compression, so the server sends app.wasm pre-compressed. A FILE
// whose .br and .gz already hold its bytes is left as it is (their times
// are brought forward for make): compressing a client takes a minute, and
// checking takes a fraction of a second.
package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/andybalholm/brotli"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: precompress FILE...")
		os.Exit(2)
	}
	for _, name := range os.Args[1:] {
		if err := precompress(name); err != nil {
			fmt.Fprintln(os.Stderr, "precompress:", err)
			os.Exit(1)
		}
	}
}

// encoding is a compressed form written beside a file.
type encoding struct {
	ext       string
	newWriter func(io.Writer) (io.WriteCloser, error)
	newReader func(io.Reader) (io.Reader, error)
}

// encodings are the forms written: the ones browsers accept for app.wasm.
func encodings() []encoding {
	gz := encoding{ext: ".gz",
		newWriter: func(w io.Writer) (io.WriteCloser, error) { return gzip.NewWriterLevel(w, gzip.BestCompression) },
		newReader: func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }}
	br := encoding{ext: ".br",
		newWriter: func(w io.Writer) (io.WriteCloser, error) {
			return brotli.NewWriterLevel(w, brotli.BestCompression), nil
		},
		newReader: func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil }}
	return []encoding{gz, br}
}

func precompress(name string) error {
	src, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	if upToDate(name, src) {
		now := time.Now()
		for _, enc := range encodings() {
			if err := os.Chtimes(name+enc.ext, now, now); err != nil {
				return err
			}
		}
		return nil
	}
	fmt.Printf("Compressing %s with brotli and gzip at their best (about a minute)…\n", name)
	for _, enc := range encodings() {
		if err := write(src, name+enc.ext, enc.newWriter); err != nil {
			return err
		}
	}
	return nil
}

// upToDate reports whether every compressed form of name decodes to src.
func upToDate(name string, src []byte) bool {
	for _, enc := range encodings() {
		if !decodesTo(name+enc.ext, enc.newReader, src) {
			return false
		}
	}
	return true
}

func decodesTo(name string, newReader func(io.Reader) (io.Reader, error), want []byte) bool {
	f, err := os.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	r, err := newReader(f)
	if err != nil {
		return false
	}
	got, err := io.ReadAll(io.LimitReader(r, int64(len(want))+1))
	return err == nil && bytes.Equal(got, want)
}

// write compresses src into dst through a temporary file beside it, so a
// reader never sees half a file.
func write(src []byte, dst string, newWriter func(io.Writer) (io.WriteCloser, error)) error {
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".precompress-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	w, err := newWriter(tmp)
	if err != nil {
		return err
	}
	if _, err := w.Write(src); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dst)
}
