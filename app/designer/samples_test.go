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
	s := designer.Sample{Portal: portal, Paywalls: map[portico.BillingPeriod]*portico.PaywallView{}, Previews: map[string]*portico.Preview{}}
	first, err := e.Paywall(ctx, scope, "", "")
	if err != nil {
		t.Fatalf("paywall of %s: %v", customer, err)
	}
	s.Period = first.BillingPeriod
	for _, period := range first.BillingPeriods {
		pw, err := e.Paywall(ctx, scope, "", period)
		if err != nil {
			t.Fatalf("paywall of %s, %s: %v", customer, period, err)
		}
		s.Paywalls[period] = pw
		for _, pl := range pw.Plans {
			switch pl.Intent {
			case portico.IntentCurrent, portico.IntentScheduled, portico.IntentContactSales:
				continue // these open no confirm step
			}
			req := portico.ChangeRequest{SubscriptionID: pw.SubscriptionID, PlanID: pl.ID, BillingPeriod: period,
				Addons: keptAddons(portal, pw.SubscriptionID, pl.AddonIDs)}
			pv, err := e.Preview(ctx, customer, req, engine.PortalActor(scope))
			if err != nil {
				t.Fatalf("preview of %s to %s/%s: %v", customer, pl.ID, period, err)
			}
			s.Previews[pl.ID+"/"+string(period)] = pv
		}
	}
	return s
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
