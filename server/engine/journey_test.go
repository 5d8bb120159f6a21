package engine_test

import (
	"reflect"
	"slices"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/internal/testkit"
	"github.com/portico-dev/portico/server/engine"
)

// Dates used throughout: a monthly period from t0 runs to Feb 1 (31 days);
// a change on Jan 11 leaves 21/31 of it unused.
var (
	jan11 = day(2026, time.January, 11)
	jan15 = day(2026, time.January, 15) // t0 + 14 trial days
	feb1  = day(2026, time.February, 1)
	feb11 = day(2026, time.February, 11)
	mar1  = day(2026, time.March, 1)
	y2027 = day(2027, time.January, 1)
)

// Unused parts of periods on Jan 11, rounded half up to the cent.
const (
	proUnused      = 2032  // 3000 × 21/31 = 2032.26
	basicUnused    = 813   // 1200 × 21/31 = 812.90
	proAnnualUnusd = 29178 // 30000 × 355/365 = 29178.08
)

func withJourney(mod func(j *portico.Journey)) portico.Journey {
	j := defaultJourney()
	if mod != nil {
		mod(&j)
	}
	return j
}

// subscribePro creates a customer and puts them on pro, monthly, paid from
// now (the trial, when offered, is started and converted at once).
func (e *env) subscribePro(id string) portico.SubscriptionView {
	e.t.Helper()
	e.createCustomer(id, nil)
	for range 2 {
		if subs := e.customer(id).Subscriptions; len(subs) == 1 && subs[0].Plan.ID == pro && subs[0].Status == portico.StatusActive {
			return subs[0]
		}
		e.change(id, portico.ChangeRequest{PlanID: pro})
	}
	s := e.appSub(id)
	if s.Plan.ID != pro || s.Status != portico.StatusActive {
		e.t.Fatalf("could not put %s on paid pro: %+v", id, s)
	}
	return s
}

func TestJourneyStart(t *testing.T) {
	t.Run("pricing_table starts nothing", func(t *testing.T) {
		e := newEnv(t, withJourney(nil))
		v := e.createCustomer("acme", nil)
		if len(v.Subscriptions) != 0 || len(v.TrialedProducts) != 0 {
			t.Fatalf("subscriptions = %+v, trialed = %v; want none", v.Subscriptions, v.TrialedProducts)
		}
		if ents := e.ents("acme", ""); len(ents) != 0 {
			t.Errorf("entitlements = %+v, want none", ents)
		}
		e.wantInvoices("acme")
	})

	t.Run("free_plan starts a free subscription", func(t *testing.T) {
		e := newEnv(t, withJourney(func(j *portico.Journey) { j.Start = portico.StartFreePlan }))
		v := e.createCustomer("acme", nil)
		if len(v.Subscriptions) != 1 {
			t.Fatalf("subscriptions = %+v, want one", v.Subscriptions)
		}
		s := v.Subscriptions[0]
		if s.ProductID != app || s.Plan.ID != free || s.Status != portico.StatusActive || s.Pricing != portico.PricingFree ||
			s.BillingPeriod != portico.Monthly || s.Price.Amount != 0 || s.TrialEndsAt != nil || s.CancelAt != nil {
			t.Errorf("subscription = %+v", s)
		}
		wantPeriod(t, s, t0, feb1)
		if got := e.ents("acme", "")[seats]; got.Limit != 2 || !got.HasAccess || got.Source != "plan" {
			t.Errorf("seats = %+v, want the free plan's 2", got)
		}
		e.wantInvoices("acme")
		if c := e.credit("acme"); c.Amount != 0 {
			t.Errorf("credit = %+v, want none", c)
		}
	})

	t.Run("trial starts a trial of the trial plan", func(t *testing.T) {
		e := newEnv(t, withJourney(func(j *portico.Journey) { j.Start = portico.StartTrial }))
		v := e.createCustomer("acme", nil)
		if len(v.Subscriptions) != 1 {
			t.Fatalf("subscriptions = %+v, want one", v.Subscriptions)
		}
		s := v.Subscriptions[0]
		if s.Plan.ID != pro || s.Status != portico.StatusTrialing || s.Pricing != portico.PricingPaid ||
			s.BillingPeriod != portico.Monthly || s.Price != testkit.USD(proMonthly) {
			t.Errorf("subscription = %+v", s)
		}
		if !timeEq(s.TrialEndsAt, testkit.Ptr(jan15)) {
			t.Errorf("trialEndsAt = %v, want %v", s.TrialEndsAt, jan15)
		}
		wantPeriod(t, s, t0, jan15)
		if !slices.Equal(v.TrialedProducts, []string{app}) {
			t.Errorf("trialedProducts = %v, want [app]", v.TrialedProducts)
		}
		if got := e.ents("acme", "")[sso]; !got.HasAccess {
			t.Errorf("sso during the trial = %+v, want access", got)
		}
		e.wantInvoices("acme")
		p, err := e.eng.Portal(e.ctx, portico.PortalScope{CustomerID: "acme"})
		if err != nil {
			t.Fatal(err)
		}
		// Without a payment method the trial's end bills nothing: it says
		// what it will do instead.
		if p.NextBill != nil {
			t.Errorf("next bill without a payment method = %+v, want none", p.NextBill)
		}
		if o := p.Subscriptions[0].TrialOutcome; o == nil || o.Action != portico.TrialExpires {
			t.Errorf("trial outcome = %+v, want expire", o)
		}
		if err := e.eng.SetBillingProfile(e.ctx, "acme", &portico.BillingProfile{PaymentMethod: &portico.PaymentMethod{Brand: "visa", Last4: "4242", ExpMonth: 1, ExpYear: 2030}}); err != nil {
			t.Fatal(err)
		}
		if p, err = e.eng.Portal(e.ctx, portico.PortalScope{CustomerID: "acme"}); err != nil {
			t.Fatal(err)
		}
		if p.NextBill == nil || *p.NextBill != (portico.Bill{Amount: proMonthly, Currency: "usd", Date: jan15}) {
			t.Errorf("next bill with a card = %+v, want 3000 usd on Jan 15", p.NextBill)
		}
		if o := p.Subscriptions[0].TrialOutcome; o == nil || o.Action != portico.TrialConverts {
			t.Errorf("trial outcome with a card = %+v, want convert", o)
		}
	})

	t.Run("products with one subscription per resource start on provisioning", func(t *testing.T) {
		e := newEnv(t, withJourney(func(j *portico.Journey) { j.Start = portico.StartFreePlan }))
		e.createCustomer("acme", nil)
		if n := len(e.rawSubs("acme")); n != 1 {
			t.Errorf("%d subscriptions, want only the app's", n)
		}
	})
}

func TestTrialIsOfferedOncePerProduct(t *testing.T) {
	t.Run("after an expired trial the plan is bought outright", func(t *testing.T) {
		e := newEnv(t, withJourney(func(j *portico.Journey) { j.Start = portico.StartTrial }))
		trial := e.createCustomer("acme", nil).Subscriptions[0]
		e.advanceTo(jan15)
		if s := e.appSub("acme"); s.Status != portico.StatusExpired {
			t.Fatalf("status after the trial = %s, want expired", s.Status)
		}
		res := e.change("acme", portico.ChangeRequest{PlanID: pro})
		s := res.Subscription
		if res.Preview.Intent != portico.IntentSubscribe || res.Preview.AmountDueNow != testkit.USD(proMonthly) {
			t.Errorf("preview = %+v, want subscribe with 3000 due", res.Preview)
		}
		if s.ID == trial.ID || s.Status != portico.StatusActive || s.TrialEndsAt != nil {
			t.Errorf("subscription = %+v, want a new active one without trial", s)
		}
		wantPeriod(t, s, jan15, day(2026, 2, 15))
		e.wantInvoices("acme", bill{proMonthly, jan15})
	})

	t.Run("a cancelled trial is not offered again", func(t *testing.T) {
		e := newEnv(t, withJourney(nil))
		e.createCustomer("acme", nil)
		res := e.change("acme", portico.ChangeRequest{PlanID: pro})
		if res.Preview.Intent != portico.IntentStartTrial || res.Subscription.Status != portico.StatusTrialing ||
			res.Preview.AmountDueNow != testkit.USD(0) || res.Preview.Credit != testkit.USD(0) || *res.Preview.NextBill != *nb(proMonthly, jan15) {
			t.Fatalf("first pick of pro = %+v", res)
		}
		e.clk.AdvanceTo(day(2026, 1, 5))
		c := e.cancel("acme", res.Subscription.ID)
		if c.Subscription.Status != portico.StatusCanceled || c.Credit.Amount != 0 {
			t.Errorf("cancelled trial = %+v, credit %+v; want canceled with no credit", c.Subscription, c.Credit)
		}
		again := e.change("acme", portico.ChangeRequest{PlanID: pro})
		if again.Preview.Intent != portico.IntentSubscribe || again.Subscription.Status != portico.StatusActive ||
			again.Preview.AmountDueNow != testkit.USD(proMonthly) {
			t.Errorf("second pick of pro = %+v", again)
		}
		e.wantInvoices("acme", bill{proMonthly, day(2026, 1, 5)})
	})
}

type transition struct {
	name     string
	from     []portico.ChangeRequest // applied at t0, in order
	to       portico.ChangeRequest   // applied on Jan 11
	intent   portico.Intent
	due      int64
	credit   int64
	balance  int64 // the customer's credit afterwards
	start    time.Time
	end      time.Time
	nextBill *portico.Bill
	invoices []bill
	// trialUsed marks the product's trial as had before the first change.
	trialUsed bool
}

