package components

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/theme"
)

// sectionClasses are the root classes of the CustomerPortal's sections, by
// section name.
var sectionClasses = map[string]string{
	SectionHeader:   "portal-header",
	SectionOverview: "subscription-overview",
	SectionUsage:    "usage",
	SectionUpcoming: "upcoming-invoice",
	SectionPlans:    "paywall",
	SectionPayment:  "payment-details-section-layout",
	SectionInvoices: "invoices-section-layout",
}

func richSource() *fakeSource { return &fakeSource{portal: demoPortal(), paywall: demoPaywall()} }

func TestCustomerPortalShowsEverySection(t *testing.T) {
	src := richSource()
	h := mount(t, NewCustomerPortal(src))
	for _, name := range SectionNames() {
		if !h.hasClass("portico-" + sectionClasses[name]) {
			t.Errorf("section %s is missing", name)
		}
	}
	h.contains("Subscription", "Pro", "Usage", "Plans", "Payment details", "Invoices")
	if got := src.count("portal"); got != 1 {
		t.Errorf("the portal was loaded %d times", got)
	}
	if h.hasClass("portico-skeleton") || h.hasClass("portico-error") {
		t.Error("a loaded portal shows a skeleton or an error")
	}
	// Sections come in the documented order.
	html := h.html()
	last := -1
	for _, name := range SectionNames() {
		i := strings.Index(html, "portico-"+sectionClasses[name]+`"`)
		if i < 0 {
			i = strings.Index(html, "portico-"+sectionClasses[name]+" ")
		}
		if i < last {
			t.Errorf("section %s is out of order", name)
		}
		last = i
	}
}

func TestCustomerPortalHidesSectionsByName(t *testing.T) {
	for _, hidden := range SectionNames() {
		h := mount(t, NewCustomerPortal(richSource()).Hidden(hidden))
		for _, name := range SectionNames() {
			if shown := h.hasClass("portico-" + sectionClasses[name]); shown == (name == hidden) {
				t.Errorf("hiding %s: section %s shown = %v", hidden, name, shown)
			}
		}
	}
	h := mount(t, NewCustomerPortal(richSource()).Hidden(SectionPayment, SectionInvoices))
	if h.hasClass("portico-billing-row") {
		t.Error("the billing row stays with both its sections hidden")
	}
	h = mount(t, NewCustomerPortal(richSource()).Hidden(SectionNames()...))
	for _, name := range SectionNames() {
		if h.hasClass("portico-" + sectionClasses[name]) {
			t.Errorf("section %s shown with every section hidden", name)
		}
	}
}

func TestCustomerPortalPaywallSlot(t *testing.T) {
	h := mount(t, NewCustomerPortal(richSource()).Paywall(app.Div().Class("host-plans").Text("Our own pricing page")))
	h.contains("Our own pricing page")
	if h.hasClass("portico-paywall") {
		t.Error("the built-in paywall shows next to the slot")
	}
}

func TestTextOverridesReplaceTheDefaults(t *testing.T) {
	h := mount(t, NewCustomerPortal(richSource()).Texts(Texts{
		"manageSubscription":  "Upgrade or downgrade",
		"invoicesTitle":       "Billing history",
		"usageTabTitle":       "Consumption",
		"paywallSectionTitle": "Pricing",
		"renewsOn":            "Next renewal: {date}",
		"editPaymentDetails":  "Update card",
	}))
	h.contains("Upgrade or downgrade", "Billing history", "Consumption", "Pricing", "Next renewal: Dec 21, 2026", "Update card")
	h.lacks("Change plan", "Renews on", "Invoices")
	for class, want := range map[string]string{
		"portico-manage-subscription-button":          "Upgrade or downgrade",
		"portico-invoices-section-title":              "Billing history",
		"portico-customer-portal-usage-section-title": "Consumption",
		"portico-paywall-section-title":               "Pricing",
		"portico-edit-payment-details-button":         "Update card",
	} {
		if got := h.textOf(class); got != want {
			t.Errorf("%s: %q, want %q", class, got, want)
		}
	}
}

