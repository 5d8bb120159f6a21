package stripebilling_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/billing"
	stripebilling "github.com/portico-dev/portico/server/billing/stripe"
)

func TestSyncCreatesAndLinksSubscription(t *testing.T) {
	f := newFake(t)
	// The first attempt's answer is lost (Stripe may or may not have
	// created the subscription); the retry must send the same key.
	calls := 0
	f.on("POST /v1/subscriptions", func(sent) reply {
		calls++
		if calls == 1 {
			return stripeError(500, "api_error", "", "An unknown error occurred")
		}
		return ok(subscriptionObj("sub_new", "active"))
	})
	p, store := f.provider(t)
	must(t, store.LinkCustomer(ctx, "acme", "cus_acme"))
	trialEnd := time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)
	s := billing.Sync{Key: "chg-1", SubscriptionID: "sub-1", TrialEnd: trialEnd,
		Items: []billing.Item{{PriceID: "price_pro", Quantity: 1}, {PriceID: "price_seats", Quantity: 2}}}

	if err := p.SyncSubscription(ctx, acme, s); portico.KindOf(err) != portico.KindUnavailable {
		t.Fatalf("first attempt: err = %v, want KindUnavailable", err)
	}
	if _, err := store.ProviderSubscription(ctx, "sub-1"); err == nil {
		t.Fatal("a failed creation was linked")
	}
	must(t, p.SyncSubscription(ctx, acme, s))

	posts := f.requests("POST /v1/subscriptions")
	if len(posts) != 2 {
		t.Fatalf("%d creations, want 2", len(posts))
	}
	form(t, posts[1], map[string]string{
		"customer": "cus_acme", "payment_behavior": "error_if_incomplete",
		"items[0][price]": "price_pro", "items[0][quantity]": "1",
		"items[1][price]": "price_seats", "items[1][quantity]": "2",
		"metadata[portico_subscription_id]": "sub-1", "metadata[portico_customer_id]": "acme",
		"trial_end": strconv.FormatInt(trialEnd.Unix(), 10),
		"trial_settings[end_behavior][missing_payment_method]": "cancel",
	})
	if k0, k1 := posts[0].key(), posts[1].key(); k0 != "portico-sub-1/chg-1-create" || k1 != k0 {
		t.Errorf("Idempotency-Keys = %q, %q; want both portico-sub-1/chg-1-create", k0, k1)
	}
	if id, _ := store.ProviderSubscription(ctx, "sub-1"); id != "sub_new" {
		t.Errorf("link = %q, want sub_new", id)
	}
	if len(f.requests("POST /v1/customers")) != 0 {
		t.Error("created a Stripe customer although one was linked")
	}
}

func TestSyncCreatesStripeCustomerFirst(t *testing.T) {
	f := newFake(t)
	p, store := f.provider(t)
	must(t, p.SyncSubscription(ctx, acme, billing.Sync{Key: "k", SubscriptionID: "sub-1",
		Items: []billing.Item{{PriceID: "price_pro", Quantity: 1}}}))
	f.only("POST /v1/customers")
	form(t, f.only("POST /v1/subscriptions"), map[string]string{"customer": "cus_new"})
	if id, _ := store.ProviderCustomer(ctx, "acme"); id != "cus_new" {
		t.Errorf("customer link = %q", id)
	}
}

func TestSyncWithNothingAtStripeIsANoop(t *testing.T) {
	for name, s := range map[string]billing.Sync{
		"free plan":  {Key: "k", SubscriptionID: "sub-1"},
		"cancel":     {Key: "k", SubscriptionID: "sub-1", Cancel: true, Items: []billing.Item{{PriceID: "price_pro", Quantity: 1}}},
		"unschedule": {Key: "k", SubscriptionID: "sub-1", Unschedule: true},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			p, _ := f.provider(t)
			must(t, p.SyncSubscription(ctx, acme, s))
			if n := len(f.requests("")); n != 0 {
				t.Errorf("sent %s", f.summary())
			}
		})
	}
}