func (tr transition) run(t *testing.T, e *env) *portico.ChangeResult {
	t.Helper()
	e.createCustomer("acme", nil)
	if tr.trialUsed {
		if err := e.eng.MarkTrialed(e.ctx, "acme", app); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range tr.from {
		e.change("acme", r)
	}
	before := e.appSub("acme")
	e.clk.AdvanceTo(jan11)
	res := e.change("acme", tr.to)
	p, s := res.Preview, res.Subscription
	if p.Intent != tr.intent || p.Effective != portico.Immediate || !p.EffectiveAt.Equal(jan11) {
		t.Errorf("preview intent %s, effective %s at %v; want %s, immediate at %v", p.Intent, p.Effective, p.EffectiveAt, tr.intent, jan11)
	}
	if p.AmountDueNow != testkit.USD(tr.due) || p.Credit != testkit.USD(tr.credit) {
		t.Errorf("amountDueNow %+v, credit %+v; want %d and %d usd", p.AmountDueNow, p.Credit, tr.due, tr.credit)
	}
	if !reflect.DeepEqual(p.NextBill, tr.nextBill) {
		t.Errorf("nextBill = %+v, want %+v", p.NextBill, tr.nextBill)
	}
	if s.ID != before.ID || s.Plan.ID != tr.to.PlanID || s.Status != portico.StatusActive || len(s.ScheduledUpdates) != 0 {
		t.Errorf("subscription = %+v, want %s active, same ID %s", s, tr.to.PlanID, before.ID)
	}
	wantPeriod(t, s, tr.start, tr.end)
	if stored := e.appSub("acme"); !reflect.DeepEqual(stored, s) {
		t.Errorf("stored subscription = %+v, returned %+v", stored, s)
	}
	e.wantInvoices("acme", tr.invoices...)
	if tr.balance != 0 {
		e.wantCredit("acme", testkit.USD(tr.balance))
	} else if c := e.credit("acme"); c.Amount != 0 {
		t.Errorf("credit balance = %+v, want none", c)
	}
	if n := e.liveCount("acme", app, ""); n != 1 {
		t.Errorf("%d live subscriptions, want 1", n)
	}
	return res
}

func req(plan string) portico.ChangeRequest { return portico.ChangeRequest{PlanID: plan} }

func reqP(plan string, period portico.BillingPeriod) portico.ChangeRequest {
	return portico.ChangeRequest{PlanID: plan, BillingPeriod: period}
}

func reqA(plan string, addons ...portico.AddonQuantity) portico.ChangeRequest {
	return portico.ChangeRequest{PlanID: plan, Addons: addons}
}

func nb(amount int64, at time.Time) *portico.Bill {
	return &portico.Bill{Amount: amount, Currency: "usd", Date: at}
}

func TestUpgradesAreImmediate(t *testing.T) {
	seats2 := portico.AddonQuantity{ID: extraSeats, Quantity: 2}
	seats3 := portico.AddonQuantity{ID: extraSeats, Quantity: 3}
	cases := []transition{
		{name: "free to paid is charged in full from a new period", trialUsed: true,
			from: []portico.ChangeRequest{req(free)}, to: req(pro), intent: portico.IntentUpgrade,
			due: proMonthly, credit: 0, start: jan11, end: feb11, nextBill: nb(proMonthly, feb11),
			invoices: []bill{{proMonthly, jan11}}},
		{name: "paid to paid in the same period is prorated",
			// 3000 × 21/31 = 2032 charged, 813 credited
			from: []portico.ChangeRequest{req(basic)}, to: req(pro), intent: portico.IntentUpgrade,
			due: proUnused - basicUnused, credit: basicUnused, start: t0, end: feb1, nextBill: nb(proMonthly, feb1),
			invoices: []bill{{basicMonthly, t0}, {1219, jan11}}},
		{name: "monthly to annual on the same plan starts a year",
			from: []portico.ChangeRequest{req(basic)}, to: reqP(basic, portico.Annually), intent: portico.IntentSwitchPeriod,
			due: basicAnnual - basicUnused, credit: basicUnused, start: jan11, end: day(2027, 1, 11),
			nextBill: nb(basicAnnual, day(2027, 1, 11)), invoices: []bill{{basicMonthly, t0}, {11187, jan11}}},
		{name: "monthly to annual on a higher plan",
			from: []portico.ChangeRequest{req(basic)}, to: reqP(pro, portico.Annually), intent: portico.IntentUpgrade,
			due: proAnnual - basicUnused, credit: basicUnused, start: jan11, end: day(2027, 1, 11),
			nextBill: nb(proAnnual, day(2027, 1, 11)), invoices: []bill{{basicMonthly, t0}, {29187, jan11}}},
		{name: "add-ons move with the plan and are prorated with it",
			// Each line is prorated on its own: 3000 × 21/31 = 2032.26 → 2032 and
			// 2×500 × 21/31 = 677.42 → 677 make 2709; the credit (1200 + 2×500) ×
			// 21/31 = 1490.32 → 1490
			from: []portico.ChangeRequest{reqA(basic, seats2)}, to: reqA(pro, seats2), intent: portico.IntentUpgrade,
			due: 2709 - 1490, credit: 1490, start: t0, end: feb1, nextBill: nb(4000, feb1),
			invoices: []bill{{2200, t0}, {1219, jan11}}},
		{name: "buying add-ons on the same plan is an upgrade",
			// (1200 + 3×500) × 21/31 = 1829.03 → 1829
			from: []portico.ChangeRequest{req(basic)}, to: reqA(basic, seats3), intent: portico.IntentUpgrade,
			due: 1829 - basicUnused, credit: basicUnused, start: t0, end: feb1, nextBill: nb(2700, feb1),
			invoices: []bill{{basicMonthly, t0}, {1016, jan11}}},
		{name: "paying during a trial ends it now",
			from: []portico.ChangeRequest{req(pro)}, to: reqP(pro, portico.Annually), intent: portico.IntentSwitchPeriod,
			due: proAnnual, credit: 0, start: jan11, end: day(2027, 1, 11), nextBill: nb(proAnnual, day(2027, 1, 11)),
			invoices: []bill{{proAnnual, jan11}}},
		{name: "paid to custom by the backend starts a new period",
			from: []portico.ChangeRequest{req(basic)}, to: portico.ChangeRequest{PlanID: enterprise, Price: testkit.Ptr(testkit.USD(50000))},
			intent: portico.IntentUpgrade, due: 50000 - basicUnused, credit: basicUnused, start: jan11, end: feb11,
			nextBill: nb(50000, feb11), invoices: []bill{{basicMonthly, t0}, {49187, jan11}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, withJourney(func(j *portico.Journey) { j.Downgrade = portico.EndOfPeriod }))
			res := tc.run(t, e)
			if tc.from[0].PlanID == pro && !timeEq(res.Subscription.TrialEndsAt, testkit.Ptr(jan11)) {
				t.Errorf("trialEndsAt = %v, want the trial ended early on Jan 11", res.Subscription.TrialEndsAt)
			}
		})
	}
}

func TestDowngradeImmediateCreditsUnusedTime(t *testing.T) {
	seats2 := portico.AddonQuantity{ID: extraSeats, Quantity: 2}
	onPro := []portico.ChangeRequest{req(pro), req(pro)} // trial, then paid at t0
	onProAnnual := []portico.ChangeRequest{req(pro), reqP(pro, portico.Annually)}
	cases := []transition{
		{name: "lower plan in the same period",
			// credit 3000 × 21/31 = 2032, charge 1200 × 21/31 = 813
			from: onPro, to: req(basic), intent: portico.IntentDowngrade,
			due: 0, credit: proUnused, balance: proUnused - basicUnused, start: t0, end: feb1,
			nextBill: nb(0, feb1), invoices: []bill{{proMonthly, t0}}},
		{name: "paid to free starts a free period",
			from: onPro, to: req(free), intent: portico.IntentDowngrade,
			due: 0, credit: proUnused, balance: proUnused, start: jan11, end: feb11,
			nextBill: nil, invoices: []bill{{proMonthly, t0}}},
		{name: "annual to monthly credits the unused year",
			// 30000 × 355/365 = 29178.08 → 29178 credited, 3000 charged
			from: onProAnnual, to: reqP(pro, portico.Monthly), intent: portico.IntentSwitchPeriod,
			due: 0, credit: proAnnualUnusd, balance: proAnnualUnusd - proMonthly, start: jan11, end: feb11,
			nextBill: nb(0, feb11), invoices: []bill{{proAnnual, t0}}},
		{name: "dropping add-ons",
			// credit (3000 + 1000) × 21/31 = 2710, charge 2032
			from: []portico.ChangeRequest{req(pro), reqA(pro, seats2)}, to: req(pro), intent: portico.IntentDowngrade,
			due: 0, credit: 2710, balance: 2710 - proUnused, start: t0, end: feb1,
			nextBill: nb(proMonthly-(2710-proUnused), feb1), invoices: []bill{{4000, t0}}},
		{name: "lower plan billed annually starts a year",
			from: onPro, to: reqP(basic, portico.Annually), intent: portico.IntentDowngrade,
			due: basicAnnual - proUnused, credit: proUnused, start: jan11, end: day(2027, 1, 11),
			nextBill: nb(basicAnnual, day(2027, 1, 11)), invoices: []bill{{proMonthly, t0}, {9968, jan11}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, withJourney(nil))
			tc.run(t, e)
		})
	}
}

func TestCreditIsSpentOnLaterCharges(t *testing.T) {
	t.Run("renewals", func(t *testing.T) {
		e := newEnv(t, withJourney(nil))
		e.subscribePro("acme")
		e.clk.AdvanceTo(jan11)
		e.change("acme", req(basic))
		e.wantCredit("acme", testkit.USD(1219))
		p, err := e.eng.Portal(e.ctx, portico.PortalScope{CustomerID: "acme"})
		if err != nil {
			t.Fatal(err)
		}
		if p.Credit != testkit.USD(1219) || p.NextBill == nil || *p.NextBill != *nb(0, feb1) {
			t.Errorf("portal credit %+v, next bill %+v; want 1219 and nothing due Feb 1", p.Credit, p.NextBill)
		}
		e.advanceTo(feb1) // 1200 taken from the credit
		e.wantCredit("acme", testkit.USD(19))
		e.wantInvoices("acme", bill{proMonthly, t0})
		e.advanceTo(mar1)
		e.wantCredit("acme", testkit.USD(0))
		e.wantInvoices("acme", bill{proMonthly, t0}, bill{1181, mar1})
		e.advanceTo(day(2026, 4, 1))
		e.wantInvoices("acme", bill{proMonthly, t0}, bill{1181, mar1}, bill{basicMonthly, day(2026, 4, 1)})
	})

	t.Run("upgrades", func(t *testing.T) {
		e := newEnv(t, withJourney(nil))
		e.subscribePro("acme")
		e.clk.AdvanceTo(jan11)
		e.change("acme", req(free))
		e.wantCredit("acme", testkit.USD(proUnused))
		jan21 := day(2026, 1, 21)
		e.clk.AdvanceTo(jan21)
		res := e.change("acme", req(basic))
		if res.Preview.AmountDueNow != testkit.USD(0) || res.Preview.Credit != testkit.USD(0) {
			t.Errorf("preview due %+v credit %+v, want nothing due, paid from the balance", res.Preview.AmountDueNow, res.Preview.Credit)
		}
		if *res.Preview.NextBill != *nb(basicMonthly-(proUnused-basicMonthly), day(2026, 2, 21)) {
			t.Errorf("next bill = %+v", res.Preview.NextBill)
		}
		wantPeriod(t, res.Subscription, jan21, day(2026, 2, 21))
		e.wantCredit("acme", testkit.USD(proUnused-basicMonthly))
		e.advanceTo(day(2026, 2, 21))
		e.wantInvoices("acme", bill{proMonthly, t0}, bill{368, day(2026, 2, 21)})
		e.wantCredit("acme", testkit.USD(0))
	})
}

