package components

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

// PaymentDetails shows the billing name, email and card, with an edit
// button that opens the billing provider's payment-method page.
type PaymentDetails struct {
	section
	busy bool
}

// NewPaymentDetails returns a PaymentDetails, to place under a PortalProvider.
func NewPaymentDetails() *PaymentDetails { return &PaymentDetails{} }

func (s *PaymentDetails) Render() app.UI {
	ok, placeholder := s.ready(3)
	body := []app.UI{app.Div().Class(s.c("section-header", "payment-details-section-header")).Body(
		app.H2().Class(s.c("section-title", "payment-details-section-title")).Text(s.t("paymentDetailsTitle")),
		app.If(ok && selfService(s.data.Portal.Billing), func() app.UI {
			return busyButton(s.c("button", "button-secondary", "edit-payment-details-button"), s.t("editPaymentDetails"), s.busy, "edit",
				func(ctx app.Context, e app.Event) { openBillingSession(ctx, s.cfg, "payment_method_update", &s.busy) })
		}),
	)}
	switch {
	case !ok:
		body = append(body, placeholder)
	case s.data.Portal.Billing.Unavailable:
		body = append(body, billingUnavailable(s.prefix(), s.cfg.Texts))
	case !s.data.Portal.Billing.Connected:
		body = append(body, app.P().Class(s.c("billing-not-connected", "empty")).Text(s.t("billingNotConnected")), s.managedByTeam())
	default:
		body = append(body, s.details(s.data.Portal.Billing))
		if !selfService(s.data.Portal.Billing) {
			body = append(body, s.managedByTeam())
		}
	}
	return app.Section().Class(s.c("section", "payment-details-section-layout")).Aria("label", s.t("paymentDetailsTitle")).Body(body...)
}

func (s *PaymentDetails) details(b portico.BillingView) app.UI {
	return app.Div().Class(s.c("payment-details-grid")).Body(
		app.Div().Class(s.c("user-information-layout")).Body(
			app.Div().Class(s.c("label")).Text(s.t("billingInformation")),
			app.Div().Class(s.c("customer-name")).Text(b.Name),
			app.Div().Class(s.c("customer-email")).Text(b.Email),
			app.If(b.Address != nil, func() app.UI { return app.Div().Class(s.c("customer-address", "muted")).Text(address(b.Address)) }),
			app.If(selfService(b), func() app.UI {
				return busyButton(s.c("button", "button-link", "edit-billing-details-button"), s.t("editBilling"), s.busy, "billing",
					func(ctx app.Context, e app.Event) { openBillingSession(ctx, s.cfg, "", &s.busy) })
			}),
		),
		app.Div().Class(s.c("payment-method")).Body(
			app.Div().Class(s.c("label")).Text(s.t("paymentMethod")),
			app.If(b.PaymentMethod == nil, func() app.UI {
				return app.Div().Class(s.c("muted")).Text(s.t("noPaymentMethod"))
			}).Else(func() app.UI {
				pm := b.PaymentMethod
				return app.Div().Body(
					app.Div().Class(s.c("credit-card")).Body(
						app.Span().Class(s.c("card-brand", "card-brand-"+slug(pm.Brand))).Aria("hidden", "true").Text(strings.ToUpper(brandName(pm.Brand))),
						app.Span().Class(s.c("card-number")).Text(s.t("cardEnding", "brand", brandName(pm.Brand), "last4", pm.Last4)),
					),
					app.Div().Class(s.c("credit-card-expiration", "muted")).
						Text(s.t("cardExpires", "month", twoDigits(pm.ExpMonth), "year", strconv.Itoa(pm.ExpYear))),
				)
			}),
		),
	)
}

// selfService reports whether the customer can edit their payment details
// themselves: a billing provider's portal answers. Billing kept by Portico
// (local) is edited by the business, so no button offers what would fail.
func selfService(b portico.BillingView) bool {
	return b.Connected && !b.Unavailable && b.Provider != "" && b.Provider != "local"
}

// managedByTeam says who changes payment details, with a way to ask them.
func (s *PaymentDetails) managedByTeam() app.UI {
	return app.Div().Class(s.c("billing-managed")).Body(
		app.P().Class(s.c("muted")).Text(s.t("billingManagedByTeam")),
		app.Button().Type("button").Class(s.c("button", "button-link", "contact-support-link")).Text(s.t("contactSupportLink")).
			OnClick(func(ctx app.Context, e app.Event) { s.cfg.ContactSupport(ctx) }),
	)
}

