package components

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

// lineTable lists what an invoice is made of: a row per line, with what
// it is for, how it is worked out and its amount; foot rows (subtotal,
// credit, total) follow.
func (s *section) lineTable(label string, lines []portico.Line, currency string, foot ...app.UI) app.UI {
	f := s.f()
	return app.Table().Class(s.c("lines")).Aria("label", label).Body(
		app.THead().Class(s.c("lines-head")).Body(app.Tr().Body(
			app.Th().Scope("col").Text(s.t("lineDescription")),
			app.Th().Scope("col").Class(s.c("line-amount")).Text(s.t("lineAmount")),
		)),
		app.TBody().Body(app.Range(lines).Slice(func(i int) app.UI {
			l := lines[i]
			detail := s.lineDetail(l, currency)
			return app.Tr().Class(s.c("line", "line-"+slug(string(l.Kind)))).Body(
				app.Th().Scope("row").Class(s.c("line-description")).Body(
					app.Div().Class(s.c("line-label")).Text(s.lineLabel(l)),
					app.If(detail != "", func() app.UI { return app.Div().Class(s.c("line-detail", "muted")).Text(detail) }),
				),
				app.Td().Class(s.c("line-amount")).Text(f.Money(l.Amount, currency)),
			)
		})),
		app.If(len(foot) > 0, func() app.UI { return app.TFoot().Body(foot...) }),
	)
}

// lineFoot is a foot row of a line table: "Total  $57.00".
func (s *section) lineFoot(class, key string, amount int64, currency string) app.UI {
	return app.Tr().Class(s.c("lines-foot", class)).Body(
		app.Th().Scope("row").Text(s.t(key)),
		app.Td().Class(s.c("line-amount")).Text(s.f().Money(amount, currency)),
	)
}

// lineLabel says what a line is for, in the customer's language: the
// plan, feature or add-on by name, else the description the server wrote.
func (s *section) lineLabel(l portico.Line) string {
	name := ""
	switch l.Kind {
	case portico.LineFee:
		if name = s.planName(l.PlanID); name != "" {
			return s.t("lineFee", "plan", name)
		}
	case portico.LineCharge, portico.LineUsage:
		f, _ := s.knownFeature(l.FeatureID)
		name = f.name
	case portico.LineAddon:
		name = s.addonName(l.AddonID)
	case portico.LineMinimum:
		return s.t("lineMinimum")
	case portico.LineBalance:
		return s.t("lineBalance")
	case portico.LineCarried:
		return s.t("lineCarried")
	case portico.LineCredit:
		return s.t("lineCredit")
	}
	if name == "" {
		return l.Description
	}
	return name
}

// invoiceLabel says what an invoice is for in the customer's language: its
// fee's plan by name when the portal knows it, else the description the
// billing provider or the server wrote.
func (s *section) invoiceLabel(inv portico.Invoice) string {
	for _, l := range inv.Lines {
		if l.Kind == portico.LineFee && s.planName(l.PlanID) != "" {
			return s.lineLabel(l)
		}
	}
	return inv.Description
}

// lineDetail says how a line's amount is worked out: "12 × $10.00 for
// units 1–50", "123,400 used, 10,000 included · 114 × $0.50", or the
// period a fee pays for.
func (s *section) lineDetail(l portico.Line, currency string) string {
	f := s.f()
	if l.Quantity == nil || l.UnitAmount == nil {
		if l.Kind == portico.LineFee && l.PeriodStart != nil && l.PeriodEnd != nil {
			return s.t("linePeriod", "start", f.Date(*l.PeriodStart), "end", f.Date(*l.PeriodEnd))
		}
		return ""
	}
	qty, unit := f.Number(*l.Quantity), f.Money(*l.UnitAmount, currency)
	var detail string
	switch {
	case l.Kind == portico.LineUsage && l.Usage != nil:
		detail = s.t("lineUsage", "usage", f.Number(*l.Usage), "included", f.Number(l.Included), "quantity", qty, "unit", unit)
	case l.TierFrom > 0 && l.TierTo > 0:
		detail = s.t("lineTier", "quantity", qty, "unit", unit, "from", f.Number(l.TierFrom), "to", f.Number(l.TierTo))
	case l.TierFrom > 0:
		detail = s.t("lineTierOpen", "quantity", qty, "unit", unit, "from", f.Number(l.TierFrom))
	default:
		detail = s.t("lineUnits", "quantity", qty, "unit", unit)
	}
	if l.FlatAmount != 0 {
		detail = s.t("lineFlat", "detail", detail, "flat", f.Money(l.FlatAmount, currency))
	}
	if l.Prorated && l.PeriodStart != nil && l.PeriodEnd != nil {
		// The amount is not quantity × unit: say which part it is for.
		detail = s.t("lineProrated", "detail", detail, "start", f.Date(*l.PeriodStart), "end", f.Date(*l.PeriodEnd))
	}
	return detail
}

// planName is the name of a plan the customer has or is moving to.
func (s *section) planName(id string) string {
	if s.data.Portal == nil || id == "" {
		return ""
	}
	for _, sub := range s.data.Portal.Subscriptions {
		if sub.Plan.ID == id {
			return sub.Plan.Name
		}
		for _, u := range sub.ScheduledUpdates {
			if u.TargetPlanID == id && u.TargetPlanName != "" {
				return u.TargetPlanName
			}
		}
	}
	return ""
}

// addonName is an add-on's name, from the subscriptions or their offers.
func (s *section) addonName(id string) string {
	if s.data.Portal == nil || id == "" {
		return ""
	}
	for _, sub := range s.data.Portal.Subscriptions {
		for _, a := range sub.Addons {
			if a.ID == id {
				return a.Name
			}
		}
	}
	for _, o := range s.data.Offers {
		for _, a := range o.Addons {
			if a.ID == id {
				return a.Name
			}
		}
	}
	return ""
}