func TestFrenchLocaleTranslatesTextsMoneyAndDates(t *testing.T) {
	h := mount(t, NewCustomerPortal(richSource()).Locale("fr"))
	h.contains(
		"Abonnement", "Changer d’offre", "Actif",
		"48,00\u00a0$US / mois",
		"Renouvellement le 21\u00a0déc.\u00a02026",
		"Prochaine facture : 48,00\u00a0$US le 21\u00a0déc.\u00a02026",
		"Options", "× 2", "10,00\u00a0$US / mois",
		"Utilisation", "96\u202f000 sur 100\u202f000", "Limite presque atteinte", "Remise à zéro le 21\u00a0déc.\u00a02026",
		"Offres", "Mensuel", "Annuel", "Jusqu’à 17 % d’économie", "Offre actuelle", "Descendre en gamme",
		"Moyen de paiement", "Visa se terminant par 4242", "Expire le 04/2030",
		"Factures", "21\u00a0nov.\u00a02026", "Payée", "Page 1 sur 2", "Suivant",
	)
	h.lacks("Change plan", "Renews on", "$48.00", "Dec 21, 2026", "Invoices")

	// A regional variant uses its language's bundle.
	h = mount(t, NewCustomerPortal(richSource()).Locale("fr-CA"))
	h.contains("Changer d’offre", "48,00\u00a0$US / mois")
}

func TestOverridesApplyOverTheLocale(t *testing.T) {
	h := mount(t, NewCustomerPortal(richSource()).Locale("fr").Texts(Texts{"invoicesTitle": "Mes factures"}))
	h.contains("Mes factures", "Changer d’offre")
}

func TestLoadingSkeletonWhileThePortalIsPending(t *testing.T) {
	src := richSource()
	h, release := mountPending(t, NewCustomerPortal(src), src)
	defer release()

	// Every section but the header, which has nothing to say until the
	// data comes.
	if got := h.classCount("portico-skeleton"); got != len(SectionNames())-1 {
		t.Errorf("%d skeletons while loading, want one per section", got)
	}
	sk := h.mustFind("portico-skeleton")
	if sk.attrs["aria-busy"] != "true" || sk.attrs["aria-label"] != "Loading your subscription…" {
		t.Errorf("skeleton attributes %v", sk.attrs)
	}
	h.lacks("Pro", "Grace Hopper")
	if h.hasClass("portico-error") {
		t.Error("an error shows while loading")
	}

	release()
	h.contains("Pro", "Grace Hopper")
	if h.hasClass("portico-skeleton") {
		t.Error("a skeleton stays once the portal answered")
	}
}

func TestLoadErrorOffersARetryThenShowsTheData(t *testing.T) {
	src := richSource()
	src.err = errDown
	h := mount(t, NewCustomerPortal(src))
	if h.hasClass("portico-skeleton") {
		t.Error("a failed load shows a skeleton")
	}
	if got := h.classCount("portico-retry-button"); got != len(SectionNames())-1 {
		t.Errorf("%d retry buttons, want one per section", got)
	}
	h.contains("We couldn't load your subscription.", "the server is unreachable", "Try again")
	if h.mustFind("portico-error").attrs["role"] != "alert" {
		t.Error("the load error is not an alert")
	}

	// A failed retry shows the error again.
	h.click("portico-usage", "portico-retry-button")
	if src.count("portal") != 2 || h.hasClass("portico-skeleton") {
		t.Fatalf("failed retry: calls %v, skeleton %v", src.log(), h.hasClass("portico-skeleton"))
	}
	h.contains("We couldn't load your subscription.")

	src.err = nil
	h.click("portico-subscription-overview", "portico-retry-button")
	if src.count("portal") != 3 {
		t.Errorf("retry calls: %v", src.log())
	}
	h.contains("Pro", "Grace Hopper", "Basic")
	h.lacks("We couldn't load your subscription.")
	if h.hasClass("portico-skeleton") || h.hasClass("portico-retry-button") {
		t.Error("a skeleton or a retry button stays after a successful retry")
	}
}