func TestDowngradeAtEndOfPeriod(t *testing.T) {
	eop := withJourney(func(j *portico.Journey) { j.Downgrade = portico.EndOfPeriod })
	wantScheduled := func(t *testing.T, s portico.SubscriptionView, typ portico.UpdateType, at time.Time, plan string, period portico.BillingPeriod) {
		t.Helper()
		if len(s.ScheduledUpdates) != 1 {
			t.Fatalf("scheduled updates = %+v, want one", s.ScheduledUpdates)
		}
		u := s.ScheduledUpdates[0]
		if u.Type != typ || !u.EffectiveAt.Equal(at) || u.TargetPlanID != plan || u.TargetBillingPeriod != period {
			t.Errorf("scheduled update = %+v, want %s to %s %s at %v", u, typ, plan, period, at)
		}
	}
	schedule := func(t *testing.T) *env {
		e := newEnv(t, eop)
		e.subscribePro("acme")
		e.clk.AdvanceTo(jan11)
		pv := e.preview("acme", req(basic))
		res := e.change("acme", req(basic))
		want := portico.Preview{Intent: portico.IntentDowngrade, Effective: portico.EndOfPeriod, EffectiveAt: feb1,
			AmountDueNow: testkit.USD(0), Credit: testkit.USD(0), NextBill: nb(basicMonthly, feb1), UsageReset: true,
			Lines: []portico.Line{}}
		got := res.Preview
		got.Gained, got.Lost, got.BelowUsage, got.DroppedAddons = nil, nil, nil, nil
		if !reflect.DeepEqual(got, want) {
			t.Errorf("preview = %+v, want %+v", got, want)
		}
		if !reflect.DeepEqual(*pv, res.Preview) {
			t.Errorf("Preview = %+v, the change reported %+v", *pv, res.Preview)
		}
		s := res.Subscription
		if s.Plan.ID != pro || s.Status != portico.StatusActive || s.CancelAt != nil {
			t.Errorf("subscription = %+v, want still on pro", s)
		}
		wantScheduled(t, s, portico.UpdatePlanChange, feb1, basic, portico.Monthly)
		wantScheduled(t, e.appSub("acme"), portico.UpdatePlanChange, feb1, basic, portico.Monthly)
		e.wantCredit("acme", portico.Money{Currency: "usd"})
		return e
	}

	t.Run("applied by the scheduler at the period end", func(t *testing.T) {
		e := schedule(t)
		if n := e.advanceTo(feb1.Add(-time.Second)); n != 0 {
			t.Errorf("RunDue before the period end applied %d", n)
		}
		if s := e.appSub("acme"); s.Plan.ID != pro {
			t.Errorf("plan a second before the period end = %s", s.Plan.ID)
		}
		if n := e.advanceTo(feb1); n != 1 {
			t.Errorf("RunDue at the period end applied %d, want 1", n)
		}
		s := e.appSub("acme")
		if s.Plan.ID != basic || s.Price != testkit.USD(basicMonthly) || len(s.ScheduledUpdates) != 0 {
			t.Errorf("subscription after the period end = %+v", s)
		}
		wantPeriod(t, s, feb1, mar1)
		e.wantInvoices("acme", bill{proMonthly, t0}, bill{basicMonthly, feb1})
		if ents := e.ents("acme", ""); ents[seats].Limit != 5 || ents[sso].HasAccess {
			t.Errorf("entitlements after the downgrade = %+v", ents)
		}
		e.advanceTo(mar1)
		e.wantInvoices("acme", bill{proMonthly, t0}, bill{basicMonthly, feb1}, bill{basicMonthly, mar1})
	})

	t.Run("applied on the next access", func(t *testing.T) {
		e := schedule(t)
		e.clk.AdvanceTo(day(2026, 2, 3))
		if got := e.ents("acme", "")[seats].Limit; got != 5 {
			t.Errorf("seats on the next access = %d, want basic's 5", got)
		}
		s := e.appSub("acme")
		if s.Plan.ID != basic {
			t.Errorf("plan = %s, want basic", s.Plan.ID)
		}
		wantPeriod(t, s, feb1, mar1)
		e.wantInvoices("acme", bill{proMonthly, t0}, bill{basicMonthly, feb1})
	})

	t.Run("CancelScheduled keeps the plan", func(t *testing.T) {
		e := schedule(t)
		sub := e.appSub("acme")
		v, err := e.eng.CancelScheduled(e.ctx, "acme", sub.ID, portal("acme"))
		if err != nil {
			t.Fatal(err)
		}
		if len(v.ScheduledUpdates) != 0 || len(e.appSub("acme").ScheduledUpdates) != 0 {
			t.Errorf("scheduled updates after CancelScheduled = %+v", v.ScheduledUpdates)
		}
		_, err = e.eng.CancelScheduled(e.ctx, "acme", sub.ID, portal("acme"))
		wantKind(t, err, portico.KindConflict)
		e.advanceTo(feb1)
		s := e.appSub("acme")
		if s.Plan.ID != pro {
			t.Errorf("plan = %s, want pro", s.Plan.ID)
		}
		wantPeriod(t, s, feb1, mar1)
		e.wantInvoices("acme", bill{proMonthly, t0}, bill{proMonthly, feb1})
	})

	t.Run("annual to monthly at the end of the year", func(t *testing.T) {
		e := newEnv(t, eop)
		e.subscribePro("acme")
		e.change("acme", reqP(pro, portico.Annually)) // upgrade: immediate
		e.wantInvoices("acme", bill{proMonthly, t0}, bill{proAnnual - proMonthly, t0})
		e.clk.AdvanceTo(jan11)
		res := e.change("acme", reqP(pro, portico.Monthly))
		if res.Preview.Intent != portico.IntentSwitchPeriod || res.Preview.Effective != portico.EndOfPeriod ||
			!res.Preview.EffectiveAt.Equal(y2027) {
			t.Errorf("preview = %+v", res.Preview)
		}
		wantScheduled(t, res.Subscription, portico.UpdatePeriodChange, y2027, pro, portico.Monthly)
		e.advanceTo(y2027)
		s := e.appSub("acme")
		if s.BillingPeriod != portico.Monthly || s.Price != testkit.USD(proMonthly) {
			t.Errorf("subscription = %+v, want monthly", s)
		}
		wantPeriod(t, s, y2027, day(2027, 2, 1))
		e.wantInvoices("acme", bill{proMonthly, t0}, bill{proAnnual - proMonthly, t0}, bill{proMonthly, y2027})
	})

	t.Run("a later downgrade replaces the scheduled one", func(t *testing.T) {
		e := schedule(t)
		res := e.change("acme", req(free))
		wantScheduled(t, res.Subscription, portico.UpdatePlanChange, feb1, free, portico.Monthly)
		e.advanceTo(feb1)
		s := e.appSub("acme")
		if s.Plan.ID != free || s.Pricing != portico.PricingFree {
			t.Errorf("plan = %s, want free", s.Plan.ID)
		}
		wantPeriod(t, s, feb1, mar1)
		e.wantInvoices("acme", bill{proMonthly, t0})
	})

	t.Run("an upgrade drops the scheduled downgrade", func(t *testing.T) {
		e := schedule(t)
		res := e.change("acme", reqP(pro, portico.Annually))
		if res.Preview.Effective != portico.Immediate || res.Preview.AmountDueNow != testkit.USD(proAnnual-proUnused) {
			t.Errorf("preview = %+v", res.Preview)
		}
		if len(res.Subscription.ScheduledUpdates) != 0 {
			t.Errorf("scheduled updates = %+v, want none", res.Subscription.ScheduledUpdates)
		}
		wantPeriod(t, res.Subscription, jan11, day(2027, 1, 11))
		e.advanceTo(mar1)
		if s := e.appSub("acme"); s.Plan.ID != pro || s.BillingPeriod != portico.Annually {
			t.Errorf("subscription = %+v", s)
		}
	})
}

func TestUsageResetOnPlanChange(t *testing.T) {
	withCalls := portico.AddonQuantity{ID: extraCalls, Quantity: 1}
	ent := testkit.Ptr(testkit.USD(50000))
	transitions := []struct {
		name         string
		from         []portico.ChangeRequest
		to           portico.ChangeRequest
		anchorChange bool
	}{
		{"basic to pro", []portico.ChangeRequest{req(basic)}, req(pro), false},
		{"pro to basic", []portico.ChangeRequest{req(basic), req(pro)}, req(basic), false},
		{"add-ons only", []portico.ChangeRequest{reqA(basic, withCalls)}, req(basic), false},
		{"free to paid", []portico.ChangeRequest{req(free)}, req(basic), true},
		{"paid to free", []portico.ChangeRequest{req(basic)}, req(free), true},
		{"monthly to annual", []portico.ChangeRequest{req(basic)}, reqP(basic, portico.Annually), true},
		{"annual to monthly", []portico.ChangeRequest{reqP(basic, portico.Annually)}, reqP(basic, portico.Monthly), true},
		{"paid to custom", []portico.ChangeRequest{req(basic)}, portico.ChangeRequest{PlanID: enterprise, Price: ent}, true},
		{"custom to paid", []portico.ChangeRequest{{PlanID: enterprise, Price: ent}}, req(basic), true},
	}
	for _, mode := range portico.UsageReset("").Values() {
		for _, tr := range transitions {
			reset := mode == portico.ResetAlways || (mode == portico.ResetOnAnchorChange && tr.anchorChange)
			t.Run(string(mode)+"/"+tr.name, func(t *testing.T) {
				e := newEnv(t, withJourney(func(j *portico.Journey) { j.UsageReset = mode }))
				e.createCustomer("acme", nil)
				for _, r := range tr.from {
					e.change("acme", r)
				}
				e.clk.AdvanceTo(day(2026, 1, 5))
				e.report("acme", "", apiCalls, 700)
				e.report("acme", "", exports, 4)
				e.report("acme", "", seats, 3)
				e.clk.AdvanceTo(jan11)
				pv := e.preview("acme", tr.to)
				res := e.change("acme", tr.to)
				if pv.UsageReset != reset || res.Preview.UsageReset != reset {
					t.Errorf("usageReset: preview %v, change %v; want %v", pv.UsageReset, res.Preview.UsageReset, reset)
				}
				wantCalls, wantExports := int64(700), int64(4)
				if reset {
					wantCalls, wantExports = 0, 0
				}
				ents := e.ents("acme", "")
				if ents[apiCalls].Usage != wantCalls || ents[exports].Usage != wantExports {
					t.Errorf("metered usage after the change: api-calls %d, exports %d; want %d, %d",
						ents[apiCalls].Usage, ents[exports].Usage, wantCalls, wantExports)
				}
				if ents[seats].Usage != 3 {
					t.Errorf("seats usage = %d, numeric usage never resets", ents[seats].Usage)
				}
				if got := e.report("acme", "", apiCalls, 5).Usage; got != wantCalls+5 {
					t.Errorf("usage after reporting 5 more = %d, want %d", got, wantCalls+5)
				}
			})
		}
	}

	t.Run("scheduled downgrades", func(t *testing.T) {
		cases := []struct {
			mode   portico.UsageReset
			to     string
			export int64 // yearly-reset usage after the change on Feb 1
		}{
			{portico.ResetAlways, basic, 0},
			{portico.ResetNever, basic, 4},
			{portico.ResetOnAnchorChange, basic, 4},
			{portico.ResetAlways, free, 0},
			{portico.ResetNever, free, 4},
			{portico.ResetOnAnchorChange, free, 0},
		}
		for _, tc := range cases {
			t.Run(string(tc.mode)+"/pro to "+tc.to, func(t *testing.T) {
				e := newEnv(t, withJourney(func(j *portico.Journey) {
					j.UsageReset, j.Downgrade = tc.mode, portico.EndOfPeriod
				}))
				e.subscribePro("acme")
				e.clk.AdvanceTo(day(2026, 1, 5))
				e.report("acme", "", exports, 4)
				e.report("acme", "", apiCalls, 700)
				e.clk.AdvanceTo(jan11)
				e.change("acme", req(tc.to))
				if got := e.usageOf("acme", "", exports); got != 4 {
					t.Errorf("exports before the scheduled change = %d, want 4", got)
				}
				e.advanceTo(feb1)
				if s := e.appSub("acme"); s.Plan.ID != tc.to {
					t.Fatalf("plan = %s, want %s", s.Plan.ID, tc.to)
				}
				ents := e.ents("acme", "")
				if ents[exports].Usage != tc.export {
					t.Errorf("exports after the change = %d, want %d", ents[exports].Usage, tc.export)
				}
				if ents[apiCalls].Usage != 0 {
					t.Errorf("api-calls after the period end = %d, want 0 (a new month)", ents[apiCalls].Usage)
				}
			})
		}
	})
}

