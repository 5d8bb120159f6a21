package components

import (
	"testing"

	portico "github.com/portico-dev/portico"
)

// The header names the business and leads back to the app the customer
// came from.
func TestPortalHeaderShowsTheBusinessAndTheWayBack(t *testing.T) {
	p := demoPortal()
	p.Business = &portico.Business{Name: "Acme", LogoURL: "https://cdn.example.com/acme.svg"}
	p.ReturnURL = "https://app.example.com/account"
	h := mount(t, withNotices(&fakeSource{portal: p}, NewPortalHeader()))
	if got := h.textOf("portico-business-name"); got != "Acme" {
		t.Errorf("business name %q", got)
	}
	logo := h.mustFind("portico-business-logo")
	if logo.attrs["src"] != "https://cdn.example.com/acme.svg" || logo.attrs["alt"] != "" {
		t.Errorf("logo %v: want the logo, decorative beside the name", logo.attrs)
	}
	back := h.mustFind("portico-return-link")
	if back.attrs["href"] != "https://app.example.com/account" || back.attrs["target"] != "_top" {
		t.Errorf("return link %v", back.attrs)
	}
	if got := h.textOf("portico-return-link"); got != "← Back to Acme" {
		t.Errorf("return link text %q", got)
	}

	// A logo alone is named by its alt text; no return URL, no link.
	p.Business, p.ReturnURL = &portico.Business{LogoURL: "/web/icon.svg"}, ""
	h = mount(t, withNotices(&fakeSource{portal: p}, NewPortalHeader()))
	if alt := h.mustFind("portico-business-logo").attrs["alt"]; alt != "" {
		t.Errorf("logo without a name has alt %q", alt)
	}
	if h.hasClass("portico-return-link") {
		t.Error("a return link shows without a return URL")
	}
}

// A return URL that is not a web address is never a link.
func TestPortalHeaderDropsAScriptLink(t *testing.T) {
	p := demoPortal()
	p.ReturnURL = "javascript:alert(1)"
	h := mount(t, withNotices(&fakeSource{portal: p}, NewPortalHeader()))
	if h.hasClass("portico-return-link") || h.hasClass("portico-business") {
		t.Error("the header shows a javascript: link or an empty business")
	}
}

// "Contact support" leads to the support link of the portal's business
// when the page sets none, instead of a notice.
func TestContactSupportFallsBackToTheBusinessLink(t *testing.T) {
	p := demoPortal()
	p.Subscriptions[0].Pricing = portico.PricingCustom
	h := mount(t, withNotices(&fakeSource{portal: p}, NewSubscriptionOverview()))
	h.click("portico-contact-support-link")
	if !h.hasClass("portico-notice-info") {
		t.Fatal("without any support link, contact shows no notice")
	}
	p.Business = &portico.Business{SupportURL: "mailto:help@example.com"}
	h = mount(t, withNotices(&fakeSource{portal: p}, NewSubscriptionOverview()))
	h.click("portico-contact-support-link")
	if h.hasClass("portico-notice-info") {
		t.Error("with the business's support link, contact still shows the no-link notice")
	}
}

// A link that was altered says so; a session that ran out says it
// expired.
func TestInvalidSessionIsNotCalledExpired(t *testing.T) {
	h := mount(t, NewCustomerPortal(&fakeSource{err: &APIError{Status: 401, Title: portico.TitleSessionInvalid}}))
	h.contains("This link is not valid. Open the billing portal again from your account.")
	h.lacks("Your session has expired")
	h = mount(t, NewCustomerPortal(&fakeSource{err: &APIError{Status: 401, Title: portico.TitleSessionExpired}}))
	h.contains("Your session has expired.")
}

// A portal with several subscriptions, or a resource's, says which one
// each add-on is for.
func TestAddonLinesNameTheirSubscription(t *testing.T) {
	p := demoPortal()
	p.Subscriptions[0].ProductName, p.Subscriptions[0].ResourceID = "Acme Sites", "blog"
	h := mount(t, withNotices(&fakeSource{portal: p}, NewAddonsList()))
	if got := h.textOf("portico-addon-subscription"); got != "Acme Sites · blog" {
		t.Errorf("add-on's subscription %q, want Acme Sites · blog", got)
	}
	h = mount(t, withNotices(&fakeSource{portal: demoPortal()}, NewAddonsList()))
	if h.hasClass("portico-addon-subscription") {
		t.Error("with one subscription, add-on lines still name it")
	}
}

// Among several subscriptions, promotions say they are the account's.
func TestPromotionsSayTheyServeTheWholeAccount(t *testing.T) {
	h := mount(t, withNotices(&fakeSource{portal: hookPortal()}, &Promotions{}))
	h.contains("They apply to your whole account")
	h = mount(t, withNotices(&fakeSource{portal: demoPortal()}, &Promotions{}))
	h.lacks("They apply to your whole account")
}
