package components

import (
	"errors"
	"maps"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	portico "github.com/portico-dev/portico"
)

const docPath = "../docs/components.md"

// docSection returns the part of docs/components.md under a "## " heading.
func docSection(t *testing.T, heading string) string {
	t.Helper()
	b, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	start := strings.Index(doc, "\n## "+heading+"\n")
	if start < 0 {
		t.Fatalf("%s has no %q section", docPath, heading)
	}
	rest := doc[start+len(heading)+5:]
	if end := strings.Index(rest, "\n## "); end >= 0 {
		rest = rest[:end]
	}
	return rest
}

var classRowRE = regexp.MustCompile("(?m)^\\| `(\\{prefix\\}-[^`]+)` \\|")

// documentedClasses are the class patterns of the CSS class hooks tables.
func documentedClasses(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, m := range classRowRE.FindAllStringSubmatch(docSection(t, "CSS class hooks"), -1) {
		if slices.Contains(out, m[1]) {
			t.Errorf("%s is documented twice", m[1])
		}
		out = append(out, m[1])
	}
	if len(out) < 100 {
		t.Fatalf("only %d classes found in the CSS class hooks tables", len(out))
	}
	return out
}

// referenceClasses are the reference's CSS table, in its naming.
var referenceClasses = []string{
	"payment-details-section-layout", "payment-details-section-header", "payment-details-section-title",
	"customer-name", "customer-email", "credit-card", "credit-card-expiration", "invoices-section-layout",
	"invoices-section-header", "invoices-section-title", "view-invoice-history-button", "edit-payment-details-button",
	"user-information-layout", "customer-portal-usage-section-title", "entitlement-usage-{featureId}", "{planId}",
	"compatible-addon-{addonId}", "entitlement-feature-{featureSlug}", "entitlement-row-container",
}

func TestDocumentedHooksIncludeTheReferenceTable(t *testing.T) {
	documented := documentedClasses(t)
	for _, c := range referenceClasses {
		if !slices.Contains(documented, "{prefix}-"+c) {
			t.Errorf("the reference class {prefix}-%s is not documented", c)
		}
	}
}

// hookPortal is a customer with everything the portal can show: several
// products and statuses, a trial, a custom price, a scheduled update,
// add-ons, a promotion, usage in every state, a card, and invoices of every
// status over two pages.
func hookPortal() *portico.PortalView {
	p := demoPortal()
	p.Credit = usd(1250)
	pro := &p.Subscriptions[0]
	pro.Addons = append(pro.Addons, portico.AddonView{ID: "sso_pack", Name: "SSO pack", Quantity: 1, Price: usd(1500)})
	pro.ScheduledUpdates = []portico.ScheduledUpdate{{Type: portico.UpdatePlanChange, EffectiveAt: *at(30),
		TargetPlanID: "basic", TargetPlanName: "Basic"}}
	sub := func(id, product, name, plan string, status portico.SubscriptionStatus) portico.SubscriptionView {
		return portico.SubscriptionView{ID: id, ProductID: product, ProductName: name, Plan: portico.PlanRef{ID: plan, Name: plan},
			Status: status, Pricing: portico.PricingPaid, BillingPeriod: portico.Monthly, Price: usd(1900), Total: usd(1900),
			CurrentPeriodStart: day0, CurrentPeriodEnd: *at(30)}
	}
	trial := sub("sub_2", "beta", "Beta Analytics", "growth_plus", portico.StatusTrialing)
	trial.TrialEndsAt = at(10)
	trial.TrialOutcome = &portico.TrialOutcome{Action: portico.TrialExpires}
	p.ReturnURL = "https://app.example.com/account"
	p.Business = &portico.Business{Name: "Acme", LogoURL: "/web/icon.svg"}
	custom := sub("sub_3", "gamma", "Gamma Mail", "enterprise", portico.StatusActive)
	custom.Pricing, custom.Total = portico.PricingCustom, usd(99000)
	canceled := sub("sub_4", "delta", "Delta Docs", "basic", portico.StatusCanceled)
	canceled.EndedAt = at(-2)
	expired := sub("sub_5", "epsilon", "Epsilon Chat", "starter", portico.StatusExpired)
	expired.EndedAt = at(-1)
	p.Subscriptions = append(p.Subscriptions, trial, custom, canceled, expired)
	p.Billing.Provider = "stripe"
	p.Billing.Address = &portico.Address{Line1: "1 Navy Way", City: "Arlington", Country: "US"}
	p.Invoices = invoices(7)
	for i, status := range []string{"paid", "open", "draft", "void", "uncollectible"} {
		p.Invoices[i].Status = status
	}
	p.Invoices[0].Description = "Pro (monthly)"
	return p
}

