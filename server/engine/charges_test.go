package engine_test

import (
	"testing"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/engine"
)

// The charged product "api": plans priced per member (graduated tiers,
// volume tiers, a flat per-unit price) and by usage with a minimum spend.
const (
	api      = "api"
	members  = "members"  // numeric, priced per member
	requests = "requests" // metered monthly, priced by usage

	graduated = "graduated"
	volume    = "volume"
	perSeat   = "per-seat"
	metered   = "metered"
)

func upTo(n int64) *int64 { return &n }

// The contract's tiers: 1–5 at $20, 6–10 at $15, 11 and above at $10.
func memberTiers(scale int64) []portico.Tier {
	return []portico.Tier{{UpTo: upTo(5), UnitAmount: 2000 * scale}, {UpTo: upTo(10), UnitAmount: 1500 * scale}, {UnitAmount: 1000 * scale}}
}

func tieredCharge(mode portico.TiersMode) portico.Charge {
	return portico.Charge{FeatureID: members, Model: portico.ModelTiered, TiersMode: mode, MaxQuantity: 200,
		Prices: []portico.ChargePrice{
			{BillingPeriod: portico.Monthly, Currency: "usd", Tiers: memberTiers(1)},
			{BillingPeriod: portico.Annually, Currency: "usd", Tiers: memberTiers(10)},
		}}
}

func chargedCatalog(j portico.Journey) *portico.Catalog {
	c := testCatalog(defaultJourney())
	j.FreePlanID, j.TrialPlanID = "", ""
	c.Features = append(c.Features,
		portico.Feature{ID: members, Name: "Members", Type: portico.FeatureNumeric, Unit: "member"},
		portico.Feature{ID: requests, Name: "Requests", Type: portico.FeatureMetered, Unit: "request", ResetPeriod: portico.ResetMonthly})
	c.Products = append(c.Products, portico.Product{ID: api, Name: "API", SubscriptionType: portico.SubscriptionSingle, Journey: j})
	zero := prices(0, 0)
	c.Plans = append(c.Plans,
		portico.Plan{ID: graduated, ProductID: api, Name: "Graduated", Order: 1, Pricing: portico.PricingPaid, Prices: zero,
			TrialDays: 14, Charges: []portico.Charge{tieredCharge(portico.TiersGraduated)}},
		portico.Plan{ID: volume, ProductID: api, Name: "Volume", Order: 1, Pricing: portico.PricingPaid, Prices: zero,
			Charges: []portico.Charge{tieredCharge(portico.TiersVolume)}},
		portico.Plan{ID: perSeat, ProductID: api, Name: "Per seat", Order: 1, Pricing: portico.PricingPaid, Prices: zero,
			Charges: []portico.Charge{{FeatureID: members, Model: portico.ModelPerUnit, MaxQuantity: 200,
				Prices: []portico.ChargePrice{{BillingPeriod: portico.Monthly, Currency: "usd", UnitAmount: 1000},
					{BillingPeriod: portico.Annually, Currency: "usd", UnitAmount: 10000}}}}},
		portico.Plan{ID: metered, ProductID: api, Name: "Metered", Order: 2, Pricing: portico.PricingPaid,
			Prices: []portico.Price{{BillingPeriod: portico.Monthly, Currency: "usd"}},
			Charges: []portico.Charge{{FeatureID: requests, Model: portico.ModelUsage, Included: 10000, BlockSize: 1000,
				Prices: []portico.ChargePrice{{BillingPeriod: portico.Monthly, Currency: "usd", UnitAmount: 50}}}},
			MinimumSpend: []portico.MinimumSpend{{BillingPeriod: portico.Monthly, Amount: 5000, Currency: "usd"}},
			Entitlements: []portico.Entitlement{{FeatureID: members, Unlimited: true}}},
	)
	return c
}

func chargedEnv(t *testing.T, j portico.Journey) *env {
	e := newEnvAt(t, t0, chargedCatalog(j))
	e.createCustomer("acme", withCard())
	return e
}

func seatsReq(plan string, n int64) portico.ChangeRequest {
	return portico.ChangeRequest{PlanID: plan, Quantities: map[string]int64{members: n}}
}

// wantLines checks the lines' amounts, in order.
func wantLines(t *testing.T, what string, lines []portico.Line, amounts ...int64) {
	t.Helper()
	ok := len(lines) == len(amounts)
	for i := 0; ok && i < len(lines); i++ {
		ok = lines[i].Amount == amounts[i]
	}
	if !ok {
		got := make([]int64, len(lines))
		for i, l := range lines {
			got[i] = l.Amount
		}
		t.Errorf("%s lines = %v (%+v), want %v", what, got, lines, amounts)
	}
}

