package components

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"reflect"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/theme"
)

// State and action names shared by the provider and its sections.
const (
	stateData   = "portico.data"
	stateConfig = "portico.config"
	stateNotice = "portico.notice"

	actionRefresh = "portico.refresh"
	actionError   = "portico.error"
)

// prerenderedID is the element holding the data the server rendered with,
// so the client starts from it instead of a skeleton.
const prerenderedID = "portico-prerendered-data"

// configPrerenderedID is the element holding the settings the server drew
// the sections with, so the client's sections draw their first frame with
// them too.
const configPrerenderedID = "portico-prerendered-config"

// Data is the portal data every section reads.
type Data struct {
	Portal  *portico.PortalView
	Loading bool
	// Err is set when the last load failed; Expired when the session ended
	// or was never valid (Invalid: an altered or foreign link).
	Err     string
	Expired bool
	Invalid bool
	// Version counts successful loads, so dependants (the paywall) reload
	// after a change.
	Version int
	// Offers are the add-ons each self-serve subscription's plan sells, by
	// subscription ID; read after the portal, so they may lag behind it.
	Offers map[string]AddonOffer
}

// Config is what a provider shares with its sections.
type Config struct {
	Source     Source
	Prefix     string
	Locale     string
	Texts      Texts
	ProductID  string
	ResourceID string
	SupportURL string
	// Handlers are the host's callbacks, read where the provider keeps
	// them: go-app updates a mounted provider's props in place, so a host
	// that renders new closures has the latest called without the
	// configuration being published again.
	Handlers *Callbacks
}

// handlers returns the host's callbacks; none before a provider has
// published its configuration.
func (c Config) handlers() Callbacks {
	if c.Handlers == nil {
		return Callbacks{}
	}
	return *c.Handlers
}

// Notice is a message shown above the portal after an action.
type Notice struct {
	Kind string // "success" | "error"
	Text string
}

// Callbacks let a host app take over actions. Each returns true when it
// handled the action; otherwise the portal does the sensible thing itself.
type Callbacks struct {
	// OnManageSubscription gets the intent ("manage", "upgrade"…).
	OnManageSubscription func(ctx app.Context, intent string) bool
	OnContactSupport     func(ctx app.Context) bool
	// OnBuyMore gets the feature the customer wants more of.
	OnBuyMore func(ctx app.Context, featureID string) bool
	// OnPlanSelected runs when a plan is chosen in the paywall, before the
	// confirm step.
	OnPlanSelected func(ctx app.Context, sel PlanSelection) bool
	// OnCancelScheduledUpdates runs before scheduled updates are cancelled.
	OnCancelScheduledUpdates func(ctx app.Context, subscriptionID string) bool
	// OnError is told of a failed load or action, with the message the
	// customer is shown.
	OnError func(ctx app.Context, message string)
	// OnSessionExpired is told when the portal session has ended, so the
	// host can open a fresh one.
	OnSessionExpired func(ctx app.Context)
}

// PlanSelection is a plan chosen in the paywall.
type PlanSelection struct {
	PlanID         string
	BillingPeriod  portico.BillingPeriod
	Intent         portico.Intent
	SubscriptionID string
}

// PortalProvider loads the customer's portal once and shares it with the
// sections inside it, in any layout. NewPortalProvider makes one; its props
// are set with the methods named after them, which chain.
type PortalProvider struct {
	app.Compo
	// Props holds what the setters set. go-app hands a mounted component
	// the props of its parent's next render through exported fields only,
	// so the field is exported; its type and fields are not, so the
	// setters stay the one way to set a prop.
	Props providerProps

	data      Data
	published Config // the configuration the sections have
	// offersWanted is set once a section shows offers; offersLoading while
	// they are read; offersTried names the last read of each subscription's
	// (see offerAttempt).
	offersWanted, offersLoading bool
	offersTried                 map[string]string
	// bundle is, in the browser, the locale's texts the page carried (see
	// drawing.Bundle).
	bundle Texts
}

// providerProps are a provider's props: the settings it shares with the
// CustomerPortal, and its content.
type providerProps struct {
	settings
	body []app.UI
}

