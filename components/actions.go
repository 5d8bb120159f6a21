package components

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Manage runs the manage-subscription action ("Change plan"): the host's
// callback, else the plans, brought into view with the focus on their
// title.
func (c Config) Manage(ctx app.Context, intent string) {
	if h := c.handlers().OnManageSubscription; h != nil && h(ctx, intent) {
		return
	}
	focusPlans(ClassPrefix(c.Prefix))
}

// ContactSupport runs the contact-support action: the host's callback,
// else the support URL, else a notice saying how.
func (c Config) ContactSupport(ctx app.Context) { c.contact(ctx, "contactSupportBody") }

// ContactSales runs the contact action for a plan sold by the sales team,
// the same way with its own notice.
func (c Config) ContactSales(ctx app.Context) { c.contact(ctx, "contactSalesBody") }

// contact hands the customer to the host's contact-support callback, else
// the support URL, else shows the notice of noticeKey.
func (c Config) contact(ctx app.Context, noticeKey string) {
	if h := c.handlers().OnContactSupport; h != nil && h(ctx) {
		return
	}
	if link := c.supportLink(ctx); link != "" {
		openURL(link)
		return
	}
	ctx.SetState(stateNotice, Notice{Kind: "info", Text: c.Texts.Get(noticeKey)})
}

// supportLink is where contact leads: the page's link, else the one the
// portal's session or server sets.
func (c Config) supportLink(ctx app.Context) string {
	if c.SupportURL != "" {
		return c.SupportURL
	}
	var d Data
	ctx.GetState(stateData, &d)
	if d.Portal != nil && d.Portal.Business != nil {
		return SupportLink(d.Portal.Business.SupportURL)
	}
	return ""
}

// BuyMore runs the buy-more action for a feature: the host's callback,
// else the add-on editor on the add-on of the customer's plan that raises
// the feature's limit, else the plans, where higher limits are.
func (c Config) BuyMore(ctx app.Context, featureID string) { c.buyMore(ctx, featureID, nil) }

// buyMore is BuyMore from a control that gets the focus back when the
// add-on editor closes.
func (c Config) buyMore(ctx app.Context, featureID string, from app.Value) {
	if h := c.handlers().OnBuyMore; h != nil && h(ctx, featureID) {
		return
	}
	ctx.NewActionWithValue(actionBuyMore, buyMore{FeatureID: featureID, opener: from})
}

// PlanSelected reports whether the host handled a plan choice itself.
func (c Config) PlanSelected(ctx app.Context, sel PlanSelection) bool {
	h := c.handlers().OnPlanSelected
	return h != nil && h(ctx, sel)
}

// CancelScheduledHandled reports whether the host handled the
// cancellation of scheduled updates itself.
func (c Config) CancelScheduledHandled(ctx app.Context, subID string) bool {
	h := c.handlers().OnCancelScheduledUpdates
	return h != nil && h(ctx, subID)
}

// openURL sends the browser to a URL (billing portals, checkout, support
// links). A framed portal sends the whole tab, since those pages refuse to
// be framed; should the browser not allow that, a new tab opens.
func openURL(u string) {
	if !app.IsClient {
		return
	}
	w := app.Window()
	if w.Get("top").Equal(w.JSValue()) {
		w.Get("location").Set("href", u)
		return
	}
	if !w.Call("open", u, "_top").Truthy() {
		w.Call("open", u, "_blank", "noopener")
	}
}

// notify shows a notice above the portal; an error also reaches the
// host's OnError callback.
func notify(ctx app.Context, kind, text string) {
	ctx.SetState(stateNotice, Notice{Kind: kind, Text: text})
	if kind == "error" {
		ctx.NewActionWithValue(actionError, text)
	}
}

// refresh asks the provider to reload the portal data.
func refresh(ctx app.Context) { ctx.NewAction(actionRefresh) }

// Refresh reloads the data of every provider on the page: a host that has
// changed what the sections show (the console saving the catalog under a
// paywall preview) calls it.
func Refresh(ctx app.Context) { refresh(ctx) }
