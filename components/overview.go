package components

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

// SubscriptionOverview shows each subscription: plan, status, trial days
// left, price, next bill, scheduled updates (with a cancel button), a
// contact-support block for custom prices, add-ons and promotions.
type SubscriptionOverview struct {
	section
	tab        string
	busy       string         // the subscription an action runs on
	asking     *question      // the confirmation shown, if any
	addingCard bool           // the billing provider's card page is being opened
	quantities quantityEditor // changes a committed quantity (pricing: paywall and seats)
}

// NewSubscriptionOverview returns a SubscriptionOverview, to place under a PortalProvider.
func NewSubscriptionOverview() *SubscriptionOverview { return &SubscriptionOverview{} }

func (s *SubscriptionOverview) Render() app.UI {
	ok, placeholder := s.ready(4)
	body := []app.UI{s.header()}
	switch {
	case !ok:
		body = append(body, placeholder)
	case len(s.subscriptions()) == 0:
		body = append(body, app.Div().Class(s.c("empty")).Body(
			app.P().Text(s.t("noSubscription")), app.P().Class(s.c("muted")).Text(s.t("noSubscriptionHint"))))
	default:
		if s.data.Portal.PastDue {
			body = append(body, s.pastDue())
		}
		for _, sub := range s.subscriptions() {
			body = append(body, s.subscription(sub))
		}
		body = append(body, s.billSummary(), s.tabs(), s.confirmation())
	}
	return app.Section().Class(s.c("section", "subscription-overview")).Aria("label", s.t("subscriptionTitle")).Body(body...)
}

func (s *SubscriptionOverview) header() app.UI {
	custom := s.data.Portal != nil && s.hasCustomPrice()
	return app.Div().Class(s.c("section-header")).Body(
		// The title takes the focus once a change made from the section is done.
		app.H2().ID(s.prefix()+"-subscription-title").TabIndex(-1).Class(s.c("section-title", "subscription-title")).Text(s.t("subscriptionTitle")),
		app.If(s.data.Portal != nil && !custom, func() app.UI {
			return app.Button().Type("button").Class(s.c("button", "button-secondary", "manage-subscription-button")).
				Text(s.t("manageSubscription")).
				OnClick(func(ctx app.Context, e app.Event) { s.cfg.Manage(ctx, "manage") })
		}),
	)
}

func (s *SubscriptionOverview) hasCustomPrice() bool {
	for _, sub := range s.subscriptions() {
		if sub.Pricing == portico.PricingCustom && (sub.Status == portico.StatusActive || sub.Status == portico.StatusTrialing) {
			return true
		}
	}
	return false
}

func (s *SubscriptionOverview) subscription(sub portico.SubscriptionView) app.UI {
	live := sub.Status == portico.StatusActive || sub.Status == portico.StatusTrialing
	return app.Div().Class(s.c("subscription", "subscription-"+slug(sub.Plan.ID))).Body(
		app.Div().Class(s.c("plan-header")).Body(
			app.Div().Body(
				app.If(len(s.data.Portal.Subscriptions) > 1 || sub.ResourceID != "", func() app.UI {
					return app.Div().Class(s.c("product-name")).Text(subscriptionLabel(sub))
				}),
				app.H3().Class(s.c("plan-name")).Text(sub.Plan.Name),
			),
			app.Div().Class(s.c("badges")).Body(
				app.Span().Class(s.c("status-badge", "status-"+string(sub.Status))).Text(s.t(statusKey(sub.Status))),
				s.trialBadge(sub),
			),
		),
		app.Div().Class(s.c("price")).Text(s.priceLine(sub)),
		app.If(s.periodLine(sub) != "", func() app.UI { return app.Div().Class(s.c("period")).Text(s.periodLine(sub)) }),
		s.trialOutcome(sub),
		s.chargesSummary(sub),
		app.Range(sub.ScheduledUpdates).Slice(func(i int) app.UI { return s.scheduledBanner(sub, sub.ScheduledUpdates[i]) }),
		app.If(live && sub.Pricing == portico.PricingCustom, s.contactSupport),
		app.If(live && sub.CancelAt == nil && !hasCancellation(sub), func() app.UI { return s.cancelControl(sub) }),
	)
}

