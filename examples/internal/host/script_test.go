package host

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// withPortico runs examples/with-portico.sh from the repository's root
// with the host command and extra settings (NAME=value), and returns its
// exit code and output.
func withPortico(t *testing.T, settings []string, command ...string) (int, string) {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "bin", "portico")); err != nil {
		msg := "bin/portico is missing: build it with make build at the repository's root"
		if os.Getenv("CI") != "" {
			t.Fatal(msg + " (CI is set, so this is a failure)")
		}
		t.Skip(msg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", append([]string{"examples/with-portico.sh", "http://127.0.0.1:8090"}, command...)...)
	cmd.Dir = root
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PORTICO_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, settings...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("with-portico.sh did not end within a minute:\n%s", out.String())
	}
	code := 0
	if exit, ok := err.(*exec.ExitError); ok {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, out.String()
}

// By default the example's Portico takes a free port, so the example runs
// beside make run's Portico, and the host is given its URL.
func TestWithPorticoRunsBesideMakeRun(t *testing.T) {
	code, out := withPortico(t, nil, "sh", "-c", `echo "host sees $PORTICO_URL"`)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	if !strings.Contains(out, "host sees http://127.0.0.1:") || strings.Contains(out, "host sees http://127.0.0.1:8080") {
		t.Errorf("the host was not given the example's own Portico on a free port:\n%s", out)
	}
}

// A Portico that cannot start (its address is taken) stops the example
// with an error saying why; the host never runs.
func TestWithPorticoFailsWhenPorticoCannotStart(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	code, out := withPortico(t, []string{"PORTICO_ADDR=" + taken.Addr().String()}, "sh", "-c", "echo host started")
	if code == 0 || strings.Contains(out, "host started") {
		t.Errorf("exit %d, want an error before the host starts:\n%s", code, out)
	}
	for _, want := range []string{"Portico could not start on " + taken.Addr().String(), "address already in use"} {
		if !strings.Contains(out, want) {
			t.Errorf("the output does not say %q:\n%s", want, out)
		}
	}
}

// A host that fails (its own port taken, say) stops the example with its
// exit status.
func TestWithPorticoFailsWhenTheHostFails(t *testing.T) {
	code, out := withPortico(t, nil, "sh", "-c", "echo cannot listen >&2; exit 3")
	if code != 3 || !strings.Contains(out, "the example stopped with an error (exit status 3)") {
		t.Errorf("exit %d, want 3 and why:\n%s", code, out)
	}
}
