package stripebilling

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/stripe/stripe-go/v76"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/billing"
)

// How Portico's journey timing maps onto Stripe.
const (
	// Immediate changes are invoiced at once: an upgrade's prorated
	// difference is charged now (what Portico's preview calls "amount due
	// now"), a downgrade's unused time becomes credit on the customer's
	// balance (Portico's credit).
	prorateNow = "always_invoice"
	// A payment that fails makes Stripe refuse the change with a 402 instead
	// of applying it and leaving the subscription past due, so a refused
	// change leaves Portico and Stripe both unchanged.
	refuseUnpaid = "error_if_incomplete"
	// Scheduled changes and cancellations take effect at a period's end,
	// where there is nothing to prorate.
	noProration = "none"
)

// SyncSubscription implements billing.Provider. It reads the Stripe
// subscription first and sends only what differs from the change, so a Sync
// already applied is a no-op; each request is keyed from s.Key, so a retry
// that overlaps a request Stripe did apply gets that request's answer back
// instead of applying it twice.
//
//   - no Stripe subscription yet (or only an ended one), items: one is
//     created and linked;
//   - immediate change: the items are replaced and prorated at once; a
//     pending schedule or period-end cancellation is dropped first;
//   - end-of-period change: a subscription schedule switches to the new
//     items when the current period ends, then releases the subscription;
//   - cancel (or no items left): now with a prorated credit, or at the
//     period's end;
//   - unschedule: pending schedules and period-end cancellations are dropped;
//   - adopt: a Stripe subscription a checkout created is linked, and the
//     one linked before, which it replaces, is cancelled.
//
// One case is not all-or-nothing: an immediate change to a subscription with
// a change pending at the period's end first releases the pending schedule
// (or its next phase would undo the change), then changes the items. If
// Stripe refuses the second request (a declined card), the pending change is
// gone at Stripe while Portico, keeping its state, still has it; the caller
// should then sync that pending change again (an end-of-period Sync with a
// new key).
func (p *Provider) SyncSubscription(ctx context.Context, c billing.Customer, s billing.Sync) error {
	if err := s.Validate(); err != nil {
		return err
	}
	if s.Adopt != "" {
		return p.adopt(ctx, s)
	}
	// Whatever happens may bill or credit the customer: read afresh.
	defer p.cache.drop(c.ID)

	sub, err := p.linkedSubscription(ctx, s.SubscriptionID)
	if err != nil {
		return err
	}
	k := keyer{sub: s.SubscriptionID, change: s.Key}
	endOfPeriod := s.Timing == portico.EndOfPeriod
	switch {
	case sub == nil:
		if s.Cancel || s.Unschedule || len(s.Items) == 0 {
			return nil // nothing at Stripe to change
		}
		return p.createSubscription(ctx, c, s, k)
	case s.Unschedule:
		return p.unschedule(ctx, sub, k)
	case (s.Cancel || len(s.Items) == 0) && endOfPeriod:
		return p.cancelAtPeriodEnd(ctx, sub, k)
	case s.Cancel || len(s.Items) == 0:
		return p.cancelNow(ctx, sub, k)
	case endOfPeriod:
		return p.scheduleChange(ctx, sub, s.Items, k)
	default:
		return p.changeNow(ctx, sub, s.Items, k)
	}
}

// linkedSubscription returns the live Stripe subscription linked to a
// Portico subscription, with its schedule, or nil when there is none or it
// has ended.
func (p *Provider) linkedSubscription(ctx context.Context, subscriptionID string) (*stripe.Subscription, error) {
	id, err := p.store.ProviderSubscription(ctx, subscriptionID)
	if errors.Is(err, portico.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("stripebilling: reading the subscription link of %q: %w", subscriptionID, err)
	}
	cctx, cancel := p.call(ctx)
	defer cancel()
	sp := &stripe.SubscriptionParams{Params: params(cctx, "")}
	sp.AddExpand("schedule")
	sub, err := p.api.Subscriptions.Get(id, sp)
	if err != nil {
		return nil, classify(err)
	}
	if sub.Status == stripe.SubscriptionStatusCanceled || sub.Status == stripe.SubscriptionStatusIncompleteExpired {
		return nil, nil
	}
	return sub, nil
}

