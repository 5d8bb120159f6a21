package components

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

// nearLimit is the share of a limit from which a usage bar warns.
const nearLimit = 0.8

// Usage shows, per numeric or metered feature, usage against its limit
// with a bar that warns near the limit and alarms at it, the reset date,
// and an action to get more. Boolean features are listed as included; a
// usage-priced feature shows what is included, the usage beyond it and
// its cost so far (see pricedRow).
type Usage struct{ section }

// NewUsage returns a Usage, to place under a PortalProvider.
func NewUsage() *Usage { return &Usage{} }

func (s *Usage) OnPreRender(ctx app.Context) { s.watch(ctx) }
func (s *Usage) OnMount(ctx app.Context)     { s.watch(ctx) }

// watch follows the provider and, once a feature nears its limit, asks
// for the add-ons "Buy more" may open.
func (s *Usage) watch(ctx app.Context) {
	ask := func() {
		if s.offersMore() {
			wantOffers(ctx)
		}
	}
	ctx.ObserveState(stateConfig, &s.cfg)
	ctx.ObserveState(stateData, &s.data).OnChange(ask)
	ask()
}

// offersMore reports whether a feature shows "Buy more".
func (s *Usage) offersMore() bool {
	if s.data.Portal == nil {
		return false
	}
	for _, e := range s.data.Portal.Entitlements {
		if state, _ := usageState(e); e.Type != portico.FeatureBoolean && !e.SoftLimit && state != "ok" {
			return true
		}
	}
	return false
}

func (s *Usage) Render() app.UI {
	ok, placeholder := s.ready(3)
	body := []app.UI{app.Div().Class(s.c("section-header")).Body(
		app.H2().Class(s.c("section-title", "customer-portal-usage-section-title")).Text(s.t("usageTabTitle")),
	)}
	switch {
	case !ok:
		body = append(body, placeholder)
	case len(s.data.Portal.Entitlements) == 0:
		body = append(body, app.P().Class(s.c("empty")).Text(s.t("noUsage")))
	default:
		body = append(body, app.Div().Class(s.c("usage-grid")).Body(
			app.Range(s.data.Portal.Entitlements).Slice(func(i int) app.UI { return s.row(s.data.Portal.Entitlements[i]) }),
		))
	}
	return app.Section().Class(s.c("section", "usage")).Aria("label", s.t("usageTabTitle")).Body(body...)
}

func (s *Usage) row(e portico.EntitlementView) app.UI {
	classes := s.c("entitlement-row-container", "entitlement-feature-"+slug(e.FeatureID), "entitlement-usage-"+e.FeatureID)
	if e.Type == portico.FeatureBoolean {
		return app.Div().Class(classes, s.c("entitlement-boolean")).Body(
			app.Div().Class(s.c("entitlement-name")).Text(e.FeatureName),
			app.Div().Class(s.c("entitlement-included")).Text("✓ "+s.t("included")),
		)
	}
	if e.SoftLimit {
		return s.pricedRow(e, classes)
	}
	f := s.f()
	state, ratio := usageState(e)
	var figure string
	if e.Unlimited {
		figure = s.tn("usageUnlimited", e.Usage, "usage", f.Number(e.Usage))
	} else {
		figure = s.t("usageOf", "usage", f.Number(e.Usage), "limit", withUnit(f.Number(e.Limit), e.Unit, e.FeatureName))
	}
	return app.Div().Class(classes, s.c("usage-"+state)).Body(
		app.Div().Class(s.c("entitlement-top")).Body(
			app.Div().Class(s.c("entitlement-name")).Text(e.FeatureName),
			app.If(state != "ok", func() app.UI {
				key := "nearLimit"
				if state == "at-limit" {
					key = "atLimit"
				}
				return app.Span().Class(s.c("usage-flag")).Text(s.t(key))
			}),
		),
		app.Div().Class(s.c("usage-figure")).Text(figure),
		app.If(!e.Unlimited, func() app.UI {
			pct := strconv.Itoa(int(ratio*100 + 0.5))
			return app.Div().Class(s.c("usage-bar")).Role("progressbar").
				Aria("valuemin", 0).Aria("valuemax", e.Limit).Aria("valuenow", e.Usage).Aria("label", e.FeatureName).
				Body(app.Div().Class(s.c("usage-bar-fill")).Style("width", pct+"%"))
		}),
		app.Div().Class(s.c("entitlement-bottom")).Body(
			app.If(e.ResetAt != nil, func() app.UI {
				return app.Span().Class(s.c("reset-date", "muted")).Text(s.t("resetsOn", "date", f.Date(*e.ResetAt)))
			}),
			app.If(state != "ok", func() app.UI {
				return app.Button().Type("button").Class(s.c("button", "button-link", "buy-more-button")).Text(s.t("buyMore")).
					OnClick(func(ctx app.Context, ev app.Event) { s.cfg.buyMore(ctx, e.FeatureID, opener(ctx)) }, app.EventScope(e.FeatureID))
			}),
		),
		s.chart(e),
	)
}

