package components

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
)

// historySource answers the usage history from its fakeSource unless err
// or unanswered is set, and keeps the queries.
type historySource struct {
	*fakeSource
	err error
	// unanswered answers no history and no error, as before the server
	// has answered: the chart keeps its placeholder.
	unanswered bool
	mu         sync.Mutex
	queries    []portico.UsageHistoryQuery
}

func (s *historySource) UsageHistory(ctx context.Context, q portico.UsageHistoryQuery) (*portico.UsageHistory, error) {
	s.mu.Lock()
	s.queries = append(s.queries, q)
	s.mu.Unlock()
	if s.unanswered {
		return nil, nil
	}
	if s.err != nil {
		s.record("history " + q.FeatureID)
		return nil, s.err
	}
	return s.fakeSource.UsageHistory(ctx, q)
}

// chartPortal is usagePricedPortal on Jun 10, 2026 at noon, ten days into
// a monthly period from Jun 1 to Jul 1 with 23,400 calls so far, and its
// history: the period's days and the past 13 months.
func chartPortal() *historySource {
	p := usagePricedPortal(23400, 700)
	start := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	p.Now = start.Add(9*24*time.Hour + 12*time.Hour)
	p.Subscriptions[0].CurrentPeriodStart, p.Subscriptions[0].BillingPeriod = start, portico.Monthly
	days := &portico.UsageHistory{FeatureID: "api-calls", Bucket: portico.BucketDay}
	for i, v := range []int64{1000, 2000, 0, 3000, 2400, 5000, 0, 4000, 3000, 3000} {
		days.Points = append(days.Points, portico.UsagePoint{Start: start.AddDate(0, 0, i), Value: v})
	}
	for i := 10; i < 30; i++ {
		days.Points = append(days.Points, portico.UsagePoint{Start: start.AddDate(0, 0, i)})
	}
	months := &portico.UsageHistory{FeatureID: "api-calls", Bucket: portico.BucketMonth}
	for i, v := range []int64{0, 0, 0, 0, 0, 0, 8000, 12000, 15000, 9000, 30000, 41000, 23400} {
		months.Points = append(months.Points, portico.UsagePoint{Start: start.AddDate(0, i-12, 0), Value: v})
	}
	return &historySource{fakeSource: &fakeSource{portal: p, history: map[string]*portico.UsageHistory{
		"api-calls/day": days, "api-calls/month": months}}}
}

var (
	markupRE = regexp.MustCompile(`<[a-z]+ [^>]*\bclass="([^"]*)"[^>]*>`)
	attrRE   = regexp.MustCompile(`([a-zA-Z0-9-]+)="([^"]*)"`)
)

// drawn lists the attributes of each element of the chart's markup (the
// SVG is markup, not elements of the tree) that has the class.
func (h *harness) drawn(class string) []map[string]string {
	var out []map[string]string
	for _, m := range markupRE.FindAllStringSubmatch(h.html(), -1) {
		if slices.Contains(strings.Fields(m[1]), class) {
			attrs := map[string]string{}
			for _, a := range attrRE.FindAllStringSubmatch(m[0], -1) {
				attrs[a[1]] = a[2]
			}
			out = append(out, attrs)
		}
	}
	return out
}

// svgAttrs are the attributes of the one element with the class.
func (h *harness) svgAttrs(class string) map[string]string {
	h.t.Helper()
	d := h.drawn(class)
	if len(d) != 1 {
		h.t.Fatalf("%d elements %s", len(d), class)
	}
	return d[0]
}

// bars are the heights of the chart's bars, in its units (1000 high).
func (h *harness) bars() []int64 {
	var out []int64
	for _, a := range h.drawn("portico-usage-chart-bar") {
		v, _ := strconv.ParseInt(a["height"], 10, 64)
		out = append(out, v)
	}
	return out
}

// tableRows are the visible texts of the chart's data table: its caption,
// then its rows.
func (h *harness) tableRows() []string {
	h.t.Helper()
	table := h.mustFind("portico-usage-chart-table")
	out := []string{visibleTextOf(table.children[0])}
	for _, row := range table.children[1:] {
		for _, tr := range row.children {
			out = append(out, visibleTextOf(tr))
		}
	}
	return out
}

