package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/portico-dev/portico/theme"
)

// readTheme reads a theme file strictly and checks every value
// (theme.Parse: what the published schema accepts).
func readTheme(path string) (theme.Theme, error) {
	body, err := os.ReadFile(path)
	if err != nil {
		return theme.Theme{}, err
	}
	return theme.Parse(body)
}

// validateTheme checks a theme file; each problem is printed as
// "path: message" and the exit code is 1 when there is any. A valid theme's
// text colours under WCAG 2.2 AA's contrast on their backgrounds are
// printed as warnings, each with the nearest colour that passes, the
// designer's warnings: the theme is still valid (exit 0).
func validateTheme(path string, stdout, stderr io.Writer) int {
	t, err := readTheme(path)
	if err != nil {
		printProblems(stderr, path, err)
		return 1
	}
	fmt.Fprintf(stdout, "%s: valid\n", path)
	for _, w := range t.ContrastWarnings() {
		fmt.Fprintf(stdout, "%s: warning: %s\n", path, w)
	}
	return 0
}

// themeWatch is the served theme: PORTICO_THEME, read at start (a bad one
// stops the start) and again whenever the file changes (a bad change is
// logged and the theme in use is kept). Pages take it at their next load.
type themeWatch struct {
	path    string
	current atomic.Pointer[theme.Theme]
	stamp   string
}

func loadTheme(path string) (*themeWatch, error) {
	w := &themeWatch{path: path}
	t := theme.Default()
	if path != "" {
		var err error
		if t, err = readTheme(path); err != nil {
			var b strings.Builder
			printProblems(&b, path, err)
			return nil, fmt.Errorf("PORTICO_THEME was not applied:\n%s", b.String())
		}
		w.stamp = fileStamp(path)
	}
	w.current.Store(&t)
	return w, nil
}

// Theme is the theme in use.
func (w *themeWatch) Theme() theme.Theme { return *w.current.Load() }

// watch rereads the file when its size or modification time changes.
func (w *themeWatch) watch(ctx context.Context, every time.Duration, log *slog.Logger) {
	if w.path == "" {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		stamp := fileStamp(w.path)
		if stamp == w.stamp {
			continue
		}
		w.stamp = stamp
		th, err := readTheme(w.path)
		if err != nil {
			var b strings.Builder
			printProblems(&b, w.path, err)
			log.Warn("PORTICO_THEME changed but is invalid; keeping the theme in use", "problems", strings.TrimSpace(b.String()))
			continue
		}
		w.current.Store(&th)
		log.Info("PORTICO_THEME reloaded", "file", w.path)
	}
}

func fileStamp(path string) string {
	st, err := os.Stat(path)
	if err != nil {
		return "missing"
	}
	return fmt.Sprintf("%d/%d", st.Size(), st.ModTime().UnixNano())
}
