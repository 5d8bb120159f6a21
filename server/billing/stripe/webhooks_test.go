package stripebilling_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/portico-dev/portico/server/billing"
	stripebilling "github.com/portico-dev/portico/server/billing/stripe"
)

// event is a Stripe event body as Stripe sends it.
func event(id, typ, apiVersion string, object any) []byte {
	b, err := json.Marshal(map[string]any{"id": id, "object": "event", "api_version": apiVersion,
		"created": periodStart, "type": typ, "livemode": false, "pending_webhooks": 1,
		"data": map[string]any{"object": object}})
	if err != nil {
		panic(err)
	}
	return b
}

// signed returns a webhook request signed with secret at time at.
func signed(payload []byte, secret string, at time.Time) *http.Request {
	sp := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: at})
	r := httptest.NewRequest(http.MethodPost, "/webhooks/stripe", bytes.NewReader(payload))
	r.Header.Set("Stripe-Signature", sp.Header)
	return r
}

// recorder collects the events a handler receives.
type recorder struct {
	mu     sync.Mutex
	events []billing.Event
	fail   error
}

func (rec *recorder) handle(_ context.Context, ev billing.Event) error {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.events = append(rec.events, ev)
	return rec.fail
}

func (rec *recorder) got() []billing.Event {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]billing.Event(nil), rec.events...)
}

type hook struct {
	p     *stripebilling.Provider
	store *billing.MemoryStore
	rec   *recorder
	h     http.Handler
	f     *fakeStripe
}

func newHook(t *testing.T) *hook {
	f := newFake(t)
	p, store := f.provider(t)
	must(t, store.LinkCustomer(ctx, "acme", "cus_acme"))
	must(t, store.LinkSubscription(ctx, "sub-1", "sub_1"))
	rec := &recorder{}
	return &hook{p: p, store: store, rec: rec, h: p.Webhooks(rec.handle), f: f}
}

func (h *hook) send(r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.h.ServeHTTP(w, r)
	return w
}

const apiVersion = "2023-10-16"

func invoiceEvent(id, typ string) []byte {
	inv := invoiceObj(7, "open")
	inv["subscription"] = "sub_1"
	return event(id, typ, apiVersion, inv)
}

func TestWebhookGoodEvent(t *testing.T) {
	h := newHook(t)
	// Something is cached for the customer; the event must drop it.
	if _, err := h.p.Details(ctx, acme); err != nil {
		t.Fatal(err)
	}
	w := h.send(signed(invoiceEvent("evt_1", "invoice.payment_failed"), testSecret, time.Now()))
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	evs := h.rec.got()
	if len(evs) != 1 {
		t.Fatalf("%d events handled, want 1", len(evs))
	}
	ev := evs[0]
	if ev.ID != "evt_1" || ev.Type != billing.EventInvoicePaymentFailed || ev.CustomerID != "acme" ||
		ev.SubscriptionID != "sub-1" || ev.Status != "open" || !ev.Created.Equal(time.Unix(periodStart, 0)) {
		t.Errorf("event = %+v", ev)
	}
	if ev.Invoice == nil || ev.Invoice.ID != "in_7" || ev.Invoice.Number != "ACME-0007" || ev.Invoice.Total != 2900 {
		t.Errorf("invoice = %+v", ev.Invoice)
	}
	if _, err := h.p.Details(ctx, acme); err != nil {
		t.Fatal(err)
	}
	if n := len(h.f.requests("GET /v1/customers/{id}")); n != 2 {
		t.Errorf("%d customer reads, want 2: the event should drop the cache", n)
	}
}

func TestWebhookRefusesBadSignatures(t *testing.T) {
	payload := invoiceEvent("evt_bad", "invoice.paid")
	for name, r := range map[string]*http.Request{
		"other secret": signed(payload, "whsec_someone_else", time.Now()),
		"stale":        signed(payload, testSecret, time.Now().Add(-301*time.Second)),
		"no header":    httptest.NewRequest(http.MethodPost, "/webhooks/stripe", bytes.NewReader(payload)),
		"tampered": func() *http.Request {
			// Signed, then the body changed on the way.
			r := signed(payload, testSecret, time.Now())
			tampered := bytes.Replace(payload, []byte(`"total":2900`), []byte(`"total":1`), 1)
			if bytes.Equal(tampered, payload) {
				panic("the tampering changed nothing")
			}
			r.Body = io.NopCloser(bytes.NewReader(tampered))
			return r
		}(),
		"wrong api version": signed(event("evt_old", "invoice.paid", "2022-11-15", invoiceObj(1, "paid")), testSecret, time.Now()),
	} {
		t.Run(name, func(t *testing.T) {
			h := newHook(t)
			w := h.send(r)
			if w.Code != http.StatusBadRequest {
				t.Errorf("status %d, want 400: %s", w.Code, w.Body)
			}
			if name == "wrong api version" && !strings.Contains(w.Body.String(), "API version") {
				t.Errorf("body %q does not name the API version", w.Body)
			}
			if n := len(h.rec.got()); n != 0 {
				t.Errorf("%d events handled", n)
			}
			// A refused event is not recorded: a good delivery still runs.
			if isNew, _ := h.store.RecordEvent(ctx, "evt_bad"); !isNew {
				t.Error("a refused event was recorded")
			}
		})
	}
}

