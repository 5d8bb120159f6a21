package sdk_test

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/sdk"
)

// The typed calls reach the backend API and come back as the domain's
// types.
func TestTypedCalls(t *testing.T) {
	p := startPortico(t)
	c := p.client()
	ctx := ctxT(t)

	cv, err := c.CreateCustomer(ctx, portico.CreateCustomerRequest{ID: "lin", Name: "Lin", Email: "lin@example.com"})
	if err != nil || cv.ID != "lin" || len(cv.Subscriptions) != 1 || cv.Subscriptions[0].Plan.ID != "free" {
		t.Fatalf("CreateCustomer = %+v, %v; want lin on the free plan", cv, err)
	}
	if _, err := c.SetBilling(ctx, "lin", portico.BillingProfile{Name: "Lin", PaymentMethod: &portico.PaymentMethod{Brand: "visa", Last4: "4242", ExpMonth: 12, ExpYear: 2040}}); err != nil {
		t.Fatal(err)
	}
	res, err := c.ChangeSubscription(ctx, "lin", portico.ChangeRequest{PlanID: "platform-team", Quantities: map[string]int64{"members": 60}})
	if err != nil || res.Subscription.Quantities["members"] != 60 {
		t.Fatalf("ChangeSubscription = %+v, %v; want 60 members", res, err)
	}
	// 50 × $10 + 10 × $8.
	inv, err := c.UpcomingInvoice(ctx, "lin", res.Subscription.ID)
	if err != nil || inv.Total != 58000 {
		t.Fatalf("UpcomingInvoice = %+v, %v; want $580.00", inv, err)
	}
	ents, err := c.Entitlements(ctx, "lin", "")
	if err != nil || !slices.ContainsFunc(ents, func(e portico.EntitlementView) bool { return e.FeatureID == "sso" && e.HasAccess }) {
		t.Fatalf("Entitlements = %+v, %v; want sso", ents, err)
	}
	ev, err := c.ReportUsage(ctx, portico.UsageRequest{CustomerID: "lin", FeatureID: "requests", Value: 250})
	if err != nil || ev.Usage != 250 {
		t.Fatalf("ReportUsage = %+v, %v; want usage 250", ev, err)
	}
	batch, err := c.ReportUsageBatch(ctx, []portico.UsageEvent{
		{CustomerID: "lin", FeatureID: "requests", Value: 10, IdempotencyKey: "k1"},
		{CustomerID: "lin", FeatureID: "requests", Value: 10, IdempotencyKey: "k1"},
		{CustomerID: "lin", FeatureID: "nope", Value: 1},
	})
	if err != nil || batch.Results[0].Status != portico.UsageAccepted || batch.Results[1].Status != portico.UsageDuplicate ||
		batch.Results[2].Status != portico.UsageRejected || batch.Results[2].Error.Field != "featureId" {
		t.Fatalf("ReportUsageBatch = %+v, %v", batch, err)
	}
	hist, err := c.UsageHistory(ctx, "lin", portico.UsageHistoryQuery{FeatureID: "requests", Bucket: portico.BucketMonth})
	if err != nil || len(hist.Points) == 0 || hist.Points[len(hist.Points)-1].Value != 260 {
		t.Fatalf("UsageHistory = %+v, %v; want 260 this month", hist, err)
	}
	cancel, err := c.CancelSubscription(ctx, res.Subscription.ID, portico.CancelRequest{})
	if err != nil || cancel.Subscription.CancelAt == nil {
		t.Fatalf("CancelSubscription = %+v, %v; want a cancellation at the period's end", cancel, err)
	}
	sub, err := c.CancelScheduled(ctx, res.Subscription.ID)
	if err != nil || sub.CancelAt != nil {
		t.Fatalf("CancelScheduled = %+v, %v; want the cancellation taken back", sub, err)
	}
	promo, err := c.GrantPromotion(ctx, "lin", portico.PromotionRequest{FeatureID: "audit-log"})
	if err != nil || promo.FeatureID != "audit-log" {
		t.Fatalf("GrantPromotion = %+v, %v", promo, err)
	}
	ps, err := c.CreatePortalSession(ctx, portico.PortalSessionRequest{CustomerID: "lin"})
	if err != nil || ps.Token == "" || ps.URL == "" {
		t.Fatalf("CreatePortalSession = %+v, %v", ps, err)
	}
	got, err := c.Customer(ctx, "lin")
	if err != nil || len(got.Promotions) != 1 {
		t.Fatalf("Customer = %+v, %v; want the promotion", got, err)
	}
	page, err := c.Events(ctx, 0, 1000, portico.EventPromotionGranted)
	if err != nil || len(page.Events) == 0 || page.Events[len(page.Events)-1].Seq == 0 || page.Last < page.Events[len(page.Events)-1].Seq {
		t.Fatalf("Events = %+v, %v; want promotion.granted with its seq", page, err)
	}
}

