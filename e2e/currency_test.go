package e2e

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	portico "github.com/portico-dev/portico"
)

// Scenario: edsger pays in euros (Basic with an extra seat). His overview,
// next bill and paywall read in euros, as the server rendered them and
// once the client has taken over; the paywall's annual prices too. He
// upgrades to Pro: the preview is in euros, and the server has him on Pro
// at its euro price, invoiced in euros.
func TestACustomerInEurosSeesAndChangesPlansInEuros(t *testing.T) {
	p, srv := begin(t, "euros")
	url := srv.Portal(t, "edsger")
	check := func(when string) {
		t.Helper()
		if got := p.text(overview + " .portico-price"); got != "€12.50 / month" {
			t.Errorf("%s: overview price %q, want €12.50 / month (Basic €8.00 and an extra seat €4.50)", when, got)
		}
		if got := p.text(".portico-next-bill"); !strings.HasPrefix(got, "Next bill: €12.50 on ") {
			t.Errorf("%s: next bill %q, want €12.50", when, got)
		}
		for plan, want := range map[string]string{"basic": "€8.00", "pro": "€27.00"} {
			if got := p.text(".portico-plan-card.portico-" + plan + " .portico-plan-price"); !strings.HasPrefix(got, want+" / month") {
				t.Errorf("%s: %s's price %q, want %s / month", when, plan, got, want)
			}
		}
		if p.count(".portico-plan-card.portico-free") != 1 || p.count(".portico-plan-card.portico-enterprise") != 1 {
			t.Errorf("%s: the free or the custom plan is not offered", when)
		}
		if text := eval[string](p, "read the page", `document.body.innerText`); strings.Contains(text, "$") {
			t.Errorf("%s: the page shows a dollar sign: %q", when, text)
		}
	}
	wait, release := p.holdWasm()
	p.open(url)
	wait()
	check("prerendered")
	release()
	p.waitWasm()
	p.waitPlans()
	check("client")
	p.shotWidths("overview")
	p.do("show the plans", chromedp.ScrollIntoView(chromedp.CSS(".portico-plan-card.portico-basic")))
	p.shotWidths("paywall")

	const annually = ".portico-billing-period-toggle .portico-period-option:nth-child(2)"
	p.click(annually)
	p.waitText(".portico-plan-card.portico-basic .portico-plan-price", "€80.00")
	if got := p.text(".portico-plan-card.portico-pro .portico-plan-price"); !strings.HasPrefix(got, "€270.00 / year") {
		t.Errorf("Pro's annual price %q, want €270.00 / year", got)
	}
	p.click(".portico-billing-period-toggle .portico-period-option:nth-child(1)")
	p.waitText(".portico-plan-card.portico-basic .portico-plan-price", "€8.00")

	p.waitPlans()
	p.click(planButton("pro"))
	p.do("the confirm dialog opens with its preview", visible(dialog+" .portico-preview-due"))
	due := p.text(dialog + " .portico-preview-due dd")
	if !strings.HasPrefix(due, "€") {
		t.Errorf("the upgrade's amount due %q, want euros", due)
	}
	p.shotWidths("preview")
	p.click(confirmEnabled)
	p.do("the dialog closes", gone(dialog))
	p.waitText(noticeSuccess, "Your subscription was updated.")
	p.until(`the overview's plan is "Pro"`, textOf(overviewPlan)+` === "Pro"`, p.showing(overviewPlan))
	p.waitText(overview+" .portico-price", "€31.50 / month")

	sub, invoices := euroState(t, srv, url)
	if sub.Plan.ID != "pro" || sub.Price != (portico.Money{Amount: 2700, Currency: "eur"}) {
		t.Errorf("the server has edsger on %s at %+v, want pro at €27.00", sub.Plan.ID, sub.Price)
	}
	if len(invoices) != 2 || invoices[0].Currency != "eur" || invoices[1].Currency != "eur" {
		t.Errorf("invoices %+v, want the start's and the upgrade's, in euros", invoices)
	}
	p.do("show the invoices", chromedp.ScrollIntoView(chromedp.CSS(".portico-invoices-table")))
	for _, total := range p.texts(".portico-invoices-table .portico-invoice-total") {
		if !strings.HasPrefix(total, "€") {
			t.Errorf("an invoice's total reads %q, want euros", total)
		}
	}
	p.shot("after")
}

