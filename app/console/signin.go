package console

import (
	"context"
	"net/url"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

type signInState struct {
	secret string
	err    string
	busy   bool
}

func (p *Page) renderSignIn() app.UI {
	s := p.signIn
	input := app.Input().ID("pc-secret").Class("pc-input").Type("password").Name("secret").
		Attr("autocomplete", "current-password").AutoFocus(true).Required(true).Value(s.secret).
		Aria("describedby", "pc-secret-hint pc-secret-error").
		OnInput(func(ctx app.Context, e app.Event) { p.signIn.secret = ctx.JSSrc().Get("value").String() })
	if s.err != "" {
		input = input.Aria("invalid", "true")
	}
	label := "Sign in"
	if s.busy {
		label = "Signing in…"
	}
	return app.Div().Class("pc-app", "pc-signin-page").Body(
		app.Style().Text(css),
		app.Main().Class("pc-signin").Body(
			app.H1().Text("Portico console"),
			app.P().Class("pc-lead").Text("Manage your products, plans, add-ons and customer journeys."),
			app.Form().Class("pc-form").NoValidate(true).OnSubmit(p.submitSignIn).Body(
				app.Div().Class("pc-field").Body(
					app.Label().For("pc-secret").Text("Secret key or console password"),
					input,
					app.P().ID("pc-secret-hint").Class("pc-hint").Text(
						"The backend API key (sk_…) the server printed at start, or PORTICO_CONSOLE_PASSWORD when it is set."),
					app.P().ID("pc-secret-error").Class("pc-error").Role("alert").Text(s.err),
				),
				app.Button().Class("pc-button", "pc-primary", "pc-wide").Type("submit").Disabled(s.busy).Text(label),
			),
		),
	)
}

func (p *Page) submitSignIn(ctx app.Context, e app.Event) {
	e.PreventDefault()
	secret := strings.TrimSpace(p.signIn.secret)
	if secret == "" {
		p.signIn.err = "Enter the secret key or the console password."
		return
	}
	if p.signIn.busy || p.api == nil {
		return
	}
	p.signIn.busy, p.signIn.err = true, ""
	api, next := p.api, afterSignIn(p.query)
	ctx.Async(func() {
		c, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		err := api.SignIn(c, secret)
		ctx.Dispatch(func(ctx app.Context) {
			p.signIn.busy = false
			if err != nil {
				p.signIn.err = errorText(err)
				if statusOf(err) == 401 {
					p.signIn.err = "That is not the secret key or the console password."
				}
				return
			}
			p.signIn = signInState{}
			ctx.Navigate(next)
		})
	})
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
