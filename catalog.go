// Package portico holds Portico's domain: the pricing catalog, customers,
// subscriptions, usage and entitlements, the errors the domain speaks in and
// the storage interface the engine relies on.
//
// It imports only the standard library, so the WebAssembly client can share
// these wire types without pulling in server, store or billing code.
package portico

import (
	"cmp"
	"slices"
)

// The domain's enumerations. Each is a string on the wire; its type's
// Values method lists every value it may take, the one list validation
// accepts (server/validation).

// FeatureType is what kind of thing a feature is.
type FeatureType string

// Feature types.
const (
	FeatureBoolean FeatureType = "boolean"
	FeatureNumeric FeatureType = "numeric"
	FeatureMetered FeatureType = "metered"
)

// Values lists the feature types.
func (FeatureType) Values() []FeatureType {
	return []FeatureType{FeatureBoolean, FeatureNumeric, FeatureMetered}
}

// ResetPeriod is how often a metered feature's usage starts again from
// zero.
type ResetPeriod string

// Reset periods of metered features.
const (
	ResetDaily   ResetPeriod = "day"
	ResetWeekly  ResetPeriod = "week"
	ResetMonthly ResetPeriod = "month"
	ResetYearly  ResetPeriod = "year"
)

// Values lists the reset periods.
func (ResetPeriod) Values() []ResetPeriod {
	return []ResetPeriod{ResetDaily, ResetWeekly, ResetMonthly, ResetYearly}
}

// SubscriptionType says how many subscriptions a customer may hold to a
// product: one, or one per resource.
type SubscriptionType string

// Subscription types of a product.
const (
	SubscriptionSingle   SubscriptionType = "single"
	SubscriptionMultiple SubscriptionType = "multiple"
)

// Values lists the subscription types.
func (SubscriptionType) Values() []SubscriptionType {
	return []SubscriptionType{SubscriptionSingle, SubscriptionMultiple}
}

// Pricing is how a plan is priced.
type Pricing string

// Plan pricing models.
const (
	PricingFree   Pricing = "free"
	PricingPaid   Pricing = "paid"
	PricingCustom Pricing = "custom"
)

// Values lists the pricing models.
func (Pricing) Values() []Pricing { return []Pricing{PricingFree, PricingPaid, PricingCustom} }

// BillingPeriod is how often a price is billed.
type BillingPeriod string

// Billing periods.
const (
	Monthly  BillingPeriod = "monthly"
	Annually BillingPeriod = "annually"
)

// Values lists the billing periods.
func (BillingPeriod) Values() []BillingPeriod { return []BillingPeriod{Monthly, Annually} }

// JourneyStart is how a customer enters a product.
type JourneyStart string

// Journey starts.
const (
	StartPricingTable JourneyStart = "pricing_table"
	StartFreePlan     JourneyStart = "free_plan"
	StartTrial        JourneyStart = "trial"
)

// Values lists the journey starts.
func (JourneyStart) Values() []JourneyStart {
	return []JourneyStart{StartPricingTable, StartFreePlan, StartTrial}
}

// Timing is when a change takes effect: a journey's downgrades and
// cancellations, and a previewed change.
type Timing string

// Timings.
const (
	Immediate   Timing = "immediate"
	EndOfPeriod Timing = "end_of_period"
)

// Values lists the timings.
func (Timing) Values() []Timing { return []Timing{Immediate, EndOfPeriod} }

// UsageReset is when a plan change restarts metered usage from zero.
type UsageReset string

// Usage resets on a plan change.
const (
	ResetAlways         UsageReset = "always"
	ResetNever          UsageReset = "never"
	ResetOnAnchorChange UsageReset = "on_anchor_change"
)

// Values lists the usage resets.
func (UsageReset) Values() []UsageReset {
	return []UsageReset{ResetAlways, ResetNever, ResetOnAnchorChange}
}

// AfterCancel is what a cancellation leaves the customer with.
type AfterCancel string

// What follows a cancellation.
const (
	AfterCancelRevoke          AfterCancel = "revoke"
	AfterCancelDowngradeToFree AfterCancel = "downgrade_to_free"
)

// Values lists what may follow a cancellation.
func (AfterCancel) Values() []AfterCancel {
	return []AfterCancel{AfterCancelRevoke, AfterCancelDowngradeToFree}
}

// Catalog is the whole pricing model: what is sold and under which rules.
// It is applied as one document and versioned as one.
type Catalog struct {
	Features []Feature `json:"features" validate:"dive"`
	Products []Product `json:"products" validate:"dive"`
	Plans    []Plan    `json:"plans" validate:"dive"`
	Addons   []Addon   `json:"addons" validate:"dive"`
}

