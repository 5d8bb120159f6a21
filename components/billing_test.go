package components

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	portico "github.com/portico-dev/portico"
)

func TestPaymentDetailsShowBillingIdentityAndCard(t *testing.T) {
	p := demoPortal()
	p.Billing.Address = &portico.Address{Line1: "1 Navy Way", City: "Arlington", PostalCode: "22202", State: "VA", Country: "US"}
	h := mount(t, withNotices(&fakeSource{portal: p}, NewPaymentDetails()))

	if got := h.textOf("portico-payment-details-section-title"); got != "Payment details" {
		t.Errorf("title %q", got)
	}
	for class, want := range map[string]string{
		"portico-customer-name":               "Grace Hopper",
		"portico-customer-email":              "grace@example.com",
		"portico-customer-address":            "1 Navy Way, 22202 Arlington, VA, US",
		"portico-credit-card":                 "VISA Visa ending in 4242",
		"portico-credit-card-expiration":      "Expires 04/2030",
		"portico-edit-payment-details-button": "Edit",
	} {
		if got := h.textOf(class); got != want {
			t.Errorf("%s: %q, want %q", class, got, want)
		}
	}
	if !h.hasClass("portico-card-brand-visa") {
		t.Error("no brand class")
	}
	h.mustFind("portico-payment-details-section-layout", "portico-payment-details-section-header", "portico-edit-payment-details-button")
	h.mustFind("portico-payment-details-section-layout", "portico-user-information-layout", "portico-customer-name")
}

func TestPaymentDetailsWithoutCardOrBilling(t *testing.T) {
	p := demoPortal()
	p.Billing.PaymentMethod = nil
	h := mount(t, withNotices(&fakeSource{portal: p}, NewPaymentDetails()))
	h.contains("No payment method on file.")

	p = demoPortal()
	p.Billing = portico.BillingView{}
	h = mount(t, withNotices(&fakeSource{portal: p}, NewPaymentDetails()))
	h.contains("No payment details on file yet.", "Our team keeps your payment details. To add or change them, contact us.")
	h.lacks("Grace Hopper", "Edit")
	if h.hasClass("portico-edit-payment-details-button") || !h.hasClass("portico-billing-not-connected") {
		t.Error("billing not connected still offers to edit, or lacks its class")
	}
}

func TestEditPaymentDetailsOpensABillingSession(t *testing.T) {
	src := &fakeSource{portal: demoPortal()}
	h := mount(t, withNotices(src, NewPaymentDetails()))
	h.click("portico-edit-payment-details-button")
	if src.count("billing payment_method_update") != 1 {
		t.Errorf("billing session calls: %v", src.log())
	}
	if h.hasClass("portico-notice") || h.disabled("portico-edit-payment-details-button") {
		t.Error("a successful session shows a notice or leaves the button busy")
	}
}

func TestEditPaymentDetailsManagedByTheTeam(t *testing.T) {
	src := &fakeSource{portal: demoPortal(), billing: &APIError{Status: http.StatusConflict, Title: "No billing provider"}}
	h := mount(t, withNotices(src, NewPaymentDetails()))
	h.click("portico-edit-payment-details-button")
	h.contains("Our team keeps your payment details. To add or change them, contact us.")
	h.lacks("No billing provider")
	if !h.hasClass("portico-notice-info") {
		t.Error("the 409 notice is not informational")
	}
	// The button can be used again.
	if h.disabled("portico-edit-payment-details-button") {
		t.Error("the edit button stays busy")
	}
	src.billing = errors.New("gateway timeout")
	h.click("portico-edit-payment-details-button")
	h.contains("That didn't work: gateway timeout")
}

// Billing kept by Portico is changed by the business: no button offers to
// edit what the customer cannot, and the section says whom to ask, with a
// link that leads to them.
func TestLocalBillingOffersContactInsteadOfEdit(t *testing.T) {
	p := demoPortal()
	p.Billing.Provider = "local"
	src := &fakeSource{portal: p}
	h := mount(t, withNotices(src, NewPaymentDetails()))
	if h.hasClass("portico-edit-payment-details-button") || h.hasClass("portico-edit-billing-details-button") {
		t.Error("local billing offers to edit payment details, which can only fail")
	}
	h.contains("Grace Hopper", "Visa ending in 4242", "Our team keeps your payment details. To add or change them, contact us.")
	h.mustFind("portico-billing-managed", "portico-contact-support-link")
}

