package components

import (
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

// pricedRow shows a usage-priced feature: its limit is what the plan
// includes, and usage beyond it is billed rather than blocked, so going
// over reads as a cost, not as an alarm. The bar splits into the included
// part and the part beyond it.
func (s *Usage) pricedRow(e portico.EntitlementView, classes string) app.UI {
	f := s.f()
	over := max(e.Usage-e.Limit, 0)
	state, figure := "within-included", s.t("usageIncluded", "usage", f.Number(e.Usage), "included", withUnit(f.Number(e.Limit), e.Unit, e.FeatureName))
	if over > 0 {
		state = "over-included"
		figure = s.t("usageIncludedOver", "usage", f.Number(e.Usage),
			"included", withUnit(f.Number(e.Limit), e.Unit, e.FeatureName), "over", f.Number(over))
	}
	sub, charge, priced := s.usageCharge(e.FeatureID)
	scale := max(e.Usage, e.Limit)
	return app.Div().Class(classes, s.c("usage-priced", "usage-"+state)).Body(
		app.Div().Class(s.c("entitlement-top")).Body(
			app.Div().Class(s.c("entitlement-name")).Text(e.FeatureName),
			app.Span().Class(s.c("usage-flag", "usage-flag-priced")).Text(s.t("payAsYouGo")),
		),
		app.Div().Class(s.c("usage-figure")).Text(figure),
		app.Div().Class(s.c("usage-bar")).Role("progressbar").
			Aria("valuemin", 0).Aria("valuemax", scale).Aria("valuenow", e.Usage).Aria("valuetext", figure).Aria("label", e.FeatureName).
			Body(
				app.Div().Class(s.c("usage-bar-fill")).Style("width", percent(min(e.Usage, e.Limit), scale)),
				app.If(over > 0, func() app.UI {
					return app.Div().Class(s.c("usage-bar-over")).Style("width", percent(over, scale))
				}),
			),
		app.If(priced, func() app.UI {
			return app.Div().Class(s.c("usage-cost")).Text(s.t("usageCostSoFar",
				"amount", f.Money(charge.Amount, charge.Price.Currency), "date", f.Date(sub.CurrentPeriodEnd)))
		}),
		app.If(priced, func() app.UI { return s.usagePrice(charge) }),
		app.If(e.ResetAt != nil, func() app.UI {
			return app.Div().Class(s.c("entitlement-bottom")).Body(
				app.Span().Class(s.c("reset-date", "muted")).Text(s.t("resetsOn", "date", f.Date(*e.ResetAt))))
		}),
		s.chart(e),
	)
}

// usagePrice words a usage charge's price beyond what is included: "$0.50
// per 1,000 beyond what is included". Tiered usage prices vary with the
// volume, so they are left to the invoice lines.
func (s *Usage) usagePrice(c portico.ChargeView) app.UI {
	if len(c.Price.Tiers) > 0 {
		return nil
	}
	price := s.f().Money(c.Price.UnitAmount, c.Price.Currency)
	text := s.t("usagePricePerUnit", "price", price)
	if c.BlockSize > 1 {
		text = s.t("usagePricePerBlock", "price", price, "block", s.f().Number(c.BlockSize))
	}
	return app.Div().Class(s.c("usage-price", "muted")).Text(text)
}

// percent is part's share of whole as a CSS width, rounded to a tenth.
func percent(part, whole int64) string {
	if whole <= 0 {
		return "0%"
	}
	return strconv.FormatFloat(float64(part*1000/whole)/10, 'f', -1, 64) + "%"
}
