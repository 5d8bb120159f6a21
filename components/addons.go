package components

import (
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

// AddonsList shows the add-ons on the customer's subscriptions with their
// quantities and prices, and the add-ons their plans sell besides. Each
// opens the add-on editor: to change the quantity or remove the add-on,
// or to add one.
type AddonsList struct{ section }

// NewAddonsList returns a AddonsList, to place under a PortalProvider.
func NewAddonsList() *AddonsList { return &AddonsList{} }

func (s *AddonsList) OnPreRender(ctx app.Context) { s.observe(ctx); wantOffers(ctx) }
func (s *AddonsList) OnMount(ctx app.Context)     { s.observe(ctx); wantOffers(ctx) }

// addonLine is an add-on of a subscription, bought or offered.
type addonLine struct {
	sub   portico.SubscriptionView
	addon portico.AddonView
}

func (s *AddonsList) Render() app.UI {
	ok, placeholder := s.ready(2)
	if !ok {
		return app.Div().Class(s.c("addons-list")).Body(placeholder)
	}
	var bought, offered []addonLine
	for _, sub := range s.subscriptions() {
		for _, a := range sub.Addons {
			bought = append(bought, addonLine{sub, a})
		}
		offered = append(offered, s.offers(sub)...)
	}
	return app.Div().Class(s.c("addons-list")).Body(
		app.If(len(bought) == 0, func() app.UI { return app.P().Class(s.c("empty")).Text(s.t("noAddons")) }).
			Else(func() app.UI {
				return app.Ul().Class(s.c("list")).Body(app.Range(bought).Slice(func(i int) app.UI { return s.bought(bought[i]) }))
			}),
		app.If(len(offered) > 0, func() app.UI {
			return app.Div().Class(s.c("addon-offers")).Body(
				app.H4().Class(s.c("addon-offers-title")).Text(s.t("availableAddons")),
				app.Ul().Class(s.c("list")).Body(app.Range(offered).Slice(func(i int) app.UI { return s.offer(offered[i]) })),
			)
		}),
	)
}

// offers are the add-ons the subscription's plan sells that it does not
// have yet, priced for its billing period.
func (s *AddonsList) offers(sub portico.SubscriptionView) []addonLine {
	if !selfServe(sub) {
		return nil
	}
	var out []addonLine
	for _, a := range s.data.Offers[sub.ID].Addons {
		if quantityOf(sub, a.ID) == 0 {
			price, _ := unitPrice(a, sub.BillingPeriod)
			out = append(out, addonLine{sub, portico.AddonView{ID: a.ID, Name: a.Name, Price: price}})
		}
	}
	return out
}

func (s *AddonsList) perPeriod(sub portico.SubscriptionView) string {
	if sub.BillingPeriod == portico.Annually {
		return s.t("perYear")
	}
	return s.t("perMonth")
}

// bought is an add-on the subscription has: its quantity, the line's
// price and, when the customer may change it, a button to do so.
func (s *AddonsList) bought(l addonLine) app.UI {
	total := portico.Money{Amount: l.addon.Price.Amount * int64(l.addon.Quantity), Currency: l.addon.Price.Currency}
	_, editable := s.data.offered(l.sub.ID, l.addon.ID)
	return app.Li().Class(s.c("addon-row", "compatible-addon-"+l.addon.ID)).Body(
		app.Span().Class(s.c("addon-name")).Text(l.addon.Name),
		s.subscriptionOf(l),
		app.Span().Class(s.c("addon-quantity")).Text(s.t("addonQuantity", "quantity", strconv.Itoa(l.addon.Quantity))),
		app.Span().Class(s.c("addon-price")).Text(s.f().M(total)+" "+s.perPeriod(l.sub)),
		app.If(editable && selfServe(l.sub), func() app.UI {
			return s.editButton("change-addon-button", "changeAddon", "changeAddonLabel", l, l.addon.Quantity)
		}),
	)
}

// offer is an add-on the subscription's plan sells and it does not have.
func (s *AddonsList) offer(l addonLine) app.UI {
	return app.Li().Class(s.c("addon-offer", "compatible-addon-"+l.addon.ID)).Body(
		app.Span().Class(s.c("addon-name")).Text(l.addon.Name),
		s.subscriptionOf(l),
		app.Span().Class(s.c("addon-price")).Text(s.t("addonUnitPrice", "price", s.f().M(l.addon.Price), "per", s.perPeriod(l.sub))),
		s.editButton("add-addon-button", "addAddon", "addAddonLabel", l, 1),
	)
}

// subscriptionOf names the line's subscription when the portal shows more
// than one, or a resource's: which site an add-on is for.
func (s *AddonsList) subscriptionOf(l addonLine) app.UI {
	subs := s.subscriptions()
	if len(subs) < 2 && l.sub.ResourceID == "" {
		return nil
	}
	return app.Span().Class(s.c("addon-subscription", "muted")).Text(subscriptionLabel(l.sub))
}

// editButton opens the add-on editor on a line, starting at quantity; its
// label names the add-on for those who hear it out of its row.
func (s *AddonsList) editButton(class, textKey, labelKey string, l addonLine, quantity int) app.UI {
	return app.Button().Type("button").Class(s.c("button", "button-secondary", class)).
		Aria("label", s.t(labelKey, "addon", l.addon.Name)).Text(s.t(textKey)).
		OnClick(func(ctx app.Context, e app.Event) {
			editAddon(ctx, addonEdit{SubscriptionID: l.sub.ID, AddonID: l.addon.ID, Quantity: quantity, opener: opener(ctx)})
		}, app.EventScope(l.sub.ID+"/"+l.addon.ID))
}

// Promotions shows entitlements granted outside the plan.
type Promotions struct{ section }

// NewPromotions returns a Promotions, to place under a PortalProvider.
func NewPromotions() *Promotions { return &Promotions{} }

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
		// Among several subscriptions, or a resource's, say whom they serve:
		// promotions are the customer's, whatever the subscription.
		app.If(len(s.subscriptions()) > 1 || s.cfg.ResourceID != "", func() app.UI {
			return app.P().Class(s.c("promotions-scope", "muted")).Text(s.t("promotionsAccountWide"))
		}),
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
