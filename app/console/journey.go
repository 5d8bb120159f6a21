package console

import (
	"fmt"
	"slices"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

// journeyView is a product's customer journey as a form. It owns the
// draft: the journey as edited, until saved. The draft starts from the
// catalog shown and starts again once this console saves a catalog: the
// journey's own save, or any other.
type journeyView struct {
	app.Compo
	API       API
	Catalog   *portico.Catalog
	Version   catalogVersion // the page's catalog's
	ProductID string

	draft *journeyDraft
	own   ownContext
}

// journeyDraft is the journey as edited, for one product, until saved.
type journeyDraft struct {
	product string
	// base is the catalog the draft started on: the edit is what changed
	// from its journey, re-applied on a newer catalog when needed.
	base *portico.Catalog
	// saves is the count of saves the draft started after.
	saves   int
	j       portico.Journey
	errs    map[string]string
	general []string
	busy    bool
}

func (v *journeyView) OnInit()                 { v.restart() }
func (v *journeyView) OnMount(ctx app.Context) { v.own.keep(ctx) }

// OnUpdate starts the draft again for another product, or after a save;
// someone else's catalog read on the way keeps it, to be re-applied on
// theirs.
func (v *journeyView) OnUpdate(ctx app.Context) {
	if d := v.draft; d == nil || d.product != v.ProductID || d.saves != v.Version.saved {
		v.restart()
	}
}

// restart drops the draft and starts editing the product's journey as the
// catalog has it.
func (v *journeyView) restart() {
	v.draft = newJourneyDraft(v.Catalog, v.ProductID, v.Version.saved)
}

// newJourneyDraft is a draft of the journey of the product in cat, nil
// when there is no such product.
func newJourneyDraft(cat *portico.Catalog, productID string, saves int) *journeyDraft {
	pr, ok := cat.Product(productID)
	if !ok {
		return nil
	}
	j := pr.Journey
	j.AlsoCancelProductIDs = slices.Clone(j.AlsoCancelProductIDs)
	return &journeyDraft{product: productID, base: cat, saves: saves, j: j, errs: map[string]string{}}
}

// usesFreePlan reports whether a journey moves customers onto its free
// plan: to start, or after a cancellation.
func usesFreePlan(j portico.Journey) bool {
	return j.Start == portico.StartFreePlan || j.AfterCancel == portico.AfterCancelDowngradeToFree
}

// journeyPlans are the product's live free plans, and its live paid plans
// with a trial, as choices.
func (v *journeyView) journeyPlans() (free, trial []choice) {
	for _, pl := range v.Catalog.PlansOf(v.ProductID) {
		switch {
		case pl.Archived:
		case pl.Pricing == portico.PricingFree:
			free = append(free, choice{value: pl.ID, label: pl.Name})
		case pl.Pricing == portico.PricingPaid && pl.TrialDays > 0:
			trial = append(trial, choice{value: pl.ID, label: fmt.Sprintf("%s (%d-day trial)", pl.Name, pl.TrialDays)})
		}
	}
	return free, trial
}

func (v *journeyView) Render() app.UI {
	jd := v.draft
	if jd == nil {
		return app.Form().Class("pc-journey")
	}
	startFree, startTrial, endFree := v.pickers()
	return app.Form().Class("pc-journey").OnSubmit(v.submit).Body(
		app.P().Class("pc-callout").Text("Changes apply to future journey starts, subscription updates and cancellations only. Existing subscriptions, and changes already scheduled, keep the rules they were made under."),
		app.If(len(jd.general) > 0, func() app.UI {
			items := make([]app.UI, len(jd.general))
			for i, g := range jd.general {
				items[i] = app.Li().Text(g)
			}
			return app.Div().Class("pc-general").Role("alert").TabIndex(-1).Body(app.P().Text("Nothing was saved:"), app.Ul().Body(items...))
		}),
		v.renderStart(startFree, startTrial),
		v.renderUpdate(),
		v.renderEnd(endFree),
		v.renderActions(),
	)
}

// pickers places the plan pickers beside the options that need them. The
// free plan's sits by the start when customers start on it, else by the
// end when they fall back to it. A plan in error is shown even when no
// option needs it, so the error sits beside it.
func (v *journeyView) pickers() (startFree, startTrial, endFree app.UI) {
	jd := v.draft
	j := &jd.j
	free, trial := v.journeyPlans()
	freePicker := v.planPicker("freePlanId", "Free plan", j.FreePlanID, free, "Create a free plan first.")
	trialPicker := v.planPicker("trialPlanId", "Trial plan", j.TrialPlanID, trial, "Give a paid plan trial days first.")
	switch {
	case j.Start == portico.StartFreePlan:
		startFree = freePicker
	case j.AfterCancel == portico.AfterCancelDowngradeToFree:
		endFree = freePicker
	case jd.errs["freePlanId"] != "":
		startFree = freePicker
	}
	if j.Start == portico.StartTrial || jd.errs["trialPlanId"] != "" {
		startTrial = trialPicker
	}
	if j.Start == portico.StartFreePlan && j.AfterCancel == portico.AfterCancelDowngradeToFree {
		endFree = app.P().Class("pc-hint").Text("Customers move to the free plan chosen above.")
	}
	return startFree, startTrial, endFree
}

// renderStart is how the journey starts, with the plan pickers the
// options need.
func (v *journeyView) renderStart(startFree, startTrial app.UI) app.UI {
	return app.Section().Class("pc-panel").Body(
		app.FieldSet().Body(
			app.Legend().Class("pc-legend").Text("Journey start"),
			app.P().Class("pc-hint").Text("The plan a new customer's subscription starts on."),
			v.journeyRadios("start", []choice{
				{value: string(portico.StartPricingTable), label: "Customers pick a plan from the pricing table"},
				{value: string(portico.StartFreePlan), label: "Always start on a free plan", detail: startFree},
				{value: string(portico.StartTrial), label: "Always start on a free trial of a paid plan", detail: startTrial},
			}),
		),
	)
}

// renderUpdate is how downgrades and usage go on a plan change.
func (v *journeyView) renderUpdate() app.UI {
	return app.Section().Class("pc-panel").Body(
		app.FieldSet().Body(
			app.Legend().Class("pc-legend").Text("Subscription update"),
			app.P().Class("pc-hint").Text("Upgrades always apply immediately."),
			app.H3().Text("Downgrades"),
			v.journeyRadios("downgrade", []choice{
				{value: string(portico.Immediate), label: "Immediately, crediting unused time"},
				{value: string(portico.EndOfPeriod), label: "At the end of the billing period"},
			}),
			app.H3().Text("Metered usage on a plan change"),
			v.journeyRadios("usageReset", []choice{
				{value: string(portico.ResetAlways), label: "Always reset usage"},
				{value: string(portico.ResetNever), label: "Never reset usage"},
				{value: string(portico.ResetOnAnchorChange), label: "Reset only when the billing anchor changes",
					note: "Between free, paid and custom plans, or monthly and annual billing; kept otherwise."},
			}),
		),
	)
}

// renderEnd is how the journey ends, with the free plan's picker when
// customers fall back to it.
func (v *journeyView) renderEnd(endFree app.UI) app.UI {
	return app.Section().Class("pc-panel").Body(
		app.FieldSet().Body(
			app.Legend().Class("pc-legend").Text("Journey end"),
			app.P().Class("pc-hint").Text("When a customer cancels, or a trial ends without a payment method."),
			app.H3().Text("Cancellation takes effect"),
			v.journeyRadios("cancellation", []choice{
				{value: string(portico.Immediate), label: "Immediately, crediting unused time"},
				{value: string(portico.EndOfPeriod), label: "At the end of the billing period"},
			}),
			app.H3().Text("Then"),
			v.journeyRadios("afterCancel", []choice{
				{value: string(portico.AfterCancelRevoke), label: "Revoke access"},
				{value: string(portico.AfterCancelDowngradeToFree), label: "Move the customer to the free plan",
					note: "On a trial, this makes a reverse trial.", detail: endFree},
			}),
			app.H3().Text("Also cancel"),
			v.alsoCancel(),
		),
	)
}

// renderActions are the form's buttons, kept in view as it scrolls.
func (v *journeyView) renderActions() app.UI {
	busy := v.draft.busy
	label := "Save journey"
	if busy {
		label = "Saving…"
	}
	return app.Div().Class("pc-actions", "pc-sticky").Body(
		app.Button().Class("pc-button").Type("button").Text("Discard changes").Disabled(busy).
			OnClick(func(ctx app.Context, e app.Event) { v.restart() }),
		app.Button().Class("pc-button", "pc-primary").Type("submit").Disabled(busy).Text(label),
	)
}

// journeyRadios is one journey setting's options, its error beside them.
func (v *journeyView) journeyRadios(name string, choices []choice) app.UI {
	jd := v.draft
	// Handlers change the draft the view holds when they run, never one
	// they captured (see editProduct).
	pick := func(value string) app.EventHandler {
		return func(ctx app.Context, e app.Event) {
			if v.draft != nil {
				setJourneyValue(&v.draft.j, name, value)
				delete(v.draft.errs, name)
			}
		}
	}
	return app.Div().Body(
		radios(name, journeyValue(jd.j, name), jd.errs[name] != "", choices, pick),
		app.P().ID(fieldID(name)+"-error").Class("pc-error").Text(jd.errs[name]),
	)
}

// alsoCancel is the checkbox of each other product, each with its error
// beside it.
func (v *journeyView) alsoCancel() app.UI {
	jd := v.draft
	var others []app.UI
	for _, o := range v.Catalog.Products {
		if o.ID == v.ProductID {
			continue
		}
		key := "alsoCancel." + o.ID
		id := fieldID(key)
		in := app.Input().ID(id).Type("checkbox").Checked(slices.Contains(jd.j.AlsoCancelProductIDs, o.ID)).
			Aria("describedby", id+"-error").
			OnChange(func(ctx app.Context, e app.Event) {
				if v.draft == nil {
					return
				}
				j := &v.draft.j
				j.AlsoCancelProductIDs = slices.DeleteFunc(j.AlsoCancelProductIDs, func(s string) bool { return s == o.ID })
				if ctx.JSSrc().Get("checked").Bool() {
					j.AlsoCancelProductIDs = append(j.AlsoCancelProductIDs, o.ID)
				}
				delete(v.draft.errs, key)
			}, app.EventScope(o.ID))
		// An error about the list as a whole flags the first box.
		if whole := len(others) == 0 && jd.errs["alsoCancelProductIds"] != ""; whole {
			in = in.Aria("invalid", "true").Aria("describedby", id+"-error "+fieldID("alsoCancelProductIds")+"-error")
		} else if jd.errs[key] != "" {
			in = in.Aria("invalid", "true")
		}
		others = append(others, app.Div().Class("pc-option").Body(
			app.Label().Class("pc-check").For(id).Body(in, app.Span().Text(o.Name)),
			app.P().ID(id+"-error").Class("pc-error").Text(jd.errs[key]),
		))
	}
	msg := app.P().ID(fieldID("alsoCancelProductIds") + "-error").Class("pc-error").Text(jd.errs["alsoCancelProductIds"])
	if len(others) == 0 {
		return app.Div().Body(app.P().Class("pc-hint").Text("There are no other products."), msg)
	}
	return app.Div().Body(
		app.P().Class("pc-hint").Text("The customer's subscriptions to these products end with this one, each under its own journey."),
		app.Div().Class("pc-checks").Body(others...),
		msg,
	)
}

// planPicker is a select of plans for a journey setting.
func (v *journeyView) planPicker(key, label, current string, plans []choice, none string) app.UI {
	id := fieldID(key)
	opts := []app.UI{app.Option().Value("").Selected(current == "").Text("Choose a plan…")}
	for _, c := range plans {
		opts = append(opts, app.Option().Value(c.value).Selected(c.value == current).Text(c.label))
	}
	sel := app.Select().ID(id).Class("pc-input").Aria("describedby", id+"-error").
		OnChange(func(ctx app.Context, e app.Event) {
			if v.draft != nil {
				setJourneyValue(&v.draft.j, key, ctx.JSSrc().Get("value").String())
				delete(v.draft.errs, key)
			}
		}, app.EventScope(key)).
		Body(opts...)
	msg := v.draft.errs[key]
	if msg != "" {
		sel = sel.Aria("invalid", "true")
	}
	if len(plans) == 0 && msg == "" {
		msg = none
	}
	return app.Div().Class("pc-field", "pc-picker").Body(
		app.Label().For(id).Text(label), sel, app.P().ID(id+"-error").Class("pc-error").Text(msg))
}

// journeyValue is the journey setting of a field name, as the form shows
// it.
func journeyValue(j portico.Journey, name string) string {
	switch name {
	case "start":
		return string(j.Start)
	case "freePlanId":
		return j.FreePlanID
	case "trialPlanId":
		return j.TrialPlanID
	case "downgrade":
		return string(j.Downgrade)
	case "usageReset":
		return string(j.UsageReset)
	case "cancellation":
		return string(j.Cancellation)
	}
	return string(j.AfterCancel)
}

// setJourneyValue sets the journey setting of a field name to what the
// form picked.
func setJourneyValue(j *portico.Journey, name, v string) {
	switch name {
	case "start":
		j.Start = portico.JourneyStart(v)
	case "freePlanId":
		j.FreePlanID = v
	case "trialPlanId":
		j.TrialPlanID = v
	case "downgrade":
		j.Downgrade = portico.Timing(v)
	case "usageReset":
		j.UsageReset = portico.UsageReset(v)
	case "cancellation":
		j.Cancellation = portico.Timing(v)
	default:
		j.AfterCancel = portico.AfterCancel(v)
	}
}

// journeyToSave is the draft as it is saved: a plan picked for a setting
// the operator turned off in this edit is dropped; one the journey held
// unused before is kept, as every field the page does not show is.
func journeyToSave(was, j portico.Journey) portico.Journey {
	if usesFreePlan(was) && !usesFreePlan(j) {
		j.FreePlanID = ""
	}
	if was.Start == portico.StartTrial && j.Start != portico.StartTrial {
		j.TrialPlanID = ""
	}
	return j
}

func (v *journeyView) submit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	jd := v.draft
	if jd == nil || jd.busy {
		return
	}
	next := jd.edit()
	if next == nil {
		return
	}
	jd.busy, jd.general, jd.errs = true, nil, map[string]string{}
	api, base, current := v.API, jd.base, v.Catalog
	ctx = v.own.or(ctx)
	ctx.Async(func() {
		c, cancel := ctxTimeout()
		defer cancel()
		r := putReapplied(c, api, base, next, current)
		ctx.Dispatch(func(ctx app.Context) { v.settle(ctx, jd, r) })
	})
}

