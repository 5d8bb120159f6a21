package stripebilling

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/billing"
)

// buildStripeMock is how the pinned stripe-mock is built (tools/stripemock).
const buildStripeMock = "cd tools/stripemock && go build -o ../../bin/stripe-mock github.com/stripe/stripe-mock"

// startStripeMock runs stripe-mock (STRIPE_MOCK_BIN, else <repo>/bin/stripe-mock)
// on loopback ports chosen by the system, and returns its HTTP base URL.
// Without the binary the test is skipped on a developer's machine and fails
// in CI (CI=true), where the set-up must have built it.
func startStripeMock(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("STRIPE_MOCK_BIN")
	if bin == "" {
		bin = filepath.Join(repoRoot(t), "bin", "stripe-mock")
	}
	if _, err := os.Stat(bin); err != nil {
		if inCI, _ := strconv.ParseBool(os.Getenv("CI")); !inCI {
			t.Skipf("stripe-mock not found at %s (set STRIPE_MOCK_BIN, or build it: %s)", bin, buildStripeMock)
		}
		t.Fatalf("stripe-mock not found at %s; CI must build it first: %s", bin, buildStripeMock)
	}
	// Both listeners on loopback: stripe-mock otherwise also serves HTTPS on
	// all interfaces. -strict-version-check makes it refuse any
	// Stripe-Version but its spec's, proving stripe-go and the spec agree.
	cmd := exec.Command(bin, "-http-addr", "127.0.0.1:0", "-https-addr", "127.0.0.1:0", "-strict-version-check")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	addr := make(chan string, 1)
	var logMu sync.Mutex
	var log strings.Builder
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line := sc.Text()
			logMu.Lock()
			log.WriteString(line + "\n")
			logMu.Unlock()
			if a, found := strings.CutPrefix(line, "Listening for HTTP at address: "); found {
				addr <- strings.TrimSpace(a)
			}
		}
		io.Copy(io.Discard, out)
	}()
	select {
	case a := <-addr:
		return "http://" + a
	case <-time.After(15 * time.Second):
		logMu.Lock()
		defer logMu.Unlock()
		t.Fatalf("stripe-mock did not report its address within 15s; it said:\n%s", log.String())
	}
	return ""
}

func repoRoot(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

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
	base, rec := recordingProxy(t, startStripeMock(t))
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
	u, err := p.PortalURL(ctx, c, billing.FlowGeneral, back)
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

	for _, flow := range []string{billing.FlowPaymentMethodUpdate, billing.FlowSubscriptionCancel, billing.FlowSubscriptionUpdate} {
		u, err := p.PortalURL(ctx, c, flow, back)
		step("portal "+flow, err)
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
	base := startStripeMock(t)
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
