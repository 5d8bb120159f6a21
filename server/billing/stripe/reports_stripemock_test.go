package stripebilling_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/client"

	"github.com/portico-dev/portico/server/billing"
	stripebilling "github.com/portico-dev/portico/server/billing/stripe"
	"github.com/portico-dev/portico/server/billing/stripemock"
)

// Against stripe-mock (Stripe's OpenAPI spec): a subscription with a
// metered item sends no quantity for it, usage is a usage record set on
// the item at the period's start, a top-up an invoice item, each keyed.
func TestReportsAgainstStripeMock(t *testing.T) {
	base, calls := stripemock.Recording(t, stripemock.Start(t))
	store := billing.NewMemoryStore()
	p, err := stripebilling.New(stripebilling.Options{SecretKey: testKey, APIBase: base, Store: store, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	must(t, p.SyncSubscription(ctx, acme, billing.Sync{Key: "chg-1", SubscriptionID: "sub-1",
		Items: []billing.Item{{PriceID: "price_seats", Quantity: 12}, {PriceID: "price_calls", Metered: true}}}))
	create := calls.To(http.MethodPost, "/v1/subscriptions")
	if len(create) != 1 || create[0].Status != 200 {
		t.Fatalf("creating the subscription: %+v", create)
	}
	f := create[0].Form
	if f.Get("items[0][price]") != "price_seats" || f.Get("items[0][quantity]") != "12" ||
		f.Get("items[1][price]") != "price_calls" || f.Has("items[1][quantity]") {
		t.Errorf("subscription items sent as %v, want 12 seats and a metered item without quantity", f)
	}

	// stripe-mock answers with its own fixture: report on its item's price.
	linked, err := store.ProviderSubscription(ctx, "sub-1")
	must(t, err)
	api := client.New(testKey, &stripe.Backends{API: stripe.GetBackendWithConfig(stripe.APIBackend, &stripe.BackendConfig{URL: stripe.String(base)})})
	sub, err := api.Subscriptions.Get(linked, nil)
	must(t, err)
	item := sub.Items.Data[0]
	start := time.Unix(sub.CurrentPeriodStart, 0)
	usage := billing.Report{Kind: billing.ReportUsage, CustomerID: "acme", SubscriptionID: "sub-1", FeatureID: "api-calls",
		PriceID: item.Price.ID, PeriodStart: start, PeriodEnd: start.AddDate(0, 1, 0), Quantity: 5}
	must(t, p.SendReport(ctx, usage))
	recs := calls.To(http.MethodPost, "/v1/subscription_items/"+item.ID+"/usage_records")
	if len(recs) != 1 || recs[0].Status != 200 || recs[0].Key == "" {
		t.Fatalf("usage records sent: %+v, want one accepted, keyed", recs)
	}
	if g := recs[0].Form; g.Get("action") != "set" || g.Get("quantity") != "5" || g.Get("timestamp") != itoa(start.Unix()) {
		t.Errorf("usage record sent as %v, want action=set quantity=5 timestamp=%d", g, start.Unix())
	}

	must(t, store.LinkCustomer(ctx, "acme", "cus_acme"))
	topUp := billing.Report{Kind: billing.ReportTopUp, CustomerID: "acme", SubscriptionID: "sub-1",
		PeriodStart: start, PeriodEnd: start.AddDate(0, 1, 0), Amount: 3550, Currency: "usd", Description: "Minimum spend top-up (monthly)"}
	must(t, p.SendReport(ctx, topUp))
	items := calls.To(http.MethodPost, "/v1/invoiceitems")
	if len(items) != 1 || items[0].Status != 200 || items[0].Key == "" {
		t.Fatalf("invoice items sent: %+v, want one accepted, keyed", items)
	}
	if g := items[0].Form; g.Get("amount") != "3550" || g.Get("currency") != "usd" || g.Get("customer") != "cus_acme" ||
		g.Get("metadata[portico_report]") != topUp.Slot() || (g.Get("invoice") == "") == (g.Get("subscription") == "") {
		t.Errorf("top-up sent as %v, want 3550 usd for cus_acme on the draft invoice or the subscription, tagged with its slot", g)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
