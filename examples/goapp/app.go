// Command goapp is Acme Notes, a pretend SaaS written with go-app that
// composes Portico's components in its own pages: its own header,
// navigation and layout, with Portico's subscription overview, usage and
// paywall placed where it wants them and themed from Go.
//
// The same pages run on the server, which prerenders them (main.go), and in
// the browser, compiled to WebAssembly (main_wasm.go). Build the browser
// part with GOOS=js GOARCH=wasm go build -o web/app.wasm . and run the
// server with go run . (make run does both).
package main

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/portico-dev/portico/client"
	"github.com/portico-dev/portico/components"
	"github.com/portico-dev/portico/theme"
)

// The host's pages.
const (
	pathNotes   = "/"
	pathBilling = "/billing"
	pathUpgrade = "/upgrade"
	pathSupport = "/support"
)

// routes registers the pages with go-app, on the server and in the browser.
func routes() {
	app.Route(pathNotes, func() app.Composer { return &notesPage{account{title: "Notes"}} })
	app.Route(pathBilling, func() app.Composer { return &billingPage{account{title: "Billing"}} })
	app.Route(pathUpgrade, func() app.Composer { return &upgradePage{account{title: "Upgrade"}} })
	app.Route(pathSupport, func() app.Composer { return &supportPage{account: account{title: "Support"}} })
}

// customer is one of the demo customers the demo Portico starts with.
type customer struct {
	ID, Name, State string
}

// customers are the people one can be signed in as. A real host knows who
// is signed in from its own session; here the customer is in the URL
// (?customer=alan) and the switcher at the top of every page changes it.
var customers = []customer{
	{"grace", "Grace Hopper", "Pro with add-ons and a promotion"},
	{"alan", "Alan Turing", "trialing Pro"},
	{"linus", "Linus Torvalds", "Pro annual with a downgrade to Basic scheduled"},
	{"margaret", "Margaret Hamilton", "Enterprise at a custom price"},
	{"barbara", "Barbara Liskov", "Basic, near its API-call limit"},
	{"ken", "Ken Thompson", "two sites (one subscription per site)"},
	{"dennis", "Dennis Ritchie", "Team, 12 members on tiered per-member pricing"},
	{"radia", "Radia Perlman", "Scale, usage-priced API requests with a monthly minimum"},
	{"edsger", "Edsger Dijkstra", "Basic in euros, with an extra seat"},
	{"ada", "Ada Lovelace", "free plan"},
}

// signedIn is the customer a URL is for: ?customer=, else the first one.
func signedIn(u *url.URL) customer { return customerByID(u.Query().Get("customer")) }

// customerByID is the demo customer with an ID, else the first one.
func customerByID(id string) customer {
	if i := slices.IndexFunc(customers, func(c customer) bool { return c.ID == id }); i >= 0 {
		return customers[i]
	}
	return customers[0]
}

// link is a page's path for a customer, so the customer stays the same
// across the navigation.
func link(path string, c customer, query ...string) string {
	q := url.Values{"customer": {c.ID}}
	for i := 0; i+1 < len(query); i += 2 {
		q.Set(query[i], query[i+1])
	}
	return path + "?" + q.Encode()
}

// acmeTheme is Portico's theme in Acme's colours and type, so the
// components look like the rest of the app.
var acmeTheme = theme.Theme{
	Palette: theme.Palette{
		Primary: "#0f766e", OnPrimary: "#ffffff", Background: "#f7f6f2", Surface: "#ffffff",
		Text: "#1c1917", TextMuted: "#78716c", Border: "#e7e5e4", Highlight: "#ecfdf5",
		Success: "#15803d", Warning: "#b45309", Danger: "#b91c1c", SubtleFill: "#f5f5f4",
	},
	Typography: theme.Typography{
		FontFamily: `"Inter", "Segoe UI", system-ui, -apple-system, sans-serif`,
		FontSize:   "14px", HeadingWeight: "650", TitleSize: "22px", SectionSize: "16px",
	},
	Layout:  theme.Layout{Spacing: "20px", PlanCardWidth: "200px", SectionPadding: "20px"},
	Radius:  "10px",
	Shadows: theme.Shadows{Card: "0 1px 2px rgba(28,25,23,.06)"},
}

// acmeTexts put some of Portico's texts in Acme's words.
var acmeTexts = components.Texts{
	"subscriptionTitle":   "Your plan",
	"manageSubscription":  "Change plan",
	"usageTabTitle":       "This month",
	"paywallSectionTitle": "Plans for teams of every size",
	"contactSupportTitle": "Want to change your contract?",
	"contactSupportLink":  "Talk to us",
	"sessionExpired":      "Your billing session has timed out. Reload the page to continue.",
}