// NewPortalProvider returns a provider reading from src.
func NewPortalProvider(src Source) *PortalProvider {
	return &PortalProvider{Props: providerProps{settings: settings{source: src}}}
}

// Prefix sets the CSS class prefix ("portico" by default, and in place of
// an invalid one: see ClassPrefix).
func (p *PortalProvider) Prefix(v string) *PortalProvider { p.Props.prefix = v; return p }

// Locale sets the locale of texts, money and dates (English for an unknown
// one: see KnownLocale).
func (p *PortalProvider) Locale(v string) *PortalProvider { p.Props.locale = v; return p }

// Texts overrides texts by key.
func (p *PortalProvider) Texts(v Texts) *PortalProvider { p.Props.texts = v; return p }

// Theme sets the theme.
func (p *PortalProvider) Theme(v theme.Theme) *PortalProvider { p.Props.theme = v; return p }

// Scope limits the sections to a product, and to a resource of a product
// sold per resource.
func (p *PortalProvider) Scope(productID, resourceID string) *PortalProvider {
	p.Props.productID, p.Props.resourceID = productID, resourceID
	return p
}

// SupportURL sets where "Contact support" leads when no callback handles
// it: an http:, https: or mailto: URL (see SupportLink).
func (p *PortalProvider) SupportURL(v string) *PortalProvider { p.Props.supportURL = v; return p }

// Callbacks lets the host handle actions.
func (p *PortalProvider) Callbacks(v Callbacks) *PortalProvider { p.Props.callbacks = v; return p }

// CheckoutReturn says the customer is back from the billing provider's
// checkout: the sections say the payment is being confirmed and refresh.
func (p *PortalProvider) CheckoutReturn(v bool) *PortalProvider {
	p.Props.checkoutReturn = v
	return p
}

// SetupReturn says the customer is back from the billing provider's page
// where they added a card: the sections say so and refresh.
func (p *PortalProvider) SetupReturn(v bool) *PortalProvider { p.Props.setupReturn = v; return p }

// Body sets the sections and any other content.
func (p *PortalProvider) Body(ui ...app.UI) *PortalProvider { p.Props.body = ui; return p }

func (p *PortalProvider) prefix() string { return ClassPrefix(p.Props.prefix) }

func (p *PortalProvider) config() Config {
	cfg := p.drawing().config()
	cfg.Source, cfg.Handlers = p.Props.source, &p.Props.callbacks
	return cfg
}

// drawing is what of the provider's settings the sections draw with.
func (p *PortalProvider) drawing() drawing {
	return drawing{Prefix: p.Props.prefix, Locale: p.Props.locale, Texts: p.Props.texts, Bundle: p.bundle,
		ProductID: p.Props.productID, ResourceID: p.Props.resourceID, SupportURL: p.Props.supportURL}
}

// pageDrawing is the drawing the page carries: with the locale's texts,
// which the wasm client does not hold.
func (p *PortalProvider) pageDrawing() drawing {
	d := p.drawing()
	if l := KnownLocale(d.Locale); l != "en" && len(d.Bundle) == 0 {
		d.Bundle = bundles[l]
	}
	return d
}

// drawing is the part of a provider's settings that decides how its
// sections draw: all but the source, the theme (the provider's stylesheet)
// and the host's callbacks, none of which a page can carry. The server
// prerenders it with the page, so the client's sections start from the
// configuration the page was drawn with (see section.OnInit).
type drawing struct {
	Prefix     string `json:"prefix,omitempty"`
	Locale     string `json:"locale,omitempty"`
	Texts      Texts  `json:"texts,omitempty"`
	ProductID  string `json:"productId,omitempty"`
	ResourceID string `json:"resourceId,omitempty"`
	SupportURL string `json:"supportUrl,omitempty"`
	// Bundle is the locale's own texts, which the server puts in the page
	// (but for English): the wasm client holds English only, so that nine
	// other locales' texts are not downloaded by every customer.
	Bundle Texts `json:"bundle,omitempty"`
}

// config is the configuration the settings make, without a source or
// callbacks.
func (d drawing) config() Config {
	locale := KnownLocale(d.Locale)
	bundle := d.Bundle
	if len(bundle) == 0 {
		bundle = bundles[locale]
	}
	return Config{Prefix: ClassPrefix(d.Prefix), Locale: locale, Texts: mergeTexts(bundle, d.Texts),
		ProductID: d.ProductID, ResourceID: d.ResourceID, SupportURL: SupportLink(d.SupportURL)}
}