func (p *Provider) createSubscription(ctx context.Context, c billing.Customer, s billing.Sync, k keyer) error {
	cust, err := p.stripeCustomer(ctx, c)
	if err != nil {
		return err
	}
	sp := &stripe.SubscriptionParams{
		Customer:        stripe.String(cust),
		PaymentBehavior: stripe.String(refuseUnpaid),
		Metadata:        map[string]string{MetaCustomerID: c.ID, MetaSubscriptionID: s.SubscriptionID},
	}
	for _, it := range s.Items {
		sp.Items = append(sp.Items, &stripe.SubscriptionItemsParams{
			Price: stripe.String(it.PriceID), Quantity: it.QuantityParam()})
	}
	if !s.TrialEnd.IsZero() {
		sp.TrialEnd = stripe.Int64(s.TrialEnd.Unix())
		// Portico decides what an unpaid trial becomes (its journey's
		// afterCancel); Stripe should not try to bill it, only end it.
		sp.TrialSettings = &stripe.SubscriptionTrialSettingsParams{
			EndBehavior: &stripe.SubscriptionTrialSettingsEndBehaviorParams{MissingPaymentMethod: stripe.String("cancel")}}
	}
	cctx, cancel := p.call(ctx)
	defer cancel()
	sp.Params = params(cctx, k.key("create"))
	sub, err := p.api.Subscriptions.New(sp)
	if err != nil {
		return classify(err)
	}
	if err := p.store.LinkSubscription(ctx, s.SubscriptionID, sub.ID); err != nil {
		return fmt.Errorf("stripebilling: linking subscription %q to %s: %w", s.SubscriptionID, sub.ID, err)
	}
	return nil
}

// adopt links a Stripe subscription made outside a Sync (by a checkout) to
// the Portico subscription it bills, with the caller's context: in the
// transaction that writes that subscription, after it. The Stripe
// subscription linked before (a trial's, started before the customer paid
// at checkout) is cancelled: left alive, it would end at the trial's end or
// bill the customer a second time.
func (p *Provider) adopt(ctx context.Context, s billing.Sync) error {
	replaced, err := p.store.ProviderSubscription(ctx, s.SubscriptionID)
	if err != nil && !errors.Is(err, portico.ErrNotFound) {
		return fmt.Errorf("stripebilling: reading the subscription link of %q: %w", s.SubscriptionID, err)
	}
	if err := p.store.LinkSubscription(ctx, s.SubscriptionID, s.Adopt); err != nil {
		return fmt.Errorf("stripebilling: linking subscription %q to %s: %w", s.SubscriptionID, s.Adopt, err)
	}
	if replaced != "" && replaced != s.Adopt {
		p.cancelReplaced(ctx, s, replaced)
	}
	return nil
}

// cancelReplaced cancels the Stripe subscription an adopted one replaces,
// now and with nothing prorated: the adopted one bills the period. The key
// names the adoption, so Stripe's redelivery of the checkout's webhook
// sends the same request. Whatever Stripe answers, the adoption stands:
// the customer has paid for it. A replaced subscription left alive is
// logged, and its end, when Stripe reports it, is not taken for the
// adopted one's (see Webhooks).
func (p *Provider) cancelReplaced(ctx context.Context, s billing.Sync, replaced string) {
	cctx, cancel := p.call(ctx)
	defer cancel()
	k := keyer{sub: s.SubscriptionID, change: "adopt-" + s.Adopt}
	_, err := p.api.Subscriptions.Cancel(replaced, &stripe.SubscriptionCancelParams{Params: params(cctx, k.key("cancel-replaced"))})
	if err != nil {
		p.log.Warn("stripe subscription replaced by a checkout's could not be cancelled: cancel it in Stripe's dashboard",
			"subscription", s.SubscriptionID, "replaced", replaced, "adopted", s.Adopt, "err", classify(err))
	}
}

func (p *Provider) changeNow(ctx context.Context, sub *stripe.Subscription, items []billing.Item, k keyer) error {
	if sub.Schedule != nil {
		if err := p.release(ctx, sub.Schedule.ID, k); err != nil {
			return err
		}
	}
	changes := itemChanges(sub, items)
	if len(changes) == 0 && !sub.CancelAtPeriodEnd {
		return nil
	}
	sp := &stripe.SubscriptionParams{
		Items:             changes,
		ProrationBehavior: stripe.String(prorateNow),
		PaymentBehavior:   stripe.String(refuseUnpaid),
	}
	if sub.CancelAtPeriodEnd {
		// A change made after a period-end cancellation keeps the customer.
		sp.CancelAtPeriodEnd = stripe.Bool(false)
	}
	return p.updateSubscription(ctx, sub.ID, sp, k.key("update"))
}