// The catalog reads and writes with its version: a write made on an older
// version is refused as stale and changes nothing.
func TestCatalogVersions(t *testing.T) {
	p := startPortico(t)
	c := p.client()
	ctx := ctxT(t)
	cat, v1, err := c.Catalog(ctx)
	if err != nil || v1 == "" || len(cat.Plans) == 0 {
		t.Fatalf("Catalog = %d plans, %q, %v", len(cat.Plans), v1, err)
	}
	cat.Plans[0].Description = "Changed by the SDK."
	saved, v2, err := c.PutCatalog(ctx, cat, v1)
	if err != nil || v2 == v1 || saved.Plans[0].Description != "Changed by the SDK." {
		t.Fatalf("PutCatalog = %q, %v", v2, err)
	}
	_, _, err = c.PutCatalog(ctx, cat, v1)
	var e *sdk.Error
	if !errors.As(err, &e) || e.Status != http.StatusPreconditionFailed || e.Type != "stale" {
		t.Fatalf("PutCatalog on an old version: %v, want a 412 stale", err)
	}
}

// A refusal comes back typed: status, problem type, and the field at
// fault with its message.
func TestErrorsAreTyped(t *testing.T) {
	p := startPortico(t)
	c := p.client()
	ctx := ctxT(t)
	_, err := c.ChangeSubscription(ctx, "dennis", portico.ChangeRequest{PlanID: "platform-team", Quantities: map[string]int64{"members": 501}})
	var e *sdk.Error
	if !errors.As(err, &e) || !errors.Is(err, sdk.ErrInvalid) || e.Status != http.StatusUnprocessableEntity {
		t.Fatalf("501 members: %v, want a 422", err)
	}
	if msg, ok := e.Field("quantities.members"); !ok || msg == "" {
		t.Fatalf("the error names %+v, want quantities.members", e.Fields)
	}
	if _, err := c.Customer(ctx, "nobody"); !errors.Is(err, sdk.ErrNotFound) {
		t.Fatalf("unknown customer: %v, want ErrNotFound", err)
	}
	bad := sdk.New(p.URL, "sk_wrong")
	if _, err := bad.Customer(ctx, "dennis"); !errors.As(err, &e) || e.Status != http.StatusUnauthorized || errors.Is(err, sdk.ErrUnavailable) {
		t.Fatalf("wrong key: %v, want a 401 that is not retried", err)
	}
}

// A write whose answer is lost is sent again with the same
// Idempotency-Key: the server applies it once and replays its answer.
// A 503 is retried the same way.
func TestRetriesReuseTheKey(t *testing.T) {
	p := startPortico(t)
	var mu sync.Mutex
	var keys []string
	p.setFront(func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		mu.Lock()
		keys = append(keys, r.Header.Get("Idempotency-Key"))
		n := len(keys)
		mu.Unlock()
		switch n {
		case 1: // applied, but the answer never arrives
			next.ServeHTTP(discard{}, r)
			hijackAndClose(w)
		case 2:
			http.Error(w, "busy", http.StatusServiceUnavailable)
		default:
			next.ServeHTTP(w, r)
		}
	})
	c := p.client()
	cv, err := c.CreateCustomer(ctxT(t), portico.CreateCustomerRequest{ID: "once"})
	if err != nil || cv.ID != "once" {
		t.Fatalf("CreateCustomer through a lost answer and a 503: %+v, %v", cv, err)
	}
	if len(keys) != 3 || keys[0] == "" || keys[0] != keys[1] || keys[1] != keys[2] {
		t.Fatalf("attempts sent keys %q, want one key three times", keys)
	}
	page, err := c.Events(ctxT(t), 0, 1000, portico.EventCustomerCreated)
	if err != nil {
		t.Fatal(err)
	}
	created := 0
	for _, e := range page.Events {
		if contains(e.Data, `"id":"once"`) {
			created++
		}
	}
	if created != 1 {
		t.Fatalf("customer.created for the retried customer: %d events, want 1", created)
	}
}

func contains(b []byte, s string) bool { return strings.Contains(string(b), s) }

// discard is a response writer nobody reads.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}

// hijackAndClose drops the connection without an answer.
func hijackAndClose(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		conn.Close()
	}
}
