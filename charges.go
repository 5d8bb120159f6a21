package portico

import (
	"math/big"
	"time"
)

// Money rounding. Every amount is an integer of minor units. Tier, block
// and per-unit math multiplies and adds integers, so it is exact. The one
// rounding is proration (a part of a period charged or credited): each
// line is prorated on its own, amount × part ÷ whole rounded half up to the
// minor unit, and what is charged is the sum of the prorated lines. The
// engine, invoices, previews and the billing provider all go through
// Prorate.

// Prorate returns amount × part ÷ whole, rounded half up to the minor unit
// (half away from zero for a negative amount). Big integers keep a large
// amount times a year of nanoseconds exact.
func Prorate(amount int64, part, whole time.Duration) int64 {
	if whole <= 0 || part <= 0 || amount == 0 {
		return 0
	}
	if part >= whole {
		return amount
	}
	if amount < 0 {
		return -Prorate(-amount, part, whole)
	}
	num := new(big.Int).Mul(big.NewInt(amount), big.NewInt(int64(part)))
	num.Add(num, big.NewInt(int64(whole)/2))
	return num.Quo(num, big.NewInt(int64(whole))).Int64()
}

// ChargeModel is how a charge prices its feature.
type ChargeModel string

// Charge models.
const (
	// ModelPerUnit prices a committed quantity at one unit amount.
	ModelPerUnit ChargeModel = "per_unit"
	// ModelTiered prices a committed quantity through tiers.
	ModelTiered ChargeModel = "tiered"
	// ModelUsage prices metered usage in arrears.
	ModelUsage ChargeModel = "usage"
)

// Values lists the charge models.
func (ChargeModel) Values() []ChargeModel {
	return []ChargeModel{ModelPerUnit, ModelTiered, ModelUsage}
}

// Committed reports whether the model prices a quantity the customer
// commits to in advance (per unit and tiered), not usage.
func (m ChargeModel) Committed() bool { return m == ModelPerUnit || m == ModelTiered }

// TiersMode is how tiers price a quantity.
type TiersMode string

// Tier modes.
const (
	// TiersGraduated prices each unit at the tier it falls in.
	TiersGraduated TiersMode = "graduated"
	// TiersVolume prices every unit at the tier the total falls in.
	TiersVolume TiersMode = "volume"
)

// Values lists the tier modes.
func (TiersMode) Values() []TiersMode { return []TiersMode{TiersGraduated, TiersVolume} }

// Charge prices one feature of a plan: a committed quantity of a numeric
// feature (per unit or tiered, billed in advance) or the usage of a metered
// feature (billed in arrears).
type Charge struct {
	FeatureID string      `json:"featureId" validate:"required,slug"`
	Model     ChargeModel `json:"model" validate:"required,charge_model"`
	// TiersMode is required for tiered charges and for usage charges
	// priced through tiers.
	TiersMode TiersMode `json:"tiersMode,omitempty" validate:"omitempty,tiers_mode"`
	// MinQuantity (default 1) and MaxQuantity (0: none) bound a committed
	// quantity.
	MinQuantity *int64 `json:"minQuantity,omitempty" validate:"omitempty,min=0,max=1000000000"`
	MaxQuantity int64  `json:"maxQuantity,omitempty" validate:"min=0,max=1000000000"`
	// Included units of usage are free each period; BlockSize (default 1)
	// units beyond them are priced as one block, a started block counting.
	Included  int64         `json:"included,omitempty" validate:"min=0,max=1000000000000"`
	BlockSize int64         `json:"blockSize,omitempty" validate:"min=0,max=1000000000000"`
	Prices    []ChargePrice `json:"prices" validate:"required,max=20,dive"`
}

// ChargePrice is a charge's price for one billing period in one currency:
// a unit amount, or tiers.
type ChargePrice struct {
	BillingPeriod BillingPeriod `json:"billingPeriod" validate:"required,billing_period"`
	Currency      string        `json:"currency" validate:"required,currency"`
	UnitAmount    int64         `json:"unitAmount,omitempty" validate:"min=0,max=100000000000"`
	Tiers         []Tier        `json:"tiers,omitempty" validate:"max=20,dive"`
	// StripePriceID is the Stripe price (per unit, tiered or metered) the
	// charge is billed as when Stripe is connected.
	StripePriceID string `json:"stripePriceId,omitempty" validate:"omitempty,max=255,startswith=price_,stripeid"`
}

// Tier is one step of a tiered price: units up to UpTo (the last tier has
// none) at UnitAmount each, plus FlatAmount once when the tier is reached.
type Tier struct {
	UpTo       *int64 `json:"upTo" validate:"omitempty,min=1,max=1000000000000"`
	UnitAmount int64  `json:"unitAmount" validate:"min=0,max=100000000000"`
	FlatAmount int64  `json:"flatAmount,omitempty" validate:"min=0,max=100000000000"`
}

