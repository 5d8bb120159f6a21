package portico_test

import (
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
)

func upTo(n int64) *int64 { return &n }

// The tiers of the contract's example: 1–5 at $20, 6–10 at $15, 11+ at $10.
var seatTiers = []portico.Tier{{UpTo: upTo(5), UnitAmount: 2000}, {UpTo: upTo(10), UnitAmount: 1500}, {UnitAmount: 1000}}

func TestTieredChargesPriceTheContractsWorkedExamples(t *testing.T) {
	price := portico.ChargePrice{BillingPeriod: "monthly", Currency: "usd", Tiers: seatTiers}
	graduated := portico.Charge{FeatureID: "seats", Model: portico.ModelTiered, TiersMode: portico.TiersGraduated}
	volume := graduated
	volume.TiersMode = portico.TiersVolume
	for _, tc := range []struct {
		name   string
		charge portico.Charge
		units  int64
		want   int64
		steps  int
	}{
		{"graduated 20 seats: 5×2000 + 5×1500 + 10×1000", graduated, 20, 27500, 3},
		{"graduated 7 seats: 5×2000 + 2×1500", graduated, 7, 13000, 2},
		{"graduated 5 seats stay in the first tier", graduated, 5, 10000, 1},
		{"volume 20 seats: 20×1000", volume, 20, 20000, 1},
		{"volume 7 seats: 7×1500", volume, 7, 10500, 1},
		{"volume 5 seats: 5×2000", volume, 5, 10000, 1},
		{"no seats cost nothing", graduated, 0, 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			steps := tc.charge.Steps(price, tc.units)
			if got := tc.charge.Amount(price, tc.units); got != tc.want {
				t.Errorf("amount = %d, want %d (steps %+v)", got, tc.want, steps)
			}
			if len(steps) != tc.steps {
				t.Errorf("%d steps, want %d: %+v", len(steps), tc.steps, steps)
			}
		})
	}
}

func TestAFlatAmountIsAddedOncePerTierReached(t *testing.T) {
	tiers := []portico.Tier{{UpTo: upTo(10), UnitAmount: 0, FlatAmount: 5000}, {UnitAmount: 300, FlatAmount: 1000}}
	price := portico.ChargePrice{Tiers: tiers}
	g := portico.Charge{Model: portico.ModelTiered, TiersMode: portico.TiersGraduated}
	if got := g.Amount(price, 4); got != 5000 {
		t.Errorf("graduated 4 = %d, want 5000", got)
	}
	if got := g.Amount(price, 12); got != 5000+1000+2*300 {
		t.Errorf("graduated 12 = %d, want 6600", got)
	}
	v := portico.Charge{Model: portico.ModelTiered, TiersMode: portico.TiersVolume}
	if got := v.Amount(price, 12); got != 1000+12*300 {
		t.Errorf("volume 12 = %d, want 4600", got)
	}
}

func TestUsageIsPricedInStartedBlocksBeyondWhatIsIncluded(t *testing.T) {
	c := portico.Charge{Model: portico.ModelUsage, Included: 10000, BlockSize: 1000}
	price := portico.ChargePrice{UnitAmount: 50}
	for usage, blocks := range map[int64]int64{0: 0, 10000: 0, 10001: 1, 11000: 1, 11001: 2, 35000: 25} {
		if got := c.Blocks(usage); got != blocks {
			t.Errorf("Blocks(%d) = %d, want %d", usage, got, blocks)
		}
		if got := c.Amount(price, c.PricedUnits(usage)); got != blocks*50 {
			t.Errorf("amount for %d = %d, want %d", usage, got, blocks*50)
		}
	}
}

func TestProrationRoundsHalfUpPerLine(t *testing.T) {
	day := 24 * time.Hour
	for _, tc := range []struct {
		amount      int64
		part, whole time.Duration
		want        int64
	}{
		{1000, 15 * day, 30 * day, 500},
		{1001, 15 * day, 30 * day, 501}, // 500.5 rounds up
		{999, 10 * day, 30 * day, 333},
		{-1001, 15 * day, 30 * day, -501},
		{1000, 31 * day, 30 * day, 1000},
		{1000, 0, 30 * day, 0},
	} {
		if got := portico.Prorate(tc.amount, tc.part, tc.whole); got != tc.want {
			t.Errorf("Prorate(%d, %v, %v) = %d, want %d", tc.amount, tc.part, tc.whole, got, tc.want)
		}
	}
}
