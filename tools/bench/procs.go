package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/portico-dev/portico/internal/spawn"
)

// benchKey is the secret key of the servers the bench starts.
const benchKey = "sk_bench_2f7c91d04a6e"

// proc is a server process the bench started.
type proc struct {
	URL string
	cmd *exec.Cmd
}

// startPortico runs bin/portico serve on a data folder, on a free loopback
// port, and waits until it listens.
func startPortico(ctx context.Context, dataDir string, env ...string) (*proc, error) {
	cmd := exec.CommandContext(ctx, "bin/portico", "serve")
	cmd.Env = append(os.Environ(), "PORTICO_DATA="+dataDir, "PORTICO_ADDR=127.0.0.1:0",
		"PORTICO_SECRET_KEY="+benchKey, "PORTICO_WEB=assets/web", "PORTICO_DEMO=", "PORTICO_CATALOG=")
	cmd.Env = append(cmd.Env, env...)
	return start(cmd, spawn.PorticoURL)
}

// startBare runs this program as the bare JSON server.
func startBare(ctx context.Context) (*proc, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, self, "-serve-bare", "127.0.0.1:0")
	return start(cmd, func(line string) string {
		u, _ := strings.CutPrefix(line, "bare server on ")
		if u == line {
			return ""
		}
		return u
	})
}

func start(cmd *exec.Cmd, url func(string) string) (*proc, error) {
	// The server's log goes straight to /dev/null: piping it into this
	// process would spend the load generator's CPU reading it.
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return nil, err
	}
	defer devnull.Close()
	cmd.Stderr = devnull
	u, err := spawn.Start(cmd, url)
	if err != nil {
		return nil, err
	}
	return &proc{URL: u, cmd: cmd}, nil
}

func (p *proc) stop() { spawn.Stop(p.cmd, 10*time.Second) }

// rss is the process's resident memory in bytes, from /proc.
func (p *proc) rss() (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1024, err
		}
	}
	return 0, errors.New("no VmRSS in /proc status")
}

// peakRSS samples the process's memory until stop is closed and returns
// the highest sample.
func (p *proc) peakRSS(stop <-chan struct{}) <-chan int64 {
	out := make(chan int64, 1)
	go func() {
		var peak int64
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			if v, err := p.rss(); err == nil && v > peak {
				peak = v
			}
			select {
			case <-stop:
				out <- peak
				return
			case <-t.C:
			}
		}
	}()
	return out
}

// cpuTicks is the CPU time the process has used, in clock ticks, from
// /proc/<pid>/stat (utime and stime).
func (p *proc) cpuTicks() (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	// The command name, in parentheses, may hold spaces: fields count
	// from after it. utime and stime are fields 14 and 15.
	_, rest, ok := strings.Cut(string(b), ") ")
	f := strings.Fields(rest)
	if !ok || len(f) < 13 {
		return 0, errors.New("unreadable /proc stat")
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	s, err2 := strconv.ParseInt(f[12], 10, 64)
	return u + s, errors.Join(err1, err2)
}

// waitIdle waits until the process has used less than 5 % of a core over
// half a second (a server warming its caches after start is not idle), or
// until a minute has passed.
func (p *proc) waitIdle() {
	const window = 500 * time.Millisecond
	last, err := p.cpuTicks()
	for end := time.Now().Add(time.Minute); err == nil && time.Now().Before(end); {
		time.Sleep(window)
		now, e := p.cpuTicks()
		if e != nil || now-last <= 2 { // 100 ticks a second: 2 ticks is 20 ms of 500
			return
		}
		last, err = now, e
	}
}