// edit is the catalog the draft started on with the product's journey as
// drafted; nil when the product is gone.
func (jd *journeyDraft) edit() *portico.Catalog {
	next := cloneCatalog(jd.base)
	i := slices.IndexFunc(next.Products, func(x portico.Product) bool { return x.ID == jd.product })
	if i < 0 {
		return nil
	}
	next.Products[i].Journey = journeyToSave(jd.base.Products[i].Journey, jd.j)
	return next
}

// settle shows how a journey save went, as the dialogs do: the page takes
// the catalog saved (and the draft starts again from it), or the operator
// chooses between conflicting values, or the errors go beside their
// settings.
func (v *journeyView) settle(ctx app.Context, jd *journeyDraft, r putResult) {
	jd.busy = false
	const done = "Customer journey saved. It applies to future changes only."
	from := &dialog{errs: map[string]string{}, target: objectRef{"products", jd.product}, keyOf: journeyKey(jd.product), done: done}
	if r.read != nil {
		showCatalog(ctx, r.read, false)
	}
	switch {
	case r.saved != nil:
		showCatalog(ctx, r.saved, true)
		showNotice(ctx, done)
	case r.conflicts != nil:
		openDialog(ctx, r.newest(v.Catalog), conflictsDialog(from, r.conflicts))
	case statusOf(r.err) == 401:
		signInAgain(ctx)
	default:
		from.showErrors(r.err, r.named(v.Catalog))
		jd.errs, jd.general = from.errs, from.general
		ctx.Defer(func(app.Context) { focusFirstError(".pc-journey") })
	}
}

// journeyKey maps an error on a product's journey to the setting it goes
// beside: each also-cancelled product's box, each setting's options.
func journeyKey(productID string) fieldKeyer {
	return func(sent *portico.Catalog, rest string) string {
		setting, ok := strings.CutPrefix(rest, "journey.")
		if !ok {
			return ""
		}
		name, idx, _ := splitPath(setting)
		switch name {
		case "start", "freePlanId", "trialPlanId", "downgrade", "usageReset", "cancellation", "afterCancel":
			return name
		case "alsoCancelProductIds":
			pr, _ := sent.Product(productID)
			if idx >= 0 && idx < len(pr.Journey.AlsoCancelProductIDs) {
				if other := pr.Journey.AlsoCancelProductIDs[idx]; other != productID {
					if _, known := sent.Product(other); known {
						return "alsoCancel." + other
					}
				}
			}
			return "alsoCancelProductIds"
		}
		return ""
	}
}
