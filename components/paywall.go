package components

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

// Paywall shows a product's plans for the customer: a monthly/annual
// toggle with the saving, the current plan marked, each plan's button from
// what choosing it would do, the highlighted plan, limits below current
// usage flagged, and a confirm step that previews the change.
type Paywall struct {
	section
	// Props holds what the setters set: exported for go-app, which hands a
	// mounted component its parent's new props through exported fields
	// only, but of a type whose fields are not (see PortalProvider.Props).
	Props paywallProps

	period  portico.BillingPeriod
	product string // the product chosen when the customer has several
	view    *portico.PaywallView
	viewFor string // the product view was asked for ("" when prerendered)
	follower
	err string

	selected *PlanSelection
	changeFlow
	// quantities are the committed quantities picked, by plan and feature.
	quantities map[string]map[string]int64
}

// paywallProps are a Paywall's props.
type paywallProps struct {
	// productID picks the product; empty uses the provider's scope, then
	// the customer's subscribed product.
	productID string
}

// NewPaywall returns a Paywall, to place under a PortalProvider.
func NewPaywall() *Paywall { return &Paywall{} }

// ProductID sets the product whose plans are shown; without one, the
// provider's scope, else the customer's product, with a switch when they
// have several.
func (p *Paywall) ProductID(v string) *Paywall { p.Props.productID = v; return p }

// paywallPrerenderedID holds the plans the server rendered the page with.
const paywallPrerenderedID = "portico-prerendered-paywall"

// OnInit starts from the plans the server rendered the page with, if any,
// as loaded for the provider's prerendered data (version 1).
func (p *Paywall) OnInit() {
	p.section.OnInit()
	var v portico.PaywallView
	if ReadPrerendered(paywallPrerenderedID, &v) {
		p.view, p.period, p.loaded = &v, v.BillingPeriod, 1
	}
}

func (p *Paywall) OnPreRender(ctx app.Context) { p.watch(ctx) }
func (p *Paywall) OnMount(ctx app.Context)     { p.watch(ctx) }

// watch follows the provider and reloads the plans whenever the portal
// data changes (after any change the customer makes).
func (p *Paywall) watch(ctx app.Context) { p.follow(ctx, &p.section, p.load) }

// shownProduct is the product whose plans are shown ("" for the
// server's choice).
func (p *Paywall) shownProduct() string {
	switch {
	case p.Props.productID != "":
		return p.Props.productID
	case p.cfg.ProductID != "":
		return p.cfg.ProductID
	}
	if products := p.products(); len(products) > 1 {
		if p.product == "" {
			return products[0].ID
		}
		return p.product
	}
	return ""
}

// products lists the products the customer subscribes to, when the
// paywall is not limited to one: it then offers a choice between them.
func (p *Paywall) products() []portico.ProductRef {
	if p.Props.productID != "" || p.cfg.ProductID != "" || p.data.Portal == nil {
		return nil
	}
	var out []portico.ProductRef
	for _, sub := range p.data.Portal.Subscriptions {
		if !slices.ContainsFunc(out, func(r portico.ProductRef) bool { return r.ID == sub.ProductID }) {
			out = append(out, portico.ProductRef{ID: sub.ProductID, Name: sub.ProductName})
		}
	}
	return out
}

// load fetches the plans. The error, with its retry button, stays until
// the answer: go-app drops a dispatch whose context's element is gone.
// When plans are shown, a failure keeps them with their period and product.
func (p *Paywall) load(ctx app.Context) {
	p.loading = true
	src, product, period, version := p.cfg.Source, p.shownProduct(), p.period, p.data.Version
	if p.view != nil && p.viewFor != "" && p.viewFor != product {
		// Another product may not be sold for the period shown: let the
		// server choose its default.
		period = ""
	}
	ctx.Async(func() {
		c, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		v, err := src.Paywall(c, product, period)
		ctx.Dispatch(func(ctx app.Context) {
			p.loading, p.loaded = false, version
			if err != nil {
				p.err = err.Error()
				if p.view != nil {
					p.period, p.product = p.view.BillingPeriod, p.view.Product.ID
					notify(ctx, "error", p.t("actionError", "error", p.err))
				}
				return
			}
			p.view, p.viewFor, p.period, p.err = v, product, v.BillingPeriod, ""
		})
	})
}

