package engine_test

import (
	"context"
	"sync"
	"testing"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/billing"
	"github.com/portico-dev/portico/engine"
)

// billingRecorder stands in for the billing provider: it records each sync
// and can refuse them.
type billingRecorder struct {
	mu     sync.Mutex
	syncs  []billing.Sync
	refuse error
}

func (b *billingRecorder) sync(ctx context.Context, c *portico.Customer, s billing.Sync) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.refuse != nil {
		return b.refuse
	}
	b.syncs = append(b.syncs, s)
	return nil
}

func (b *billingRecorder) take() []billing.Sync {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := b.syncs
	b.syncs = nil
	return out
}

// stripeCatalog is the test catalog with a Stripe price behind every price.
func stripeCatalog(j portico.Journey) *portico.Catalog {
	c := testCatalog(j)
	for i := range c.Plans {
		for k := range c.Plans[i].Prices {
			c.Plans[i].Prices[k].StripePriceID = "price_" + c.Plans[i].ID + "_" + c.Plans[i].Prices[k].BillingPeriod
		}
	}
	for i := range c.Addons {
		for k := range c.Addons[i].Prices {
			c.Addons[i].Prices[k].StripePriceID = "price_" + c.Addons[i].ID + "_" + c.Addons[i].Prices[k].BillingPeriod
		}
	}
	return c
}

func TestChangesAreMirroredToTheBillingProvider(t *testing.T) {
	e := newEnvAt(t, t0, stripeCatalog(withJourney(func(j *portico.Journey) { j.Downgrade = portico.EndOfPeriod })))
	rec := &billingRecorder{}
	e.eng.SyncBilling = rec.sync
	e.createCustomer("acme", withCard())
	if got := rec.take(); len(got) != 0 {
		t.Fatalf("creating a customer on no plan synced %+v", got)
	}

	e.eng.MarkTrialed(e.ctx, "acme", app)
	sub := e.change("acme", reqA(basic, portico.AddonQuantity{ID: extraSeats, Quantity: 2})).Subscription
	got := rec.take()
	want := []billing.Item{{PriceID: "price_basic_monthly", Quantity: 1}, {PriceID: "price_" + extraSeats + "_monthly", Quantity: 2}}
	if len(got) != 1 || got[0].SubscriptionID != sub.ID || got[0].Timing != portico.Immediate || !sameItems(got[0].Items, want) || got[0].Key == "" {
		t.Fatalf("subscribing synced %+v, want %v now", got, want)
	}

	e.change("acme", req(free))
	if got := rec.take(); len(got) != 1 || got[0].Timing != portico.EndOfPeriod || len(got[0].Items) != 0 {
		t.Errorf("a scheduled downgrade to free synced %+v, want no items at the period's end", got)
	}
	if _, err := e.eng.CancelScheduled(e.ctx, "acme", sub.ID, portal("acme")); err != nil {
		t.Fatal(err)
	}
	if got := rec.take(); len(got) != 1 || !got[0].Unschedule {
		t.Errorf("cancelling the scheduled update synced %+v, want an unschedule", got)
	}
	e.cancel("acme", sub.ID)
	if got := rec.take(); len(got) != 1 || !got[0].Cancel || got[0].Timing != portico.Immediate {
		t.Errorf("cancelling synced %+v, want a cancellation now", got)
	}
}

// A change the billing provider refuses (a declined card, Stripe down)
// leaves Portico as it was: no plan change, no invoice, no credit.
func TestARefusedSyncChangesNothing(t *testing.T) {
	e := newEnvAt(t, t0, stripeCatalog(withJourney(nil)))
	rec := &billingRecorder{}
	e.eng.SyncBilling = rec.sync
	e.createCustomer("acme", withCard())
	e.eng.MarkTrialed(e.ctx, "acme", app)
	before := e.change("acme", req(basic)).Subscription
	invoices := len(e.invoices("acme"))

	rec.refuse = portico.Conflict("Your card was declined.")
	_, err := e.eng.ChangeSubscription(e.ctx, "acme", req(pro), portal("acme"))
	wantKind(t, err, portico.KindConflict)
	_, err = e.eng.Cancel(e.ctx, "acme", before.ID, portico.CancelRequest{}, portal("acme"))
	wantKind(t, err, portico.KindConflict)
	after := e.appSub("acme")
	if after.Plan.ID != basic || after.Status != portico.StatusActive || len(e.invoices("acme")) != invoices {
		t.Errorf("after refusals: %s %s, %d invoices; want basic active and %d invoices", after.Plan.ID, after.Status, len(e.invoices("acme")), invoices)
	}
}

// With a billing provider, a paid price without a provider price is
// refused by name rather than billed wrongly.
func TestAPriceWithoutAProviderPriceIsRefused(t *testing.T) {
	e := newEnv(t, withJourney(nil)) // no stripePriceId anywhere
	e.eng.SyncBilling = (&billingRecorder{}).sync
	e.createCustomer("acme", withCard())
	e.eng.MarkTrialed(e.ctx, "acme", app)
	_, err := e.eng.ChangeSubscription(e.ctx, "acme", req(basic), portal("acme"))
	wantKind(t, err, portico.KindConflict)
	if e.liveCount("acme", app, "") != 0 {
		t.Error("a subscription was started without its provider price")
	}
	// Free plans need none.
	if _, err := e.eng.ChangeSubscription(e.ctx, "acme", req(free), portal("acme")); err != nil {
		t.Errorf("a free plan: %v", err)
	}
}

func sameItems(a, b []billing.Item) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// What the billing provider reports is applied without being sent back,
// and a subscription it ended ends here under the product's journey.
func TestProviderReportedChangesAreNotMirroredBack(t *testing.T) {
	e := newEnvAt(t, t0, stripeCatalog(withJourney(func(j *portico.Journey) { j.AfterCancel = portico.AfterCancelDowngradeToFree })))
	rec := &billingRecorder{}
	e.eng.SyncBilling = rec.sync
	e.createCustomer("acme", withCard())
	e.eng.MarkTrialed(e.ctx, "acme", app)
	sub := e.change("acme", req(basic)).Subscription
	rec.take()

	ctx := engine.FromProvider(e.ctx)
	if _, err := e.eng.ChangeSubscription(ctx, "acme", portico.ChangeRequest{SubscriptionID: sub.ID, PlanID: pro}, engine.Backend); err != nil {
		t.Fatal(err)
	}
	if err := e.eng.EndSubscription(ctx, "acme", sub.ID); err != nil {
		t.Fatal(err)
	}
	if got := rec.take(); len(got) != 0 {
		t.Errorf("provider-reported changes were mirrored back: %+v", got)
	}
	after := e.appSub("acme")
	if after.ID != sub.ID || after.Plan.ID != free || after.Status != portico.StatusActive {
		t.Errorf("after the provider ended it: %+v, want moved to free", after)
	}
	if err := e.eng.EndSubscription(ctx, "acme", "sub_unknown"); portico.KindOf(err) != portico.KindNotFound {
		t.Errorf("ending an unknown subscription: %v", err)
	}
}