func statusKey(status portico.SubscriptionStatus) string {
	switch status {
	case portico.StatusTrialing:
		return "statusTrialing"
	case portico.StatusCanceled:
		return "statusCanceled"
	case portico.StatusExpired:
		return "statusExpired"
	}
	return "statusActive"
}

func (s *SubscriptionOverview) trialBadge(sub portico.SubscriptionView) app.UI {
	if sub.Status != portico.StatusTrialing || sub.TrialEndsAt == nil {
		return nil
	}
	days := int((sub.TrialEndsAt.Sub(s.data.Portal.Now) + 24*time.Hour - time.Nanosecond) / (24 * time.Hour))
	text := s.tn("trialDaysLeft", int64(days), "days", s.f().Number(int64(days)))
	if days <= 1 {
		text = s.t("trialLastDay")
	}
	return app.Span().Class(s.c("trial-badge")).Title(s.t("trialEndsOn", "date", s.f().Date(*sub.TrialEndsAt))).Text(text)
}

func (s *SubscriptionOverview) priceLine(sub portico.SubscriptionView) string {
	switch {
	case sub.Pricing == portico.PricingFree && sub.Total.Amount == 0:
		return s.t("freePrice")
	case sub.Pricing == portico.PricingCustom:
		return s.t("customPrice") + " · " + s.f().M(sub.Total) + " " + s.perPeriod(sub.BillingPeriod)
	case sub.Total.Amount == 0 && sub.MinimumSpend != nil:
		// Priced by usage: what it costs at least, not a fee of nothing.
		return s.t("priceFrom", "amount", s.f().M(*sub.MinimumSpend)) + " " + s.perPeriod(sub.BillingPeriod)
	case sub.Total.Amount == 0 && len(sub.Charges) > 0:
		return s.t("priceByUsage")
	}
	return s.f().M(sub.Total) + " " + s.perPeriod(sub.BillingPeriod)
}

func (s *SubscriptionOverview) perPeriod(period portico.BillingPeriod) string {
	if period == portico.Annually {
		return s.t("perYear")
	}
	return s.t("perMonth")
}

func (s *SubscriptionOverview) periodLine(sub portico.SubscriptionView) string {
	f := s.f()
	switch {
	case sub.EndedAt != nil:
		return s.t("endedOn", "date", f.Date(*sub.EndedAt))
	case sub.CancelAt != nil:
		return s.t("cancelsOn", "date", f.Date(*sub.CancelAt))
	case sub.Status == portico.StatusTrialing && sub.TrialEndsAt != nil:
		return s.t("trialEndsOn", "date", f.Date(*sub.TrialEndsAt))
	case sub.Pricing == portico.PricingFree:
		return "" // nothing renews: a free plan runs until changed
	}
	return s.t("renewsOn", "date", f.Date(sub.CurrentPeriodEnd))
}

// trialOutcome says what the trial's end will do: bill the plan, or — with
// no payment method — move to the free plan or end access, with a way to
// add a card where the billing provider takes one.
func (s *SubscriptionOverview) trialOutcome(sub portico.SubscriptionView) app.UI {
	o := sub.TrialOutcome
	if o == nil || sub.Status != portico.StatusTrialing {
		return nil
	}
	var text string
	switch o.Action {
	case portico.TrialConverts:
		text = s.t("trialConverts", "plan", sub.Plan.Name, "amount", s.f().M(sub.Total)+" "+s.perPeriod(sub.BillingPeriod))
	case portico.TrialDowngrades:
		name := ""
		if o.Plan != nil {
			name = o.Plan.Name
		}
		text = s.t("trialDowngrades", "plan", name)
	default:
		text = s.t("trialExpires")
	}
	return app.Div().Class(s.c("trial-outcome")).Body(
		app.P().Class(s.c("trial-outcome-text")).Text(text),
		app.If(o.Action != portico.TrialConverts && selfService(s.data.Portal.Billing), func() app.UI {
			return busyButton(s.c("button", "button-primary", "add-payment-method-button"), s.t("addPaymentMethod"),
				s.addingCard, "card-"+sub.ID, func(ctx app.Context, e app.Event) {
					openBillingSession(ctx, s.cfg, "payment_method_setup", &s.addingCard)
				})
		}),
	)
}