// withCI adds a second single-subscription product, "ci", that starts on
// a free plan granting a metered feature of its own.
func withCI(cat *portico.Catalog) *portico.Catalog {
	cat.Features = append(cat.Features, portico.Feature{ID: "builds", Name: "Builds", Type: portico.FeatureMetered, ResetPeriod: "month"})
	cat.Products = append(cat.Products, portico.Product{ID: "ci", Name: "Acme CI", SubscriptionType: portico.SubscriptionSingle,
		Journey: portico.Journey{Start: portico.StartFreePlan, FreePlanID: "ci-free", Downgrade: portico.Immediate,
			UsageReset: portico.ResetAlways, Cancellation: portico.Immediate, AfterCancel: portico.AfterCancelRevoke}})
	cat.Plans = append(cat.Plans, portico.Plan{ID: "ci-free", ProductID: "ci", Name: "CI Free", Pricing: portico.PricingFree,
		Entitlements: []portico.Entitlement{{FeatureID: "builds", Limit: 100}}})
	return cat
}

func TestUsageResetStaysWithinTheProduct(t *testing.T) {
	for _, mode := range []portico.UsageReset{portico.ResetAlways, portico.ResetOnAnchorChange} {
		t.Run(string(mode), func(t *testing.T) {
			e := newEnvAt(t, t0, withCI(testCatalog(withJourney(func(j *portico.Journey) { j.UsageReset = mode }))))
			e.createCustomer("acme", nil)
			e.change("acme", req(free))
			e.clk.AdvanceTo(day(2026, 1, 5))
			e.report("acme", "", "builds", 40)
			e.report("acme", "", apiCalls, 700)
			e.clk.AdvanceTo(jan11)
			e.change("acme", req(basic)) // free to paid: resets app usage in both modes
			ents := e.ents("acme", "")
			if ents[apiCalls].Usage != 0 {
				t.Errorf("api-calls = %d, want 0", ents[apiCalls].Usage)
			}
			if b := ents["builds"]; b.Usage != 40 || !timeEq(b.ResetAt, testkit.Ptr(feb1)) {
				t.Errorf("builds = %+v, want the CI product's 40 kept until its own reset on Feb 1", b)
			}
			e.advanceTo(feb1)
			if b := e.ents("acme", "")["builds"]; b.Usage != 0 {
				t.Errorf("builds on Feb 1 = %d, want 0", b.Usage)
			}
		})
	}
}

func TestMeteredUsageResetsEachPeriodFromTheAnchor(t *testing.T) {
	t.Run("month-end anchor", func(t *testing.T) {
		jan31 := day(2026, 1, 31)
		e := newEnvAt(t, jan31, testCatalog(withJourney(nil)))
		e.createCustomer("acme", nil)
		e.change("acme", req(basic))
		v := e.report("acme", "", apiCalls, 500)
		if v.Usage != 500 || !v.HasAccess || v.Limit != 10000 || !timeEq(v.ResetAt, testkit.Ptr(day(2026, 2, 28))) {
			t.Errorf("after reporting = %+v, want 500 of 10000 resetting Feb 28", v)
		}
		if v := e.report("acme", "", exports, 3); !timeEq(v.ResetAt, testkit.Ptr(day(2027, 1, 31))) {
			t.Errorf("exports reset at %v, want 2027-01-31", v.ResetAt)
		}
		steps := []struct {
			at      time.Time
			report  int64
			calls   int64
			resetAt time.Time
			exports int64
		}{
			{day(2026, 2, 28).Add(-time.Hour), 0, 500, day(2026, 2, 28), 3},
			{day(2026, 2, 28), 0, 0, day(2026, 3, 31), 3},
			{day(2026, 3, 1), 10, 10, day(2026, 3, 31), 3},
			{day(2026, 3, 31), 0, 0, day(2026, 4, 30), 3},
			{day(2027, 1, 30), 0, 0, day(2027, 1, 31), 3},
			{day(2027, 1, 31), 0, 0, day(2027, 2, 28), 0},
		}
		for _, st := range steps {
			e.advanceTo(st.at)
			if st.report > 0 {
				e.report("acme", "", apiCalls, st.report)
			}
			ents := e.ents("acme", "")
			c := ents[apiCalls]
			if c.Usage != st.calls || !timeEq(c.ResetAt, &st.resetAt) {
				t.Errorf("at %v: api-calls %d resetting %v, want %d resetting %v", st.at, c.Usage, c.ResetAt, st.calls, st.resetAt)
			}
			if ents[exports].Usage != st.exports {
				t.Errorf("at %v: exports %d, want %d", st.at, ents[exports].Usage, st.exports)
			}
		}
	})

	t.Run("the anchor moves with the billing anchor", func(t *testing.T) {
		e := newEnv(t, withJourney(func(j *portico.Journey) { j.UsageReset = portico.ResetNever }))
		e.createCustomer("acme", nil)
		e.change("acme", req(basic))
		e.clk.AdvanceTo(day(2026, 1, 5))
		e.report("acme", "", apiCalls, 700)
		e.clk.AdvanceTo(jan11)
		e.change("acme", reqP(basic, portico.Annually))
		e.advanceTo(feb1)
		if c := e.ents("acme", "")[apiCalls]; c.Usage != 700 || !timeEq(c.ResetAt, testkit.Ptr(feb11)) {
			t.Errorf("on Feb 1: %+v, want 700 kept until Feb 11", c)
		}
		e.advanceTo(feb11)
		if c := e.ents("acme", "")[apiCalls]; c.Usage != 0 || !timeEq(c.ResetAt, testkit.Ptr(day(2026, 3, 11))) {
			t.Errorf("on Feb 11: %+v, want 0 until Mar 11", c)
		}
	})
}

func TestCancellation(t *testing.T) {
	cases := []struct {
		name         string
		cancellation portico.Timing
		afterCancel  portico.AfterCancel
		// right after cancelling on Jan 11
		status   portico.SubscriptionStatus
		plan     string
		credit   int64
		cancelAt *time.Time
		endedAt  *time.Time
		// on Feb 2
		statusLater portico.SubscriptionStatus
		planLater   string
		endedLater  *time.Time
		periodLater [2]time.Time
		seatsLater  int64 // 0: no access
	}{
		{name: "immediate, revoke", cancellation: portico.Immediate, afterCancel: portico.AfterCancelRevoke,
			status: portico.StatusCanceled, plan: pro, credit: proUnused, endedAt: testkit.Ptr(jan11),
			statusLater: portico.StatusCanceled, planLater: pro, endedLater: testkit.Ptr(jan11), periodLater: [2]time.Time{t0, feb1}},
		{name: "immediate, downgrade to free", cancellation: portico.Immediate, afterCancel: portico.AfterCancelDowngradeToFree,
			status: portico.StatusActive, plan: free, credit: proUnused,
			statusLater: portico.StatusActive, planLater: free, periodLater: [2]time.Time{jan11, feb11}, seatsLater: 2},
		{name: "end of period, revoke", cancellation: portico.EndOfPeriod, afterCancel: portico.AfterCancelRevoke,
			status: portico.StatusActive, plan: pro, credit: 0, cancelAt: testkit.Ptr(feb1),
			statusLater: portico.StatusCanceled, planLater: pro, endedLater: testkit.Ptr(feb1), periodLater: [2]time.Time{t0, feb1}},
		{name: "end of period, downgrade to free", cancellation: portico.EndOfPeriod, afterCancel: portico.AfterCancelDowngradeToFree,
			status: portico.StatusActive, plan: pro, credit: 0, cancelAt: testkit.Ptr(feb1),
			statusLater: portico.StatusActive, planLater: free, periodLater: [2]time.Time{feb1, mar1}, seatsLater: 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, withJourney(func(j *portico.Journey) {
				j.Cancellation, j.AfterCancel = tc.cancellation, tc.afterCancel
			}))
			sub := e.subscribePro("acme")
			e.clk.AdvanceTo(jan11)
			res := e.cancel("acme", sub.ID)
			s := res.Subscription
			if s.ID != sub.ID || s.Status != tc.status || s.Plan.ID != tc.plan || res.Credit != testkit.USD(tc.credit) {
				t.Errorf("after cancelling: %s on %s, credit %+v; want %s on %s, credit %d usd", s.Status, s.Plan.ID, res.Credit, tc.status, tc.plan, tc.credit)
			}
			if !timeEq(s.CancelAt, tc.cancelAt) || !timeEq(s.EndedAt, tc.endedAt) {
				t.Errorf("cancelAt %v endedAt %v, want %v and %v", s.CancelAt, s.EndedAt, tc.cancelAt, tc.endedAt)
			}
			if tc.cancellation == portico.EndOfPeriod {
				want := portico.ScheduledUpdate{Type: portico.UpdateCancellation, EffectiveAt: feb1, CreatedAt: jan11}
				if tc.afterCancel == portico.AfterCancelDowngradeToFree {
					want.DowngradeToPlanID, want.TargetPlanName = free, "Free"
				}
				if len(s.ScheduledUpdates) != 1 || !reflect.DeepEqual(normUpdate(s.ScheduledUpdates[0]), want) {
					t.Errorf("scheduled updates = %+v, want [%+v]", s.ScheduledUpdates, want)
				}
				if !e.ents("acme", "")[sso].HasAccess {
					t.Errorf("access ended before the period end")
				}
				p, err := e.eng.Portal(e.ctx, portico.PortalScope{CustomerID: "acme"})
				if err != nil {
					t.Fatal(err)
				}
				if p.NextBill != nil {
					t.Errorf("next bill after cancelling = %+v, want none", p.NextBill)
				}
			}
			if tc.credit > 0 {
				e.wantCredit("acme", testkit.USD(tc.credit))
			}

			e.advanceTo(day(2026, 2, 2))
			later := e.appSub("acme")
			if later.ID != sub.ID || later.Status != tc.statusLater || later.Plan.ID != tc.planLater || !timeEq(later.EndedAt, tc.endedLater) {
				t.Errorf("on Feb 2: %s on %s ended %v; want %s on %s ended %v", later.Status, later.Plan.ID, later.EndedAt, tc.statusLater, tc.planLater, tc.endedLater)
			}
			if later.CancelAt != nil || len(later.ScheduledUpdates) != 0 {
				t.Errorf("on Feb 2: cancelAt %v, scheduled %+v; want none", later.CancelAt, later.ScheduledUpdates)
			}
			wantPeriod(t, later, tc.periodLater[0], tc.periodLater[1])
			e.wantInvoices("acme", bill{proMonthly, t0})
			ents := e.ents("acme", "")
			if tc.seatsLater == 0 {
				if len(ents) != 0 {
					t.Errorf("entitlements after revoking = %+v, want none", ents)
				}
				if n := e.liveCount("acme", app, ""); n != 0 {
					t.Errorf("%d live subscriptions, want none", n)
				}
			} else if ents[seats].Limit != tc.seatsLater || ents[sso].HasAccess {
				t.Errorf("entitlements on the free plan = %+v", ents)
			}
		})
	}
}

// normUpdate puts an update's times in UTC for comparison.
func normUpdate(u portico.ScheduledUpdate) portico.ScheduledUpdate {
	u.EffectiveAt, u.CreatedAt = u.EffectiveAt.UTC(), u.CreatedAt.UTC()
	return u
}