func TestExpiredSessionSaysSo(t *testing.T) {
	src := richSource()
	src.err = &APIError{Status: http.StatusUnauthorized, Title: "Unauthorized", Detail: "The portal session has expired."}
	h := mount(t, NewCustomerPortal(src))
	h.contains("Your session has expired. Reload the page from your account to continue.")
	if got := h.classCount("portico-session-expired"); got != 1 {
		t.Errorf("%d expired messages, want the portal to say it once", got)
	}
	if h.hasClass("portico-retry-button") || h.hasClass("portico-skeleton") {
		t.Error("an expired session offers a retry or shows a skeleton")
	}
	// A section standing alone still says it itself.
	alone := mount(t, NewPortalProvider(src).Body(NewUsage()))
	if got := alone.classCount("portico-session-expired"); got != 1 {
		t.Errorf("a standalone section shows %d expired messages, want 1", got)
	}
}

func TestPrefixRenamesEveryClass(t *testing.T) {
	h := mount(t, NewCustomerPortal(richSource()).Prefix("stigg"))
	for class := range classesIn(h.html()) {
		if class != "test-root" && !strings.HasPrefix(class, "stigg-") {
			t.Errorf("class %q lacks the prefix", class)
		}
	}
	html := h.html()
	if !strings.Contains(html, ".stigg-root {") || !strings.Contains(html, "--stigg-primary:") ||
		!strings.Contains(html, ".stigg-plan-card {") || strings.Contains(html, ".portico-") {
		t.Error("the stylesheet does not follow the prefix")
	}
	for _, id := range []string{"#stigg-plans", "#stigg-tab-addons", "#stigg-panel-addons"} {
		h.mustFind(id)
	}
	for _, c := range []string{"stigg-payment-details-section-layout", "stigg-customer-portal-usage-section-title", "stigg-pro",
		"stigg-compatible-addon-extra-seats", "stigg-entitlement-usage-seats", "stigg-entitlement-feature-seats"} {
		if !h.hasClass(c) {
			t.Errorf("no %s", c)
		}
	}
}

func TestThemeSetsTheCustomProperties(t *testing.T) {
	h := mount(t, NewCustomerPortal(richSource()).Theme(theme.Theme{Palette: theme.Palette{Primary: "#ff0055"}, Radius: "4px"}))
	html := h.html()
	for _, want := range []string{"--portico-primary: #ff0055;", "--portico-radius: 4px;", "--portico-surface: #ffffff;"} {
		if !strings.Contains(html, want) {
			t.Errorf("the theme's CSS lacks %q", want)
		}
	}
}

func TestProviderSharesOneLoadWithSectionsInAnyLayout(t *testing.T) {
	src := richSource()
	h := mount(t, NewPortalProvider(src).Body(
		app.Main().Class("host-layout").Body(
			app.Aside().Body(NewUsage()),
			app.Div().Body(app.Div().Body(NewPaymentDetails()), NewInvoices()),
		),
		NewAddonsList(), NewPromotions(),
	))
	if got := src.count("portal"); got != 1 {
		t.Errorf("the portal was loaded %d times for four sections", got)
	}
	h.contains("Seats 14 of 20", "Grace Hopper", "GRACE-0007", "Extra seats × 2", "Priority support")
	h.mustFind("host-layout", "portico-usage")
	h.mustFind("host-layout", "portico-payment-details-section-layout")
	if h.hasClass("portico-customer-portal") {
		t.Error("the provider draws the CustomerPortal layout")
	}
}

// hostPage re-renders the portal with new callbacks and props, as a host
// app does on each of its updates.
type hostPage struct {
	app.Compo
	src    Source
	ctx    app.Context
	locale string
	round  int
	got    *[]int
}