// chart is a metered feature's usage chart (see usageChart).
func (s *Usage) chart(e portico.EntitlementView) app.UI {
	return app.If(e.Type == portico.FeatureMetered && e.ResetAt != nil, func() app.UI {
		return &usageChart{section: s.handedOn(), Feature: e.FeatureID}
	})
}

// usageState is "ok", "near-limit" or "at-limit", with the bar's fill.
func usageState(e portico.EntitlementView) (string, float64) {
	if e.Unlimited {
		return "ok", 0
	}
	if e.Limit <= 0 {
		return "at-limit", 1
	}
	r := float64(e.Usage) / float64(e.Limit)
	switch {
	case r >= 1:
		return "at-limit", 1
	case r >= nearLimit:
		return "near-limit", r
	}
	return "ok", r
}

// entitlementText words a plan's entitlement in the locale's order:
// "10 seats", "Unlimited projects" ("Projets sans limite"), "100 GB
// storage", "Single sign-on".
func entitlementText(f Format, t Texts, e portico.EntitlementLine) string {
	switch {
	case e.Type == portico.FeatureBoolean:
		return e.FeatureName
	case e.Unlimited:
		return upperFirst(t.Get("entitlementUnlimited", "feature", f.InSentence(e.FeatureName)))
	}
	return upperFirst(t.Get("entitlementLimit", "limit", withUnit(f.Number(e.Limit), e.Unit, e.FeatureName),
		"feature", f.InSentence(e.FeatureName)))
}

// upperFirst capitalises a line that starts with a name written as inside
// a sentence ("projets sans limite" is "Projets sans limite").
func upperFirst(s string) string {
	r := []rune(s)
	if len(r) > 0 && unicode.IsLower(r[0]) {
		r[0] = unicode.ToUpper(r[0])
	}
	return string(r)
}

// withUnit adds the unit to a figure unless the feature's name already
// counts in it ("20" seats, but "500 GB" of storage).
func withUnit(figure, unit, name string) string {
	if unit == "" || countsIn(name, unit) {
		return figure
	}
	return figure + " " + unit
}

// countsIn tells whether a feature's name counts the unit: it holds the
// unit, or a word of it starts as the unit does, so that plurals that are
// not the singular plus a letter count too ("Postazioni" of "postazione",
// "Sitzplätze" of "Sitzplatz", "Teamleden" of "teamlid").
func countsIn(name, unit string) bool {
	name, unit = strings.ToLower(name), strings.ToLower(unit)
	if strings.Contains(name, unit) {
		return true
	}
	u := []rune(unit)
	if len(u) < 4 {
		return false
	}
	stem := string(u[:4])
	for _, w := range strings.Fields(name) {
		if strings.HasPrefix(w, stem) {
			return true
		}
	}
	return false
}

// lowerFirst lower-cases a name's first letter unless it starts an
// acronym ("Seats" → "seats", "API calls" stays).
func lowerFirst(s string) string {
	r := []rune(s)
	if len(r) > 1 && unicode.IsUpper(r[0]) && unicode.IsLower(r[1]) {
		r[0] = unicode.ToLower(r[0])
	}
	return string(r)
}