func TestWebhookWithinToleranceIsAccepted(t *testing.T) {
	h := newHook(t)
	if w := h.send(signed(invoiceEvent("evt_4m", "invoice.paid"), testSecret, time.Now().Add(-4*time.Minute))); w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
}

func TestWebhookReplayIsHandledOnce(t *testing.T) {
	h := newHook(t)
	payload := invoiceEvent("evt_dup", "invoice.paid")
	var wg sync.WaitGroup
	codes := make(chan int, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes <- h.send(signed(payload, testSecret, time.Now())).Code
		}()
	}
	wg.Wait()
	close(codes)
	for c := range codes {
		if c != http.StatusOK {
			t.Errorf("a delivery answered %d, want 200", c)
		}
	}
	if w := h.send(signed(payload, testSecret, time.Now())); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "already") {
		t.Errorf("replay: %d %q", w.Code, w.Body)
	}
	if n := len(h.rec.got()); n != 1 {
		t.Errorf("onEvent ran %d times, want 1", n)
	}
}

func TestWebhookHandlerFailureIsRetried(t *testing.T) {
	h := newHook(t)
	h.rec.fail = errors.New("database is locked")
	payload := invoiceEvent("evt_retry", "invoice.paid")
	if w := h.send(signed(payload, testSecret, time.Now())); w.Code != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", w.Code)
	}
	h.rec.fail = nil
	if w := h.send(signed(payload, testSecret, time.Now())); w.Code != http.StatusOK {
		t.Fatalf("redelivery: status %d, want 200", w.Code)
	}
	if n := len(h.rec.got()); n != 2 {
		t.Errorf("onEvent ran %d times, want 2 (failed, then redelivered)", n)
	}
}

func TestWebhookIgnoresWhatPorticoDoesNotActOn(t *testing.T) {
	h := newHook(t)
	stranger := invoiceObj(1, "paid")
	stranger["customer"] = "cus_not_portico"
	for name, payload := range map[string][]byte{
		"unknown type":     event("evt_u1", "charge.refunded", apiVersion, map[string]any{"id": "ch_1", "object": "charge"}),
		"unknown customer": event("evt_u2", "invoice.paid", apiVersion, stranger),
		"payment checkout": event("evt_u3", "checkout.session.completed", apiVersion,
			map[string]any{"id": "cs_1", "object": "checkout.session", "mode": "payment", "customer": "cus_acme"}),
	} {
		if w := h.send(signed(payload, testSecret, time.Now())); w.Code != http.StatusOK {
			t.Errorf("%s: status %d, want 200", name, w.Code)
		}
	}
	if n := len(h.rec.got()); n != 0 {
		t.Errorf("%d ignored events were handled", n)
	}
}

// A completed checkout hands its Stripe subscription over with the event,
// for the handler to link with the change it applies; nothing is linked
// before, as the Portico subscription may not exist yet.
func TestWebhookCheckoutCompletedNamesItsSubscription(t *testing.T) {
	h := newHook(t)
	payload := event("evt_co", "checkout.session.completed", apiVersion, map[string]any{
		"id": "cs_1", "object": "checkout.session", "mode": "subscription", "status": "complete",
		"payment_status": "paid", "customer": "cus_acme", "client_reference_id": "acme", "subscription": "sub_from_checkout",
		"metadata": map[string]any{"plan": "pro", "portico_customer_id": "acme", "portico_subscription_id": "sub-9"}})
	if w := h.send(signed(payload, testSecret, time.Now())); w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	if id, err := h.store.ProviderSubscription(ctx, "sub-9"); err == nil {
		t.Errorf("the webhook linked sub-9 to %q before its handler ran", id)
	}
	want := billing.Event{ID: "evt_co", Type: billing.EventCheckoutCompleted, CustomerID: "acme", SubscriptionID: "sub-9",
		ProviderSubscriptionID: "sub_from_checkout", Status: "paid", Metadata: map[string]string{"plan": "pro"},
		Created: time.Unix(periodStart, 0).UTC()}
	if evs := h.rec.got(); len(evs) != 1 || !reflect.DeepEqual(evs[0], want) {
		t.Errorf("events = %+v,\n want %+v", evs, want)
	}
}

