package billing

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/metrics"
)

// ReportKind is what a Report tells the provider.
type ReportKind string

// Report kinds.
const (
	// ReportUsage is a period's usage of a usage-priced feature, as the
	// number of priced blocks so far: the quantity of the subscription's
	// metered item for that period.
	ReportUsage ReportKind = "usage"
	// ReportTopUp is the top-up to a closed period's minimum spend, to add
	// to that period's invoice.
	ReportTopUp ReportKind = "topup"
)

// Report is something Portico owes the provider outside a subscription
// change: a metered item's usage, a minimum-spend top-up. Reports are
// written to an Outbox in the transaction that records what they report
// (the usage, the closed period) and sent afterwards by a Reporter, so a
// provider that is down holds up no write and loses no report.
type Report struct {
	Kind           ReportKind `json:"kind"`
	CustomerID     string     `json:"customerId"`
	SubscriptionID string     `json:"subscriptionId"`
	// PeriodStart and PeriodEnd are the billing period reported on.
	PeriodStart time.Time `json:"periodStart"`
	PeriodEnd   time.Time `json:"periodEnd"`
	// FeatureID and PriceID name a usage report's feature and the
	// provider's metered price; Quantity is the period's total so far.
	FeatureID string `json:"featureId,omitempty"`
	PriceID   string `json:"priceId,omitempty"`
	Quantity  int64  `json:"quantity,omitempty"`
	// Amount, Currency and Description are a top-up's.
	Amount      int64  `json:"amount,omitempty"`
	Currency    string `json:"currency,omitempty"`
	Description string `json:"description,omitempty"`
}

// Slot is where the report is kept in the outbox: one per subscription,
// feature and period for usage (a later total replaces an earlier one not
// yet sent), one per subscription and period for a top-up.
func (r Report) Slot() string {
	switch r.Kind {
	case ReportUsage:
		return fmt.Sprintf("usage/%s/%s/%d", r.SubscriptionID, r.FeatureID, r.PeriodStart.Unix())
	default:
		return fmt.Sprintf("%s/%s/%d", r.Kind, r.SubscriptionID, r.PeriodEnd.Unix())
	}
}

// Key is the idempotency key of the report's request to the provider:
// stable for one slot and one value, so a retry of a request whose answer
// was lost is recognised, and a new value is a new request.
func (r Report) Key() string {
	switch r.Kind {
	case ReportUsage:
		return r.Slot() + "/" + strconv.FormatInt(r.Quantity, 10)
	default:
		return r.Slot() + "/" + strconv.FormatInt(r.Amount, 10)
	}
}

// Validate reports what is wrong with a Report.
func (r Report) Validate() error {
	switch {
	case r.Kind != ReportUsage && r.Kind != ReportTopUp:
		return portico.Invalid("kind", "must be %q or %q, not %q", ReportUsage, ReportTopUp, r.Kind)
	case r.CustomerID == "":
		return portico.Invalid("customerId", "is required")
	case r.SubscriptionID == "":
		return portico.Invalid("subscriptionId", "is required")
	case r.PeriodStart.IsZero() || !r.PeriodEnd.After(r.PeriodStart):
		return portico.Invalid("periodEnd", "must be after periodStart")
	case r.Kind == ReportUsage && (r.FeatureID == "" || r.PriceID == ""):
		return portico.Invalid("priceId", "a usage report needs its feature and the provider's metered price")
	case r.Kind == ReportUsage && r.Quantity < 0:
		return portico.Invalid("quantity", "must not be negative")
	case r.Kind == ReportTopUp && (r.Amount <= 0 || !isCurrencyCode(r.Currency)):
		return portico.Invalid("amount", "a top-up needs a positive amount and a currency")
	}
	return nil
}

// Pending is a report in the outbox not yet sent in its latest version.
type Pending struct {
	Report
	Slot string
	// Version counts the reports written to the slot: sending version v
	// marks v sent, and a later write is sent again.
	Version  int64
	Attempts int
}

