package designer

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"regexp"
	"sync"
	"time"

	portico "github.com/portico-dev/portico"
)

// State is a demo customer state the preview can show.
type State struct {
	ID    string
	Label string
	// Customer is the demo customer the state's sample is read from.
	Customer string
}

// States are the customer states the preview offers, the first by default.
var States = []State{
	{"limit", "Basic, at its usage limits", "barbara"},
	{"paid", "Pro, with add-ons", "grace"},
	{"free", "Free plan", "ada"},
	{"trial", "Trial", "alan"},
	{"downgrade", "Downgrade scheduled", "linus"},
	{"custom", "Custom price", "margaret"},
	{"seats", "Team, priced per member", "dennis"},
	{"usage", "Scale, priced by usage", "radia"},
}

// Sample is what the portal API answers for one demo customer: the portal,
// the plans in each billing period, and the preview of each change the
// plans offer.
type Sample struct {
	Portal *portico.PortalView `json:"portal"`
	// Period is the billing period the plans open on.
	Period   portico.BillingPeriod           `json:"period"`
	Paywalls map[string]*portico.PaywallView `json:"paywalls"`
	// Paywalls are keyed by billing period, or, for a customer of several
	// products, by product and period: "platform/monthly".
	// Previews are keyed by plan ID and billing period: "pro/annually".
	Previews map[string]*portico.Preview `json:"previews"`
	// Upcoming is the customer's next invoice; none when nothing is live.
	Upcoming *portico.UpcomingInvoice `json:"upcoming,omitempty"`
}

// samplesJSON maps each state's ID to its Sample. It is generated from the
// demo data by TestSamplesAreCurrent.
//
//go:embed samples.json
var samplesJSON []byte

var (
	samplesOnce sync.Once
	samplesRaw  map[string]json.RawMessage
)

// SampleTime is the instant the samples are taken at (by
// TestSamplesAreCurrent, on the engine's frozen clock), so they do not
// change from one run to the next.
func SampleTime() time.Time { return time.Date(2026, time.March, 2, 9, 30, 0, 0, time.UTC) }

// sample decodes a state's sample, its dates moved as if it were taken
// today; each call returns a fresh copy.
func sample(state string, today time.Time) (*Sample, error) {
	samplesOnce.Do(func() { _ = json.Unmarshal(samplesJSON, &samplesRaw) })
	raw, ok := samplesRaw[state]
	if !ok {
		return nil, errors.New("no sample for " + state)
	}
	var s Sample
	if err := json.Unmarshal(datesMoved(raw, today), &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// datesMoved is a sample with every time in it moved as the sample's day
// moves to today's: the preview shows a period that started today, a
// trial ending in two weeks, invoices of today, rather than dates long
// gone.
func datesMoved(raw []byte, today time.Time) []byte {
	jsonTime := regexp.MustCompile(`"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)"`)
	return jsonTime.ReplaceAllFunc(raw, func(quoted []byte) []byte {
		t, err := time.Parse(time.RFC3339Nano, string(quoted[1:len(quoted)-1]))
		if err != nil {
			return quoted
		}
		return []byte(`"` + movedToToday(t, today).Format(time.RFC3339Nano) + `"`)
	})
}

// movedToToday moves t by whole months, then days, as SampleTime moves to
// today's date: a monthly renewal stays on its period's day of the month.
func movedToToday(t, today time.Time) time.Time {
	from, today := SampleTime(), today.UTC()
	months := (today.Year()-from.Year())*12 + int(today.Month()) - int(from.Month())
	return t.AddDate(0, months, today.Day()-from.Day())
}

// errPreview answers every action that would change something.
var errPreview = errors.New("This is a preview: nothing is changed here. In the portal, this action works for real.")

// source serves a state's sample in the browser, without a session or a
// server. Actions answer errPreview. Each state has its own source, so the
// preview remounts its provider when the state changes.
type source struct {
	state string
	once  sync.Once
	s     *Sample
	err   error
}

func newSource(state string) *source { return &source{state: state} }

func (src *source) load() (*Sample, error) {
	src.once.Do(func() { src.s, src.err = sample(src.state, time.Now()) })
	return src.s, src.err
}

func (src *source) Portal(context.Context) (*portico.PortalView, error) {
	s, err := src.load()
	if err != nil {
		return nil, err
	}
	v := *s.Portal
	return &v, nil
}

func (src *source) Paywall(_ context.Context, productID string, period portico.BillingPeriod) (*portico.PaywallView, error) {
	s, err := src.load()
	if err != nil {
		return nil, err
	}
	if period == "" {
		period = s.Period
	}
	if productID == "" && len(s.Portal.Subscriptions) > 0 {
		productID = s.Portal.Subscriptions[0].ProductID // as the portal does
	}
	v, ok := s.Paywalls[productID+"/"+string(period)]
	if !ok {
		v, ok = s.Paywalls[string(period)]
	}
	if !ok {
		return nil, errPreview
	}
	c := *v
	return &c, nil
}

func (src *source) Preview(_ context.Context, req portico.ChangeRequest) (*portico.Preview, error) {
	s, err := src.load()
	if err != nil {
		return nil, err
	}
	if v, ok := s.Previews[req.PlanID+"/"+string(req.BillingPeriod)]; ok {
		c := *v
		return &c, nil
	}
	return nil, errPreview
}

func (src *source) Change(context.Context, portico.ChangeRequest) (*portico.ChangeResult, error) {
	return nil, errPreview
}

func (src *source) Cancel(context.Context, string) (*portico.CancelResult, error) {
	return nil, errPreview
}

func (src *source) CancelScheduled(context.Context, string) (*portico.SubscriptionView, error) {
	return nil, errPreview
}

// UpcomingInvoice answers the customer's next invoice, whichever
// subscription is asked for: each sample has one.
func (src *source) UpcomingInvoice(context.Context, string) (*portico.UpcomingInvoice, error) {
	s, err := src.load()
	if err != nil {
		return nil, err
	}
	if s.Upcoming == nil {
		return nil, errNothingUpcoming
	}
	c := *s.Upcoming
	return &c, nil
}

// errNothingUpcoming answers the upcoming invoice of a customer with no
// live subscription, as the API does.
var errNothingUpcoming = &portico.Problem{Status: 404, Title: "Not Found", Detail: "No upcoming invoice."}

func (src *source) UsageHistory(context.Context, portico.UsageHistoryQuery) (*portico.UsageHistory, error) {
	return nil, errPreview
}

func (src *source) BillingSession(context.Context, string) (*portico.BillingSession, error) {
	return nil, errPreview
}
