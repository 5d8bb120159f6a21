package components

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
)

func ptr(n int64) *int64 { return &n }

// lineTexts are the visible texts of the line rows inside the element
// the path finds, in order.
func (h *harness) lineTexts(path ...string) []string {
	h.t.Helper()
	var out []string
	var walk func(n node)
	walk = func(n node) {
		if n.html && slices.Contains(n.classes, "portico-line") {
			out = append(out, visibleTextOf(n))
			return
		}
		for _, c := range n.children {
			walk(c)
		}
	}
	walk(h.mustFind(path...))
	return out
}

// usagePricedPortal is a customer on a usage-priced plan: 10,000 calls
// included, $0.50 per 1,000 beyond, the period ending on Jul 1, 2026.
func usagePricedPortal(usage, amount int64) *portico.PortalView {
	p := demoPortal()
	end := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	p.Subscriptions[0].CurrentPeriodEnd = end
	p.Subscriptions[0].Charges = []portico.ChargeView{{FeatureID: "api-calls", FeatureName: "API calls", Unit: "call",
		Model: portico.ModelUsage, Usage: ptr(usage), Included: 10000, BlockSize: 1000, Amount: amount,
		Price: portico.ChargePrice{BillingPeriod: "monthly", Currency: "usd", UnitAmount: 50}}}
	p.Entitlements = []portico.EntitlementView{
		{FeatureID: "api-calls", FeatureName: "API calls", Type: portico.FeatureMetered, Unit: "call", HasAccess: true,
			Limit: 10000, Usage: usage, ResetAt: &end, Source: "plan", SoftLimit: true},
		{FeatureID: "seats", FeatureName: "Seats", Type: portico.FeatureNumeric, Unit: "seat", HasAccess: false, Limit: 5, Usage: 5, Source: "plan"},
	}
	return p
}

func TestUsagePricedFeatureShowsItsCostSoFarAndStaysOpen(t *testing.T) {
	h := mount(t, withNotices(&fakeSource{portal: usagePricedPortal(23400, 700)}, NewUsage()))
	row := "portico-entitlement-usage-api-calls"
	if got, want := h.textOf(row, "portico-usage-figure"), "23,400 of 10,000 included · 13,400 over"; got != want {
		t.Errorf("figure %q, want %q", got, want)
	}
	if got, want := h.textOf(row, "portico-usage-cost"), "$7.00 so far, billed on Jul 1, 2026"; got != want {
		t.Errorf("cost %q, want %q", got, want)
	}
	h.contains("$0.50 per 1,000 beyond what is included", "Pay as you go")

	// Beyond what is included is billed, not blocked: no alarm, no "Buy
	// more"; the bar shows the included part and the part beyond it.
	n := h.mustFind(row)
	if !slices.Contains(n.classes, "portico-usage-over-included") || slices.Contains(n.classes, "portico-usage-at-limit") {
		t.Errorf("classes %v", n.classes)
	}
	if got := h.textOf(row); strings.Contains(got, "Limit reached") || strings.Contains(got, "Buy more") {
		t.Errorf("a soft limit reads as blocked: %q", got)
	}
	if fill := h.mustFind(row, "portico-usage-bar-fill"); fill.attrs["style"] != "width:42.7%" {
		t.Errorf("included part %q", fill.attrs["style"])
	}
	if over := h.mustFind(row, "portico-usage-bar-over"); over.attrs["style"] != "width:57.2%" {
		t.Errorf("part beyond %q", over.attrs["style"])
	}
	bar := h.mustFind(row, "portico-usage-bar")
	if bar.attrs["aria-valuenow"] != "23400" || bar.attrs["aria-valuetext"] != "23,400 of 10,000 included · 13,400 over" {
		t.Errorf("bar attributes %v", bar.attrs)
	}

	// A hard limit next to it keeps its alarm and its way to get more.
	hard := h.mustFind("portico-entitlement-usage-seats")
	if !slices.Contains(hard.classes, "portico-usage-at-limit") {
		t.Errorf("hard limit classes %v", hard.classes)
	}
	if _, ok := h.findPath("portico-entitlement-usage-seats", "portico-buy-more-button"); !ok {
		t.Error("the hard limit lost its Buy more")
	}
}

