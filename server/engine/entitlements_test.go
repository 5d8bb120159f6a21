package engine_test

import (
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/internal/testkit"
)

// grantWant is an expected entitlement: its limit, whether it is unlimited,
// whether the customer has access and where it comes from.
type grantWant struct {
	limit     int64
	unlimited bool
	access    bool
	source    string
}

func wantGrants(t *testing.T, got map[string]portico.EntitlementView, want map[string]grantWant) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("entitlements = %+v, want %d features", got, len(want))
	}
	for f, w := range want {
		g, ok := got[f]
		if !ok {
			t.Errorf("%s missing", f)
			continue
		}
		if g.Limit != w.limit || g.Unlimited != w.unlimited || g.HasAccess != w.access || g.Source != w.source {
			t.Errorf("%s = limit %d unlimited %v access %v source %s; want %+v", f, g.Limit, g.Unlimited, g.HasAccess, g.Source, w)
		}
	}
}

func TestEntitlementsAddUpPlanAndAddons(t *testing.T) {
	cases := []struct {
		name string
		req  portico.ChangeRequest
		want map[string]grantWant
	}{
		{"free plan", req(free), map[string]grantWant{
			seats: {2, false, true, "plan"}, apiCalls: {1000, false, true, "plan"},
			exports: {5, false, true, "plan"}, storage: {1, false, true, "plan"},
		}},
		{"basic with one extra-seats", reqA(basic, portico.AddonQuantity{ID: extraSeats, Quantity: 1}), map[string]grantWant{
			seats: {10, false, true, "plan"}, apiCalls: {10000, false, true, "plan"},
			exports: {20, false, true, "plan"}, storage: {50, false, true, "plan"},
		}},
		{"pro with add-ons times quantity", reqA(pro, portico.AddonQuantity{ID: extraSeats, Quantity: 3}, portico.AddonQuantity{ID: extraCalls, Quantity: 2}), map[string]grantWant{
			seats: {25, false, true, "plan"}, apiCalls: {200000, false, true, "plan"},
			exports: {100, false, true, "plan"}, sso: {0, false, true, "plan"}, storage: {0, true, true, "plan"},
		}},
		{"pro with the most extra-seats", reqA(pro, portico.AddonQuantity{ID: extraSeats, Quantity: 20}), map[string]grantWant{
			seats: {110, false, true, "plan"}, apiCalls: {100000, false, true, "plan"},
			exports: {100, false, true, "plan"}, sso: {0, false, true, "plan"}, storage: {0, true, true, "plan"},
		}},
		{"custom plan", portico.ChangeRequest{PlanID: enterprise, Price: testkit.Ptr(testkit.USD(40000))}, map[string]grantWant{
			seats: {100, false, true, "plan"}, apiCalls: {0, true, true, "plan"},
			exports: {0, true, true, "plan"}, sso: {0, false, true, "plan"}, storage: {0, true, true, "plan"},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, withJourney(nil))
			e.createCustomer("acme", nil)
			e.change("acme", tc.req)
			got := e.ents("acme", "")
			wantGrants(t, got, tc.want)
			if v := got[sso]; v.Type == portico.FeatureBoolean && (v.FeatureName != "Single sign-on" || v.ResetAt != nil) {
				t.Errorf("sso = %+v", v)
			}
			if v := got[apiCalls]; v.Type != portico.FeatureMetered || v.Unit != "call" || !timeEq(v.ResetAt, testkit.Ptr(feb1)) {
				t.Errorf("api-calls = %+v, want metered calls resetting Feb 1", v)
			}
			if v := got[seats]; v.ResetAt != nil {
				t.Errorf("numeric seats has resetAt %v", v.ResetAt)
			}
		})
	}

	t.Run("add-ons are checked", func(t *testing.T) {
		e := newEnv(t, withJourney(nil))
		e.createCustomer("acme", nil)
		bad := []struct {
			req   portico.ChangeRequest
			field string
		}{
			{reqA(pro, portico.AddonQuantity{ID: extraSeats, Quantity: 21}), "addons[0].quantity"},
			{reqA(pro, portico.AddonQuantity{ID: extraSeats, Quantity: 0}), "addons[0].quantity"},
			{reqA(pro, portico.AddonQuantity{ID: "nope", Quantity: 1}), "addons[0].id"},
			{reqA(free, portico.AddonQuantity{ID: extraSeats, Quantity: 1}), "addons[0].id"},
			{reqA(pro, portico.AddonQuantity{ID: extraCalls, Quantity: 1}, portico.AddonQuantity{ID: extraCalls, Quantity: 1}), "addons[1].id"},
		}
		for _, b := range bad {
			_, err := e.eng.ChangeSubscription(e.ctx, "acme", b.req, portal("acme"))
			wantField(t, err, b.field)
		}
		if subs := e.rawSubs("acme"); len(subs) != 0 {
			t.Errorf("refused changes stored %+v", subs)
		}
	})
}

