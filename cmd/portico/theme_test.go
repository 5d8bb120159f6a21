package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestThemeValidateNamesEachBadValue(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	os.WriteFile(good, []byte(`{"mode":"auto","palette":{"primary":"#0a7"},"radius":"6px"}`), 0o600)
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"theme", "validate", good}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "valid") {
		t.Fatalf("good theme: exit %d, %s%s", code, out.String(), errOut.String())
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"palette":{"primary":"blurple"},"layout":{"alignment":"right"},"radius":"round"}`), 0o600)
	errOut.Reset()
	if code := run(context.Background(), []string{"theme", "validate", bad}, &out, &errOut); code != 1 {
		t.Fatalf("bad theme: exit %d, want 1", code)
	}
	for _, want := range []string{"palette.primary: not a colour", "layout.alignment: must be left or center", "radius: not a length"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut.String())
		}
	}
	os.WriteFile(bad, []byte(`{"palette":{"primary":"#fff","colour":"red"}}`), 0o600)
	errOut.Reset()
	if code := run(context.Background(), []string{"theme", "validate", bad}, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "palette.colour: is not a known field") {
		t.Errorf("unknown field: exit %d, %s", code, errOut.String())
	}
}

func TestServeRefusesABadTheme(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "theme.json")
	os.WriteFile(bad, []byte(`{"palette":{"primary":"blurple"}}`), 0o600)
	t.Setenv("PORTICO_DATA", t.TempDir())
	t.Setenv("PORTICO_ADDR", "127.0.0.1:0")
	t.Setenv("PORTICO_THEME", bad)
	var errOut bytes.Buffer
	if code := run(context.Background(), []string{"serve"}, io.Discard, &errOut); code != 1 || !strings.Contains(errOut.String(), "palette.primary: not a colour") {
		t.Errorf("exit %d, stderr %q; want 1 naming palette.primary", code, errOut.String())
	}
}

// The served theme follows the file: a valid edit is taken, an invalid one
// is logged and the theme in use kept.
func TestThemeReloadsWhenTheFileChanges(t *testing.T) {
	path := filepath.Join(t.TempDir(), "theme.json")
	os.WriteFile(path, []byte(`{"palette":{"primary":"#111111"}}`), 0o600)
	w, err := loadTheme(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go w.watch(ctx, 10*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)))

	waitFor := func(want string) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for w.Theme().Palette.Primary != want {
			if time.Now().After(deadline) {
				t.Fatalf("primary = %q, want %q", w.Theme().Palette.Primary, want)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitFor("#111111")
	os.WriteFile(path, []byte(`{"palette":{"primary":"#222222"},"radius":"4px"}`), 0o600)
	waitFor("#222222")
	os.WriteFile(path, []byte(`{"palette":{"primary":"not a colour at all"}}`), 0o600)
	time.Sleep(100 * time.Millisecond)
	if got := w.Theme().Palette.Primary; got != "#222222" {
		t.Errorf("after an invalid edit primary = %q, want the last good #222222", got)
	}
}

// A valid theme whose text colours lack contrast is still valid (exit 0),
// and each weak colour is printed as a warning with the pair, the ratio and
// a colour that passes.
func TestThemeValidateWarnsOfLowContrast(t *testing.T) {
	path := filepath.Join(t.TempDir(), "theme.json")
	os.WriteFile(path, []byte(`{"palette":{"textMuted":"#9ca3af"}}`), 0o600)
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"theme", "validate", path}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d, want 0: %s%s", code, out.String(), errOut.String())
	}
	want := path + ": warning: palette.textMuted on palette.highlight: 2.27:1, needs 4.5:1 (secondary text on the current plan's card); try #"
	if !strings.Contains(out.String(), want) || strings.Count(out.String(), "warning:") != 1 {
		t.Errorf("stdout:\n%s\nwant one warning starting %q", out.String(), want)
	}
	os.WriteFile(path, []byte(`{"palette":{"primary":"#0f766e"}}`), 0o600)
	out.Reset()
	if code := run(context.Background(), []string{"theme", "validate", path}, &out, &errOut); code != 0 || strings.Contains(out.String(), "warning") {
		t.Errorf("a theme with enough contrast: exit %d, %s", code, out.String())
	}
}
