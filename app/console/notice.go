package console

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// noticeSlot says what was just done, above the view, until the next page
// or dialog; a status region, so screen readers read each notice. It owns
// the notice shown and the one kept for the page navigated to next.
type noticeSlot struct {
	app.Compo

	text string
	next string
}

func (n *noticeSlot) OnMount(ctx app.Context) {
	ctx.Handle(actionNotice, n.onNotice)
	ctx.Handle(actionOpenDialog, func(app.Context, app.Action) { n.text = "" })
}

// OnNav shows the notice kept for this page, if any.
func (n *noticeSlot) OnNav(ctx app.Context) { n.text, n.next = n.next, "" }

func (n *noticeSlot) onNotice(ctx app.Context, a app.Action) {
	if v := a.Value.(notice); v.afterNav {
		n.next = v.text
	} else {
		n.text = v.text
	}
}

func (n *noticeSlot) Render() app.UI {
	if n.text == "" {
		return app.Div().Class("pc-notice-slot").Role("status")
	}
	return app.Div().Class("pc-notice-slot").Role("status").Body(
		app.P().Class("pc-notice").Text(n.text))
}
