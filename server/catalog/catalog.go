// Package catalog checks catalog documents: each field against its rules,
// every cross-reference, and the evolution rules between two versions (IDs
// are immutable, nothing is deleted, a subscribed product keeps its type).
package catalog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/validation"
)

// Decode reads a catalog document strictly: unknown fields are errors.
func Decode(r io.Reader) (*portico.Catalog, error) {
	body, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var c portico.Catalog
	if err := dec.Decode(&c); err != nil {
		return nil, validation.DecodeError(err, body, &c)
	}
	if err := checkWrittenMaxQuantity(body); err != nil {
		return nil, err
	}
	return &c, nil
}

// checkWrittenMaxQuantity refuses an add-on's maxQuantity written as 0. Left
// out, maxQuantity means no limit; the decoded document cannot tell a 0 from
// an absent field, so the body is read once more for it: a 0 there is
// almost always meant as "none may be bought", which Portico does not offer.
func checkWrittenMaxQuantity(body []byte) error {
	var doc struct {
		Addons []struct {
			MaxQuantity *int `json:"maxQuantity"`
		} `json:"addons"`
	}
	if json.Unmarshal(body, &doc) != nil {
		return nil // the strict decode has accepted it; nothing more to learn
	}
	var errs problems
	for i, a := range doc.Addons {
		if a.MaxQuantity != nil && *a.MaxQuantity == 0 {
			errs.add(fmt.Sprintf("addons[%d].maxQuantity", i), "must be at least 1; leave it out for no limit")
		}
	}
	return errs.err()
}

// Validate checks a catalog on its own: field rules, then references.
func Validate(c *portico.Catalog) error {
	if err := validation.Struct(c, ""); err != nil {
		return err
	}
	var errs problems
	checkUnique(&errs, c)
	checkNames(&errs, c)
	checkPlans(&errs, c)
	checkAddons(&errs, c)
	checkProducts(&errs, c)
	return errs.err()
}

// problems collects field errors so one answer lists them all.
type problems []portico.FieldError

