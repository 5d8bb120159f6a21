package stripebilling

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/billing"
	"github.com/portico-dev/portico/server/billing/stripemock"
)

// calls records each request that passed through to stripe-mock and its
// status, so the test can prove every call reached it and was accepted.
type calls struct {
	mu  sync.Mutex
	got []string // "METHOD /path STATUS"
}

func (c *calls) add(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.got = append(c.got, s)
}

func (c *calls) list() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.got)
}

// recordingProxy forwards to stripe-mock, recording each call.
func recordingProxy(t *testing.T, target string) (string, *calls) {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rec := &calls{}
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.ModifyResponse = func(res *http.Response) error {
		if res.StatusCode >= 400 {
			body, _ := io.ReadAll(res.Body)
			res.Body = io.NopCloser(strings.NewReader(string(body)))
			t.Logf("stripe-mock refused %s %s: %s", res.Request.Method, res.Request.URL, body)
		}
		rec.add(fmt.Sprintf("%s %s %d", res.Request.Method, res.Request.URL.Path, res.StatusCode))
		return nil
	}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	return srv.URL, rec
}

// TestAgainstStripeMock makes every Stripe call the provider makes against
// stripe-mock, which checks each request against Stripe's OpenAPI spec for
// 2023-10-16 and answers with fixtures.
func TestAgainstStripeMock(t *testing.T) {
	base, rec := recordingProxy(t, stripemock.Start(t))
	store := billing.NewMemoryStore()
	p, err := New(Options{SecretKey: "sk_test_123", WebhookSecret: "whsec_test", APIBase: base, Store: store,
		Timeout: 5 * time.Second, MaxNetworkRetries: new(int64(0)), CacheTTL: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c := billing.Customer{ID: "acme", Name: "Acme Inc", Email: "billing@acme.test"}
	step := func(name string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	const back = "https://app.acme.test/account"

	// Customer created on first need, then read with its payment method.
	u, err := p.PortalURL(ctx, c, portico.FlowGeneral, back)
	step("portal (general)", err)
	if u == "" {
		t.Error("no portal URL")
	}
	stripeCustomer, err := store.ProviderCustomer(ctx, "acme")
	step("customer link", err)
	view, err := p.Details(ctx, c)
	step("details", err)
	if !view.Connected || view.PaymentMethod == nil || view.PaymentMethod.Last4 == "" || view.PaymentMethod.Brand == "" {
		t.Errorf("details = %+v, payment method %+v", view, view.PaymentMethod)
	}
	cctx, cancel := p.call(ctx)
	_, err = p.firstCard(cctx, stripeCustomer)
	cancel()
	step("customer's cards", err)

	_, _, err = p.Invoices(ctx, c, 3, "")
	step("invoices", err)
	_, _, err = p.Invoices(ctx, c, 3, "in_1MtHbELkdIwHu7ixl4OzzPMv")
	step("invoices after one", err)

	for _, flow := range []portico.BillingFlow{portico.FlowPaymentMethodUpdate, portico.FlowSubscriptionCancel, portico.FlowSubscriptionUpdate} {
		u, err := p.PortalURL(ctx, c, flow, back)
		step("portal "+string(flow), err)
		if u == "" {
			t.Errorf("%s: no URL", flow)
		}
	}

	u, err = p.CheckoutURL(ctx, c, billing.Checkout{SubscriptionID: "sub-1",
		Items:      []billing.Item{{PriceID: "price_pro", Quantity: 1}, {PriceID: "price_seats", Quantity: 2}},
		SuccessURL: back + "?checkout={CHECKOUT_SESSION_ID}", CancelURL: back,
		TrialEnd: time.Now().Add(10 * 24 * time.Hour), Metadata: map[string]string{"plan": "pro"}, Key: "click-1"})
	step("checkout", err)
	if u == "" {
		t.Error("no checkout URL")
	}

	u, err = p.SetupURL(ctx, c, billing.Setup{Currency: "usd", SuccessURL: back + "?setup=done", CancelURL: back})
	step("setup checkout", err)
	if u == "" {
		t.Error("no setup URL")
	}
	// stripe-mock's SetupIntent has collected no payment method, so the
	// two steps of a setup's completion are driven one by one.
	_, err = p.setupPaymentMethod(ctx, "seti_1Mm8s8LkdIwHu7ix0OXBfTRG")
	step("setup intent", err)
	step("default payment method", p.setDefaultPaymentMethod(ctx, stripeCustomer, "pm_1MqLiJLkdIwHu7ixUEgbFdYF", "portico-evt_1-default-payment-method"))

	items := []billing.Item{{PriceID: "price_pro", Quantity: 1}, {PriceID: "price_seats", Quantity: 2}}
	step("create", p.SyncSubscription(ctx, c, billing.Sync{Key: "c1", SubscriptionID: "sub-1", Items: items,
		TrialEnd: time.Now().Add(14 * 24 * time.Hour)}))
	stripeSub, err := store.ProviderSubscription(ctx, "sub-1")
	step("subscription link", err)
	step("change now", p.SyncSubscription(ctx, c, billing.Sync{Key: "c2", SubscriptionID: "sub-1",
		Timing: portico.Immediate, Items: []billing.Item{{PriceID: "price_team", Quantity: 3}}}))
	step("change at period end", p.SyncSubscription(ctx, c, billing.Sync{Key: "c3", SubscriptionID: "sub-1",
		Timing: portico.EndOfPeriod, Items: []billing.Item{{PriceID: "price_basic", Quantity: 1}}}))
	step("cancel at period end", p.SyncSubscription(ctx, c, billing.Sync{Key: "c4", SubscriptionID: "sub-1",
		Cancel: true, Timing: portico.EndOfPeriod}))
	step("cancel now", p.SyncSubscription(ctx, c, billing.Sync{Key: "c5", SubscriptionID: "sub-1", Cancel: true}))
	// A checkout's subscription adopted in place of the linked one, which
	// is cancelled (a refusal would only be logged: the calls are checked
	// below).
	before := len(rec.list())
	step("adopt", p.SyncSubscription(ctx, c, billing.Sync{Key: "c5a", SubscriptionID: "sub-1", Adopt: "sub_from_checkout"}))
	if adopted := rec.list()[before:]; len(adopted) != 1 || !sameRoute("DELETE /v1/subscriptions/"+stripeSub, adopted[0]) {
		t.Errorf("adopting sent %v, want the replaced %s cancelled", adopted, stripeSub)
	}

	// stripe-mock is stateless: its subscriptions never carry a schedule or
	// a period-end cancellation, so the paths that undo those are driven
	// directly with such a subscription.
	scheduled := &stripe.Subscription{ID: stripeSub, CancelAtPeriodEnd: true,
		Schedule: &stripe.SubscriptionSchedule{ID: "sub_sched_1Mr3YdLkdIwHu7ixjop3qtff"}}
	k := keyer{sub: "sub-1", change: "c6"}
	step("unschedule", p.unschedule(ctx, scheduled, k))
	k.change = "c7"
	step("cancel at period end, scheduled", p.cancelAtPeriodEnd(ctx, scheduled, k))
	// Its subscriptions always come with a schedule when expanded, so the
	// paths that start from a plain subscription are driven directly too.
	plain := &stripe.Subscription{ID: stripeSub, Status: stripe.SubscriptionStatusActive,
		CurrentPeriodStart: time.Now().Add(-24 * time.Hour).Unix(), CurrentPeriodEnd: time.Now().Add(29 * 24 * time.Hour).Unix(),
		Items: &stripe.SubscriptionItemList{Data: []*stripe.SubscriptionItem{
			{ID: "si_OcIdUP6Q2fKn9j", Price: &stripe.Price{ID: "price_pro"}, Quantity: 1}}}}
	k.change = "c8"
	step("schedule a change", p.scheduleChange(ctx, plain, []billing.Item{{PriceID: "price_basic", Quantity: 1}}, k))
	k.change = "c9"
	step("change now, unscheduled", p.changeNow(ctx, plain, []billing.Item{{PriceID: "price_team", Quantity: 2}}, k))
	k.change = "c10"
	step("cancel at period end, unscheduled", p.cancelAtPeriodEnd(ctx, plain, k))

	got := rec.list()
	t.Logf("calls to stripe-mock:\n%s", strings.Join(got, "\n"))
	for _, g := range got {
		if !strings.HasSuffix(g, " 200") {
			t.Errorf("stripe-mock refused: %s", g)
		}
	}
	for _, want := range []string{
		"POST /v1/customers", "GET /v1/customers/*", "GET /v1/customers/*/payment_methods",
		"GET /v1/invoices", "GET /v1/subscriptions", "POST /v1/billing_portal/sessions", "POST /v1/checkout/sessions",
		"GET /v1/setup_intents/*", "POST /v1/customers/*",
		"POST /v1/subscriptions", "GET /v1/subscriptions/*", "POST /v1/subscriptions/*", "DELETE /v1/subscriptions/*",
		"POST /v1/subscription_schedules", "POST /v1/subscription_schedules/*", "POST /v1/subscription_schedules/*/release",
	} {
		if !slices.ContainsFunc(got, func(g string) bool { return sameRoute(want, g) }) {
			t.Errorf("no call to %s reached stripe-mock", want)
		}
	}
}

// sameRoute reports whether a recorded "METHOD /path STATUS" is a call to
// route, "METHOD /path/*" with * standing for one segment.
func sameRoute(route, call string) bool {
	rm, rp, _ := strings.Cut(route, " ")
	cm, rest, _ := strings.Cut(call, " ")
	cp, _, _ := strings.Cut(rest, " ")
	want, got := strings.Split(rp, "/"), strings.Split(cp, "/")
	if rm != cm || len(want) != len(got) {
		return false
	}
	for i := range want {
		if want[i] != "*" && want[i] != got[i] {
			return false
		}
	}
	return true
}

// TestStripeMockRefusalIsInvalid checks that a request stripe-mock finds
// invalid comes back as KindInvalid with Stripe's message.
func TestStripeMockRefusalIsInvalid(t *testing.T) {
	base := stripemock.Start(t)
	p, err := New(Options{SecretKey: "sk_test_123", APIBase: base, Store: billing.NewMemoryStore(),
		Timeout: 5 * time.Second, MaxNetworkRetries: new(int64(0))})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cctx, cancel := p.call(ctx)
	defer cancel()
	// "mode" must be one of Stripe's modes.
	_, err = p.api.CheckoutSessions.New(&stripe.CheckoutSessionParams{Params: params(cctx, ""),
		Mode: stripe.String("subscriptions-please"), SuccessURL: stripe.String("https://x.test")})
	err = classify(err)
	var pe *portico.Error
	if !errors.As(err, &pe) || pe.Kind != portico.KindInvalid || pe.Detail == "" {
		t.Fatalf("err = %v, want KindInvalid with Stripe's message", err)
	}
}