// Feature is something a plan can grant: an on/off capability (boolean), a
// countable allowance such as seats (numeric), or a consumable that resets
// every period such as API calls (metered).
type Feature struct {
	ID          string      `json:"id" validate:"required,slug"`
	Name        string      `json:"name" validate:"required,max=200"`
	Type        FeatureType `json:"type" validate:"required,feature_type"`
	Unit        string      `json:"unit,omitempty" validate:"max=50"`
	ResetPeriod ResetPeriod `json:"resetPeriod,omitempty" validate:"required_if=Type metered,omitempty,reset_period"`
	// Translations give the name and unit in other languages.
	Translations Translations `json:"translations,omitempty" validate:"max=20,dive,keys,locale,endkeys"`
}

// Product is a product line with its customer-journey rules.
type Product struct {
	ID               string            `json:"id" validate:"required,slug"`
	Name             string            `json:"name" validate:"required,max=200"`
	Description      string            `json:"description,omitempty" validate:"max=2000"`
	SubscriptionType SubscriptionType  `json:"subscriptionType" validate:"required,subscription_type"`
	Metadata         map[string]string `json:"metadata,omitempty" validate:"max=50,dive,keys,max=40,endkeys,max=500"`
	Journey          Journey           `json:"journey"`
	Archived         bool              `json:"archived,omitempty"`
	// Translations give the name and description in other languages.
	Translations Translations `json:"translations,omitempty" validate:"max=20,dive,keys,locale,endkeys"`
}

// Journey is how customers enter, change and leave a product.
type Journey struct {
	Start        JourneyStart `json:"start" validate:"required,journey_start"`
	FreePlanID   string       `json:"freePlanId,omitempty" validate:"required_if=Start free_plan,required_if=AfterCancel downgrade_to_free,omitempty,slug"`
	TrialPlanID  string       `json:"trialPlanId,omitempty" validate:"required_if=Start trial,omitempty,slug"`
	Downgrade    Timing       `json:"downgrade" validate:"required,timing"`
	UsageReset   UsageReset   `json:"usageReset" validate:"required,usage_reset"`
	Cancellation Timing       `json:"cancellation" validate:"required,timing"`
	AfterCancel  AfterCancel  `json:"afterCancel" validate:"required,after_cancel"`
	// AlsoCancelProductIDs are other products whose subscriptions end with
	// this product's: a customer cancelling here is cancelled there too,
	// each under its own product's journey.
	AlsoCancelProductIDs []string `json:"alsoCancelProductIds,omitempty" validate:"max=50,dive,slug"`
}

// Plan is one tier of a product.
type Plan struct {
	ID           string        `json:"id" validate:"required,slug"`
	ProductID    string        `json:"productId" validate:"required,slug"`
	Name         string        `json:"name" validate:"required,max=200"`
	Description  string        `json:"description,omitempty" validate:"max=2000"`
	Order        int           `json:"order"`
	Pricing      Pricing       `json:"pricing" validate:"required,pricing"`
	Prices       []Price       `json:"prices,omitempty" validate:"required_if=Pricing paid,dive"`
	TrialDays    int           `json:"trialDays,omitempty" validate:"min=0,max=730"`
	Entitlements []Entitlement `json:"entitlements,omitempty" validate:"dive"`
	AddonIDs     []string      `json:"addonIds,omitempty" validate:"dive,slug"`
	// Charges price features of the plan (per unit, tiered, usage) on top
	// of its flat fee; MinimumSpend tops a period's invoice up to a floor.
	Charges      []Charge       `json:"charges,omitempty" validate:"max=20,dive"`
	MinimumSpend []MinimumSpend `json:"minimumSpend,omitempty" validate:"max=20,dive"`
	Archived     bool           `json:"archived,omitempty"`
	// Translations give the name and description in other languages.
	Translations Translations `json:"translations,omitempty" validate:"max=20,dive,keys,locale,endkeys"`
}

// Addon is something bought on top of a plan, in a quantity.
type Addon struct {
	ID           string        `json:"id" validate:"required,slug"`
	ProductID    string        `json:"productId" validate:"required,slug"`
	Name         string        `json:"name" validate:"required,max=200"`
	Description  string        `json:"description,omitempty" validate:"max=2000"`
	MaxQuantity  int           `json:"maxQuantity,omitempty" validate:"min=0"`
	Prices       []Price       `json:"prices" validate:"required,dive"`
	Entitlements []Entitlement `json:"entitlements,omitempty" validate:"dive"`
	Archived     bool          `json:"archived,omitempty"`
	// Translations give the name and description in other languages.
	Translations Translations `json:"translations,omitempty" validate:"max=20,dive,keys,locale,endkeys"`
}

// Price is what a plan or add-on costs per billing period in one currency;
// a plan or add-on lists one per billing period and currency it is sold in.
type Price struct {
	BillingPeriod BillingPeriod `json:"billingPeriod" validate:"required,billing_period"`
	Amount        int64         `json:"amount" validate:"min=0"`
	Currency      string        `json:"currency" validate:"required,currency"`
	// StripePriceID is the Stripe price this price is billed as when Stripe
	// is connected.
	StripePriceID string `json:"stripePriceId,omitempty" validate:"omitempty,max=255,startswith=price_,stripeid"`
}

