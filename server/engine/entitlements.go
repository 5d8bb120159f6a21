package engine

import (
	"context"
	"slices"
	"time"

	portico "github.com/portico-dev/portico"
)

// Entitlements returns the customer's access to each feature granted to
// them, for the resource (single-product subscriptions always count).
func (e *Engine) Entitlements(ctx context.Context, customerID, resourceID string) ([]portico.EntitlementView, error) {
	var out []portico.EntitlementView
	err := e.readCustomer(ctx, customerID, func(o *op, c *portico.Customer) error {
		var err error
		out, err = o.entitlements(c, resourceID)
		return err
	})
	return out, err
}

// grant accumulates one feature's entitlement from every source.
type grant struct {
	limit     int64
	unlimited bool
	source    string
	anchor    time.Time // where metered reset periods count from
	// resource is where usage is recorded: the granting subscription's
	// resource, empty for single-product subscriptions and promotions.
	resource string
	// soft marks usage-priced features: usage past the limit is billed, not
	// refused.
	soft bool
}

// usageResource is the resource a feature's usage is kept under: the one
// its grant belongs to, so a single product's seats are counted once for the
// customer even when asked about one resource.
func usageResource(g *grant, resourceID string) string {
	if g != nil {
		return g.resource
	}
	return resourceID
}

func (o *op) entitlements(c *portico.Customer, resourceID string) ([]portico.EntitlementView, error) {
	in, err := o.grantInputs(c.ID)
	if err != nil {
		return nil, err
	}
	return o.entitlementsFrom(c, resourceID, in), nil
}

// grantInputs is what a customer's entitlements are computed from.
type grantInputs struct {
	subs   []*portico.Subscription
	promos []portico.Promotion
	usage  []portico.UsageRecord
}

func (o *op) grantInputs(customerID string) (grantInputs, error) {
	var in grantInputs
	var err error
	if in.subs, err = o.tx.SubscriptionsOf(customerID); err != nil {
		return in, err
	}
	if in.promos, err = o.tx.PromotionsOf(customerID); err != nil {
		return in, err
	}
	in.usage, err = o.tx.UsageOf(customerID)
	return in, err
}

func (o *op) entitlementsFrom(c *portico.Customer, resourceID string, in grantInputs) []portico.EntitlementView {
	grants := o.resolve(c, resourceID, in.subs, in.promos)
	out := []portico.EntitlementView{}
	for _, f := range o.cat.Features {
		g, ok := grants[f.ID]
		if !ok {
			continue
		}
		v := portico.EntitlementView{FeatureID: f.ID, FeatureName: f.Name, Type: f.Type, Unit: f.Unit,
			Limit: g.limit, Unlimited: g.unlimited, Source: g.source, SoftLimit: g.soft && !g.unlimited}
		if f.Type == portico.FeatureBoolean {
			v.HasAccess = true
			out = append(out, v)
			continue
		}
		var resetAt *time.Time
		v.Usage, resetAt = usageValue(f, findUsage(in.usage, f.ID, usageResource(g, resourceID)), g.anchor, o.now)
		v.ResetAt = resetAt
		if f.Type == portico.FeatureMetered {
			start, _ := periodAround(g.anchor, f.ResetPeriod, o.now)
			v.PeriodStart = &start
		}
		v.HasAccess = g.unlimited || v.SoftLimit || v.Usage < g.limit
		out = append(out, v)
	}
	return out
}

func findUsage(recs []portico.UsageRecord, featureID, resourceID string) *portico.UsageRecord {
	for i := range recs {
		if recs[i].FeatureID == featureID && recs[i].ResourceID == resourceID {
			return &recs[i]
		}
	}
	return nil
}

// usageValue is the usage now: numeric usage as recorded, metered usage of
// the reset period containing now (zero once a new period has begun).
func usageValue(f portico.Feature, rec *portico.UsageRecord, anchor, now time.Time) (int64, *time.Time) {
	if f.Type != portico.FeatureMetered {
		if rec == nil {
			return 0, nil
		}
		return rec.Value, nil
	}
	start, end := periodAround(anchor, f.ResetPeriod, now)
	if rec == nil || rec.PeriodStart.Before(start) {
		return 0, &end
	}
	return rec.Value, &end
}

// resolve adds up what the live subscriptions in scope and the active
// promotions grant: plan plus add-ons times quantity, numeric limits add up,
// unlimited wins, and a promotion raises a limit to its own when higher.
func (o *op) resolve(c *portico.Customer, resourceID string, subs []*portico.Subscription, promos []portico.Promotion) map[string]*grant {
	out := map[string]*grant{}
	for _, s := range subs {
		if !s.Live() || (s.ResourceID != "" && s.ResourceID != resourceID) {
			continue
		}
		plan, _ := o.cat.Plan(s.PlanID)
		for _, e := range plan.Entitlements {
			addGrant(out, e, 1, "plan", s.UsageAnchor, s.ResourceID)
		}
		addChargeGrants(out, s, plan)
		for _, aq := range s.Addons {
			a, _ := o.cat.Addon(aq.ID)
			for _, e := range a.Entitlements {
				addGrant(out, e, int64(aq.Quantity), "addon", s.UsageAnchor, s.ResourceID)
			}
		}
	}
	for _, p := range promos {
		if p.ActiveAt(o.now) {
			applyPromotion(out, p, c.CreatedAt)
		}
	}
	return out
}