// setupCompleted is a checkout.session.completed event of a setup checkout
// Portico started for acme.
func setupCompleted(id string) []byte {
	return event(id, "checkout.session.completed", apiVersion, map[string]any{
		"id": "cs_setup", "object": "checkout.session", "mode": "setup", "status": "complete",
		"payment_status": "no_payment_required", "customer": "cus_acme", "client_reference_id": "acme",
		"setup_intent": "seti_1", "metadata": map[string]any{"portico_customer_id": "acme"}})
}

// setupIntent answers the SetupIntent with the payment method it collected.
func (f *fakeStripe) setupIntent(paymentMethod any) {
	f.on("GET /v1/setup_intents/{id}", func(s sent) reply {
		return ok(map[string]any{"id": lastSegment(s.Path), "object": "setup_intent", "status": "succeeded",
			"customer": "cus_acme", "payment_method": paymentMethod})
	})
}

// A completed setup checkout makes the payment method it collected the
// Stripe customer's default (what a trial is billed with at its end), once
// per event, before the cached details are dropped and the event is
// handed on as a billing update.
func TestWebhookSetupCompletedMakesThePaymentMethodTheDefault(t *testing.T) {
	h := newHook(t)
	h.f.setupIntent("pm_new")
	h.f.on("POST /v1/customers/{id}", func(s sent) reply { return ok(customerObj(lastSegment(s.Path))) })
	if _, err := h.p.Details(ctx, acme); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if w := h.send(signed(setupCompleted("evt_setup"), testSecret, time.Now())); w.Code != http.StatusOK {
			t.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
	h.f.only("GET /v1/setup_intents/seti_1")
	update := h.f.only("POST /v1/customers/cus_acme")
	form(t, update, map[string]string{"invoice_settings[default_payment_method]": "pm_new"})
	if k := update.key(); k != "portico-evt_setup-default-payment-method" {
		t.Errorf("Idempotency-Key = %q", k)
	}
	want := billing.Event{ID: "evt_setup", Type: billing.EventBillingUpdated, CustomerID: "acme", Created: time.Unix(periodStart, 0).UTC()}
	if evs := h.rec.got(); len(evs) != 1 || !reflect.DeepEqual(evs[0], want) {
		t.Errorf("events = %+v, want %+v", evs, want)
	}
	if _, err := h.p.Details(ctx, acme); err != nil {
		t.Fatal(err)
	}
	if n := len(h.f.requests("GET /v1/customers/{id}")); n != 2 {
		t.Errorf("%d customer reads, want 2: the event should drop the cached details", n)
	}
}

// Stripe unavailable while the default is set: the event is answered 500
// and forgotten, so Stripe's next delivery sets it with the same key.
// Stripe refusing it: the event is acknowledged, as a redelivery would be
// refused again. A SetupIntent without a payment method sets nothing.
func TestWebhookSetupCompletedWhenStripeFailsOrHasNoPaymentMethod(t *testing.T) {
	h := newHook(t)
	h.f.setupIntent("pm_new")
	answers := []reply{stripeError(500, "api_error", "", "An unknown error occurred"), ok(customerObj("cus_acme")),
		stripeError(400, "invalid_request_error", "resource_missing", "No such PaymentMethod: 'pm_new'")}
	h.f.on("POST /v1/customers/{id}", func(sent) reply {
		r := answers[0]
		answers = answers[1:]
		return r
	})
	if w := h.send(signed(setupCompleted("evt_down"), testSecret, time.Now())); w.Code != http.StatusInternalServerError {
		t.Errorf("Stripe down: status %d, want 500", w.Code)
	}
	if w := h.send(signed(setupCompleted("evt_down"), testSecret, time.Now())); w.Code != http.StatusOK {
		t.Errorf("redelivered: status %d, want 200", w.Code)
	}
	if w := h.send(signed(setupCompleted("evt_refused"), testSecret, time.Now())); w.Code != http.StatusOK {
		t.Errorf("Stripe refusing: status %d, want 200", w.Code)
	}
	updates := h.f.requests("POST /v1/customers/cus_acme")
	if len(updates) != 3 || updates[0].key() != updates[1].key() {
		t.Errorf("%d updates, keys %v; want 3, the redelivery's with the first one's key", len(updates), updates)
	}
	if evs := h.rec.got(); len(evs) != 2 {
		t.Errorf("%d events handed on, want 2 (the redelivered one and the refused one)", len(evs))
	}

	h.f.setupIntent(nil)
	if w := h.send(signed(setupCompleted("evt_unfinished"), testSecret, time.Now())); w.Code != http.StatusOK {
		t.Errorf("no payment method: status %d, want 200", w.Code)
	}
	if n := len(h.f.requests("POST /v1/customers/cus_acme")); n != 3 {
		t.Errorf("%d updates after a SetupIntent without a payment method, want still 3", n)
	}
}

func TestWebhookSubscriptionEvents(t *testing.T) {
	h := newHook(t)
	updated := subscriptionObj("sub_1", "past_due", subItem{"si_plan", "price_pro", 1}, subItem{"si_seats", "price_seats", 4})
	updated["cancel_at_period_end"] = true
	// Deleted: a subscription Portico's store does not link (e.g. linked
	// before a restore), found by the metadata Portico wrote on it, which
	// names a Portico subscription linked to none.
	deleted := subscriptionObj("sub_unlinked", "canceled")
	deleted["customer"] = "cus_unlinked"
	deleted["metadata"] = map[string]any{"portico_subscription_id": "sub-restored", "portico_customer_id": "acme"}
	for _, payload := range [][]byte{
		event("evt_s1", "customer.subscription.updated", apiVersion, updated),
		event("evt_s2", "customer.subscription.deleted", apiVersion, deleted),
	} {
		if w := h.send(signed(payload, testSecret, time.Now())); w.Code != http.StatusOK {
			t.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
	evs := h.rec.got()
	if len(evs) != 2 {
		t.Fatalf("%d events", len(evs))
	}
	up := evs[0]
	if up.Type != billing.EventSubscriptionUpdated || up.CustomerID != "acme" || up.SubscriptionID != "sub-1" ||
		up.Status != "past_due" || !up.CancelAtPeriodEnd || !up.CurrentPeriodEnd.Equal(time.Unix(periodEnd, 0)) ||
		!reflect.DeepEqual(up.Items, []billing.Item{{PriceID: "price_pro", Quantity: 1}, {PriceID: "price_seats", Quantity: 4}}) {
		t.Errorf("updated = %+v", up)
	}
	if del := evs[1]; del.Type != billing.EventSubscriptionDeleted || del.CustomerID != "acme" || del.SubscriptionID != "sub-restored" || del.Status != "canceled" {
		t.Errorf("deleted = %+v", del)
	}
}

// A trial's Stripe subscription that a checkout's replaced (sub-1 is now
// linked to sub_1, the checkout's) ends at Stripe: that is not the end of
// sub-1, whose metadata it still carries, so the event is acknowledged and
// not handed on. The linked subscription's end still is.
func TestWebhookIgnoresTheEndOfAReplacedSubscription(t *testing.T) {
	h := newHook(t)
	replaced := subscriptionObj("sub_trial", "canceled")
	if w := h.send(signed(event("evt_r1", "customer.subscription.deleted", apiVersion, replaced), testSecret, time.Now())); w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	if evs := h.rec.got(); len(evs) != 0 {
		t.Fatalf("the replaced subscription's end was handed on: %+v", evs)
	}
	linked := subscriptionObj("sub_1", "canceled")
	if w := h.send(signed(event("evt_r2", "customer.subscription.deleted", apiVersion, linked), testSecret, time.Now())); w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	if evs := h.rec.got(); len(evs) != 1 || evs[0].Type != billing.EventSubscriptionDeleted || evs[0].SubscriptionID != "sub-1" {
		t.Errorf("the linked subscription's end: %+v, want it handed on for sub-1", evs)
	}
}

func TestWebhookBillingUpdates(t *testing.T) {
	h := newHook(t)
	pm := card()
	pm["customer"] = "cus_acme"
	for _, payload := range [][]byte{
		event("evt_b1", "payment_method.attached", apiVersion, pm),
		event("evt_b2", "customer.updated", apiVersion, customerObj("cus_acme")),
	} {
		if w := h.send(signed(payload, testSecret, time.Now())); w.Code != http.StatusOK {
			t.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
	evs := h.rec.got()
	if len(evs) != 2 || evs[0].Type != billing.EventBillingUpdated || evs[1].Type != billing.EventBillingUpdated ||
		evs[0].CustomerID != "acme" || evs[1].CustomerID != "acme" {
		t.Errorf("events = %+v", evs)
	}
}

func TestWebhookRequestLimits(t *testing.T) {
	h := newHook(t)
	if w := h.send(httptest.NewRequest(http.MethodGet, "/webhooks/stripe", nil)); w.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET: status %d, want 405", w.Code)
	}
	big := bytes.Repeat([]byte("x"), stripebilling.MaxWebhookBody+1)
	if w := h.send(signed(big, testSecret, time.Now())); w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("over 1 MiB: status %d, want 413", w.Code)
	}

	f := newFake(t)
	p, _ := f.provider(t, func(o *stripebilling.Options) { o.WebhookSecret = "" })
	w := httptest.NewRecorder()
	p.Webhooks(func(context.Context, billing.Event) error { return nil }).ServeHTTP(w,
		signed(invoiceEvent("evt_x", "invoice.paid"), testSecret, time.Now()))
	if w.Code != http.StatusServiceUnavailable {
		t.Errorf("without a secret: status %d, want 503", w.Code)
	}
}