// MinimumSpend is the least a period's invoice comes to, in one currency:
// fee, committed charges and usage charges below it are topped up to it.
type MinimumSpend struct {
	BillingPeriod BillingPeriod `json:"billingPeriod" validate:"required,billing_period"`
	Amount        int64         `json:"amount" validate:"min=0,max=100000000000"`
	Currency      string        `json:"currency" validate:"required,currency"`
}

// Min is the least committed quantity (1 unless set).
func (c Charge) Min() int64 {
	if c.MinQuantity != nil {
		return *c.MinQuantity
	}
	return 1
}

// Block is the usage block size (1 unless set).
func (c Charge) Block() int64 {
	if c.BlockSize > 0 {
		return c.BlockSize
	}
	return 1
}

// PriceFor returns the charge's price for the billing period in the
// currency, if any.
func (c Charge) PriceFor(period BillingPeriod, currency string) (ChargePrice, bool) {
	for _, p := range c.Prices {
		if p.BillingPeriod == period && p.Currency == currency {
			return p, true
		}
	}
	return ChargePrice{}, false
}

// At is the charge narrowed to its price for one period and currency: what
// a subscription agrees to. ok is false when the charge has no such price.
func (c Charge) At(period BillingPeriod, currency string) (Charge, bool) {
	p, ok := c.PriceFor(period, currency)
	if !ok {
		return Charge{}, false
	}
	c.Prices = []ChargePrice{p}
	return c, true
}

// Blocks is the number of priced blocks for a period's usage: the units
// beyond Included, in blocks of BlockSize, a started block counting.
func (c Charge) Blocks(usage int64) int64 {
	over := usage - c.Included
	if over <= 0 {
		return 0
	}
	b := c.Block()
	return (over + b - 1) / b
}

// PricedUnits is what the charge's price applies to: the committed
// quantity, or the usage's blocks.
func (c Charge) PricedUnits(quantityOrUsage int64) int64 {
	if c.Model == ModelUsage {
		return c.Blocks(quantityOrUsage)
	}
	return quantityOrUsage
}

// Steps prices units at p: one step per tier reached (graduated), the one
// tier the total falls in (volume), or a single step at the unit amount.
// The steps' amounts add up to the price of the units.
func (c Charge) Steps(p ChargePrice, units int64) []Step {
	if units < 0 {
		units = 0
	}
	if len(p.Tiers) == 0 {
		return []Step{{From: 1, To: units, Quantity: units, UnitAmount: p.UnitAmount, Amount: units * p.UnitAmount}}
	}
	if c.TiersMode == TiersVolume {
		return []Step{volumeStep(p.Tiers, units)}
	}
	return graduatedSteps(p.Tiers, units)
}

// Step is the price of a run of units at one rate: a tier reached, or all
// the units at a unit amount. To is 0 for a tier without an upper bound.
type Step struct {
	From       int64 `json:"from"`
	To         int64 `json:"to,omitempty"`
	Quantity   int64 `json:"quantity"`
	UnitAmount int64 `json:"unitAmount"`
	FlatAmount int64 `json:"flatAmount,omitempty"`
	Amount     int64 `json:"amount"`
}

func graduatedSteps(tiers []Tier, units int64) []Step {
	var out []Step
	from := int64(1)
	for _, t := range tiers {
		if units < from && len(out) > 0 {
			break
		}
		n := units - from + 1
		to := int64(0)
		if t.UpTo != nil {
			to = *t.UpTo
			n = min(n, to-from+1)
		}
		n = max(n, 0)
		flat := t.FlatAmount
		if n == 0 {
			flat = 0 // a tier is reached by its first unit
		}
		out = append(out, Step{From: from, To: to, Quantity: n, UnitAmount: t.UnitAmount, FlatAmount: flat, Amount: n*t.UnitAmount + flat})
		if t.UpTo == nil || units <= to {
			break
		}
		from = to + 1
	}
	return out
}

func volumeStep(tiers []Tier, units int64) Step {
	from := int64(1)
	for _, t := range tiers {
		if t.UpTo == nil || units <= *t.UpTo {
			to := int64(0)
			if t.UpTo != nil {
				to = *t.UpTo
			}
			flat := t.FlatAmount
			if units == 0 {
				flat = 0
			}
			return Step{From: from, To: to, Quantity: units, UnitAmount: t.UnitAmount, FlatAmount: flat, Amount: units*t.UnitAmount + flat}
		}
		from = *t.UpTo + 1
	}
	return Step{From: from, Quantity: units}
}

// Amount is what units cost at p.
func (c Charge) Amount(p ChargePrice, units int64) int64 {
	var total int64
	for _, s := range c.Steps(p, units) {
		total += s.Amount
	}
	return total
}

// LineKind says what an invoice or preview line is for.
type LineKind string