// portalSession is what the host's server hands the page: where Portico
// is, and a portal session it opened for the signed-in customer. The
// secret key that opened it never leaves the server.
type portalSession struct {
	Customer string `json:"customer"`
	Portico  string `json:"portico"`
	Token    string `json:"token"`
	Err      string `json:"error,omitempty"`
}

// openSession opens a portal session for a customer. The server sets it
// (main.go); in the browser it is nil and sessions come from the page.
var openSession func(ctx context.Context, customerID string) (portalSession, error)

// sessionElementID is the element of a server-rendered page that carries
// its portal session to the browser.
const sessionElementID = "acme-portal-session"

// browserSession is, in the browser, the portal session the page came
// with and the data source over it, kept across in-app navigation.
var browserSession struct {
	session portalSession
	source  components.Source
}

// account is what every page embeds: the signed-in customer and the data
// source of Portico's sections, a client of Portico's portal API (on
// Portico's origin, which allows this one with PORTICO_CORS_ORIGINS)
// acting with the customer's portal session.
type account struct {
	app.Compo
	title    string
	customer customer
	session  portalSession
	source   components.Source
	reload   bool // the page has no session for the customer yet
}

// OnInit runs in the browser before the first render, so Portico's
// sections are there from the start and take over the data the server
// rendered the page with.
func (a *account) OnInit() {
	if !app.IsClient {
		return
	}
	a.customer = signedIn(app.Window().URL())
	var s portalSession
	if components.ReadPrerendered(sessionElementID, &s) {
		// A page loaded from the server: its session is the one to use.
		browserSession.session, browserSession.source = s, nil
		if s.Token != "" {
			browserSession.source = client.New(s.Portico, s.Token)
		}
	}
	switch b := browserSession; {
	case b.session.Customer == a.customer.ID:
		a.session, a.source = b.session, b.source
	default:
		// In-app navigation to another customer: only the server can open
		// a session for them, so the page is loaded from it.
		a.reload = true
	}
}

// OnPreRender runs on the server: it opens the customer's portal session,
// which the page then carries to the browser. The sections prerender with
// it too, so the first paint is the customer's real data.
func (a *account) OnPreRender(ctx app.Context) {
	a.customer = signedIn(ctx.Page().URL())
	a.session = portalSession{Customer: a.customer.ID, Err: "this server cannot open portal sessions"}
	if openSession != nil {
		c, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		s, err := openSession(c, a.customer.ID)
		if err != nil {
			s = portalSession{Customer: a.customer.ID, Err: err.Error()}
		}
		a.session = s
	}
	if a.session.Err == "" {
		a.source = client.New(a.session.Portico, a.session.Token)
	}
}

// OnMount reloads the page from the server when it has no session for the
// customer (see OnInit).
func (a *account) OnMount(ctx app.Context) {
	if a.reload {
		ctx.Reload()
	}
}

func (a *account) OnNav(ctx app.Context) { ctx.Page().SetTitle(a.title + " · Acme Notes") }

// portal is Portico's provider over the customer's source, with the host's
// theme, texts and callbacks; or, without a session, why not.
func (a *account) portal(cb components.Callbacks, body ...app.UI) app.UI {
	switch {
	case a.source != nil:
		return components.NewPortalProvider(a.source).Theme(acmeTheme).Texts(acmeTexts).
			Callbacks(cb).Body(body...)
	case a.session.Err != "":
		return app.Div().Class("acme-alert").Role("alert").Body(
			app.Strong().Text("Billing is unavailable right now. "),
			app.Span().Text(a.session.Err),
		)
	}
	return app.Div().Class("acme-placeholder").Aria("busy", "true").Text("Loading your billing details…")
}

// carry is the element that takes the page's session to the browser; it is
// drawn on the server only.
func (a *account) carry() app.UI {
	if a.session.Customer == "" {
		return nil
	}
	return components.Prerender(sessionElementID, a.session)
}