func (p *Paywall) Render() app.UI {
	body := []app.UI{p.header()}
	switch {
	case p.view == nil && p.err != "":
		body = append(body, app.Div().Class(p.c("error")).Role("alert").Body(
			app.P().Text(p.t("plansLoadError")), app.P().Class(p.c("error-detail")).Text(p.err),
			busyButton(p.c("button", "retry-button"), p.t("retry"), p.loading, "retry",
				func(ctx app.Context, e app.Event) { p.load(ctx) })))
	case p.view == nil:
		if _, placeholder := p.ready(4); placeholder != nil {
			body = append(body, placeholder)
		} else {
			body = append(body, skeleton(p.prefix(), 4, p.t("loading")))
		}
	case len(p.view.Plans) == 0:
		body = append(body, app.P().Class(p.c("empty")).Text(p.t("noPlans")))
	default:
		body = append(body, app.Div().Class(p.c("plans")).Aria("busy", p.loading).Body(
			app.Range(p.view.Plans).Slice(func(i int) app.UI { return p.card(p.view.Plans[i]) }),
		))
	}
	if p.selected != nil {
		body = append(body, p.confirm())
	}
	if p.view != nil && p.loaded == 1 {
		body = append(body, Prerender(paywallPrerenderedID, p.view))
	}
	return app.Section().ID(p.prefix()+"-plans").Class(p.c("section", "paywall")).Aria("label", p.t("paywallSectionTitle")).Body(body...)
}

func (p *Paywall) header() app.UI {
	return app.Div().Class(p.c("section-header")).Body(
		// The title takes the focus when "Change plan" or "Buy more" leads here.
		app.H2().ID(p.prefix()+"-plans-title").TabIndex(-1).Class(p.c("section-title", "paywall-section-title")).Text(p.t("paywallSectionTitle")),
		app.If(len(p.products()) > 1, p.productTabs),
		app.If(p.view != nil && len(p.view.BillingPeriods) > 1, p.toggle),
	)
}

// productTabs switches between the products the customer subscribes to.
// Like the billing periods, the group is one stop of the Tab key and the
// arrow keys choose.
func (p *Paywall) productTabs() app.UI {
	current, refs := p.shownProduct(), p.products()
	keyboard := roving{choose: func(ctx app.Context, i int) { p.showProduct(ctx, refs[i].ID) }}
	for i, ref := range refs {
		keyboard.ids = append(keyboard.ids, p.prefix()+"-product-"+ref.ID)
		if ref.ID == current {
			keyboard.current = i
		}
	}
	return app.Div().Class(p.c("segmented", "product-switch")).Role("radiogroup").Aria("label", p.t("productLabel")).
		OnKeyDown(keyboard.onKeyDown).Body(
		app.Range(refs).Slice(func(i int) app.UI {
			ref := refs[i]
			b := app.Button().Type("button").Role("radio").Aria("checked", ref.ID == current).Class(p.c("period-option")).
				ID(keyboard.ids[i]).TabIndex(keyboard.tabIndex(i)).
				Text(ref.Name).OnClick(func(ctx app.Context, e app.Event) { p.showProduct(ctx, ref.ID) }, app.EventScope(ref.ID))
			if ref.ID == current {
				b = b.Class(p.c("period-option-selected"))
			}
			return b
		}),
	)
}

// showProduct shows the plans of another of the customer's products.
func (p *Paywall) showProduct(ctx app.Context, id string) {
	if p.product != id {
		p.product, p.period = id, ""
		p.load(ctx)
	}
}

