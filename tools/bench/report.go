package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/portico-dev/portico/internal/mdblock"
)

// report is everything one bench run measured.
type report struct {
	When         time.Time
	Machine      machine
	Shape        loadShape
	Sizes        sizes
	Browser      browserRun
	Small, Large serverRun
	Ingest       []ingestRun
	History      historyRun
	Micro        []micro
	SDK          sdkRun
}

// ingest is the batch ingestion run on the store named.
func (r *report) ingest(store string) ingestRun {
	for _, run := range r.Ingest {
		if run.Store == store {
			return run
		}
	}
	return ingestRun{Store: store}
}

// budget is a figure with its limit.
type budget struct {
	Figure, Measured, Limit string
	Met                     bool
}

const mib = 1 << 20

func (r *report) budgets() []budget {
	ratio := func(a, b result) float64 {
		if b.RPS() == 0 {
			return 0
		}
		return a.RPS() / b.RPS()
	}
	growth := func(large, small result) float64 {
		if small.P50 == 0 {
			return 0
		}
		return float64(large.P50) / float64(small.P50)
	}
	s, b, sm, lg := r.Sizes, r.Browser, r.Small, r.Large
	return []budget{
		{"`app.wasm` brotli", fmt.Sprintf("%.2f MiB", float64(s.WasmBrotli)/mib), "≤ 1.6 MiB", float64(s.WasmBrotli) <= 1.6*mib},
		{"`embed.js` gzip", fmt.Sprintf("%.1f KB", float64(s.EmbedGzip)/1000), "≤ 5 KB", s.EmbedGzip <= 5000},
		{"first contentful paint, prerendered portal, cold", ms(b.Cold.FCP), "≤ 150 ms", b.Cold.FCP <= 150},
		{"interactive, cold", ms(b.Cold.Interactive), "≤ 1.5 s", b.Cold.Interactive <= 1500},
		{"interactive, warm cache", ms(b.Warm.Interactive), "≤ 500 ms", b.Warm.Interactive <= 500},
		{"portal call throughput vs bare handler", pct(ratio(sm.Portal, sm.PortalBare)), "≥ 30 %", ratio(sm.Portal, sm.PortalBare) >= 0.30},
		{"portal call p99 at 64 concurrent", dur(sm.Portal.P99), "≤ 10 ms", sm.Portal.P99 <= 10*time.Millisecond},
		{"entitlements call throughput vs bare handler", pct(ratio(sm.Entitlements, sm.EntitlementsBare)), "≥ 50 %", ratio(sm.Entitlements, sm.EntitlementsBare) >= 0.50},
		{"upcoming-invoice call throughput vs bare handler", pct(ratio(sm.Upcoming, sm.UpcomingBare)), "≥ 30 %", ratio(sm.Upcoming, sm.UpcomingBare) >= 0.30},
		{"usage call throughput vs bare handler", pct(ratio(sm.Usage, sm.UsageBare)), "≥ 30 %", ratio(sm.Usage, sm.UsageBare) >= 0.30},
		{"usage call p99 at 64 concurrent", dur(sm.Usage.P99), "≤ 20 ms", sm.Usage.P99 > 0 && sm.Usage.P99 <= 20*time.Millisecond},
		{"batch ingestion, SQLite, batches of 1,000", fmt.Sprintf("%.0f events/s", r.ingest("SQLite").EventsPerSecond()), "≥ 50,000 events/s", r.ingest("SQLite").EventsPerSecond() >= 50_000},
		{"batch ingestion, PostgreSQL, batches of 1,000", fmt.Sprintf("%.0f events/s", r.ingest("PostgreSQL").EventsPerSecond()), "≥ 20,000 events/s", r.ingest("PostgreSQL").EventsPerSecond() >= 20_000},
		{fmt.Sprintf("portal p50, %s vs %s customers", count(lg.Customers), count(sm.Customers)), fmt.Sprintf("%.2f×", growth(lg.Portal, sm.Portal)), "≤ 1.5×", growth(lg.Portal, sm.Portal) <= 1.5},
		{fmt.Sprintf("entitlements p50, %s vs %s customers", count(lg.Customers), count(sm.Customers)), fmt.Sprintf("%.2f×", growth(lg.Entitlements, sm.Entitlements)), "≤ 1.5×", growth(lg.Entitlements, sm.Entitlements) <= 1.5},
		{fmt.Sprintf("server RSS under the %s-customer load", count(lg.Customers)), fmt.Sprintf("%.0f MiB", float64(lg.PeakRSS)/mib), "≤ 200 MiB", lg.PeakRSS > 0 && lg.PeakRSS <= 200*mib},
		{"SDK: plan change to the cache, p99, another replica", fmt.Sprintf("%.0f ms", r.SDK.ReplicaP99), "≤ 1 s", r.SDK.ReplicaP99 > 0 && r.SDK.ReplicaP99 <= 1000},
	}
}