// Line kinds.
const (
	LineFee     LineKind = "fee"     // the plan's flat fee
	LineCharge  LineKind = "charge"  // a committed quantity (per unit or a tier of it)
	LineUsage   LineKind = "usage"   // usage beyond what is included, in arrears
	LineAddon   LineKind = "addon"   // an add-on times its quantity
	LineMinimum LineKind = "minimum" // the top-up to the minimum spend
	LineBalance LineKind = "balance" // the customer's credit balance spent (negative)
	LineCarried LineKind = "carried" // credit beyond the charge, kept as balance
	LineCredit  LineKind = "credit"  // credit for the unused part of a replaced period (negative; invoices only)
)

// Values lists the line kinds.
func (LineKind) Values() []LineKind {
	return []LineKind{LineFee, LineCharge, LineUsage, LineAddon, LineMinimum, LineBalance, LineCarried, LineCredit}
}

// Line is one line of an invoice, a preview or an upcoming invoice. The
// lines' amounts add up to the total (an invoice's or upcoming invoice's)
// or, less the preview's credit, to a preview's amount due now.
type Line struct {
	Kind        LineKind `json:"kind"`
	Description string   `json:"description"`
	FeatureID   string   `json:"featureId,omitempty"`
	AddonID     string   `json:"addonId,omitempty"`
	PlanID      string   `json:"planId,omitempty"`
	// Quantity is the units priced (seats, usage blocks, add-ons);
	// UnitAmount their price each. A tier of a graduated price also gives
	// its bounds (TierTo 0: no upper bound) and FlatAmount.
	Quantity   *int64 `json:"quantity,omitempty"`
	UnitAmount *int64 `json:"unitAmount,omitempty"`
	TierFrom   int64  `json:"tierFrom,omitempty"`
	TierTo     int64  `json:"tierTo,omitempty"`
	FlatAmount int64  `json:"flatAmount,omitempty"`
	// Usage and Included, on a usage line, are the period's usage and the
	// units it includes free.
	Usage    *int64 `json:"usage,omitempty"`
	Included int64  `json:"included,omitempty"`
	Amount   int64  `json:"amount"`
	// PeriodStart and PeriodEnd are the period the line pays for; Prorated
	// marks a line charging only that part of a billing period, its amount
	// prorated from Quantity × UnitAmount.
	PeriodStart *time.Time `json:"periodStart,omitempty"`
	PeriodEnd   *time.Time `json:"periodEnd,omitempty"`
	Prorated    bool       `json:"prorated,omitempty"`
}

// SumLines adds the lines' amounts.
func SumLines(lines []Line) int64 {
	var t int64
	for _, l := range lines {
		t += l.Amount
	}
	return t
}

// ChargeView is one of a subscription's charges for its current period.
type ChargeView struct {
	FeatureID   string      `json:"featureId"`
	FeatureName string      `json:"featureName,omitempty"`
	Unit        string      `json:"unit,omitempty"`
	Model       ChargeModel `json:"model"`
	TiersMode   TiersMode   `json:"tiersMode,omitempty"`
	// Quantity is the committed quantity (per unit and tiered); Usage the
	// period's usage so far (usage charges).
	Quantity    *int64 `json:"quantity,omitempty"`
	Usage       *int64 `json:"usage,omitempty"`
	Included    int64  `json:"included,omitempty"`
	BlockSize   int64  `json:"blockSize,omitempty"`
	MinQuantity int64  `json:"minQuantity,omitempty"`
	MaxQuantity int64  `json:"maxQuantity,omitempty"`
	// Amount is the period's amount: the committed charge, or the usage
	// charge so far.
	Amount int64       `json:"amount"`
	Price  ChargePrice `json:"price"`
}

// UpcomingInvoice is what a subscription's next invoice holds as things
// stand: usage so far priced (GET …/upcoming-invoice).
type UpcomingInvoice struct {
	SubscriptionID string    `json:"subscriptionId"`
	Date           time.Time `json:"date"`
	Currency       string    `json:"currency"`
	Lines          []Line    `json:"lines"`
	Subtotal       int64     `json:"subtotal"`
	Credit         int64     `json:"credit"`
	Total          int64     `json:"total"`
	// Estimated is set while usage can still change the total.
	Estimated bool `json:"estimated"`
}

// ChargeFor returns the plan's charge for the feature, if any.
func (p Plan) ChargeFor(featureID string) (Charge, bool) {
	for _, c := range p.Charges {
		if c.FeatureID == featureID {
			return c, true
		}
	}
	return Charge{}, false
}

// MinimumSpendFor returns the plan's minimum spend for the period in the
// currency, if any.
func (p Plan) MinimumSpendFor(period BillingPeriod, currency string) (Money, bool) {
	for _, m := range p.MinimumSpend {
		if m.BillingPeriod == period && m.Currency == currency {
			return Money{Amount: m.Amount, Currency: m.Currency}, true
		}
	}
	return Money{}, false
}
