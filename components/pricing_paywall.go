package components

import (
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

// The paywall's side of charges: a charged plan's terms and "Starts at"
// price, the stepper that picks its committed quantities, and the preview
// asked again (once the customer stops stepping) when they change.

// previewDelay is how long the quantity must rest before its preview is
// asked: holding an arrow key asks once, not at every step.
const previewDelay = 300 * time.Millisecond

// chargedPrice is the price block of a plan with charges: "Starts at
// $10.00 / month", each charge's terms and the minimum spend.
func (p *Paywall) chargedPrice(pl portico.PaywallPlan) app.UI {
	f, per := p.f(), p.perPeriodOf(p.period)
	var terms []string
	for _, ch := range pl.Charges {
		terms = append(terms, p.chargeTerms(ch, p.featureOf(ch.FeatureID, pl.ChargeFeatures, pl.Entitlements), p.period)...)
	}
	billed := p.t("billedMonthly")
	if p.period == portico.Annually {
		billed = p.t("billedAnnually")
	}
	return app.Div().Class(p.c("plan-price", "plan-charged")).Body(
		app.If(pl.StartsAt != nil, func() app.UI {
			return app.Div().Class(p.c("plan-starts-at")).Body(
				app.Span().Class(p.c("plan-starts-label", "muted")).Text(p.t("planStartsAt")+" "),
				app.Span().Class(p.c("plan-amount")).Text(f.M(*pl.StartsAt)),
				app.Span().Class(p.c("plan-per", "muted")).Text(" "+per),
			)
		}),
		app.Ul().Class(p.c("plan-charges")).Body(
			app.Range(terms).Slice(func(i int) app.UI { return app.Li().Class(p.c("plan-charge-term")).Text(terms[i]) }),
			app.If(pl.MinimumSpend != nil, func() app.UI {
				return app.Li().Class(p.c("plan-minimum")).Text(p.t("chargeMinimum", "amount", f.M(*pl.MinimumSpend), "per", per))
			}),
		),
		app.Div().Class(p.c("plan-billed", "muted")).Text(billed),
	)
}

// committed lists a plan's charges priced by a quantity the customer
// commits to.
func committed(pl portico.PaywallPlan) []portico.Charge {
	var out []portico.Charge
	for _, ch := range pl.Charges {
		if ch.Model.Committed() {
			out = append(out, ch)
		}
	}
	return out
}

// chosen is the quantity picked for a plan's charge: what the stepper was
// set to, else the customer's current quantity, else the least allowed.
func (p *Paywall) chosen(pl portico.PaywallPlan, ch portico.Charge) int64 {
	if q, ok := p.quantities[pl.ID][ch.FeatureID]; ok {
		return q
	}
	st := p.chargeStepper(pl, ch)
	if q, ok := pl.Quantities[ch.FeatureID]; ok {
		return st.clamp(q)
	}
	return st.lowest
}

// chargeStepper is the stepper of a plan's committed charge; in the
// confirm dialog (inDialog) its field has an ID of its own.
func (p *Paywall) chargeStepper(pl portico.PaywallPlan, ch portico.Charge) quantityStepper {
	feat := p.featureOf(ch.FeatureID, pl.ChargeFeatures, pl.Entitlements)
	st := quantityStepper{id: p.prefix() + "-quantity-" + pl.ID + "-" + ch.FeatureID, label: feat.name,
		units: feat.many(), lowest: ch.Min(), highest: ch.MaxQuantity, scope: pl.ID + "/" + ch.FeatureID + "/" + string(p.period),
		set: func(ctx app.Context, q int64) { p.setQuantity(ctx, pl.ID, ch.FeatureID, q) }}
	st.lowest = max(st.lowest, 0)
	return st
}

// planSteppers are a card's steppers, one per committed charge, with what
// the plan comes to at the quantities picked; the current plan shows its
// quantities, which the subscription's "Change" action changes.
func (p *Paywall) planSteppers(pl portico.PaywallPlan, inDialog bool) app.UI {
	charges := committed(pl)
	if len(charges) == 0 || pl.Intent == portico.IntentContactSales {
		return nil
	}
	if !inDialog && (pl.Intent == portico.IntentCurrent || pl.Intent == portico.IntentScheduled) {
		var have []string
		for _, ch := range charges {
			have = append(have, p.count(p.featureOf(ch.FeatureID, pl.ChargeFeatures, pl.Entitlements), p.chosen(pl, ch)))
		}
		return app.P().Class(p.c("plan-quantities")).Text(strings.Join(have, ", "))
	}
	var body []app.UI
	for _, ch := range charges {
		st := p.chargeStepper(pl, ch)
		if inDialog {
			st.id += "-confirm"
		}
		st.value = p.chosen(pl, ch)
		st.hint = p.boundsHint(st)
		body = append(body, p.stepper(st))
	}
	body = append(body, app.P().Class(p.c("plan-estimate")).Aria("live", "polite").Text(p.estimate(pl)))
	return app.Div().Class(p.c("plan-steppers")).Body(body...)
}

// estimate is what the plan comes to each period at the quantities
// picked, before usage: "$120.00 / month".
func (p *Paywall) estimate(pl portico.PaywallPlan) string {
	var total int64
	currency := ""
	if pl.Price != nil {
		total, currency = pl.Price.Amount, pl.Price.Currency
	}
	for _, ch := range committed(pl) {
		if len(ch.Prices) > 0 {
			total += ch.Amount(ch.Prices[0], p.chosen(pl, ch))
			currency = ch.Prices[0].Currency
		}
	}
	if pl.MinimumSpend != nil {
		total = max(total, pl.MinimumSpend.Amount)
	}
	return p.t("planEstimate", "amount", p.f().Money(total, currency), "per", p.perPeriodOf(p.period))
}

// setQuantity moves a plan's stepper; with its confirm step open the
// preview is asked again once the quantity rests.
func (p *Paywall) setQuantity(ctx app.Context, planID, featureID string, q int64) {
	if p.quantities == nil {
		p.quantities = map[string]map[string]int64{}
	}
	if p.quantities[planID] == nil {
		p.quantities[planID] = map[string]int64{}
	}
	if old, ok := p.quantities[planID][featureID]; ok && old == q {
		return
	}
	p.quantities[planID][featureID] = q
	if p.selected != nil && p.selected.PlanID == planID && !p.applying {
		p.previewSoon(ctx)
	}
}

// quantitiesFor are the committed quantities a change to the plan sends.
func (p *Paywall) quantitiesFor(planID string) map[string]int64 {
	for _, pl := range p.view.Plans {
		if pl.ID != planID {
			continue
		}
		var out map[string]int64
		for _, ch := range committed(pl) {
			if out == nil {
				out = map[string]int64{}
			}
			out[ch.FeatureID] = p.chosen(pl, ch)
		}
		return out
	}
	return nil
}

// previewSoon drops the preview shown and asks a new one after
// previewDelay, unless the quantity moves again before.
func (p *Paywall) previewSoon(ctx app.Context) {
	p.forget()
	asked := p.asked
	ctx.After(previewDelay, func(ctx app.Context) {
		if asked == p.asked && p.selecting() {
			p.askPreview(ctx)
		}
	})
}

// askPreview previews the selected change; an answer that arrives after
// the customer moved on is dropped.
func (p *Paywall) askPreview(ctx app.Context) {
	p.forget()
	p.fetchPreview(ctx, p.cfg.Source, p.request(*p.selected), p.asked, p.selecting, p.errorText)
}

// selecting reports whether the confirm step is open on a plan.
func (p *Paywall) selecting() bool { return p.selected != nil }
