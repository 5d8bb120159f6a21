package components

import (
	"maps"
	"slices"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

// The overview's side of charges: each subscription's committed
// quantities and the period's charges so far, and the dialog that changes
// a committed quantity (members, seats) with a preview of what it costs.

// quantityEdit asks the editor to open on a charge of a subscription.
type quantityEdit struct {
	SubscriptionID string
	FeatureID      string
	opener         app.Value
}

// chargesSummary lists a subscription's charges for the period: "12
// members · $120.00 / month", usage so far and its cost, the minimum spend,
// with a way to change each committed quantity.
func (s *SubscriptionOverview) chargesSummary(sub portico.SubscriptionView) app.UI {
	if len(sub.Charges) == 0 && sub.MinimumSpend == nil {
		return nil
	}
	f, per := s.f(), s.perPeriodOf(sub.BillingPeriod)
	row := func(what, amount string, action app.UI, classes ...string) app.UI {
		return app.Li().Class(s.c(append([]string{"charge-row"}, classes...)...)).Body(
			app.Span().Class(s.c("charge-what")).Text(what),
			app.If(amount != "", func() app.UI { return app.Span().Class(s.c("charge-amount")).Text(amount) }),
			action,
		)
	}
	var rows []app.UI
	for _, ch := range sub.Charges {
		feat := s.feature(ch.FeatureName, ch.Unit)
		if feat.name == "" {
			feat = s.featureOf(ch.FeatureID)
		}
		money := f.Money(ch.Amount, ch.Price.Currency)
		switch {
		case ch.Model.Committed() && ch.Quantity != nil:
			rows = append(rows, row(s.count(feat, *ch.Quantity), money+" "+per,
				s.changeQuantityButton(sub, ch.FeatureID, feat), "charge-committed", "charge-"+slug(ch.FeatureID)))
		case ch.Model == portico.ModelUsage:
			var used int64
			if ch.Usage != nil {
				used = *ch.Usage
			}
			what := s.t("chargeUsageSoFar", "usage", s.count(feat, used))
			if ch.Included > 0 {
				what += " · " + s.t("chargeIncluded", "included", s.count(feat, ch.Included))
			}
			rows = append(rows, row(what, money, nil, "charge-usage", "charge-"+slug(ch.FeatureID)))
		}
	}
	if sub.MinimumSpend != nil {
		rows = append(rows, row(s.t("chargeMinimum", "amount", f.M(*sub.MinimumSpend), "per", per), "", nil, "charge-minimum"))
	}
	s.quantities.section = &s.section
	return app.Div().Body(
		app.Ul().Class(s.c("subscription-charges")).Aria("label", s.t("chargesThisPeriod")).Body(rows...),
		s.quantities.render(sub),
	)
}

// changeQuantityButton opens the quantity editor: "Change members".
func (s *SubscriptionOverview) changeQuantityButton(sub portico.SubscriptionView, featureID string, feat chargedFeature) app.UI {
	if !selfServe(sub) || hasCancellation(sub) || sub.CancelAt != nil {
		return nil
	}
	return app.Button().Type("button").Class(s.c("button", "button-link", "change-quantity-button")).
		Text(s.t("changeQuantity", "units", feat.many())).
		OnClick(func(ctx app.Context, e app.Event) {
			s.quantities.open(ctx, quantityEdit{SubscriptionID: sub.ID, FeatureID: featureID, opener: opener(ctx)})
		}, app.EventScope(sub.ID+"/"+featureID))
}

// quantityText words the quantities of a scheduled change: "8 members".
func (s *section) quantityText(q map[string]int64) string {
	var parts []string
	for _, id := range slices.Sorted(maps.Keys(q)) {
		parts = append(parts, s.count(s.featureOf(id), q[id]))
	}
	return strings.Join(parts, ", ")
}

// quantityEditor is the dialog where the customer changes a committed
// quantity of their plan, and sees its lines, what is due now and when it
// takes effect before confirming. It is part of the overview, not a
// component of its own: each component type weighs on the client's size.
type quantityEditor struct {
	*section
	changeFlow
	editing  *quantityEdit
	quantity int64
}

func (e *quantityEditor) open(ctx app.Context, edit quantityEdit) {
	if e.applying {
		return
	}
	e.editing = &edit
	if _, ch, ok := e.target(); ok {
		e.quantity, e.preview, e.previewErr = *ch.Quantity, nil, ""
		openDialog(ctx, e.fieldID())
		return
	}
	e.editing = nil
}

// target is the subscription and charge being changed.
func (e *quantityEditor) target() (portico.SubscriptionView, portico.ChargeView, bool) {
	if e.editing == nil || e.data.Portal == nil {
		return portico.SubscriptionView{}, portico.ChargeView{}, false
	}
	for _, sub := range e.subscriptions() {
		if sub.ID != e.editing.SubscriptionID || !selfServe(sub) {
			continue
		}
		for _, ch := range sub.Charges {
			if ch.FeatureID == e.editing.FeatureID && ch.Model.Committed() && ch.Quantity != nil {
				return sub, ch, true
			}
		}
	}
	return portico.SubscriptionView{}, portico.ChargeView{}, false
}

func (e *quantityEditor) fieldID() string { return e.prefix() + "-change-quantity" }

// request is the change: the same plan, period and add-ons, the new
// quantity.
func (e *quantityEditor) request(sub portico.SubscriptionView, featureID string) portico.ChangeRequest {
	req := portico.ChangeRequest{SubscriptionID: sub.ID, PlanID: sub.Plan.ID, BillingPeriod: sub.BillingPeriod,
		ResourceID: sub.ResourceID, Quantities: map[string]int64{featureID: e.quantity}}
	for _, a := range sub.Addons {
		req.Addons = append(req.Addons, portico.AddonQuantity{ID: a.ID, Quantity: a.Quantity})
	}
	return req
}

// set moves the stepper and asks the preview once the quantity rests; the
// current quantity needs none.
func (e *quantityEditor) set(ctx app.Context, q int64) {
	sub, ch, ok := e.target()
	if !ok || q == e.quantity || e.applying {
		return
	}
	e.quantity = q
	e.forget()
	asked := e.asked
	if q == *ch.Quantity {
		return
	}
	ctx.After(previewDelay, func(ctx app.Context) {
		if asked == e.asked && e.isOpen() {
			e.fetchPreview(ctx, e.cfg.Source, e.request(sub, ch.FeatureID), asked, e.isOpen, e.errorText)
		}
	})
}

func (e *quantityEditor) isOpen() bool { return e.editing != nil }

// close shuts the editor without a change and gives the focus back.
func (e *quantityEditor) close(ctx app.Context) {
	if e.applying || e.editing == nil {
		return
	}
	back := e.editing.opener
	e.editing = nil
	e.forget()
	refocus(back)
}

// applied shuts the editor once its change is made; the focus goes to the
// subscription's title, beside the quantity changed.
func (e *quantityEditor) applied(ctx app.Context) {
	e.editing = nil
	e.forget()
	focusAfterChange(e.prefix() + "-subscription-title")
}

// apply makes the change, then says what it did and reloads the portal.
func (e *quantityEditor) apply(ctx app.Context) {
	if sub, ch, ok := e.target(); ok {
		e.applyChange(ctx, e.cfg, e.request(sub, ch.FeatureID), e.errorText, e.applied)
	}
}

// render draws the editor while it is open on a charge of sub.
func (e *quantityEditor) render(sub portico.SubscriptionView) app.UI {
	sub, ch, ok := e.target()
	if !ok || sub.ID != e.editing.SubscriptionID {
		return nil
	}
	pre := e.prefix()
	feat := e.feature(ch.FeatureName, ch.Unit)
	st := quantityStepper{id: e.fieldID(), label: feat.name, units: feat.many(), value: e.quantity,
		lowest: ch.MinQuantity, highest: ch.MaxQuantity, scope: sub.ID + "/" + ch.FeatureID, set: e.set}
	st.hint = e.t("quantityHave", "quantity", e.count(feat, *ch.Quantity)) + " " + e.boundsHint(st)
	return app.Div().Body(modal{prefix: pre, id: pre + "-quantity-dialog", titleID: pre + "-quantity-dialog-title",
		classes: []string{"quantity-dialog"}, onClose: e.close, body: []app.UI{
			app.H3().ID(pre + "-quantity-dialog-title").Class(e.c("confirm-title")).Text(e.t("changeQuantity", "units", feat.many())),
			app.P().Class(e.c("confirm-plan")).Text(subscriptionLabel(sub) + " · " + sub.Plan.Name),
			e.stepper(st),
			app.Div().Class(e.c("quantity-preview")).Aria("live", "polite").Body(e.previewArea(ch, feat)),
			app.Div().Class(e.c("actions")).Body(
				app.Button().Type("button").Class(e.c("button", "button-secondary", "back-button")).Text(e.t("backButton")).
					OnClick(func(ctx app.Context, ev app.Event) { e.close(ctx) }),
				busyButton(e.c("button", "button-primary", "confirm-quantity-button"), e.t("confirmButton"),
					e.applying || e.preview == nil, sub.ID+"/"+ch.FeatureID, func(ctx app.Context, ev app.Event) { e.apply(ctx) }),
			),
		}}.render())
}

func (e *quantityEditor) previewArea(ch portico.ChargeView, feat chargedFeature) app.UI {
	switch {
	case e.previewErr != "":
		return app.P().Class(e.c("error")).Role("alert").Text(e.previewErr)
	case e.quantity == *ch.Quantity:
		return app.P().Class(e.c("muted", "quantity-no-change")).Text(e.t("quantityPick", "units", feat.many()))
	case e.preview == nil:
		return app.P().Class(e.c("muted")).Aria("busy", "true").Text(e.t("previewLoading"))
	}
	pv := e.focused(*e.preview, ch.FeatureID)
	return app.Div().Body(
		app.If(pv.Effective == portico.EndOfPeriod, func() app.UI {
			return app.P().Class(e.c("quantity-scheduled")).Role("note").Text(e.t("quantityScheduledNote",
				"quantity", e.count(feat, e.quantity), "date", e.f().Date(pv.EffectiveAt), "current", e.count(feat, *ch.Quantity)))
		}),
		e.previewDetails(pv),
	)
}

// focused keeps what the preview says beyond the quantity itself, which
// the stepper shows: the changed feature is not listed as gained or lost,
// and flagged below usage only when the new quantity is below it.
func (e *quantityEditor) focused(pv portico.Preview, featureID string) portico.Preview {
	other := func(l portico.EntitlementLine) bool { return l.FeatureID != featureID }
	pv.Gained, pv.Lost = keep(pv.Gained, other), keep(pv.Lost, other)
	var below []string
	for _, id := range pv.BelowUsage {
		if id != featureID || e.quantity < e.usageOf(id) {
			below = append(below, id)
		}
	}
	pv.BelowUsage = below
	return pv
}

func (e *quantityEditor) usageOf(featureID string) int64 {
	for _, en := range e.data.Portal.Entitlements {
		if en.FeatureID == featureID {
			return en.Usage
		}
	}
	return 0
}

func keep[T any](items []T, ok func(T) bool) []T {
	var out []T
	for _, it := range items {
		if ok(it) {
			out = append(out, it)
		}
	}
	return out
}