func TestUsagePricedFeatureWithinWhatIsIncluded(t *testing.T) {
	h := mount(t, withNotices(&fakeSource{portal: usagePricedPortal(4000, 0)}, NewUsage()))
	row := "portico-entitlement-usage-api-calls"
	if got := h.textOf(row, "portico-usage-figure"); got != "4,000 of 10,000 included" {
		t.Errorf("figure %q", got)
	}
	if got := h.textOf(row, "portico-usage-cost"); got != "$0.00 so far, billed on Jul 1, 2026" {
		t.Errorf("cost %q", got)
	}
	if n := h.mustFind(row); !slices.Contains(n.classes, "portico-usage-within-included") {
		t.Errorf("classes %v", n.classes)
	}
	if _, ok := h.findPath(row, "portico-usage-bar-over"); ok {
		t.Error("a part beyond what is included shows within it")
	}
	if fill := h.mustFind(row, "portico-usage-bar-fill"); fill.attrs["style"] != "width:40%" {
		t.Errorf("included part %q", fill.attrs["style"])
	}

	h = mount(t, withNotices(&fakeSource{portal: usagePricedPortal(123400, 5700)}, NewUsage()).Locale("fr"))
	h.contains("123\u202f400 sur 10\u202f000 inclus · 113\u202f400 en plus", "57,00\u00a0$US à ce jour, facturés le 1\u00a0juil.\u00a02026")
}

// upcomingSample is an invoice with a line of each kind the section words.
func upcomingSample() *portico.UpcomingInvoice {
	date := time.Date(2026, 12, 21, 0, 0, 0, 0, time.UTC)
	next := date.AddDate(0, 1, 0)
	return &portico.UpcomingInvoice{SubscriptionID: "sub_1", Date: date, Currency: "usd", Estimated: true,
		Lines: []portico.Line{
			{Kind: portico.LineFee, Description: "Pro (monthly)", PlanID: "pro", Amount: 2900, PeriodStart: &date, PeriodEnd: &next},
			{Kind: portico.LineCharge, Description: "Seats × 12 (1–50)", FeatureID: "seats", Quantity: ptr(12), UnitAmount: ptr(1000), TierFrom: 1, TierTo: 50, Amount: 12000},
			{Kind: portico.LineCharge, Description: "Seats × 3 (51+)", FeatureID: "seats", Quantity: ptr(3), UnitAmount: ptr(800), TierFrom: 51, FlatAmount: 500, Amount: 2900},
			{Kind: portico.LineUsage, Description: "API calls beyond", FeatureID: "api-calls", Quantity: ptr(114), UnitAmount: ptr(50), Usage: ptr(123400), Included: 10000, Amount: 5700},
			{Kind: portico.LineAddon, Description: "Extra seats × 2", AddonID: "extra-seats", Quantity: ptr(2), UnitAmount: ptr(500), Amount: 1000},
			{Kind: portico.LineMinimum, Description: "Minimum spend", Amount: 300},
			{Kind: portico.LineBalance, Description: "Balance", Amount: -200},
		},
		Subtotal: 25600, Credit: 1000, Total: 24600}
}

func TestUpcomingInvoiceShowsItsLinesAndTotal(t *testing.T) {
	src := &fakeSource{portal: demoPortal(), upcoming: upcomingSample()}
	h := mount(t, withNotices(src, NewUpcomingInvoice()))
	if got := src.log(); !slices.Contains(got, "upcoming ") {
		t.Errorf("calls %v, want the customer's next invoice asked for", got)
	}
	want := []string{
		"Pro plan Dec 21, 2026 – Jan 21, 2027 $29.00",
		"Seats 12 × $10.00 for units 1–50 $120.00",
		"Seats 3 × $8.00 for units 51 and up + $5.00 $29.00",
		"API calls 123,400 used, 10,000 included · 114 × $0.50 $57.00",
		"Extra seats 2 × $5.00 $10.00",
		"Top-up to the minimum spend $3.00",
		"Credit balance applied -$2.00",
	}
	if got := h.lineTexts("portico-upcoming-invoice", "portico-lines"); !slices.Equal(got, want) {
		t.Errorf("lines\n%q\nwant\n%q", got, want)
	}
	for i, kind := range []string{"fee", "charge", "charge", "usage", "addon", "minimum", "balance"} {
		if got := h.classCount("portico-line-" + kind); got == 0 {
			t.Errorf("line %d: no line-%s row", i, kind)
		}
	}
	for class, want := range map[string]string{
		"portico-upcoming-subtotal":     "Subtotal $256.00",
		"portico-upcoming-credit":       "Account credit -$10.00",
		"portico-upcoming-total":        "Total $246.00",
		"portico-upcoming-invoice-date": "Billed on Dec 21, 2026",
		"portico-upcoming-estimated":    "Estimated: usage so far. The total follows your usage until Dec 21, 2026.",
	} {
		if got := h.textOf("portico-upcoming-invoice", class); got != want {
			t.Errorf("%s: %q, want %q", class, got, want)
		}
	}

	// With no credit the subtotal would repeat the total; a final invoice
	// is no estimate.
	inv := upcomingSample()
	inv.Credit, inv.Total, inv.Estimated = 0, inv.Subtotal, false
	h = mount(t, withNotices(&fakeSource{portal: demoPortal(), upcoming: inv}, NewUpcomingInvoice()))
	if h.hasClass("portico-upcoming-subtotal") || h.hasClass("portico-upcoming-credit") || h.hasClass("portico-upcoming-estimated") {
		t.Error("subtotal, credit or estimate shown on a final invoice without credit")
	}
	if got := h.textOf("portico-upcoming-total"); got != "Total $256.00" {
		t.Errorf("total %q", got)
	}
}