func hasCancellation(sub portico.SubscriptionView) bool {
	for _, u := range sub.ScheduledUpdates {
		if u.Type == portico.UpdateCancellation {
			return true
		}
	}
	return false
}

// billSummary shows the next bill and any account credit.
func (s *SubscriptionOverview) billSummary() app.UI {
	p, f := s.data.Portal, s.f()
	next := s.t("noUpcomingBill")
	if p.NextBill != nil {
		next = s.t("nextBill", "amount", f.Money(p.NextBill.Amount, p.NextBill.Currency), "date", f.Date(p.NextBill.Date))
		if names := s.billedFor(p.NextBillFor); names != "" {
			next += " " + s.t("billFor", "subscriptions", names)
		}
	}
	return app.Div().Class(s.c("bill-summary")).Body(
		app.Span().Class(s.c("next-bill")).Text(next),
		app.If(p.Credit.Amount > 0, func() app.UI {
			return app.Span().Class(s.c("credit")).Text(s.t("credit", "amount", f.M(p.Credit)))
		}),
	)
}

// billedFor names the subscriptions a bill is for, when the portal shows
// more than one or a resource's: "Acme Sites · blog".
func (s *SubscriptionOverview) billedFor(subIDs []string) string {
	subs := s.subscriptions()
	if len(subs) < 2 && (len(subs) == 0 || subs[0].ResourceID == "") {
		return ""
	}
	var names []string
	for _, sub := range subs {
		if slices.Contains(subIDs, sub.ID) {
			names = append(names, subscriptionLabel(sub))
		}
	}
	return strings.Join(names, ", ")
}

// subscriptionLabel names a subscription among others: its product, and
// its resource on a per-resource product.
func subscriptionLabel(sub portico.SubscriptionView) string {
	if sub.ResourceID != "" {
		return sub.ProductName + " · " + sub.ResourceID
	}
	return sub.ProductName
}

func (s *SubscriptionOverview) scheduledBanner(sub portico.SubscriptionView, u portico.ScheduledUpdate) app.UI {
	text := s.scheduledText(u)
	label := s.t("cancelScheduledUpdatesButtonTitle")
	if u.Type == portico.UpdateCancellation {
		label = s.t("undoCancellation")
	}
	return app.Div().Class(s.c("scheduled-update-banner")).Role("status").Body(
		app.Span().Text(text),
		busyButton(s.c("button", "button-secondary", "cancel-scheduled-update-button"),
			label, s.busy == sub.ID, sub.ID,
			func(ctx app.Context, e app.Event) { s.askCancelScheduled(ctx, sub, opener(ctx)) }),
	)
}

// scheduledText words a scheduled update, as its banner shows it.
func (s *SubscriptionOverview) scheduledText(u portico.ScheduledUpdate) string {
	date := s.f().Date(u.EffectiveAt)
	switch u.Type {
	case portico.UpdatePlanChange:
		return s.t("scheduledPlanChange", "plan", u.TargetPlanName, "date", date)
	case portico.UpdateQuantityChange:
		return s.t("scheduledQuantityChange", "quantities", s.quantityText(u.TargetQuantities), "date", date)
	case portico.UpdatePeriodChange:
		return s.t("scheduledPeriodChange", "period", s.t(periodKey(u.TargetBillingPeriod)), "date", date)
	case portico.UpdateCancellation:
		if u.DowngradeToPlanID != "" {
			return s.t("scheduledCancellationFree", "plan", u.TargetPlanName, "date", date)
		}
		return s.t("scheduledCancellation", "date", date)
	}
	return s.t("scheduledAddonsChange", "date", date)
}

func periodKey(period portico.BillingPeriod) string {
	if period == portico.Annually {
		return "annually"
	}
	return "monthly"
}

