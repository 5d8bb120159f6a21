package components

import (
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

// AddonsList shows the add-ons on the customer's subscriptions with their
// quantities and prices.
type AddonsList struct{ section }

func (s *AddonsList) Render() app.UI {
	ok, placeholder := s.ready(2)
	if !ok {
		return app.Div().Class(s.c("addons-list")).Body(placeholder)
	}
	type row struct {
		sub   portico.SubscriptionView
		addon portico.AddonView
	}
	var rows []row
	for _, sub := range s.subscriptions() {
		for _, a := range sub.Addons {
			rows = append(rows, row{sub, a})
		}
	}
	if len(rows) == 0 {
		return app.Div().Class(s.c("addons-list", "empty")).Text(s.t("noAddons"))
	}
	f := s.f()
	return app.Ul().Class(s.c("addons-list", "list")).Body(
		app.Range(rows).Slice(func(i int) app.UI {
			r := rows[i]
			total := portico.Money{Amount: r.addon.Price.Amount * int64(r.addon.Quantity), Currency: r.addon.Price.Currency}
			per := s.t("perMonth")
			if r.sub.BillingPeriod == portico.Annually {
				per = s.t("perYear")
			}
			return app.Li().Class(s.c("addon-row", "compatible-addon-"+r.addon.ID)).Body(
				app.Span().Class(s.c("addon-name")).Text(r.addon.Name),
				app.Span().Class(s.c("addon-quantity")).Text(s.t("addonQuantity", "quantity", strconv.Itoa(r.addon.Quantity))),
				app.Span().Class(s.c("addon-price")).Text(f.M(total)+" "+per),
			)
		}),
	)
}

// Promotions shows entitlements granted outside the plan.
type Promotions struct{ section }

func (s *Promotions) Render() app.UI {
	ok, placeholder := s.ready(2)
	if !ok {
		return app.Div().Class(s.c("promotions")).Body(placeholder)
	}
	promos := s.data.Portal.Promotions
	if len(promos) == 0 {
		return app.Div().Class(s.c("promotions", "empty")).Text(s.t("noPromotions"))
	}
	f := s.f()
	return app.Div().Class(s.c("promotions")).Body(
		app.P().Class(s.c("promotions-subtitle", "muted")).Text(s.t("promotionsSubtitle")),
		app.Ul().Class(s.c("list")).Body(
			app.Range(promos).Slice(func(i int) app.UI {
				p := promos[i]
				grant := s.t("included")
				switch {
				case p.Unlimited:
					grant = s.t("unlimited")
				case p.Limit > 0:
					grant = f.Number(p.Limit) + " " + p.Unit
				}
				return app.Li().Class(s.c("promotion-row", "promotion-"+slug(p.FeatureID))).Body(
					app.Span().Class(s.c("promotion-name")).Text(p.FeatureName),
					app.Span().Class(s.c("promotion-grant")).Text(grant),
					app.If(p.ExpiresAt != nil, func() app.UI {
						return app.Span().Class(s.c("promotion-expires", "muted")).Text(s.t("promotionExpires", "date", f.Date(*p.ExpiresAt)))
					}),
				)
			}),
		),
	)
}
