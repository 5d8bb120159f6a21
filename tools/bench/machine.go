package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"github.com/portico-dev/portico/internal/headless"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
)

// machine describes where the figures were measured.
type machine struct {
	CPU, OS, Go, Chromium string
	Cores                 int
	MemoryGiB             float64
}

func describeMachine() machine {
	m := machine{Cores: runtime.NumCPU(), Go: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "model name"); ok {
				m.CPU = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
		f.Close()
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
				m.MemoryGiB = kb / (1 << 20)
			}
		}
	}
	if b, err := os.ReadFile("/etc/os-release"); err == nil {
		if mm := regexp.MustCompile(`(?m)^PRETTY_NAME="?([^"\n]+)"?`).FindSubmatch(b); mm != nil {
			m.OS = string(mm[1]) + " " + runtime.GOARCH
		}
	}
	if p := headless.Path(); p != "" {
		if b, err := exec.Command(p, "--version").Output(); err == nil {
			m.Chromium = strings.TrimSpace(string(b))
		}
	}
	return m
}

// sizes are the bytes a browser downloads.
type sizes struct {
	WasmRaw, WasmGzip, WasmBrotli, EmbedGzip int64
}

func measureSizes(dir string) (sizes, error) {
	var s sizes
	for _, f := range []struct {
		name string
		into *int64
	}{{"app.wasm", &s.WasmRaw}, {"app.wasm.gz", &s.WasmGzip}, {"app.wasm.br", &s.WasmBrotli}} {
		st, err := os.Stat(filepath.Join(dir, f.name))
		if err != nil {
			return s, fmt.Errorf("%w (run make build)", err)
		}
		*f.into = st.Size()
	}
	js, err := os.ReadFile(filepath.Join(dir, "embed.js"))
	if err != nil {
		return s, err
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(js)
	zw.Close()
	s.EmbedGzip = int64(buf.Len())
	return s, nil
}

// micro is one Go benchmark's figures.
type micro struct {
	Name        string
	NsPerOp     float64
	BytesPerOp  int64
	AllocsPerOp int64
}

var benchLine = regexp.MustCompile(`^Benchmark(\w+)-\d+\s+\d+\s+([\d.]+) ns/op\s+(\d+) B/op\s+(\d+) allocs/op`)

// microBenchmarks runs the engine's Go benchmarks.
func microBenchmarks(ctx context.Context) ([]micro, error) {
	cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", ".", "-benchmem", "-benchtime", "2s", "./server/engine")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("go test -bench ./engine: %v\n%s", err, out)
	}
	var ms []micro
	for _, line := range strings.Split(string(out), "\n") {
		if m := benchLine.FindStringSubmatch(line); m != nil {
			ns, _ := strconv.ParseFloat(m[2], 64)
			b, _ := strconv.ParseInt(m[3], 10, 64)
			a, _ := strconv.ParseInt(m[4], 10, 64)
			ms = append(ms, micro{Name: m[1], NsPerOp: ns, BytesPerOp: b, AllocsPerOp: a})
		}
	}
	return ms, nil
}