// sameConfig reports whether two configurations are the same. Sources
// compare by identity; callbacks by where they are read from (see
// Config.Handlers).
func sameConfig(a, b Config) bool {
	sa, sb := a.Source, b.Source
	a.Source, b.Source = nil, nil
	t := reflect.TypeOf(sa)
	if t != reflect.TypeOf(sb) || t != nil && (!t.Comparable() || sa != sb) {
		return false
	}
	return reflect.DeepEqual(a, b)
}

// OnInit starts from the data the server rendered the page with, if any,
// and the texts of the locale it was drawn in.
func (p *PortalProvider) OnInit() {
	if d, ok := prerenderedData(); ok {
		p.data = d
	}
	var d drawing
	if ReadPrerendered(configPrerenderedID, &d) && KnownLocale(d.Locale) == KnownLocale(p.Props.locale) {
		p.bundle = d.Bundle
	}
}

// prerenderedData is, in the browser, the data the server rendered the
// page with, as a provider starts from it: the portal, loaded once
// (version 1), with the offers read with it.
func prerenderedData() (Data, bool) {
	var v portico.PortalView
	if !ReadPrerendered(prerenderedID, &v) {
		return Data{}, false
	}
	d := Data{Portal: &v, Version: 1}
	ReadPrerendered(offersPrerenderedID, &d.Offers)
	return d, true
}

// prerenderedConfig is, in the browser, the configuration the server drew
// the page's sections with, without a source or callbacks: the provider
// publishes its own once it is mounted.
func prerenderedConfig() (Config, bool) {
	var d drawing
	if !ReadPrerendered(configPrerenderedID, &d) {
		return Config{}, false
	}
	return d.config(), true
}

func (p *PortalProvider) OnPreRender(ctx app.Context) { p.start(ctx) }
func (p *PortalProvider) OnMount(ctx app.Context)     { p.start(ctx) }

// OnUpdate republishes the configuration when the host changes a prop.
// go-app updates the provider whenever its host re-renders with props it
// cannot compare (callbacks, content with event handlers); republishing an
// unchanged configuration would update every section and their ancestors,
// the host included, in an endless loop.
func (p *PortalProvider) OnUpdate(ctx app.Context) {
	if cfg := p.config(); !sameConfig(cfg, p.published) {
		p.published = cfg
		ctx.SetState(stateConfig, cfg)
	}
}

func (p *PortalProvider) start(ctx app.Context) {
	p.published = p.config()
	ctx.SetState(stateConfig, p.published)
	ctx.Handle(actionRefresh, func(ctx app.Context, _ app.Action) { p.load(ctx) })
	ctx.Handle(actionWantOffers, func(ctx app.Context, _ app.Action) {
		p.offersWanted = true
		p.loadOffers(ctx)
	})
	ctx.Handle(actionError, func(ctx app.Context, a app.Action) {
		if msg, _ := a.Value.(string); msg != "" {
			p.reportError(ctx, msg)
		}
	})
	if (p.Props.checkoutReturn || p.Props.setupReturn) && app.IsClient {
		key := "checkoutDone"
		if p.Props.setupReturn {
			key = "setupDone"
		}
		notify(ctx, "info", p.published.Texts.Get(key))
		// The provider's confirmation usually lands within seconds.
		for _, d := range []time.Duration{2 * time.Second, 6 * time.Second} {
			ctx.After(d, func(ctx app.Context) { p.load(ctx) })
		}
	}
	if p.data.Portal != nil {
		ctx.SetState(stateData, p.data)
		ctx.Defer(func(app.Context) { markInteractive() })
		p.loadOffers(ctx)
		return
	}
	p.load(ctx)
}

// interactiveMark is the Performance API mark set when a portal is first
// on screen with its data and its handlers attached, for measurements.
const interactiveMark = "portico-interactive"

