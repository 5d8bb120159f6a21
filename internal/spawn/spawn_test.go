package spawn

import (
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestPorticoURLReadsTheListeningLine(t *testing.T) {
	for line, want := range map[string]string{
		"Portico is listening on http://127.0.0.1:43121 (data in ./data)": "http://127.0.0.1:43121",
		"Backend API key (generated, kept in data/secret_key): sk_x":      "",
		"Portico is listening on":                                         "",
	} {
		if got := PorticoURL(line); got != want {
			t.Errorf("PorticoURL(%q) = %q, want %q", line, got, want)
		}
	}
}

// Start returns the address the process says it listens on, and reports a
// process that exits without saying.
func TestStartWaitsForTheAddress(t *testing.T) {
	url := func(line string) string {
		if u, ok := strings.CutPrefix(line, "on "); ok {
			return u
		}
		return ""
	}
	cmd := exec.Command("sh", "-c", `echo starting; echo "on http://x"; sleep 30`)
	got, err := Start(cmd, url)
	if err != nil || got != "http://x" {
		t.Fatalf("Start = %q, %v; want http://x", got, err)
	}
	start := time.Now()
	Stop(cmd, 5*time.Second)
	if time.Since(start) > 4*time.Second {
		t.Error("Stop waited for the grace period: SIGTERM did not end the process")
	}

	if _, err := Start(exec.Command("sh", "-c", "echo nothing"), url); err == nil || !strings.Contains(err.Error(), "exited before it listened") {
		t.Errorf("a process that exits without an address: %v", err)
	}
}