func TestCommittedQuantitiesArePricedByTheirTiers(t *testing.T) {
	for _, tc := range []struct {
		name  string
		plan  string
		n     int64
		lines []int64
	}{
		{"graduated 20 members: 5×2000 + 5×1500 + 10×1000", graduated, 20, []int64{10000, 7500, 10000}},
		{"graduated 7 members: 5×2000 + 2×1500", graduated, 7, []int64{10000, 3000}},
		{"volume 20 members: 20×1000", volume, 20, []int64{20000}},
		{"volume 7 members: 7×1500", volume, 7, []int64{10500}},
		{"per unit 12 members: 12×1000", perSeat, 12, []int64{12000}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := chargedEnv(t, defaultJourney())
			e.createCustomer("bob", withCard())
			var want int64
			for _, a := range tc.lines {
				want += a
			}
			req := seatsReq(tc.plan, tc.n)
			if tc.plan == graduated {
				if err := e.eng.MarkTrialed(e.ctx, "bob", api); err != nil {
					t.Fatal(err)
				}
			}
			res := e.change("bob", req)
			wantLines(t, "preview", res.Preview.Lines, tc.lines...)
			if res.Preview.AmountDueNow.Amount != want {
				t.Errorf("amount due now = %d, want %d", res.Preview.AmountDueNow.Amount, want)
			}
			e.wantInvoices("bob", bill{want, t0})
			inv := e.invoices("bob")
			if len(inv) == 1 {
				wantLines(t, "invoice", inv[0].Lines, tc.lines...)
			}
			s := e.sub("bob", api, "")
			if s.Quantities[members] != tc.n || len(s.Charges) != 1 || s.Charges[0].Amount != want || s.Total.Amount != want {
				t.Errorf("subscription quantities %v, charges %+v, total %v; want %d members costing %d", s.Quantities, s.Charges, s.Total, tc.n, want)
			}
			if ent := e.ents("bob", "")[members]; ent.Limit != tc.n || !ent.HasAccess {
				t.Errorf("members entitlement = %+v, want a limit of %d", ent, tc.n)
			}
		})
	}
}

func TestQuantitiesAreCheckedAndNamed(t *testing.T) {
	e := chargedEnv(t, defaultJourney())
	for _, tc := range []struct {
		name string
		req  portico.ChangeRequest
	}{
		{"missing when the subscription starts", portico.ChangeRequest{PlanID: perSeat}},
		{"below the least", seatsReq(perSeat, 0)},
		{"above the most", seatsReq(perSeat, 201)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.eng.ChangeSubscription(e.ctx, "acme", tc.req, engine.Backend)
			wantField(t, err, "quantities.members")
		})
	}
	t.Run("on a feature the plan does not charge", func(t *testing.T) {
		req := seatsReq(perSeat, 3)
		req.Quantities[requests] = 5
		_, err := e.eng.Preview(e.ctx, "acme", req, engine.Backend)
		wantField(t, err, "quantities.requests")
	})
	if n := len(e.customer("acme").Subscriptions); n != 0 {
		t.Errorf("refused changes left %d subscriptions", n)
	}
}

func TestASeatIncreaseIsAProratedUpgrade(t *testing.T) {
	e := chargedEnv(t, defaultJourney())
	e.change("acme", seatsReq(perSeat, 10))
	jan11 := day(2026, 1, 11)
	e.clk.AdvanceTo(jan11)
	// 21 of January's 31 days are left: 15 members × 1000 × 21/31 =
	// 10161.29 → 10161 charged, 10 × 1000 × 21/31 = 6774.19 → 6774 credited.
	res := e.change("acme", portico.ChangeRequest{PlanID: perSeat, Quantities: map[string]int64{members: 15}})
	p := res.Preview
	if p.Intent != portico.IntentUpgrade || p.Effective != portico.Immediate {
		t.Errorf("intent %s, effective %s; want an immediate upgrade", p.Intent, p.Effective)
	}
	wantLines(t, "preview", p.Lines, 10161)
	if !p.Lines[0].Prorated || !p.Lines[0].PeriodStart.Equal(jan11) {
		t.Errorf("line %+v, want it marked prorated from Jan 11", p.Lines[0])
	}
	if p.Credit.Amount != 6774 || p.AmountDueNow.Amount != 10161-6774 {
		t.Errorf("credit %d, due %d; want 6774 and %d", p.Credit.Amount, p.AmountDueNow.Amount, 10161-6774)
	}
	e.wantInvoices("acme", bill{10000, t0}, bill{3387, jan11})
	if got := e.ents("acme", "")[members].Limit; got != 15 {
		t.Errorf("members limit = %d, want 15 at once", got)
	}
	if nb := p.NextBill; nb == nil || nb.Amount != 15000 || !nb.Date.Equal(day(2026, 2, 1)) {
		t.Errorf("next bill = %+v, want 15000 on Feb 1", nb)
	}
}

