package server_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/assets"
	"github.com/portico-dev/portico/internal/testkit"
)

// badInput is a request that must be refused with a problem naming fields
// and change nothing.
type badInput struct {
	name   string
	method string
	path   string
	portal bool // sent with the customer's portal session, else the secret key
	body   any  // string: sent as is; func(*testing.T) any: built per test
	status int
	fields []string
}

// catalogWith is the demo catalog changed by edit.
func catalogWith(edit func(c *portico.Catalog)) func(t *testing.T) any {
	return func(t *testing.T) any {
		c := *testkit.DemoCatalog(t)
		edit(&c)
		return c
	}
}

// catalogJSONWith is the demo catalog as a JSON document, changed by edit:
// for what the typed catalog cannot spell, such as a field written as 0.
func catalogJSONWith(edit func(c map[string]any)) func(t *testing.T) any {
	return func(t *testing.T) any {
		b, err := json.Marshal(*testkit.DemoCatalog(t))
		if err != nil {
			t.Fatal(err)
		}
		var c map[string]any
		if err := json.Unmarshal(b, &c); err != nil {
			t.Fatal(err)
		}
		edit(c)
		return c
	}
}

func longSlug(n int) string { return strings.Repeat("a", n) }

func badInputs(blogSub string) []badInput {
	const (
		customers = "/api/v1/customers"
		subs      = "/api/v1/customers/ada/subscriptions"
		usage     = "/api/v1/usage"
		promos    = "/api/v1/customers/ada/promotions"
		catalog   = "/api/v1/catalog"
		sessions  = "/api/v1/portal-sessions"
		advance   = "/api/v1/test-clock/advance"
		billing   = "/api/v1/customers/ada/billing"
		pChange   = "/api/v1/portal/subscriptions"
		pPreview  = "/api/v1/portal/preview"
	)
	post, put := http.MethodPost, http.MethodPut
	bad := http.StatusUnprocessableEntity
	cancel := "/api/v1/subscriptions/" + blogSub + "/cancel"
	return []badInput{
		// Customers.
		{name: "customer id of the wrong type", method: post, path: customers, body: `{"id": 5}`, status: bad, fields: []string{"id"}},
		{name: "customer unknown field", method: post, path: customers, body: `{"id": "zed", "nickname": "z"}`, status: bad, fields: []string{"nickname"}},
		{name: "customer id not a slug", method: post, path: customers, body: `{"id": "Zed Smith"}`, status: bad, fields: []string{"id"}},
		{name: "customer id starting with a dash", method: post, path: customers, body: `{"id": "-zed"}`, status: bad, fields: []string{"id"}},
		{name: "customer id of 65 characters", method: post, path: customers, body: `{"id": "` + longSlug(65) + `"}`, status: bad, fields: []string{"id"}},
		{name: "customer without id", method: post, path: customers, body: `{"name": "Zed"}`, status: bad, fields: []string{"id"}},
		{name: "customer null body", method: post, path: customers, body: `null`, status: bad, fields: []string{"id"}},
		{name: "customer bad email", method: post, path: customers, body: `{"id": "zed", "email": "zed-at-example"}`, status: bad, fields: []string{"email"}},
		{name: "customer metadata of the wrong type", method: post, path: customers, body: `{"id": "zed", "metadata": {"tier": 5}}`, status: bad, fields: []string{"metadata.tier"}},
		{name: "customer card with a short last4", method: post, path: customers, status: bad, fields: []string{"billing.paymentMethod.last4"},
			body: `{"id": "zed", "billing": {"paymentMethod": {"brand": "visa", "last4": "42", "expMonth": 1, "expYear": 2030}}}`},
		{name: "customer empty body", method: post, path: customers, body: ``, status: bad, fields: []string{"(body)"}},
		{name: "customer array body", method: post, path: customers, body: `[{"id": "zed"}]`, status: bad, fields: []string{"(body)"}},
		{name: "customer two objects", method: post, path: customers, body: `{"id": "zed"} {"id": "zoe"}`, status: bad, fields: []string{"(body)"}},
		{name: "customer truncated JSON", method: post, path: customers, body: `{"id": "zed"`, status: bad, fields: []string{"(body)"}},
		{name: "customer invalid JSON", method: post, path: customers, body: `{id: zed}`, status: bad, fields: []string{"(body)"}},

		// Subscriptions.
		{name: "planId of the wrong type", method: post, path: subs, body: `{"planId": 3}`, status: bad, fields: []string{"planId"}},
		{name: "unknown planId", method: post, path: subs, body: `{"planId": "platinum"}`, status: bad, fields: []string{"planId"}},
		{name: "no planId", method: post, path: subs, body: `{}`, status: bad, fields: []string{"planId"}},
		{name: "unknown billing period", method: post, path: subs, body: `{"planId": "pro", "billingPeriod": "weekly"}`, status: bad, fields: []string{"billingPeriod"}},
		{name: "unknown add-on", method: post, path: subs, body: `{"planId": "basic", "addons": [{"id": "gold", "quantity": 1}]}`, status: bad, fields: []string{"addons[0].id"}},
		{name: "add-on not sold with the plan", method: post, path: subs, body: `{"planId": "basic", "addons": [{"id": "extra-calls", "quantity": 1}]}`, status: bad, fields: []string{"addons[0].id"}},
		{name: "add-on listed twice", method: post, path: subs, status: bad, fields: []string{"addons[1].id"},
			body: `{"planId": "pro", "addons": [{"id": "extra-seats", "quantity": 1}, {"id": "extra-seats", "quantity": 2}]}`},
		{name: "add-on quantity zero", method: post, path: subs, body: `{"planId": "basic", "addons": [{"id": "extra-seats", "quantity": 0}]}`, status: bad, fields: []string{"addons[0].quantity"}},
		{name: "add-on quantity negative", method: post, path: subs, body: `{"planId": "basic", "addons": [{"id": "extra-seats", "quantity": -3}]}`, status: bad, fields: []string{"addons[0].quantity"}},
		{name: "add-on quantity over its maximum", method: post, path: subs, body: `{"planId": "basic", "addons": [{"id": "extra-seats", "quantity": 21}]}`, status: bad, fields: []string{"addons[0].quantity"}},
		{name: "add-on quantity of the wrong type", method: post, path: subs, status: bad, fields: []string{"addons[1].quantity"},
			body: `{"planId": "pro", "addons": [{"id": "extra-seats", "quantity": 1}, {"id": "extra-calls", "quantity": "two"}]}`},
		{name: "add-on unknown field", method: post, path: subs, status: bad, fields: []string{"addons[0].colour"},
			body: `{"planId": "basic", "addons": [{"id": "extra-seats", "quantity": 1, "colour": "red"}]}`},
		{name: "negative custom price", method: post, path: subs, body: `{"planId": "enterprise", "price": {"amount": -5, "currency": "usd"}}`, status: bad, fields: []string{"price.amount"}},
		{name: "custom price in an upper-case currency", method: post, path: subs, body: `{"planId": "enterprise", "price": {"amount": 5, "currency": "USD"}}`, status: bad, fields: []string{"price.currency"}},
		{name: "resourceId not a slug", method: post, path: subs, body: `{"planId": "site-starter", "resourceId": "My Blog"}`, status: bad, fields: []string{"resourceId"}},
		{name: "subscriptionId not a slug", method: post, path: subs, body: `{"planId": "pro", "subscriptionId": "sub 1"}`, status: bad, fields: []string{"subscriptionId"}},
		{name: "subscription for an unknown customer", method: post, path: "/api/v1/customers/nobody/subscriptions", body: `{"planId": "pro"}`, status: http.StatusNotFound},

		// Usage.
		{name: "usage value as a string", method: post, path: usage, body: `{"customerId": "ada", "featureId": "seats", "value": "5"}`, status: bad, fields: []string{"value"}},
		{name: "usage value fractional", method: post, path: usage, body: `{"customerId": "ada", "featureId": "seats", "value": 1.5}`, status: bad, fields: []string{"value"}},
		{name: "usage value zero", method: post, path: usage, body: `{"customerId": "ada", "featureId": "seats", "value": 0}`, status: bad, fields: []string{"value"}},
		{name: "usage below zero", method: post, path: usage, body: `{"customerId": "ada", "featureId": "seats", "value": -3}`, status: bad, fields: []string{"value"}},
		{name: "metered usage negative", method: post, path: usage, body: `{"customerId": "ada", "featureId": "api-calls", "value": -1}`, status: bad, fields: []string{"value"}},
		{name: "usage of a boolean feature", method: post, path: usage, body: `{"customerId": "ada", "featureId": "audit-log", "value": 1}`, status: bad, fields: []string{"featureId"}},
		{name: "usage of an unknown feature", method: post, path: usage, body: `{"customerId": "ada", "featureId": "rockets", "value": 1}`, status: bad, fields: []string{"featureId"}},
		{name: "usage customerId not a slug", method: post, path: usage, body: `{"customerId": "Ada", "featureId": "seats", "value": 1}`, status: bad, fields: []string{"customerId"}},
		{name: "usage resourceId not a slug", method: post, path: usage, body: `{"customerId": "ada", "featureId": "pageviews", "value": 1, "resourceId": "a/b"}`, status: bad, fields: []string{"resourceId"}},
		{name: "usage without customer and feature", method: post, path: usage, body: `{"value": 1}`, status: bad, fields: []string{"customerId", "featureId"}},
		{name: "usage for an unknown customer", method: post, path: usage, body: `{"customerId": "nobody", "featureId": "seats", "value": 1}`, status: http.StatusNotFound},

		// Promotions.
		{name: "promotion of an unknown feature", method: post, path: promos, body: `{"featureId": "rockets"}`, status: bad, fields: []string{"featureId"}},
		{name: "promotion with a negative limit", method: post, path: promos, body: `{"featureId": "seats", "limit": -1}`, status: bad, fields: []string{"limit"}},
		{name: "promotion limit as a string", method: post, path: promos, body: `{"featureId": "seats", "limit": "ten"}`, status: bad, fields: []string{"limit"}},
		{name: "promotion limit on a boolean feature", method: post, path: promos, body: `{"featureId": "sso", "limit": 5}`, status: bad, fields: []string{"limit"}},
		{name: "promotion of a numeric feature without a limit", method: post, path: promos, body: `{"featureId": "seats"}`, status: bad, fields: []string{"limit"}},
		{name: "promotion with limit and unlimited", method: post, path: promos, body: `{"featureId": "seats", "limit": 5, "unlimited": true}`, status: bad, fields: []string{"unlimited"}},
		{name: "promotion expiring in the past", method: post, path: promos, body: `{"featureId": "sso", "expiresAt": "2025-06-01T00:00:00Z"}`, status: bad, fields: []string{"expiresAt"}},
		{name: "promotion expiry not a time", method: post, path: promos, body: `{"featureId": "sso", "expiresAt": "next week"}`, status: bad, fields: []string{"expiresAt"}},

		// Catalog.
		{name: "catalog plan with an unknown product", method: put, path: catalog, status: bad, fields: []string{"plans[8].productId"},
			body: catalogWith(func(c *portico.Catalog) {
				c.Plans = append(c.Plans, portico.Plan{ID: "team", ProductID: "rockets", Name: "Team", Pricing: portico.PricingFree})
			})},
		{name: "catalog negative price", method: put, path: catalog, status: bad, fields: []string{"plans[1].prices[0].amount"},
			body: catalogWith(func(c *portico.Catalog) { c.Plans[1].Prices[0].Amount = -900 })},
		{name: "catalog upper-case currency", method: put, path: catalog, status: bad, fields: []string{"plans[1].prices[0].currency"},
			body: catalogWith(func(c *portico.Catalog) { c.Plans[1].Prices[0].Currency = "USD" })},
		{name: "catalog add-on not sold in its plans' currency", method: put, path: catalog, status: bad, fields: []string{"plans[1].addonIds[0]", "plans[2].addonIds[0]"},
			body: catalogWith(func(c *portico.Catalog) { c.Addons[0].Prices[0].Currency = "gbp" })},
		{name: "catalog feature id not a slug", method: put, path: catalog, status: bad, fields: []string{"features[2].id"},
			body: catalogWith(func(c *portico.Catalog) { c.Features[2].ID = "API Calls" })},
		{name: "catalog metered feature without reset period", method: put, path: catalog, status: bad, fields: []string{"features[2].resetPeriod"},
			body: catalogWith(func(c *portico.Catalog) { c.Features[2].ResetPeriod = "" })},
		{name: "catalog unknown feature in an entitlement", method: put, path: catalog, status: bad, fields: []string{"plans[1].entitlements[0].featureId"},
			body: catalogWith(func(c *portico.Catalog) { c.Plans[1].Entitlements[0].FeatureID = "rockets" })},
		{name: "catalog unknown add-on on a plan", method: put, path: catalog, status: bad, fields: []string{"plans[1].addonIds[0]"},
			body: catalogWith(func(c *portico.Catalog) { c.Plans[1].AddonIDs = []string{"gold"} })},
		{name: "catalog unknown free plan in a journey", method: put, path: catalog, status: bad, fields: []string{"products[0].journey.freePlanId"},
			body: catalogWith(func(c *portico.Catalog) { c.Products[0].Journey.FreePlanID = "gratis" })},
		{name: "catalog two plans of a product with one name", method: put, path: catalog, status: bad, fields: []string{"plans[2].name"},
			body: catalogWith(func(c *portico.Catalog) { c.Plans[2].Name = " basic" })},
		{name: "catalog two products with one name", method: put, path: catalog, status: bad, fields: []string{"products[1].name"},
			body: catalogWith(func(c *portico.Catalog) { c.Products[1].Name = c.Products[0].Name })},
		{name: "catalog two add-ons of a product with one name", method: put, path: catalog, status: bad, fields: []string{"addons[1].name"},
			body: catalogWith(func(c *portico.Catalog) { c.Addons[1].Name = "EXTRA SEATS" })},
		{name: "catalog add-on that grants nothing", method: put, path: catalog, status: bad, fields: []string{"addons[0].entitlements"},
			body: catalogWith(func(c *portico.Catalog) { c.Addons[0].Entitlements = nil })},
		{name: "catalog add-on maxQuantity written as 0", method: put, path: catalog, status: bad, fields: []string{"addons[1].maxQuantity"},
			body: catalogJSONWith(func(c map[string]any) { c["addons"].([]any)[1].(map[string]any)["maxQuantity"] = 0 })},
		{name: "catalog duplicate plan id", method: put, path: catalog, status: bad, fields: []string{"plans[8].id"},
			body: catalogWith(func(c *portico.Catalog) { c.Plans = append(c.Plans, c.Plans[0]) })},
		{name: "catalog removes a product and its plans", method: put, path: catalog, status: bad, fields: []string{"products", "plans", "plans"},
			body: catalogWith(func(c *portico.Catalog) {
				c.Products = slices.DeleteFunc(c.Products, func(p portico.Product) bool { return p.ID == sites })
				c.Plans = slices.DeleteFunc(c.Plans, func(p portico.Plan) bool { return p.ProductID == sites })
			})},
		{name: "catalog moves a plan to another product", method: put, path: catalog, status: bad, fields: []string{"plans[1].productId"},
			body: catalogWith(func(c *portico.Catalog) { c.Plans[1].ProductID, c.Plans[1].AddonIDs = sites, nil })},
		{name: "catalog changes a feature's type", method: put, path: catalog, status: bad, fields: []string{"features[5].type"},
			body: catalogWith(func(c *portico.Catalog) { c.Features[5].Type = portico.FeatureNumeric })},
		{name: "catalog collection of the wrong type", method: put, path: catalog, body: `{"features": "all"}`, status: bad, fields: []string{"features"}},
		{name: "catalog unknown top-level field", method: put, path: catalog, body: `{"version": 2, "features": []}`, status: bad, fields: []string{"version"}},
		{name: "catalog price of the wrong type", method: put, path: catalog, status: bad, fields: []string{"plans[1].prices[0].amount"},
			body: strings.Replace(string(assets.DemoCatalog), `"amount": 900`, `"amount": "900"`, 1)},
		{name: "catalog empty body", method: put, path: catalog, body: ``, status: bad, fields: []string{"(body)"}},

		// Cancellations.
		{name: "alsoCancelProductIds not an array", method: post, path: cancel, body: `{"alsoCancelProductIds": "acme"}`, status: bad, fields: []string{"alsoCancelProductIds"}},
		{name: "alsoCancelProductIds not slugs", method: post, path: cancel, body: `{"alsoCancelProductIds": ["Acme"]}`, status: bad, fields: []string{"alsoCancelProductIds[0]"}},
		{name: "alsoCancelProductIds unknown product", method: post, path: cancel, body: `{"alsoCancelProductIds": ["acme", "rockets"]}`, status: bad, fields: []string{"alsoCancelProductIds[1]"}},
		{name: "cancel unknown field", method: post, path: cancel, body: `{"reason": "too expensive"}`, status: bad, fields: []string{"reason"}},

		// Billing profile.
		{name: "billing card last4 with a letter", method: put, path: billing, body: `{"paymentMethod": {"brand": "visa", "last4": "42a2", "expMonth": 1, "expYear": 2030}}`, status: bad, fields: []string{"paymentMethod.last4"}},
		{name: "billing card month 13", method: put, path: billing, body: `{"paymentMethod": {"brand": "visa", "last4": "4242", "expMonth": 13, "expYear": 2030}}`, status: bad, fields: []string{"paymentMethod.expMonth"}},
		{name: "billing country of three letters", method: put, path: billing, body: `{"address": {"country": "USA"}}`, status: bad, fields: []string{"address.country"}},

		// Portal sessions.
		{name: "session ttl not a duration", method: post, path: sessions, body: `{"customerId": "ada", "ttl": "forever"}`, status: bad, fields: []string{"ttl"}},
		{name: "session ttl under a second", method: post, path: sessions, body: `{"customerId": "ada", "ttl": "500ms"}`, status: bad, fields: []string{"ttl"}},
		{name: "session ttl negative", method: post, path: sessions, body: `{"customerId": "ada", "ttl": "-1h"}`, status: bad, fields: []string{"ttl"}},
		{name: "session returnUrl not a URL", method: post, path: sessions, body: `{"customerId": "ada", "returnUrl": "back please"}`, status: bad, fields: []string{"returnUrl"}},
		{name: "session returnUrl with a script scheme", method: post, path: sessions, body: `{"customerId": "ada", "returnUrl": "javascript:alert(1)"}`, status: bad, fields: []string{"returnUrl"}},
		{name: "usage past the largest number", method: post, path: usage, body: `{"customerId": "ada", "featureId": "seats", "value": 9223372036854775807}`, status: bad, fields: []string{"value"}},
		{name: "session without customer", method: post, path: sessions, body: `{}`, status: bad, fields: []string{"customerId"}},
		{name: "session productId not a slug", method: post, path: sessions, body: `{"customerId": "ada", "productId": "Acme"}`, status: bad, fields: []string{"productId"}},
		{name: "session unknown product", method: post, path: sessions, body: `{"customerId": "ada", "productId": "rockets"}`, status: bad, fields: []string{"productId"}},

		// Test clock.
		{name: "advance by a negative duration", method: post, path: advance, body: `{"by": "-1h"}`, status: bad, fields: []string{"by"}},
		{name: "advance by words", method: post, path: advance, body: `{"by": "soon"}`, status: bad, fields: []string{"by"}},
		{name: "advance by fractional days", method: post, path: advance, body: `{"by": "1.5d"}`, status: bad, fields: []string{"by"}},
		{name: "advance by days past the duration range", method: post, path: advance, body: `{"by": "300000d"}`, status: bad, fields: []string{"by"}},
		{name: "advance by nothing", method: post, path: advance, body: `{}`, status: bad, fields: []string{"by"}},
		{name: "advance to the past", method: post, path: advance, body: `{"to": "2025-12-31T00:00:00Z"}`, status: bad, fields: []string{"to"}},
		{name: "advance to and by", method: post, path: advance, body: `{"to": "2026-03-01T00:00:00Z", "by": "1h"}`, status: bad, fields: []string{"by"}},
		{name: "advance to a number", method: post, path: advance, body: `{"to": 1767225600}`, status: bad, fields: []string{"to"}},
		{name: "advance to past the duration range", method: post, path: advance, body: `{"to": "2400-01-01T00:00:00Z"}`, status: bad, fields: []string{"to"}},

		// Query parameters.
		{name: "entitlements resourceId not a slug", method: http.MethodGet, path: "/api/v1/customers/ada/entitlements?resourceId=My%20Blog", status: bad, fields: []string{"resourceId"}},
		{name: "paywall unknown billing period", method: http.MethodGet, path: "/api/v1/portal/paywall?productId=acme&billingPeriod=weekly", portal: true, status: bad, fields: []string{"billingPeriod"}},
		{name: "paywall productId not a slug", method: http.MethodGet, path: "/api/v1/portal/paywall?productId=Acme", portal: true, status: bad, fields: []string{"productId"}},

		// Portal bodies.
		{name: "portal change unknown plan", method: post, path: pChange, portal: true, body: `{"planId": "platinum"}`, status: bad, fields: []string{"planId"}},
		{name: "portal change unknown add-on", method: post, path: pChange, portal: true, body: `{"planId": "pro", "addons": [{"id": "gold", "quantity": 1}]}`, status: bad, fields: []string{"addons[0].id"}},
		{name: "portal change negative quantity", method: post, path: pChange, portal: true, body: `{"planId": "pro", "addons": [{"id": "extra-seats", "quantity": -1}]}`, status: bad, fields: []string{"addons[0].quantity"}},
		{name: "portal change setting a price", method: post, path: pChange, portal: true, body: `{"planId": "pro", "price": {"amount": 1, "currency": "usd"}}`, status: bad, fields: []string{"price"}},
		{name: "portal change unknown field", method: post, path: pChange, portal: true, body: `{"planId": "pro", "coupon": "FREE"}`, status: bad, fields: []string{"coupon"}},
		{name: "portal change empty body", method: post, path: pChange, portal: true, body: ``, status: bad, fields: []string{"(body)"}},
		{name: "portal preview wrong type", method: post, path: pPreview, portal: true, body: `{"planId": ["pro"]}`, status: bad, fields: []string{"planId"}},
		{name: "portal preview no plan", method: post, path: pPreview, portal: true, body: `{}`, status: bad, fields: []string{"planId"}},
		{name: "portal cancel unknown field", method: post, path: "/api/v1/portal/subscriptions/" + blogSub + "/cancel", portal: true, body: `{"reason": "x"}`, status: bad, fields: []string{"reason"}},
		{name: "portal billing flow unknown", method: post, path: "/api/v1/portal/billing-session", portal: true, body: `{"flow": "refund"}`, status: bad, fields: []string{"flow"}},
	}
}