func address(a *portico.Address) string {
	var parts []string
	for _, p := range []string{a.Line1, a.Line2, strings.TrimSpace(a.PostalCode + " " + a.City), a.State, a.Country} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

func brandName(brand string) string {
	switch strings.ToLower(brand) {
	case "visa":
		return "Visa"
	case "mastercard":
		return "Mastercard"
	case "amex":
		return "American Express"
	case "discover":
		return "Discover"
	case "":
		return "Card"
	}
	return strings.ToUpper(brand[:1]) + brand[1:]
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// openBillingSession sends the customer to the billing provider's portal;
// without a provider it says who manages payment details.
func openBillingSession(ctx app.Context, cfg Config, flow string, busy *bool) {
	if *busy || cfg.Source == nil {
		return
	}
	*busy = true
	ctx.Async(func() {
		c, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		sess, err := cfg.Source.BillingSession(c, flow)
		ctx.Dispatch(func(ctx app.Context) {
			*busy = false
			switch {
			case err == nil:
				openURL(sess.URL)
			case statusOf(err) == statusConflict:
				notify(ctx, "info", cfg.Texts.Get("billingManagedByTeam"))
			default:
				notify(ctx, "error", cfg.Texts.Get("actionError", "error", err.Error()))
			}
		})
	})
}

// invoicesPerPage keeps the list short and its DOM stable (go-app diffs
// lists by index).
const invoicesPerPage = 5

// Invoices lists invoices, newest first, a page at a time.
type Invoices struct {
	section
	page int
	busy bool
	// open holds the invoices whose lines are shown, by ID.
	open map[string]bool
}

// NewInvoices returns a Invoices, to place under a PortalProvider.
func NewInvoices() *Invoices { return &Invoices{} }

func (s *Invoices) Render() app.UI {
	ok, placeholder := s.ready(3)
	connectedProvider := ok && s.data.Portal.Billing.Provider != "" && s.data.Portal.Billing.Provider != "local"
	body := []app.UI{app.Div().Class(s.c("section-header", "invoices-section-header")).Body(
		app.H2().Class(s.c("section-title", "invoices-section-title")).Text(s.t("invoicesTitle")),
		app.If(connectedProvider, func() app.UI {
			return busyButton(s.c("button", "button-secondary", "view-invoice-history-button"), s.t("viewInvoiceHistory"), s.busy, "history",
				func(ctx app.Context, e app.Event) { openBillingSession(ctx, s.cfg, "", &s.busy) })
		}),
	)}
	switch {
	case !ok:
		body = append(body, placeholder)
	case s.data.Portal.Billing.Unavailable:
		body = append(body, billingUnavailable(s.prefix(), s.cfg.Texts))
	case len(s.data.Portal.Invoices) == 0:
		body = append(body, app.P().Class(s.c("empty")).Text(s.t("noInvoices")))
	default:
		body = append(body, s.table(), s.pager())
	}
	return app.Section().Class(s.c("section", "invoices-section-layout")).Aria("label", s.t("invoicesTitle")).Body(body...)
}

func (s *Invoices) pages() int {
	return (len(s.data.Portal.Invoices) + invoicesPerPage - 1) / invoicesPerPage
}

func (s *Invoices) table() app.UI {
	all := s.data.Portal.Invoices
	page := min(s.page, s.pages()-1)
	rows := all[page*invoicesPerPage : min(len(all), (page+1)*invoicesPerPage)]
	th := func(key string) app.UI { return app.Th().Scope("col").Text(s.t(key)) }
	return app.Table().Class(s.c("invoices-table")).Body(
		app.THead().Body(app.Tr().Body(th("invoiceNumber"), th("invoiceDate"), th("invoiceStatus"), th("invoiceTotal"), th("invoiceLinks"))),
		app.TBody().Body(s.rows(rows)...),
	)
}

// rows are the page's invoice rows, each followed by its lines when open.
func (s *Invoices) rows(page []portico.Invoice) []app.UI {
	f := s.f()
	out := make([]app.UI, 0, len(page))
	for _, inv := range page {
		linesID := s.prefix() + "-invoice-lines-" + slug(inv.ID)
		out = append(out, app.Tr().Class(s.c("invoice-row")).Body(
			app.Td().Class(s.c("invoice-number")).Body(
				app.Div().Text(inv.Number),
				app.If(s.invoiceLabel(inv) != "", func() app.UI { return app.Div().Class(s.c("muted", "invoice-description")).Text(s.invoiceLabel(inv)) }),
			),
			app.Td().Class(s.c("invoice-date")).Text(f.Date(inv.Created)),
			app.Td().Body(app.Span().Class(s.c("invoice-status", "invoice-status-"+slug(inv.Status))).Text(s.invoiceStatus(inv.Status))),
			app.Td().Class(s.c("invoice-total")).Text(f.Money(inv.Total, inv.Currency)),
			app.Td().Class(s.c("invoice-links")).Body(
				app.If(len(inv.Lines) > 0, func() app.UI { return s.linesToggle(inv, linesID) }),
				app.If(inv.HostedURL != "", func() app.UI {
					return app.A().Href(inv.HostedURL).Target("_blank").Rel("noopener noreferrer").Text(s.t("invoiceView"))
				}),
				app.If(inv.PDFURL != "", func() app.UI {
					return app.A().Href(inv.PDFURL).Target("_blank").Rel("noopener noreferrer").Text(s.t("invoicePDF"))
				}),
				app.If(inv.HostedURL == "" && inv.PDFURL == "" && len(inv.Lines) == 0, func() app.UI { return app.Span().Class(s.c("muted")).Text("—") }),
			),
		))
		if s.open[inv.ID] && len(inv.Lines) > 0 {
			out = append(out, app.Tr().ID(linesID).Class(s.c("invoice-lines-row")).Body(
				app.Td().ColSpan(5).Body(s.lineTable(s.t("invoiceLinesLabel", "number", inv.Number), inv.Lines, inv.Currency)),
			))
		}
	}
	return out
}

// linesToggle shows or hides an invoice's lines.
func (s *Invoices) linesToggle(inv portico.Invoice, linesID string) app.UI {
	open := s.open[inv.ID]
	label := s.t("invoiceShowLines")
	if open {
		label = s.t("invoiceHideLines")
	}
	return app.Button().Type("button").Class(s.c("button", "button-link", "invoice-lines-toggle")).
		Aria("expanded", open).Aria("controls", linesID).Text(label).
		OnClick(func(ctx app.Context, e app.Event) {
			if s.open == nil {
				s.open = map[string]bool{}
			}
			s.open[inv.ID] = !s.open[inv.ID]
		}, app.EventScope(inv.ID))
}

func (s *Invoices) invoiceStatus(status string) string {
	switch status {
	case "paid":
		return s.t("invoicePaid")
	case "open":
		return s.t("invoiceOpen")
	case "draft":
		return s.t("invoiceDraft")
	case "void":
		return s.t("invoiceVoid")
	case "uncollectible":
		return s.t("invoiceUncollectible")
	}
	return status
}

func (s *Invoices) pager() app.UI {
	pages := s.pages()
	if pages <= 1 {
		return nil
	}
	page := min(s.page, pages-1)
	prev := app.Button().Type("button").Class(s.c("button", "button-secondary", "page-previous")).Text(s.t("previousPage")).
		OnClick(func(ctx app.Context, e app.Event) { s.page = max(s.page-1, 0) })
	next := app.Button().Type("button").Class(s.c("button", "button-secondary", "page-next")).Text(s.t("nextPage")).
		OnClick(func(ctx app.Context, e app.Event) { s.page = min(s.page+1, s.pages()-1) })
	if page == 0 {
		prev = prev.Disabled(true)
	}
	if page == pages-1 {
		next = next.Disabled(true)
	}
	return app.Nav().Class(s.c("pagination")).Aria("label", s.t("invoicesTitle")).Body(
		prev,
		app.Span().Class(s.c("page-of")).Aria("live", "polite").Text(s.t("pageOf", "page", strconv.Itoa(page+1), "pages", strconv.Itoa(pages))),
		next,
	)
}

// billingUnavailable says the billing provider did not answer, with a retry
// that reloads the portal.
func billingUnavailable(prefix string, t Texts) app.UI {
	return app.Div().Class(classes(prefix, "billing-unavailable")).Role("status").Body(
		app.P().Text(t.Get("billingUnavailable")),
		app.Button().Type("button").Class(classes(prefix, "button", "button-secondary", "retry-button")).Text(t.Get("retry")).
			OnClick(func(ctx app.Context, e app.Event) { refresh(ctx) }),
	)
}
