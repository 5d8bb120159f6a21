package components

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

// AddonOffer is what a subscription's plan sells as add-ons: the add-on
// list offers them, the add-on editor changes their quantities, and "Buy
// more" opens the one that raises a feature's limit.
type AddonOffer struct {
	// PlanID and BillingPeriod are the terms the offer was read for: a
	// change of either reads it again.
	PlanID        string                 `json:"planId"`
	BillingPeriod portico.BillingPeriod  `json:"billingPeriod"`
	Addons        []portico.PaywallAddon `json:"addons"`
}

// offersPrerenderedID holds the offers the server rendered the page with.
const offersPrerenderedID = "portico-prerendered-offers"

// actionWantOffers tells the provider that a section shows offers (the
// add-on list, "Buy more"): it reads them then, and again when the
// subscriptions change, so pages that show none never ask for them.
const actionWantOffers = "portico.want-offers"

// wantOffers asks the provider for the offers.
func wantOffers(ctx app.Context) { ctx.NewAction(actionWantOffers) }

// selfServe reports whether the customer changes the subscription
// themselves: it is live and not at a custom price, which only the team
// changes.
func selfServe(sub portico.SubscriptionView) bool {
	return (sub.Status == portico.StatusActive || sub.Status == portico.StatusTrialing) && sub.Pricing != portico.PricingCustom
}

// inScope keeps the subscriptions of a product and resource scope.
func inScope(subs []portico.SubscriptionView, productID, resourceID string) []portico.SubscriptionView {
	var out []portico.SubscriptionView
	for _, sub := range subs {
		if (productID == "" || sub.ProductID == productID) &&
			(resourceID == "" || sub.ResourceID == "" || sub.ResourceID == resourceID) {
			out = append(out, sub)
		}
	}
	return out
}

// staleOffers are the self-serve subscriptions shown whose offer is
// missing or was read for other terms, and has not been tried since the
// portal was last loaded: a read that failed waits for the next load.
func (p *PortalProvider) staleOffers() []portico.SubscriptionView {
	if p.data.Portal == nil {
		return nil
	}
	var out []portico.SubscriptionView
	for _, sub := range inScope(p.data.Portal.Subscriptions, p.Props.productID, p.Props.resourceID) {
		o, ok := p.data.Offers[sub.ID]
		current := ok && o.PlanID == sub.Plan.ID && o.BillingPeriod == sub.BillingPeriod
		if selfServe(sub) && !current && p.offersTried[sub.ID] != p.offerAttempt(sub) {
			out = append(out, sub)
		}
	}
	return out
}

// offerAttempt names a read of a subscription's offer: its terms, at a
// load of the portal.
func (p *PortalProvider) offerAttempt(sub portico.SubscriptionView) string {
	return sub.Plan.ID + "/" + string(sub.BillingPeriod) + "@" + strconv.Itoa(p.data.Version)
}

// loadOffers reads the offers that are stale from the plans of each
// subscription's product, one read per product. An offer that cannot be
// read is left out: the customer still gets more through the plans.
func (p *PortalProvider) loadOffers(ctx app.Context) {
	if !p.offersWanted || p.offersLoading || p.Props.source == nil {
		return
	}
	stale := p.staleOffers()
	if len(stale) == 0 {
		return
	}
	p.offersLoading = true
	if p.offersTried == nil {
		p.offersTried = map[string]string{}
	}
	for _, sub := range stale {
		p.offersTried[sub.ID] = p.offerAttempt(sub)
	}
	src, version := p.Props.source, p.data.Version
	ctx.Async(func() {
		c, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		views := map[string]*portico.PaywallView{}
		read := map[string]AddonOffer{}
		for _, sub := range stale {
			v, seen := views[sub.ProductID]
			if !seen {
				v, _ = src.Paywall(c, sub.ProductID, "")
				views[sub.ProductID] = v
			}
			if v != nil {
				read[sub.ID] = offerFor(v, sub)
			}
		}
		ctx.Dispatch(func(ctx app.Context) {
			p.offersLoading = false
			p.keepOffers(ctx, read)
			if p.data.Version != version {
				// The portal was reloaded meanwhile: its subscriptions may
				// have other terms.
				p.loadOffers(ctx)
			}
		})
	})
}

// keepOffers adds offers just read to those of the subscriptions still
// shown, and shares them with the sections.
func (p *PortalProvider) keepOffers(ctx app.Context, read map[string]AddonOffer) {
	offers := map[string]AddonOffer{}
	if p.data.Portal != nil {
		for _, sub := range p.data.Portal.Subscriptions {
			if o, ok := read[sub.ID]; ok {
				offers[sub.ID] = o
			} else if o, ok := p.data.Offers[sub.ID]; ok {
				offers[sub.ID] = o
			}
		}
	}
	p.data.Offers = offers
	ctx.SetState(stateData, p.data)
}

// offerFor picks, from a product's plans, the add-ons the subscription's
// plan sells with a price for its billing period.
func offerFor(v *portico.PaywallView, sub portico.SubscriptionView) AddonOffer {
	o := AddonOffer{PlanID: sub.Plan.ID, BillingPeriod: sub.BillingPeriod}
	var sold []string
	for _, pl := range v.Plans {
		if pl.ID == sub.Plan.ID {
			sold = pl.AddonIDs
		}
	}
	for _, a := range v.Addons {
		if slices.Contains(sold, a.ID) && hasPrice(a, sub.BillingPeriod) {
			o.Addons = append(o.Addons, a)
		}
	}
	return o
}

func hasPrice(a portico.PaywallAddon, period portico.BillingPeriod) bool {
	_, ok := unitPrice(a, period)
	return ok
}

// unitPrice is an add-on's price for one unit over a billing period.
func unitPrice(a portico.PaywallAddon, period portico.BillingPeriod) (portico.Money, bool) {
	for _, pr := range a.Prices {
		if pr.BillingPeriod == period {
			return portico.Money{Amount: pr.Amount, Currency: pr.Currency}, true
		}
	}
	return portico.Money{}, false
}

// offered returns the add-on the subscription's plan sells, if it does.
func (d Data) offered(subID, addonID string) (portico.PaywallAddon, bool) {
	for _, a := range d.Offers[subID].Addons {
		if a.ID == addonID {
			return a, true
		}
	}
	return portico.PaywallAddon{}, false
}

// quantityOf is how many units of an add-on the subscription has.
func quantityOf(sub portico.SubscriptionView, addonID string) int {
	for _, a := range sub.Addons {
		if a.ID == addonID {
			return a.Quantity
		}
	}
	return 0
}

// raises reports whether an add-on raises a feature's limit.
func raises(a portico.PaywallAddon, featureID string) bool {
	return slices.ContainsFunc(a.Entitlements, func(e portico.EntitlementLine) bool {
		return e.FeatureID == featureID && (e.Limit > 0 || e.Unlimited)
	})
}

// roomFor reports whether one more unit of the add-on can be bought.
func roomFor(a portico.PaywallAddon, quantity int) bool {
	return a.MaxQuantity == 0 || quantity < a.MaxQuantity
}