// A subscription a checkout created is linked in place of the one before,
// which is cancelled at Stripe (a trial's: left alive, it would end at the
// trial's end, or bill the customer twice); with none before, Stripe is not
// asked anything: the checkout made the subscription.
func TestSyncAdoptsACheckoutsSubscription(t *testing.T) {
	f := newFake(t)
	p, store := f.provider(t)
	must(t, p.SyncSubscription(ctx, acme, billing.Sync{Key: "k0", SubscriptionID: "sub-0", Adopt: "sub_first"}))
	if n := len(f.requests("")); n != 0 {
		t.Errorf("adopting with nothing linked before sent %s", f.summary())
	}

	must(t, store.LinkSubscription(ctx, "sub-1", "sub_trial"))
	must(t, p.SyncSubscription(ctx, acme, billing.Sync{Key: "k1", SubscriptionID: "sub-1", Adopt: "sub_checkout",
		Items: []billing.Item{{PriceID: "price_pro", Quantity: 1}}}))
	if id, _ := store.ProviderSubscription(ctx, "sub-1"); id != "sub_checkout" {
		t.Errorf("link = %q, want sub_checkout", id)
	}
	cancel := f.only("DELETE /v1/subscriptions/sub_trial")
	if k := cancel.key(); k != "portico-sub-1/adopt-sub_checkout-cancel-replaced" {
		t.Errorf("Idempotency-Key = %q", k)
	}
	absent(t, cancel, "prorate", "invoice_now")
	if n := len(f.requests("")); n != 1 {
		t.Errorf("sent %s, want the cancellation alone", f.summary())
	}

	// The checkout's webhook delivered again after its transaction rolled
	// back (the trial's link is back): the same request, with its key.
	must(t, store.LinkSubscription(ctx, "sub-1", "sub_trial"))
	must(t, p.SyncSubscription(ctx, acme, billing.Sync{Key: "k2", SubscriptionID: "sub-1", Adopt: "sub_checkout"}))
	if cancels := f.requests("DELETE /v1/subscriptions/{id}"); len(cancels) != 2 || cancels[1].key() != cancel.key() {
		t.Errorf("cancellations %+v, want the second with the first one's key", cancels)
	}
	// Adopting what is already linked cancels nothing.
	must(t, p.SyncSubscription(ctx, acme, billing.Sync{Key: "k3", SubscriptionID: "sub-1", Adopt: "sub_checkout"}))
	if n := len(f.requests("DELETE /v1/subscriptions/{id}")); n != 2 {
		t.Errorf("%d cancellations after adopting the linked subscription again, want still 2", n)
	}
}

// Stripe refusing to cancel the replaced subscription, or down, does not
// undo the adoption: the customer paid for the checkout's subscription.
func TestSyncAdoptionStandsWhenTheReplacedSubscriptionCannotBeCancelled(t *testing.T) {
	for name, r := range map[string]reply{
		"refused": stripeError(400, "invalid_request_error", "resource_missing", "No such subscription: 'sub_trial'"),
		"down":    stripeError(500, "api_error", "", "An unknown error occurred"),
	} {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			f.reply("DELETE /v1/subscriptions/{id}", r)
			p, store := f.provider(t)
			must(t, store.LinkSubscription(ctx, "sub-1", "sub_trial"))
			if err := p.SyncSubscription(ctx, acme, billing.Sync{Key: "k", SubscriptionID: "sub-1", Adopt: "sub_checkout"}); err != nil {
				t.Fatalf("adoption: %v, want it to stand", err)
			}
			f.only("DELETE /v1/subscriptions/sub_trial")
			if id, _ := store.ProviderSubscription(ctx, "sub-1"); id != "sub_checkout" {
				t.Errorf("link = %q, want sub_checkout", id)
			}
		})
	}
}

func TestSyncRefusesAChangeWithoutKey(t *testing.T) {
	f := newFake(t)
	p, _ := f.provider(t)
	err := p.SyncSubscription(ctx, acme, billing.Sync{SubscriptionID: "sub-1", Items: []billing.Item{{PriceID: "price_pro", Quantity: 1}}})
	if portico.KindOf(err) != portico.KindInvalid {
		t.Fatalf("err = %v, want KindInvalid", err)
	}
	if len(f.requests("")) != 0 {
		t.Errorf("sent %s", f.summary())
	}
}

// linked returns a provider whose sub-1 is Stripe's sub_1, which holds the
// items given.
func linked(t *testing.T, f *fakeStripe, sub map[string]any) (*stripebilling.Provider, string) {
	t.Helper()
	f.reply("GET /v1/subscriptions/{id}", ok(sub))
	p, store := f.provider(t)
	must(t, store.LinkCustomer(ctx, "acme", "cus_acme"))
	must(t, store.LinkSubscription(ctx, "sub-1", "sub_1"))
	return p, "sub_1"
}