func TestBadInputIsRefusedByField(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createCustomer("ada", true)
	h.change("ada", M{"planId": planBasic, "addons": []M{{"id": addonSeats, "quantity": 1}}})
	blog := h.change("ada", M{"planId": planStarter, "resourceId": "blog"}).Subscription.ID
	h.reportUsage("ada", featSeats, 2, "")
	h.reportUsage("ada", featCalls, 10, "")
	tok := h.session("ada", "", "")
	state := func() string {
		return h.snapshot("ada", "zed", "zoe", "nobody") + "clock " + h.clock.Now().Format(time.RFC3339Nano)
	}
	before := state()

	for _, tc := range badInputs(blog) {
		t.Run(tc.name, func(t *testing.T) {
			body := tc.body
			if f, ok := body.(func(*testing.T) any); ok {
				body = f(t)
			}
			token := secretKey
			if tc.portal {
				token = tok
			}
			r := h.do(tc.method, tc.path, token, body)
			expectProblem(t, r, tc.status, tc.fields...)
			if after := state(); after != before {
				t.Fatalf("state changed by a refused request:\nbefore:\n%s\nafter:\n%s", before, after)
			}
		})
	}
}

// problemFields returns the sorted fields a problem answer names.
func problemFields(r *response) ([]string, bool) {
	errs, ok := r.get("errors")
	list, isList := errs.([]any)
	if !ok || !isList {
		return nil, false
	}
	out := []string{}
	for _, e := range list {
		if m, ok := e.(map[string]any); ok {
			f, _ := m["field"].(string)
			out = append(out, f)
		}
	}
	slices.Sort(out)
	return out, true
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

func TestOversizeBodyIs413(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createCustomer("ada", true)
	tok := h.session("ada", "", "")
	before := h.snapshot("ada", "zed")
	huge := `{"id": "zed", "name": "` + strings.Repeat("a", 1<<20) + `"}`
	for _, tc := range []struct {
		method, path, token string
	}{
		{http.MethodPost, "/api/v1/customers", secretKey},
		{http.MethodPut, "/api/v1/catalog", secretKey},
		{http.MethodPost, "/api/v1/usage", secretKey},
		{http.MethodPost, "/api/v1/portal/subscriptions", tok},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			expectProblem(t, h.do(tc.method, tc.path, tc.token, huge), http.StatusRequestEntityTooLarge, "(body)")
			h.expectUnchanged(before, "ada", "zed")
		})
	}
	// Just under the limit the body is read and judged on its content.
	padded := `{"id": "zed", "name": "Zed"}` + strings.Repeat(" ", 1<<20-len(`{"id": "zed", "name": "Zed"}`))
	r := h.backend(http.MethodPost, "/api/v1/customers", padded)
	expectStatus(t, r, http.StatusCreated)
}

