//go:build !js

package designer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/app/designer"
	"github.com/portico-dev/portico/server/clock"
	"github.com/portico-dev/portico/server/demo"
	"github.com/portico-dev/portico/server/engine"
	"github.com/portico-dev/portico/server/store/sqlite"
)

var update = flag.Bool("update", false, "rewrite samples.json from the demo data")

// TestSamplesAreCurrent rebuilds the designer's samples from the demo
// catalog and customers through the real engine, and fails when the
// committed samples.json differs: run
// go test ./designer -run SamplesAreCurrent -update after changing the
// engine, the demo or the wire types.
func TestSamplesAreCurrent(t *testing.T) {
	got := buildSamples(t)
	want, err := os.ReadFile("samples.json")
	if *update {
		if err := os.WriteFile("samples.json", got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if err != nil {
		t.Fatalf("read samples.json: %v (run go test ./designer -run SamplesAreCurrent -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("designer/samples.json is stale: the demo data now reads differently (%d bytes, was %d); "+
			"run go test ./designer -run SamplesAreCurrent -update and commit it", len(got), len(want))
	}
}

func buildSamples(t *testing.T) []byte {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "portico.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := engine.New(st, clock.NewFrozen(designer.SampleTime()))
	if _, err := demo.Load(ctx, e); err != nil {
		t.Fatal(err)
	}
	// The "at its usage limits" state: barbara uses up her API calls
	// (her seats already are) and nears her projects' limit.
	for feature, n := range map[string]int64{"api-calls": 380, "projects": 1} {
		if _, err := e.ReportUsage(ctx, portico.UsageRequest{CustomerID: "barbara", FeatureID: feature, Value: n}); err != nil {
			t.Fatal(err)
		}
	}
	// One state a line, compact: the file is embedded in the wasm client.
	var out bytes.Buffer
	out.WriteString("{\n")
	for i, state := range designer.States {
		b, err := json.Marshal(sampleOf(t, e, state.Customer))
		if err != nil {
			t.Fatal(err)
		}
		if i > 0 {
			out.WriteString(",\n")
		}
		out.WriteString(strconv.Quote(state.ID) + ":")
		out.Write(stableIDs(b))
	}
	out.WriteString("\n}\n")
	return out.Bytes()
}

func sampleOf(t *testing.T, e *engine.Engine, customer string) designer.Sample {
	t.Helper()
	ctx := context.Background()
	scope := portico.PortalScope{CustomerID: customer}
	portal, err := e.Portal(ctx, scope)
	if err != nil {
		t.Fatalf("portal of %s: %v", customer, err)
	}
	// Promotions granted at the same instant come in the order of their
	// random IDs: order them by feature instead.
	slices.SortStableFunc(portal.Promotions, func(a, b portico.PromotionView) int {
		return strings.Compare(a.FeatureID, b.FeatureID)
	})
	// So are subscriptions started at the same instant: paid ones first,
	// then by product, so a state shows its priced subscription first.
	slices.SortStableFunc(portal.Subscriptions, func(a, b portico.SubscriptionView) int {
		if (a.Pricing == portico.PricingFree) != (b.Pricing == portico.PricingFree) {
			if a.Pricing == portico.PricingFree {
				return 1
			}
			return -1
		}
		return strings.Compare(a.ProductID, b.ProductID)
	})
	s := designer.Sample{Portal: portal, Paywalls: map[string]*portico.PaywallView{}, Previews: map[string]*portico.Preview{}}
	if s.Upcoming, err = e.UpcomingInvoice(ctx, customer, "", engine.PortalActor(scope)); portico.KindOf(err) == portico.KindNotFound {
		s.Upcoming, err = nil, nil
	}
	if err != nil {
		t.Fatalf("upcoming invoice of %s: %v", customer, err)
	}
	// A customer of one product has its plans by period; one of several
	// products by product and period, as the paywall asks for each.
	products := []string{""}
	if ids := subscribedProducts(portal); len(ids) > 1 {
		products = ids
	}
	for _, product := range products {
		first, err := e.Paywall(ctx, scope, product, "")
		if err != nil {
			t.Fatalf("paywall of %s: %v", customer, err)
		}
		if s.Period == "" {
			s.Period = first.BillingPeriod
		}
		for _, period := range first.BillingPeriods {
			pw, err := e.Paywall(ctx, scope, product, period)
			if err != nil {
				t.Fatalf("paywall of %s, %s: %v", customer, period, err)
			}
			key := string(period)
			if product != "" {
				key = product + "/" + key
			}
			s.Paywalls[key] = pw
			addPreviews(t, e, s, portal, customer, pw)
		}
	}
	return s
}

// subscribedProducts are the products of the customer's subscriptions, in
// the portal's order.
func subscribedProducts(v *portico.PortalView) []string {
	var out []string
	for _, sub := range v.Subscriptions {
		if !slices.Contains(out, sub.ProductID) {
			out = append(out, sub.ProductID)
		}
	}
	return out
}

// addPreviews previews each change the plans offer.
func addPreviews(t *testing.T, e *engine.Engine, s designer.Sample, portal *portico.PortalView, customer string, pw *portico.PaywallView) {
	t.Helper()
	scope := portico.PortalScope{CustomerID: customer}
	for _, pl := range pw.Plans {
		switch pl.Intent {
		case portico.IntentCurrent, portico.IntentScheduled, portico.IntentContactSales:
			continue // these open no confirm step
		}
		req := portico.ChangeRequest{SubscriptionID: pw.SubscriptionID, PlanID: pl.ID, BillingPeriod: pw.BillingPeriod,
			Addons: keptAddons(portal, pw.SubscriptionID, pl.AddonIDs), Quantities: quantities(pl)}
		pv, err := e.Preview(context.Background(), customer, req, engine.PortalActor(scope))
		if portico.KindOf(err) == portico.KindInvalid {
			continue // not sold for this period: the preview says so
		}
		if err != nil {
			t.Fatalf("preview of %s to %s/%s: %v", customer, pl.ID, pw.BillingPeriod, err)
		}
		s.Previews[pl.ID+"/"+string(pw.BillingPeriod)] = pv
	}
}

// quantities are the committed quantities a change to the plan asks for:
// the customer's current ones, else each charge's least.
func quantities(pl portico.PaywallPlan) map[string]int64 {
	out := map[string]int64{}
	for _, c := range pl.Charges {
		if c.Model == portico.ModelUsage {
			continue
		}
		out[c.FeatureID] = c.Min()
		if q, ok := pl.Quantities[c.FeatureID]; ok {
			out[c.FeatureID] = q
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// keptAddons are the add-ons of the subscription the plan also sells, as
// the paywall asks to keep them.
func keptAddons(v *portico.PortalView, subID string, allowed []string) []portico.AddonQuantity {
	var out []portico.AddonQuantity
	for _, sub := range v.Subscriptions {
		if sub.ID != subID {
			continue
		}
		for _, a := range sub.Addons {
			if slices.Contains(allowed, a.ID) {
				out = append(out, portico.AddonQuantity{ID: a.ID, Quantity: a.Quantity})
			}
		}
	}
	return out
}

// randomID matches the random part of the engine's IDs.
var randomID = regexp.MustCompile(`\b(sub|in|promo|chg)_[0-9a-f]{20}\b`)

// stableIDs replaces the engine's random IDs by numbered ones, in order of
// appearance, so the samples are the same on every run.
func stableIDs(b []byte) []byte {
	seen := map[string]string{}
	n := map[string]int{}
	return randomID.ReplaceAllFunc(b, func(id []byte) []byte {
		if s, ok := seen[string(id)]; ok {
			return []byte(s)
		}
		prefix := string(id[:bytes.IndexByte(id, '_')])
		n[prefix]++
		s := prefix + "_demo" + strconv.Itoa(n[prefix])
		seen[string(id)] = s
		return []byte(s)
	})
}
