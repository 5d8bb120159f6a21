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
	SectionPlans    = "plans"
	SectionPayment  = "payment"
	SectionInvoices = "invoices"
)

// SectionNames lists the sections the CustomerPortal lays out, in order.
func SectionNames() []string {
	return []string{SectionHeader, SectionOverview, SectionUsage, SectionPlans, SectionPayment, SectionInvoices}
}

// CustomerPortal is the opinionated portal: subscription overview, usage,
// plans (the Paywall unless another UI is given), payment details and
// invoices, with notices above them.
type CustomerPortal struct {
	app.Compo
	Settings
	HiddenIDs []string
	// PaywallSlot replaces the built-in Paywall in the plans section.
	PaywallSlot app.UI
}

// Portal returns a CustomerPortal reading from src.
func Portal(src Source) *CustomerPortal { return &CustomerPortal{Settings: Settings{Source: src}} }

// WithPrefix sets the CSS class prefix ("portico" by default).
func (c *CustomerPortal) WithPrefix(v string) *CustomerPortal { c.Prefix = v; return c }

// WithLocale sets the locale of texts, money and dates.
func (c *CustomerPortal) WithLocale(v string) *CustomerPortal { c.Locale = v; return c }

// WithTexts overrides texts by key.
func (c *CustomerPortal) WithTexts(v Texts) *CustomerPortal { c.Overrides = v; return c }

// WithTheme sets the theme.
func (c *CustomerPortal) WithTheme(v theme.Theme) *CustomerPortal { c.Theme = v; return c }

// WithScope limits the portal to a product and resource.
func (c *CustomerPortal) WithScope(productID, resourceID string) *CustomerPortal {
	c.ProductID, c.ResourceID = productID, resourceID
	return c
}

// WithSupportURL sets where "Contact support" leads by default.
func (c *CustomerPortal) WithSupportURL(v string) *CustomerPortal { c.SupportURL = v; return c }

// WithHidden hides sections by name (see SectionNames).
func (c *CustomerPortal) WithHidden(names ...string) *CustomerPortal { c.HiddenIDs = names; return c }

// WithCallbacks lets the host handle actions.
func (c *CustomerPortal) WithCallbacks(h Callbacks) *CustomerPortal { c.Handlers = h; return c }

// WithSetupReturn says the customer is back from the billing provider's
// page where they added a card: the portal says so and refreshes.
func (c *CustomerPortal) WithSetupReturn(v bool) *CustomerPortal {
	c.ReturningFromSetup = v
	return c
}

// WithCheckoutReturn says the customer is back from the billing provider's
// checkout: the portal says the payment is being confirmed and refreshes.
func (c *CustomerPortal) WithCheckoutReturn(v bool) *CustomerPortal {
	c.ReturningFromCheckout = v
	return c
}

// WithPaywall puts another UI in the plans section.
func (c *CustomerPortal) WithPaywall(ui app.UI) *CustomerPortal { c.PaywallSlot = ui; return c }

func (c *CustomerPortal) shown(name string) bool { return !slices.Contains(c.HiddenIDs, name) }

func (c *CustomerPortal) Render() app.UI {
	prefix := ClassPrefix(c.Prefix)
	plans := c.PaywallSlot
	if plans == nil {
		plans = &Paywall{}
	}
	p := &PortalProvider{Settings: c.Settings}
	return p.Body(&sessionGate{Content: []app.UI{
		app.If(c.shown(SectionHeader), func() app.UI { return &PortalHeader{} }),
		&NoticeBar{},
		app.If(c.shown(SectionOverview), func() app.UI { return &SubscriptionOverview{} }),
		app.If(c.shown(SectionUsage), func() app.UI { return &Usage{} }),
		app.If(c.shown(SectionPlans), func() app.UI { return plans }),
		app.If(c.shown(SectionPayment) || c.shown(SectionInvoices), func() app.UI {
			return app.Div().Class(classes(prefix, "billing-row")).Body(
				app.If(c.shown(SectionPayment), func() app.UI { return &PaymentDetails{} }),
				app.If(c.shown(SectionInvoices), func() app.UI { return &Invoices{} }),
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

func (n *NoticeBar) OnPreRender(ctx app.Context) { n.watch(ctx) }
func (n *NoticeBar) OnMount(ctx app.Context)     { n.watch(ctx) }

func (n *NoticeBar) watch(ctx app.Context) {
	n.observe(ctx)
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