func TestCancellationEdges(t *testing.T) {
	t.Run("an ended subscription cannot be cancelled again", func(t *testing.T) {
		e := newEnv(t, withJourney(nil))
		sub := e.subscribePro("acme")
		e.cancel("acme", sub.ID)
		_, err := e.eng.Cancel(e.ctx, "acme", sub.ID, portico.CancelRequest{}, engine.Backend)
		wantKind(t, err, portico.KindConflict)
	})

	t.Run("cancelling the free plan under downgrade_to_free revokes it", func(t *testing.T) {
		e := newEnv(t, withJourney(func(j *portico.Journey) {
			j.Start, j.AfterCancel = portico.StartFreePlan, portico.AfterCancelDowngradeToFree
		}))
		sub := e.createCustomer("acme", nil).Subscriptions[0]
		res := e.cancel("acme", sub.ID)
		if res.Subscription.Status != portico.StatusCanceled || res.Credit.Amount != 0 {
			t.Errorf("result = %+v", res)
		}
	})

	t.Run("a trial cancelled immediately leaves no credit", func(t *testing.T) {
		e := newEnv(t, withJourney(func(j *portico.Journey) { j.Start = portico.StartTrial }))
		sub := e.createCustomer("acme", nil).Subscriptions[0]
		e.clk.AdvanceTo(day(2026, 1, 5))
		res := e.cancel("acme", sub.ID)
		s := res.Subscription
		if s.Status != portico.StatusCanceled || res.Credit.Amount != 0 || !timeEq(s.EndedAt, testkit.Ptr(day(2026, 1, 5))) ||
			!timeEq(s.TrialEndsAt, testkit.Ptr(day(2026, 1, 5))) {
			t.Errorf("result = %+v", res)
		}
		if c := e.credit("acme"); c.Amount != 0 {
			t.Errorf("credit = %+v, want none", c)
		}
	})

	t.Run("a trial cancelled at its end does not convert", func(t *testing.T) {
		e := newEnv(t, withJourney(func(j *portico.Journey) {
			j.Start, j.Cancellation = portico.StartTrial, portico.EndOfPeriod
		}))
		sub := e.createCustomer("acme", withCard()).Subscriptions[0]
		res := e.cancel("acme", sub.ID)
		if !timeEq(res.Subscription.CancelAt, testkit.Ptr(jan15)) || res.Subscription.Status != portico.StatusTrialing {
			t.Errorf("result = %+v", res.Subscription)
		}
		e.advanceTo(feb1)
		if s := e.appSub("acme"); s.Status != portico.StatusCanceled || !timeEq(s.EndedAt, testkit.Ptr(jan15)) {
			t.Errorf("after the trial: %s ended %v, want canceled on Jan 15", s.Status, s.EndedAt)
		}
		e.wantInvoices("acme")
	})

	t.Run("CancelScheduled revokes a cancellation at period end", func(t *testing.T) {
		e := newEnv(t, withJourney(func(j *portico.Journey) { j.Cancellation = portico.EndOfPeriod }))
		sub := e.subscribePro("acme")
		e.cancel("acme", sub.ID)
		v, err := e.eng.CancelScheduled(e.ctx, "acme", sub.ID, portal("acme"))
		if err != nil {
			t.Fatal(err)
		}
		if v.CancelAt != nil || len(v.ScheduledUpdates) != 0 {
			t.Errorf("after CancelScheduled: %+v", v)
		}
		e.advanceTo(feb1)
		if s := e.appSub("acme"); s.Status != portico.StatusActive {
			t.Errorf("status = %s", s.Status)
		}
		e.wantInvoices("acme", bill{proMonthly, t0}, bill{proMonthly, feb1})
	})

	t.Run("the portal can cancel a custom-priced subscription", func(t *testing.T) {
		e := newEnv(t, withJourney(nil))
		e.createCustomer("acme", nil)
		sub := e.change("acme", portico.ChangeRequest{PlanID: enterprise, Price: testkit.Ptr(testkit.USD(31000))}).Subscription
		e.clk.AdvanceTo(jan11)
		res, err := e.eng.Cancel(e.ctx, "acme", sub.ID, portico.CancelRequest{}, portal("acme"))
		if err != nil {
			t.Fatal(err)
		}
		// 31000 × 21/31
		if res.Subscription.Status != portico.StatusCanceled || res.Credit != testkit.USD(21000) {
			t.Errorf("result = %+v", res)
		}
	})

	t.Run("someone else's subscription is not found", func(t *testing.T) {
		e := newEnv(t, withJourney(nil))
		sub := e.subscribePro("acme")
		e.createCustomer("other", nil)
		_, err := e.eng.Cancel(e.ctx, "other", sub.ID, portico.CancelRequest{}, portal("other"))
		wantKind(t, err, portico.KindNotFound)
	})
}

func TestCancelAlsoCancelsOtherProducts(t *testing.T) {
	e := newEnv(t, withJourney(nil))
	sub := e.subscribePro("acme")
	siteA := e.change("acme", portico.ChangeRequest{PlanID: sitePlus, ResourceID: "site-a"}).Subscription
	siteB := e.change("acme", portico.ChangeRequest{PlanID: siteFree, ResourceID: "site-b"}).Subscription
	e.createCustomer("other", nil)
	otherSite := e.change("other", portico.ChangeRequest{PlanID: sitePlus, ResourceID: "site-a"}).Subscription
	e.clk.AdvanceTo(jan11)

	_, err := e.eng.Cancel(e.ctx, "acme", sub.ID, portico.CancelRequest{AlsoCancelProductIDs: []string{"nope"}}, engine.Backend)
	wantField(t, err, "alsoCancelProductIds[0]")
	scoped := engine.PortalActor(portico.PortalScope{CustomerID: "acme", ProductID: app})
	_, err = e.eng.Cancel(e.ctx, "acme", sub.ID, portico.CancelRequest{AlsoCancelProductIDs: []string{sites}}, scoped)
	wantKind(t, err, portico.KindForbidden)
	if n := e.liveCount("acme", sites, "site-a"); n != 1 {
		t.Fatalf("a refused cancellation changed something: %d live site-a subscriptions", n)
	}

	res := e.cancel("acme", sub.ID, sites)
	if res.Subscription.Status != portico.StatusCanceled || len(res.AlsoCanceled) != 2 {
		t.Fatalf("result = %+v", res)
	}
	got := map[string]portico.SubscriptionStatus{}
	for _, s := range res.AlsoCanceled {
		got[s.ID] = s.Status
	}
	if got[siteA.ID] != portico.StatusCanceled || got[siteB.ID] != portico.StatusCanceled {
		t.Errorf("also cancelled = %v, want both sites canceled", got)
	}
	// 2032 for pro, 900 × 21/31 = 609.68 → 610 for site-plus
	if res.Credit != testkit.USD(proUnused+610) {
		t.Errorf("credit = %+v, want 2642 usd", res.Credit)
	}
	e.wantCredit("acme", testkit.USD(proUnused+610))
	for _, r := range []string{"", "site-a", "site-b"} {
		if ents := e.ents("acme", r); len(ents) != 0 {
			t.Errorf("entitlements for resource %q = %+v, want none", r, ents)
		}
	}
	if s := e.sub("other", sites, "site-a"); s.ID != otherSite.ID || s.Status != portico.StatusActive {
		t.Errorf("another customer's site = %+v, want untouched", s)
	}
}

func TestTrialEnd(t *testing.T) {
	cases := []struct {
		name        string
		afterCancel portico.AfterCancel
		card        string // "": none, "create": given at creation, "later": set during the trial
		status      portico.SubscriptionStatus
		plan        string
		endedAt     *time.Time
		invoices    []bill
		seats       int64 // 0: no access
	}{
		{"card, revoke", portico.AfterCancelRevoke, "later", portico.StatusActive, pro, nil, []bill{{proMonthly, jan15}}, 10},
		{"card, downgrade to free", portico.AfterCancelDowngradeToFree, "create", portico.StatusActive, pro, nil, []bill{{proMonthly, jan15}}, 10},
		{"no card, revoke", portico.AfterCancelRevoke, "", portico.StatusExpired, pro, testkit.Ptr(jan15), nil, 0},
		{"no card, downgrade to free (reverse trial)", portico.AfterCancelDowngradeToFree, "", portico.StatusActive, free, nil, nil, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, withJourney(func(j *portico.Journey) { j.Start, j.AfterCancel = portico.StartTrial, tc.afterCancel }))
			var profile *portico.BillingProfile
			if tc.card == "create" {
				profile = withCard()
			}
			trial := e.createCustomer("acme", profile).Subscriptions[0]
			if tc.card == "later" {
				e.clk.AdvanceTo(day(2026, 1, 10))
				e.setPaymentMethod("acme")
			}
			// Before the trial's end, only its reminder (trial.ends_soon,
			// three days before) falls due.
			if n := e.advanceTo(jan15.Add(-time.Second)); n != 1 {
				t.Errorf("RunDue before the trial end applied %d, want 1 (the reminder)", n)
			}
			if s := e.appSub("acme"); s.Status != portico.StatusTrialing {
				t.Fatalf("status before the trial end = %s", s.Status)
			}
			if n := e.advanceTo(jan15); n != 1 {
				t.Errorf("RunDue at the trial end applied %d, want 1", n)
			}
			s := e.appSub("acme")
			if s.ID != trial.ID || s.Status != tc.status || s.Plan.ID != tc.plan || !timeEq(s.EndedAt, tc.endedAt) {
				t.Errorf("after the trial: %s on %s ended %v; want %s on %s ended %v", s.Status, s.Plan.ID, s.EndedAt, tc.status, tc.plan, tc.endedAt)
			}
			if tc.status == portico.StatusActive {
				wantPeriod(t, s, jan15, day(2026, 2, 15))
			}
			e.wantInvoices("acme", tc.invoices...)
			ents := e.ents("acme", "")
			if tc.seats == 0 && len(ents) != 0 {
				t.Errorf("entitlements = %+v, want none", ents)
			}
			if tc.seats != 0 && ents[seats].Limit != tc.seats {
				t.Errorf("seats = %+v, want %d", ents[seats], tc.seats)
			}
			if tc.plan == pro && tc.status == portico.StatusActive {
				e.advanceTo(day(2026, 2, 15))
				e.wantInvoices("acme", bill{proMonthly, jan15}, bill{proMonthly, day(2026, 2, 15)})
			}
		})
	}

	t.Run("an annual trial converts to a year", func(t *testing.T) {
		e := newEnv(t, withJourney(nil))
		e.createCustomer("acme", withCard())
		res := e.change("acme", reqP(pro, portico.Annually))
		if res.Subscription.Status != portico.StatusTrialing || *res.Preview.NextBill != *nb(proAnnual, jan15) {
			t.Fatalf("result = %+v", res)
		}
		e.advanceTo(feb1)
		s := e.appSub("acme")
		if s.Status != portico.StatusActive || s.BillingPeriod != portico.Annually {
			t.Errorf("subscription = %+v", s)
		}
		wantPeriod(t, s, jan15, day(2027, 1, 15))
		e.wantInvoices("acme", bill{proAnnual, jan15})
	})

	t.Run("the trial ends on the next access", func(t *testing.T) {
		e := newEnv(t, withJourney(func(j *portico.Journey) { j.Start = portico.StartTrial }))
		e.createCustomer("acme", nil)
		e.clk.AdvanceTo(day(2026, 1, 20))
		if s := e.appSub("acme"); s.Status != portico.StatusExpired || !timeEq(s.EndedAt, testkit.Ptr(jan15)) {
			t.Errorf("subscription = %+v, want expired on Jan 15", s)
		}
	})
}