// toggle switches the billing period; the saving is the best of the plans.
// The radio group is one stop of the Tab key; the arrow keys choose.
func (p *Paywall) toggle() app.UI {
	periods, keys := []portico.BillingPeriod{portico.Monthly, portico.Annually}, []string{"monthly", "annually"}
	keyboard := roving{current: max(slices.Index(periods, p.period), 0),
		choose: func(ctx app.Context, i int) { p.choosePeriod(ctx, periods[i]) }}
	for _, period := range periods {
		keyboard.ids = append(keyboard.ids, p.prefix()+"-period-"+string(period))
	}
	option := func(i int) app.UI {
		period := periods[i]
		on := p.period == period
		b := app.Button().Type("button").Role("radio").Aria("checked", on).Class(p.c("period-option")).Text(p.t(keys[i])).
			ID(keyboard.ids[i]).TabIndex(keyboard.tabIndex(i)).
			OnClick(func(ctx app.Context, e app.Event) { p.choosePeriod(ctx, period) }, app.EventScope(string(period)))
		if on {
			b = b.Class(p.c("period-option-selected"))
		}
		return b
	}
	saving := bestSaving(p.view.Plans)
	return app.Div().Class(p.c("billing-period-toggle")).Body(
		app.Div().Class(p.c("segmented")).Role("radiogroup").Aria("label", p.t("billingPeriodLabel")).
			OnKeyDown(keyboard.onKeyDown).Body(option(0), option(1)),
		app.If(saving > 0, func() app.UI {
			return app.Span().Class(p.c("saving-badge")).Text(p.t("saveUpTo", "percent", strconv.Itoa(saving)))
		}),
	)
}

// choosePeriod shows the plans' prices for another billing period.
func (p *Paywall) choosePeriod(ctx app.Context, period portico.BillingPeriod) {
	if p.period != period {
		p.period = period
		p.load(ctx)
	}
}

// bestSaving is the largest percentage saved by paying annually.
func bestSaving(plans []portico.PaywallPlan) int {
	best := 0
	for _, pl := range plans {
		var monthly, annual int64
		for _, pr := range pl.Prices {
			switch pr.BillingPeriod {
			case portico.Monthly:
				monthly = pr.Amount
			case portico.Annually:
				annual = pr.Amount
			}
		}
		if monthly > 0 && annual > 0 {
			best = max(best, int(math.Round(100*(1-float64(annual)/float64(12*monthly)))))
		}
	}
	return best
}

func (p *Paywall) card(pl portico.PaywallPlan) app.UI {
	classes := []string{"plan-card", pl.ID}
	if pl.Highlighted {
		classes = append(classes, "plan-highlighted")
	}
	if pl.Intent == portico.IntentCurrent {
		classes = append(classes, "current-plan")
	}
	return app.Div().Class(p.c(classes...)).Body(
		app.Div().Class(p.c("plan-badges")).Body(
			app.If(pl.Highlighted && pl.Intent != portico.IntentCurrent, func() app.UI {
				return app.Span().Class(p.c("plan-badge")).Text(p.t("mostPopular"))
			}),
			app.If(pl.Intent == portico.IntentCurrent, func() app.UI {
				return app.Span().Class(p.c("plan-badge", "plan-badge-current")).Text(p.t("currentPlan"))
			}),
		),
		app.H3().Class(p.c("plan-name")).Text(pl.Name),
		app.If(pl.Description != "", func() app.UI { return app.P().Class(p.c("plan-description", "muted")).Text(pl.Description) }),
		p.price(pl),
		p.planSteppers(pl, false),
		p.button(pl),
		app.If(len(pl.BelowUsage) > 0, func() app.UI {
			return app.P().Class(p.c("below-usage")).Role("note").Text(p.t("belowUsage", "features", p.featureNames(pl.Entitlements, pl.BelowUsage)))
		}),
		app.Ul().Class(p.c("plan-features")).Body(
			app.Range(pl.Entitlements).Slice(func(i int) app.UI {
				return app.Li().Class(p.c("plan-feature")).Text(p.entitlementText(pl.Entitlements[i]))
			}),
		),
	)
}