func (p *problems) add(field, format string, args ...any) {
	*p = append(*p, portico.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return portico.Invalids(p)
}

func checkUnique(errs *problems, c *portico.Catalog) {
	dup := func(kind string, ids []string) {
		seen := map[string]bool{}
		for i, id := range ids {
			if seen[id] {
				errs.add(fmt.Sprintf("%s[%d].id", kind, i), "duplicate id %q", id)
			}
			seen[id] = true
		}
	}
	dup("features", ids(c.Features, func(f portico.Feature) string { return f.ID }))
	dup("products", ids(c.Products, func(p portico.Product) string { return p.ID }))
	dup("plans", ids(c.Plans, func(p portico.Plan) string { return p.ID }))
	dup("addons", ids(c.Addons, func(a portico.Addon) string { return a.ID }))
}

// checkNames refuses two live products with one name, and two live plans or
// two live add-ons of one product with one name: customers and operators
// tell them apart by name. Case and surrounding spaces do not make a name
// different. An archived object may share its name with a live one, so a
// plan can be replaced by a new one of the same name; unarchiving it is
// then refused until one is renamed.
func checkNames(errs *problems, c *portico.Catalog) {
	products := names{}
	for i, p := range c.Products {
		if !p.Archived {
			products.check(errs, fmt.Sprintf("products[%d].name", i), "", p.ID, p.Name, "product")
		}
	}
	plans, addons := names{}, names{}
	for i, p := range c.Plans {
		if !p.Archived {
			plans.check(errs, fmt.Sprintf("plans[%d].name", i), p.ProductID, p.ID, p.Name, "plan")
		}
	}
	for i, a := range c.Addons {
		if !a.Archived {
			addons.check(errs, fmt.Sprintf("addons[%d].name", i), a.ProductID, a.ID, a.Name, "add-on")
		}
	}
}

// names maps a product ID and a name, as compared, to the ID of the first
// object that bears it.
type names map[[2]string]string

func (n names) check(errs *problems, field, productID, id, name, kind string) {
	key := [2]string{productID, strings.ToLower(strings.TrimSpace(name))}
	if key[1] == "" {
		return // a missing name is the field rules' to report
	}
	first, taken := n[key]
	if first == id {
		return // a duplicate ID, reported as such
	}
	if !taken {
		n[key] = id
		return
	}
	if productID == "" {
		errs.add(field, "product %q is already named %q; give each product its own name", first, name)
		return
	}
	errs.add(field, "%s %q of product %q is already named %q; give each %s of a product its own name", kind, first, productID, name, kind)
}

func ids[T any](xs []T, id func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}

func checkPlans(errs *problems, c *portico.Catalog) {
	for i, p := range c.Plans {
		at := fmt.Sprintf("plans[%d]", i)
		if _, ok := c.Product(p.ProductID); !ok {
			errs.add(at+".productId", "unknown product %q", p.ProductID)
		}
		switch p.Pricing {
		case portico.PricingFree, portico.PricingCustom:
			if len(p.Prices) > 0 {
				errs.add(at+".prices", "a %s plan has no prices", p.Pricing)
			}
			if p.TrialDays > 0 {
				errs.add(at+".trialDays", "only paid plans have trials")
			}
		}
		checkPrices(errs, at, p.Prices)
		checkEntitlements(errs, c, at, p.Entitlements)
		checkCharges(errs, c, at, p)
		checkMinimumSpend(errs, at, p)
		for j, aid := range p.AddonIDs {
			a, ok := c.Addon(aid)
			switch {
			case !ok:
				errs.add(fmt.Sprintf("%s.addonIds[%d]", at, j), "unknown add-on %q", aid)
			case a.ProductID != p.ProductID:
				errs.add(fmt.Sprintf("%s.addonIds[%d]", at, j), "add-on %q belongs to product %q, not %q", aid, a.ProductID, p.ProductID)
			default:
				for _, pr := range p.Prices {
					if _, ok := a.PriceFor(pr.BillingPeriod, pr.Currency); !ok {
						errs.add(fmt.Sprintf("%s.addonIds[%d]", at, j), "add-on %q has no %s price in %s, which this plan is sold for", aid, pr.BillingPeriod, pr.Currency)
					}
				}
			}
		}
	}
}

func checkAddons(errs *problems, c *portico.Catalog) {
	for i, a := range c.Addons {
		at := fmt.Sprintf("addons[%d]", i)
		if _, ok := c.Product(a.ProductID); !ok {
			errs.add(at+".productId", "unknown product %q", a.ProductID)
		}
		checkPrices(errs, at, a.Prices)
		checkEntitlements(errs, c, at, a.Entitlements)
		// An add-on is bought for what it grants. Archived ones are left
		// as they are: they take no new customers.
		if len(a.Entitlements) == 0 && !a.Archived {
			errs.add(at+".entitlements", "an add-on must grant at least one feature")
		}
	}
}

// checkPrices refuses a second price for one billing period and currency.
func checkPrices(errs *problems, at string, prices []portico.Price) {
	seen := map[priceSlot]bool{}
	for j, pr := range prices {
		slot := priceSlot{pr.BillingPeriod, pr.Currency}
		if seen[slot] {
			errs.add(fmt.Sprintf("%s.prices[%d].billingPeriod", at, j), "a second %s price in %s", pr.BillingPeriod, pr.Currency)
		}
		seen[slot] = true
	}
}

// priceSlot is what a price is for: a billing period in a currency. A plan,
// an add-on, a charge or a minimum spend has at most one per slot.
type priceSlot struct {
	period   portico.BillingPeriod
	currency string
}

func checkEntitlements(errs *problems, c *portico.Catalog, at string, ents []portico.Entitlement) {
	seen := map[string]bool{}
	for j, e := range ents {
		field := fmt.Sprintf("%s.entitlements[%d]", at, j)
		f, ok := c.Feature(e.FeatureID)
		switch {
		case !ok:
			errs.add(field+".featureId", "unknown feature %q", e.FeatureID)
		case f.Type == portico.FeatureBoolean && (e.Limit != 0 || e.Unlimited):
			errs.add(field+".limit", "feature %q is boolean: it takes no limit", e.FeatureID)
		}
		if seen[e.FeatureID] {
			errs.add(field+".featureId", "feature %q is granted twice", e.FeatureID)
		}
		seen[e.FeatureID] = true
	}
}

func checkProducts(errs *problems, c *portico.Catalog) {
	for i, p := range c.Products {
		at := fmt.Sprintf("products[%d]", i)
		j := p.Journey
		if j.FreePlanID != "" {
			checkJourneyPlan(errs, c, p.ID, at+".journey.freePlanId", j.FreePlanID, portico.PricingFree)
		}
		if j.TrialPlanID != "" {
			if plan := checkJourneyPlan(errs, c, p.ID, at+".journey.trialPlanId", j.TrialPlanID, portico.PricingPaid); plan != nil && plan.TrialDays == 0 {
				errs.add(at+".journey.trialPlanId", "plan %q has no trial days; give it trial days first", plan.ID)
			}
		}
		for k, other := range j.AlsoCancelProductIDs {
			field := fmt.Sprintf("%s.journey.alsoCancelProductIds[%d]", at, k)
			if other == p.ID {
				errs.add(field, "a product's subscriptions already end when it is cancelled; name other products")
			} else if _, ok := c.Product(other); !ok {
				errs.add(field, "unknown product %q", other)
			}
		}
	}
}

func checkJourneyPlan(errs *problems, c *portico.Catalog, productID, field, planID string, pricing portico.Pricing) *portico.Plan {
	plan, ok := c.Plan(planID)
	switch {
	case !ok:
		errs.add(field, "unknown plan %q", planID)
	case plan.ProductID != productID:
		errs.add(field, "plan %q belongs to product %q", planID, plan.ProductID)
	case plan.Pricing != pricing:
		errs.add(field, "plan %q must be a %s plan", planID, pricing)
	case plan.Archived:
		errs.add(field, "plan %q is archived; the journey cannot start or end on it", planID)
	default:
		return &plan
	}
	return nil
}