func (r *report) missed() []string {
	var out []string
	for _, b := range r.budgets() {
		if !b.Met {
			out = append(out, b.Figure)
		}
	}
	return out
}

func ms(v float64) string  { return fmt.Sprintf("%.0f ms", v) }
func pct(v float64) string { return fmt.Sprintf("%.0f %%", v*100) }

// count writes n with thousands separators.
func count(n int) string {
	s := fmt.Sprintf("%d", n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
func dur(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}

// markdown is the generated part of docs/performance.md.
func (r *report) markdown() string {
	var b strings.Builder
	m := r.Machine
	fmt.Fprintf(&b, "Measured %s on %s (%d cores, %.0f GiB), %s, %s, %s.\n\n",
		r.When.UTC().Format("2006-01-02 15:04 MST"), m.CPU, m.Cores, m.MemoryGiB, m.OS, m.Go, m.Chromium)
	b.WriteString("### Budgets\n\n| figure | measured | budget | |\n|---|---|---|---|\n")
	for _, x := range r.budgets() {
		mark := "met"
		if !x.Met {
			mark = "**missed**"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", x.Figure, x.Measured, x.Limit, mark)
	}
	s := r.Sizes
	fmt.Fprintf(&b, "\n### Sizes\n\n| file | bytes |\n|---|---|\n| `app.wasm` | %d (%.2f MiB) |\n| `app.wasm.gz` | %d (%.2f MiB) |\n| `app.wasm.br` | %d (%.2f MiB) |\n| `embed.js`, gzip -9 | %d |\n",
		s.WasmRaw, float64(s.WasmRaw)/mib, s.WasmGzip, float64(s.WasmGzip)/mib, s.WasmBrotli, float64(s.WasmBrotli)/mib, s.EmbedGzip)
	br := r.Browser
	fmt.Fprintf(&b, "\n### Page load (median of %d loads, %d in started browsers; headless Chromium, loopback)\n\n| | first byte | first contentful paint | interactive |\n|---|---|---|---|\n", br.Runs, br.StartedRuns)
	fmt.Fprintf(&b, "| cold: first visit, new browser context | %s | %s | %s |\n", ms(br.Cold.TTFB), ms(br.Cold.FCP), ms(br.Cold.Interactive))
	fmt.Fprintf(&b, "| warm cache: the same context again | %s | %s | %s |\n", ms(br.Warm.TTFB), ms(br.Warm.FCP), ms(br.Warm.Interactive))
	fmt.Fprintf(&b, "| first visit in a browser started for it (not budgeted) | %s | %s | %s |\n", ms(br.Started.TTFB), ms(br.Started.FCP), ms(br.Started.Interactive))
	fmt.Fprintf(&b, "\nThe floor: a static page with one stylesheet, served by the bare server, first paints in %s cold in the same browser, %s in a browser started for it.\n", ms(br.FloorFCP), ms(br.FloorStart))
	fmt.Fprintf(&b, "\n### Server (%d concurrent, at most %d requests or %s per call, loopback)\n\n", r.Shape.Concurrency, r.Shape.Requests, r.Shape.Duration)
	fmt.Fprintf(&b, "Each call and the bare handler are loaded in %d alternating turns; \"bare\" is the bare handler's figure from the turns beside that call.\n\n", rounds)
	b.WriteString("| store | call | requests | errors | req/s | p50 | p99 | bare req/s | bare p99 | vs bare |\n|---|---|---|---|---|---|---|---|---|---|\n")
	for _, run := range []serverRun{r.Small, r.Large} {
		for _, c := range []struct {
			name      string
			res, bare result
		}{{"`GET /api/v1/portal`", run.Portal, run.PortalBare}, {"`GET …/entitlements`", run.Entitlements, run.EntitlementsBare}, {"`GET …/upcoming-invoice`", run.Upcoming, run.UpcomingBare}, {"`POST /api/v1/usage`", run.Usage, run.UsageBare}} {
			if c.res.Requests == 0 && c.res.Errors == 0 {
				continue
			}
			vs := "—"
			if c.bare.RPS() > 0 {
				vs = pct(c.res.RPS() / c.bare.RPS())
			}
			fmt.Fprintf(&b, "| %s customers | %s | %d | %d | %.0f | %s | %s | %.0f | %s | %s |\n",
				count(run.Customers), c.name, c.res.Requests, c.res.Errors, c.res.RPS(), dur(c.res.P50), dur(c.res.P99), c.bare.RPS(), dur(c.bare.P99), vs)
		}
	}
	fmt.Fprintf(&b, "\n### Batch ingestion (%d clients, batches of %d events over %d customers, %s per store)\n\n", ingestClients, batchSize, batchCustomers, ingestFor)
	b.WriteString("| store | batches | errors | events/s | batch p50 | batch p99 |\n|---|---|---|---|---|---|\n")
	for _, run := range r.Ingest {
		fmt.Fprintf(&b, "| %s | %d | %d | %.0f | %s | %s |\n", run.Store, run.Batches.Requests, run.Batches.Errors,
			run.EventsPerSecond(), dur(run.Batches.P50), dur(run.Batches.P99))
	}
	if h := r.History; h.Rows > 0 {
		fmt.Fprintf(&b, "\n### Usage history at scale (SQLite)\n\n%s customers × %d months: %s rows, %.0f MiB (%.0f bytes a customer-month), filled in %s; a customer's %d months read in %s (p50), %s (p99) over %d reads.\n",
			count(h.Customers), h.Months, count(h.Rows), float64(h.Bytes)/mib, float64(h.Bytes)/float64(h.Rows), h.Seed.Round(time.Second), h.Months, dur(h.P50), dur(h.P99), h.Reads)
	}
	fmt.Fprintf(&b, "\nPeak server RSS: %.0f MiB with %s customers, %.0f MiB with %s.\n",
		float64(r.Small.PeakRSS)/mib, count(r.Small.Customers), float64(r.Large.PeakRSS)/mib, count(r.Large.Customers))
	if x := r.SDK; x.CheckNs > 0 {
		fmt.Fprintf(&b, "\n### Go SDK (`go test -bench ./sdk`, SQLite, loopback)\n\n| figure | measured |\n|---|---|\n")
		fmt.Fprintf(&b, "| an entitlement check answered from the cache | %.0f ns |\n", x.CheckNs)
		fmt.Fprintf(&b, "| plan change to the cache, SDK on the replica that made it (50 changes) | p50 %.1f ms, p99 %.1f ms |\n", x.SameP50, x.SameP99)
		fmt.Fprintf(&b, "| plan change to the cache, SDK on another replica (50 changes) | p50 %.1f ms, p99 %.1f ms |\n", x.ReplicaP50, x.ReplicaP99)
	}
	b.WriteString("\n### Engine (`go test -bench ./server/engine`)\n\n| benchmark | time/op | bytes/op | allocs/op |\n|---|---|---|---|\n")
	for _, x := range r.Micro {
		fmt.Fprintf(&b, "| %s | %.1f µs | %d | %d |\n", x.Name, x.NsPerOp/1000, x.BytesPerOp, x.AllocsPerOp)
	}
	return b.String()
}

// markers surround the generated part; the text outside them is kept.
var markers = mdblock.Markers{Title: "Performance",
	Begin: "<!-- bench:begin (generated by make bench; edits inside are overwritten) -->",
	End:   "<!-- bench:end -->"}

func (r *report) write(path string) error { return markers.Write(path, r.markdown()) }
