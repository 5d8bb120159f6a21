package components

import (
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

// Actions that open the add-on editor, which every provider holds.
const (
	actionEditAddon = "portico.edit-addon"
	actionBuyMore   = "portico.buy-more"
)

// addonEdit asks the editor to open on an add-on of a subscription.
type addonEdit struct {
	SubscriptionID string
	AddonID        string
	// Quantity is where the stepper starts: the quantity the customer has,
	// one more when they asked for more, one for an add-on they add.
	Quantity int
	// opener gets the focus back when the editor closes.
	opener app.Value
}

// buyMore asks for more of a feature.
type buyMore struct {
	FeatureID string
	opener    app.Value
}

// editAddon opens the add-on editor.
func editAddon(ctx app.Context, edit addonEdit) { ctx.NewActionWithValue(actionEditAddon, edit) }

// addonEditor is the dialog where the customer sets how many units of an
// add-on they have — adding one their plan sells, buying more, buying
// fewer, removing it — and sees what is due now and the next bill before
// confirming.
type addonEditor struct {
	section
	changeFlow
	editing  *addonEdit
	quantity int
}

func (e *addonEditor) OnPreRender(ctx app.Context) { e.watch(ctx) }
func (e *addonEditor) OnMount(ctx app.Context)     { e.watch(ctx) }

func (e *addonEditor) watch(ctx app.Context) {
	e.observe(ctx)
	ctx.Handle(actionEditAddon, func(ctx app.Context, a app.Action) {
		if edit, ok := a.Value.(addonEdit); ok {
			e.open(ctx, edit)
		}
	})
	ctx.Handle(actionBuyMore, func(ctx app.Context, a app.Action) {
		if req, ok := a.Value.(buyMore); ok {
			e.buyMore(ctx, req)
		}
	})
}

// buyMore opens the first add-on of the customer's plans that raises the
// feature's limit and can still be bought, one unit more than they have;
// without one, higher limits come with another plan.
func (e *addonEditor) buyMore(ctx app.Context, req buyMore) {
	if e.data.Portal == nil {
		return
	}
	for _, sub := range e.subscriptions() {
		if !selfServe(sub) {
			continue
		}
		for _, a := range e.data.Offers[sub.ID].Addons {
			if have := quantityOf(sub, a.ID); raises(a, req.FeatureID) && roomFor(a, have) {
				e.open(ctx, addonEdit{SubscriptionID: sub.ID, AddonID: a.ID, Quantity: have + 1, opener: req.opener})
				return
			}
		}
	}
	if !focusPlans(e.prefix()) {
		notify(ctx, "info", e.t("raiseLimitWithPlan"))
	}
}

// target is the subscription and add-on being edited.
func (e *addonEditor) target() (portico.SubscriptionView, portico.PaywallAddon, bool) {
	if e.editing == nil || e.data.Portal == nil {
		return portico.SubscriptionView{}, portico.PaywallAddon{}, false
	}
	for _, sub := range e.subscriptions() {
		if sub.ID == e.editing.SubscriptionID && selfServe(sub) {
			a, ok := e.data.offered(sub.ID, e.editing.AddonID)
			return sub, a, ok
		}
	}
	return portico.SubscriptionView{}, portico.PaywallAddon{}, false
}

func (e *addonEditor) open(ctx app.Context, edit addonEdit) {
	if e.applying {
		return
	}
	e.editing = &edit
	sub, a, ok := e.target()
	if !ok {
		e.editing = nil
		return
	}
	e.quantity = -1
	e.setQuantity(ctx, sub, a, edit.Quantity)
	openDialog(ctx, e.prefix()+"-addon-quantity")
}

// bounds are the quantities the stepper allows: from none (removing it)
// for an add-on the customer has, else from one, up to its maximum (0 for
// none).
func bounds(have int, a portico.PaywallAddon) (lowest, highest int) {
	lowest = 1
	if have > 0 {
		lowest = 0
	}
	return lowest, a.MaxQuantity
}

// setQuantity moves the stepper, within its bounds, and previews the
// change it makes.
func (e *addonEditor) setQuantity(ctx app.Context, sub portico.SubscriptionView, a portico.PaywallAddon, q int) {
	lowest, highest := bounds(quantityOf(sub, a.ID), a)
	q = max(q, lowest)
	if highest > 0 {
		q = min(q, highest)
	}
	if q == e.quantity {
		return
	}
	e.quantity = q
	e.askPreview(ctx, sub, a)
}

// askPreview previews the change at the stepper's quantity; answers to
// earlier quantities are dropped when they arrive late.
func (e *addonEditor) askPreview(ctx app.Context, sub portico.SubscriptionView, a portico.PaywallAddon) {
	e.forget()
	if e.quantity == quantityOf(sub, a.ID) {
		return // nothing to change yet
	}
	e.fetchPreview(ctx, e.cfg.Source, addonChange(sub, a.ID, e.quantity), e.asked, e.isOpen, errorMessage)
}

func (e *addonEditor) isOpen() bool { return e.editing != nil }

// errorMessage is an error as the add-on editor shows it, inside its own
// sentence.
func errorMessage(err error) string { return err.Error() }

// addonChange is the change that gives the subscription quantity units of
// an add-on (none removes it), keeping its plan, billing period and other
// add-ons.
func addonChange(sub portico.SubscriptionView, addonID string, quantity int) portico.ChangeRequest {
	req := portico.ChangeRequest{SubscriptionID: sub.ID, PlanID: sub.Plan.ID, BillingPeriod: sub.BillingPeriod, ResourceID: sub.ResourceID}
	listed := false
	for _, a := range sub.Addons {
		q := a.Quantity
		if a.ID == addonID {
			q, listed = quantity, true
		}
		if q > 0 {
			req.Addons = append(req.Addons, portico.AddonQuantity{ID: a.ID, Quantity: q})
		}
	}
	if !listed && quantity > 0 {
		req.Addons = append(req.Addons, portico.AddonQuantity{ID: addonID, Quantity: quantity})
	}
	return req
}

// close shuts the editor without a change and gives the focus back.
func (e *addonEditor) close(ctx app.Context) {
	if e.applying || e.editing == nil {
		return
	}
	back := e.editing.opener
	e.editing = nil
	e.forget()
	refocus(back)
}

// applied shuts the editor once its change is made; the focus goes to the
// subscription's title, as the control that opened it may be gone (an
// offer bought becomes an add-on).
func (e *addonEditor) applied(ctx app.Context) {
	e.editing = nil
	e.forget()
	focusAfterChange(e.prefix() + "-subscription-title")
}

// apply makes the change, then says what it did and reloads the portal.
func (e *addonEditor) apply(ctx app.Context) {
	if sub, a, ok := e.target(); ok {
		e.applyChange(ctx, e.cfg, addonChange(sub, a.ID, e.quantity), errorMessage, e.applied)
	}
}

func (e *addonEditor) Render() app.UI {
	sub, a, ok := e.target()
	if !ok {
		return app.Div()
	}
	pre := e.prefix()
	have := quantityOf(sub, a.ID)
	return app.Div().Body(modal{prefix: pre, id: pre + "-addon-dialog", titleID: pre + "-addon-dialog-title",
		classes: []string{"addon-dialog"}, onClose: e.close, body: []app.UI{
			app.H3().ID(pre + "-addon-dialog-title").Class(e.c("confirm-title", "addon-dialog-title")).Text(a.Name),
			app.If(a.Description != "", func() app.UI { return app.P().Class(e.c("muted", "addon-description")).Text(a.Description) }),
			e.unitLine(sub, a),
			e.stepper(sub, a, have),
			app.Div().Class(e.c("addon-preview")).Aria("live", "polite").Body(e.previewArea(have)),
			e.replacesScheduled(sub),
			e.actions(sub, a, have),
		}}.render())
}

// unitLine says what one unit costs and gives: "$5.00 / month each · 5
// seats each".
func (e *addonEditor) unitLine(sub portico.SubscriptionView, a portico.PaywallAddon) app.UI {
	price, _ := unitPrice(a, sub.BillingPeriod)
	grants := make([]string, 0, len(a.Entitlements))
	for _, l := range a.Entitlements {
		grants = append(grants, e.entitlementText(l))
	}
	return app.P().Class(e.c("addon-unit")).Body(
		app.Span().Class(e.c("addon-unit-price")).Text(e.t("addonUnitPrice", "price", e.f().M(price), "per", e.perPeriod(sub.BillingPeriod))),
		app.If(len(grants) > 0, func() app.UI {
			return app.Span().Class(e.c("addon-grants", "muted")).Text(e.t("addonGrants", "grants", strings.Join(grants, ", ")))
		}),
	)
}

func (e *addonEditor) perPeriod(period portico.BillingPeriod) string {
	if period == portico.Annually {
		return e.t("perYear")
	}
	return e.t("perMonth")
}

// stepper sets the quantity with − and + buttons or by typing it; the
// field also takes the arrow keys.
func (e *addonEditor) stepper(sub portico.SubscriptionView, a portico.PaywallAddon, have int) app.UI {
	pre := e.prefix()
	lowest, highest := bounds(have, a)
	field := app.Input().Type("number").ID(pre+"-addon-quantity").Class(e.c("stepper-input")).
		Attr("inputmode", "numeric").Min(lowest).Value(strconv.Itoa(e.quantity)).
		Aria("describedby", pre+"-addon-quantity-hint").
		OnInput(func(ctx app.Context, ev app.Event) {
			if q, err := strconv.Atoi(strings.TrimSpace(ctx.JSSrc().Get("value").String())); err == nil {
				e.setQuantity(ctx, sub, a, q)
			}
		}, app.EventScope(sub.ID+"/"+a.ID))
	if highest > 0 {
		field = field.Max(highest)
	}
	step := func(class, label, text string, by int, off bool) app.UI {
		b := app.Button().Type("button").Class(e.c("button", "button-secondary", "stepper-button", class)).
			Aria("label", label).Aria("controls", pre+"-addon-quantity").Text(text).
			OnClick(func(ctx app.Context, ev app.Event) { e.setQuantity(ctx, sub, a, e.quantity+by) }, app.EventScope(sub.ID+"/"+a.ID))
		if off {
			b = b.Disabled(true)
		}
		return b
	}
	var hint []string
	if have > 0 {
		hint = append(hint, e.t("addonHave", "quantity", strconv.Itoa(have)))
	}
	if highest > 0 {
		hint = append(hint, e.t("addonUpTo", "max", strconv.Itoa(highest)))
	}
	return app.Div().Class(e.c("addon-stepper")).Body(
		app.Label().For(pre+"-addon-quantity").Class(e.c("label")).Text(e.t("addonQuantityLabel")),
		app.Div().Class(e.c("stepper")).Role("group").Aria("label", e.t("addonQuantityLabel")).Body(
			step("stepper-decrement", e.t("fewerUnits"), "−", -1, e.quantity <= lowest),
			field,
			step("stepper-increment", e.t("moreUnits"), "+", 1, highest > 0 && e.quantity >= highest),
		),
		app.P().ID(pre+"-addon-quantity-hint").Class(e.c("muted", "addon-hint")).Text(strings.Join(hint, " ")),
	)
}

func (e *addonEditor) previewArea(have int) app.UI {
	switch {
	case e.previewErr != "":
		return app.P().Class(e.c("error")).Role("alert").Text(e.t("actionError", "error", e.previewErr))
	case e.quantity == have:
		return app.P().Class(e.c("muted", "addon-no-change")).Text(e.t("addonPickQuantity"))
	case e.preview == nil:
		return app.P().Class(e.c("muted")).Aria("busy", "true").Text(e.t("previewLoading"))
	}
	return e.previewDetails(*e.preview)
}

// replacesScheduled warns that the change takes the place of one already
// scheduled, which the journey rules drop.
func (e *addonEditor) replacesScheduled(sub portico.SubscriptionView) app.UI {
	if len(sub.ScheduledUpdates) == 0 {
		return nil
	}
	return app.P().Class(e.c("below-usage", "schedule-replaced")).Role("note").
		Text(e.t("replacesScheduled", "date", e.f().Date(sub.ScheduledUpdates[0].EffectiveAt)))
}

func (e *addonEditor) actions(sub portico.SubscriptionView, a portico.PaywallAddon, have int) app.UI {
	confirm, style := e.t("confirmButton"), "button-primary"
	if e.quantity == 0 {
		confirm, style = e.t("removeAddon"), "button-danger"
	}
	scope := sub.ID + "/" + a.ID
	return app.Div().Class(e.c("actions")).Body(
		app.If(have > 0 && e.quantity > 0, func() app.UI {
			return app.Button().Type("button").Class(e.c("button", "button-link", "remove-addon-button")).Text(e.t("removeAddon")).
				OnClick(func(ctx app.Context, ev app.Event) { e.setQuantity(ctx, sub, a, 0) }, app.EventScope(scope))
		}),
		app.Button().Type("button").Class(e.c("button", "button-secondary", "back-button")).Text(e.t("backButton")).
			OnClick(func(ctx app.Context, ev app.Event) { e.close(ctx) }),
		e.confirmButton(style, confirm, scope, have),
	)
}

// confirmButton applies the change once its preview is shown: it is
// disabled while there is nothing to change, busy while the preview or the
// change is on its way.
func (e *addonEditor) confirmButton(style, label, scope string, have int) app.UI {
	b := busyButton(e.c("button", style, "confirm-addon-button"), label, e.applying || e.preview == nil && e.previewErr == "" && e.quantity != have,
		scope, func(ctx app.Context, ev app.Event) { e.apply(ctx) })
	if e.preview == nil {
		b = b.Disabled(true)
	}
	return b
}
