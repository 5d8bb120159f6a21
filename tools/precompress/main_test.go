package main

import (
	"os"
	"path/filepath"
	"testing"
)

// A file is compressed when its .br and .gz are missing or hold other
// bytes, and left as it is when they hold its own.
func TestPrecompressOnlyWhatChanged(t *testing.T) {
	name := filepath.Join(t.TempDir(), "app.wasm")
	write := func(content string) {
		t.Helper()
		if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := precompress(name); err != nil {
			t.Fatal(err)
		}
	}
	holds := func(want string) {
		t.Helper()
		for _, enc := range encodings() {
			if !decodesTo(name+enc.ext, enc.newReader, []byte(want)) {
				t.Errorf("%s does not hold %q", enc.ext, want)
			}
		}
	}
	write("first build")
	holds("first build")
	before, err := os.Stat(name + ".br")
	if err != nil {
		t.Fatal(err)
	}

	write("first build")
	// A compressed file is replaced by a new one: the same file means it
	// was left as it was.
	if after, err := os.Stat(name + ".br"); err != nil || !os.SameFile(before, after) {
		t.Errorf("an unchanged file was compressed again (%v)", err)
	}
	write("second build")
	holds("second build")
}
