package components

import (
	"context"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

// What the overview asks the customer to confirm.
const (
	askCancel       = "cancel"        // cancelling the subscription
	askCancelUpdate = "cancel-update" // dropping its scheduled updates
)

// question is a confirmation the overview shows before it acts on a
// subscription.
type question struct {
	kind string
	sub  portico.SubscriptionView
	// opener gets the focus back when the question is dismissed.
	opener app.Value
}

// ask opens a confirmation.
func (s *SubscriptionOverview) ask(ctx app.Context, kind string, sub portico.SubscriptionView, from app.Value) {
	if s.busy != "" {
		return
	}
	s.asking = &question{kind: kind, sub: sub, opener: from}
	openDialog(ctx, s.dialogID())
}

// askCancelScheduled confirms before dropping a subscription's scheduled
// updates, unless the host takes the action over.
func (s *SubscriptionOverview) askCancelScheduled(ctx app.Context, sub portico.SubscriptionView, from app.Value) {
	if s.busy != "" || s.cfg.CancelScheduledHandled(ctx, sub.ID) {
		return
	}
	s.ask(ctx, askCancelUpdate, sub, from)
}

// dismiss closes the confirmation without acting and gives the focus back
// to the control that opened it.
func (s *SubscriptionOverview) dismiss(ctx app.Context) {
	if s.asking == nil || s.busy != "" {
		return
	}
	back := s.asking.opener
	s.asking = nil
	refocus(back)
}

func (s *SubscriptionOverview) dialogID() string {
	if s.asking != nil && s.asking.kind == askCancelUpdate {
		return s.prefix() + "-cancel-update-dialog"
	}
	return s.prefix() + "-cancel-dialog"
}

// confirmation is the dialog of the question asked, if any.
func (s *SubscriptionOverview) confirmation() app.UI {
	if s.asking == nil {
		return nil
	}
	if s.asking.kind == askCancelUpdate {
		return s.cancelUpdateDialog(s.asking.sub)
	}
	return s.cancelDialog(s.asking.sub)
}

// cancelDialog confirms a cancellation, saying when access ends.
func (s *SubscriptionOverview) cancelDialog(sub portico.SubscriptionView) app.UI {
	id := s.dialogID()
	return modal{prefix: s.prefix(), id: id, titleID: id + "-title", classes: []string{"cancel-confirm"}, alert: true,
		onClose: s.dismiss, body: []app.UI{
			app.H3().ID(id + "-title").Class(s.c("confirm-title", "cancel-confirm-title")).Text(s.t("cancelConfirmTitle")),
			app.If(s.accessEnds(sub) != "", func() app.UI {
				return app.P().Class(s.c("cancel-access")).Text(s.accessEnds(sub))
			}),
			app.P().Class(s.c("muted")).Text(s.t("cancelConfirmBody")),
			app.Div().Class(s.c("actions")).Body(
				app.Button().Type("button").Class(s.c("button", "button-secondary", "keep-subscription-button")).Text(s.t("keepSubscription")).
					OnClick(func(ctx app.Context, e app.Event) { s.dismiss(ctx) }),
				busyButton(s.c("button", "button-danger", "confirm-cancel-button"), s.t("cancelConfirmButton"), s.busy == sub.ID, sub.ID,
					func(ctx app.Context, e app.Event) { s.cancel(ctx, sub) }),
			),
		}}.render()
}

// accessEnds says when a cancellation confirmed now ends access, by the
// product's rule: at the period's end, or now.
func (s *SubscriptionOverview) accessEnds(sub portico.SubscriptionView) string {
	f := s.f()
	switch sub.Cancellation {
	case portico.EndOfPeriod:
		return s.t("cancelAccessUntil", "plan", sub.Plan.Name, "date", f.Date(sub.CurrentPeriodEnd))
	case portico.Immediate:
		return s.t("cancelAccessEndsNow", "plan", sub.Plan.Name, "date", f.Date(s.data.Portal.Now))
	}
	return ""
}

func (s *SubscriptionOverview) cancel(ctx app.Context, sub portico.SubscriptionView) {
	src, texts, f := s.cfg.Source, s.cfg.Texts, s.f()
	s.run(ctx, sub.ID, func(c context.Context) (string, error) {
		res, err := src.Cancel(c, sub.ID)
		if err != nil {
			return "", err
		}
		if at := res.Subscription.CancelAt; at != nil {
			return texts.Get("cancelScheduledNotice", "date", f.Date(*at)), nil
		}
		return texts.Get("canceledNotice"), nil
	})
}

// cancelUpdateDialog confirms dropping the scheduled updates: it says what
// was scheduled and what stays instead. Undoing a scheduled cancellation
// is worded as keeping the subscription.
func (s *SubscriptionOverview) cancelUpdateDialog(sub portico.SubscriptionView) app.UI {
	id := s.dialogID()
	title, stays, keep, confirm := s.t("cancelUpdateTitle"), s.t("cancelUpdateBody", "plan", sub.Plan.Name), s.t("keepUpdate"), s.t("confirmCancelUpdate")
	if hasCancellation(sub) {
		title, keep, confirm = s.t("undoCancellationTitle"), s.t("backButton"), s.t("keepSubscription")
		stays = s.t("undoCancellationBody", "plan", sub.Plan.Name, "date", s.f().Date(sub.CurrentPeriodEnd))
	}
	return modal{prefix: s.prefix(), id: id, titleID: id + "-title", classes: []string{"cancel-update-confirm"},
		onClose: s.dismiss, body: []app.UI{
			app.H3().ID(id + "-title").Class(s.c("confirm-title", "cancel-update-confirm-title")).Text(title),
			app.Range(sub.ScheduledUpdates).Slice(func(i int) app.UI {
				return app.P().Class(s.c("cancel-update-what")).Text(s.scheduledText(sub.ScheduledUpdates[i]))
			}),
			app.P().Class(s.c("muted")).Text(stays),
			app.Div().Class(s.c("actions")).Body(
				app.Button().Type("button").Class(s.c("button", "button-secondary", "keep-update-button")).Text(keep).
					OnClick(func(ctx app.Context, e app.Event) { s.dismiss(ctx) }),
				busyButton(s.c("button", "button-primary", "confirm-cancel-update-button"), confirm, s.busy == sub.ID, sub.ID,
					func(ctx app.Context, e app.Event) { s.cancelScheduled(ctx, sub) }),
			),
		}}.render()
}

func (s *SubscriptionOverview) cancelScheduled(ctx app.Context, sub portico.SubscriptionView) {
	src, done := s.cfg.Source, s.t("updateCanceledNotice")
	if hasCancellation(sub) {
		done = s.t("cancellationUndoneNotice", "date", s.f().Date(sub.CurrentPeriodEnd))
	}
	s.run(ctx, sub.ID, func(c context.Context) (string, error) {
		_, err := src.CancelScheduled(c, sub.ID)
		return done, err
	})
}
