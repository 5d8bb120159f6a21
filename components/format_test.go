package components

import (
	"testing"
	"time"
)

func TestMoneyAndDatesFollowTheLocale(t *testing.T) {
	en, fr := NewFormat("en-US"), NewFormat("fr")
	cases := []struct{ got, want string }{
		{en.Money(129000, "usd"), "$1,290.00"},
		{en.Money(5, "usd"), "$0.05"},
		{en.Money(-2900, "eur"), "-€29.00"},
		{en.Money(1500, "jpy"), "¥1,500"},
		{en.Money(1234567, "chf"), "CHF\u00a012,345.67"},
		{en.Money(100, "xts"), "XTS\u00a01.00"},
		{fr.Money(129000, "eur"), "1\u202f290,00\u00a0€"},
		{fr.Money(2900, "usd"), "29,00\u00a0$US"},
		{en.Number(1234567), "1,234,567"},
		{fr.Number(100000), "100\u202f000"},
		{en.Date(time.Date(2026, 3, 7, 23, 0, 0, 0, time.UTC)), "Mar 7, 2026"},
		{fr.Date(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)), "1\u00a0févr.\u00a02026"},
		{NewFormat("xx").Date(time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)), "Dec 31, 2026"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestTextsMergeOverridesOverTheLocale(t *testing.T) {
	fr := TextsFor("fr-CA", Texts{"invoicesTitle": "Mes factures", "usageTabTitle": ""})
	if got := fr.Get("invoicesTitle"); got != "Mes factures" {
		t.Errorf("override: %q", got)
	}
	if got := fr.Get("usageTabTitle"); got != "Utilisation" {
		t.Errorf("an empty override must keep the default: %q", got)
	}
	if got := fr.Get("addonQuantity", "quantity", "3"); got != "× 3" {
		t.Errorf("a key missing from the bundle falls back to English: %q", got)
	}
	if got := TextsFor("en", nil).Get("trialDaysLeft", "days", "12"); got != "12 days left in trial" {
		t.Errorf("placeholder: %q", got)
	}
	if got := TextsFor("en", nil).Get("noSuchKey"); got != "noSuchKey" {
		t.Errorf("missing key: %q", got)
	}
	for _, key := range []string{"manageSubscription", "usageTabTitle", "addonsTabTitle", "promotionsTabTitle",
		"promotionsSubtitle", "contactSupportTitle", "contactSupportLink", "editBilling", "invoicesTitle",
		"viewInvoiceHistory", "editPaymentDetails", "paywallSectionTitle", "cancelScheduledUpdatesButtonTitle"} {
		if DefaultTexts()[key] == "" || bundles["fr"][key] == "" {
			t.Errorf("reference key %q lacks a default or a French text", key)
		}
	}
}
