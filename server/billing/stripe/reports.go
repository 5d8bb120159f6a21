package stripebilling

import (
	"context"
	"fmt"

	"github.com/stripe/stripe-go/v76"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/billing"
)

// MetaReport is the metadata key of a top-up invoice item: the outbox slot
// it was sent for, by which a retry finds it already there.
const MetaReport = "portico_report"

// How usage is reported: the period's total, set at the period's start.
const usageSet = "set"

var _ billing.ReportSender = (*Provider)(nil)

// SendReport implements billing.ReportSender.
//
// Usage is the period's total of priced blocks, sent as a usage record on
// the subscription's item of the metered price with action "set" at one
// timestamp per period (its start). Stripe keeps one quantity per item and
// timestamp, which "set" overwrites: sending a total once, twice or after
// a later one was lost leaves the period at that total. Deltas
// ("increment") would count twice a delta whose answer was lost once its
// idempotency key has expired (24 hours at Stripe), which an outage can
// outlast. The metered price should aggregate by "sum" (one record per
// period sums to itself) or "last_during_period".
//
// A top-up becomes an invoice item of the period's amount on the
// subscription's draft invoice for that period, or, when Stripe has not
// drafted it yet, a pending item of the subscription that Stripe adds to
// its next invoice. An item already made for the report (found by its
// metadata) is not made again.
func (p *Provider) SendReport(ctx context.Context, r billing.Report) error {
	if err := r.Validate(); err != nil {
		return err
	}
	defer p.cache.drop(r.CustomerID)
	sub, err := p.linkedSubscription(ctx, r.SubscriptionID)
	if err != nil {
		return err
	}
	if sub == nil {
		return portico.Conflict("subscription %q has no live Stripe subscription to report to", r.SubscriptionID)
	}
	if r.Kind == billing.ReportUsage {
		return p.reportUsage(ctx, sub, r)
	}
	return p.addTopUp(ctx, sub, r)
}

func (p *Provider) reportUsage(ctx context.Context, sub *stripe.Subscription, r billing.Report) error {
	var item *stripe.SubscriptionItem
	for _, si := range subItems(sub) {
		if si.Price.ID == r.PriceID {
			item = si
		}
	}
	if item == nil {
		return portico.Conflict("Stripe subscription %s has no item of the metered price %s for %q", sub.ID, r.PriceID, r.FeatureID)
	}
	cctx, cancel := p.call(ctx)
	defer cancel()
	_, err := p.api.UsageRecords.New(&stripe.UsageRecordParams{
		Params:           params(cctx, idempotencyKey(r.Key(), "usage")),
		SubscriptionItem: stripe.String(item.ID),
		Action:           stripe.String(usageSet),
		Quantity:         stripe.Int64(r.Quantity),
		Timestamp:        stripe.Int64(r.PeriodStart.Unix()),
	})
	return classify(err)
}

func (p *Provider) addTopUp(ctx context.Context, sub *stripe.Subscription, r billing.Report) error {
	customer, err := p.store.ProviderCustomer(ctx, r.CustomerID)
	if err != nil {
		return fmt.Errorf("stripebilling: reading the customer link of %q: %w", r.CustomerID, err)
	}
	if done, err := p.hasReportItem(ctx, customer, r); err != nil || done {
		return err
	}
	draft, err := p.draftInvoice(ctx, customer, sub.ID, r)
	if err != nil {
		return err
	}
	ip := &stripe.InvoiceItemParams{
		Customer:    stripe.String(customer),
		Amount:      stripe.Int64(r.Amount),
		Currency:    stripe.String(r.Currency),
		Description: stripe.String(r.Description),
		Period: &stripe.InvoiceItemPeriodParams{Start: stripe.Int64(r.PeriodStart.Unix()),
			End: stripe.Int64(r.PeriodEnd.Unix())},
		Metadata: map[string]string{MetaReport: r.Slot(), MetaSubscriptionID: r.SubscriptionID},
	}
	target := "pending"
	if draft != "" {
		ip.Invoice, target = stripe.String(draft), draft
	} else {
		ip.Subscription = stripe.String(sub.ID)
	}
	cctx, cancel := p.call(ctx)
	defer cancel()
	ip.Params = params(cctx, idempotencyKey(r.Key(), "topup-"+target))
	_, err = p.api.InvoiceItems.New(ip)
	return classify(err)
}

// hasReportItem reports whether the customer has an invoice item made for
// the report: one whose answer was lost, found on the retry.
func (p *Provider) hasReportItem(ctx context.Context, customer string, r billing.Report) (bool, error) {
	cctx, cancel := p.call(ctx)
	defer cancel()
	lp := &stripe.InvoiceItemListParams{Customer: stripe.String(customer),
		CreatedRange: &stripe.RangeQueryParams{GreaterThanOrEqual: r.PeriodStart.Unix()}}
	lp.Context = cctx
	it := p.api.InvoiceItems.List(lp)
	for it.Next() {
		if it.InvoiceItem().Metadata[MetaReport] == r.Slot() {
			return true, nil
		}
	}
	return false, classify(it.Err())
}

// draftInvoice is the subscription's draft invoice for the period the
// report closes ("" for none yet): Stripe drafts a renewal invoice for the
// period that ended and finalizes it about an hour later.
func (p *Provider) draftInvoice(ctx context.Context, customer, subID string, r billing.Report) (string, error) {
	cctx, cancel := p.call(ctx)
	defer cancel()
	lp := &stripe.InvoiceListParams{Customer: stripe.String(customer), Subscription: stripe.String(subID),
		Status: stripe.String(string(stripe.InvoiceStatusDraft))}
	lp.Context = cctx
	it := p.api.Invoices.List(lp)
	for it.Next() {
		if inv := it.Invoice(); inv.PeriodEnd == r.PeriodEnd.Unix() {
			return inv.ID, nil
		}
	}
	return "", classify(it.Err())
}
