package engine_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/billing"
	"github.com/portico-dev/portico/server/engine"
)

// billingRecorder stands in for the billing provider: it records each sync
// and can refuse them. With links, it also links each subscription it
// bills to a provider subscription in the change's transaction, as
// Stripe's provider does, so the stores' constraints see the link.
type billingRecorder struct {
	mu     sync.Mutex
	syncs  []billing.Sync
	refuse error
	links  billing.Store
}

func (b *billingRecorder) sync(ctx context.Context, c *portico.Customer, s billing.Sync) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.refuse != nil {
		return b.refuse
	}
	b.syncs = append(b.syncs, s)
	if b.links == nil {
		return nil
	}
	if s.Adopt != "" {
		return b.links.LinkSubscription(ctx, s.SubscriptionID, s.Adopt)
	}
	if len(s.Items) == 0 || s.Cancel || s.Unschedule {
		return nil
	}
	if _, err := b.links.ProviderSubscription(ctx, s.SubscriptionID); !errors.Is(err, portico.ErrNotFound) {
		return err
	}
	return b.links.LinkSubscription(ctx, s.SubscriptionID, "sub_provider_"+s.SubscriptionID)
}

// linkingRecorder is a billingRecorder that links what it bills in the
// env's store.
func linkingRecorder(e *env) *billingRecorder {
	links, ok := e.st.(billing.Store)
	if !ok {
		e.t.Fatalf("the store %T keeps no billing links", e.st)
	}
	return &billingRecorder{links: links}
}