// upcomingFailing answers the upcoming invoice with err while it is set.
type upcomingFailing struct {
	*fakeSource
	err error
}

func (u *upcomingFailing) UpcomingInvoice(ctx context.Context, id string) (*portico.UpcomingInvoice, error) {
	if u.err != nil {
		u.record("upcoming " + id)
		return nil, u.err
	}
	return u.fakeSource.UpcomingInvoice(ctx, id)
}

func TestUpcomingInvoiceErrorOffersARetry(t *testing.T) {
	src := &upcomingFailing{fakeSource: &fakeSource{portal: demoPortal(), upcoming: upcomingSample()}, err: errDown}
	h := mount(t, withNotices(src, NewUpcomingInvoice()))
	h.contains("We couldn't load your upcoming invoice.", "the server is unreachable")
	if h.mustFind("portico-upcoming-invoice", "portico-error").attrs["role"] != "alert" {
		t.Error("the error is not an alert")
	}
	src.err = nil
	h.click("portico-upcoming-invoice", "portico-retry-button")
	h.settle()
	if got := src.count("upcoming"); got != 2 {
		t.Errorf("%d reads of the upcoming invoice, want 2", got)
	}
	h.contains("Total $246.00")
	if h.hasClass("portico-error") {
		t.Error("the error stays after a successful retry")
	}
}

func TestUpcomingInvoiceWithNothingToBill(t *testing.T) {
	src := &upcomingFailing{fakeSource: &fakeSource{portal: demoPortal()},
		err: &APIError{Status: http.StatusNotFound, Title: "Not found"}}
	h := mount(t, withNotices(src, NewUpcomingInvoice()))
	h.contains("Nothing to bill on your next invoice.")
	if h.hasClass("portico-error") || h.hasClass("portico-skeleton") {
		t.Error("no upcoming invoice reads as an error or a load")
	}
}

func TestUpcomingInvoiceSkeletonWhileThePortalLoads(t *testing.T) {
	src := &fakeSource{portal: demoPortal(), upcoming: upcomingSample()}
	h, release := mountPending(t, withNotices(src, NewUpcomingInvoice()), src)
	if _, ok := h.findPath("portico-upcoming-invoice", "portico-skeleton"); !ok {
		t.Error("no skeleton while loading")
	}
	release()
	h.contains("Total $246.00")
}

