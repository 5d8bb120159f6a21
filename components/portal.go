package components

import (
	"slices"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/portico-dev/portico/theme"
)

// Section names, for hiding sections of the CustomerPortal.
const (
	SectionHeader   = "header"
	SectionOverview = "overview"
	SectionUsage    = "usage"
	SectionUpcoming = "upcoming-invoice"
	SectionPlans    = "plans"
	SectionPayment  = "payment"
	SectionInvoices = "invoices"
)

// SectionNames lists the sections the CustomerPortal lays out, in order.
func SectionNames() []string {
	return []string{SectionHeader, SectionOverview, SectionUsage, SectionPlans, SectionUpcoming, SectionPayment, SectionInvoices}
}

// CustomerPortal is the opinionated portal: subscription overview, usage,
// plans (the Paywall unless another UI is given), the upcoming invoice, payment details and
// invoices, with notices above them. NewCustomerPortal makes one; its
// props are set with the methods named after them, which chain.
type CustomerPortal struct {
	app.Compo
	// Props holds what the setters set: exported for go-app, which hands a
	// mounted component its parent's new props through exported fields
	// only, but of a type whose fields are not (see PortalProvider.Props).
	Props portalProps
}

// portalProps are a CustomerPortal's props: its provider's settings, the
// sections it hides and the UI that replaces its Paywall.
type portalProps struct {
	settings
	hidden  []string
	paywall app.UI
}

// NewCustomerPortal returns a CustomerPortal reading from src.
func NewCustomerPortal(src Source) *CustomerPortal {
	return &CustomerPortal{Props: portalProps{settings: settings{source: src}}}
}

// Prefix sets the CSS class prefix ("portico" by default, and in place of
// an invalid one: see ClassPrefix).
func (c *CustomerPortal) Prefix(v string) *CustomerPortal { c.Props.prefix = v; return c }

// Locale sets the locale of texts, money and dates (English for an unknown
// one: see KnownLocale).
func (c *CustomerPortal) Locale(v string) *CustomerPortal { c.Props.locale = v; return c }

// Texts overrides texts by key.
func (c *CustomerPortal) Texts(v Texts) *CustomerPortal { c.Props.texts = v; return c }

// Theme sets the theme.
func (c *CustomerPortal) Theme(v theme.Theme) *CustomerPortal { c.Props.theme = v; return c }

// Scope limits the portal to a product, and to a resource of a product
// sold per resource.
func (c *CustomerPortal) Scope(productID, resourceID string) *CustomerPortal {
	c.Props.productID, c.Props.resourceID = productID, resourceID
	return c
}

// SupportURL sets where "Contact support" leads when no callback handles
// it: an http:, https: or mailto: URL (see SupportLink).
func (c *CustomerPortal) SupportURL(v string) *CustomerPortal { c.Props.supportURL = v; return c }

// Callbacks lets the host handle actions.
func (c *CustomerPortal) Callbacks(v Callbacks) *CustomerPortal { c.Props.callbacks = v; return c }

// CheckoutReturn says the customer is back from the billing provider's
// checkout: the portal says the payment is being confirmed and refreshes.
func (c *CustomerPortal) CheckoutReturn(v bool) *CustomerPortal {
	c.Props.checkoutReturn = v
	return c
}

// SetupReturn says the customer is back from the billing provider's page
// where they added a card: the portal says so and refreshes.
func (c *CustomerPortal) SetupReturn(v bool) *CustomerPortal { c.Props.setupReturn = v; return c }

// Hidden hides sections by name (see SectionNames).
func (c *CustomerPortal) Hidden(names ...string) *CustomerPortal { c.Props.hidden = names; return c }

// Paywall puts another UI in the plans section instead of the built-in
// Paywall.
func (c *CustomerPortal) Paywall(ui app.UI) *CustomerPortal { c.Props.paywall = ui; return c }

func (c *CustomerPortal) shown(name string) bool { return !slices.Contains(c.Props.hidden, name) }