func (p *Paywall) price(pl portico.PaywallPlan) app.UI {
	f := p.f()
	switch {
	case len(pl.Charges) > 0 && pl.Pricing == portico.PricingPaid:
		return p.chargedPrice(pl)
	case pl.Pricing == portico.PricingCustom:
		return app.Div().Class(p.c("plan-price", "plan-custom")).Body(app.Span().Class(p.c("plan-amount")).Text(p.t("priceContactUs")))
	case pl.Pricing == portico.PricingFree || pl.Price == nil:
		return app.Div().Class(p.c("plan-price")).Body(app.Span().Class(p.c("plan-amount")).Text(p.t("freePrice")))
	}
	per, billed := p.t("perMonth"), p.t("billedMonthly")
	if p.period == portico.Annually {
		per, billed = p.t("perYear"), p.t("billedAnnually")
	}
	return app.Div().Class(p.c("plan-price")).Body(
		app.Span().Class(p.c("plan-amount")).Text(f.M(*pl.Price)),
		app.Span().Class(p.c("plan-per", "muted")).Text(" "+per),
		app.Div().Class(p.c("plan-billed", "muted")).Text(billed),
	)
}

// button is the plan's call to action, from what choosing it would do.
func (p *Paywall) button(pl portico.PaywallPlan) app.UI {
	label, style, enabled := p.t("choosePlan"), "button-primary", true
	switch pl.Intent {
	case portico.IntentCurrent:
		label, style, enabled = p.t("currentPlan"), "button-secondary", false
	case portico.IntentScheduled:
		label, style, enabled = p.t("scheduled"), "button-secondary", false
	case portico.IntentUpgrade:
		label = p.t("upgrade")
	case portico.IntentDowngrade:
		label, style = p.t("downgrade"), "button-secondary"
	case portico.IntentStartTrial:
		label = p.tn("startTrial", int64(pl.TrialDays), "days", p.f().Number(int64(pl.TrialDays)))
	case portico.IntentSwitchPeriod:
		label = p.t("switchToMonthly")
		if p.period == portico.Annually {
			label = p.t("switchToAnnual")
		}
	case portico.IntentContactSales:
		label, style = p.t("contactSales"), "button-secondary"
	}
	b := app.Button().Type("button").ID(p.planButtonID(pl.ID)).
		Class(p.c("button", style, "plan-button", "plan-button-"+strings.ReplaceAll(string(pl.Intent), "_", "-"))).
		Text(label).OnClick(func(ctx app.Context, e app.Event) { p.choose(ctx, pl) }, app.EventScope(pl.ID+"/"+string(pl.Intent)+"/"+string(p.period)))
	if !enabled {
		b = b.Disabled(true)
	}
	return b
}

// choose starts the confirm step for a plan, unless the host handles the
// choice or the plan is sold by the sales team.
func (p *Paywall) choose(ctx app.Context, pl portico.PaywallPlan) {
	sel := PlanSelection{PlanID: pl.ID, BillingPeriod: p.period, Intent: pl.Intent, SubscriptionID: p.view.SubscriptionID}
	switch {
	case pl.Intent == portico.IntentCurrent || pl.Intent == portico.IntentScheduled:
		return
	case p.cfg.PlanSelected(ctx, sel):
		return
	case pl.Intent == portico.IntentContactSales && pl.Pricing == portico.PricingCustom:
		p.cfg.ContactSales(ctx)
		return
	case pl.Intent == portico.IntentContactSales:
		p.cfg.ContactSupport(ctx) // the customer's own price is custom
		return
	}
	p.selected = &sel
	p.askPreview(ctx)
	openDialog(ctx, p.prefix()+"-confirm-dialog")
}

// request is the change for a selection, keeping the current add-ons the
// new plan also sells.
func (p *Paywall) request(sel PlanSelection) portico.ChangeRequest {
	req := portico.ChangeRequest{SubscriptionID: sel.SubscriptionID, PlanID: sel.PlanID, BillingPeriod: sel.BillingPeriod,
		ResourceID: p.cfg.ResourceID, Quantities: p.quantitiesFor(sel.PlanID)}
	var allowed []string
	for _, pl := range p.view.Plans {
		if pl.ID == sel.PlanID {
			allowed = pl.AddonIDs
		}
	}
	if p.data.Portal == nil {
		return req
	}
	for _, sub := range p.data.Portal.Subscriptions {
		if sub.ID != sel.SubscriptionID {
			continue
		}
		for _, a := range sub.Addons {
			if slices.Contains(allowed, a.ID) {
				req.Addons = append(req.Addons, portico.AddonQuantity{ID: a.ID, Quantity: a.Quantity})
			}
		}
	}
	return req
}

