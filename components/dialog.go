package components

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// modal is a dialog drawn over the page: the confirm step of a plan change,
// a cancellation's confirmation, the add-on editor. It takes the focus when
// it opens (see openDialog), keeps Tab and Shift+Tab inside it, and closes
// on Escape.
type modal struct {
	prefix string
	// id is the dialog element's ID; titleID its title's, which names it.
	id, titleID string
	// classes are the dialog's class names after "dialog", unprefixed.
	classes []string
	// alert makes it an alertdialog: it asks to confirm a step that loses
	// something (a cancellation), so assistive technologies read it at once.
	alert   bool
	onClose func(ctx app.Context)
	body    []app.UI
}

func (m modal) render() app.UI {
	role := "dialog"
	if m.alert {
		role = "alertdialog"
	}
	return app.Div().Class(classes(m.prefix, "overlay")).Body(
		app.Div().ID(m.id).Class(classes(m.prefix, append([]string{"dialog"}, m.classes...)...)).
			Role(role).Aria("modal", "true").Aria("labelledby", m.titleID).TabIndex(-1).
			OnKeyDown(func(ctx app.Context, e app.Event) {
				switch e.Get("key").String() {
				case "Escape":
					m.onClose(ctx)
				case "Tab":
					keepTabInside(e)
				}
			}).Body(m.body...),
	)
}

// focusables selects what Tab reaches inside a dialog.
const focusables = `button:not([disabled]), a[href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])`

// keepTabInside wraps Tab from the dialog's last control to its first and
// Shift+Tab from its first to its last, so the keyboard cannot reach the
// page behind a modal dialog.
func keepTabInside(e app.Event) {
	if !app.IsClient {
		return
	}
	dialog := e.Get("currentTarget")
	items := dialog.Call("querySelectorAll", focusables)
	n := items.Length()
	if n == 0 {
		e.PreventDefault()
		return
	}
	first, last := items.Index(0), items.Index(n-1)
	active := app.Window().Get("document").Get("activeElement")
	switch {
	case e.Get("shiftKey").Bool() && (active.Equal(first) || active.Equal(dialog)):
		e.PreventDefault()
		last.Call("focus")
	case !e.Get("shiftKey").Bool() && active.Equal(last):
		e.PreventDefault()
		first.Call("focus")
	}
}

// openDialog moves the focus into a dialog once it is drawn.
func openDialog(ctx app.Context, id string) {
	ctx.Defer(func(app.Context) { focus(id) })
}

// focus moves the focus to the element with the ID, if it is in the page.
func focus(id string) {
	if app.IsClient {
		if el := app.Window().GetElementByID(id); el.Truthy() {
			el.Call("focus")
		}
	}
}

// opener is the control a dialog was opened from, so the focus can go back
// to it when the dialog closes: the element whose handler runs (the event
// itself has finished by then), else the one that has the focus. It is nil
// outside the browser.
func opener(ctx app.Context) app.Value {
	if !app.IsClient {
		return nil
	}
	if el := ctx.JSSrc(); el != nil && el.Truthy() {
		return el
	}
	return app.Window().Get("document").Get("activeElement")
}

// refocus gives the focus back to a dialog's opener, if it is still in the
// page. It is called as the dialog closes, while the control being handled
// is still mounted: go-app drops a deferred call whose element is gone, and
// the dialog's own buttons go with it.
func refocus(el app.Value) {
	if el != nil && el.Truthy() && el.Get("isConnected").Bool() {
		el.Call("focus")
	}
}

// focusPlans brings the plans into view and moves the focus to their
// title, so keyboard and screen-reader users land where the change is
// made. It reports whether the page has the portal's plans.
func focusPlans(prefix string) bool {
	if !app.IsClient {
		return true
	}
	title := app.Window().GetElementByID(prefix + "-plans-title")
	if !title.Truthy() {
		return false
	}
	title.Call("scrollIntoView", map[string]any{"block": "start", "behavior": "smooth"})
	title.Call("focus", map[string]any{"preventScroll": true})
	return true
}