func TestUsageChartShowsThePeriodByDayWithItsProjection(t *testing.T) {
	src := chartPortal()
	h := mount(t, withNotices(src, NewUsage()))
	// The days of the period, from its start to its end (the reset), and
	// the default past months.
	if len(src.queries) != 2 {
		t.Fatalf("queries %+v, want the period's days and the months", src.queries)
	}
	if q := src.queries[0]; q.Bucket != portico.BucketDay || !q.From.Equal(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)) ||
		!q.To.Equal(time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)) || q.FeatureID != "api-calls" {
		t.Errorf("period query %+v", q)
	}
	if q := src.queries[1]; q.Bucket != portico.BucketMonth || !q.From.IsZero() || !q.To.IsZero() {
		t.Errorf("months query %+v", q)
	}

	// One bar per day up to today, the usage so far cumulated, on a scale
	// rounded up from the projection (70,200): 100,000 is 1000 high.
	if got, want := h.bars(), []int64{10, 30, 30, 60, 84, 134, 134, 174, 204, 234}; !slices.Equal(got, want) {
		t.Errorf("bars %v, want %v", got, want)
	}
	if got := h.textOf("portico-usage-chart-scale"); got != "100,000" {
		t.Errorf("scale %q", got)
	}
	if got := h.textOf("portico-usage-chart-axis"); got != "Jun 1 Jun 30" {
		t.Errorf("axis %q", got)
	}
	// The dashed projection runs from today's bar to the period's end; the
	// included 10,000 is a line.
	proj := h.svgAttrs("portico-usage-chart-projection")
	if proj["x1"] != "95" || proj["y1"] != "766" || proj["x2"] != "300" || proj["y2"] != "298" {
		t.Errorf("projection line %v", proj)
	}
	if limit := h.svgAttrs("portico-usage-chart-limit"); limit["y1"] != "900" || limit["y2"] != "900" {
		t.Errorf("limit line %v", limit)
	}
	svg := h.svgAttrs("portico-usage-chart-svg")
	if svg["role"] != "img" || svg["aria-label"] != "API calls from Jun 1 to Jun 30: 23,400 so far, 70,200 projected by the end of the period" ||
		svg["viewBox"] != "0 0 300 1000" {
		t.Errorf("svg attributes %v", svg)
	}

	// Every value is in the table behind the chart, on demand.
	if h.hasClass("portico-usage-chart-table") {
		t.Error("the data table shows before it is asked for")
	}
	h.click("portico-usage-chart-data-toggle")
	toggle := h.mustFind("portico-usage-chart-data-toggle")
	if toggle.attrs["aria-expanded"] != "true" || toggle.attrs["aria-controls"] != h.mustFind("portico-usage-chart-table").attrs["id"] ||
		visibleTextOf(toggle) != "Hide data" {
		t.Errorf("open toggle %v %q", toggle.attrs, visibleTextOf(toggle))
	}
	rows := h.tableRows()
	if len(rows) != 12 || rows[0] != "API calls this period, by day" || rows[1] != "Day Used Total so far" ||
		rows[2] != "Jun 1 1,000 1,000" || rows[6] != "Jun 5 2,400 8,400" || rows[11] != "Jun 10 3,000 23,400" {
		t.Errorf("table rows %q", rows)
	}

	// 23,400 in 10 of 30 days: 70,200 by the end, 61 blocks of 1,000 beyond
	// the 10,000 included at $0.50.
	if got := h.textOf("portico-usage-projection"); got != "Projected by Jul 1: 70,200 API calls Projected cost: $30.50" {
		t.Errorf("projection %q", got)
	}
	if got := h.textOf("portico-usage-projected-cost"); got != "Projected cost: $30.50" {
		t.Errorf("projected cost %q", got)
	}
}