func (p *Provider) scheduleChange(ctx context.Context, sub *stripe.Subscription, items []billing.Item, k keyer) error {
	sched := sub.Schedule
	if len(itemChanges(sub, items)) == 0 {
		// Ending the period on the items it has is no change: nothing stays
		// scheduled.
		if sched == nil {
			return nil
		}
		return p.release(ctx, sched.ID, k)
	}
	if sched != nil && len(sched.Phases) > 0 {
		last := sched.Phases[len(sched.Phases)-1]
		if last.StartDate == sub.CurrentPeriodEnd && samePhaseItems(last.Items, items) &&
			sched.EndBehavior == stripe.SubscriptionScheduleEndBehaviorRelease {
			return nil // already scheduled
		}
	}
	if sched == nil && sub.CancelAtPeriodEnd {
		// A scheduled change replaces a scheduled cancellation.
		err := p.updateSubscription(ctx, sub.ID, &stripe.SubscriptionParams{CancelAtPeriodEnd: stripe.Bool(false)}, k.key("resume"))
		if err != nil {
			return err
		}
	}
	if sched == nil {
		cctx, cancel := p.call(ctx)
		defer cancel()
		created, err := p.api.SubscriptionSchedules.New(&stripe.SubscriptionScheduleParams{
			Params:           params(cctx, k.key("schedule")),
			FromSubscription: stripe.String(sub.ID),
		})
		if err != nil {
			return classify(err)
		}
		sched = created
	}
	// The current phase keeps its start (Stripe refuses to move it) and the
	// subscription's items; the next starts at the period's end with the new
	// items for one period, after which the schedule lets go.
	start := sub.CurrentPeriodStart
	if sched.CurrentPhase != nil && sched.CurrentPhase.StartDate != 0 {
		start = sched.CurrentPhase.StartDate
	}
	current := &stripe.SubscriptionSchedulePhaseParams{
		StartDate: stripe.Int64(start),
		EndDate:   stripe.Int64(sub.CurrentPeriodEnd),
	}
	for _, si := range subItems(sub) {
		it := billing.Item{PriceID: si.Price.ID, Quantity: si.Quantity, Metered: metered(si)}
		current.Items = append(current.Items, &stripe.SubscriptionSchedulePhaseItemParams{
			Price: stripe.String(it.PriceID), Quantity: it.QuantityParam()})
	}
	next := &stripe.SubscriptionSchedulePhaseParams{Iterations: stripe.Int64(1)}
	for _, it := range items {
		next.Items = append(next.Items, &stripe.SubscriptionSchedulePhaseItemParams{
			Price: stripe.String(it.PriceID), Quantity: it.QuantityParam()})
	}
	cctx, cancel := p.call(ctx)
	defer cancel()
	_, err := p.api.SubscriptionSchedules.Update(sched.ID, &stripe.SubscriptionScheduleParams{
		Params:            params(cctx, k.key("phases")),
		EndBehavior:       stripe.String(string(stripe.SubscriptionScheduleEndBehaviorRelease)),
		ProrationBehavior: stripe.String(noProration),
		Phases:            []*stripe.SubscriptionSchedulePhaseParams{current, next},
	})
	return classify(err)
}

func (p *Provider) cancelNow(ctx context.Context, sub *stripe.Subscription, k keyer) error {
	cctx, cancel := p.call(ctx)
	defer cancel()
	// Prorated and invoiced now: the unused time becomes the customer's
	// credit, as Portico's immediate cancellation promises.
	_, err := p.api.Subscriptions.Cancel(sub.ID, &stripe.SubscriptionCancelParams{
		Params:     params(cctx, k.key("cancel")),
		Prorate:    stripe.Bool(true),
		InvoiceNow: stripe.Bool(true),
	})
	return classify(err)
}

func (p *Provider) cancelAtPeriodEnd(ctx context.Context, sub *stripe.Subscription, k keyer) error {
	if sub.Schedule != nil {
		// Stripe refuses cancellation changes on a subscription that a
		// schedule manages; the cancellation replaces the scheduled change.
		if err := p.release(ctx, sub.Schedule.ID, k); err != nil {
			return err
		}
	} else if sub.CancelAtPeriodEnd {
		return nil
	}
	return p.updateSubscription(ctx, sub.ID, &stripe.SubscriptionParams{
		CancelAtPeriodEnd: stripe.Bool(true),
		ProrationBehavior: stripe.String(noProration),
	}, k.key("cancel-at-period-end"))
}