func (c *CustomerPortal) Render() app.UI {
	prefix := ClassPrefix(c.Props.prefix)
	plans := c.Props.paywall
	if plans == nil {
		plans = NewPaywall()
	}
	p := &PortalProvider{Props: providerProps{settings: c.Props.settings}}
	return p.Body(&sessionGate{Content: []app.UI{
		app.If(c.shown(SectionHeader), func() app.UI { return NewPortalHeader() }),
		NewNoticeBar(),
		app.If(c.shown(SectionOverview), func() app.UI { return NewSubscriptionOverview() }),
		app.If(c.shown(SectionUsage), func() app.UI { return NewUsage() }),
		app.If(c.shown(SectionPlans), func() app.UI { return plans }),
		// The upcoming invoice sits with billing, below the plans: it changes
		// with every change made above, which must not move the plans.
		app.If(c.shown(SectionUpcoming), func() app.UI { return NewUpcomingInvoice() }),
		app.If(c.shown(SectionPayment) || c.shown(SectionInvoices), func() app.UI {
			return app.Div().Class(classes(prefix, "billing-row")).Body(
				app.If(c.shown(SectionPayment), func() app.UI { return NewPaymentDetails() }),
				app.If(c.shown(SectionInvoices), func() app.UI { return NewInvoices() }),
			)
		}),
	}})
}

// sessionGate lays out the portal's sections, or says once that the
// session has expired instead of each section saying it.
type sessionGate struct {
	section
	Content []app.UI
}

func (g *sessionGate) Render() app.UI {
	if g.data.Expired {
		return app.Div().Class(g.c("customer-portal")).Body(sessionEnded(g.prefix(), g.cfg.Texts, g.data))
	}
	return app.Div().Class(g.c("customer-portal")).Body(g.Content...)
}

// NoticeBar shows the latest notice (a change applied, an error) until it
// is dismissed or replaced. It is a toast fixed at the bottom of the
// window, wherever the bar is placed: the customer sees it next to what
// they just did on a page of any length, and the page does not move. It is
// announced as it appears, and an error takes the focus.
type NoticeBar struct {
	section
	notice Notice
	// before had the focus when an error took it, and gets it back.
	before app.Value
}

// NewNoticeBar returns a NoticeBar, to place under a PortalProvider.
func NewNoticeBar() *NoticeBar { return &NoticeBar{} }

func (n *NoticeBar) OnPreRender(ctx app.Context) { n.watch(ctx) }
func (n *NoticeBar) OnMount(ctx app.Context)     { n.watch(ctx) }

func (n *NoticeBar) watch(ctx app.Context) {
	n.observe(ctx)
	keepFocusClearOfNotices()
	ctx.ObserveState(stateNotice, &n.notice).OnChange(func() {
		if n.notice.Kind == "error" {
			n.takeFocus(ctx)
		}
	})
}

func (n *NoticeBar) noticeID() string { return n.prefix() + "-notice" }

// takeFocus moves the focus to an error, so keyboard and screen-reader
// users are at the message and its dismiss button.
func (n *NoticeBar) takeFocus(ctx app.Context) {
	if app.IsClient && n.before == nil {
		n.before = app.Window().Get("document").Get("activeElement")
	}
	openDialog(ctx, n.noticeID())
}

// dismiss hides the notice; the focus an error took goes back.
func (n *NoticeBar) dismiss(ctx app.Context) {
	ctx.SetState(stateNotice, Notice{})
	refocus(n.before)
	n.before = nil
}

func (n *NoticeBar) Render() app.UI {
	// The live region stays in the page, so what appears in it is read.
	// data-portico-notices lets a framed page place it (web/page.css).
	area := app.Div().Class(n.c("notice-area")).Aria("live", "polite").DataSet("portico-notices", true)
	if n.notice.Text == "" {
		return area
	}
	role, live := "status", "polite"
	if n.notice.Kind == "error" {
		role, live = "alert", "assertive"
	}
	return area.Aria("live", live).Body(
		app.Div().ID(n.noticeID()).Class(n.c("notice", "notice-"+n.notice.Kind)).Role(role).TabIndex(-1).
			OnKeyDown(func(ctx app.Context, e app.Event) {
				if e.Get("key").String() == "Escape" {
					n.dismiss(ctx)
				}
			}).Body(
			app.Span().Text(n.notice.Text),
			app.Button().Type("button").Class(n.c("notice-dismiss")).Aria("label", n.t("dismiss")).Text("×").
				OnClick(func(ctx app.Context, e app.Event) { n.dismiss(ctx) }),
		),
	)
}