func (h *hostPage) OnPreRender(ctx app.Context) { h.ctx = ctx }

func (h *hostPage) Render() app.UI {
	round, got := h.round, h.got
	return app.Div().Body(
		app.Button().Class("host-button").Text("Host").OnClick(func(ctx app.Context, e app.Event) { h.round++ }),
		NewCustomerPortal(h.src).Locale(h.locale).Callbacks(Callbacks{
			OnManageSubscription: func(ctx app.Context, intent string) bool { *got = append(*got, round); return true },
		}),
	)
}

func TestHostRerendersWithNewCallbacksSettle(t *testing.T) {
	var got []int
	host := &hostPage{src: richSource(), got: &got}
	h := mount(t, host)
	h.contains("Change plan")

	// New closures on every host render: the portal settles and calls the
	// latest one.
	h.click("host-button")
	h.click("host-button")
	h.click("portico-manage-subscription-button")
	if !slices.Equal(got, []int{2}) {
		t.Errorf("manage callback rounds %v, want the latest closure [2]", got)
	}

	// A prop change still reaches the sections.
	host.ctx.Dispatch(func(app.Context) { host.locale = "fr" })
	h.settle()
	h.contains("Changer d’offre")
}

func TestProviderSettersReachTheSections(t *testing.T) {
	src := richSource()
	p := demoPortal()
	beta := p.Subscriptions[0]
	beta.ID, beta.ProductID, beta.ProductName, beta.Plan = "sub_2", "beta", "Beta Analytics", portico.PlanRef{ID: "growth", Name: "Growth"}
	p.Subscriptions = append(p.Subscriptions, beta)
	src.portal = p
	h := mount(t, NewPortalProvider(src).Prefix("acme").Locale("fr").Texts(Texts{"subscriptionTitle": "Votre offre"}).
		Theme(theme.Theme{Palette: theme.Palette{Primary: "#123456"}}).Scope("beta", "").
		SupportURL("https://example.com/support").
		Body(NewNoticeBar(), NewSubscriptionOverview(), NewPaywall()))
	h.contains("Votre offre", "Growth", "Offres")
	if h.classCount("acme-subscription") != 1 || h.hasClass("acme-subscription-pro") {
		t.Error("the scope did not reach the overview")
	}
	if !h.hasClass("acme-subscription-growth") || h.hasClass("portico-section") {
		t.Error("the prefix did not reach the sections")
	}
	if !strings.Contains(h.html(), "--acme-primary: #123456;") {
		t.Error("the theme did not reach the stylesheet")
	}
	if got := src.log(); !slices.Contains(got, "paywall beta ") {
		t.Errorf("the scope did not reach the paywall: %v", got)
	}
	if h.hasClass("acme-product-switch") {
		t.Error("a scoped paywall offers a product switch")
	}
}

func TestServerRenderEmbedsThePortalForTheClient(t *testing.T) {
	h := mount(t, NewCustomerPortal(richSource()))
	el := h.mustFind("#" + prerenderedID)
	raw, err := base64.StdEncoding.DecodeString(el.attrs["data-json"])
	if err != nil {
		t.Fatal(err)
	}
	var v portico.PortalView
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if v.Customer.ID != "grace" || len(v.Subscriptions) != 1 || v.Subscriptions[0].Plan.ID != "pro" {
		t.Errorf("embedded portal %+v", v.Customer)
	}
	if el.attrs["style"] != "display:none" {
		t.Errorf("the embedded data is visible: %q", el.attrs["style"])
	}
}

