package main

import (
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
)

// sdkRun is the Go SDK's figures: a check answered from its cache, and
// the time from a plan change to the cache reflecting it, with the SDK
// listening to the replica that made the change and to another one.
type sdkRun struct {
	CheckNs                float64
	SameP50, SameP99       float64 // milliseconds
	ReplicaP50, ReplicaP99 float64
}

var (
	checkLine   = regexp.MustCompile(`^BenchmarkCachedCheck-\d+\s+\d+\s+([\d.]+) ns/op`)
	latencyLine = regexp.MustCompile(`^BenchmarkPlanChangeToCache(OtherReplica)?-\d+\s+\d+\s+([\d.]+) p50-ms\s+([\d.]+) p99-ms`)
)

// measureSDK runs the SDK's benchmarks against real servers on SQLite.
func measureSDK(ctx context.Context) (sdkRun, error) {
	var r sdkRun
	runs := []struct{ bench, time string }{
		{"^BenchmarkCachedCheck$", "2s"},
		// 50 changes a round; one round each is enough for a p99 of 50.
		{"^BenchmarkPlanChangeToCache(OtherReplica)?$", "1x"},
	}
	for _, run := range runs {
		out, err := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", run.bench, "-benchtime", run.time, "./sdk").CombinedOutput()
		if err != nil {
			return r, fmt.Errorf("go test -bench ./sdk: %v\n%s", err, out)
		}
		for _, line := range strings.Split(string(out), "\n") {
			if m := checkLine.FindStringSubmatch(line); m != nil {
				r.CheckNs, _ = strconv.ParseFloat(m[1], 64)
			}
			if m := latencyLine.FindStringSubmatch(line); m != nil {
				p50, _ := strconv.ParseFloat(m[2], 64)
				p99, _ := strconv.ParseFloat(m[3], 64)
				if m[1] == "" {
					r.SameP50, r.SameP99 = p50, p99
				} else {
					r.ReplicaP50, r.ReplicaP99 = p50, p99
				}
			}
		}
	}
	if r.CheckNs == 0 || r.SameP99 == 0 || r.ReplicaP99 == 0 {
		return r, fmt.Errorf("go test -bench ./sdk: figures missing from its output")
	}
	return r, nil
}

// printSDK measures the SDK alone.
func printSDK(ctx context.Context) error {
	r, err := measureSDK(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("sdk: a cached check %.0f ns; plan change to the cache p50 %.1f ms, p99 %.1f ms (same replica), p50 %.1f ms, p99 %.1f ms (another replica)\n",
		r.CheckNs, r.SameP50, r.SameP99, r.ReplicaP50, r.ReplicaP99)
	return nil
}