// Entitlement is a feature granted by a plan, an add-on (per unit) or a
// promotion. Limit is ignored for boolean features.
type Entitlement struct {
	FeatureID string `json:"featureId" validate:"required,slug"`
	Limit     int64  `json:"limit,omitempty" validate:"min=0"`
	Unlimited bool   `json:"unlimited,omitempty"`
}

// Money is an amount in minor units (cents) of an ISO currency, lower case.
type Money struct {
	Amount   int64  `json:"amount" validate:"min=0"`
	Currency string `json:"currency" validate:"required,currency"`
}

// Feature returns the feature with the ID, if any.
func (c *Catalog) Feature(id string) (Feature, bool) {
	for _, f := range c.Features {
		if f.ID == id {
			return f, true
		}
	}
	return Feature{}, false
}

// Product returns the product with the ID, if any.
func (c *Catalog) Product(id string) (Product, bool) {
	for _, p := range c.Products {
		if p.ID == id {
			return p, true
		}
	}
	return Product{}, false
}

// Plan returns the plan with the ID, if any.
func (c *Catalog) Plan(id string) (Plan, bool) {
	for _, p := range c.Plans {
		if p.ID == id {
			return p, true
		}
	}
	return Plan{}, false
}

// Addon returns the add-on with the ID, if any.
func (c *Catalog) Addon(id string) (Addon, bool) {
	for _, a := range c.Addons {
		if a.ID == id {
			return a, true
		}
	}
	return Addon{}, false
}

// PlansOf returns the product's plans in display order.
func (c *Catalog) PlansOf(productID string) []Plan {
	var out []Plan
	for _, p := range c.Plans {
		if p.ProductID == productID {
			out = append(out, p)
		}
	}
	slices.SortStableFunc(out, func(a, b Plan) int { return cmp.Compare(a.Order, b.Order) })
	return out
}

// PriceFor returns the plan's price for the billing period in the currency,
// if it has one.
func (p Plan) PriceFor(period BillingPeriod, currency string) (Price, bool) {
	return priceFor(p.Prices, period, currency)
}

// PriceFor returns the add-on's price for the billing period in the
// currency, if it has one.
func (a Addon) PriceFor(period BillingPeriod, currency string) (Price, bool) {
	return priceFor(a.Prices, period, currency)
}

func priceFor(prices []Price, period BillingPeriod, currency string) (Price, bool) {
	for _, pr := range prices {
		if pr.BillingPeriod == period && pr.Currency == currency {
			return pr, true
		}
	}
	return Price{}, false
}

// SoldIn reports whether the plan has a price in the currency, for any
// billing period.
func (p Plan) SoldIn(currency string) bool {
	return slices.ContainsFunc(p.Prices, func(pr Price) bool { return pr.Currency == currency })
}

// PricesIn keeps the prices in the currency, in their order.
func PricesIn(prices []Price, currency string) []Price {
	out := []Price{}
	for _, pr := range prices {
		if pr.Currency == currency {
			out = append(out, pr)
		}
	}
	return out
}

// Currencies lists the currencies of the prices, each once, in the order
// they first appear.
func Currencies(prices []Price) []string {
	var out []string
	for _, pr := range prices {
		if !slices.Contains(out, pr.Currency) {
			out = append(out, pr.Currency)
		}
	}
	return out
}

// ProductCurrency is the currency a customer who has none yet pays the
// product in: its first currency, that of the first price of its plans in
// display order (live plans before archived ones); "" when no plan of it
// has a price.
func (c *Catalog) ProductCurrency(productID string) string {
	plans := c.PlansOf(productID)
	slices.SortStableFunc(plans, func(a, b Plan) int {
		return cmp.Compare(boolRank(a.Archived), boolRank(b.Archived))
	})
	for _, p := range plans {
		if len(p.Prices) > 0 {
			return p.Prices[0].Currency
		}
	}
	return ""
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Currencies lists the currencies the catalog's plans and add-ons are
// priced in, each once, in the order they first appear.
func (c *Catalog) Currencies() []string {
	var out []string
	add := func(prices []Price) {
		for _, cur := range Currencies(prices) {
			if !slices.Contains(out, cur) {
				out = append(out, cur)
			}
		}
	}
	for _, p := range c.Plans {
		add(p.Prices)
	}
	for _, a := range c.Addons {
		add(a.Prices)
	}
	return out
}

// AllowsAddon reports whether the add-on can be bought with the plan.
func (p Plan) AllowsAddon(id string) bool {
	for _, a := range p.AddonIDs {
		if a == id {
			return true
		}
	}
	return false
}