// addChargeGrants grants the features s's charges price: a committed
// quantity is the feature's limit (added to what else grants it); usage
// priced past its included units keeps access (a soft limit at them)
// unless the plan's own entitlement sets a hard limit.
func addChargeGrants(out map[string]*grant, s *portico.Subscription, plan portico.Plan) {
	for _, c := range s.Charges {
		if c.Model.Committed() {
			addGrant(out, portico.Entitlement{FeatureID: c.FeatureID, Limit: s.Quantities[c.FeatureID]}, 1, "plan", s.UsageAnchor, s.ResourceID)
			continue
		}
		hard := slices.ContainsFunc(plan.Entitlements, func(e portico.Entitlement) bool { return e.FeatureID == c.FeatureID && !e.Unlimited })
		if hard {
			continue
		}
		g, ok := out[c.FeatureID]
		if !ok {
			g = &grant{source: "plan", anchor: s.UsageAnchor, resource: s.ResourceID}
			out[c.FeatureID] = g
		}
		if !g.unlimited {
			g.soft = true
			g.limit += c.Included
		}
	}
}

func addGrant(out map[string]*grant, e portico.Entitlement, quantity int64, source string, anchor time.Time, resource string) {
	g, ok := out[e.FeatureID]
	if !ok {
		g = &grant{source: source, anchor: anchor, resource: resource}
		out[e.FeatureID] = g
	}
	g.unlimited = g.unlimited || e.Unlimited
	g.limit += e.Limit * quantity
}

func applyPromotion(out map[string]*grant, p portico.Promotion, anchor time.Time) {
	g, ok := out[p.FeatureID]
	if !ok {
		out[p.FeatureID] = &grant{limit: p.Limit, unlimited: p.Unlimited, source: "promotion", anchor: anchor}
		return
	}
	if g.unlimited {
		return
	}
	if p.Unlimited || p.Limit > g.limit {
		g.limit, g.unlimited, g.source = p.Limit, p.Unlimited, "promotion"
	}
}

// grants is what one subscription grants, merged per feature.
func (o *op) grants(s *portico.Subscription) []portico.Entitlement {
	m := o.resolve(&portico.Customer{}, s.ResourceID, []*portico.Subscription{{
		Status: portico.StatusActive, PlanID: s.PlanID, Addons: s.Addons, ResourceID: s.ResourceID,
		Quantities: s.Quantities, Charges: s.Charges,
	}}, nil)
	out := []portico.Entitlement{}
	for _, f := range o.cat.Features {
		if g, ok := m[f.ID]; ok {
			out = append(out, portico.Entitlement{FeatureID: f.ID, Limit: g.limit, Unlimited: g.unlimited})
		}
	}
	return out
}

// diffGrants lists the features gained (added or raised) and lost (removed
// or lowered) between two sets of grants.
func (o *op) diffGrants(before, after []portico.Entitlement) (gained, lost []portico.EntitlementLine) {
	gained, lost = []portico.EntitlementLine{}, []portico.EntitlementLine{}
	find := func(es []portico.Entitlement, id string) (portico.Entitlement, bool) {
		i := slices.IndexFunc(es, func(e portico.Entitlement) bool { return e.FeatureID == id })
		if i < 0 {
			return portico.Entitlement{}, false
		}
		return es[i], true
	}
	for _, a := range after {
		b, had := find(before, a.FeatureID)
		switch {
		case !had:
			gained = append(gained, o.line(a, "added", nil))
		case more(a, b):
			gained = append(gained, o.line(a, "increased", &b))
		case more(b, a):
			lost = append(lost, o.line(a, "decreased", &b))
		}
	}
	for _, b := range before {
		if _, has := find(after, b.FeatureID); !has {
			lost = append(lost, o.line(b, "removed", nil))
		}
	}
	return gained, lost
}

// more reports whether a grants more than b.
func more(a, b portico.Entitlement) bool {
	if a.Unlimited != b.Unlimited {
		return a.Unlimited
	}
	return !a.Unlimited && a.Limit > b.Limit
}