// The page also carries the settings the sections were drawn with, for
// the client's sections to draw their first frame with them; the source,
// theme and callbacks stay out of it.
func TestServerRenderEmbedsTheSectionsSettingsForTheClient(t *testing.T) {
	h := mount(t, NewPortalProvider(richSource()).Prefix("acme").Locale("fr-CA").Texts(Texts{"subscriptionTitle": "Votre offre"}).
		Scope("beta", "site-1").SupportURL("https://example.com/support").
		Callbacks(Callbacks{OnError: func(app.Context, string) {}}).Body(NewSubscriptionOverview()))
	el := h.mustFind("#" + configPrerenderedID)
	raw, err := base64.StdEncoding.DecodeString(el.attrs["data-json"])
	if err != nil {
		t.Fatal(err)
	}
	var d drawing
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	want := drawing{Prefix: "acme", Locale: "fr-CA", Texts: Texts{"subscriptionTitle": "Votre offre"},
		ProductID: "beta", ResourceID: "site-1", SupportURL: "https://example.com/support", Bundle: bundles["fr"]}
	if !reflect.DeepEqual(d, want) {
		t.Errorf("embedded settings %+v, want %+v", d, want)
	}
	cfg := d.config()
	if cfg.Prefix != "acme" || cfg.Locale != "fr" || cfg.Texts.Get("subscriptionTitle") != "Votre offre" ||
		cfg.Texts.Get("manageSubscription") != "Changer d’offre" || cfg.ProductID != "beta" || cfg.Source != nil || cfg.Handlers != nil {
		t.Errorf("the configuration the client draws with: %+v", cfg)
	}
	if el.attrs["style"] != "display:none" {
		t.Errorf("the embedded settings are visible: %q", el.attrs["style"])
	}
	// The wasm client holds English only: it draws with the locale's texts
	// the page carried.
	carried := drawing{Locale: "de", Bundle: Texts{"manageSubscription": "Tarif wechseln (von der Seite)"}}.config()
	if got := carried.Texts.Get("manageSubscription"); got != "Tarif wechseln (von der Seite)" {
		t.Errorf("the texts the page carried are not drawn with: %q", got)
	}
}

// An English page carries no texts: the client holds English.
func TestAnEnglishPageCarriesNoTexts(t *testing.T) {
	h := mount(t, NewPortalProvider(richSource()).Locale("en-GB").Body(NewSubscriptionOverview()))
	raw, err := base64.StdEncoding.DecodeString(h.mustFind("#" + configPrerenderedID).attrs["data-json"])
	if err != nil {
		t.Fatal(err)
	}
	var d drawing
	if err := json.Unmarshal(raw, &d); err != nil || d.Bundle != nil {
		t.Errorf("an English page carries texts: %v %v", err, d.Bundle)
	}
}

// A notice is a toast announced as it appears: a status for a success, an
// alert (read at once) that can take the focus for an error.
func TestNoticesAreAnnouncedToasts(t *testing.T) {
	src := &fakeSource{portal: demoPortal(), cancelErr: &APIError{Status: http.StatusConflict, Title: "Already ended"}}
	h := mount(t, withNotices(src, NewSubscriptionOverview()))
	area := h.mustFind("portico-notice-area")
	if area.attrs["aria-live"] != "polite" || len(area.children) != 0 {
		t.Fatalf("the live region is not in the page before a notice: %v", area.attrs)
	}
	h.click("portico-cancel-subscription-button")
	h.click("portico-confirm-cancel-button")
	n := h.mustFind("#portico-notice")
	if n.attrs["role"] != "alert" || n.attrs["tabindex"] != "-1" || h.mustFind("portico-notice-area").attrs["aria-live"] != "assertive" {
		t.Errorf("an error notice is not an assertive alert that can take the focus: %v", n.attrs)
	}
	h.click("portico-notice-dismiss")
	if h.hasClass("portico-notice") {
		t.Error("the notice stays once dismissed")
	}

	h = mount(t, withNotices(&fakeSource{portal: demoPortal()}, NewSubscriptionOverview()))
	h.click("portico-cancel-subscription-button")
	h.click("portico-confirm-cancel-button")
	if n := h.mustFind("#portico-notice"); n.attrs["role"] != "status" || !slices.Contains(n.classes, "portico-notice-success") {
		t.Errorf("a success notice is not a status: %v", n.attrs)
	}
}