// Outbox keeps the reports to send. Enqueue called with the context of a
// store transaction joins it (the report commits or rolls back with what
// it reports).
type Outbox interface {
	// Enqueue writes r to its slot, due now; the same report as the slot
	// holds changes nothing (it is sent, or about to be).
	Enqueue(ctx context.Context, r Report) error
	// DueReports lists at most limit reports due by now, oldest due first.
	DueReports(ctx context.Context, now time.Time, limit int) ([]Pending, error)
	// ReportSent marks a slot's version sent; a newer version stays due.
	ReportSent(ctx context.Context, slot string, version int64) error
	// ReportFailed reschedules a slot's version for next, with the attempt
	// counted and the error kept; a newer version stays due now.
	ReportFailed(ctx context.Context, slot string, version int64, next time.Time, reason string) error
}

// ReportSender is a provider that takes reports.
type ReportSender interface {
	SendReport(ctx context.Context, r Report) error
}

// Reporter sends the outbox's reports to the provider, retrying failures
// with a backoff that doubles from MinBackoff up to MaxBackoff. A report
// is never dropped: a provider that refuses one is asked again, less and
// less often, and each refusal is logged.
type Reporter struct {
	Outbox     Outbox
	Sender     ReportSender
	Now        func() time.Time
	MinBackoff time.Duration
	MaxBackoff time.Duration
	Log        *slog.Logger
	// Metrics, when set, counts the reports sent and those refused.
	Metrics *metrics.Metrics
}

// NewReporter returns a Reporter with the defaults: the first retry after
// 10 s, then doubling up to an hour.
func NewReporter(o Outbox, s ReportSender, log *slog.Logger) *Reporter {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Reporter{Outbox: o, Sender: s, Now: time.Now, MinBackoff: 10 * time.Second, MaxBackoff: time.Hour, Log: log}
}

// reportBatch is how many reports one read of the outbox takes.
const reportBatch = 100

// Flush sends every report due now, once each, and returns how many were
// sent. Failures are rescheduled, not returned; the error is the outbox's.
func (r *Reporter) Flush(ctx context.Context) (int, error) {
	sent := 0
	tried := map[string]int64{}
	for {
		due, err := r.Outbox.DueReports(ctx, r.Now(), reportBatch)
		if err != nil {
			return sent, err
		}
		fresh := 0
		for _, p := range due {
			if v, ok := tried[p.Slot]; ok && v == p.Version {
				continue // failed this pass and not rescheduled: next pass
			}
			tried[p.Slot] = p.Version
			fresh++
			ok, err := r.send(ctx, p)
			if err != nil {
				return sent, err
			}
			if ok {
				sent++
			}
		}
		if fresh == 0 || ctx.Err() != nil {
			return sent, ctx.Err()
		}
	}
}

// send sends one report and records the outcome.
func (r *Reporter) send(ctx context.Context, p Pending) (bool, error) {
	err := r.Sender.SendReport(ctx, p.Report)
	if err == nil {
		r.Metrics.BillingReport(string(p.Kind), true)
		return true, r.Outbox.ReportSent(ctx, p.Slot, p.Version)
	}
	if ctx.Err() != nil {
		return false, ctx.Err() // stopping: the provider refused nothing
	}
	r.Metrics.BillingReport(string(p.Kind), false)
	wait := r.backoff(p.Attempts)
	r.Log.Warn("billing report not taken: retrying later", "slot", p.Slot, "attempts", p.Attempts+1, "retryIn", wait, "err", err)
	return false, r.Outbox.ReportFailed(ctx, p.Slot, p.Version, r.Now().Add(wait), err.Error())
}

func (r *Reporter) backoff(attempts int) time.Duration {
	d := max(r.MinBackoff, time.Second)
	for range min(attempts, 30) {
		d *= 2
		if d >= r.MaxBackoff {
			return max(r.MaxBackoff, time.Second)
		}
	}
	return d
}

// Run flushes the outbox every interval until ctx ends. exclusive, when
// set, runs each flush as one replica at a time (see portico.Exclusive):
// two replicas sending one slot's versions could deliver them out of order.
func (r *Reporter) Run(ctx context.Context, every time.Duration, exclusive portico.Exclusive) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		var err error
		if exclusive != nil {
			_, err = exclusive.TryExclusive(ctx, "billing reports", func(ctx context.Context) error {
				_, err := r.Flush(ctx)
				return err
			})
		} else {
			_, err = r.Flush(ctx)
		}
		if err != nil && ctx.Err() == nil {
			r.Log.Error("billing reports", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