func TestASeatDecreaseFollowsTheDowngradeRule(t *testing.T) {
	eop := defaultJourney()
	eop.Downgrade = portico.EndOfPeriod
	e := chargedEnv(t, eop)
	if err := e.eng.MarkTrialed(e.ctx, "acme", api); err != nil {
		t.Fatal(err)
	}
	e.change("acme", seatsReq(graduated, 12))
	res := e.change("acme", portico.ChangeRequest{PlanID: graduated, Quantities: map[string]int64{members: 4}})
	feb1 := day(2026, 2, 1)
	if res.Preview.Effective != portico.EndOfPeriod || !res.Preview.EffectiveAt.Equal(feb1) || res.Preview.AmountDueNow.Amount != 0 {
		t.Fatalf("preview = %+v, want the decrease at the period's end, nothing due", res.Preview)
	}
	if l := res.Preview.Lost; len(l) != 1 || l[0].FeatureID != members || l[0].Change != "decreased" || l[0].Limit != 4 {
		t.Errorf("lost = %+v, want members decreased to 4", l)
	}
	s := e.sub("acme", api, "")
	if len(s.ScheduledUpdates) != 1 || s.ScheduledUpdates[0].Type != portico.UpdateQuantityChange || s.Quantities[members] != 12 {
		t.Fatalf("subscription = %+v, want 12 members and a quantity change scheduled", s)
	}
	e.advanceTo(feb1)
	if got := e.sub("acme", api, "").Quantities[members]; got != 4 {
		t.Errorf("members after Feb 1 = %d, want 4", got)
	}
	// 12 members: 5×2000 + 5×1500 + 2×1000 = 19500; 4 members: 8000.
	e.wantInvoices("acme", bill{19500, t0}, bill{8000, feb1})
}

func TestUsageIsBilledInArrearsAboveTheMinimumSpend(t *testing.T) {
	e := chargedEnv(t, defaultJourney())
	e.change("acme", portico.ChangeRequest{PlanID: metered})
	e.report("acme", "", requests, 35000)
	ent := e.ents("acme", "")[requests]
	if !ent.SoftLimit || ent.Limit != 10000 || !ent.HasAccess || ent.Usage != 35000 {
		t.Errorf("requests entitlement = %+v, want a soft limit at 10000 with access kept", ent)
	}
	feb1, mar1 := day(2026, 2, 1), day(2026, 3, 1)
	// 25,000 requests beyond the 10,000 included are 25 blocks at 50 =
	// 1250; the minimum of 5000 tops it up by 3750.
	up, err := e.eng.UpcomingInvoice(e.ctx, "acme", "", engine.Backend)
	if err != nil {
		t.Fatal(err)
	}
	if !up.Date.Equal(feb1) || up.Total != 5000 || !up.Estimated {
		t.Errorf("upcoming = %+v, want an estimated 5000 on Feb 1", up)
	}
	wantLines(t, "upcoming", up.Lines, 1250, 3750)
	if up.Lines[0].Kind != portico.LineUsage || *up.Lines[0].Quantity != 25 || up.Lines[1].Kind != portico.LineMinimum {
		t.Errorf("upcoming lines = %+v, want 25 usage blocks then the minimum top-up", up.Lines)
	}
	e.advanceTo(feb1)
	e.wantInvoices("acme", bill{5000, feb1})
	if got := e.usageOf("acme", "", requests); got != 0 {
		t.Errorf("usage in February = %d, want a fresh period", got)
	}
	// 120,000 requests: 110 blocks = 5500, above the minimum.
	e.report("acme", "", requests, 120000)
	e.advanceTo(mar1)
	e.wantInvoices("acme", bill{5000, feb1}, bill{5500, mar1})
	if inv := e.invoices("acme"); len(inv) == 2 {
		wantLines(t, "March invoice", inv[1].Lines, 5500)
	}
}

func TestATrialOfAPerSeatPlanBillsItsSeatsWhenItConverts(t *testing.T) {
	e := chargedEnv(t, defaultJourney())
	res := e.change("acme", seatsReq(graduated, 8))
	if res.Subscription.Status != portico.StatusTrialing || res.Preview.AmountDueNow.Amount != 0 || len(res.Preview.Lines) != 0 {
		t.Fatalf("start = %+v / %+v, want a free trial", res.Subscription, res.Preview)
	}
	if got := e.ents("acme", "")[members].Limit; got != 8 {
		t.Errorf("members on the trial = %d, want 8", got)
	}
	end := t0.AddDate(0, 0, 14)
	e.advanceTo(end)
	// 8 members: 5×2000 + 3×1500 = 14500.
	e.wantInvoices("acme", bill{14500, end})
}