func TestPromotions(t *testing.T) {
	grant := func(e *env, req portico.PromotionRequest) {
		e.t.Helper()
		if _, err := e.eng.GrantPromotion(e.ctx, "acme", req); err != nil {
			e.t.Fatalf("grant %+v: %v", req, err)
		}
	}
	cases := []struct {
		name  string
		plan  *portico.ChangeRequest
		promo []portico.PromotionRequest
		want  map[string]grantWant
	}{
		{"raises a limit", testkit.Ptr(req(basic)), []portico.PromotionRequest{{FeatureID: seats, Limit: testkit.Ptr[int64](8)}},
			map[string]grantWant{seats: {8, false, true, "promotion"}}},
		{"a lower limit changes nothing", testkit.Ptr(req(basic)), []portico.PromotionRequest{{FeatureID: seats, Limit: testkit.Ptr[int64](3)}},
			map[string]grantWant{seats: {5, false, true, "plan"}}},
		{"the highest promotion wins", testkit.Ptr(req(basic)), []portico.PromotionRequest{
			{FeatureID: seats, Limit: testkit.Ptr[int64](8)}, {FeatureID: seats, Limit: testkit.Ptr[int64](12)}, {FeatureID: seats, Limit: testkit.Ptr[int64](9)}},
			map[string]grantWant{seats: {12, false, true, "promotion"}}},
		{"grants a boolean feature", testkit.Ptr(req(basic)), []portico.PromotionRequest{{FeatureID: sso}},
			map[string]grantWant{sso: {0, false, true, "promotion"}}},
		{"grants unlimited", testkit.Ptr(req(basic)), []portico.PromotionRequest{{FeatureID: storage, Unlimited: true}},
			map[string]grantWant{storage: {0, true, true, "promotion"}}},
		{"unlimited on the plan wins", testkit.Ptr(req(pro)), []portico.PromotionRequest{{FeatureID: storage, Limit: testkit.Ptr[int64](10)}},
			map[string]grantWant{storage: {0, true, true, "plan"}}},
		{"raises a metered limit", testkit.Ptr(req(basic)), []portico.PromotionRequest{{FeatureID: apiCalls, Limit: testkit.Ptr[int64](50000)}},
			map[string]grantWant{apiCalls: {50000, false, true, "promotion"}}},
		{"without any subscription", nil, []portico.PromotionRequest{{FeatureID: seats, Limit: testkit.Ptr[int64](3)}, {FeatureID: sso}},
			map[string]grantWant{seats: {3, false, true, "promotion"}, sso: {0, false, true, "promotion"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, withJourney(nil))
			e.createCustomer("acme", nil)
			if tc.plan != nil {
				e.change("acme", *tc.plan)
			}
			for _, p := range tc.promo {
				grant(e, p)
			}
			got := e.ents("acme", "")
			for f, w := range tc.want {
				g := got[f]
				if g.Limit != w.limit || g.Unlimited != w.unlimited || g.HasAccess != w.access || g.Source != w.source {
					t.Errorf("%s = %+v, want %+v", f, g, w)
				}
			}
		})
	}

	t.Run("promotions expire", func(t *testing.T) {
		e := newEnv(t, withJourney(nil))
		e.createCustomer("acme", nil)
		e.change("acme", req(basic))
		grant(e, portico.PromotionRequest{FeatureID: seats, Limit: testkit.Ptr[int64](8), ExpiresAt: &feb1})
		grant(e, portico.PromotionRequest{FeatureID: sso, ExpiresAt: &feb1})
		grant(e, portico.PromotionRequest{FeatureID: exports, Limit: testkit.Ptr[int64](500)})
		e.advanceTo(feb1.Add(-time.Second))
		got := e.ents("acme", "")
		if got[seats].Limit != 8 || !got[sso].HasAccess || got[exports].Limit != 500 {
			t.Errorf("before expiry: %+v", got)
		}
		p, err := e.eng.Portal(e.ctx, portico.PortalScope{CustomerID: "acme"})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Promotions) != 3 {
			t.Errorf("portal promotions before expiry = %+v", p.Promotions)
		}
		e.advanceTo(feb1)
		got = e.ents("acme", "")
		wantGrants(t, got, map[string]grantWant{
			seats: {5, false, true, "plan"}, apiCalls: {10000, false, true, "plan"},
			exports: {500, false, true, "promotion"}, storage: {50, false, true, "plan"},
		})
		p, err = e.eng.Portal(e.ctx, portico.PortalScope{CustomerID: "acme"})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Promotions) != 1 || p.Promotions[0].FeatureID != exports || p.Promotions[0].FeatureName != "Exports" {
			t.Errorf("portal promotions after expiry = %+v", p.Promotions)
		}
	})

	t.Run("promotions outlive plan changes and revocation", func(t *testing.T) {
		e := newEnv(t, withJourney(nil))
		e.createCustomer("acme", nil)
		sub := e.change("acme", req(basic)).Subscription
		grant(e, portico.PromotionRequest{FeatureID: seats, Limit: testkit.Ptr[int64](8)})
		e.change("acme", req(pro))
		if got := e.ents("acme", "")[seats]; got.Limit != 10 || got.Source != "plan" {
			t.Errorf("seats on pro = %+v, want the plan's 10", got)
		}
		e.change("acme", req(free))
		if got := e.ents("acme", "")[seats]; got.Limit != 8 || got.Source != "promotion" {
			t.Errorf("seats on free = %+v, want the promotion's 8", got)
		}
		e.cancel("acme", sub.ID)
		wantGrants(t, e.ents("acme", ""), map[string]grantWant{seats: {8, false, true, "promotion"}})
	})

	t.Run("requests are checked", func(t *testing.T) {
		e := newEnv(t, withJourney(nil))
		e.createCustomer("acme", nil)
		past := t0.Add(-time.Hour)
		bad := []struct {
			req   portico.PromotionRequest
			field string
		}{
			{portico.PromotionRequest{FeatureID: "nope", Limit: testkit.Ptr[int64](1)}, "featureId"},
			{portico.PromotionRequest{FeatureID: sso, Limit: testkit.Ptr[int64](1)}, "limit"},
			{portico.PromotionRequest{FeatureID: sso, Unlimited: true}, "limit"},
			{portico.PromotionRequest{FeatureID: seats}, "limit"},
			{portico.PromotionRequest{FeatureID: seats, Limit: testkit.Ptr[int64](1), Unlimited: true}, "unlimited"},
			{portico.PromotionRequest{FeatureID: seats, Limit: testkit.Ptr[int64](1), ExpiresAt: &past}, "expiresAt"},
			{portico.PromotionRequest{FeatureID: seats, Limit: testkit.Ptr[int64](1), ExpiresAt: testkit.Ptr(t0)}, "expiresAt"},
		}
		for _, b := range bad {
			_, err := e.eng.GrantPromotion(e.ctx, "acme", b.req)
			wantField(t, err, b.field)
		}
		_, err := e.eng.GrantPromotion(e.ctx, "nobody", portico.PromotionRequest{FeatureID: sso})
		wantKind(t, err, portico.KindNotFound)
		if len(e.customer("acme").Promotions) != 0 {
			t.Errorf("refused promotions were stored")
		}
	})
}