func TestSyncImmediateChangeIsProratedAndRetriedWithTheSameKey(t *testing.T) {
	f := newFake(t)
	p, _ := linked(t, f, subscriptionObj("sub_1", "active",
		subItem{"si_plan", "price_basic", 1}, subItem{"si_seats", "price_seats", 2}, subItem{"si_sso", "price_sso", 1}))
	s := billing.Sync{Key: "chg-2", SubscriptionID: "sub-1", Timing: portico.Immediate,
		Items: []billing.Item{{PriceID: "price_pro", Quantity: 1}, {PriceID: "price_seats", Quantity: 5}, {PriceID: "price_sso", Quantity: 1}}}
	must(t, p.SyncSubscription(ctx, acme, s))

	get := f.only("GET /v1/subscriptions/{id}")
	if get.Path != "/v1/subscriptions/sub_1" {
		t.Errorf("read %s", get.Path)
	}
	form(t, get, map[string]string{"expand[0]": "schedule"})
	up := f.only("POST /v1/subscriptions/{id}")
	form(t, up, map[string]string{
		"proration_behavior": "always_invoice", "payment_behavior": "error_if_incomplete",
		"items[0][id]": "si_plan", "items[0][deleted]": "true",
		"items[1][id]": "si_seats", "items[1][quantity]": "5",
		"items[2][price]": "price_pro", "items[2][quantity]": "1",
	})
	absent(t, up, "items[3][price]", "items[3][id]", "cancel_at_period_end")
	if up.key() != "portico-sub-1/chg-2-update" {
		t.Errorf("Idempotency-Key = %q", up.key())
	}

	// A retry (say the answer timed out) while Stripe still shows the old
	// items sends the same request under the same key.
	must(t, p.SyncSubscription(ctx, acme, s))
	ups := f.requests("POST /v1/subscriptions/{id}")
	if len(ups) != 2 || ups[1].key() != ups[0].key() || ups[1].Form.Encode() != ups[0].Form.Encode() {
		t.Fatalf("retry sent %d updates, keys %q", len(ups), keys(ups))
	}

	// Once Stripe holds the new items, the same Sync changes nothing.
	f.reply("GET /v1/subscriptions/{id}", ok(subscriptionObj("sub_1", "active",
		subItem{"si_pro", "price_pro", 1}, subItem{"si_seats", "price_seats", 5}, subItem{"si_sso", "price_sso", 1})))
	must(t, p.SyncSubscription(ctx, acme, s))
	if n := len(f.requests("POST /v1/subscriptions/{id}")); n != 2 {
		t.Errorf("an applied change was sent again (%d updates)", n)
	}
}

func TestSyncImmediateChangeDropsPendingScheduleAndCancellation(t *testing.T) {
	f := newFake(t)
	sub := subscriptionObj("sub_1", "active", subItem{"si_plan", "price_pro", 1})
	sub["schedule"] = scheduleObj("sub_sched_9")
	sub["cancel_at_period_end"] = true
	p, _ := linked(t, f, sub)
	must(t, p.SyncSubscription(ctx, acme, billing.Sync{Key: "chg-3", SubscriptionID: "sub-1",
		Items: []billing.Item{{PriceID: "price_team", Quantity: 1}}}))
	rel := f.only("POST /v1/subscription_schedules/{id}/release")
	if rel.Path != "/v1/subscription_schedules/sub_sched_9/release" || rel.key() != "portico-sub-1/chg-3-release" {
		t.Errorf("release %s with key %q", rel.Path, rel.key())
	}
	form(t, f.only("POST /v1/subscriptions/{id}"), map[string]string{"cancel_at_period_end": "false",
		"items[0][id]": "si_plan", "items[0][deleted]": "true", "items[1][price]": "price_team"})
	if all := f.requests(""); all[1].Path != rel.Path {
		t.Errorf("order: %s; the schedule must be released before the update", f.summary())
	}
}