// layout is Acme's page: the demo's customer switcher, the app's header
// and navigation, then the page's content.
func layout(a *account, active string, content ...app.UI) app.UI {
	c := a.customer
	navItem := func(path, label string) app.UI {
		l := app.A().Href(link(path, c)).Class("acme-nav-link").Text(label)
		if path == active {
			l = l.Class("acme-nav-active").Aria("current", "page")
		}
		return app.Li().Body(l)
	}
	return app.Div().Class("acme-app").Body(
		app.Div().Class("acme-demo-bar").Body(
			app.Span().Class("acme-demo-tag").Text("Demo"),
			app.Label().For("acme-customer").Text("Signed in as"),
			app.Select().ID("acme-customer").Class("acme-customer-switch").
				OnChange(func(ctx app.Context, e app.Event) {
					// Another customer needs another portal session, which
					// the server opens: load the page from it.
					next := customerByID(ctx.JSSrc().Get("value").String())
					app.Window().Get("location").Set("href", link(active, next))
				}).
				Body(app.Range(customers).Slice(func(i int) app.UI {
					o := customers[i]
					return app.Option().Value(o.ID).Selected(o.ID == c.ID).Text(o.Name + " — " + o.State)
				})),
		),
		app.Header().Class("acme-header").Body(
			app.A().Href(link(pathNotes, c)).Class("acme-brand").Body(
				app.Img().Src("/web/icon.svg").Alt("").Class("acme-logo"),
				app.Span().Text("Acme Notes"),
			),
			app.Nav().Aria("label", "Main").Body(app.Ul().Class("acme-nav").Body(
				navItem(pathNotes, "Notes"),
				navItem(pathBilling, "Billing"),
				navItem(pathUpgrade, "Upgrade"),
				navItem(pathSupport, "Support"),
			)),
			app.Div().Class("acme-user").Body(
				app.Span().Class("acme-avatar").Text(initials(c.Name)),
				app.Span().Class("acme-user-name").Text(c.Name),
			),
		),
		app.Main().Class("acme-main").Body(content...),
		app.Footer().Class("acme-footer").Text("Acme Notes · billing by Portico, composed in Go"),
		a.carry(),
	)
}

func initials(name string) string {
	var out string
	for _, w := range strings.Fields(name) {
		out += w[:1]
	}
	return out
}

func heading(title, lede string) app.UI {
	return app.Div().Class("acme-heading").Body(
		app.H1().Text(title),
		app.P().Class("acme-lede").Text(lede),
	)
}

// toSupport is a callback that sends the customer to Acme's own support
// page about a topic, instead of Portico's default.
func toSupport(c customer, topic string, query ...string) func(ctx app.Context) bool {
	return func(ctx app.Context) bool {
		ctx.Navigate(link(pathSupport, c, append([]string{"topic", topic}, query...)...))
		return true
	}
}

// billingPage is Acme's billing page: Portico's subscription overview and
// usage side by side in Acme's grid, with payment details and invoices
// below and Acme's own help card.
type billingPage struct{ account }

func (p *billingPage) Render() app.UI {
	c := p.customer
	upgrade := func(ctx app.Context) { ctx.Navigate(link(pathUpgrade, c)) }
	cb := components.Callbacks{
		// "Change plan" and "Buy more" lead to Acme's upgrade page rather
		// than scrolling to plans this page does not show.
		OnManageSubscription: func(ctx app.Context, intent string) bool { upgrade(ctx); return true },
		OnBuyMore:            func(ctx app.Context, featureID string) bool { upgrade(ctx); return true },
		// "Talk to us" under a custom price opens Acme's support page.
		OnContactSupport: toSupport(c, "contract"),
	}
	return layout(&p.account, pathBilling,
		heading("Billing", "Your plan, what your team has used this month, and your invoices."),
		p.portal(cb,
			components.NewNoticeBar(),
			app.Div().Class("acme-billing-grid").Body(
				app.Div().Class("acme-column").Body(
					components.NewSubscriptionOverview(),
					components.NewInvoices(),
				),
				app.Div().Class("acme-column").Body(
					components.NewUsage(),
					components.NewPaymentDetails(),
					app.Section().Class("acme-card", "acme-help").Body(
						app.H2().Text("Questions about billing?"),
						app.P().Text("Our team answers within a working day."),
						app.A().Href(link(pathSupport, c, "topic", "billing")).Class("acme-button").Text("Contact support"),
					),
				),
			),
		),
	)
}

// upgradePage is Acme's upgrade page: Portico's paywall with Acme's own
// words around it. "Contact sales" leads to Acme's support page.
type upgradePage struct{ account }

func (p *upgradePage) Render() app.UI {
	c := p.customer
	cb := components.Callbacks{
		// Plans sold by the sales team go to Acme's support page, with the
		// plan; every other choice gets Portico's preview and confirm step.
		OnPlanSelected: func(ctx app.Context, sel components.PlanSelection) bool {
			if sel.Intent != "contact_sales" {
				return false
			}
			return toSupport(c, "sales", "plan", sel.PlanID)(ctx)
		},
		OnContactSupport: toSupport(c, "sales"),
	}
	return layout(&p.account, pathUpgrade,
		heading("Upgrade", "More seats, more projects and more API calls as your team grows. Every change is previewed before it is made."),
		p.portal(cb, components.NewNoticeBar(), components.NewPaywall()),
		app.Div().Class("acme-faq").Body(
			faq("Can I change plans later?", "Yes. Upgrades apply at once with credit for the unused time; downgrades at the end of the period."),
			faq("What happens to my notes if I downgrade?", "Nothing is deleted. If you are above a limit you can read everything, and add more once you are back under it."),
			faq("Do you offer discounts?", "Annual billing saves up to two months. Non-profits and schools: ask our team."),
		),
	)
}