func TestHasAccess(t *testing.T) {
	t.Run("numeric: usage below the limit", func(t *testing.T) {
		e := newEnv(t, withJourney(nil))
		e.createCustomer("acme", nil)
		e.change("acme", req(basic)) // 5 seats
		steps := []struct {
			value  int64
			usage  int64
			access bool
		}{
			{4, 4, true},
			{1, 5, false},
			{1, 6, false},
			{-3, 3, true},
			{-3, 0, true},
		}
		for _, s := range steps {
			v := e.report("acme", "", seats, s.value)
			if v.Usage != s.usage || v.HasAccess != s.access || v.Limit != 5 {
				t.Errorf("after %+d: %+v, want usage %d access %v", s.value, v, s.usage, s.access)
			}
			if g := e.ents("acme", "")[seats]; g.Usage != s.usage || g.HasAccess != s.access {
				t.Errorf("entitlements after %+d: %+v", s.value, g)
			}
		}
		e.change("acme", reqA(basic, portico.AddonQuantity{ID: extraSeats, Quantity: 1}))
		e.report("acme", "", seats, 7)
		if g := e.ents("acme", "")[seats]; g.Usage != 7 || g.Limit != 10 || !g.HasAccess {
			t.Errorf("7 of 10 seats = %+v", g)
		}
	})

	t.Run("metered: usage below the limit", func(t *testing.T) {
		e := newEnv(t, withJourney(func(j *portico.Journey) { j.Start = portico.StartFreePlan }))
		e.createCustomer("acme", nil) // 1000 calls
		if v := e.report("acme", "", apiCalls, 999); v.Usage != 999 || !v.HasAccess {
			t.Errorf("999 of 1000 = %+v", v)
		}
		if v := e.report("acme", "", apiCalls, 1); v.Usage != 1000 || v.HasAccess {
			t.Errorf("1000 of 1000 = %+v", v)
		}
		if v := e.report("acme", "", apiCalls, 5); v.Usage != 1005 || v.HasAccess {
			t.Errorf("1005 of 1000 = %+v", v)
		}
		e.advanceTo(feb1)
		if g := e.ents("acme", "")[apiCalls]; g.Usage != 0 || !g.HasAccess {
			t.Errorf("in the next month = %+v", g)
		}
	})

	t.Run("unlimited", func(t *testing.T) {
		e := newEnv(t, withJourney(nil))
		e.createCustomer("acme", nil)
		e.change("acme", req(pro))
		if v := e.report("acme", "", storage, 1_000_000_000); !v.HasAccess || !v.Unlimited || v.Usage != 1_000_000_000 {
			t.Errorf("unlimited storage = %+v", v)
		}
	})

	t.Run("boolean: presence", func(t *testing.T) {
		e := newEnv(t, withJourney(nil))
		e.createCustomer("acme", nil)
		e.change("acme", req(basic))
		if _, ok := e.ents("acme", "")[sso]; ok {
			t.Errorf("basic grants sso")
		}
		e.change("acme", req(pro))
		if g := e.ents("acme", "")[sso]; !g.HasAccess || g.Type != portico.FeatureBoolean {
			t.Errorf("sso on pro = %+v", g)
		}
	})

	t.Run("usage of a feature not granted", func(t *testing.T) {
		e := newEnv(t, withJourney(nil))
		e.createCustomer("acme", nil)
		v := e.report("acme", "", seats, 2)
		if v.HasAccess || v.Usage != 2 || v.FeatureID != seats {
			t.Errorf("without a plan = %+v, want no access with the usage counted", v)
		}
		e.change("acme", req(free))
		if g := e.ents("acme", "")[seats]; g.Usage != 2 || g.HasAccess {
			t.Errorf("2 of the free plan's 2 seats = %+v", g)
		}
	})
}