func (o *op) line(e portico.Entitlement, change string, prev *portico.Entitlement) portico.EntitlementLine {
	f, _ := o.cat.Feature(e.FeatureID)
	l := portico.EntitlementLine{FeatureID: f.ID, FeatureName: f.Name, Type: f.Type, Unit: f.Unit,
		Limit: e.Limit, Unlimited: e.Unlimited, Change: change}
	if prev != nil && f.Type != portico.FeatureBoolean {
		if prev.Unlimited {
			l.PreviousUnlimited = true
		} else {
			p := prev.Limit
			l.PreviousLimit = &p
		}
	}
	return l
}

// usageNow is the customer's current usage per feature for the resource.
func (o *op) usageNow(c *portico.Customer, resourceID string) map[string]int64 {
	out := map[string]int64{}
	views, err := o.entitlements(c, resourceID)
	if err != nil {
		o.fail(err)
		return out
	}
	for _, v := range views {
		out[v.FeatureID] = v.Usage
	}
	recs, err := o.tx.UsageOf(c.ID)
	o.fail(err)
	for _, r := range recs {
		if _, seen := out[r.FeatureID]; seen || r.ResourceID != resourceID {
			continue
		}
		if f, ok := o.cat.Feature(r.FeatureID); ok {
			out[r.FeatureID], _ = usageValue(f, &r, c.CreatedAt, o.now)
		}
	}
	return out
}

// touched lists the features whose grant the change of cur (nil for a new
// subscription) into target alters by itself: where their own grants
// differ. Only these can be gained, lost or fall below usage.
func (o *op) touched(cur, target *portico.Subscription) map[string]bool {
	var before []portico.Entitlement
	if cur != nil {
		before = o.grants(cur)
	}
	gained, lost := o.diffGrants(before, o.grants(target))
	out := map[string]bool{}
	for _, l := range append(gained, lost...) {
		out[l.FeatureID] = true
	}
	return out
}

// holdings are what a customer holds: their subscriptions and promotions,
// read once for every change weighed against them (a paywall weighs one a
// plan).
type holdings struct {
	c      *portico.Customer
	subs   []*portico.Subscription
	promos []portico.Promotion
}

func (o *op) holdingsOf(c *portico.Customer) holdings {
	subs, err := o.tx.SubscriptionsOf(c.ID)
	o.fail(err)
	promos, err := o.tx.PromotionsOf(c.ID)
	o.fail(err)
	return holdings{c: c, subs: subs, promos: promos}
}

// before is what the customer holds per feature for the target's resource,
// every live subscription and active promotion counted.
func (o *op) before(h holdings, target *portico.Subscription) map[string]*grant {
	return o.resolve(h.c, target.ResourceID, h.subs, h.promos)
}

// after is the same once cur (nil for a new subscription) is changed into
// target, so a limit another product or a promotion keeps is not lost.
func (o *op) after(h holdings, cur, target *portico.Subscription) map[string]*grant {
	changed := make([]*portico.Subscription, 0, len(h.subs)+1)
	for _, s := range h.subs {
		if cur == nil || s.ID != cur.ID {
			changed = append(changed, s)
		}
	}
	changed = append(changed, &portico.Subscription{Status: portico.StatusActive, PlanID: target.PlanID,
		Addons: target.Addons, ResourceID: target.ResourceID, Quantities: target.Quantities, Charges: target.Charges})
	return o.resolve(h.c, target.ResourceID, changed, h.promos)
}

// entitlementsOf lists the grants of the features in only, in the
// catalog's order.
func (o *op) entitlementsOf(m map[string]*grant, only map[string]bool) []portico.Entitlement {
	out := []portico.Entitlement{}
	for _, f := range o.cat.Features {
		if g, ok := m[f.ID]; ok && only[f.ID] {
			out = append(out, portico.Entitlement{FeatureID: f.ID, Limit: g.limit, Unlimited: g.unlimited})
		}
	}
	return out
}

// belowUsage lists the features a change touches whose limit afterwards
// (everything the customer holds counted) is below their usage.
func (o *op) belowUsage(after map[string]*grant, touched map[string]bool, usage map[string]int64) []string {
	var out []string
	for _, f := range o.cat.Features {
		u := usage[f.ID]
		if !touched[f.ID] || f.Type == portico.FeatureBoolean || u <= 0 {
			continue
		}
		// A soft limit (usage priced past it) keeps access: not flagged.
		if g, ok := after[f.ID]; !ok || (!g.unlimited && !g.soft && g.limit < u) {
			out = append(out, f.ID)
		}
	}
	return out
}

// droppedAddons lists cur's add-ons that target does not keep.
func (o *op) droppedAddons(cur, target *portico.Subscription) []portico.AddonView {
	out := []portico.AddonView{}
	if cur == nil {
		return out
	}
	for _, aq := range cur.Addons {
		if hasAddon(target, aq.ID) {
			continue
		}
		a, _ := o.cat.Addon(aq.ID)
		pr, _ := o.addonPrice(cur, aq.ID)
		out = append(out, portico.AddonView{ID: aq.ID, Name: a.Name, Quantity: aq.Quantity, Price: pr})
	}
	return out
}
