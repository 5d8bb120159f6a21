package console

import (
	"context"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/components"
)

// dialogHost shows the open dialog over whichever view is shown, and owns
// it: its form as typed, its errors and the save under way. Views open
// dialogs through the open-dialog action; a save hands the page the
// catalog the server answered and says what was done.
type dialogHost struct {
	app.Compo
	API     API
	Catalog *portico.Catalog // the catalog shown

	dlg *dialog // the dialog shown, nil when none
	own ownContext
	// opener had the focus when the dialog opened: it gets it back when
	// the dialog closes.
	opener app.Value
}

func (h *dialogHost) OnMount(ctx app.Context) {
	h.own.keep(ctx)
	ctx.Handle(actionOpenDialog, h.onOpen)
}

// OnNav closes the dialog: it belongs to the page it was opened on.
func (h *dialogHost) OnNav(ctx app.Context) { h.dlg = nil }

// onOpen shows a dialog and puts the focus in it, where the keyboard
// stays until it closes.
func (h *dialogHost) onOpen(ctx app.Context, a app.Action) {
	if h.dlg == nil && app.IsClient {
		h.opener = app.Window().Get("document").Get("activeElement")
	}
	h.dlg = a.Value.(*dialog)
	components.KeepFocusInDialogs()
	ctx.Defer(func(app.Context) {
		focusElement(".pc-dialog input:not([readonly]), .pc-dialog select, .pc-dialog textarea, .pc-dialog button")
	})
}

func (h *dialogHost) closeDialog(ctx app.Context, e app.Event) {
	if h.dlg != nil && !h.dlg.busy {
		h.dlg = nil
		h.focusOpener()
	}
}

// focusOpener gives the focus back to the control that opened the dialog,
// if it is still in the page.
func (h *dialogHost) focusOpener() {
	if el := h.opener; el != nil && el.Truthy() && el.Get("isConnected").Bool() {
		el.Call("focus")
	}
	h.opener = nil
}

func (h *dialogHost) Render() app.UI {
	d := h.dlg
	if d == nil {
		return app.Div().Class("pc-dialog-slot")
	}
	return app.Div().Class("pc-dialog-slot").Body(
		app.Div().Class("pc-backdrop").OnClick(h.closeDialog),
		app.Div().Class("pc-dialog").Role("dialog").Aria("modal", "true").Aria("labelledby", "pc-dialog-title").
			OnKeyDown(func(ctx app.Context, e app.Event) {
				if e.Get("key").String() == "Escape" {
					h.closeDialog(ctx, e)
				}
			}).Body(
			app.H2().ID("pc-dialog-title").Text(d.title),
			app.If(len(d.general) > 0, func() app.UI {
				items := make([]app.UI, len(d.general))
				for i, g := range d.general {
					items[i] = app.Li().Text(g)
				}
				return app.Div().Class("pc-general").TabIndex(-1).Role("alert").Body(
					app.P().Text("Nothing was saved:"), app.Ul().Body(items...))
			}),
			h.renderForm(),
		),
	)
}

// renderForm is the open dialog's form: its kind's, or the confirmation of
// a price change it has come to.
func (h *dialogHost) renderForm() app.UI {
	switch d := h.dlg; {
	case d.step == stepPrices:
		return h.priceConfirmForm()
	case d.kind == dlgConflicts:
		return h.conflictsForm()
	case d.kind == dlgProduct:
		return h.productForm()
	case d.kind == dlgPlan:
		return h.planForm()
	case d.kind == dlgAddon:
		return h.addonForm()
	case d.kind == dlgFeature:
		return h.featureForm()
	case d.kind == dlgMetadata:
		return h.metadataForm()
	case d.kind == dlgTranslations:
		return h.translationsForm()
	}
	return h.confirmForm()
}

// actions are a dialog's buttons: cancel and the primary action.
func (h *dialogHost) actions(primary string, danger bool) app.UI {
	d := h.dlg
	label := primary
	if d.busy {
		label = "Saving…"
		if d.busyText != "" {
			label = d.busyText
		}
	}
	cls := "pc-primary"
	if danger {
		cls = "pc-danger"
	}
	return app.Div().Class("pc-actions").Body(
		app.Button().Class("pc-button", "pc-cancel").Type("button").Text("Cancel").Disabled(d.busy).OnClick(h.closeDialog),
		app.Button().Class("pc-button", cls).Type("submit").Disabled(d.busy).Text(label),
	)
}

// confirmForm asks before archiving, unarchiving or restoring.
func (h *dialogHost) confirmForm() app.UI {
	d := h.dlg
	return app.Form().Class("pc-form").NoValidate(true).OnSubmit(func(ctx app.Context, e app.Event) {
		e.PreventDefault()
		if d := h.dlg; d != nil && d.change != nil {
			h.send(ctx, d.change)
		}
	}).Body(
		app.P().Text(d.message),
		h.actions(d.v["action"], d.v["danger"] == "true"),
	)
}

// save sends next, the dialog's edit of the catalog it opened on. A
// refusal keeps the dialog open with each error beside its field (or
// listed above the form when it has none); nothing changes on the page
// until the server accepts.
func (h *dialogHost) save(ctx app.Context, next *portico.Catalog) {
	api, base, current := h.API, h.dlg.base, h.Catalog
	h.send(ctx, func(c context.Context) putResult { return putReapplied(c, api, base, next, current) })
}

// send runs the dialog's change and shows how it went.
func (h *dialogHost) send(ctx app.Context, change func(context.Context) putResult) {
	d := h.dlg
	if d == nil || d.busy {
		return
	}
	d.busy, d.general = true, nil
	ctx = h.own.or(ctx)
	ctx.Async(func() {
		c, cancel := ctxTimeout()
		defer cancel()
		r := change(c)
		ctx.Dispatch(func(ctx app.Context) { h.settle(ctx, d, r) })
	})
}

// settle shows the outcome of a dialog's change: the page takes the
// catalog saved and says so, or the operator chooses between conflicting
// values, or the errors go beside their fields.
func (h *dialogHost) settle(ctx app.Context, d *dialog, r putResult) {
	d.busy = false
	if r.read != nil {
		// The client sends the version it read last: the page must show
		// that catalog, or its next edit would undo what it missed.
		showCatalog(ctx, r.read, false)
	}
	switch {
	case r.saved != nil:
		h.dlg = nil
		h.focusOpener()
		showCatalog(ctx, r.saved, true)
		showNotice(ctx, d.done)
		if d.then != nil {
			d.then(ctx)
		}
	case r.conflicts != nil:
		openDialog(ctx, r.newest(h.Catalog), conflictsDialog(d, r.conflicts))
	case statusOf(r.err) == 401:
		signInAgain(ctx)
	default:
		// A refused save shows the form again, its errors beside its fields.
		d.errs, d.step = map[string]string{}, ""
		d.showErrors(r.err, r.named(h.Catalog))
		h.refuse(ctx)
	}
}

// refuse ends a refused save: the focus goes to the first field in error.
func (h *dialogHost) refuse(ctx app.Context) {
	ctx.Defer(func(app.Context) { focusFirstError(".pc-dialog") })
}