func (p *Provider) unschedule(ctx context.Context, sub *stripe.Subscription, k keyer) error {
	if sub.Schedule != nil {
		if err := p.release(ctx, sub.Schedule.ID, k); err != nil {
			return err
		}
	}
	if !sub.CancelAtPeriodEnd {
		return nil
	}
	return p.updateSubscription(ctx, sub.ID, &stripe.SubscriptionParams{CancelAtPeriodEnd: stripe.Bool(false)}, k.key("resume"))
}

func (p *Provider) release(ctx context.Context, scheduleID string, k keyer) error {
	cctx, cancel := p.call(ctx)
	defer cancel()
	_, err := p.api.SubscriptionSchedules.Release(scheduleID, &stripe.SubscriptionScheduleReleaseParams{
		Params: params(cctx, k.key("release"))})
	return classify(err)
}

func (p *Provider) updateSubscription(ctx context.Context, id string, sp *stripe.SubscriptionParams, key string) error {
	cctx, cancel := p.call(ctx)
	defer cancel()
	sp.Params = params(cctx, key)
	_, err := p.api.Subscriptions.Update(id, sp)
	return classify(err)
}

// itemChanges turns the target items into Stripe's item updates: items kept
// by price change quantity only when it differs, items gone are deleted,
// new prices are added. None means the subscription already has the items.
func itemChanges(sub *stripe.Subscription, items []billing.Item) []*stripe.SubscriptionItemsParams {
	want := map[string]int64{}
	for _, it := range items {
		want[it.PriceID] = it.Quantity
	}
	var out []*stripe.SubscriptionItemsParams
	have := map[string]bool{}
	for _, si := range subItems(sub) {
		price := si.Price.ID
		have[price] = true
		q, keep := want[price]
		switch {
		case !keep:
			out = append(out, &stripe.SubscriptionItemsParams{ID: stripe.String(si.ID), Deleted: stripe.Bool(true)})
		case q != si.Quantity && !metered(si):
			// A committed quantity changed: the item's quantity changes,
			// prorated as the change is.
			out = append(out, &stripe.SubscriptionItemsParams{ID: stripe.String(si.ID), Quantity: stripe.Int64(q)})
		}
	}
	for _, it := range items {
		if !have[it.PriceID] {
			out = append(out, &stripe.SubscriptionItemsParams{Price: stripe.String(it.PriceID), Quantity: it.QuantityParam()})
		}
	}
	return out
}

// metered reports whether a subscription item bills reported usage, and so
// has no quantity of its own.
func metered(si *stripe.SubscriptionItem) bool {
	return si.Price != nil && si.Price.Recurring != nil && si.Price.Recurring.UsageType == stripe.PriceRecurringUsageTypeMetered
}

// subItems are the subscription's items that have a price.
func subItems(sub *stripe.Subscription) []*stripe.SubscriptionItem {
	if sub.Items == nil {
		return nil
	}
	var out []*stripe.SubscriptionItem
	for _, si := range sub.Items.Data {
		if si != nil && si.Price != nil {
			out = append(out, si)
		}
	}
	return out
}

func samePhaseItems(have []*stripe.SubscriptionSchedulePhaseItem, want []billing.Item) bool {
	if len(have) != len(want) {
		return false
	}
	q := map[string]int64{}
	for _, it := range want {
		q[it.PriceID] = it.Quantity
	}
	for _, h := range have {
		if h.Price == nil || q[h.Price.ID] != h.Quantity {
			return false
		}
	}
	return true
}

// keyer derives the idempotency key of each Stripe request a Sync makes:
// one per Portico subscription, change and step, so retries of a step reuse
// its key while different steps, changes and subscriptions never share one.
type keyer struct{ sub, change string }

func (k keyer) key(step string) string { return idempotencyKey(k.sub+"/"+k.change, step) }

// idempotencyKey joins a base and a step within Stripe's 255-character
// limit, hashing bases that are long or hold characters unfit for a header.
func idempotencyKey(base, step string) string {
	if len(base) > 180 || strings.IndexFunc(base, unfit) >= 0 {
		sum := sha256.Sum256([]byte(base))
		base = hex.EncodeToString(sum[:])
	}
	return "portico-" + base + "-" + step
}

func unfit(r rune) bool {
	return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:", r))
}