func TestUsageChartSwitchesToThePastMonths(t *testing.T) {
	h := mount(t, withNotices(chartPortal(), NewUsage()))
	pressed := func() []string {
		var out []string
		for _, b := range h.mustFind("portico-usage-chart-views").children {
			out = append(out, visibleTextOf(b)+"="+b.attrs["aria-pressed"])
		}
		return out
	}
	if got := pressed(); !slices.Equal(got, []string{"This period=true", "Past months=false"}) {
		t.Errorf("views %v", got)
	}
	h.click("portico-usage-chart-views", "=Past months")
	if got := pressed(); !slices.Equal(got, []string{"This period=false", "Past months=true"}) {
		t.Errorf("views after the switch %v", got)
	}
	// A bar per month on a scale of 50,000, no projection line.
	if got, want := h.bars(), []int64{0, 0, 0, 0, 0, 0, 160, 240, 300, 180, 600, 820, 468}; !slices.Equal(got, want) {
		t.Errorf("bars %v, want %v", got, want)
	}
	if h.hasClass("portico-usage-chart-projection") || h.hasClass("portico-usage-chart-limit") {
		t.Error("the months show this period's projection or limit")
	}
	h.click("portico-usage-chart-data-toggle")
	rows := h.tableRows()
	if len(rows) != 15 || rows[0] != "API calls by month" || rows[1] != "Month Used" || rows[2] != "Jun\u00a02025 0" ||
		rows[14] != "Jun\u00a02026 23,400" {
		t.Errorf("table rows %q", rows)
	}
	if got := h.svgAttrs("portico-usage-chart-svg")["aria-label"]; got != "API calls by month from Jun\u00a02025 to Jun\u00a02026, up to 41,000 a month" {
		t.Errorf("label %q", got)
	}
	// The projection is the period's whatever the view.
	if got := h.textOf("portico-usage-projection"); got != "Projected by Jul 1: 70,200 API calls Projected cost: $30.50" {
		t.Errorf("projection %q", got)
	}
}

func TestUsageChartProjectsAHardLimitWithoutACost(t *testing.T) {
	src := chartPortal()
	e := &src.portal.Entitlements[0]
	e.SoftLimit, e.Limit, e.Usage = false, 50000, 23400
	h := mount(t, withNotices(src, NewUsage()))
	if got := h.textOf("portico-usage-projection"); got != "Projected by Jul 1: 70,200 API calls" {
		t.Errorf("projection %q", got)
	}
	if limit := h.svgAttrs("portico-usage-chart-limit"); limit["y1"] != "500" {
		t.Errorf("limit line %v, want at 50,000 of 100,000", limit)
	}
	h = mount(t, withNotices(chartPortal(), NewUsage()).Locale("fr"))
	h.contains("Prévision au 1\u00a0juil. : 70\u202f200 API calls", "Coût prévu : 30,50\u00a0$US", "Voir les données")
}

func TestUsageChartErrorOffersARetry(t *testing.T) {
	src := chartPortal()
	src.err = errDown
	h := mount(t, withNotices(src, NewUsage()))
	h.contains("We couldn't load your usage history.", "the server is unreachable")
	if h.mustFind("portico-usage-chart", "portico-error").attrs["role"] != "alert" {
		t.Error("the error is not an alert")
	}
	// The projection needs no history.
	h.contains("Projected by Jul 1: 70,200 API calls")
	src.err = nil
	h.click("portico-usage-chart", "portico-retry-button")
	if got := len(h.bars()); got != 10 {
		t.Errorf("%d bars after the retry", got)
	}
	if h.hasClass("portico-error") {
		t.Error("the error stays after a successful retry")
	}
}

func TestUsageChartWithoutUsage(t *testing.T) {
	src := chartPortal()
	src.history = nil
	src.portal.Entitlements[0].Usage = 0
	h := mount(t, withNotices(src, NewUsage()))
	if got := h.textOf("portico-usage-chart-empty"); got != "No usage recorded yet." {
		t.Errorf("empty %q", got)
	}
	if len(h.drawn("portico-usage-chart-svg")) > 0 || h.hasClass("portico-usage-projection") {
		t.Error("a chart or projection without usage")
	}
}

func TestUsageChartSkeletonWhileTheHistoryLoads(t *testing.T) {
	// A history not there yet (the answer carries none) keeps the
	// placeholder, busy, at the chart's height.
	src := chartPortal()
	src.unanswered = true
	h := mount(t, withNotices(src, NewUsage()))
	sk, ok := h.findPath("portico-usage-chart", "portico-usage-chart-skeleton")
	if !ok || sk.attrs["aria-busy"] != "true" {
		t.Errorf("no busy skeleton while the history loads: %v", sk.attrs)
	}
	if got := len(h.bars()); got != 0 {
		t.Errorf("%d bars before the history arrived", got)
	}
}
