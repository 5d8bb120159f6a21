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

// Feature types.
const (
	FeatureBoolean = "boolean"
	FeatureNumeric = "numeric"
	FeatureMetered = "metered"
)

// Subscription types of a product.
const (
	SubscriptionSingle   = "single"
	SubscriptionMultiple = "multiple"
)

// Plan pricing models.
const (
	PricingFree   = "free"
	PricingPaid   = "paid"
	PricingCustom = "custom"
)

// Billing periods.
const (
	Monthly  = "monthly"
	Annually = "annually"
)

// Journey settings (see the product's Journey).
const (
	StartPricingTable = "pricing_table"
	StartFreePlan     = "free_plan"
	StartTrial        = "trial"

	Immediate   = "immediate"
	EndOfPeriod = "end_of_period"

	ResetAlways         = "always"
	ResetNever          = "never"
	ResetOnAnchorChange = "on_anchor_change"

	AfterCancelRevoke          = "revoke"
	AfterCancelDowngradeToFree = "downgrade_to_free"
)

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
	ID          string `json:"id" validate:"required,slug"`
	Name        string `json:"name" validate:"required,max=200"`
	Type        string `json:"type" validate:"required,oneof=boolean numeric metered"`
	Unit        string `json:"unit,omitempty" validate:"max=50"`
	ResetPeriod string `json:"resetPeriod,omitempty" validate:"required_if=Type metered,omitempty,oneof=day week month year"`
}

// Product is a product line with its customer-journey rules.
type Product struct {
	ID               string            `json:"id" validate:"required,slug"`
	Name             string            `json:"name" validate:"required,max=200"`
	Description      string            `json:"description,omitempty" validate:"max=2000"`
	SubscriptionType string            `json:"subscriptionType" validate:"required,oneof=single multiple"`
	Metadata         map[string]string `json:"metadata,omitempty" validate:"max=50,dive,keys,max=40,endkeys,max=500"`
	Journey          Journey           `json:"journey"`
	Archived         bool              `json:"archived,omitempty"`
}

// Journey is how customers enter, change and leave a product.
type Journey struct {
	Start        string `json:"start" validate:"required,oneof=pricing_table free_plan trial"`
	FreePlanID   string `json:"freePlanId,omitempty" validate:"required_if=Start free_plan,required_if=AfterCancel downgrade_to_free,omitempty,slug"`
	TrialPlanID  string `json:"trialPlanId,omitempty" validate:"required_if=Start trial,omitempty,slug"`
	Downgrade    string `json:"downgrade" validate:"required,oneof=immediate end_of_period"`
	UsageReset   string `json:"usageReset" validate:"required,oneof=always never on_anchor_change"`
	Cancellation string `json:"cancellation" validate:"required,oneof=immediate end_of_period"`
	AfterCancel  string `json:"afterCancel" validate:"required,oneof=revoke downgrade_to_free"`
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
	Pricing      string        `json:"pricing" validate:"required,oneof=free paid custom"`
	Prices       []Price       `json:"prices,omitempty" validate:"required_if=Pricing paid,dive"`
	TrialDays    int           `json:"trialDays,omitempty" validate:"min=0,max=730"`
	Entitlements []Entitlement `json:"entitlements,omitempty" validate:"dive"`
	AddonIDs     []string      `json:"addonIds,omitempty" validate:"dive,slug"`
	Archived     bool          `json:"archived,omitempty"`
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
}

// Price is what a plan or add-on costs per billing period.
type Price struct {
	BillingPeriod string `json:"billingPeriod" validate:"required,oneof=monthly annually"`
	Amount        int64  `json:"amount" validate:"min=0"`
	Currency      string `json:"currency" validate:"required,currency"`
	// StripePriceID is the Stripe price this price is billed as when Stripe
	// is connected.
	StripePriceID string `json:"stripePriceId,omitempty" validate:"omitempty,max=255,startswith=price_"`
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

// PriceFor returns the price for the billing period, if the plan has one.
func (p Plan) PriceFor(period string) (Price, bool) {
	return priceFor(p.Prices, period)
}

// PriceFor returns the price for the billing period, if the add-on has one.
func (a Addon) PriceFor(period string) (Price, bool) {
	return priceFor(a.Prices, period)
}

func priceFor(prices []Price, period string) (Price, bool) {
	for _, pr := range prices {
		if pr.BillingPeriod == period {
			return pr, true
		}
	}
	return Price{}, false
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