func TestPaywallCardsStartAtTheLeastTheyCost(t *testing.T) {
	e := chargedEnv(t, defaultJourney())
	pw, err := e.eng.Paywall(e.ctx, portico.PortalScope{CustomerID: "acme"}, api, portico.Monthly)
	if err != nil {
		t.Fatal(err)
	}
	starts := map[string]int64{}
	for _, p := range pw.Plans {
		if p.StartsAt != nil {
			starts[p.ID] = p.StartsAt.Amount
		}
		if len(p.Charges) != 1 || len(p.Charges[0].Prices) != 1 {
			t.Errorf("plan %s charges = %+v, want its one charge at the monthly price", p.ID, p.Charges)
		}
	}
	want := map[string]int64{graduated: 2000, volume: 2000, perSeat: 1000, metered: 5000}
	for id, amount := range want {
		if starts[id] != amount {
			t.Errorf("plan %s starts at %d, want %d", id, starts[id], amount)
		}
	}
}

func TestAPreviewsLinesAddUpToWhatIsDue(t *testing.T) {
	e := chargedEnv(t, defaultJourney())
	e.change("acme", seatsReq(perSeat, 30))
	e.clk.AdvanceTo(day(2026, 1, 20))
	// Down to 3 immediately: the credit for 30 unused seats exceeds the
	// charge, and the rest is kept as balance.
	p := e.preview("acme", portico.ChangeRequest{PlanID: perSeat, Quantities: map[string]int64{members: 3}})
	var sum int64
	for _, l := range p.Lines {
		sum += l.Amount
	}
	if sum-p.Credit.Amount != p.AmountDueNow.Amount {
		t.Errorf("lines %+v add up to %d, less credit %d is not the %d due", p.Lines, sum, p.Credit.Amount, p.AmountDueNow.Amount)
	}
	if last := p.Lines[len(p.Lines)-1]; last.Kind != portico.LineCarried || p.AmountDueNow.Amount != 0 {
		t.Errorf("lines = %+v, due %d; want the surplus kept as balance and nothing due", p.Lines, p.AmountDueNow.Amount)
	}
}

func TestMoreSeatsLoseNothingAndUsagePricedFeaturesAreNeverBelowUsage(t *testing.T) {
	e := chargedEnv(t, defaultJourney())
	e.change("acme", seatsReq(perSeat, 12))
	e.report("acme", "", members, 10)
	p := e.preview("acme", seatsReq(perSeat, 60))
	if len(p.Lost) != 0 || len(p.BelowUsage) != 0 {
		t.Errorf("12 → 60 members: lost %+v, below usage %v; want nothing lost", p.Lost, p.BelowUsage)
	}
	if len(p.Gained) != 1 || p.Gained[0].Change != "increased" || p.Gained[0].Limit != 60 {
		t.Errorf("gained = %+v, want members increased to 60", p.Gained)
	}
	e.report("acme", "", requests, 50000)
	pw, err := e.eng.Paywall(e.ctx, portico.PortalScope{CustomerID: "acme"}, api, portico.Monthly)
	if err != nil {
		t.Fatal(err)
	}
	for _, pl := range pw.Plans {
		if pl.ID == metered && len(pl.BelowUsage) != 0 {
			t.Errorf("the usage-priced plan is flagged below usage %v; usage past its included units is billed, not refused", pl.BelowUsage)
		}
	}
}

func TestAPlanNotSoldForAPeriodOffersNoSwitchToIt(t *testing.T) {
	e := chargedEnv(t, defaultJourney())
	e.change("acme", portico.ChangeRequest{PlanID: metered})
	pw, err := e.eng.Paywall(e.ctx, portico.PortalScope{CustomerID: "acme"}, api, portico.Annually)
	if err != nil {
		t.Fatal(err)
	}
	for _, pl := range pw.Plans {
		if pl.ID == metered && pl.Intent != portico.IntentCurrent {
			t.Errorf("the monthly-only plan held reads %q in the annual table, want current (nothing to switch to)", pl.Intent)
		}
		if pl.ID == perSeat && (len(pl.ChargeFeatures) != 1 || pl.ChargeFeatures[0].FeatureName != "Members") {
			t.Errorf("charge features %+v, want Members named", pl.ChargeFeatures)
		}
	}
}
