package console

import (
	"fmt"
	"slices"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

// journeyDraft is the journey as edited, for one product, until saved.
type journeyDraft struct {
	product string
	j       portico.Journey
	errs    map[string]string
	general []string
	busy    bool
}

// startJourney starts editing the journey of the product in the URL.
func (p *Page) startJourney() {
	id, _ := route(p.path)
	pr, ok := p.cat.Product(id)
	if !ok || (p.jour != nil && p.jour.product == id) {
		return
	}
	j := pr.Journey
	j.AlsoCancelProductIDs = slices.Clone(j.AlsoCancelProductIDs)
	p.jour = &journeyDraft{product: id, j: j, errs: map[string]string{}}
}

func (p *Page) renderJourney(pr portico.Product) app.UI {
	p.startJourney()
	jd := p.jour
	j := &jd.j
	var free, paid []choice
	for _, pl := range p.cat.PlansOf(pr.ID) {
		if pl.Archived {
			continue
		}
		switch {
		case pl.Pricing == portico.PricingFree:
			free = append(free, choice{pl.ID, pl.Name, ""})
		case pl.Pricing == portico.PricingPaid && pl.TrialDays > 0:
			paid = append(paid, choice{pl.ID, fmt.Sprintf("%s (%d-day trial)", pl.Name, pl.TrialDays), ""})
		}
	}
	// Handlers change the draft the page holds when they run, never one
	// they captured (see editProduct).
	pick := func(name string) func(v string) app.EventHandler {
		return func(v string) app.EventHandler {
			return func(ctx app.Context, e app.Event) {
				if p.jour != nil {
					*journeyField(&p.jour.j, name) = v
				}
			}
		}
	}
	others := []app.UI{}
	for _, o := range p.cat.Products {
		if o.ID == pr.ID {
			continue
		}
		id := fieldID("alsoCancel." + o.ID)
		others = append(others, app.Label().Class("pc-check").For(id).Body(
			app.Input().ID(id).Type("checkbox").Checked(slices.Contains(j.AlsoCancelProductIDs, o.ID)).
				OnChange(func(ctx app.Context, e app.Event) {
					if p.jour == nil {
						return
					}
					j := &p.jour.j
					j.AlsoCancelProductIDs = slices.DeleteFunc(j.AlsoCancelProductIDs, func(s string) bool { return s == o.ID })
					if ctx.JSSrc().Get("checked").Bool() {
						j.AlsoCancelProductIDs = append(j.AlsoCancelProductIDs, o.ID)
					}
				}, app.EventScope(o.ID)),
			app.Span().Text(o.Name),
		))
	}
	label := "Save journey"
	if jd.busy {
		label = "Saving…"
	}
	return app.Form().Class("pc-journey").OnSubmit(p.submitJourney).Body(
		app.P().Class("pc-callout").Text("Changes apply to future journey starts, subscription updates and cancellations only. Existing subscriptions, and changes already scheduled, keep the rules they were made under."),
		app.If(len(jd.general) > 0, func() app.UI {
			items := make([]app.UI, len(jd.general))
			for i, g := range jd.general {
				items[i] = app.Li().Text(g)
			}
			return app.Div().Class("pc-general").Role("alert").TabIndex(-1).Body(app.P().Text("Nothing was saved:"), app.Ul().Body(items...))
		}),
		app.Section().Class("pc-panel").Body(
			app.FieldSet().Body(
				app.Legend().Class("pc-legend").Text("Journey start"),
				app.P().Class("pc-hint").Text("The plan a new customer's subscription starts on."),
				radios("start", j.Start, []choice{
					{portico.StartPricingTable, "Customers pick a plan from the pricing table", ""},
					{portico.StartFreePlan, "Always start on a free plan", ""},
					{portico.StartTrial, "Always start on a free trial of a paid plan", ""},
				}, pick("start")),
				app.If(j.Start == portico.StartFreePlan || j.AfterCancel == portico.AfterCancelDowngradeToFree, func() app.UI {
					return p.planPicker("freePlanId", "Free plan", j.FreePlanID, free, "Create a free plan first.")
				}),
				app.If(j.Start == portico.StartTrial, func() app.UI {
					return p.planPicker("trialPlanId", "Trial plan", j.TrialPlanID, paid, "Give a paid plan trial days first.")
				}),
			),
		),
		app.Section().Class("pc-panel").Body(
			app.FieldSet().Body(
				app.Legend().Class("pc-legend").Text("Subscription update"),
				app.P().Class("pc-hint").Text("Upgrades always apply immediately."),
				app.H3().Text("Downgrades"),
				radios("downgrade", j.Downgrade, []choice{
					{portico.Immediate, "Immediately, crediting unused time", ""},
					{portico.EndOfPeriod, "At the end of the billing period", ""},
				}, pick("downgrade")),
				app.H3().Text("Metered usage on a plan change"),
				radios("usageReset", j.UsageReset, []choice{
					{portico.ResetAlways, "Always reset usage", ""},
					{portico.ResetNever, "Never reset usage", ""},
					{portico.ResetOnAnchorChange, "Reset only when the billing anchor changes",
						"Between free, paid and custom plans, or monthly and annual billing; kept otherwise."},
				}, pick("usageReset")),
			),
		),
		app.Section().Class("pc-panel").Body(
			app.FieldSet().Body(
				app.Legend().Class("pc-legend").Text("Journey end"),
				app.P().Class("pc-hint").Text("When a customer cancels, or a trial ends without a payment method."),
				app.H3().Text("Cancellation takes effect"),
				radios("cancellation", j.Cancellation, []choice{
					{portico.Immediate, "Immediately, crediting unused time", ""},
					{portico.EndOfPeriod, "At the end of the billing period", ""},
				}, pick("cancellation")),
				app.H3().Text("Then"),
				radios("afterCancel", j.AfterCancel, []choice{
					{portico.AfterCancelRevoke, "Revoke access", ""},
					{portico.AfterCancelDowngradeToFree, "Move the customer to the free plan", "On a trial, this makes a reverse trial."},
				}, pick("afterCancel")),
				app.H3().Text("Also cancel"),
				app.If(len(others) == 0, func() app.UI {
					return app.P().Class("pc-hint").Text("There are no other products.")
				}).Else(func() app.UI {
					return app.Div().Body(
						app.P().Class("pc-hint").Text("The customer's subscriptions to these products end with this one, each under its own journey."),
						app.Div().Class("pc-checks").Body(others...))
				}),
				app.P().ID(fieldID("alsoCancelProductIds")+"-error").Class("pc-error").Text(jd.errs["alsoCancelProductIds"]),
			),
		),
		app.Div().Class("pc-actions", "pc-sticky").Body(
			app.Button().Class("pc-button").Type("button").Text("Discard changes").Disabled(jd.busy).
				OnClick(func(ctx app.Context, e app.Event) { p.jour = nil; p.startJourney() }),
			app.Button().Class("pc-button", "pc-primary").Type("submit").Disabled(jd.busy).Text(label),
		),
	)
}

// planPicker is a select of plans for a journey setting.
func (p *Page) planPicker(key, label, current string, plans []choice, none string) app.UI {
	id := fieldID(key)
	opts := []app.UI{app.Option().Value("").Selected(current == "").Text("Choose a plan…")}
	for _, c := range plans {
		opts = append(opts, app.Option().Value(c.value).Selected(c.value == current).Text(c.label))
	}
	sel := app.Select().ID(id).Class("pc-input").Aria("describedby", id+"-error").
		OnChange(func(ctx app.Context, e app.Event) {
			if p.jour != nil {
				*journeyField(&p.jour.j, key) = ctx.JSSrc().Get("value").String()
				delete(p.jour.errs, key)
			}
		}, app.EventScope(key)).
		Body(opts...)
	msg := p.jour.errs[key]
	if msg != "" {
		sel = sel.Aria("invalid", "true")
	}
	if len(plans) == 0 && msg == "" {
		msg = none
	}
	return app.Div().Class("pc-field", "pc-picker").Body(
		app.Label().For(id).Text(label), sel, app.P().ID(id+"-error").Class("pc-error").Text(msg))
}

// journeyField is the journey setting of a field name.
func journeyField(j *portico.Journey, name string) *string {
	switch name {
	case "start":
		return &j.Start
	case "freePlanId":
		return &j.FreePlanID
	case "trialPlanId":
		return &j.TrialPlanID
	case "downgrade":
		return &j.Downgrade
	case "usageReset":
		return &j.UsageReset
	case "cancellation":
		return &j.Cancellation
	}
	return &j.AfterCancel
}

func (p *Page) submitJourney(ctx app.Context, e app.Event) {
	e.PreventDefault()
	jd := p.jour
	if jd == nil || jd.busy {
		return
	}
	j := jd.j
	// A plan picked for a setting no longer in use is not kept.
	if j.Start != portico.StartFreePlan && j.AfterCancel != portico.AfterCancelDowngradeToFree {
		j.FreePlanID = ""
	}
	if j.Start != portico.StartTrial {
		j.TrialPlanID = ""
	}
	next := cloneCatalog(p.cat)
	i := slices.IndexFunc(next.Products, func(x portico.Product) bool { return x.ID == jd.product })
	if i < 0 {
		return
	}
	next.Products[i].Journey = j
	prefix := fmt.Sprintf("products[%d].journey.", i)
	jd.busy, jd.general, jd.errs = true, nil, map[string]string{}
	d := &dialog{errs: map[string]string{}}
	p.dlg = nil
	api := p.api
	ctx.Async(func() {
		c, cancel := ctxTimeout()
		defer cancel()
		cat, err := api.PutCatalog(c, next)
		ctx.Dispatch(func(ctx app.Context) {
			jd.busy = false
			if err != nil {
				if statusOf(err) == 401 {
					p.failed(ctx, err, &p.loadErr)
					return
				}
				p.showErrors(d, err, prefix, func(rest string) string {
					switch name, _, _ := splitPath(rest); name {
					case "freePlanId", "trialPlanId", "alsoCancelProductIds":
						return name
					}
					return ""
				})
				jd.errs, jd.general = d.errs, d.general
				ctx.Defer(func(app.Context) { focusJourneyError() })
				return
			}
			p.saved(cat, "Customer journey saved. It applies to future changes only.")
			p.startJourney()
		})
	})
}

func focusJourneyError() {
	doc := app.Window().Get("document")
	for _, sel := range []string{".pc-journey [aria-invalid=true]", ".pc-journey .pc-general"} {
		if el := doc.Call("querySelector", sel); el.Truthy() {
			el.Call("focus")
			return
		}
	}
}