// hookPaywall has a plan for each intent, with descriptions, a custom and
// a free plan, and a plan below current usage.
func hookPaywall() *portico.PaywallView {
	pw := intentsPaywall()
	pw.Plans[0].Highlighted, pw.Plans[0].Description = true, "For growing teams"
	pw.Plans[0].Entitlements = []portico.EntitlementLine{{FeatureID: "sso", FeatureName: "Single sign-on", Type: portico.FeatureBoolean}}
	pw.Plans[3].BelowUsage = []string{"seats"}
	pw.Plans[2].ID = "team_plus"
	pw.Plans = append(pw.Plans, portico.PaywallPlan{ID: "free", Name: "Free", Pricing: portico.PricingFree, Intent: portico.IntentDowngrade})
	// The current plan sells add-ons: one the customer has, one to add.
	pw.Plans[0].AddonIDs = []string{"extra-seats", "extra-calls"}
	pw.Addons = addonsPaywall().Addons
	return pw
}

func hookPreview() *portico.Preview {
	return &portico.Preview{Intent: portico.IntentUpgrade, Effective: portico.Immediate, EffectiveAt: day0,
		AmountDueNow: usd(1450), Credit: usd(950), NextBill: &portico.Bill{Amount: 6800, Currency: "usd", Date: *at(30)},
		Gained:        []portico.EntitlementLine{{FeatureID: "seats", FeatureName: "Seats", Type: portico.FeatureNumeric, Limit: 50, Change: "increased"}},
		Lost:          []portico.EntitlementLine{{FeatureID: "sso", FeatureName: "Single sign-on", Type: portico.FeatureBoolean, Change: "removed"}},
		DroppedAddons: []portico.AddonView{{ID: "sso_pack", Name: "SSO pack", Quantity: 1, Price: usd(1500)}},
		UsageReset:    true, BelowUsage: []string{"projects"}}
}

// placeholderValues are the fixture's values of each placeholder.
func placeholderValues() map[string][]string {
	p, pw := hookPortal(), hookPaywall()
	v := map[string][]string{
		"kind":          {"success", "error", "info"},
		"brand":         {slug(p.Billing.PaymentMethod.Brand)},
		"invoiceStatus": {},
	}
	add := func(k, s string) {
		if !slices.Contains(v[k], s) {
			v[k] = append(v[k], s)
		}
	}
	for _, pl := range pw.Plans {
		add("planId", pl.ID)
		add("intent", strings.ReplaceAll(string(pl.Intent), "_", "-"))
		if pl.Intent == portico.IntentCurrent {
			for _, id := range pl.AddonIDs {
				add("addonId", id) // offered to add
			}
		}
	}
	for _, s := range p.Subscriptions {
		add("planSlug", slug(s.Plan.ID))
		add("status", string(s.Status))
		for _, a := range s.Addons {
			add("addonId", a.ID)
		}
	}
	for _, ch := range pricingPortal().Subscriptions[0].Charges {
		add("chargeSlug", slug(ch.FeatureID)) // pricing: paywall and seats
	}
	for _, e := range p.Entitlements {
		add("featureId", e.FeatureID)
		add("featureSlug", slug(e.FeatureID))
	}
	for _, pr := range p.Promotions {
		add("promotionSlug", slug(pr.FeatureID))
	}
	for _, inv := range p.Invoices {
		add("invoiceStatus", slug(inv.Status))
	}
	return v
}

var placeholderRE = regexp.MustCompile(`\{([a-zA-Z]+)\}`)

// expand replaces the placeholders of a documented class with each of the
// fixture's values.
func expand(t *testing.T, pattern, prefix string, values map[string][]string) []string {
	t.Helper()
	out := []string{strings.ReplaceAll(pattern, "{prefix}", prefix)}
	for {
		m := placeholderRE.FindStringSubmatchIndex(out[0])
		if m == nil {
			return out
		}
		name := out[0][m[2]:m[3]]
		vals, ok := values[name]
		if !ok || len(vals) == 0 {
			t.Fatalf("%s: the fixture has no values for {%s}", pattern, name)
		}
		var next []string
		for _, o := range out {
			for _, val := range vals {
				next = append(next, strings.Replace(o, "{"+name+"}", val, 1))
			}
		}
		out = next
	}
}