func TestSingleAndMultipleSubscriptionProducts(t *testing.T) {
	t.Run("single: a new subscription is a change", func(t *testing.T) {
		e := newEnv(t, withJourney(nil))
		e.createCustomer("acme", nil)
		first := e.change("acme", req(free)).Subscription
		for _, r := range []portico.ChangeRequest{req(basic), req(pro), reqP(pro, portico.Annually)} {
			if s := e.change("acme", r).Subscription; s.ID != first.ID {
				t.Errorf("change to %+v made subscription %s, want %s changed", r, s.ID, first.ID)
			}
		}
		if subs := e.rawSubs("acme"); len(subs) != 1 {
			t.Errorf("%d subscriptions stored, want 1", len(subs))
		}
		_, err := e.eng.ChangeSubscription(e.ctx, "acme", reqP(pro, portico.Annually), engine.Backend)
		wantKind(t, err, portico.KindConflict)
	})

	t.Run("multiple: one subscription per resource", func(t *testing.T) {
		e := newEnv(t, withJourney(nil))
		e.createCustomer("acme", nil)
		_, err := e.eng.ChangeSubscription(e.ctx, "acme", req(sitePlus), engine.Backend)
		wantField(t, err, "resourceId")

		a := e.change("acme", portico.ChangeRequest{PlanID: sitePlus, ResourceID: "site-a"})
		b := e.change("acme", portico.ChangeRequest{PlanID: siteFree, ResourceID: "site-b"})
		if a.Subscription.ID == b.Subscription.ID || a.Preview.AmountDueNow != testkit.USD(sitePlusMonth) {
			t.Fatalf("site-a %+v, site-b %+v", a, b)
		}
		e.report("acme", "site-a", pages, 7)
		e.report("acme", "site-b", pages, 3)
		want := map[string][2]int64{"site-a": {100, 7}, "site-b": {10, 3}}
		for r, w := range want {
			p := e.ents("acme", r)[pages]
			if p.Limit != w[0] || p.Usage != w[1] || !p.HasAccess {
				t.Errorf("pages on %s = %+v, want limit %d usage %d", r, p, w[0], w[1])
			}
		}
		if _, ok := e.ents("acme", "")[pages]; ok {
			t.Errorf("pages granted without a resource")
		}

		e.clk.AdvanceTo(jan11)
		up := e.change("acme", portico.ChangeRequest{PlanID: sitePlus, ResourceID: "site-b"})
		if up.Subscription.ID != b.Subscription.ID || up.Preview.AmountDueNow != testkit.USD(sitePlusMonth) {
			t.Errorf("site-b upgrade = %+v, want the same subscription charged 900 from a new period", up)
		}
		for _, r := range []string{"site-a", "site-b"} {
			if n := e.liveCount("acme", sites, r); n != 1 {
				t.Errorf("%d live subscriptions for %s, want 1", n, r)
			}
			if got := e.ents("acme", r)[pages].Limit; got != 100 {
				t.Errorf("pages on %s = %d, want 100", r, got)
			}
		}

		scoped := engine.PortalActor(portico.PortalScope{CustomerID: "acme", ResourceID: "site-a"})
		_, err = e.eng.ChangeSubscription(e.ctx, "acme", portico.ChangeRequest{PlanID: siteFree, ResourceID: "site-b"}, scoped)
		wantKind(t, err, portico.KindForbidden)
		res, err := e.eng.ChangeSubscription(e.ctx, "acme", req(siteFree), scoped)
		if err != nil {
			t.Fatal(err)
		}
		if res.Subscription.ID != a.Subscription.ID || res.Subscription.Plan.ID != siteFree {
			t.Errorf("scoped change = %+v, want site-a moved to site-free", res.Subscription)
		}
	})
}

func TestCustomPricedPlans(t *testing.T) {
	e := newEnv(t, withJourney(nil))
	e.createCustomer("acme", nil)

	_, err := e.eng.ChangeSubscription(e.ctx, "acme", req(enterprise), portal("acme"))
	wantKind(t, err, portico.KindForbidden)
	_, err = e.eng.Preview(e.ctx, "acme", req(enterprise), portal("acme"))
	wantKind(t, err, portico.KindForbidden)
	_, err = e.eng.ChangeSubscription(e.ctx, "acme", portico.ChangeRequest{PlanID: enterprise, Price: testkit.Ptr(testkit.USD(1))}, portal("acme"))
	wantKind(t, err, portico.KindForbidden)
	_, err = e.eng.ChangeSubscription(e.ctx, "acme", req(enterprise), engine.Backend)
	wantField(t, err, "price")
	_, err = e.eng.ChangeSubscription(e.ctx, "acme", portico.ChangeRequest{PlanID: basic, Price: testkit.Ptr(testkit.USD(1))}, engine.Backend)
	wantField(t, err, "price")
	if subs := e.rawSubs("acme"); len(subs) != 0 {
		t.Fatalf("refused changes stored %+v", subs)
	}

	res := e.change("acme", portico.ChangeRequest{PlanID: enterprise, Price: testkit.Ptr(testkit.USD(50000))})
	s := res.Subscription
	if s.Status != portico.StatusActive || s.Pricing != portico.PricingCustom || s.Price != testkit.USD(50000) || res.Preview.AmountDueNow != testkit.USD(50000) {
		t.Errorf("provisioned = %+v, preview %+v", s, res.Preview)
	}
	wantPeriod(t, s, t0, feb1)
	if ents := e.ents("acme", ""); !ents[apiCalls].Unlimited || ents[seats].Limit != 100 {
		t.Errorf("entitlements = %+v", ents)
	}

	_, err = e.eng.ChangeSubscription(e.ctx, "acme", req(pro), portal("acme"))
	wantKind(t, err, portico.KindForbidden)
	_, err = e.eng.ChangeSubscription(e.ctx, "acme", req(free), portal("acme"))
	wantKind(t, err, portico.KindForbidden)

	e.advanceTo(feb1)
	e.wantInvoices("acme", bill{50000, t0}, bill{50000, feb1})
	if s := e.appSub("acme"); s.Price != testkit.USD(50000) || s.Plan.ID != enterprise {
		t.Errorf("after renewal = %+v", s)
	}
}

func TestJourneyChangesAreNotRetroactive(t *testing.T) {
	t.Run("a scheduled downgrade keeps its date", func(t *testing.T) {
		eop := withJourney(func(j *portico.Journey) { j.Downgrade = portico.EndOfPeriod })
		e := newEnv(t, eop)
		e.subscribePro("acme")
		e.subscribePro("later")
		e.clk.AdvanceTo(jan11)
		e.change("acme", req(basic))
		e.applyJourney(withJourney(nil)) // downgrade: immediate from now on

		s := e.appSub("acme")
		if s.Plan.ID != pro || len(s.ScheduledUpdates) != 1 || !s.ScheduledUpdates[0].EffectiveAt.Equal(feb1) {
			t.Fatalf("after the journey change: %+v", s)
		}
		e.advanceTo(day(2026, 1, 20))
		if s := e.appSub("acme"); s.Plan.ID != pro {
			t.Errorf("plan on Jan 20 = %s, want pro until Feb 1", s.Plan.ID)
		}
		e.wantCredit("acme", portico.Money{Currency: "usd"})

		// A downgrade asked for now follows the new rule.
		res := e.change("later", req(basic))
		if res.Preview.Effective != portico.Immediate || res.Subscription.Plan.ID != basic {
			t.Errorf("new downgrade = %+v, want immediate", res.Preview)
		}

		e.advanceTo(feb1)
		s = e.appSub("acme")
		if s.Plan.ID != basic {
			t.Errorf("plan on Feb 1 = %s, want basic", s.Plan.ID)
		}
		wantPeriod(t, s, feb1, mar1)
		e.wantInvoices("acme", bill{proMonthly, t0}, bill{basicMonthly, feb1})
	})

	t.Run("a cancellation keeps its date and destination", func(t *testing.T) {
		e := newEnv(t, withJourney(func(j *portico.Journey) {
			j.Cancellation, j.AfterCancel = portico.EndOfPeriod, portico.AfterCancelDowngradeToFree
		}))
		sub := e.subscribePro("acme")
		e.clk.AdvanceTo(jan11)
		e.cancel("acme", sub.ID)
		e.applyJourney(withJourney(nil)) // immediate, revoke
		e.advanceTo(day(2026, 1, 31))
		if s := e.appSub("acme"); s.Plan.ID != pro || !timeEq(s.CancelAt, testkit.Ptr(feb1)) {
			t.Errorf("on Jan 31: %+v, want pro cancelling Feb 1", s)
		}
		e.advanceTo(feb1)
		s := e.appSub("acme")
		if s.Status != portico.StatusActive || s.Plan.ID != free {
			t.Errorf("on Feb 1: %s on %s, want active on free", s.Status, s.Plan.ID)
		}
		e.wantInvoices("acme", bill{proMonthly, t0})
	})

	trialCases := []struct {
		name        string
		atStart     portico.AfterCancel
		later       portico.AfterCancel
		status      portico.SubscriptionStatus
		plan        string
		wantEndedAt *time.Time
	}{
		{"a reverse trial stays a reverse trial", portico.AfterCancelDowngradeToFree, portico.AfterCancelRevoke, portico.StatusActive, free, nil},
		{"a revoking trial still revokes", portico.AfterCancelRevoke, portico.AfterCancelDowngradeToFree, portico.StatusExpired, pro, testkit.Ptr(jan15)},
	}
	for _, tc := range trialCases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, withJourney(func(j *portico.Journey) { j.Start, j.AfterCancel = portico.StartTrial, tc.atStart }))
			e.createCustomer("acme", nil)
			e.clk.AdvanceTo(day(2026, 1, 5))
			e.applyJourney(withJourney(func(j *portico.Journey) { j.Start, j.AfterCancel = portico.StartTrial, tc.later }))
			e.advanceTo(jan15)
			s := e.appSub("acme")
			if s.Status != tc.status || s.Plan.ID != tc.plan || !timeEq(s.EndedAt, tc.wantEndedAt) {
				t.Errorf("after the trial: %s on %s ended %v; want %s on %s", s.Status, s.Plan.ID, s.EndedAt, tc.status, tc.plan)
			}
		})
	}
}

