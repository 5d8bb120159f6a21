package console

import (
	"context"
	"net/url"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// signInView is the sign-in page. It owns what is typed and how the
// sign-in went; once signed in, it goes to the page asked for.
type signInView struct {
	app.Compo
	API  API
	Next string // where to go once signed in

	secret string
	err    string
	busy   bool
}

func (v *signInView) Render() app.UI {
	input := app.Input().ID("pc-secret").Class("pc-input").Type("password").Name("secret").
		Attr("autocomplete", "current-password").AutoFocus(true).Required(true).Value(v.secret).
		Aria("describedby", "pc-secret-hint pc-secret-error").
		OnInput(func(ctx app.Context, e app.Event) { v.secret = ctx.JSSrc().Get("value").String() })
	if v.err != "" {
		input = input.Aria("invalid", "true")
	}
	label := "Sign in"
	if v.busy {
		label = "Signing in…"
	}
	return app.Div().Class("pc-app", "pc-signin-page").Body(
		app.Style().Text(css),
		app.Main().Class("pc-signin").Body(
			app.H1().Text("Portico console"),
			app.P().Class("pc-lead").Text("Manage your products, plans, add-ons and customer journeys."),
			app.Form().Class("pc-form").NoValidate(true).OnSubmit(v.submit).Body(
				app.Div().Class("pc-field").Body(
					app.Label().For("pc-secret").Text("Secret key or console password"),
					input,
					app.P().ID("pc-secret-hint").Class("pc-hint").Text(
						"The backend API key (sk_…) the server printed at start, or PORTICO_CONSOLE_PASSWORD when it is set."),
					app.P().ID("pc-secret-error").Class("pc-error").Role("alert").Text(v.err),
				),
				app.Button().Class("pc-button", "pc-primary", "pc-wide").Type("submit").Disabled(v.busy).Text(label),
			),
		),
	)
}

func (v *signInView) submit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	secret := strings.TrimSpace(v.secret)
	if secret == "" {
		v.err = "Enter the secret key or the console password."
		return
	}
	if v.busy || v.API == nil {
		return
	}
	v.busy, v.err = true, ""
	api, next := v.API, v.Next
	ctx.Async(func() {
		c, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		err := api.SignIn(c, secret)
		ctx.Dispatch(func(ctx app.Context) { v.signedIn(ctx, err, next) })
	})
}

// signedIn shows why the sign-in failed, or goes to next.
func (v *signInView) signedIn(ctx app.Context, err error, next string) {
	v.busy = false
	switch {
	case statusOf(err) == 401:
		v.err = "That is not the secret key or the console password."
	case err != nil:
		v.err = errorText(err)
	default:
		v.secret, v.err = "", ""
		ctx.Navigate(next)
	}
}

// afterSignIn is where to go after signing in: the console page the
// query's next asks for, never another site.
func afterSignIn(query url.Values) string {
	n := query.Get("next")
	if n == PathRoot || strings.HasPrefix(n, PathRoot+"/") && !strings.HasPrefix(n, PathSignIn) {
		return n
	}
	return PathRoot
}
