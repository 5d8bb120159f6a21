package components

import (
	"context"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

// upcomingPrerenderedID holds the upcoming invoice the server rendered the
// page with.
const upcomingPrerenderedID = "portico-prerendered-upcoming"

// statusNotFound answers an upcoming invoice when nothing is live to bill.
const statusNotFound = 404

// UpcomingInvoice shows the customer's next invoice as things stand: its
// date, its lines, the credit it uses and its total, with usage so far
// priced (then marked as an estimate). It reads the invoice itself, again
// after every load of the portal, so it follows the changes the customer
// makes.
type UpcomingInvoice struct {
	section
	// Props holds what the setters set (see PortalProvider.Props).
	Props upcomingProps

	follower
	state upcomingState
	err   string
}

// upcomingProps are an UpcomingInvoice's props.
type upcomingProps struct {
	// subscriptionID picks the subscription; empty: the customer's next
	// invoice among the subscriptions in the provider's scope.
	subscriptionID string
}

// upcomingState is what was read: the invoice, or None when nothing is to
// be billed. It is what the server's page carries to the client.
type upcomingState struct {
	Invoice *portico.UpcomingInvoice `json:"invoice,omitempty"`
	None    bool                     `json:"none,omitempty"`
}

// NewUpcomingInvoice returns an UpcomingInvoice, to place under a
// PortalProvider.
func NewUpcomingInvoice() *UpcomingInvoice { return &UpcomingInvoice{} }

// SubscriptionID shows the next invoice of one subscription.
func (s *UpcomingInvoice) SubscriptionID(v string) *UpcomingInvoice {
	s.Props.subscriptionID = v
	return s
}

// OnInit starts from the invoice the server rendered the page with, read
// for the provider's prerendered data (version 1).
func (s *UpcomingInvoice) OnInit() {
	s.section.OnInit()
	if ReadPrerendered(upcomingPrerenderedID, &s.state) {
		s.loaded = 1
	}
}

func (s *UpcomingInvoice) OnPreRender(ctx app.Context) { s.watch(ctx) }
func (s *UpcomingInvoice) OnMount(ctx app.Context)     { s.watch(ctx) }

func (s *UpcomingInvoice) watch(ctx app.Context) { s.follow(ctx, &s.section, s.load) }

// load reads the invoice; a failure keeps what is shown and says so.
func (s *UpcomingInvoice) load(ctx app.Context) {
	s.loading = true
	src, id, version := s.cfg.Source, s.Props.subscriptionID, s.data.Version
	ctx.Async(func() {
		c, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		v, err := src.UpcomingInvoice(c, id)
		ctx.Dispatch(func(ctx app.Context) {
			s.loading, s.loaded = false, version
			switch code := statusOf(err); {
			case err == nil:
				s.state, s.err = upcomingState{Invoice: v}, ""
			case code == statusNotFound || code == statusConflict:
				// No live subscription: nothing is to be billed.
				s.state, s.err = upcomingState{None: true}, ""
			default:
				s.err = err.Error()
			}
		})
	})
}

func (s *UpcomingInvoice) Render() app.UI {
	inv := s.state.Invoice
	header := app.Div().Class(s.c("section-header", "upcoming-invoice-header")).Body(
		app.H2().Class(s.c("section-title", "upcoming-invoice-title")).Text(s.t("upcomingInvoiceTitle")),
		app.If(inv != nil && len(inv.Lines) > 0, func() app.UI {
			return app.Span().Class(s.c("upcoming-invoice-date", "muted")).Text(s.t("upcomingInvoiceDate", "date", s.f().Date(inv.Date)))
		}),
	)
	body := []app.UI{header}
	switch {
	case inv == nil && !s.state.None && s.err != "":
		body = append(body, app.Div().Class(s.c("error")).Role("alert").Body(
			app.P().Text(s.t("upcomingLoadError")), app.P().Class(s.c("error-detail")).Text(s.err),
			busyButton(s.c("button", "retry-button"), s.t("retry"), s.loading, "retry",
				func(ctx app.Context, e app.Event) { s.load(ctx) })))
	case inv == nil && !s.state.None:
		if _, placeholder := s.ready(3); placeholder != nil {
			body = append(body, placeholder)
		} else {
			body = append(body, skeleton(s.prefix(), 3, s.t("loading")))
		}
	case s.state.None || len(inv.Lines) == 0:
		body = append(body, app.P().Class(s.c("empty", "no-upcoming-invoice")).Text(s.t("noUpcomingInvoice")))
	default:
		body = append(body, s.invoice(inv))
	}
	if s.loaded == 1 && (inv != nil || s.state.None) {
		body = append(body, Prerender(upcomingPrerenderedID, s.state))
	}
	return app.Section().Class(s.c("section", "upcoming-invoice")).Aria("label", s.t("upcomingInvoiceTitle")).
		Aria("busy", s.loading).Body(body...)
}

// invoice shows the lines and totals, the subtotal and credit only when a
// credit makes them differ from the total.
func (s *UpcomingInvoice) invoice(inv *portico.UpcomingInvoice) app.UI {
	foot := []app.UI{}
	if inv.Credit != 0 {
		foot = append(foot,
			s.lineFoot("upcoming-subtotal", "upcomingSubtotal", inv.Subtotal, inv.Currency),
			s.lineFoot("upcoming-credit", "upcomingCredit", -inv.Credit, inv.Currency))
	}
	foot = append(foot, s.lineFoot("upcoming-total", "upcomingTotal", inv.Total, inv.Currency))
	return app.Div().Class(s.c("upcoming-invoice-body")).Body(
		s.lineTable(s.t("upcomingInvoiceTitle"), inv.Lines, inv.Currency, foot...),
		app.If(inv.Estimated, func() app.UI {
			return app.P().Class(s.c("upcoming-estimated", "muted")).Text(s.t("upcomingEstimated", "date", s.f().Date(inv.Date)))
		}),
	)
}