func TestReportUsageRejects(t *testing.T) {
	e := newEnv(t, withJourney(nil))
	e.createCustomer("acme", nil)
	e.change("acme", req(pro))
	e.report("acme", "", seats, 3)
	e.report("acme", "", apiCalls, 10)
	cases := []struct {
		name    string
		feature string
		value   int64
		field   string
	}{
		{"negative metered usage", apiCalls, -1, "value"},
		{"numeric usage below zero", seats, -4, "value"},
		{"a boolean feature", sso, 1, "featureId"},
		{"an unknown feature", "nope", 1, "featureId"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.eng.ReportUsage(e.ctx, portico.UsageRequest{CustomerID: "acme", FeatureID: tc.feature, Value: tc.value})
			wantField(t, err, tc.field)
		})
	}
	_, err := e.eng.ReportUsage(e.ctx, portico.UsageRequest{CustomerID: "nobody", FeatureID: seats, Value: 1})
	wantKind(t, err, portico.KindNotFound)
	got := e.ents("acme", "")
	if got[seats].Usage != 3 || got[apiCalls].Usage != 10 {
		t.Errorf("refused reports changed usage: seats %d, api-calls %d", got[seats].Usage, got[apiCalls].Usage)
	}
}

func TestPortalEntitlements(t *testing.T) {
	e := newEnv(t, withJourney(nil))
	e.createCustomer("acme", nil)
	e.change("acme", reqA(basic, portico.AddonQuantity{ID: extraSeats, Quantity: 1}))
	e.change("acme", portico.ChangeRequest{PlanID: sitePlus, ResourceID: "site-a"})
	e.report("acme", "site-a", pages, 40)
	if _, err := e.eng.GrantPromotion(e.ctx, "acme", portico.PromotionRequest{FeatureID: sso}); err != nil {
		t.Fatal(err)
	}
	p, err := e.eng.Portal(e.ctx, portico.PortalScope{CustomerID: "acme", ResourceID: "site-a"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]portico.EntitlementView{}
	for _, v := range p.Entitlements {
		got[v.FeatureID] = v
	}
	wantGrants(t, got, map[string]grantWant{
		seats: {10, false, true, "plan"}, apiCalls: {10000, false, true, "plan"}, exports: {20, false, true, "plan"},
		sso: {0, false, true, "promotion"}, storage: {50, false, true, "plan"}, pages: {100, false, true, "plan"},
	})
	if got[pages].Usage != 40 || got[pages].FeatureName != "Pages" || got[pages].Unit != "page" {
		t.Errorf("pages = %+v", got[pages])
	}
	if len(p.Subscriptions) != 2 {
		t.Errorf("portal subscriptions = %+v, want app and site-a", p.Subscriptions)
	}
	// Bills: basic 1200 + 500 and site-plus 900, both on Feb 1; the earliest shows.
	if p.NextBill == nil || !p.NextBill.Date.Equal(feb1) {
		t.Errorf("next bill = %+v", p.NextBill)
	}
	e.wantInvoices("acme", bill{1700, t0}, bill{sitePlusMonth, t0})
}
