package mdblock

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteKeepsTheTextAroundTheBlock(t *testing.T) {
	m := Markers{Title: "Figures", Begin: "<!-- b -->", End: "<!-- e -->"}
	path := filepath.Join(t.TempDir(), "doc.md")
	if err := m.Write(path, "one\n"); err != nil {
		t.Fatal(err)
	}
	doc, _ := os.ReadFile(path)
	os.WriteFile(path, []byte("intro\n"+string(doc)+"outro\n"), 0o644)
	if err := m.Write(path, "two\n"); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if want := "intro\n# Figures\n\n<!-- b -->\ntwo\n<!-- e -->\noutro\n"; string(got) != want {
		t.Errorf("document = %q, want %q", got, want)
	}
	os.WriteFile(path, []byte("no markers"), 0o644)
	if err := m.Write(path, "x"); err == nil {
		t.Error("a document without markers was written")
	}
}
