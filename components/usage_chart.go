package components

import (
	"context"
	"html"
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

// historyPrerenderedID prefixes the id holding, per feature, the usage
// history the server rendered the page with.
const historyPrerenderedID = "portico-prerendered-history-"

// The chart's drawing units: a bar slot is slotWidth wide, the plot
// chartHeight high. The SVG stretches to its box, so heights are exact in
// integers and the axis labels are HTML, never stretched.
const (
	slotWidth   = 10
	chartHeight = 1000
	svgNS       = "http://www.w3.org/2000/svg"
)

// usageChart charts a metered feature's usage on its card: the current
// usage period by day, cumulated, with the projection of its end as a
// dashed line, or the past months; a data table behind it, and the
// projected usage (and cost, when the usage is priced) in words. It reads
// the history after each load of the portal, as the card's figure changes.
type usageChart struct {
	section
	// Feature is the metered feature charted.
	Feature string

	state  historyState
	months bool // the past months are shown rather than this period
	// showData shows the data table.
	showData bool
	err      string
	follower
}

// historyState is what was read, and what the server's page carries to
// the client: the current period by day and the past months.
type historyState struct {
	Period *portico.UsageHistory `json:"period,omitempty"`
	Months *portico.UsageHistory `json:"months,omitempty"`
}

// OnInit starts from the history the server rendered the page with.
func (c *usageChart) OnInit() {
	c.section.OnInit()
	if ReadPrerendered(historyPrerenderedID+slug(c.Feature), &c.state) {
		c.loaded = 1
	}
}

func (c *usageChart) OnPreRender(ctx app.Context) { c.watch(ctx) }
func (c *usageChart) OnMount(ctx app.Context)     { c.watch(ctx) }

func (c *usageChart) watch(ctx app.Context) { c.follow(ctx, &c.section, c.load) }

// load reads the period's days and the past months; a failure keeps what
// is shown and says so.
func (c *usageChart) load(ctx app.Context) {
	p, ok := c.period()
	if !ok {
		return
	}
	c.loading = true
	src, version, id := c.cfg.Source, c.data.Version, c.Feature
	ctx.Async(func() {
		cx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		var st historyState
		var err error
		if st.Period, err = src.UsageHistory(cx, portico.UsageHistoryQuery{FeatureID: id, From: p.start, To: p.end, Bucket: portico.BucketDay}); err == nil {
			st.Months, err = src.UsageHistory(cx, portico.UsageHistoryQuery{FeatureID: id, Bucket: portico.BucketMonth})
		}
		ctx.Dispatch(func(ctx app.Context) {
			c.loading, c.loaded = false, version
			if err != nil {
				c.err = err.Error()
				return
			}
			c.state, c.err = st, ""
		})
	})
}

// usagePeriod is a metered feature's current usage period and its usage.
type usagePeriod struct {
	e               portico.EntitlementView
	start, end, now time.Time
	// elapsed and total count the period's days, today as a whole one.
	elapsed, total int64
}

// period is the feature's current usage period, which ends at its reset.
// The portal does not say the feature's reset period: the period is the
// current one of a monthly subscription ending then, else the month
// before the reset (metered usage mostly resets monthly).
func (c *usageChart) period() (usagePeriod, bool) {
	var p usagePeriod
	if c.data.Portal == nil {
		return p, false
	}
	for _, e := range c.data.Portal.Entitlements {
		if e.FeatureID == c.Feature && e.Type == portico.FeatureMetered && e.ResetAt != nil {
			p.e = e
		}
	}
	if p.e.ResetAt == nil {
		return p, false
	}
	p.end = p.e.ResetAt.UTC()
	if p.e.PeriodStart != nil {
		p.start = p.e.PeriodStart.UTC()
	} else {
		// A server that does not say when the period began: a month back.
		p.start = p.end.AddDate(0, -1, 0)
		for p.start.Month() == p.end.Month() { // Mar 31 → Feb 28, not Mar 3
			p.start = p.start.AddDate(0, 0, -1)
		}
	}
	if p.now = c.data.Portal.Now; p.now.IsZero() {
		p.now = time.Now()
	}
	day := int64(24 * time.Hour)
	p.total = max((int64(p.end.Sub(p.start))+day/2)/day, 1)
	p.elapsed = min(max(int64(p.now.Sub(p.start))/day+1, 1), p.total)
	return p, true
}

// projected is the usage at the period's end if it goes on as so far:
// usage ÷ days elapsed × days in the period.
func (p usagePeriod) projected() int64 { return p.e.Usage * p.total / p.elapsed }

// projectionDays is how many days of a period the projection waits for:
// a day or two of usage multiplied over a month says little.
const projectionDays = 3

// projects reports whether the period is far enough along to project.
func (p usagePeriod) projects() bool { return p.elapsed >= projectionDays || p.elapsed >= p.total }

func (c *usageChart) Render() app.UI {
	p, ok := c.period()
	if !ok {
		return app.Div().Class(c.c("usage-chart"))
	}
	var content app.UI
	h := c.state.Period
	if c.months {
		h = c.state.Months
	}
	switch {
	case h == nil && c.err != "":
		content = app.Div().Class(c.c("error")).Role("alert").Body(
			app.P().Text(c.t("chartLoadError")), app.P().Class(c.c("error-detail")).Text(c.err),
			busyButton(c.c("button", "retry-button"), c.t("retry"), c.loading, "retry",
				func(ctx app.Context, e app.Event) { c.load(ctx) }))
	case h == nil:
		content = app.Div().Class(c.c("usage-chart-skeleton")).Aria("busy", "true").Aria("label", c.t("chartLoading"))
	case empty(h.Points):
		content = app.P().Class(c.c("empty", "usage-chart-empty")).Text(c.t("chartEmpty"))
	default:
		content = c.plot(c.series(h, p))
	}
	body := []app.UI{c.views(), content}
	if p.e.Usage > 0 {
		body = append(body, c.projection(p))
	}
	if c.loaded == 1 && c.state.Period != nil {
		body = append(body, Prerender(historyPrerenderedID+slug(c.Feature), c.state))
	}
	return app.Div().Class(c.c("usage-chart")).Aria("busy", c.loading).Body(body...)
}

// views switches between this period and the past months.
func (c *usageChart) views() app.UI {
	option := func(months bool, key string) app.UI {
		b := app.Button().Type("button").Class(c.c("period-option")).Aria("pressed", c.months == months).Text(c.t(key)).
			OnClick(func(ctx app.Context, e app.Event) { c.months = months }, app.EventScope(key))
		if c.months == months {
			b = b.Class(c.c("period-option-selected"))
		}
		return b
	}
	return app.Div().Class(c.c("segmented", "usage-chart-views")).Role("group").Aria("label", c.t("chartViews")).Body(
		option(false, "chartThisPeriod"), option(true, "chartPastMonths"))
}

// projection words the period's projected end usage and, for a usage
// charge, what it would cost with the charge's own tiers and blocks.
func (c *usageChart) projection(p usagePeriod) app.UI {
	if !p.projects() {
		return app.P().Class(c.c("usage-projection", "muted")).Text(c.t("chartProjectionLater"))
	}
	f, n := c.f(), p.projected()
	var cost app.UI
	if _, ch, ok := c.usageCharge(p.e.FeatureID); ok && p.e.SoftLimit {
		charge := portico.Charge{Model: ch.Model, TiersMode: ch.TiersMode, Included: ch.Included, BlockSize: ch.BlockSize}
		cost = app.Span().Class(c.c("usage-projected-cost")).
			Text(c.t("chartProjectedCost", "amount", f.Money(charge.Amount(ch.Price, charge.Blocks(n)), ch.Price.Currency)))
	}
	return app.P().Class(c.c("usage-projection")).Body(
		app.Span().Text(c.t("chartProjection", "date", f.Day(p.end), "usage", f.Number(n), "feature", f.InSentence(p.e.FeatureName))),
		cost)
}

// usageCharge finds the usage charge pricing a feature on a subscription
// shown, with that subscription.
func (s *section) usageCharge(featureID string) (portico.SubscriptionView, portico.ChargeView, bool) {
	for _, sub := range s.subscriptions() {
		for _, c := range sub.Charges {
			if c.FeatureID == featureID && c.Model == portico.ModelUsage {
				return sub, c, true
			}
		}
	}
	return portico.SubscriptionView{}, portico.ChargeView{}, false
}

func empty(points []portico.UsagePoint) bool {
	for _, pt := range points {
		if pt.Value != 0 {
			return false
		}
	}
	return true
}

// chartSeries is what a view draws: a bar per bucket up to now, a slot per
// bucket, and the data table's rows.
type chartSeries struct {
	label, caption string
	bars           []int64 // bar values, the first len(bars) slots
	slots          int
	rows           [][]string
	head           []string
	// Period view: the projection's end value and the limit line, 0 for none.
	projected, limit int64
	first, last      string
}

// series is the view of h: this period's days cumulated up to today with
// the projection, or the months as they are.
func (c *usageChart) series(h *portico.UsageHistory, p usagePeriod) chartSeries {
	f, name := c.f(), p.e.FeatureName
	s := chartSeries{slots: len(h.Points)}
	if len(h.Points) > 0 {
		s.first, s.last = f.Day(h.Points[0].Start), f.Day(h.Points[len(h.Points)-1].Start)
	}
	if c.months {
		s.head = []string{c.t("chartMonth"), c.t("chartUsed")}
		s.caption = c.t("chartMonthsCaption", "feature", name)
		var top int64
		for _, pt := range h.Points {
			s.bars = append(s.bars, pt.Value)
			s.rows = append(s.rows, []string{f.Month(pt.Start), f.Number(pt.Value)})
			top = max(top, pt.Value)
		}
		if len(h.Points) > 0 {
			s.first, s.last = f.Month(h.Points[0].Start), f.Month(h.Points[len(h.Points)-1].Start)
		}
		s.label = c.t("chartMonthsSummary", "feature", name, "from", s.first, "to", s.last, "max", f.Number(top))
		return s
	}
	s.head = []string{c.t("chartDay"), c.t("chartUsed"), c.t("chartTotal")}
	s.caption = c.t("chartPeriodCaption", "feature", name)
	var sum int64
	for _, pt := range h.Points {
		if pt.Start.After(p.now) {
			break
		}
		sum += pt.Value
		s.bars = append(s.bars, sum)
		s.rows = append(s.rows, []string{f.Day(pt.Start), f.Number(pt.Value), f.Number(sum)})
	}
	if !p.e.Unlimited {
		s.limit = p.e.Limit
	}
	if !p.projects() {
		s.label = c.t("chartPeriodSummaryEarly", "feature", name, "from", s.first, "to", s.last, "usage", f.Number(p.e.Usage))
		return s
	}
	s.projected = max(p.projected(), sum)
	s.label = c.t("chartPeriodSummary", "feature", name, "from", s.first, "to", s.last,
		"usage", f.Number(p.e.Usage), "projected", f.Number(p.projected()))
	return s
}

// plot draws the series: the SVG, its scale and first and last buckets,
// and the data table behind it, shown on demand. The SVG is written as
// markup: the browser's parser puts it in the SVG namespace.
func (c *usageChart) plot(s chartSeries) app.UI {
	top := s.projected
	for _, v := range s.bars {
		top = max(top, v)
	}
	top = roundUp(max(top, 1))
	y := func(v int64) string { return strconv.FormatInt(chartHeight-v*chartHeight/top, 10) }
	var b strings.Builder
	b.WriteString(`<svg xmlns="` + svgNS + `" class="` + c.c("usage-chart-svg") + `" role="img" aria-label="` + html.EscapeString(s.label) +
		`" viewBox="0 0 ` + strconv.Itoa(max(s.slots, 1)*slotWidth) + " " + strconv.Itoa(chartHeight) + `" preserveAspectRatio="none">`)
	for i, v := range s.bars {
		h := v * chartHeight / top
		if v > 0 {
			h = max(h, 8) // a little usage stays visible
		}
		b.WriteString(`<rect class="` + c.c("usage-chart-bar") + `" x="` + strconv.Itoa(i*slotWidth+1) + `" y="` + strconv.FormatInt(chartHeight-h, 10) +
			`" width="` + strconv.Itoa(slotWidth-2) + `" height="` + strconv.FormatInt(h, 10) + `"></rect>`)
	}
	if s.limit > 0 && s.limit < top {
		b.WriteString(line(c.c("usage-chart-limit"), 0, s.slots*slotWidth, y(s.limit), y(s.limit)))
	}
	if n := len(s.bars); s.projected > 0 && n > 0 && n < s.slots {
		b.WriteString(line(c.c("usage-chart-projection"), n*slotWidth-slotWidth/2, s.slots*slotWidth, y(s.bars[n-1]), y(s.projected)))
	}
	b.WriteString("</svg>")
	id, toggle := c.prefix()+"-usage-data-"+slug(c.Feature), "chartShowData"
	if c.showData {
		toggle = "chartHideData"
	}
	return app.Div().Class(c.c("usage-chart-body")).Body(
		app.Div().Class(c.c("usage-chart-plot")).Body(
			app.Span().Class(c.c("usage-chart-scale", "muted")).Aria("hidden", "true").Text(c.f().Number(top)),
			app.Raw(b.String()),
			app.Div().Class(c.c("usage-chart-axis", "muted")).Aria("hidden", "true").Body(
				app.Span().Text(s.first), app.Span().Text(s.last)),
		),
		app.Button().Type("button").Class(c.c("button", "button-link", "usage-chart-data-toggle")).
			Aria("expanded", c.showData).Aria("controls", id).Text(c.t(toggle)).
			OnClick(func(ctx app.Context, e app.Event) { c.showData = !c.showData }),
		app.If(c.showData, func() app.UI {
			return app.Table().ID(id).Class(c.c("usage-chart-table")).Body(
				app.Caption().Text(s.caption),
				app.THead().Body(app.Tr().Body(app.Range(s.head).Slice(func(i int) app.UI {
					return app.Th().Scope("col").Text(s.head[i])
				}))),
				app.TBody().Body(app.Range(s.rows).Slice(func(i int) app.UI {
					r := s.rows[i]
					return app.Tr().Body(app.Th().Scope("row").Text(r[0]), app.Range(r[1:]).Slice(func(j int) app.UI {
						return app.Td().Text(r[1+j])
					}))
				})),
			)
		}),
	)
}

// line is an SVG line whose stroke keeps its width however the chart
// stretches.
func line(class string, x1, x2 int, y1, y2 string) string {
	return `<line class="` + class + `" x1="` + strconv.Itoa(x1) + `" x2="` + strconv.Itoa(x2) + `" y1="` + y1 + `" y2="` + y2 +
		`" vector-effect="non-scaling-stroke"></line>`
}

// roundUp rounds a chart's top up to 1, 2 or 5 times a power of ten, so
// the scale reads round.
func roundUp(v int64) int64 {
	step := int64(1)
	for step*10 < v {
		step *= 10
	}
	for _, m := range []int64{1, 2, 5} {
		if m*step >= v {
			return m * step
		}
	}
	return 10 * step
}