// linkOf is the provider subscription linked to a subscription, "" for
// none.
func (e *env) linkOf(subID string) string {
	e.t.Helper()
	id, err := e.st.(billing.Store).ProviderSubscription(e.ctx, subID)
	if err != nil && !errors.Is(err, portico.ErrNotFound) {
		e.t.Fatal(err)
	}
	return id
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
			c.Plans[i].Prices[k].StripePriceID = "price_" + c.Plans[i].ID + "_" + string(c.Plans[i].Prices[k].BillingPeriod)
		}
	}
	for i := range c.Addons {
		for k := range c.Addons[i].Prices {
			c.Addons[i].Prices[k].StripePriceID = "price_" + c.Addons[i].ID + "_" + string(c.Addons[i].Prices[k].BillingPeriod)
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

	if _, err := e.eng.ChangeSubscription(e.ctx, "acme", portico.ChangeRequest{SubscriptionID: sub.ID, PlanID: pro}, engine.Provider); err != nil {
		t.Fatal(err)
	}
	if err := e.eng.EndSubscription(e.ctx, "acme", sub.ID); err != nil {
		t.Fatal(err)
	}
	if got := rec.take(); len(got) != 0 {
		t.Errorf("provider-reported changes were mirrored back: %+v", got)
	}
	after := e.appSub("acme")
	if after.ID != sub.ID || after.Plan.ID != free || after.Status != portico.StatusActive {
		t.Errorf("after the provider ended it: %+v, want moved to free", after)
	}
	if err := e.eng.EndSubscription(e.ctx, "acme", "sub_unknown"); portico.KindOf(err) != portico.KindNotFound {
		t.Errorf("ending an unknown subscription: %v", err)
	}
}

// A subscription that starts billed (a journey's trial, a resource's first
// paid plan) is written before the provider links its own subscription to
// it, in the same transaction: the stores refuse a link to a subscription
// that is not there yet.
func TestNewSubscriptionsAreWrittenBeforeTheProviderLinksThem(t *testing.T) {
	e := newEnvAt(t, t0, stripeCatalog(withJourney(func(j *portico.Journey) { j.Start = portico.StartTrial })))
	rec := linkingRecorder(e)
	e.eng.SyncBilling = rec.sync
	trial := e.createCustomer("acme", nil).Subscriptions[0]
	if trial.Status != portico.StatusTrialing || e.linkOf(trial.ID) != "sub_provider_"+trial.ID {
		t.Errorf("journey start: %s %s linked to %q, want trialing and linked", trial.Plan.ID, trial.Status, e.linkOf(trial.ID))
	}
	site := e.change("acme", portico.ChangeRequest{PlanID: sitePlus, ResourceID: "site-1"}).Subscription
	if e.linkOf(site.ID) != "sub_provider_"+site.ID {
		t.Errorf("a resource's first paid subscription is linked to %q", e.linkOf(site.ID))
	}
	if got := rec.take(); len(got) != 2 || !got[0].TrialEnd.Equal(*trial.TrialEndsAt) {
		t.Errorf("synced %+v, want the trial until its end, then the site", got)
	}
}

// Creating a customer works out what every product's journey start bills
// before any of it reaches the provider: a price the provider does not
// know refuses the customer with nothing sent, rather than after another
// product's subscription was started there.
func TestJourneyStartsCheckEveryPriceBeforeBillingAny(t *testing.T) {
	cat := stripeCatalog(withJourney(func(j *portico.Journey) { j.Start = portico.StartTrial }))
	for i := range cat.Plans {
		if cat.Plans[i].ID == sitePlus {
			cat.Plans[i].TrialDays = 7
			for k := range cat.Plans[i].Prices {
				cat.Plans[i].Prices[k].StripePriceID = ""
			}
		}
	}
	for i := range cat.Products {
		if cat.Products[i].ID == sites {
			cat.Products[i].SubscriptionType = portico.SubscriptionSingle
			cat.Products[i].Journey.Start, cat.Products[i].Journey.TrialPlanID = portico.StartTrial, sitePlus
		}
	}
	e := newEnvAt(t, t0, cat)
	rec := linkingRecorder(e)
	e.eng.SyncBilling = rec.sync
	_, err := e.eng.CreateCustomer(e.ctx, portico.CreateCustomerRequest{ID: "acme"})
	wantKind(t, err, portico.KindConflict)
	if got := rec.take(); len(got) != 0 {
		t.Errorf("sent %+v to the provider for a customer it cannot bill", got)
	}
	if _, err := e.eng.Customer(e.ctx, "acme"); portico.KindOf(err) != portico.KindNotFound {
		t.Errorf("the refused customer exists: %v", err)
	}
}

// A paid checkout applies its change and links the provider's
// subscription it created, in one transaction, without mirroring the
// change back. When the subscription paid for has ended meanwhile, the
// plan starts as a new subscription, written before its link.
func TestACompletedCheckoutAppliesItsChangeAndLinksItsSubscription(t *testing.T) {
	e := newEnvAt(t, t0, stripeCatalog(withJourney(func(j *portico.Journey) { j.Start = portico.StartTrial })))
	rec := linkingRecorder(e)
	e.eng.SyncBilling = rec.sync
	trial := e.createCustomer("acme", nil).Subscriptions[0]
	rec.take()

	paid, err := e.eng.CompleteCheckout(e.ctx, "acme", engine.PaidCheckout{
		Change:                 portico.ChangeRequest{SubscriptionID: trial.ID, PlanID: basic, BillingPeriod: portico.Annually},
		ProviderSubscriptionID: "sub_checkout_1"})
	if err != nil {
		t.Fatal(err)
	}
	if s := paid.Subscription; s.ID != trial.ID || s.Plan.ID != basic || s.Status != portico.StatusActive || e.linkOf(s.ID) != "sub_checkout_1" {
		t.Errorf("after the checkout: %s %s %s linked to %q, want %s on basic, active, linked to sub_checkout_1",
			s.ID, s.Plan.ID, s.Status, e.linkOf(s.ID), trial.ID)
	}
	if got := rec.take(); len(got) != 1 || got[0].Adopt != "sub_checkout_1" || len(got[0].Items) != 0 {
		t.Errorf("synced %+v, want only the checkout's subscription adopted", got)
	}

	e.cancel("acme", trial.ID)
	rec.take()
	again, err := e.eng.CompleteCheckout(e.ctx, "acme", engine.PaidCheckout{
		Change:                 portico.ChangeRequest{SubscriptionID: trial.ID, PlanID: pro},
		ProviderSubscriptionID: "sub_checkout_2"})
	if err != nil {
		t.Fatal(err)
	}
	if s := again.Subscription; s.ID == trial.ID || s.Plan.ID != pro || s.Status != portico.StatusActive || e.linkOf(s.ID) != "sub_checkout_2" {
		t.Errorf("a checkout for an ended subscription: %s %s %s linked to %q, want a new one on pro, active (the trial was had), linked to sub_checkout_2",
			s.ID, s.Plan.ID, s.Status, e.linkOf(s.ID))
	}
	if e.liveCount("acme", app, "") != 1 || e.linkOf(trial.ID) != "sub_checkout_1" {
		t.Errorf("%d live subscriptions, the ended one linked to %q", e.liveCount("acme", app, ""), e.linkOf(trial.ID))
	}

	_, err = e.eng.CompleteCheckout(e.ctx, "acme", engine.PaidCheckout{
		Change: portico.ChangeRequest{SubscriptionID: "sub_unknown", PlanID: pro}, ProviderSubscriptionID: "sub_checkout_3"})
	wantKind(t, err, portico.KindNotFound)
}

// A payment method added in the portal pays in the currency of the trial
// in the session's scope, else of the scope's other live subscription, a
// free plan's being the customer's (else its product's first); a scope
// with nothing live has nothing for it to pay.
func TestPaymentCurrencyIsTheScopesTrialsFirst(t *testing.T) {
	e := newEnvAt(t, t0, withEUR(testCatalog(defaultJourney())))
	e.createCustomer("acme", nil)
	e.change("acme", portico.ChangeRequest{PlanID: sitePlus, ResourceID: "blog"})
	e.advanceTo(t0.Add(24 * time.Hour)) // the site's subscription is listed first
	if trial := e.change("acme", req(pro)).Subscription; trial.Status != portico.StatusTrialing {
		t.Fatalf("choosing pro gave %s, want its trial", trial.Status)
	}
	e.createCustomer("ada", nil)
	e.change("ada", req(free))
	e.createIn("eve", "eur", nil)
	e.change("eve", req(free))

	for _, c := range []struct {
		scope portico.PortalScope
		want  string
	}{
		{portico.PortalScope{CustomerID: "acme"}, "usd"},
		{portico.PortalScope{CustomerID: "acme", ProductID: sites, ResourceID: "blog"}, "usd"},
		{portico.PortalScope{CustomerID: "ada"}, "usd"},
		{portico.PortalScope{CustomerID: "eve"}, "eur"},
	} {
		if got, err := e.eng.PaymentCurrency(e.ctx, c.scope); err != nil || got != c.want {
			t.Errorf("%+v: %q, %v; want %q", c.scope, got, err, c.want)
		}
	}
	_, err := e.eng.PaymentCurrency(e.ctx, portico.PortalScope{CustomerID: "acme", ProductID: sites, ResourceID: "shop"})
	wantKind(t, err, portico.KindConflict)
}
