package components

import (
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

// The preview of a change, as the paywall's confirm step and the add-on
// editor show it before the customer confirms: what is due now, when it
// takes effect, the next bill, what is gained and lost.

func (s *section) previewDetails(pv portico.Preview) app.UI {
	f := s.f()
	when := s.t("immediately")
	if pv.Effective == portico.EndOfPeriod {
		when = s.t("onDate", "date", f.Date(pv.EffectiveAt))
	}
	row := func(label, value, class string) app.UI {
		return app.Div().Class(s.c("preview-row", class)).Body(app.Dt().Text(label), app.Dd().Text(value))
	}
	return app.Div().Class(s.c("preview")).Body(
		s.chargeLines(pv.Lines, pv.AmountDueNow.Currency),
		app.Dl().Class(s.c("preview-figures")).Body(
			row(s.t("amountDueNow"), f.M(pv.AmountDueNow), "preview-due"),
			app.If(pv.Credit.Amount > 0, func() app.UI { return row(s.t("creditApplied"), f.M(pv.Credit), "preview-credit") }),
			row(s.t("takesEffect"), when, "preview-effective"),
			app.If(pv.NextBill != nil, func() app.UI {
				return row(s.t("nextBillLabel"), f.Money(pv.NextBill.Amount, pv.NextBill.Currency)+" · "+f.Date(pv.NextBill.Date), "preview-next-bill")
			}),
		),
		s.changes("youGain", "preview-gained", pv.Gained),
		s.changes("youLose", "preview-lost", pv.Lost),
		s.droppedAddons(pv.DroppedAddons),
		app.If(pv.UsageReset, func() app.UI { return app.P().Class(s.c("muted", "preview-usage-reset")).Text(s.t("usageWillReset")) }),
		app.If(len(pv.BelowUsage) > 0, func() app.UI {
			return app.P().Class(s.c("below-usage")).Role("note").Text(s.t("belowUsageWarning", "features", s.featureNames(nil, pv.BelowUsage)))
		}),
	)
}

func (s *section) changes(key, class string, lines []portico.EntitlementLine) app.UI {
	if len(lines) == 0 {
		return nil
	}
	return app.Div().Class(s.c("preview-changes", class)).Body(
		app.H4().Text(s.t(key)),
		app.Ul().Body(app.Range(lines).Slice(func(i int) app.UI {
			return app.Li().Text(s.changeText(lines[i]))
		})),
	)
}

// droppedAddons lists the add-ons the change takes off the subscription:
// a plan that does not sell them, or an add-on the customer removes.
func (s *section) droppedAddons(addons []portico.AddonView) app.UI {
	if len(addons) == 0 {
		return nil
	}
	return app.Div().Class(s.c("preview-changes", "preview-dropped-addons")).Body(
		app.H4().Text(s.t("addonsRemoved")),
		app.Ul().Body(app.Range(addons).Slice(func(i int) app.UI {
			a := addons[i]
			return app.Li().Text(a.Name + " " + s.t("addonQuantity", "quantity", strconv.Itoa(a.Quantity)))
		})),
	)
}

// changeText words a preview line: what is added or removed, and for a
// changed limit the old and new limits ("Seats: 5 → 3").
func (s *section) changeText(l portico.EntitlementLine) string {
	switch l.Change {
	case "removed":
		return l.FeatureName
	case "increased", "decreased":
		if l.PreviousLimit == nil && !l.PreviousUnlimited {
			break // the old limit is not known: say what the new one is
		}
		from, to := s.t("unlimited"), s.t("unlimited")
		if !l.PreviousUnlimited {
			from = s.f().Number(*l.PreviousLimit)
		}
		if !l.Unlimited {
			to = s.f().Number(l.Limit)
		}
		return s.t("limitChange", "feature", l.FeatureName, "from", from, "to", to)
	}
	return s.entitlementText(l)
}

func (s *section) entitlementText(e portico.EntitlementLine) string {
	return entitlementText(s.f(), s.cfg.Texts, e)
}

// featureNames names features by ID, from lines (a plan's) or the
// customer's entitlements.
func (s *section) featureNames(lines []portico.EntitlementLine, ids []string) string {
	names := make([]string, 0, len(ids))
	for _, id := range ids {
		name := id
		for _, e := range lines {
			if e.FeatureID == id {
				name = e.FeatureName
			}
		}
		if s.data.Portal != nil {
			for _, e := range s.data.Portal.Entitlements {
				if e.FeatureID == id {
					name = e.FeatureName
				}
			}
		}
		names = append(names, s.f().InSentence(name))
	}
	return strings.Join(names, ", ")
}