// renderedClasses renders the fixture in every section and state with the
// prefix, and returns every class used.
func renderedClasses(t *testing.T, prefix string) map[string]bool {
	t.Helper()
	seen := map[string]bool{}
	snap := func(h *harness) { maps.Copy(seen, classesIn(h.html())) }
	c := func(name string) string { return prefix + "-" + name }

	// The rich portal, then each interaction that shows more.
	src := &fakeSource{portal: hookPortal(), paywall: hookPaywall(), preview: hookPreview()}
	h := mount(t, NewCustomerPortal(src).Prefix(prefix))
	snap(h)
	h.click("#" + c("tab-promotions"))
	snap(h)
	h.click(c("page-next"))
	snap(h)
	h.click(c("cancel-subscription-button"))
	snap(h)
	h.click(c("cancel-confirm"), c("keep-subscription-button"))
	h.click(c("team_plus"), c("plan-button"))
	snap(h)
	h.click(c("back-button"))
	h.click(c("contact-support-link"))
	snap(h)
	h.click("#" + c("tab-addons"))
	h.click(c("change-addon-button"))
	snap(h)
	h.click(c("stepper-increment"))
	snap(h)
	h.click(c("remove-addon-button"))
	snap(h)
	h.click(c("addon-dialog"), c("back-button"))
	h.click(c("cancel-scheduled-update-button"))
	snap(h)
	h.click(c("confirm-cancel-update-button"))
	snap(h)
	src.billing = errors.New("gateway timeout")
	h.click(c("edit-payment-details-button"))
	snap(h)

	// One plain subscription, no billing connected, nothing else.
	plain := demoPortal()
	plain.Billing, plain.Invoices, plain.Entitlements, plain.Promotions = portico.BillingView{}, nil, nil, nil
	plain.Subscriptions[0].Addons = nil
	empty := demoPaywall()
	empty.Plans = nil
	snap(mount(t, NewCustomerPortal(&fakeSource{portal: plain, paywall: empty}).Prefix(prefix)))
	// pricing: paywall and seats — charged plans, committed quantities.
	snapPricing(t, prefix, snap)

	// A failed payment, and billing that did not answer in time.
	due := hookPortal()
	due.PastDue, due.Billing = true, portico.BillingView{Connected: true, Provider: "stripe", Unavailable: true}
	snap(mount(t, NewCustomerPortal(&fakeSource{portal: due, paywall: hookPaywall()}).Prefix(prefix)))

	// Loading, a failed load, an expired session.
	pending := &fakeSource{portal: hookPortal(), paywall: hookPaywall()}
	h, release := mountPending(t, NewCustomerPortal(pending).Prefix(prefix), pending)
	snap(h)
	release()
	snap(mount(t, NewCustomerPortal(&fakeSource{portal: hookPortal(), paywall: hookPaywall(), err: errDown}).Prefix(prefix)))
	snap(mount(t, NewCustomerPortal(&fakeSource{err: &APIError{Status: http.StatusUnauthorized, Title: "Unauthorized"}}).Prefix(prefix)))
	// Usage-priced features, the upcoming invoice, invoice lines.
	maps.Copy(seen, pricingClasses(t, prefix))

	delete(seen, "test-root")
	return seen
}

func TestEveryDocumentedClassIsEmitted(t *testing.T) {
	documented := documentedClasses(t)
	values := placeholderValues()
	for _, prefix := range []string{"portico", "stigg"} {
		t.Run(prefix, func(t *testing.T) {
			emitted := renderedClasses(t, prefix)
			expected := map[string]bool{}
			for _, pattern := range documented {
				for _, class := range expand(t, pattern, prefix, values) {
					expected[class] = true
					if !emitted[class] {
						t.Errorf("documented class %s (%s) is not emitted", class, pattern)
					}
				}
			}
			for _, class := range slices.Sorted(maps.Keys(emitted)) {
				if !expected[class] {
					t.Errorf("class %s is emitted but not documented in %s", class, docPath)
				}
			}
		})
	}
}

var textRowRE = regexp.MustCompile("(?m)^\\| `([A-Za-z0-9]+(?:\\.[a-z]+)?)`( †)? \\| `([^`]*)` \\|$")

func TestTextKeysTableMatchesTheDefaults(t *testing.T) {
	defaults := DefaultTexts()
	documented := map[string]string{}
	for _, m := range textRowRE.FindAllStringSubmatch(docSection(t, "Texts"), -1) {
		if _, twice := documented[m[1]]; twice {
			t.Errorf("text key %s is documented twice", m[1])
		}
		documented[m[1]] = m[3]
	}
	for key, def := range defaults {
		got, ok := documented[key]
		switch {
		case !ok:
			t.Errorf("text key %s is not documented", key)
		case got != def:
			t.Errorf("text key %s is documented with %q, its default is %q", key, got, def)
		}
	}
	for key := range documented {
		if _, ok := defaults[key]; !ok {
			t.Errorf("documented text key %s does not exist", key)
		}
	}
}