// markInteractive sets the mark once per page: the page's performance
// timeline, which keeps it, says whether it is set already, so later loads
// and other providers on the page leave it as it was.
func markInteractive() {
	if !app.IsClient {
		return
	}
	perf := app.Window().Get("performance")
	if perf.Call("getEntriesByName", interactiveMark, "mark").Length() == 0 {
		perf.Call("mark", interactiveMark)
	}
}

// load fetches the portal; a failure keeps what was shown and says so.
func (p *PortalProvider) load(ctx app.Context) {
	if p.Props.source == nil {
		return
	}
	p.data.Loading, p.data.Err = true, ""
	ctx.SetState(stateData, p.data)
	src := p.Props.source
	ctx.Async(func() {
		c, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		v, err := src.Portal(c)
		ctx.Dispatch(func(ctx app.Context) {
			p.data.Loading = false
			if err != nil {
				p.data.Err, p.data.Expired = err.Error(), statusOf(err) == statusUnauthorized
				p.data.Invalid = p.data.Expired && titleOf(err) == portico.TitleSessionInvalid
				p.reportLoadError(ctx)
				if p.data.Portal != nil {
					// What is shown may be out of date: say so.
					notify(ctx, "error", p.published.Texts.Get("refreshError", "error", err.Error()))
				}
			} else {
				p.data.Portal, p.data.Version = v, p.data.Version+1
				ctx.Defer(func(app.Context) { markInteractive() })
				p.loadOffers(ctx)
			}
			ctx.SetState(stateData, p.data)
		})
	})
}

// reportLoadError tells the host's callbacks that a load failed.
func (p *PortalProvider) reportLoadError(ctx app.Context) {
	if p.data.Expired {
		if h := p.published.handlers().OnSessionExpired; h != nil {
			h(ctx)
		}
		return
	}
	p.reportError(ctx, p.data.Err)
}

func (p *PortalProvider) reportError(ctx app.Context, msg string) {
	if h := p.published.handlers().OnError; h != nil {
		h(ctx, msg)
	}
}

func (p *PortalProvider) Render() app.UI {
	pre, locale := p.prefix(), KnownLocale(p.Props.locale)
	// The root says its language and direction, so a portal set in a host
	// page of another language is read and laid out in its own.
	return app.Div().Class(pre+"-root", pre+"-provider").Lang(locale).Dir(Direction(locale)).Body(
		styleElement(p.Props.theme.CSS(pre)+Stylesheet(pre)),
		app.Range(p.Props.body).Slice(func(i int) app.UI { return p.Props.body[i] }),
		// The add-on editor answers the add-on list and "Buy more" in any
		// layout of the sections.
		&addonEditor{},
		Prerender(configPrerenderedID, p.pageDrawing()),
		p.prerendered(),
		p.prerenderedOffers(),
	)
}

func (p *PortalProvider) prerendered() app.UI {
	if p.data.Portal == nil {
		return nil
	}
	return Prerender(prerenderedID, p.data.Portal)
}

func (p *PortalProvider) prerenderedOffers() app.UI {
	if p.data.Portal == nil || len(p.data.Offers) == 0 {
		return nil
	}
	return Prerender(offersPrerenderedID, p.data.Offers)
}

// Prerender embeds data in server-rendered HTML for the client to start
// from. go-app writes attribute values Go-quoted rather than HTML-escaped,
// so the JSON travels as base64, which needs no escaping.
func Prerender(id string, v any) app.UI {
	if app.IsClient {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return app.Div().ID(id).DataSet("json", base64.StdEncoding.EncodeToString(b)).Style("display", "none")
}

// ReadPrerendered reads, in the browser, data the server embedded with
// Prerender; it is called while the server's HTML is still in the page.
func ReadPrerendered(id string, v any) bool {
	if !app.IsClient {
		return false
	}
	el := app.Window().GetElementByID(id)
	if !el.Truthy() {
		return false
	}
	raw, err := base64.StdEncoding.DecodeString(el.Call("getAttribute", "data-json").String())
	return err == nil && json.Unmarshal(raw, v) == nil
}

// styleElement renders CSS verbatim: go-app HTML-escapes text nodes, which
// would break quoted CSS strings in server-rendered pages. theme.CSS drops
// custom CSS that could close the element.
func styleElement(css string) app.UI {
	return app.Raw("<style>" + strings.ReplaceAll(css, "</", "<\\/") + "</style>")
}