// euroState reads, through the portal API, the customer's one subscription
// and invoices as the server has them.
func euroState(t *testing.T, srv *server, portalURL string) (portico.SubscriptionView, []portico.Invoice) {
	t.Helper()
	status, body := portalAPI(t, srv, sessionToken(t, portalURL), http.MethodGet, "/api/v1/portal", nil)
	var v portico.PortalView
	if status != http.StatusOK || json.Unmarshal([]byte(body), &v) != nil || len(v.Subscriptions) != 1 {
		t.Fatalf("GET /api/v1/portal: %d %s", status, body)
	}
	return v.Subscriptions[0], v.Invoices
}

// Scenario: the console adds pounds to the Team plan, priced by tiers per
// member. "+ Add a currency" takes the code, moves the focus to the new
// monthly price and starts the pound tiers at the dollar tiers' bounds; a
// tier amount the server refuses is shown beside its field, in error;
// once fixed the plan is saved with its pound prices and tiers.
func TestConsoleAddsACurrencyToAPlan(t *testing.T) {
	path := requireBrowser(t)
	srv := startServer(t)
	p := newPage(t, path, "console-currency", time.Now().Add(consoleTimeout))
	p.allowConsoleError("422") // the refused tier amount
	signInConsole(p, srv, "/console/products/platform")
	p.pressWhenShown(`button[aria-label="Edit plan Team"]`)
	p.do("wait for the plan editor", visible("#pc-f-newCurrency"))

	p.edit("#pc-f-newCurrency", "GBP")
	p.press(".pc-add-currency-button")
	p.do("wait for the pound prices", visible("#pc-f-price-monthly-gbp"))
	p.waitFocus("pc-f-price-monthly-gbp")
	// Each charge takes a price for each period the plan is sold in.
	p.edit("#pc-f-price-monthly-gbp", "0")
	p.edit("#pc-f-price-annually-gbp", "0")
	p.do("wait for the pound tiers", visible("#pc-f-charge-0-annually-gbp-tier-1-unit"))
	p.waitValue("#pc-f-charge-0-monthly-gbp-tier-0-upTo", "50")
	p.shotBothAt("prices", ".pc-prices")
	for sel, v := range map[string]string{
		"#pc-f-charge-0-monthly-gbp-tier-0-unit": "2000000000", "#pc-f-charge-0-monthly-gbp-tier-1-unit": "7.00",
		"#pc-f-charge-0-annually-gbp-tier-0-unit": "85.00", "#pc-f-charge-0-annually-gbp-tier-1-unit": "70.00",
	} {
		p.edit(sel, v)
	}
	p.press(".pc-dialog button[type=submit]")
	const unit = "#pc-f-charge-0-monthly-gbp-tier-0-unit"
	p.waitText(unit+"-error", "must be at most")
	p.until("the refused amount is flagged", `document.querySelector(`+js(unit)+`).getAttribute("aria-invalid") === "true"`)
	p.shotBothAt("refused", unit)
	if team, _ := backendCatalog(t, srv).Plan("platform-team"); team.SoldIn("gbp") {
		t.Fatal("a refused save sold the plan in pounds")
	}

	p.edit(unit, "8.50")
	p.submitDialog()
	p.waitText(".pc-notice", "saved")
	team, _ := backendCatalog(t, srv).Plan("platform-team")
	monthly, ok := team.Charges[0].PriceFor(portico.Monthly, "gbp")
	if fee, sold := team.PriceFor(portico.Monthly, "gbp"); !sold || fee.Amount != 0 || !ok ||
		len(monthly.Tiers) != 2 || *monthly.Tiers[0].UpTo != 50 || monthly.Tiers[0].UnitAmount != 850 || monthly.Tiers[1].UnitAmount != 700 {
		t.Errorf("Team in pounds: fee sold %v, members %+v; want a fee of 0 and tiers up to 50 at £8.50, then £7.00", sold, monthly)
	}
	if usd, _ := team.Charges[0].PriceFor(portico.Monthly, "usd"); usd.StripePriceID != "price_platform_members_monthly" || usd.Tiers[0].UnitAmount != 1000 {
		t.Errorf("the dollar tiers changed: %+v", usd)
	}
	p.do("wait for the plans table", visible(".pc-panel[aria-labelledby=pc-plans]"))
	p.shotBoth("saved")
}