func TestRenewals(t *testing.T) {
	t.Run("monthly periods clamp to the month end without drift", func(t *testing.T) {
		for _, lazy := range []bool{false, true} {
			jan31 := day(2026, 1, 31)
			e := newEnvAt(t, jan31, testCatalog(withJourney(nil)))
			e.createCustomer("acme", nil)
			e.change("acme", reqA(basic, portico.AddonQuantity{ID: extraSeats, Quantity: 2}))
			apr1 := day(2026, 4, 1)
			if lazy {
				e.clk.AdvanceTo(apr1)
			} else if n := e.advanceTo(apr1); n != 2 {
				t.Errorf("RunDue applied %d renewals, want 2", n)
			}
			s := e.appSub("acme")
			wantPeriod(t, s, day(2026, 3, 31), day(2026, 4, 30))
			e.wantInvoices("acme", bill{2200, jan31}, bill{2200, day(2026, 2, 28)}, bill{2200, day(2026, 3, 31)})
			if got := e.invoices("acme"); got[0].Number != "ACME-0001" || got[2].Number != "ACME-0003" || got[2].Description != "Basic (monthly)" {
				t.Errorf("invoices = %+v", got)
			}
		}
	})

	t.Run("annual periods from a leap day", func(t *testing.T) {
		leap := day(2028, 2, 29)
		e := newEnvAt(t, leap, testCatalog(withJourney(nil)))
		e.createCustomer("acme", nil)
		e.change("acme", reqP(basic, portico.Annually))
		e.advanceTo(day(2032, 3, 1))
		wantPeriod(t, e.appSub("acme"), day(2032, 2, 29), day(2033, 2, 28))
		e.wantInvoices("acme", bill{basicAnnual, leap}, bill{basicAnnual, day(2029, 2, 28)}, bill{basicAnnual, day(2030, 2, 28)},
			bill{basicAnnual, day(2031, 2, 28)}, bill{basicAnnual, day(2032, 2, 29)})
	})

	t.Run("free plans renew without invoices", func(t *testing.T) {
		e := newEnv(t, withJourney(func(j *portico.Journey) { j.Start = portico.StartFreePlan }))
		e.createCustomer("acme", nil)
		if n := e.advanceTo(day(2026, 4, 1)); n != 3 {
			t.Errorf("RunDue applied %d, want 3", n)
		}
		wantPeriod(t, e.appSub("acme"), day(2026, 4, 1), day(2026, 5, 1))
		e.wantInvoices("acme")
	})

	t.Run("nothing is due twice", func(t *testing.T) {
		e := newEnv(t, withJourney(nil))
		e.subscribePro("acme")
		e.advanceTo(feb1)
		if n, err := e.eng.RunDue(e.ctx); err != nil || n != 0 {
			t.Errorf("second RunDue = %d, %v; want 0", n, err)
		}
		e.customer("acme")
		e.wantInvoices("acme", bill{proMonthly, t0}, bill{proMonthly, feb1})
	})
}

func TestPreviewMakesNoChangeAndMatchesTheChange(t *testing.T) {
	cases := []struct {
		name    string
		journey portico.Journey
		setup   func(e *env)
		req     portico.ChangeRequest
	}{
		{"start a trial", withJourney(nil), func(e *env) {}, req(pro)},
		{"subscribe", withJourney(nil), func(e *env) {}, reqA(basic, portico.AddonQuantity{ID: extraSeats, Quantity: 2})},
		{"upgrade", withJourney(nil), func(e *env) { e.change("acme", req(basic)) }, req(pro)},
		{"immediate downgrade with credit", withJourney(nil), func(e *env) {
			e.change("acme", req(pro))
			e.change("acme", req(pro))
			e.report("acme", "", seats, 8)
		}, req(basic)},
		{"downgrade at period end", withJourney(func(j *portico.Journey) { j.Downgrade = portico.EndOfPeriod }), func(e *env) {
			e.change("acme", req(pro))
			e.change("acme", req(pro))
		}, req(free)},
		{"switch period", withJourney(nil), func(e *env) { e.change("acme", req(basic)) }, reqP(basic, portico.Annually)},
		{"custom price", withJourney(nil), func(e *env) { e.change("acme", req(basic)) }, portico.ChangeRequest{PlanID: enterprise, Price: testkit.Ptr(testkit.USD(40000))}},
		{"multiple product", withJourney(nil), func(e *env) {}, portico.ChangeRequest{PlanID: sitePlus, ResourceID: "site-a"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.journey)
			e.createCustomer("acme", nil)
			tc.setup(e)
			e.clk.AdvanceTo(jan11)
			e.customer("acme") // settle anything due before taking the snapshot
			before := snapshot(e, "acme")
			pv := e.preview("acme", tc.req)
			if after := snapshot(e, "acme"); !reflect.DeepEqual(before, after) {
				t.Fatalf("Preview changed the state:\nbefore %+v\nafter  %+v", before, after)
			}
			res := e.change("acme", tc.req)
			if !reflect.DeepEqual(*pv, res.Preview) {
				t.Errorf("Preview = %+v\nchange = %+v", *pv, res.Preview)
			}
		})
	}
}

type state struct {
	Customer *portico.CustomerView
	Subs     []*portico.Subscription
	Invoices []portico.Invoice
	Usage    []portico.UsageRecord
}

func snapshot(e *env, customerID string) state {
	e.t.Helper()
	s := state{Customer: e.customer(customerID), Subs: e.rawSubs(customerID), Invoices: e.invoices(customerID)}
	if err := e.st.View(e.ctx, func(tx portico.Tx) error {
		var err error
		s.Usage, err = tx.UsageOf(customerID)
		return err
	}); err != nil {
		e.t.Fatal(err)
	}
	return s
}

func TestPreviewGainedLostAndBelowUsage(t *testing.T) {
	e := newEnv(t, withJourney(func(j *portico.Journey) { j.Downgrade = portico.EndOfPeriod }))
	e.createCustomer("acme", nil)
	e.change("acme", req(basic))

	type line struct {
		feature       string
		change        string
		limit         int64
		unlimited     bool
		prev          *int64
		prevUnlimited bool
	}
	check := func(name string, got []portico.EntitlementLine, want []line) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("%s = %+v, want %d lines", name, got, len(want))
			return
		}
		for i, w := range want {
			g := got[i]
			if g.FeatureID != w.feature || g.Change != w.change || g.Limit != w.limit || g.Unlimited != w.unlimited {
				t.Errorf("%s[%d] = %+v, want %+v", name, i, g, w)
			}
			if !reflect.DeepEqual(g.PreviousLimit, w.prev) || g.PreviousUnlimited != w.prevUnlimited {
				t.Errorf("%s[%d] previous limit %v unlimited %v, want %v %v", name, i, g.PreviousLimit, g.PreviousUnlimited, w.prev, w.prevUnlimited)
			}
		}
	}

	up := e.preview("acme", req(pro))
	check("basic→pro gained", up.Gained, []line{
		{seats, "increased", 10, false, testkit.Ptr[int64](5), false},
		{apiCalls, "increased", 100000, false, testkit.Ptr[int64](10000), false},
		{exports, "increased", 100, false, testkit.Ptr[int64](20), false},
		{sso, "added", 0, false, nil, false},
		{storage, "increased", 0, true, testkit.Ptr[int64](50), false},
	})
	check("basic→pro lost", up.Lost, nil)
	if up.Gained[0].FeatureName != "Seats" || up.Gained[0].Unit != "seat" || up.Gained[0].Type != portico.FeatureNumeric {
		t.Errorf("line = %+v, want the feature's name, unit and type", up.Gained[0])
	}

	e.change("acme", req(pro))
	e.report("acme", "", seats, 8)
	e.report("acme", "", apiCalls, 20000)

	down := e.preview("acme", req(basic))
	check("pro→basic gained", down.Gained, nil)
	check("pro→basic lost", down.Lost, []line{
		{seats, "decreased", 5, false, testkit.Ptr[int64](10), false},
		{apiCalls, "decreased", 10000, false, testkit.Ptr[int64](100000), false},
		{exports, "decreased", 20, false, testkit.Ptr[int64](100), false},
		{storage, "decreased", 50, false, nil, true},
		{sso, "removed", 0, false, nil, false},
	})
	if !slices.Equal(down.BelowUsage, []string{seats, apiCalls}) {
		t.Errorf("belowUsage to basic = %v, want [seats api-calls]", down.BelowUsage)
	}

	withAddons := e.preview("acme", reqA(basic, portico.AddonQuantity{ID: extraSeats, Quantity: 1}, portico.AddonQuantity{ID: extraCalls, Quantity: 1}))
	if len(withAddons.BelowUsage) != 0 {
		t.Errorf("belowUsage to basic with add-ons (10 seats, 60000 calls) = %v, want none", withAddons.BelowUsage)
	}
	check("pro→basic+add-ons lost", withAddons.Lost, []line{
		{apiCalls, "decreased", 60000, false, testkit.Ptr[int64](100000), false},
		{exports, "decreased", 20, false, testkit.Ptr[int64](100), false},
		{storage, "decreased", 50, false, nil, true},
		{sso, "removed", 0, false, nil, false},
	})

	if _, err := e.eng.GrantPromotion(e.ctx, "acme", portico.PromotionRequest{FeatureID: seats, Limit: testkit.Ptr[int64](20)}); err != nil {
		t.Fatal(err)
	}
	if got := e.preview("acme", req(free)).BelowUsage; !slices.Equal(got, []string{apiCalls}) {
		t.Errorf("belowUsage to free with a 20-seat promotion = %v, want [api-calls]", got)
	}
	pw, err := e.eng.Paywall(e.ctx, portico.PortalScope{CustomerID: "acme"}, app, "")
	if err != nil {
		t.Fatal(err)
	}
	below := map[string][]string{}
	for _, p := range pw.Plans {
		below[p.ID] = p.BelowUsage
	}
	if !slices.Equal(below[free], []string{apiCalls}) || !slices.Equal(below[basic], []string{apiCalls}) ||
		len(below[pro]) != 0 || len(below[enterprise]) != 0 {
		t.Errorf("paywall belowUsage = %v", below)
	}
}