func TestSyncEndOfPeriodChangeIsScheduled(t *testing.T) {
	f := newFake(t)
	p, _ := linked(t, f, subscriptionObj("sub_1", "active", subItem{"si_plan", "price_pro", 1}, subItem{"si_seats", "price_seats", 2}))
	s := billing.Sync{Key: "chg-4", SubscriptionID: "sub-1", Timing: portico.EndOfPeriod,
		Items: []billing.Item{{PriceID: "price_basic", Quantity: 1}}}
	must(t, p.SyncSubscription(ctx, acme, s))

	create := f.only("POST /v1/subscription_schedules")
	form(t, create, map[string]string{"from_subscription": "sub_1"})
	if create.key() != "portico-sub-1/chg-4-schedule" {
		t.Errorf("schedule key = %q", create.key())
	}
	up := f.only("POST /v1/subscription_schedules/{id}")
	if up.Path != "/v1/subscription_schedules/sub_sched_1" {
		t.Errorf("updated %s", up.Path)
	}
	form(t, up, map[string]string{
		"end_behavior": "release", "proration_behavior": "none",
		"phases[0][start_date]": strconv.FormatInt(periodStart, 10), "phases[0][end_date]": strconv.FormatInt(periodEnd, 10),
		"phases[0][items][0][price]": "price_pro", "phases[0][items][0][quantity]": "1",
		"phases[0][items][1][price]": "price_seats", "phases[0][items][1][quantity]": "2",
		"phases[1][items][0][price]": "price_basic", "phases[1][items][0][quantity]": "1",
		"phases[1][iterations]": "1",
	})
	absent(t, up, "phases[1][items][1][price]", "phases[2][iterations]")
	if up.key() != "portico-sub-1/chg-4-phases" {
		t.Errorf("phases key = %q", up.key())
	}
	if n := len(f.requests("POST /v1/subscriptions/{id}")); n != 0 {
		t.Errorf("a scheduled change updated the subscription now (%d updates)", n)
	}

	// Already scheduled: nothing more is sent.
	sub := subscriptionObj("sub_1", "active", subItem{"si_plan", "price_pro", 1}, subItem{"si_seats", "price_seats", 2})
	sched := scheduleObj("sub_sched_1")
	sched["phases"] = append(sched["phases"].([]any), map[string]any{"start_date": periodEnd,
		"items": []any{map[string]any{"price": "price_basic", "quantity": 1}}})
	sub["schedule"] = sched
	f.reply("GET /v1/subscriptions/{id}", ok(sub))
	must(t, p.SyncSubscription(ctx, acme, s))
	if n := len(f.requests("POST /v1/subscription_schedules/{id}")); n != 1 {
		t.Errorf("a scheduled change was sent again (%d schedule updates)", n)
	}
}

func TestSyncCancelNowIsProrated(t *testing.T) {
	f := newFake(t)
	p, _ := linked(t, f, subscriptionObj("sub_1", "active", subItem{"si_plan", "price_pro", 1}))
	must(t, p.SyncSubscription(ctx, acme, billing.Sync{Key: "cxl-1", SubscriptionID: "sub-1", Cancel: true}))
	del := f.only("DELETE /v1/subscriptions/{id}")
	if del.Path != "/v1/subscriptions/sub_1" {
		t.Errorf("deleted %s", del.Path)
	}
	form(t, del, map[string]string{"prorate": "true", "invoice_now": "true"})
	if del.key() != "portico-sub-1/cxl-1-cancel" {
		t.Errorf("key = %q", del.key())
	}

	// Cancelled at Stripe already: a retry sends nothing more.
	f.reply("GET /v1/subscriptions/{id}", ok(subscriptionObj("sub_1", "canceled")))
	must(t, p.SyncSubscription(ctx, acme, billing.Sync{Key: "cxl-1", SubscriptionID: "sub-1", Cancel: true}))
	if n := len(f.requests("DELETE /v1/subscriptions/{id}")); n != 1 {
		t.Errorf("%d cancellations, want 1", n)
	}
}

func TestSyncToFreePlanEndsStripeSubscription(t *testing.T) {
	f := newFake(t)
	p, _ := linked(t, f, subscriptionObj("sub_1", "active", subItem{"si_plan", "price_pro", 1}))
	must(t, p.SyncSubscription(ctx, acme, billing.Sync{Key: "free-1", SubscriptionID: "sub-1", Timing: portico.EndOfPeriod}))
	form(t, f.only("POST /v1/subscriptions/{id}"), map[string]string{"cancel_at_period_end": "true", "proration_behavior": "none"})
	if len(f.requests("DELETE /v1/subscriptions/{id}")) != 0 {
		t.Error("a period-end move to free cancelled now")
	}
}

func TestSyncCancelAtPeriodEnd(t *testing.T) {
	f := newFake(t)
	sub := subscriptionObj("sub_1", "active", subItem{"si_plan", "price_pro", 1})
	sub["schedule"] = scheduleObj("sub_sched_9")
	p, _ := linked(t, f, sub)
	must(t, p.SyncSubscription(ctx, acme, billing.Sync{Key: "cxl-2", SubscriptionID: "sub-1", Cancel: true, Timing: portico.EndOfPeriod}))
	f.only("POST /v1/subscription_schedules/{id}/release")
	up := f.only("POST /v1/subscriptions/{id}")
	form(t, up, map[string]string{"cancel_at_period_end": "true", "proration_behavior": "none"})
	absent(t, up, "items[0][id]", "items[0][price]")
	if up.key() != "portico-sub-1/cxl-2-cancel-at-period-end" {
		t.Errorf("key = %q", up.key())
	}
	if len(f.requests("DELETE /v1/subscriptions/{id}")) != 0 {
		t.Error("a period-end cancellation cancelled now")
	}

	// Already cancelling at the period's end: nothing is sent.
	sub = subscriptionObj("sub_1", "active", subItem{"si_plan", "price_pro", 1})
	sub["cancel_at_period_end"] = true
	f.reply("GET /v1/subscriptions/{id}", ok(sub))
	must(t, p.SyncSubscription(ctx, acme, billing.Sync{Key: "cxl-2", SubscriptionID: "sub-1", Cancel: true, Timing: portico.EndOfPeriod}))
	if n := len(f.requests("POST /v1/subscriptions/{id}")); n != 1 {
		t.Errorf("%d updates, want 1", n)
	}
}

