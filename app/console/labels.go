package console

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	portico "github.com/portico-dev/portico"
)

// The API names a field by its JSON path ("plans[2].prices[0].amount");
// operators know it by the label the console shows beside it ("Monthly
// price of plan “Pro”"). These functions turn one into the other, reading
// indices against the catalog that was sent, so no path reaches the
// screen.

// step is one segment of a JSON path: a name and, when it indexes a list,
// the index (-1 otherwise).
type step struct {
	name  string
	index int
}

// splitPath splits "prices[1].amount" into "prices", 1 and "amount"
// (-1 and "" when absent).
func splitPath(s string) (name string, idx int, sub string) {
	name, rest, _ := strings.Cut(s, ".")
	idx = -1
	if open := strings.IndexByte(name, '['); open >= 0 && strings.HasSuffix(name, "]") {
		if n, err := strconv.Atoi(name[open+1 : len(name)-1]); err == nil {
			idx = n
		}
		name = name[:open]
	}
	return name, idx, rest
}

// parsePath splits "plans[2].prices[0].amount" into its steps.
func parsePath(path string) []step {
	var out []step
	for _, part := range strings.Split(path, ".") {
		name, idx, _ := splitPath(part)
		out = append(out, step{name: name, index: idx})
	}
	return out
}

// plainLabel names the fields every kind of object shares, and the plain
// ones of each kind ("" for a name it does not know).
func plainLabel(name string) string {
	switch name {
	case "id":
		return "ID"
	case "name":
		return "Name"
	case "description":
		return "Description"
	case "productId":
		return "Product"
	case "archived":
		return "Archived"
	case "subscriptionType":
		return "Subscription type"
	case "metadata":
		return "Metadata"
	case "journey":
		return "Customer journey"
	case "order":
		return "Order"
	case "pricing":
		return "Pricing"
	case "prices":
		return "Prices"
	case "trialDays":
		return "Trial days"
	case "entitlements":
		return "Entitlements"
	case "addonIds":
		return "Compatible add-ons"
	case "charges":
		return "Charges"
	case "minimumSpend":
		return "Minimum spend"
	case "maxQuantity":
		return "Maximum quantity"
	case "type":
		return "Type"
	case "unit":
		return "Unit"
	case "resetPeriod":
		return "Usage reset period"
	}
	return ""
}

// journeyLabel names a journey setting as the journey page does.
func journeyLabel(name string) string {
	switch name {
	case "start":
		return "Journey start"
	case "freePlanId":
		return "Free plan"
	case "trialPlanId":
		return "Trial plan"
	case "downgrade":
		return "Downgrades"
	case "usageReset":
		return "Metered usage on a plan change"
	case "cancellation":
		return "Cancellation takes effect"
	case "afterCancel":
		return "After cancellation"
	case "alsoCancelProductIds":
		return "Also cancel"
	}
	return ""
}

// collectionLabel names one of the catalog's lists, for errors about a
// list as a whole ("plans": a plan removed).
func collectionLabel(name string) string {
	switch name {
	case "features":
		return "Features"
	case "products":
		return "Products"
	case "plans":
		return "Plans"
	case "addons":
		return "Add-ons"
	}
	return humanName(name)
}

// describe labels a field of the catalog cat: the field, then the object
// it belongs to ("Trial days of plan “Pro”").
func describe(cat *portico.Catalog, path string) string {
	field, object := describeParts(cat, path)
	switch {
	case object == "":
		return field
	case field == "":
		return capitalize(object)
	}
	return field + " of " + object
}

// describeParts labels a field within its object, and the object, apart.
func describeParts(cat *portico.Catalog, path string) (field, object string) {
	steps := parsePath(path)
	if path == "" || path == "(body)" {
		return "The catalog", ""
	}
	head := steps[0]
	if head.index < 0 {
		return collectionLabel(head.name), ""
	}
	object = objectLabel(cat, head)
	if len(steps) == 1 {
		return "", object
	}
	return fieldLabel(cat, head, steps[1:]), object
}