// run performs an action on a subscription, then refreshes the portal and
// tells the customer how it went: do returns what to say when it worked.
func (s *SubscriptionOverview) run(ctx app.Context, subID string, do func(context.Context) (string, error)) {
	s.busy = subID
	cfg := s.cfg
	ctx.Async(func() {
		c, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		done, err := do(c)
		ctx.Dispatch(func(ctx app.Context) {
			if s.asking != nil && err != nil {
				refocus(s.asking.opener)
			} else if s.asking != nil {
				focusAfterChange(s.prefix() + "-subscription-title")
			}
			s.busy, s.asking = "", nil
			if err != nil {
				notify(ctx, "error", cfg.Texts.Get("actionError", "error", err.Error()))
				return
			}
			notify(ctx, "success", done)
			refresh(ctx)
		})
	})
}

func (s *SubscriptionOverview) contactSupport() app.UI {
	return app.Div().Class(s.c("contact-support")).Body(
		app.P().Class(s.c("contact-support-title")).Text(s.t("contactSupportTitle")),
		app.Button().Type("button").Class(s.c("button", "button-link", "contact-support-link")).Text(s.t("contactSupportLink")).
			OnClick(func(ctx app.Context, e app.Event) { s.cfg.ContactSupport(ctx) }),
	)
}

// cancelControl is the cancel button, which asks for confirmation first.
func (s *SubscriptionOverview) cancelControl(sub portico.SubscriptionView) app.UI {
	return app.Div().Class(s.c("cancel-row")).Body(
		app.Button().Type("button").Class(s.c("button", "button-link", "cancel-subscription-button")).
			Text(s.t("cancelSubscription")).
			OnClick(func(ctx app.Context, e app.Event) { s.ask(ctx, askCancel, sub, opener(ctx)) }, app.EventScope(sub.ID)),
	)
}

// tabs shows add-ons and promotions side by side behind tabs. The tab
// list is one stop of the Tab key; the arrow keys move between the tabs.
func (s *SubscriptionOverview) tabs() app.UI {
	tab := s.tab
	if tab == "" {
		tab = "addons"
	}
	ids, keys := []string{"addons", "promotions"}, []string{"addonsTabTitle", "promotionsTabTitle"}
	keyboard := roving{current: slices.Index(ids, tab), choose: func(ctx app.Context, i int) { s.tab = ids[i] }}
	for _, id := range ids {
		keyboard.ids = append(keyboard.ids, s.prefix()+"-tab-"+id)
	}
	tabButton := func(i int) app.UI {
		id := ids[i]
		b := app.Button().Type("button").Role("tab").Class(s.c("tab")).Aria("selected", tab == id).TabIndex(keyboard.tabIndex(i)).
			ID(keyboard.ids[i]).Aria("controls", s.prefix()+"-panel-"+id).Text(s.t(keys[i])).
			OnClick(func(ctx app.Context, e app.Event) { s.tab = id }, app.EventScope(id))
		if tab == id {
			b = b.Class(s.c("tab-selected"))
		}
		return b
	}
	return app.Div().Class(s.c("tabs-container")).Body(
		app.Div().Class(s.c("tabs")).Role("tablist").OnKeyDown(keyboard.onKeyDown).Body(tabButton(0), tabButton(1)),
		app.Div().Role("tabpanel").ID(s.prefix()+"-panel-"+tab).Aria("labelledby", s.prefix()+"-tab-"+tab).Body(
			app.If(tab == "addons", func() app.UI { return &AddonsList{s.handedOn()} }).
				Else(func() app.UI { return &Promotions{s.handedOn()} }),
		),
	)
}

// pastDue asks the customer to fix a failed payment.
func (s *SubscriptionOverview) pastDue() app.UI {
	return app.Div().Class(s.c("past-due-banner")).Role("alert").Body(
		app.Span().Text(s.t("pastDue")),
		busyButton(s.c("button", "button-primary", "update-payment-method-button"), s.t("updatePaymentMethod"), s.busy == "past-due", "past-due",
			func(ctx app.Context, e app.Event) {
				busy := false
				openBillingSession(ctx, s.cfg, "payment_method_update", &busy)
			}),
	)
}
