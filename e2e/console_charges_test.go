package e2e

import (
	"testing"
	"time"
)

// openTeamPlan signs in to the console, opens product "platform" and the
// editor of its plan "Team" (per-member tiers: 1–50 at $10, 51+ at $8).
func openTeamPlan(t *testing.T, scenario string) (*page, *server) {
	t.Helper()
	path := requireBrowser(t)
	deadline := time.Now().Add(consoleTimeout)
	srv := startServer(t)
	p := newPage(t, path, scenario, deadline)
	signInConsole(p, srv, "/console/products/platform")
	p.do("wait for the plans", visible(`button[aria-label="Edit plan Team"]`))
	p.click(`button[aria-label="Edit plan Team"]`)
	p.do("wait for the tier table", visible("#pc-f-charge-0-monthly-tier-1-unit"))
	p.waitValue("#pc-f-charge-0-monthly-tier-1-unit", "8.00")
	return p, srv
}

// scrollTo brings the first element matching sel to the top of its
// scrolling box.
func (p *page) scrollTo(sel string) {
	p.t.Helper()
	p.until("scroll to "+sel, `(() => { const el = document.querySelector(`+js(sel)+`); if (!el) return false;
  el.scrollIntoView({block: "start"}); return true; })()`)
}

// The second tier's unit amount, typed in dollars, is saved in cents;
// the rest of the charge stays as it was, and the history names the
// change as the tier table reads.
func TestConsoleEditsAChargeTier(t *testing.T) {
	p, srv := openTeamPlan(t, "console-charges")
	p.shotBothAt("charge-editor", ".pc-charges")
	p.shotBothAt("tier-table", ".pc-charge-price")
	p.edit("#pc-f-charge-0-monthly-tier-1-unit", "7.50")
	p.submitDialog()
	p.waitText(".pc-notice", "Plan “Team” saved.")

	team, _ := backendCatalog(t, srv).Plan("platform-team")
	ch := team.Charges[0]
	monthly, annual := ch.Prices[0], ch.Prices[1]
	if monthly.Tiers[1].UnitAmount != 750 || monthly.Tiers[1].UpTo != nil || *monthly.Tiers[0].UpTo != 50 || monthly.Tiers[0].UnitAmount != 1000 {
		t.Errorf("the monthly tiers became %+v, %+v", *monthly.Tiers[0].UpTo, monthly.Tiers)
	}
	if annual.Tiers[1].UnitAmount != 8000 || ch.MaxQuantity != 500 || ch.Min() != 1 {
		t.Errorf("the rest of the charge changed: %+v", ch)
	}

	// Opened again, the editor shows what was saved.
	p.click(`button[aria-label="Edit plan Team"]`)
	p.waitValue("#pc-f-charge-0-monthly-tier-1-unit", "7.50")
	p.cancelDialog()

	p.click(`.pc-nav a[href="/console/history"]`)
	p.waitText(".pc-version", `charge "members" monthly tiers 1–50 at 10.00 USD, 51+ at 8.00 USD → tiers 1–50 at 10.00 USD, 51+ at 7.50 USD`)
}

// Tiers that do not ascend are refused by the server; its error is shown
// beside the tier's "Up to", which takes the focus, and nothing changes.
func TestConsoleShowsATierErrorBesideItsField(t *testing.T) {
	p, srv := openTeamPlan(t, "console-charge-error")
	p.allowConsoleError("422")
	before := rawCatalog(t, srv)

	// A third tier: the second now ends, below where the first does.
	p.press(".pc-charge-price .pc-add-tier")
	p.do("wait for the new tier", visible("#pc-f-charge-0-monthly-tier-2-unit"))
	p.edit("#pc-f-charge-0-monthly-tier-1-upTo", "40")
	p.edit("#pc-f-charge-0-monthly-tier-2-unit", "6")
	p.press(".pc-dialog button[type=submit]")
	p.waitText("#pc-f-charge-0-monthly-tier-1-upTo-error", "Tiers ascend: must be above 50.")
	p.waitFocus("pc-f-charge-0-monthly-tier-1-upTo")
	if g := p.count(".pc-dialog .pc-general"); g != 0 {
		t.Errorf("the error is listed above the form too: %q", p.text(".pc-dialog .pc-general"))
	}
	p.shotBothAt("tier-error", ".pc-charge-price")
	if after := rawCatalog(t, srv); after != before {
		t.Fatal("a refused save changed the catalog")
	}

	// Fixed, it saves.
	p.edit("#pc-f-charge-0-monthly-tier-1-upTo", "100")
	p.submitDialog()
	team, _ := backendCatalog(t, srv).Plan("platform-team")
	if tiers := team.Charges[0].Prices[0].Tiers; len(tiers) != 3 || *tiers[1].UpTo != 100 || tiers[2].UnitAmount != 600 || tiers[2].UpTo != nil {
		t.Errorf("the tiers saved are %+v", tiers)
	}
}