// objectLabel is "plan “Pro”" for plans[2].
func objectLabel(cat *portico.Catalog, s step) string {
	kind, name, id := "", "", ""
	switch s.name {
	case "features":
		kind = "feature"
		if s.index < len(cat.Features) {
			name, id = cat.Features[s.index].Name, cat.Features[s.index].ID
		}
	case "products":
		kind = "product"
		if s.index < len(cat.Products) {
			name, id = cat.Products[s.index].Name, cat.Products[s.index].ID
		}
	case "plans":
		kind = "plan"
		if s.index < len(cat.Plans) {
			name, id = cat.Plans[s.index].Name, cat.Plans[s.index].ID
		}
	case "addons":
		kind = "add-on"
		if s.index < len(cat.Addons) {
			name, id = cat.Addons[s.index].Name, cat.Addons[s.index].ID
		}
	default:
		return humanName(s.name)
	}
	switch {
	case name != "":
		return kind + " " + strconvQuote(name)
	case id != "":
		return kind + " " + strconvQuote(id)
	}
	return kind + " " + strconv.Itoa(s.index+1)
}

// fieldLabel labels the steps after an object's.
func fieldLabel(cat *portico.Catalog, object step, steps []step) string {
	first := steps[0]
	switch first.name {
	case "prices":
		return priceLabel(pricesOf(cat, object), first.index, steps[1:])
	case "entitlements":
		return entitlementLabel(cat, object, first.index, steps[1:])
	case "charges":
		return chargeLabel(cat, object, first.index, steps[1:])
	case "minimumSpend":
		return minimumLabel(cat, object, first.index, steps[1:])
	case "addonIds":
		if first.index >= 0 {
			return "Compatible add-on " + strconv.Itoa(first.index+1)
		}
	case "journey":
		if len(steps) > 1 {
			if l := journeyLabel(steps[1].name); l != "" {
				return l
			}
		}
	case "metadata":
		if len(steps) > 1 {
			return "Metadata " + strconvQuote(steps[1].name)
		}
	}
	if l := plainLabel(first.name); l != "" {
		return l
	}
	return humanName(first.name)
}

func pricesOf(cat *portico.Catalog, object step) []portico.Price {
	switch {
	case object.name == "plans" && object.index < len(cat.Plans):
		return cat.Plans[object.index].Prices
	case object.name == "addons" && object.index < len(cat.Addons):
		return cat.Addons[object.index].Prices
	}
	return nil
}

// priceLabel is "Monthly price", "Currency of the monthly price", "Monthly
// Stripe price ID"; of an object priced in several currencies, "Monthly
// price in EUR".
func priceLabel(prices []portico.Price, index int, rest []step) string {
	if index < 0 || index >= len(prices) {
		return "Prices"
	}
	period := periodName(prices[index].BillingPeriod)
	in := inCurrency(portico.Currencies(prices), prices[index].Currency)
	sub := ""
	if len(rest) > 0 {
		sub = rest[0].name
	}
	switch sub {
	case "currency":
		return "Currency of the " + strings.ToLower(period) + " price" + in
	case "stripePriceId":
		return period + " Stripe price ID" + in
	case "billingPeriod":
		return "Billing period of price " + strconv.Itoa(index+1)
	}
	return period + " price" + in
}

// inCurrency is " in EUR" when a price's currency is one of several, so
// a label tells the prices apart; "" when there is one.
func inCurrency(currencies []string, currency string) string {
	if len(currencies) < 2 {
		return ""
	}
	return " in " + strings.ToUpper(currency)
}

// periodName is "Monthly" or "Annual" ("Price" for anything else).
func periodName(period portico.BillingPeriod) string {
	switch period {
	case portico.Monthly:
		return "Monthly"
	case portico.Annually:
		return "Annual"
	}
	return "Price"
}

// entitlementLabel is "Limit of the “Seats” entitlement".
func entitlementLabel(cat *portico.Catalog, object step, index int, rest []step) string {
	var ents []portico.Entitlement
	switch {
	case object.name == "plans" && object.index < len(cat.Plans):
		ents = cat.Plans[object.index].Entitlements
	case object.name == "addons" && object.index < len(cat.Addons):
		ents = cat.Addons[object.index].Entitlements
	}
	if index < 0 || index >= len(ents) {
		return "Entitlements"
	}
	what := "entitlement " + strconv.Itoa(index+1)
	if f, ok := cat.Feature(ents[index].FeatureID); ok {
		what = "the " + strconvQuote(f.Name) + " entitlement"
	}
	if len(rest) > 0 {
		switch rest[0].name {
		case "featureId":
			return "Feature of " + what
		case "limit", "unlimited":
			return "Limit of " + what
		}
	}
	return capitalize(what)
}

