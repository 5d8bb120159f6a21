package stripebilling_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/portico-dev/portico/server/billing"
	stripebilling "github.com/portico-dev/portico/server/billing/stripe"
)

// writeCounter is a billing.Store that counts the writes made to it.
type writeCounter struct {
	*billing.MemoryStore
	mu     sync.Mutex
	writes int
}

func (w *writeCounter) wrote() {
	w.mu.Lock()
	w.writes++
	w.mu.Unlock()
}

func (w *writeCounter) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.writes
}

func (w *writeCounter) LinkCustomer(ctx context.Context, c, p string) error {
	w.wrote()
	return w.MemoryStore.LinkCustomer(ctx, c, p)
}

func (w *writeCounter) LinkSubscription(ctx context.Context, s, p string) error {
	w.wrote()
	return w.MemoryStore.LinkSubscription(ctx, s, p)
}

func (w *writeCounter) RecordEvent(ctx context.Context, id string) (bool, error) {
	w.wrote()
	return w.MemoryStore.RecordEvent(ctx, id)
}

func (w *writeCounter) ForgetEvent(ctx context.Context, id string) error {
	w.wrote()
	return w.MemoryStore.ForgetEvent(ctx, id)
}

// Ways FuzzWebhook sends a payload (mode % 4).
const (
	sendAsIs     = iota // with the fuzzed Stripe-Signature header
	sendSigned          // signed with the endpoint's secret, now
	sendOtherKey        // signed with another secret
	sendTampered        // signed, then changed on the way
	sendWaysCount
)

// FuzzWebhook sends any payload to the webhook endpoint, unsigned, with any
// signature header, well signed, signed with another secret or changed
// after signing. It never answers a 5xx (nothing fails behind it); an
// event not signed with the endpoint's secret is refused with a 400 that
// writes nothing and hands nothing on; an event that is handed on names
// its event and a customer.
func FuzzWebhook(f *testing.F) {
	sub := subscriptionObj("sub_1", "past_due", subItem{"si_1", "price_pro", 2})
	sub["metadata"] = map[string]any{"portico_customer_id": "acme", "portico_subscription_id": "sub-1"}
	checkout := map[string]any{"id": "cs_1", "object": "checkout.session", "mode": "subscription", "customer": "cus_acme",
		"payment_status": "paid", "subscription": "sub_new", "client_reference_id": "acme",
		"metadata": map[string]any{"portico_subscription_id": "sub-9", "portico_plan_id": "pro"}}
	seeds := [][]byte{
		invoiceEvent("evt_1", "invoice.paid"),
		invoiceEvent("evt_2", "invoice.payment_failed"),
		event("evt_3", "customer.subscription.updated", apiVersion, sub),
		event("evt_4", "customer.subscription.deleted", apiVersion, sub),
		event("evt_5", "checkout.session.completed", apiVersion, checkout),
		event("evt_6", "payment_method.attached", apiVersion, map[string]any{"id": "pm_1", "object": "payment_method", "customer": "cus_acme"}),
		event("evt_7", "customer.updated", apiVersion, customerObj("cus_acme")),
		event("evt_8", "charge.refunded", apiVersion, map[string]any{"id": "ch_1", "object": "charge"}),
		event("evt_9", "invoice.paid", "2022-11-15", invoiceObj(1, "paid")),
		event("evt_10", "invoice.paid", apiVersion, "not an invoice"),
		[]byte(`{"id": "evt_11", "object": "event", "api_version": "2023-10-16", "type": "invoice.paid", "data": {"object": {"customer": 5}}}`),
		[]byte(`{"id": "evt_12", "type": "checkout.session.completed", "api_version": "2023-10-16", "data": null}`),
		[]byte(`{}`), []byte(`[]`), []byte(``), []byte(`{"id":`),
	}
	stale := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: seeds[0], Secret: testSecret,
		Timestamp: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}).Header
	for i, s := range seeds {
		f.Add(s, "", uint8(sendSigned))
		f.Add(s, stale, uint8(i%sendWaysCount))
	}
	f.Add(seeds[0], "t=1,v1=deadbeef", uint8(sendAsIs))
	f.Add(seeds[0], "v1=,t=", uint8(sendAsIs))

	store := &writeCounter{MemoryStore: billing.NewMemoryStore()}
	ctx := context.Background()
	if err := store.MemoryStore.LinkCustomer(ctx, "acme", "cus_acme"); err != nil {
		f.Fatal(err)
	}
	if err := store.MemoryStore.LinkSubscription(ctx, "sub-1", "sub_1"); err != nil {
		f.Fatal(err)
	}
	p, err := stripebilling.New(stripebilling.Options{SecretKey: testKey, WebhookSecret: testSecret,
		// Webhooks make no Stripe calls: nothing listens here.
		APIBase: "http://127.0.0.1:9", Store: store, MaxNetworkRetries: new(int64(0))})
	if err != nil {
		f.Fatal(err)
	}
	rec := &recorder{}
	h := p.Webhooks(rec.handle)

	f.Fuzz(func(t *testing.T, payload []byte, header string, mode uint8) {
		way := int(mode) % sendWaysCount
		body := payload
		sign := func(secret string) string {
			return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: time.Now()}).Header
		}
		switch way {
		case sendSigned:
			header = sign(testSecret)
		case sendOtherKey:
			header = sign("whsec_someone_else")
		case sendTampered:
			header = sign(testSecret)
			body = append(bytes.Clone(payload), ' ')
			if len(payload) > 0 {
				body = bytes.Clone(payload)
				body[len(body)/2] ^= 0x20
			}
		}
		r := httptest.NewRequest(http.MethodPost, "/webhooks/stripe", bytes.NewReader(body))
		if header != "" {
			r.Header.Set("Stripe-Signature", header)
		}
		writes, events := store.count(), len(rec.got())
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)

		if w.Code >= 500 {
			t.Fatalf("%s: answered %d %q", describeWay(way), w.Code, w.Body)
		}
		if w.Code >= 400 || way != sendSigned {
			if way != sendSigned && w.Code != http.StatusBadRequest {
				t.Fatalf("%s: answered %d %q, want 400", describeWay(way), w.Code, w.Body)
			}
			if n := store.count() - writes; n != 0 {
				t.Fatalf("%s: refused (%d %q) after %d writes to the store", describeWay(way), w.Code, w.Body, n)
			}
			if got := rec.got(); len(got) != events {
				t.Fatalf("%s: refused (%d %q) but handed on %+v", describeWay(way), w.Code, w.Body, got[events:])
			}
			return
		}
		var ev struct{ ID string }
		json.Unmarshal(payload, &ev)
		for _, got := range rec.got()[events:] {
			if got.ID != ev.ID || got.CustomerID == "" || got.Type == "" {
				t.Fatalf("event %q handed on as %+v", ev.ID, got)
			}
		}
	})
}

func describeWay(way int) string {
	return [...]string{"sent with the fuzzed signature header", "signed", "signed with another secret", "changed after signing"}[way]
}