func TestSyncUnschedule(t *testing.T) {
	f := newFake(t)
	sub := subscriptionObj("sub_1", "active", subItem{"si_plan", "price_pro", 1})
	sub["schedule"] = scheduleObj("sub_sched_9")
	sub["cancel_at_period_end"] = true
	p, _ := linked(t, f, sub)
	must(t, p.SyncSubscription(ctx, acme, billing.Sync{Key: "un-1", SubscriptionID: "sub-1", Unschedule: true}))
	f.only("POST /v1/subscription_schedules/{id}/release")
	up := f.only("POST /v1/subscriptions/{id}")
	form(t, up, map[string]string{"cancel_at_period_end": "false"})
	if up.key() != "portico-sub-1/un-1-resume" {
		t.Errorf("key = %q", up.key())
	}
}

func TestSyncStartsAnewAfterStripeSubscriptionEnded(t *testing.T) {
	f := newFake(t)
	p, _ := linked(t, f, subscriptionObj("sub_1", "canceled", subItem{"si_plan", "price_pro", 1}))
	must(t, p.SyncSubscription(ctx, acme, billing.Sync{Key: "again", SubscriptionID: "sub-1",
		Items: []billing.Item{{PriceID: "price_pro", Quantity: 1}}}))
	f.only("POST /v1/subscriptions")
	if n := len(f.requests("POST /v1/subscriptions/{id}")); n != 0 {
		t.Errorf("updated an ended subscription")
	}
}

func TestSyncKeysDifferPerSubscriptionAndChange(t *testing.T) {
	f := newFake(t)
	p, store := f.provider(t)
	must(t, store.LinkCustomer(ctx, "acme", "cus_acme"))
	items := []billing.Item{{PriceID: "price_pro", Quantity: 1}}
	for _, s := range []billing.Sync{
		{Key: "same", SubscriptionID: "sub-1", Items: items},
		{Key: "same", SubscriptionID: "sub-2", Items: items},
		{Key: "other", SubscriptionID: "sub-3", Items: items},
	} {
		must(t, p.SyncSubscription(ctx, acme, s))
	}
	seen := map[string]bool{}
	for _, s := range f.requests("POST /v1/subscriptions") {
		if seen[s.key()] {
			t.Errorf("key %q reused across subscriptions", s.key())
		}
		seen[s.key()] = true
	}
	// Keys too long for Stripe, or unfit for a header, are hashed.
	for i, key := range []string{strings.Repeat("k", 300), "a key\nwith\x00odd bytes"} {
		sub := fmt.Sprintf("sub-odd-%d", i)
		if err := p.SyncSubscription(ctx, acme, billing.Sync{Key: key, SubscriptionID: sub, Items: items}); err != nil {
			t.Fatalf("key %q: %v", key, err)
		}
		reqs := f.requests("POST /v1/subscriptions")
		if k := reqs[len(reqs)-1].key(); !regexp.MustCompile(`^portico-[0-9a-f]{64}-create$`).MatchString(k) {
			t.Errorf("key %q became %q, want a hash", key, k)
		}
	}
}

func TestSyncDropsCachedBilling(t *testing.T) {
	f := newFake(t)
	p, _ := linked(t, f, subscriptionObj("sub_1", "active", subItem{"si_plan", "price_pro", 1}))
	for range 2 {
		if _, err := p.Details(ctx, acme); err != nil {
			t.Fatal(err)
		}
	}
	must(t, p.SyncSubscription(ctx, acme, billing.Sync{Key: "c", SubscriptionID: "sub-1", Cancel: true}))
	if _, err := p.Details(ctx, acme); err != nil {
		t.Fatal(err)
	}
	if n := len(f.requests("GET /v1/customers/{id}")); n != 2 {
		t.Errorf("%d customer reads, want 2 (cache dropped by the change)", n)
	}
}

func keys(reqs []sent) []string {
	var out []string
	for _, r := range reqs {
		out = append(out, r.key())
	}
	return out
}