func (p *Paywall) closeConfirm() {
	p.selected = nil
	p.forget()
}

func (p *Paywall) planButtonID(planID string) string { return p.prefix() + "-plan-button-" + planID }

// dismissConfirm closes the confirm step without a change and gives the
// focus back to the plan's button, where the keyboard user left off.
func (p *Paywall) dismissConfirm(ctx app.Context) {
	if p.applying || p.selected == nil {
		return
	}
	focus(p.planButtonID(p.selected.PlanID))
	p.closeConfirm()
}

// confirm is the modal that previews the change before applying it.
func (p *Paywall) confirm() app.UI {
	sel := *p.selected
	name, plan := sel.PlanID, portico.PaywallPlan{}
	for _, pl := range p.view.Plans {
		if pl.ID == sel.PlanID {
			name, plan = pl.Name, pl
		}
	}
	var content app.UI
	switch {
	case p.previewErr != "":
		content = app.P().Class(p.c("error")).Role("alert").Text(p.previewErr)
	case p.preview == nil:
		content = app.P().Class(p.c("muted")).Aria("busy", "true").Text(p.t("previewLoading"))
	default:
		content = p.previewDetails(*p.preview)
	}
	pre := p.prefix()
	return modal{prefix: pre, id: pre + "-confirm-dialog", titleID: pre + "-confirm-title", classes: []string{"confirm-dialog"},
		onClose: p.dismissConfirm, body: []app.UI{
			app.H3().ID(pre + "-confirm-title").Class(p.c("confirm-title")).Text(p.t("confirmTitle")),
			app.P().Class(p.c("confirm-plan")).Text(p.t("confirmPlan", "plan", name, "period", p.t(periodKey(sel.BillingPeriod)))),
			p.planSteppers(plan, true),
			app.Div().Class(p.c("confirm-preview")).Aria("live", "polite").Body(content),
			app.Div().Class(p.c("actions")).Body(
				app.Button().Type("button").Class(p.c("button", "button-secondary", "back-button")).Text(p.t("backButton")).
					OnClick(func(ctx app.Context, e app.Event) { p.dismissConfirm(ctx) }),
				busyButton(p.c("button", "button-primary", "confirm-button"), p.t("confirmButton"), p.applying || p.preview == nil,
					sel.PlanID+"/"+string(sel.BillingPeriod), func(ctx app.Context, e app.Event) { p.apply(ctx) }),
			),
		}}.render()
}

// apply makes the change, then refreshes the portal and says what happened.
func (p *Paywall) apply(ctx app.Context) {
	if p.selected != nil {
		p.applyChange(ctx, p.cfg, p.request(*p.selected), p.errorText, func(app.Context) {
			p.closeConfirm()
			focusAfterChange(p.prefix() + "-plans-title")
		})
	}
}

// changed tells the customer what an applied change did and reloads the
// portal; a change that needs a payment first goes to the checkout.
func changed(ctx app.Context, cfg Config, res *portico.ChangeResult) {
	if res.CheckoutURL != "" {
		// Payment first: the change applies once the provider confirms it.
		notify(ctx, "info", cfg.Texts.Get("checkoutRedirect"))
		openURL(res.CheckoutURL)
		return
	}
	notify(ctx, "success", changeNotice(cfg, res.Preview))
	refresh(ctx)
}

func changeNotice(cfg Config, pv portico.Preview) string {
	switch {
	case pv.Intent == portico.IntentStartTrial:
		return cfg.Texts.Get("trialStarted")
	case pv.Effective == portico.EndOfPeriod:
		return cfg.Texts.Get("changeScheduled", "date", NewFormat(cfg.Locale).Date(pv.EffectiveAt))
	}
	return cfg.Texts.Get("changeApplied")
}