func TestInvoiceExpandsToItsLines(t *testing.T) {
	p := demoPortal()
	p.Invoices[0].Lines = []portico.Line{
		{Kind: portico.LineFee, PlanID: "pro", Description: "Pro (monthly)", Amount: 2900},
		{Kind: portico.LineAddon, AddonID: "extra-seats", Description: "Extra seats × 2", Quantity: ptr(2), UnitAmount: ptr(500), Amount: 1000},
		{Kind: portico.LineAddon, AddonID: "gone", Description: "Old add-on × 1", Quantity: ptr(1), UnitAmount: ptr(900), Amount: 900},
	}
	h := mount(t, withNotices(&fakeSource{portal: p}, NewInvoices()))
	if got := h.classCount("portico-invoice-lines-toggle"); got != 1 {
		t.Fatalf("%d toggles, want one for the invoice with lines", got)
	}
	toggle := h.mustFind("portico-invoice-lines-toggle")
	if toggle.attrs["aria-expanded"] != "false" || h.hasClass("portico-invoice-lines-row") {
		t.Fatalf("lines shown before asked: %v", toggle.attrs)
	}
	h.click("portico-invoice-lines-toggle")
	toggle = h.mustFind("portico-invoice-lines-toggle")
	lines := h.mustFind("portico-invoice-lines-row")
	if toggle.attrs["aria-expanded"] != "true" || toggle.attrs["aria-controls"] != lines.attrs["id"] || visibleTextOf(toggle) != "Hide details" {
		t.Errorf("open toggle %v %q, lines %v", toggle.attrs, visibleTextOf(toggle), lines.attrs)
	}
	// Names come from the portal; an add-on it no longer knows keeps the
	// invoice's own description.
	want := []string{"Pro plan $29.00", "Extra seats 2 × $5.00 $10.00", "Old add-on × 1 1 × $9.00 $9.00"}
	if got := h.lineTexts("portico-invoice-lines-row"); !slices.Equal(got, want) {
		t.Errorf("lines %q, want %q", got, want)
	}
	h.click("portico-invoice-lines-toggle")
	if h.hasClass("portico-invoice-lines-row") {
		t.Error("the lines stay after hiding them")
	}
}

// pricingClasses renders usage-priced features, the upcoming invoice in
// each state and an invoice's lines with the prefix, for the class hooks
// test, and returns every class used.
func pricingClasses(t *testing.T, prefix string) map[string]bool {
	t.Helper()
	seen := map[string]bool{}
	c := func(name string) string { return prefix + "-" + name }
	p := usagePricedPortal(23400, 700)
	// A line of every kind.
	p.Invoices[0].Lines = append(upcomingSample().Lines,
		portico.Line{Kind: portico.LineCarried, Amount: 0}, portico.Line{Kind: portico.LineCredit, Amount: -900})
	// Over and within what is included, the invoice's lines open.
	h := mount(t, NewCustomerPortal(&fakeSource{portal: p, paywall: hookPaywall(), upcoming: upcomingSample()}).Prefix(prefix))
	h.click(c("invoice-lines-toggle"))
	maps.Copy(seen, classesIn(h.html()))
	maps.Copy(seen, classesIn(mount(t, withNotices(&fakeSource{portal: usagePricedPortal(400, 0)}, NewUsage()).Prefix(prefix)).html()))
	// Nothing to bill, and a failed read.
	for _, err := range []error{&APIError{Status: http.StatusNotFound}, errDown} {
		src := &upcomingFailing{fakeSource: &fakeSource{portal: demoPortal()}, err: err}
		maps.Copy(seen, classesIn(mount(t, withNotices(src, NewUpcomingInvoice()).Prefix(prefix)).html()))
	}
	// usage history chart: both views, loading, failed.
	h = mount(t, withNotices(chartPortal(), NewUsage()).Prefix(prefix))
	maps.Copy(seen, classesIn(h.html()))
	h.click(c("usage-chart-data-toggle"))
	h.click(c("usage-chart-views"), "=Past months")
	maps.Copy(seen, classesIn(h.html()))
	pending := chartPortal()
	pending.unanswered = true
	maps.Copy(seen, classesIn(mount(t, withNotices(pending, NewUsage()).Prefix(prefix)).html()))
	failing := chartPortal()
	failing.err = errDown
	maps.Copy(seen, classesIn(mount(t, withNotices(failing, NewUsage()).Prefix(prefix)).html()))
	delete(seen, "test-root")
	return seen
}

// A subscription priced by its usage reads by what it costs at least, not
// as a fee of nothing.
func TestAUsagePricedSubscriptionReadsByItsMinimum(t *testing.T) {
	p := usagePricedPortal(23400, 700)
	sub := &p.Subscriptions[0]
	sub.Pricing, sub.Total, sub.Price = portico.PricingPaid, portico.Money{Currency: "usd"}, portico.Money{Currency: "usd"}
	sub.MinimumSpend = &portico.Money{Amount: 5000, Currency: "usd"}
	h := mount(t, withNotices(&fakeSource{portal: p}, NewSubscriptionOverview()))
	h.contains("From $50.00 / month")
	h.lacks("$0.00 / month")
	sub.MinimumSpend = nil
	h = mount(t, withNotices(&fakeSource{portal: p}, NewSubscriptionOverview()))
	h.contains("Billed by usage")
}