func faq(q, a string) app.UI {
	return app.Div().Class("acme-card", "acme-faq-item").Body(app.H3().Text(q), app.P().Text(a))
}

// supportPage is Acme's own support page, where Portico's contact actions
// lead. It needs no portal session, but carries one like every page so
// that going back to billing needs no reload.
type supportPage struct {
	account
	topic, plan string
	sent        bool
}

// OnNav reads the topic (and plan) Portico's callbacks sent the customer
// here with.
func (p *supportPage) OnNav(ctx app.Context) {
	p.account.OnNav(ctx)
	q := ctx.Page().URL().Query()
	p.topic, p.plan, p.sent = q.Get("topic"), q.Get("plan"), false
}

var topics = []struct{ id, label string }{
	{"billing", "A question about billing"},
	{"contract", "Changing my contract"},
	{"sales", "Talking to sales"},
	{"product", "Something else"},
}

func (p *supportPage) Render() app.UI {
	topic := p.topic
	if !slices.ContainsFunc(topics, func(t struct{ id, label string }) bool { return t.id == topic }) {
		topic = "billing"
	}
	message := ""
	switch {
	case topic == "sales" && p.plan != "":
		message = "Hello, we would like to hear about the " + strings.ToUpper(p.plan[:1]) + p.plan[1:] + " plan for our team."
	case topic == "contract":
		message = "Hello, we would like to change our contract."
	}
	var body app.UI
	if p.sent {
		body = app.Div().Class("acme-card", "acme-sent").Role("status").Body(
			app.H2().Text("Thanks, "+strings.Fields(p.customer.Name)[0]+"!"),
			app.P().Text("We have your message and will reply to you by email."),
		)
	} else {
		body = app.Form().Class("acme-card", "acme-support-form").
			OnSubmit(func(ctx app.Context, e app.Event) { e.PreventDefault(); p.sent = true }).Body(
			app.Label().For("acme-topic").Text("Topic"),
			app.Select().ID("acme-topic").Name("topic").Body(app.Range(topics).Slice(func(i int) app.UI {
				return app.Option().Value(topics[i].id).Selected(topics[i].id == topic).Text(topics[i].label)
			})),
			app.Label().For("acme-message").Text("Message"),
			app.Textarea().ID("acme-message").Name("message").Rows(6).Text(message),
			app.Button().Type("submit").Class("acme-button").Text("Send"),
		)
	}
	return layout(&p.account, pathSupport,
		heading("Support", "Tell us what you need and we will get back to you."),
		body,
	)
}

// notesPage is the app itself: a few notes, so the billing pages have a
// product around them.
type notesPage struct{ account }

var notes = []struct{ title, body, when string }{
	{"Launch checklist", "Docs freeze on Thursday; release notes reviewed by two people; status page ready.", "Today"},
	{"Design review", "Keep the sidebar; move search to the header; try the compact list on mobile.", "Yesterday"},
	{"Hiring plan", "Two engineers in Q3, one designer in Q4. Budget approved.", "Mon"},
	{"Customer call — Initech", "They want SSO and an audit log before moving 40 seats over.", "Last week"},
	{"Retro", "Fewer meetings on Wednesdays. Pair on the importer.", "Last week"},
}

func (p *notesPage) Render() app.UI {
	return layout(&p.account, pathNotes,
		heading("Team notes", "What the team is working on."),
		app.Div().Class("acme-notes").Body(
			app.Aside().Class("acme-notebooks").Body(
				app.H2().Text("Notebooks"),
				app.Ul().Body(
					app.Li().Class("acme-notebook-active").Text("Team"),
					app.Li().Text("Product"),
					app.Li().Text("Personal"),
				),
				app.A().Href(link(pathBilling, p.customer)).Class("acme-plan-link").Text("Plan & billing →"),
			),
			app.Div().Class("acme-note-list").Body(app.Range(notes).Slice(func(i int) app.UI {
				n := notes[i]
				return app.Article().Class("acme-card", "acme-note").Body(
					app.Div().Class("acme-note-when").Text(n.when),
					app.H3().Text(n.title),
					app.P().Text(n.body),
				)
			})),
		),
	)
}
