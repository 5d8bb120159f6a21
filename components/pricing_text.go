package components

import (
	"errors"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

// How charges read: prices per unit, tiers, included usage, minimum spend,
// committed quantities, the lines of a preview, and the 422 that names a
// quantity.

// chargedFeature is what a charged feature is called: its name ("Members")
// and unit ("member").
type chargedFeature struct {
	name, unit string
	// capitalized keeps the name's capital inside a sentence (German).
	capitalized bool
}

// feature is a charged feature as the locale writes it in sentences.
func (s *section) feature(name, unit string) chargedFeature {
	return chargedFeature{name: name, unit: unit, capitalized: s.f().nounsCapitalized}
}

// featureOf names a charged feature from the lines given (a plan card's),
// else from what the portal knows of it; without either it reads as its ID.
func (s *section) featureOf(id string, lines ...[]portico.EntitlementLine) chargedFeature {
	for _, ls := range lines {
		for _, l := range ls {
			if l.FeatureID == id && l.FeatureName != "" {
				return s.feature(l.FeatureName, l.Unit)
			}
		}
	}
	if f, ok := s.knownFeature(id); ok {
		return f
	}
	return s.feature(id, "")
}

// knownFeature names a feature from the portal's data: the subscriptions'
// charges, then the customer's entitlements.
func (s *section) knownFeature(id string) (chargedFeature, bool) {
	if s.data.Portal == nil || id == "" {
		return chargedFeature{}, false
	}
	for _, sub := range s.data.Portal.Subscriptions {
		for _, c := range sub.Charges {
			if c.FeatureID == id && c.FeatureName != "" {
				return s.feature(c.FeatureName, c.Unit), true
			}
		}
	}
	for _, e := range s.data.Portal.Entitlements {
		if e.FeatureID == id {
			return s.feature(e.FeatureName, e.Unit), true
		}
	}
	return chargedFeature{}, false
}

// many is the feature's name in a running sentence ("members").
func (c chargedFeature) many() string {
	if c.capitalized {
		return c.name
	}
	return lowerFirst(c.name)
}

// one is a single unit ("member"), the name when there is no unit.
func (c chargedFeature) one() string {
	if c.unit != "" {
		return c.unit
	}
	return c.many()
}

// count words a quantity of the feature: "12 members", "1 member",
// "10,000 API requests". The catalog gives a unit (singular) and a name
// (plural), so the unit reads where the locale's grammar counts n as one.
func (s *section) count(c chargedFeature, n int64) string {
	if PluralCategory(s.cfg.Locale, n) == PluralOne && c.unit != "" {
		return s.f().Number(n) + " " + c.unit
	}
	return withUnit(s.f().Number(n), c.unit, c.name) + " " + c.many()
}

// perPeriodOf is "/ month" or "/ year".
func (s *section) perPeriodOf(period portico.BillingPeriod) string {
	if period == portico.Annually {
		return s.t("perYear")
	}
	return s.t("perMonth")
}

// chargeTerms words a charge's price for the paywall, a line each: "$10.00
// per seat / month"; a tier a line ("1–50: $10.00 per member"); usage
// "10,000 API requests included, then $0.50 per 1,000 API requests".
func (s *section) chargeTerms(ch portico.Charge, c chargedFeature, period portico.BillingPeriod) []string {
	if len(ch.Prices) == 0 {
		return nil
	}
	p, f := ch.Prices[0], s.f()
	per := s.t("chargePerUnit", "unit", c.one())
	first, scale := int64(1), int64(1)
	var out []string
	if ch.Model == portico.ModelUsage {
		// Usage tiers count blocks: they read in units, past the included ones.
		first, scale = ch.Included+1, ch.Block()
		if scale > 1 {
			per = s.t("chargePerUnit", "unit", s.count(c, scale))
		}
		if ch.Included > 0 {
			out = append(out, s.t("chargeIncluded", "included", s.count(c, ch.Included)))
		}
	}
	if len(p.Tiers) == 0 {
		price := f.Money(p.UnitAmount, p.Currency) + " " + per
		if ch.Model == portico.ModelUsage && ch.Included > 0 {
			return []string{s.t("chargeIncludedThen", "included", s.count(c, ch.Included), "price", price)}
		}
		if ch.Model == portico.ModelPerUnit {
			price += " " + s.perPeriodOf(period)
		}
		return append(out, price)
	}
	from := int64(1)
	for _, t := range p.Tiers {
		rng := s.t("chargeTierAbove", "from", f.Number(first+(from-1)*scale))
		if t.UpTo != nil {
			rng = s.t("chargeTierRange", "from", f.Number(first+(from-1)*scale), "to", f.Number(first+*t.UpTo*scale-1))
			from = *t.UpTo + 1
		}
		price := f.Money(t.UnitAmount, p.Currency) + " " + per
		if t.FlatAmount > 0 {
			price = s.t("chargeTierFlat", "price", price, "flat", f.Money(t.FlatAmount, p.Currency))
		}
		out = append(out, rng+": "+price)
	}
	if ch.TiersMode == portico.TiersVolume {
		out = append(out, s.t("chargeVolumeNote", "units", c.many()))
	}
	return out
}

// chargeLines lists a preview's lines the way invoices list theirs, so
// the customer sees how the amount due is made before confirming.
func (s *section) chargeLines(lines []portico.Line, currency string) app.UI {
	if len(lines) == 0 {
		return nil
	}
	return s.lineTable(s.t("chargeLinesLabel"), lines, currency)
}

// errorText is what a failed call says to the customer: a quantity the
// server refused names its feature ("Members: must be at most 500").
func (s *section) errorText(err error) string {
	var p *APIError
	if errors.As(err, &p) {
		var parts []string
		for _, fe := range p.Fields {
			if id, ok := strings.CutPrefix(fe.Field, "quantities."); ok {
				parts = append(parts, s.t("quantityRefused", "feature", s.featureOf(id).name, "message", fe.Message))
			}
		}
		if len(parts) > 0 {
			return strings.Join(parts, " ")
		}
	}
	return s.t("actionError", "error", err.Error())
}