func TestUnknownIDsInPaths(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createCustomer("ada", true)
	tok := h.session("ada", "", "")
	before := h.snapshot("ada")
	for _, tc := range []struct {
		method, path, token string
		body                any
	}{
		{http.MethodGet, "/api/v1/customers/nobody", secretKey, nil},
		{http.MethodGet, "/api/v1/customers/Not%20A%20Slug", secretKey, nil},
		{http.MethodPut, "/api/v1/customers/nobody/billing", secretKey, M{"name": "x"}},
		{http.MethodPost, "/api/v1/customers/nobody/promotions", secretKey, M{"featureId": featSSO}},
		{http.MethodGet, "/api/v1/customers/nobody/entitlements", secretKey, nil},
		{http.MethodPost, "/api/v1/subscriptions/sub_missing/cancel", secretKey, nil},
		{http.MethodDelete, "/api/v1/subscriptions/sub_missing/scheduled-updates", secretKey, nil},
		{http.MethodPost, "/api/v1/plans/platinum/archive", secretKey, nil},
		{http.MethodPost, "/api/v1/portal/subscriptions/sub_missing/cancel", tok, nil},
		{http.MethodDelete, "/api/v1/portal/subscriptions/sub_missing/scheduled-updates", tok, nil},
		{http.MethodPost, "/api/v1/portal/preview", tok, M{"subscriptionId": "sub_missing", "planId": planPro}},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			expectProblem(t, h.do(tc.method, tc.path, tc.token, tc.body), http.StatusNotFound)
			h.expectUnchanged(before, "ada")
		})
	}
}
