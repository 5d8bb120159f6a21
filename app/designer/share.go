package designer

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"slices"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/portico-dev/portico/theme"
)

// The URL fragment holds the designer's state:
// #state=trial&theme=<base64url JSON>&widget=paywall. The theme keeps only
// the values that differ from the default theme, so links stay short;
// widget and state are left out when they are the first ones.

// fragmentOf encodes the preview's theme, widget and state.
func (p *Page) fragmentOf() string {
	b, _ := json.Marshal(compact(p.good))
	v := url.Values{"theme": {base64.RawURLEncoding.EncodeToString(b)}}
	if p.widget != WidgetPortal {
		v.Set("widget", p.widget)
	}
	if p.state != States[0].ID {
		v.Set("state", p.state)
	}
	return v.Encode()
}

// compact is t without the values the default theme has.
func compact(t theme.Theme) theme.Theme {
	out := clone(t)
	dark := false
	for _, c := range controls() {
		f := field(&out, c.path)
		if *f == get(defaults, c.path) {
			*f = ""
		} else if strings.HasPrefix(c.path, "dark.") {
			dark = true
		}
	}
	if !dark {
		out.Dark = nil
	}
	return out
}

// restore reads a fragment; a fragment without a readable theme changes
// nothing and says so.
func (p *Page) restore(frag string) bool {
	p.fragment = frag
	q, err := url.ParseQuery(frag)
	raw, err2 := base64.RawURLEncoding.DecodeString(strings.TrimRight(q.Get("theme"), "="))
	if err != nil || err2 != nil || len(raw) == 0 {
		p.status = "The link holds no theme this page can read: showing the server's theme."
		return false
	}
	t, err := parse(string(raw))
	if err != nil {
		p.status = "The link's theme cannot be read (" + strings.Join(problems(err), "; ") + "): showing the server's theme."
		return false
	}
	p.load(t.Merged())
	p.widget, p.state = WidgetPortal, States[0].ID
	if w := q.Get("widget"); slices.Index(widgets, w)%2 == 0 {
		p.widget = w
	}
	if s := q.Get("state"); slices.ContainsFunc(States, func(st State) bool { return st.ID == s }) {
		p.state = s
	}
	return true
}

// share writes the state in the URL's fragment, without a history entry
// for each change.
func (p *Page) share(ctx app.Context) {
	if !app.IsClient {
		return
	}
	p.fragment = p.fragmentOf()
	app.Window().Get("history").Call("replaceState", nil, "", "#"+p.fragment)
}

// link is the page's URL with the current state.
func (p *Page) link() string {
	u := p.url
	if app.IsClient {
		u = *app.Window().URL()
	}
	u.Fragment, u.RawFragment = "", ""
	return u.String() + "#" + p.fragmentOf()
}

// copy puts text on the clipboard and says so; when the browser refuses,
// it selects the text in the field of ID fallback for the viewer to copy.
func (p *Page) copy(ctx app.Context, text, done, fallback string) {
	refused := func() {
		if el := app.Window().GetElementByID(fallback); el.Truthy() {
			el.Call("focus")
			el.Call("select")
		}
		p.status = "The browser did not allow copying: the text is selected, copy it with Ctrl+C or ⌘C."
	}
	clip := app.Window().Get("navigator").Get("clipboard")
	if !clip.Truthy() {
		refused()
		return
	}
	var then, catch app.Func
	settle := func(ok bool) {
		ctx.Dispatch(func(ctx app.Context) {
			then.Release()
			catch.Release()
			if ok {
				p.status = done
			} else {
				refused()
			}
		})
	}
	then = app.FuncOf(func(app.Value, []app.Value) any { settle(true); return nil })
	catch = app.FuncOf(func(app.Value, []app.Value) any { settle(false); return nil })
	clip.Call("writeText", text).Call("then", then, catch)
}
