// Package mdblock rewrites the generated part of a markdown document: the
// text between a begin and an end marker, keeping the hand-written text
// around it. make bench and make reliability write their figures with it.
package mdblock

import (
	"fmt"
	"os"
	"strings"
)

// Markers name a generated block.
type Markers struct {
	Title      string // the document's title when it is created
	Begin, End string
}

// Write replaces the block in the file at path with content, creating the
// file (title and empty block) when it does not exist.
func (m Markers) Write(path, content string) error {
	doc := "# " + m.Title + "\n\n" + m.Begin + "\n" + m.End + "\n"
	if b, err := os.ReadFile(path); err == nil {
		doc = string(b)
	}
	i, j := strings.Index(doc, m.Begin), strings.Index(doc, m.End)
	if i < 0 || j < i {
		return fmt.Errorf("%s lacks the markers %q and %q", path, m.Begin, m.End)
	}
	doc = doc[:i+len(m.Begin)] + "\n" + content + doc[j:]
	return os.WriteFile(path, []byte(doc), 0o644)
}