// humanName spells a camelCase name as words: "trialDays" → "Trial days".
func humanName(name string) string {
	var b strings.Builder
	for i, r := range name {
		if unicode.IsUpper(r) && i > 0 {
			b.WriteByte(' ')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return capitalize(b.String())
}

// sentence makes a field's label and the API's message about it one plain
// sentence: "Trial days must be at most 730." or, when the message says
// more than a predicate, "Name: Plan “basic” is already named “Pro”."
func sentence(label, msg string) string {
	msg = strings.TrimSpace(msg)
	if label == "" {
		return finish(capitalize(msg))
	}
	for _, verb := range []string{"is ", "must ", "has ", "cannot "} {
		if strings.HasPrefix(msg, verb) {
			return finish(label + " " + msg)
		}
	}
	return finish(label + ": " + capitalize(msg))
}

// finish ends a sentence with a full stop unless it has one.
func finish(s string) string {
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "!") {
		return s
	}
	return s + "."
}

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// planOf is the plan an object step names, if it is one.
func planOf(cat *portico.Catalog, object step) (portico.Plan, bool) {
	if object.name != "plans" || object.index < 0 || object.index >= len(cat.Plans) {
		return portico.Plan{}, false
	}
	return cat.Plans[object.index], true
}

// chargeLabel is "Model of the “Members” charge", "Up to of tier 2 of the
// monthly “Members” charge".
func chargeLabel(cat *portico.Catalog, object step, index int, rest []step) string {
	pl, _ := planOf(cat, object)
	if index < 0 || index >= len(pl.Charges) {
		return "Charges"
	}
	ch := pl.Charges[index]
	what := "charge " + strconv.Itoa(index+1)
	if f, ok := cat.Feature(ch.FeatureID); ok {
		what = "the " + strconvQuote(f.Name) + " charge"
	}
	if len(rest) == 0 {
		return capitalize(what)
	}
	switch rest[0].name {
	case "featureId":
		return "Feature of " + what
	case "model":
		return "Model of " + what
	case "tiersMode":
		return "Tiers of " + what
	case "minQuantity":
		return "Minimum quantity of " + what
	case "maxQuantity":
		return "Maximum quantity of " + what
	case "included":
		return "Included units of " + what
	case "blockSize":
		return "Block size of " + what
	case "prices":
		return chargePriceLabel(ch, rest[0].index, rest[1:], what)
	}
	return humanName(rest[0].name) + " of " + what
}

// chargePriceLabel labels a part of a charge's price for one period.
func chargePriceLabel(ch portico.Charge, index int, rest []step, what string) string {
	if index < 0 || index >= len(ch.Prices) {
		return "Prices of " + what
	}
	period := strings.ToLower(periodName(ch.Prices[index].BillingPeriod))
	var currencies []string
	for _, p := range ch.Prices {
		if !slices.Contains(currencies, p.Currency) {
			currencies = append(currencies, p.Currency)
		}
	}
	in := inCurrency(currencies, ch.Prices[index].Currency)
	of := " of the " + period + " " + strings.TrimPrefix(what, "the ") + in
	if len(rest) == 0 {
		return capitalize(period) + " price of " + what + in
	}
	switch rest[0].name {
	case "unitAmount":
		return "Unit amount" + of
	case "stripePriceId":
		return "Stripe price ID" + of
	case "currency":
		return "Currency" + of
	case "billingPeriod":
		return "Billing period" + of
	case "tiers":
		if rest[0].index < 0 {
			return "Tiers" + of
		}
		tier := " of tier " + strconv.Itoa(rest[0].index+1) + of
		if len(rest) > 1 {
			switch rest[1].name {
			case "upTo":
				return "“Up to”" + tier
			case "flatAmount":
				return "Flat amount" + tier
			}
		}
		return "Unit amount" + tier
	}
	return capitalize(period) + " price of " + what + in
}

// minimumLabel is "Monthly minimum spend" ("… in EUR" on a plan sold in
// several currencies).
func minimumLabel(cat *portico.Catalog, object step, index int, rest []step) string {
	pl, _ := planOf(cat, object)
	if index < 0 || index >= len(pl.MinimumSpend) {
		return "Minimum spend"
	}
	label := periodName(pl.MinimumSpend[index].BillingPeriod) + " minimum spend" +
		inCurrency(portico.Currencies(pl.Prices), pl.MinimumSpend[index].Currency)
	if len(rest) > 0 && rest[0].name == "currency" {
		return "Currency of the " + strings.ToLower(label)
	}
	return label
}