func TestInvoicesTablePagesFiveAtATime(t *testing.T) {
	h := mount(t, withNotices(&fakeSource{portal: demoPortal()}, NewInvoices()))
	h.contains("Invoices", "Invoice Date Status Total Links")
	numbers := func() []string {
		var out []string
		for _, n := range h.mustFind("portico-invoices-table").children[1].children {
			out = append(out, strings.Fields(visibleTextOf(n))[0])
		}
		return out
	}
	if got := strings.Join(numbers(), " "); got != "GRACE-0007 GRACE-0006 GRACE-0005 GRACE-0004 GRACE-0003" {
		t.Errorf("first page %s", got)
	}
	if got := h.textOf("portico-page-of"); got != "Page 1 of 2" {
		t.Errorf("pager %q", got)
	}
	if !h.disabled("portico-page-previous") || h.disabled("portico-page-next") {
		t.Error("first page: previous must be disabled, next enabled")
	}
	row := h.textOf("portico-invoice-row")
	if row != "GRACE-0007 Nov 21, 2026 Paid $48.00 View" {
		t.Errorf("row %q", row)
	}
	link := h.mustFind("portico-invoice-row", "portico-invoice-links").children[0]
	if link.attrs["href"] != "https://inv.example/h" || link.attrs["target"] != "_blank" || link.attrs["rel"] != "noopener noreferrer" {
		t.Errorf("invoice link %v", link.attrs)
	}

	h.click("portico-page-next")
	if got := strings.Join(numbers(), " "); got != "GRACE-0002 GRACE-0001" {
		t.Errorf("second page %s", got)
	}
	if got := h.textOf("portico-page-of"); got != "Page 2 of 2" {
		t.Errorf("pager %q", got)
	}
	if h.disabled("portico-page-previous") || !h.disabled("portico-page-next") {
		t.Error("last page: previous must be enabled, next disabled")
	}

	h.click("portico-page-previous")
	if got := numbers()[0]; got != "GRACE-0007" {
		t.Errorf("back on the first page: %s", got)
	}
}

func TestInvoicesStatusesLinksAndEmptyState(t *testing.T) {
	p := demoPortal()
	p.Invoices = []portico.Invoice{
		{ID: "in_1", Number: "A-1", Status: "open", Total: 129000, Currency: "eur", Created: day0, Description: "Pro (monthly)",
			PDFURL: "https://inv.example/1.pdf"},
		{ID: "in_2", Number: "A-2", Status: "void", Total: 0, Currency: "usd", Created: day0},
		{ID: "in_3", Number: "A-3", Status: "uncollectible", Total: 500, Currency: "usd", Created: day0},
		{ID: "in_4", Number: "A-4", Status: "draft", Total: 500, Currency: "usd", Created: day0},
	}
	h := mount(t, withNotices(&fakeSource{portal: p}, NewInvoices()))
	h.contains("A-1 Pro (monthly) Nov 21, 2026 Open €1,290.00 PDF", "A-2 Nov 21, 2026 Void $0.00 —",
		"Uncollectible", "Draft")
	if h.hasClass("portico-pagination") {
		t.Error("one page of invoices shows a pager")
	}
	if !h.hasClass("portico-invoice-status-open") || !h.hasClass("portico-invoice-status-void") {
		t.Error("invoice status classes missing")
	}

	p.Invoices = nil
	h = mount(t, withNotices(&fakeSource{portal: p}, NewInvoices()))
	h.contains("No invoices yet.")
	if h.hasClass("portico-invoices-table") {
		t.Error("an empty invoice list draws a table")
	}
}

func TestInvoiceHistoryButtonNeedsABillingProvider(t *testing.T) {
	// Local billing keeps invoices in Portico: there is no history to open.
	local := demoPortal()
	local.Billing.Provider = "local"
	h := mount(t, withNotices(&fakeSource{portal: local}, NewInvoices()))
	if h.hasClass("portico-view-invoice-history-button") {
		t.Error("local billing offers the invoice history")
	}

	p := demoPortal()
	p.Billing.Provider = "stripe"
	src := &fakeSource{portal: p}
	h = mount(t, withNotices(src, NewInvoices()))
	if got := h.textOf("portico-invoices-section-header", "portico-view-invoice-history-button"); got != "View invoice history" {
		t.Errorf("history button %q", got)
	}
	h.click("portico-view-invoice-history-button")
	if src.count("billing ") != 1 || src.log()[len(src.log())-1] != "billing " {
		t.Errorf("the history opens the billing portal without a flow: %v", src.log())
	}
}

func TestPaymentDetailsNameEachCardBrand(t *testing.T) {
	for brand, want := range map[string]string{
		"mastercard": "MASTERCARD Mastercard ending in 4444",
		"amex":       "AMERICAN EXPRESS American Express ending in 4444",
		"discover":   "DISCOVER Discover ending in 4444",
		"unionpay":   "UNIONPAY Unionpay ending in 4444",
		"":           "CARD Card ending in 4444",
	} {
		p := demoPortal()
		p.Billing.PaymentMethod = &portico.PaymentMethod{Brand: brand, Last4: "4444", ExpMonth: 12, ExpYear: 2031}
		h := mount(t, withNotices(&fakeSource{portal: p}, NewPaymentDetails()))
		if got := h.textOf("portico-credit-card"); got != want {
			t.Errorf("brand %q: %q, want %q", brand, got, want)
		}
		if got := h.textOf("portico-credit-card-expiration"); got != "Expires 12/2031" {
			t.Errorf("expiry %q", got)
		}
	}
}
