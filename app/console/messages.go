package console

import (
	"net/url"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

// The console's components tell each other what happened through go-app
// actions, and get what they share from the page as plain props, never as
// func-typed ones: go-app compares props with reflect.DeepEqual, under
// which a func never equals another, so a func prop would redraw its
// component on every update of the page.
const (
	// actionOpenDialog asks the dialog host to show a dialog (*dialog).
	actionOpenDialog = "portico.console.open-dialog"
	// actionCatalog brings the page a catalog the server answered
	// (catalogNews).
	actionCatalog = "portico.console.catalog"
	// actionNotice says what was just done (notice).
	actionNotice = "portico.console.notice"
)

// openDialog shows d, made from cat, the catalog shown: what the form
// holds now is what "unchanged" means on saving, and cat is the catalog
// its edit is made on. A confirmation that carries its own change may be
// made on none.
func openDialog(ctx app.Context, cat *portico.Catalog, d *dialog) {
	d.prepare(cat)
	ctx.NewActionWithValue(actionOpenDialog, d)
}

// catalogNews is a catalog the server answered: saved by this console, or
// read on the way (someone else's, newer than the one shown).
type catalogNews struct {
	cat   *portico.Catalog
	saved bool
}

// showCatalog hands the page a catalog the server answered.
func showCatalog(ctx app.Context, cat *portico.Catalog, saved bool) {
	ctx.NewActionWithValue(actionCatalog, catalogNews{cat: cat, saved: saved})
}

// notice is what was just done, shown above the view; afterNav keeps it
// for the page navigated to next.
type notice struct {
	text     string
	afterNav bool
}

// showNotice says what was just done.
func showNotice(ctx app.Context, text string) {
	ctx.NewActionWithValue(actionNotice, notice{text: text})
}

// showNoticeNext says what was just done on the page navigated to next.
func showNoticeNext(ctx app.Context, text string) {
	ctx.NewActionWithValue(actionNotice, notice{text: text, afterNav: true})
}

// ownContext is a component's own context, kept from OnMount. Answers to
// calls are dispatched through it: go-app drops a dispatch whose element
// is gone, and the button that asked (a retry, a dialog's) often is by
// then.
type ownContext struct {
	ctx     app.Context
	mounted bool
}

func (o *ownContext) keep(ctx app.Context) { o.ctx, o.mounted = ctx, true }

// or is the component's own context once mounted, else ctx (on the
// server, and in tests, which mount nothing).
func (o *ownContext) or(ctx app.Context) app.Context {
	if o.mounted {
		return o.ctx
	}
	return ctx
}

// failed reports a failed call in *msg; an ended session goes back to the
// sign-in page.
func failed(ctx app.Context, err error, msg *string) {
	if statusOf(err) == 401 {
		signInAgain(ctx)
		return
	}
	*msg = errorText(err)
}

// signInAgain goes to the sign-in page, the session having ended, to come
// back to this page afterwards.
func signInAgain(ctx app.Context) {
	ctx.Navigate(PathSignIn + "?next=" + url.QueryEscape(consolePath(ctx.Page().URL())))
}

// consolePath is the console path of u, without a trailing slash.
func consolePath(u *url.URL) string {
	if path := strings.TrimRight(u.Path, "/"); path != "" {
		return path
	}
	return PathRoot
}
