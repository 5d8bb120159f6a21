package components

import (
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

// section is embedded by every section: it follows the provider's data and
// configuration, and draws the loading, error and expired states.
type section struct {
	app.Compo
	cfg  Config
	data Data
	// handed is set on a section made with another's state (handedOn).
	handed bool
	// drafts are what the customer is typing in quantity fields, by field
	// ID, while it is empty or says the quantity already set: a redraw
	// (a preview arriving) keeps their text instead of writing the last
	// quantity back into the field under their cursor.
	drafts map[string]string
}

// OnInit starts, in the browser, from what the server drew the page with:
// its provider's configuration (as it draws, without the source and
// callbacks) and data. Its first frame is then drawn complete, as the
// server drew it, rather than a skeleton until the provider, once mounted,
// publishes them. A section made by another (see handedOn) starts from
// that one's instead.
func (s *section) OnInit() {
	if s.handed {
		return
	}
	if cfg, ok := prerenderedConfig(); ok {
		s.cfg = cfg
	}
	if d, ok := prerenderedData(); ok {
		s.data = d
	}
}

// handedOn is a section for a component s makes as it draws, starting from
// s's configuration and data: a section mounted once the page is running,
// such as a tab's, draws its first frame complete too.
func (s *section) handedOn() section {
	return section{cfg: s.cfg, data: s.data, handed: true}
}

func (s *section) OnPreRender(ctx app.Context) { s.observe(ctx) }
func (s *section) OnMount(ctx app.Context)     { s.observe(ctx) }

func (s *section) observe(ctx app.Context) {
	ctx.ObserveState(stateConfig, &s.cfg)
	ctx.ObserveState(stateData, &s.data)
}

// t returns a text with its placeholders filled.
func (s *section) t(key string, args ...string) string { return s.cfg.Texts.Get(key, args...) }

// tn returns a counted text in the form the locale gives n (Texts.Count).
func (s *section) tn(key string, n int64, args ...string) string {
	return s.cfg.Texts.Count(s.cfg.Locale, key, n, args...)
}

func (s *section) f() Format { return NewFormat(s.cfg.Locale) }

// c returns prefixed class names: c("section", "usage") is
// "portico-section portico-usage".
func (s *section) c(names ...string) string { return classes(s.prefix(), names...) }

func (s *section) prefix() string { return ClassPrefix(s.cfg.Prefix) }

func classes(prefix string, names ...string) string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		if n != "" {
			out = append(out, prefix+"-"+n)
		}
	}
	return strings.Join(out, " ")
}

// ready reports whether the portal data is there to draw; when it is not,
// placeholder is the skeleton, the error with a retry, or the expired
// session message.
func (s *section) ready(lines int) (ok bool, placeholder app.UI) {
	switch {
	case s.data.Expired:
		return false, sessionEnded(s.prefix(), s.cfg.Texts, s.data)
	case s.data.Portal != nil:
		return true, nil
	case s.data.Err != "":
		return false, app.Div().Class(s.c("error")).Role("alert").Body(
			app.P().Text(s.t("loadError")),
			app.P().Class(s.c("error-detail")).Text(s.data.Err),
			app.Button().Type("button").Class(s.c("button", "retry-button")).Text(s.t("retry")).
				OnClick(func(ctx app.Context, e app.Event) { refresh(ctx) }),
		)
	}
	return false, skeleton(s.prefix(), lines, s.t("loading"))
}

func skeleton(prefix string, lines int, label string) app.UI {
	return app.Div().Class(classes(prefix, "skeleton")).Aria("busy", "true").Aria("label", label).Body(
		app.Range(make([]struct{}, lines)).Slice(func(i int) app.UI {
			return app.Div().Class(classes(prefix, "skeleton-line"))
		}),
	)
}

// subscriptions returns the portal's subscriptions in the config's scope.
func (s *section) subscriptions() []portico.SubscriptionView {
	return inScope(s.data.Portal.Subscriptions, s.cfg.ProductID, s.cfg.ResourceID)
}

// slug turns an ID into a class-name slug: lower case, anything but
// letters, digits and '-' becomes '-'.
func slug(id string) string {
	b := []byte(strings.ToLower(id))
	for i, c := range b {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			b[i] = '-'
		}
	}
	return string(b)
}

// busyButton is a button that shows it is working and ignores clicks then.
// scope ties the handler to the data it acts on: go-app keeps a handler
// made by the same closure across updates unless its scope changes.
func busyButton(class, label string, busy bool, scope string, onClick app.EventHandler) app.HTMLButton {
	b := app.Button().Type("button").Class(class).Text(label).OnClick(onClick, app.EventScope(scope))
	if busy {
		b = b.Disabled(true).Aria("busy", "true")
	}
	return b
}

// sessionEnded says the portal cannot be shown: the session ran out, or
// the link was never valid — then reloading will not help, so it says so.
func sessionEnded(prefix string, t Texts, d Data) app.UI {
	key := "sessionExpired"
	if d.Invalid {
		key = "sessionInvalid"
	}
	return app.Div().Class(classes(prefix, "error", "session-expired")).Role("alert").Text(t.Get(key))
}

// follower is what a section that reads more than the portal data (the
// plans, the upcoming invoice, a usage history) keeps to read it again each
// time the portal data changes — after any change the customer makes.
type follower struct {
	loading bool
	// loaded is the portal load (Data.Version) last read for; 1 when the
	// server rendered the page with it.
	loaded int
}

// follow observes the section's configuration and data, and calls load
// whenever the data is newer than what was last read and no read runs.
func (f *follower) follow(ctx app.Context, s *section, load func(app.Context)) {
	reload := func() {
		if s.cfg.Source != nil && s.data.Version > 0 && s.data.Version != f.loaded && !f.loading {
			load(ctx)
		}
	}
	ctx.ObserveState(stateConfig, &s.cfg)
	ctx.ObserveState(stateData, &s.data).OnChange(reload)
	reload()
}