func TestPaywallIntents(t *testing.T) {
	eop := withJourney(func(j *portico.Journey) { j.Downgrade = portico.EndOfPeriod })
	cases := []struct {
		name    string
		journey portico.Journey
		setup   func(e *env)
		period  portico.BillingPeriod
		want    map[string]portico.Intent
		shown   portico.BillingPeriod // billing period the paywall shows
	}{
		{"no subscription", eop, func(e *env) {}, "", map[string]portico.Intent{
			free: portico.IntentSubscribe, basic: portico.IntentSubscribe, pro: portico.IntentStartTrial, enterprise: portico.IntentContactSales,
		}, portico.Monthly},
		{"trial used up", withJourney(func(j *portico.Journey) { j.Start = portico.StartTrial }), func(e *env) { e.advanceTo(jan15) }, "", map[string]portico.Intent{
			free: portico.IntentSubscribe, basic: portico.IntentSubscribe, pro: portico.IntentSubscribe, enterprise: portico.IntentContactSales,
		}, portico.Monthly},
		{"trialing", eop, func(e *env) { e.change("acme", req(pro)) }, "", map[string]portico.Intent{
			free: portico.IntentDowngrade, basic: portico.IntentDowngrade, pro: portico.IntentCurrent, enterprise: portico.IntentContactSales,
		}, portico.Monthly},
		{"basic monthly", eop, func(e *env) { e.change("acme", req(basic)) }, "", map[string]portico.Intent{
			free: portico.IntentDowngrade, basic: portico.IntentCurrent, pro: portico.IntentUpgrade, enterprise: portico.IntentContactSales,
		}, portico.Monthly},
		{"basic monthly, annual prices", eop, func(e *env) { e.change("acme", req(basic)) }, portico.Annually, map[string]portico.Intent{
			free: portico.IntentDowngrade, basic: portico.IntentSwitchPeriod, pro: portico.IntentUpgrade, enterprise: portico.IntentContactSales,
		}, portico.Annually},
		{"pro annually, monthly prices", eop, func(e *env) { e.change("acme", req(pro)); e.change("acme", reqP(pro, portico.Annually)) }, portico.Monthly, map[string]portico.Intent{
			free: portico.IntentDowngrade, basic: portico.IntentDowngrade, pro: portico.IntentSwitchPeriod, enterprise: portico.IntentContactSales,
		}, portico.Monthly},
		{"pro annually, current period shown", eop, func(e *env) { e.change("acme", req(pro)); e.change("acme", reqP(pro, portico.Annually)) }, "", map[string]portico.Intent{
			free: portico.IntentDowngrade, basic: portico.IntentDowngrade, pro: portico.IntentCurrent, enterprise: portico.IntentContactSales,
		}, portico.Annually},
		{"downgrade scheduled", eop, func(e *env) {
			e.change("acme", req(pro))
			e.change("acme", req(pro))
			e.change("acme", req(basic))
		}, "", map[string]portico.Intent{
			free: portico.IntentDowngrade, basic: portico.IntentScheduled, pro: portico.IntentCurrent, enterprise: portico.IntentContactSales,
		}, portico.Monthly},
		{"custom price", eop, func(e *env) {
			e.change("acme", portico.ChangeRequest{PlanID: enterprise, Price: testkit.Ptr(testkit.USD(40000))})
		}, "", map[string]portico.Intent{
			free: portico.IntentContactSales, basic: portico.IntentContactSales, pro: portico.IntentContactSales, enterprise: portico.IntentCurrent,
		}, portico.Monthly},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.journey)
			e.createCustomer("acme", nil)
			tc.setup(e)
			pw, err := e.eng.Paywall(e.ctx, portico.PortalScope{CustomerID: "acme"}, app, tc.period)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]portico.Intent{}
			var order []string
			for _, p := range pw.Plans {
				got[p.ID] = p.Intent
				order = append(order, p.ID)
				if p.Highlighted != (p.ID == pro) {
					t.Errorf("plan %s highlighted = %v", p.ID, p.Highlighted)
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("intents = %v, want %v", got, tc.want)
			}
			if !slices.Equal(order, []string{free, basic, pro, enterprise}) {
				t.Errorf("plan order = %v", order)
			}
			if pw.BillingPeriod != tc.shown || !slices.Equal(pw.BillingPeriods, []portico.BillingPeriod{portico.Monthly, portico.Annually}) {
				t.Errorf("billing period %s of %v, want %s", pw.BillingPeriod, pw.BillingPeriods, tc.shown)
			}
			for _, p := range pw.Plans {
				if p.ID == basic {
					want := testkit.USD(basicMonthly)
					if tc.shown == portico.Annually {
						want = testkit.USD(basicAnnual)
					}
					if p.Price == nil || *p.Price != want {
						t.Errorf("basic card price = %+v, want %+v", p.Price, want)
					}
				}
			}
		})
	}

	t.Run("an unsold billing period is refused", func(t *testing.T) {
		e := newEnv(t, eop)
		e.createCustomer("acme", nil)
		_, err := e.eng.Paywall(e.ctx, portico.PortalScope{CustomerID: "acme"}, app, "weekly")
		wantField(t, err, "billingPeriod")
	})

	t.Run("the paywall of a resource", func(t *testing.T) {
		e := newEnv(t, eop)
		e.createCustomer("acme", nil)
		e.change("acme", portico.ChangeRequest{PlanID: sitePlus, ResourceID: "site-a"})
		for r, want := range map[string]map[string]portico.Intent{
			"site-a": {siteFree: portico.IntentDowngrade, sitePlus: portico.IntentCurrent},
			"site-b": {siteFree: portico.IntentSubscribe, sitePlus: portico.IntentSubscribe},
		} {
			pw, err := e.eng.Paywall(e.ctx, portico.PortalScope{CustomerID: "acme", ResourceID: r}, sites, "")
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]portico.Intent{}
			for _, p := range pw.Plans {
				got[p.ID] = p.Intent
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s intents = %v, want %v", r, got, want)
			}
		}
	})
}

func TestArchive(t *testing.T) {
	t.Run("an archived plan takes no new subscriptions", func(t *testing.T) {
		e := newEnv(t, withJourney(nil))
		e.createCustomer("old", nil)
		e.change("old", req(basic))
		if _, _, err := e.eng.Archive(e.ctx, engine.KindPlan, basic, engine.CatalogChange{}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.eng.Archive(e.ctx, engine.KindPlan, basic, engine.CatalogChange{}); err != nil {
			t.Errorf("archiving twice: %v", err)
		}
		e.createCustomer("new", nil)
		_, err := e.eng.ChangeSubscription(e.ctx, "new", req(basic), engine.Backend)
		wantKind(t, err, portico.KindConflict)
		_, err = e.eng.Preview(e.ctx, "new", req(basic), portal("new"))
		wantKind(t, err, portico.KindConflict)

		pw, err := e.eng.Paywall(e.ctx, portico.PortalScope{CustomerID: "new"}, app, "")
		if err != nil {
			t.Fatal(err)
		}
		if slices.ContainsFunc(pw.Plans, func(p portico.PaywallPlan) bool { return p.ID == basic }) {
			t.Errorf("the paywall offers an archived plan")
		}
		pw, err = e.eng.Paywall(e.ctx, portico.PortalScope{CustomerID: "old"}, app, "")
		if err != nil {
			t.Fatal(err)
		}
		if i := slices.IndexFunc(pw.Plans, func(p portico.PaywallPlan) bool { return p.ID == basic }); i < 0 || pw.Plans[i].Intent != portico.IntentCurrent {
			t.Errorf("the subscriber's paywall does not show their archived plan as current: %+v", pw.Plans)
		}

		// The existing subscription goes on and can still change its add-ons.
		e.advanceTo(feb1)
		e.wantInvoices("old", bill{basicMonthly, t0}, bill{basicMonthly, feb1})
		res := e.change("old", reqA(basic, portico.AddonQuantity{ID: extraSeats, Quantity: 1}))
		if res.Subscription.Plan.ID != basic || len(res.Subscription.Addons) != 1 {
			t.Errorf("add-on change on an archived plan = %+v", res.Subscription)
		}
		e.change("old", req(pro))
		_, err = e.eng.ChangeSubscription(e.ctx, "old", req(basic), engine.Backend)
		wantKind(t, err, portico.KindConflict)
	})

	t.Run("an archived product takes no new subscriptions", func(t *testing.T) {
		e := newEnv(t, withJourney(func(j *portico.Journey) { j.Start = portico.StartFreePlan }))
		e.createCustomer("old", nil)
		if _, _, err := e.eng.Archive(e.ctx, engine.KindProduct, app, engine.CatalogChange{}); err != nil {
			t.Fatal(err)
		}
		if v := e.createCustomer("new", nil); len(v.Subscriptions) != 0 {
			t.Errorf("an archived product's journey started: %+v", v.Subscriptions)
		}
		_, err := e.eng.ChangeSubscription(e.ctx, "new", req(pro), engine.Backend)
		wantKind(t, err, portico.KindConflict)

		e.clk.AdvanceTo(jan11)
		res := e.change("old", req(basic))
		if res.Subscription.Plan.ID != basic || res.Preview.AmountDueNow != testkit.USD(basicMonthly) {
			t.Errorf("existing subscription's upgrade = %+v", res)
		}
		e.advanceTo(feb11)
		e.wantInvoices("old", bill{basicMonthly, jan11}, bill{basicMonthly, feb11})
	})

	t.Run("an archived add-on cannot be bought", func(t *testing.T) {
		e := newEnv(t, withJourney(nil))
		e.createCustomer("old", nil)
		e.change("old", reqA(basic, portico.AddonQuantity{ID: extraSeats, Quantity: 1}))
		if _, _, err := e.eng.Archive(e.ctx, engine.KindAddon, extraSeats, engine.CatalogChange{}); err != nil {
			t.Fatal(err)
		}
		e.createCustomer("new", nil)
		_, err := e.eng.ChangeSubscription(e.ctx, "new", reqA(basic, portico.AddonQuantity{ID: extraSeats, Quantity: 1}), engine.Backend)
		wantKind(t, err, portico.KindConflict)
		e.change("old", reqA(basic, portico.AddonQuantity{ID: extraSeats, Quantity: 2}))
		if got := e.ents("old", "")[seats].Limit; got != 15 {
			t.Errorf("seats with 2 archived extra-seats = %d, want 15", got)
		}
	})

	t.Run("archiving something unknown", func(t *testing.T) {
		e := newEnv(t, withJourney(nil))
		_, _, err := e.eng.Archive(e.ctx, engine.KindPlan, "nope", engine.CatalogChange{})
		wantKind(t, err, portico.KindNotFound)
	})
}

func TestCatalogEvolution(t *testing.T) {
	e := newEnv(t, withJourney(nil))
	e.createCustomer("acme", nil)
	e.change("acme", req(basic))

	t.Run("a plan cannot be removed", func(t *testing.T) {
		next := testCatalog(withJourney(nil))
		next.Plans = slices.DeleteFunc(next.Plans, func(p portico.Plan) bool { return p.ID == basic })
		_, _, err := e.eng.ApplyCatalog(e.ctx, next, engine.CatalogChange{})
		wantField(t, err, "plans")
		cat, err := e.eng.Catalog(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := cat.Plan(basic); !ok {
			t.Errorf("the plan was removed")
		}
	})

	t.Run("a subscribed product keeps its subscription type", func(t *testing.T) {
		next := testCatalog(withJourney(nil))
		next.Products[0].SubscriptionType = portico.SubscriptionMultiple
		_, _, err := e.eng.ApplyCatalog(e.ctx, next, engine.CatalogChange{})
		wantKind(t, err, portico.KindConflict)
		cat, _ := e.eng.Catalog(e.ctx)
		if p, _ := cat.Product(app); p.SubscriptionType != portico.SubscriptionSingle {
			t.Errorf("subscription type = %s", p.SubscriptionType)
		}
	})

	t.Run("a product without subscriptions may change type", func(t *testing.T) {
		next := testCatalog(withJourney(nil))
		next.Products[1].SubscriptionType = portico.SubscriptionSingle
		if _, _, err := e.eng.ApplyCatalog(e.ctx, next, engine.CatalogChange{}); err != nil {
			t.Fatalf("changing an unsubscribed product's type: %v", err)
		}
		if _, _, err := e.eng.ApplyCatalog(e.ctx, testCatalog(withJourney(nil)), engine.CatalogChange{}); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("the lock outlives the subscription", func(t *testing.T) {
		e.cancel("acme", e.appSub("acme").ID)
		next := testCatalog(withJourney(nil))
		next.Products[0].SubscriptionType = portico.SubscriptionMultiple
		_, _, err := e.eng.ApplyCatalog(e.ctx, next, engine.CatalogChange{})
		wantKind(t, err, portico.KindConflict)
	})
}

// ApplyDue tells how late it applied each event, by the engine's clock:
// the scheduler's lag. Events a read applied first are not its to tell.
func TestApplyDueTellsHowLateEachEventWas(t *testing.T) {
	e := newEnv(t, withJourney(func(j *portico.Journey) { j.Start = portico.StartFreePlan }))
	e.createCustomer("acme", nil)
	e.clk.AdvanceTo(day(2026, 3, 1).Add(90 * time.Second))
	late, err := e.eng.ApplyDue(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{28*24*time.Hour + 90*time.Second, 90 * time.Second} // Feb 1, then Mar 1
	if !slices.Equal(late, want) {
		t.Errorf("late = %v, want %v", late, want)
	}

	e.clk.AdvanceTo(day(2026, 4, 1).Add(time.Minute))
	e.customer("acme") // a read applies the April renewal itself
	if late, err := e.eng.ApplyDue(e.ctx); err != nil || len(late) != 0 {
		t.Errorf("after a read applied what was due, ApplyDue = %v, %v; want nothing", late, err)
	}
}
