package engine_test

import (
	"slices"
	"testing"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/engine"
)

// A scheduled downgrade is charged at the prices the customer agreed to
// when scheduling it, and a live subscription renews at its own: a later
// catalog price edit reaches neither until their next change.
func TestAgreedPricesOutliveCatalogEdits(t *testing.T) {
	e := newEnv(t, withJourney(func(j *portico.Journey) { j.Downgrade = portico.EndOfPeriod }))
	e.subscribePro("acme")
	e.change("acme", reqA(pro, portico.AddonQuantity{ID: extraSeats, Quantity: 2}))
	e.subscribePro("bea")
	e.clk.AdvanceTo(jan11)
	pv := e.change("acme", reqA(basic, portico.AddonQuantity{ID: extraSeats, Quantity: 1})).Preview
	agreed := int64(basicMonthly + seatsMonthly)
	if pv.NextBill == nil || pv.NextBill.Amount != agreed {
		t.Fatalf("preview next bill = %+v, want %d", pv.NextBill, agreed)
	}

	cat := testCatalog(withJourney(func(j *portico.Journey) { j.Downgrade = portico.EndOfPeriod }))
	for i := range cat.Plans {
		if cat.Plans[i].ID == basic || cat.Plans[i].ID == pro {
			cat.Plans[i].Prices = prices(cat.Plans[i].Prices[0].Amount*2, cat.Plans[i].Prices[1].Amount*2)
		}
	}
	cat.Addons[0].Prices = prices(seatsMonthly*3, seatsAnnual*3)
	if _, _, err := e.eng.ApplyCatalog(e.ctx, cat, engine.CatalogChange{}); err != nil {
		t.Fatal(err)
	}

	portal, err := e.eng.Portal(e.ctx, portico.PortalScope{CustomerID: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	if portal.NextBill == nil || portal.NextBill.Amount != agreed || !portal.NextBill.Date.Equal(feb1) {
		t.Errorf("next bill after the price edit = %+v, want %d on %v", portal.NextBill, agreed, feb1)
	}
	if got := e.appSub("acme").Total.Amount; got != proMonthly+2*seatsMonthly {
		t.Errorf("acme's total after the price edit = %d, want %d as agreed", got, proMonthly+2*seatsMonthly)
	}
	e.advanceTo(feb1)
	s := e.appSub("acme")
	if s.Plan.ID != basic || s.Total.Amount != agreed {
		t.Errorf("after the downgrade: %s at %d, want basic at %d", s.Plan.ID, s.Total.Amount, agreed)
	}
	inv := e.invoices("acme")
	if last := inv[len(inv)-1]; last.Total != agreed || !last.Created.Equal(feb1) {
		t.Errorf("downgrade invoice = %d on %v, want %d on %v", last.Total, last.Created, agreed, feb1)
	}
	binv := e.invoices("bea")
	if last := binv[len(binv)-1]; last.Total != proMonthly || !last.Created.Equal(feb1) {
		t.Errorf("bea's renewal = %d on %v, want %d: her price holds until she changes", last.Total, last.Created, proMonthly)
	}
	// Her next change is at the catalog's prices of the day.
	if got := e.change("bea", reqP(pro, portico.Annually)).Subscription.Total.Amount; got != 2*proAnnual {
		t.Errorf("bea's total after her next change = %d, want the catalog's %d", got, 2*proAnnual)
	}
}

// A change that names the subscription needs no resource: the
// subscription already names it.
func TestChangeBySubscriptionTakesItsResource(t *testing.T) {
	e := newEnv(t, defaultJourney())
	e.createCustomer("acme", nil)
	e.change("acme", portico.ChangeRequest{PlanID: sitePlus, ResourceID: "blog"})
	sub := e.sub("acme", sites, "blog")
	res := e.change("acme", portico.ChangeRequest{PlanID: siteFree, SubscriptionID: sub.ID})
	if res.Subscription.ID != sub.ID || res.Subscription.ResourceID != "blog" || res.Subscription.Plan.ID != siteFree {
		t.Errorf("change by subscription = %+v, want blog's subscription on %s", res.Subscription, siteFree)
	}
	if _, err := e.eng.ChangeSubscription(e.ctx, "acme", portico.ChangeRequest{PlanID: siteFree}, engine.Backend); err == nil {
		t.Error("a change naming neither subscription nor resource was accepted")
	}
}

// The paywall of one product never flags its plans as below the usage of
// a feature only another product grants.
func TestBelowUsageComparesOnlyWhatTheChangeAlters(t *testing.T) {
	cat := testCatalog(defaultJourney())
	cat.Features = append(cat.Features, portico.Feature{ID: "experiments", Name: "Experiments", Type: portico.FeatureNumeric})
	cat.Products = append(cat.Products, portico.Product{ID: "labs", Name: "Labs", SubscriptionType: portico.SubscriptionSingle,
		Journey: defaultJourney()})
	cat.Products[len(cat.Products)-1].Journey.FreePlanID, cat.Products[len(cat.Products)-1].Journey.TrialPlanID = "labs-free", ""
	cat.Plans = append(cat.Plans,
		portico.Plan{ID: "labs-free", ProductID: "labs", Name: "Labs Free", Pricing: portico.PricingFree,
			Entitlements: []portico.Entitlement{{FeatureID: "experiments", Limit: 1}}},
		portico.Plan{ID: "labs-plus", ProductID: "labs", Name: "Labs Plus", Order: 1, Pricing: portico.PricingPaid,
			Prices: prices(900, 9000), Entitlements: []portico.Entitlement{{FeatureID: "experiments", Limit: 10}}})
	e := newEnvAt(t, t0, cat)
	e.createCustomer("acme", nil)
	e.change("acme", req(basic))
	e.change("acme", req("labs-free"))
	e.report("acme", "", exports, 15)
	e.report("acme", "", seats, 4)

	pw, err := e.eng.Paywall(e.ctx, portico.PortalScope{CustomerID: "acme"}, "labs", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pw.Plans {
		if len(p.BelowUsage) != 0 {
			t.Errorf("Labs plan %s flagged below usage of %v, which Labs does not grant", p.ID, p.BelowUsage)
		}
	}
	if got := e.preview("acme", req("labs-plus")).BelowUsage; len(got) != 0 {
		t.Errorf("Labs upgrade belowUsage = %v, want none", got)
	}
	app, err := e.eng.Paywall(e.ctx, portico.PortalScope{CustomerID: "acme"}, app, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range app.Plans {
		want := []string(nil)
		if p.ID == free {
			want = []string{seats, exports}
		}
		if !slices.Equal(p.BelowUsage, want) {
			t.Errorf("app plan %s belowUsage = %v, want %v", p.ID, p.BelowUsage, want)
		}
	}
}

// A downgrade's preview lists the add-ons it drops, and no limit a
// promotion keeps as lost.
func TestDowngradePreviewListsDroppedAddonsAndKeptLimits(t *testing.T) {
	e := newEnv(t, defaultJourney())
	e.subscribePro("acme")
	e.change("acme", reqA(pro, portico.AddonQuantity{ID: extraSeats, Quantity: 2}, portico.AddonQuantity{ID: extraCalls, Quantity: 1}))
	if _, err := e.eng.GrantPromotion(e.ctx, "acme", portico.PromotionRequest{FeatureID: exports, Unlimited: true}); err != nil {
		t.Fatal(err)
	}
	pv := e.preview("acme", reqA(basic, portico.AddonQuantity{ID: extraSeats, Quantity: 2}))
	if len(pv.DroppedAddons) != 1 || pv.DroppedAddons[0].ID != extraCalls || pv.DroppedAddons[0].Quantity != 1 ||
		pv.DroppedAddons[0].Name != "Extra API calls" || pv.DroppedAddons[0].Price.Amount != callsMonthly {
		t.Errorf("dropped add-ons = %+v, want Extra API calls × 1", pv.DroppedAddons)
	}
	for _, l := range pv.Lost {
		if l.FeatureID == exports {
			t.Errorf("lost %+v, but the unlimited exports promotion keeps it", l)
		}
	}
	if !slices.ContainsFunc(pv.Lost, func(l portico.EntitlementLine) bool { return l.FeatureID == apiCalls }) {
		t.Errorf("lost = %+v, want api-calls (the dropped add-on and the lower plan)", pv.Lost)
	}
	toFree := e.preview("acme", req(free))
	if len(toFree.DroppedAddons) != 2 {
		t.Errorf("to free, dropped add-ons = %+v, want both", toFree.DroppedAddons)
	}
}

// A free plan has no paid period to run out: cancelling it ends it now,
// even under an end-of-period cancellation rule.
func TestCancellingAFreePlanEndsItNow(t *testing.T) {
	e := newEnv(t, withJourney(func(j *portico.Journey) {
		j.Start, j.Cancellation = portico.StartFreePlan, portico.EndOfPeriod
	}))
	e.createCustomer("acme", nil)
	s := e.appSub("acme")
	if s.Plan.ID != free {
		t.Fatalf("journey start = %s, want free", s.Plan.ID)
	}
	res := e.cancel("acme", s.ID)
	if res.Subscription.CancelAt != nil || res.Subscription.Status != portico.StatusCanceled || res.Subscription.EndedAt == nil {
		t.Errorf("cancelled free plan = %+v, want ended now with no end date ahead", res.Subscription)
	}
}

// A trial from the free plan, unpaid, says it returns to the free plan.
func TestTrialOutcomeNamesTheFreePlan(t *testing.T) {
	e := newEnv(t, withJourney(func(j *portico.Journey) { j.Start = portico.StartFreePlan }))
	e.createCustomer("acme", nil)
	s := e.change("acme", req(pro)).Subscription
	if s.Status != portico.StatusTrialing {
		t.Fatalf("status = %s, want a trial", s.Status)
	}
	if o := s.TrialOutcome; o == nil || o.Action != portico.TrialDowngrades || o.Plan == nil || o.Plan.ID != free || o.Plan.Name != "Free" {
		t.Errorf("trial outcome = %+v, want a move to Free", o)
	}
}

// A portal limited to one resource shows that resource's invoices only,
// and its next bill names the subscription it is for.
func TestResourcePortalShowsItsOwnInvoices(t *testing.T) {
	e := newEnv(t, defaultJourney())
	e.createCustomer("acme", nil)
	e.change("acme", portico.ChangeRequest{PlanID: sitePlus, ResourceID: "blog"})
	e.change("acme", portico.ChangeRequest{PlanID: sitePlus, ResourceID: "shop", BillingPeriod: portico.Annually})
	blog := e.sub("acme", sites, "blog")
	v, err := e.eng.Portal(e.ctx, portico.PortalScope{CustomerID: "acme", ProductID: sites, ResourceID: "blog"})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Invoices) != 1 || v.Invoices[0].SubscriptionID != blog.ID || v.Invoices[0].Total != sitePlusMonth {
		t.Errorf("blog's portal invoices = %+v, want blog's one", v.Invoices)
	}
	if v.NextBill == nil || !slices.Equal(v.NextBillFor, []string{blog.ID}) {
		t.Errorf("blog's next bill = %+v, want it for blog's subscription", v.NextBill)
	}
	all, err := e.eng.Portal(e.ctx, portico.PortalScope{CustomerID: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Invoices) != 2 {
		t.Errorf("the whole portal shows %d invoices, want both", len(all.Invoices))
	}
}
