package e2e

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// usageHistory reads a usage history of the session's customer from the
// portal API: the values by bucket start.
func usageHistory(t *testing.T, srv *server, token, query string) []struct {
	Start time.Time
	Value int64
} {
	t.Helper()
	status, body := portalAPI(t, srv, token, http.MethodGet, "/api/v1/portal/usage-history?"+query, nil)
	if status != http.StatusOK {
		t.Fatalf("GET usage-history?%s: %d %s", query, status, body)
	}
	var h struct {
		Points []struct {
			Start time.Time
			Value int64
		}
	}
	if err := json.Unmarshal([]byte(body), &h); err != nil {
		t.Fatal(err)
	}
	return h.Points
}

// tableCells reads each row of the table matching sel, its cells' texts
// joined by " | ".
func (p *page) tableCells(sel string) []string {
	p.t.Helper()
	return eval[[]string](p, "read the rows of "+sel, `Array.from(document.querySelectorAll(`+js(sel+" tbody tr")+`),
  (tr) => Array.from(tr.cells, (c) => c.textContent.trim()).join(" | "))`)
}

// Scenario: radia's API requests card charts the period by day and the
// past months from the usage history the server keeps, with a data table
// of the server's values behind the chart and the projected usage and cost.
func TestUsageChartShowsTheServersHistory(t *testing.T) {
	p, srv := begin(t, "usage-chart")
	url := srv.Portal(t, "radia")
	token := sessionToken(t, url)
	card := ".portico-entitlement-usage-requests"
	p.open(url)
	p.waitWasm()
	p.do("wait for the chart", visible(card+" .portico-usage-chart-svg"))

	// This period: a bar per day so far, each row the server's day.
	days := map[string]int64{}
	for _, pt := range usageHistory(t, srv, token, "featureId=requests&bucket=day") {
		days[pt.Start.UTC().Format("Jan 2")] = pt.Value
	}
	p.click(card + " .portico-usage-chart-data-toggle")
	p.do("show the data", visible(card+" .portico-usage-chart-table"))
	rows := p.tableCells(card + " .portico-usage-chart-table")
	if len(rows) == 0 || p.count(card+" .portico-usage-chart-bar") != len(rows) {
		t.Fatalf("%d bars for the rows %q", p.count(card+" .portico-usage-chart-bar"), rows)
	}
	var sum int64
	for _, r := range rows {
		cells := strings.Split(r, " | ")
		want, ok := days[cells[0]]
		if !ok || len(cells) != 3 || cells[1] != grouped(want) {
			t.Errorf("row %q, the server has %s: %d", r, cells[0], want)
		}
		sum += want
	}
	// The demo reports its usage now: today's bar holds the period's 123,400.
	if sum != 123400 || !strings.HasSuffix(rows[len(rows)-1], " | "+grouped(123400)) {
		t.Errorf("the period adds up to %d, its last row %q", sum, rows[len(rows)-1])
	}
	// The demo's period began today: too early to multiply a day's usage
	// over the month (the projection and its cost are the component tests').
	if p.count(card+" .portico-usage-chart-projection") != 0 {
		t.Error("a projection line on the period's first day")
	}
	if got := p.text(card + " .portico-usage-projection"); got != "A projection of the period's end shows from its third day." {
		t.Errorf("projection %q on the period's first day", got)
	}
	label := eval[string](p, "read the chart's label", `document.querySelector(`+js(card+" .portico-usage-chart-svg")+`).getAttribute("aria-label")`)
	if !strings.Contains(label, "123,400 so far") {
		t.Errorf("chart label %q", label)
	}
	for _, width := range []int64{1280, phoneWidth} {
		p.do("set the viewport", chromedp.EmulateViewport(width, 900), chromedp.ScrollIntoView(chromedp.CSS(card)))
		p.shotViewport("period-" + strconv.FormatInt(width, 10))
	}

	// The past months, as the server adds them up.
	p.do("set the viewport", chromedp.EmulateViewport(1280, 900))
	p.click(card + ` .portico-usage-chart-views button:nth-child(2)`)
	p.do("show the months", visible(card+` .portico-usage-chart-views button[aria-pressed="true"]:nth-child(2)`))
	months := usageHistory(t, srv, token, "featureId=requests&bucket=month")
	var want []string
	for _, pt := range months {
		want = append(want, strings.Replace(pt.Start.UTC().Format("Jan 2006"), " ", "\u00a0", 1)+" | "+grouped(pt.Value))
	}
	if got := p.tableCells(card + " .portico-usage-chart-table"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("month rows\n%q\nthe server's\n%q", got, want)
	}
	if got := p.count(card + " .portico-usage-chart-bar"); got != len(months) {
		t.Errorf("%d bars for %d months", got, len(months))
	}
	for _, width := range []int64{1280, phoneWidth, 320} {
		p.do("set the viewport", chromedp.EmulateViewport(width, 900), chromedp.ScrollIntoView(chromedp.CSS(card)))
		p.shotViewport("months-" + strconv.FormatInt(width, 10))
		// Nothing wider than the window: the chart reflows.
		if w := eval[int64](p, "measure the page", `document.documentElement.scrollWidth`); w > width {
			t.Errorf("at %d px the page is %d px wide", width, w)
		}
	}
}
