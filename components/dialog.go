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
				if e.Get("key").String() == "Escape" {
					m.onClose(ctx)
				}
			}).Body(m.body...),
	)
}

// focusables selects what Tab reaches inside a dialog (not the items a
// roving tabindex leaves out).
const focusables = `button:not([disabled]):not([tabindex="-1"]), a[href]:not([tabindex="-1"]), input:not([disabled]):not([tabindex="-1"]), ` +
	`select:not([disabled]):not([tabindex="-1"]), textarea:not([disabled]):not([tabindex="-1"]), [tabindex]:not([tabindex="-1"])`

// openModal selects the page's open modal dialogs; the last is on top.
const openModal = `[aria-modal="true"]`

// guarded is set once the page's document listens for KeepFocusInDialogs.
var guarded bool

// KeepFocusInDialogs makes the page keep the keyboard in its open modal
// dialog (any element with aria-modal="true": Portico's, the console's, a
// host's), wherever the focus is: Tab and Shift+Tab go round the dialog's
// controls, and from outside it (the focus drops to the page when the
// backdrop is pressed or a button pressed goes busy) come back into it;
// Escape reaches the dialog, whose own handler closes it, from anywhere.
// Portico's dialogs call it when they open; it listens once per page.
func KeepFocusInDialogs() {
	if !app.IsClient || guarded {
		return
	}
	guarded = true
	doc := app.Window().Get("document")
	doc.Call("addEventListener", "keydown", app.FuncOf(func(_ app.Value, args []app.Value) any {
		guardKey(args[0])
		return nil
	}), true)
}

// guardKey handles a key pressed while a modal dialog is open.
func guardKey(e app.Value) {
	dlg := topDialog()
	if !dlg.Truthy() {
		return
	}
	inside := dlg.Call("contains", e.Get("target")).Bool()
	switch e.Get("key").String() {
	case "Escape":
		if !inside {
			e.Call("preventDefault")
			escape := app.Window().Get("KeyboardEvent").New("keydown", map[string]any{"key": "Escape", "bubbles": true})
			dlg.Call("dispatchEvent", escape)
		}
	case "Tab":
		back := e.Get("shiftKey").Bool()
		if !inside || atEdge(dlg, e.Get("target"), back) {
			e.Call("preventDefault")
			focusInto(dlg, back)
		}
	}
}

// topDialog is the open modal dialog on top, or a falsy value.
func topDialog() app.Value {
	all := app.Window().Get("document").Call("querySelectorAll", openModal)
	if n := all.Length(); n > 0 {
		return all.Index(n - 1)
	}
	return app.Null()
}

// atEdge reports whether el is the dialog's last control (its first, or
// the dialog itself, going back): Tab would leave the dialog.
func atEdge(dlg, el app.Value, back bool) bool {
	items := dlg.Call("querySelectorAll", focusables)
	n := items.Length()
	if n == 0 {
		return true
	}
	if back {
		return el.Equal(items.Index(0)) || el.Equal(dlg)
	}
	return el.Equal(items.Index(n - 1))
}

// focusInto moves the focus to the dialog's first control (last, going
// back), or to the dialog itself when it has none.
func focusInto(dlg app.Value, last bool) {
	items := dlg.Call("querySelectorAll", focusables)
	switch n := items.Length(); {
	case n == 0:
		dlg.Call("focus")
	case last:
		items.Index(n - 1).Call("focus")
	default:
		items.Index(0).Call("focus")
	}
}

// openDialog moves the focus into a dialog once it is drawn, and keeps it
// there (KeepFocusInDialogs).
func openDialog(ctx app.Context, id string) {
	KeepFocusInDialogs()
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
	behavior := "smooth"
	if reducedMotion() {
		behavior = "auto"
	}
	title.Call("scrollIntoView", map[string]any{"block": "start", "behavior": behavior})
	title.Call("focus", map[string]any{"preventScroll": true})
	return true
}

// noticeShown selects a notice on screen (NoticeBar).
const noticeShown = "[data-portico-notices] > *"

// clearOfNotices is set once the page keeps the focus clear of notices.
var clearOfNotices bool

// keepFocusClearOfNotices scrolls a control the keyboard reaches out from
// under a notice: the toast stays at the bottom of the window until it is
// dismissed, and a control under it would be hidden (WCAG 2.4.11).
func keepFocusClearOfNotices() {
	if !app.IsClient || clearOfNotices {
		return
	}
	clearOfNotices = true
	app.Window().Get("document").Call("addEventListener", "focusin", app.FuncOf(func(_ app.Value, args []app.Value) any {
		el := args[0].Get("target")
		notice := app.Window().Get("document").Call("querySelector", noticeShown)
		if notice.Truthy() && !notice.Call("contains", el).Bool() && overlaps(el, notice) {
			el.Call("scrollIntoView", map[string]any{"block": "center"})
		}
		return nil
	}), true)
}

// overlaps reports whether two elements' boxes overlap on screen.
func overlaps(a, b app.Value) bool {
	ra, rb := a.Call("getBoundingClientRect"), b.Call("getBoundingClientRect")
	return ra.Get("bottom").Float() > rb.Get("top").Float() && ra.Get("top").Float() < rb.Get("bottom").Float() &&
		ra.Get("right").Float() > rb.Get("left").Float() && ra.Get("left").Float() < rb.Get("right").Float()
}

// focusAfterChange moves the focus, without scrolling, to the title (with
// the ID) of the section that shows a change just made: the control the
// change was made from may be gone or disabled by it (a plan now current,
// an offer now bought), and the focus would drop to the page's start.
func focusAfterChange(id string) {
	if !app.IsClient {
		return
	}
	if el := app.Window().GetElementByID(id); el.Truthy() {
		el.Call("focus", map[string]any{"preventScroll": true})
	}
}

// reducedMotion reports whether the viewer asks for less motion
// (prefers-reduced-motion): scrolling then jumps rather than glides.
func reducedMotion() bool {
	return app.IsClient && app.Window().Call("matchMedia", "(prefers-reduced-motion: reduce)").Get("matches").Bool()
}
