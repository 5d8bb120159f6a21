package components

import (
	"maps"
	"strings"
)

// Texts maps text keys to the strings people see. Every visible string of
// the components has a key; overrides merge over the locale's defaults.
// Values may hold {placeholders} filled in by the component.
type Texts map[string]string

// The keys of the commercial reference keep their names, so overrides
// written for it carry over.
var english = Texts{
	// Keys shared with the reference.
	"manageSubscription":                "Change plan",
	"usageTabTitle":                     "Usage",
	"addonsTabTitle":                    "Add-ons",
	"promotionsTabTitle":                "Promotions",
	"promotionsSubtitle":                "You were granted access to additional functionality at no additional cost.",
	"promotionsAccountWide":             "They apply to your whole account, whichever subscription uses them.",
	"contactSupportTitle":               "Have questions about your subscription?",
	"contactSupportLink":                "Contact support",
	"editBilling":                       "Edit billing details",
	"invoicesTitle":                     "Invoices",
	"viewInvoiceHistory":                "View invoice history",
	"editPaymentDetails":                "Edit",
	"paywallSectionTitle":               "Plans",
	"cancelScheduledUpdatesButtonTitle": "Cancel update",

	// pricing: paywall and seats — charged plans' terms, committed
	// quantities, preview lines and the quantity editor.
	"chargePerUnit":           "per {unit}",
	"chargeIncluded":          "{included} included",
	"chargeIncludedThen":      "{included} included, then {price}",
	"chargeTierRange":         "{from}–{to}",
	"chargeTierAbove":         "{from} and above",
	"chargeTierFlat":          "{price} + {flat}",
	"chargeVolumeNote":        "All {units} at the rate of the tier the total reaches.",
	"chargeMinimum":           "Minimum {amount} {per}",
	"chargeLinesLabel":        "What the change charges",
	"chargeLineTimes":         "{quantity} × {price}",
	"chargeUsageSoFar":        "{usage} so far",
	"chargesThisPeriod":       "Charges this period",
	"planStartsAt":            "Starts at",
	"planEstimate":            "{amount} {per} at this quantity",
	"fewerOf":                 "Fewer {units}",
	"moreOf":                  "More {units}",
	"quantityBetween":         "From {min} to {max} {units}.",
	"quantityAtLeast":         "At least {min} {units}.",
	"quantityHave":            "You have {quantity}.",
	"quantityPick":            "Choose a new number of {units} to see what it costs.",
	"quantityScheduledNote":   "You keep {current} until {date}, then move to {quantity}.",
	"quantityRefused":         "{feature}: {message}",
	"changeQuantity":          "Change {units}",
	"scheduledQuantityChange": "Your subscription changes to {quantities} on {date}.",

	// Subscription overview.
	"subscriptionTitle":         "Subscription",
	"noSubscription":            "You have no active subscription.",
	"noSubscriptionHint":        "Choose a plan below to get started.",
	"statusTrialing":            "Trial",
	"statusActive":              "Active",
	"statusCanceled":            "Canceled",
	"statusExpired":             "Expired",
	"trialDaysLeft":             "{days} days left in trial",
	"trialDaysLeft.one":         "{days} day left in trial",
	"trialLastDay":              "Last day of trial",
	"trialEndsOn":               "Trial ends on {date}",
	"customPrice":               "Custom price",
	"freePrice":                 "Free",
	"priceFrom":                 "From {amount}",
	"priceByUsage":              "Billed by usage",
	"perMonth":                  "/ month",
	"perYear":                   "/ year",
	"nextBill":                  "Next bill: {amount} on {date}",
	"noUpcomingBill":            "No upcoming bill",
	"credit":                    "Account credit: {amount}",
	"cancelsOn":                 "Cancels on {date}",
	"renewsOn":                  "Renews on {date}",
	"trialConverts":             "Then {plan} at {amount}, charged to your payment method on file.",
	"trialDowngrades":           "Then you move to the {plan} plan, unless you add a payment method.",
	"trialExpires":              "Then your access ends, unless you add a payment method.",
	"addPaymentMethod":          "Add a payment method",
	"returnTo":                  "← Back to {name}",
	"returnToApp":               "← Back",
	"billFor":                   "for {subscriptions}",
	"endedOn":                   "Ended on {date}",
	"scheduledPlanChange":       "Your plan changes to {plan} on {date}.",
	"scheduledPeriodChange":     "Your billing changes to {period} on {date}.",
	"scheduledAddonsChange":     "Your add-ons change on {date}.",
	"scheduledCancellation":     "Your subscription is scheduled to end on {date}.",
	"scheduledCancellationFree": "Your subscription is scheduled to end on {date}, when you move to {plan}.",
	"cancelSubscription":        "Cancel subscription",
	"cancelConfirmTitle":        "Cancel your subscription?",
	"cancelConfirmBody":         "You can subscribe again at any time.",
	"cancelConfirmButton":       "Cancel subscription",
	"keepSubscription":          "Keep subscription",
	"canceledNotice":            "Your subscription was canceled.",
	"updateCanceledNotice":      "The scheduled update was canceled.",
	"noAddons":                  "No add-ons on this subscription.",
	"addonQuantity":             "× {quantity}",
	"noPromotions":              "No promotions.",
	"promotionExpires":          "Until {date}",

	// Usage.
	"noUsage":            "No metered or limited features on this subscription.",
	"usageOf":            "{usage} of {limit}",
	"usageUnlimited":     "{usage} used · Unlimited",
	"usageUnlimited.one": "{usage} used · Unlimited",
	"included":           "Included",
	"resetsOn":           "Resets on {date}",
	"atLimit":            "Limit reached",
	"nearLimit":          "Nearly at the limit",
	"buyMore":            "Buy more",

	// Paywall.
	"monthly":              "Monthly",
	"annually":             "Annually",
	"billingPeriodLabel":   "Billing period",
	"saveUpTo":             "Save up to {percent}%",
	"mostPopular":          "Most popular",
	"currentPlan":          "Current plan",
	"choosePlan":           "Choose plan",
	"upgrade":              "Upgrade",
	"downgrade":            "Downgrade",
	"startTrial":           "Start {days}-day trial",
	"startTrial.one":       "Start {days}-day trial",
	"switchToAnnual":       "Switch to annual billing",
	"switchToMonthly":      "Switch to monthly billing",
	"contactSales":         "Contact sales",
	"scheduled":            "Scheduled",
	"billedMonthly":        "billed monthly",
	"billedAnnually":       "billed annually",
	"priceContactUs":       "Contact us",
	"unlimited":            "Unlimited",
	"pageDescription":      "Your subscription, usage, plans, payment details and invoices.",
	"entitlementLimit":     "{limit} {feature}",
	"entitlementUnlimited": "Unlimited {feature}",
	"belowUsage":           "Below your current usage of {features}",
	"noPlans":              "No plans are available.",
	"plansLoadError":       "We couldn't load the plans.",
	"productLabel":         "Product",

	// Confirm step.
	"confirmTitle":       "Confirm your change",
	"confirmPlan":        "{plan}, {period}",
	"amountDueNow":       "Due now",
	"creditApplied":      "Credit for unused time",
	"takesEffect":        "Takes effect",
	"immediately":        "Immediately",
	"onDate":             "On {date}",
	"nextBillLabel":      "Next bill",
	"youGain":            "You gain",
	"youLose":            "You lose",
	"limitChange":        "{feature}: {from} → {to}",
	"usageWillReset":     "Metered usage restarts from zero.",
	"belowUsageWarning":  "Your current usage is above the new limits for: {features}.",
	"confirmButton":      "Confirm",
	"backButton":         "Back",
	"previewLoading":     "Working out the change…",
	"changeApplied":      "Your subscription was updated.",
	"changeScheduled":    "Your change is scheduled for {date}.",
	"trialStarted":       "Your trial has started.",
	"checkoutRedirect":   "Taking you to payment…",
	"checkoutDone":       "Payment received. Your subscription updates as soon as it is confirmed.",
	"setupDone":          "Your payment method is saved. It shows here as soon as it is confirmed.",
	"contactSupportBody": "Your subscription has a custom price. Contact us to change it.",
	"contactSalesBody":   "This plan is priced for you by our sales team. Contact us to get it.",

	// Payment details.
	"paymentDetailsTitle":  "Payment details",
	"billingInformation":   "Billing information",
	"paymentMethod":        "Payment method",
	"cardEnding":           "{brand} ending in {last4}",
	"cardExpires":          "Expires {month}/{year}",
	"noPaymentMethod":      "No payment method on file.",
	"billingNotConnected":  "No payment details on file yet.",
	"billingManagedByTeam": "Our team keeps your payment details. To add or change them, contact us.",
	"billingUnavailable":   "Billing details can't be shown right now.",
	"pastDue":              "Your last payment failed. Update your payment method to keep your subscription.",
	"updatePaymentMethod":  "Update payment method",

	// Invoices.
	"invoiceNumber":        "Invoice",
	"invoiceDate":          "Date",
	"invoiceStatus":        "Status",
	"invoiceTotal":         "Total",
	"invoiceLinks":         "Links",
	"invoiceView":          "View",
	"invoicePDF":           "PDF",
	"noInvoices":           "No invoices yet.",
	"invoicePaid":          "Paid",
	"invoiceOpen":          "Open",
	"invoiceDraft":         "Draft",
	"invoiceVoid":          "Void",
	"invoiceUncollectible": "Uncollectible",
	"previousPage":         "Previous",
	"nextPage":             "Next",
	"pageOf":               "Page {page} of {pages}",

	// pricing: usage, upcoming invoice, invoice lines.
	"usageIncluded":        "{usage} of {included} included",
	"usageIncludedOver":    "{usage} of {included} included · {over} over",
	"usageCostSoFar":       "{amount} so far, billed on {date}",
	"usagePricePerBlock":   "{price} per {block} beyond what is included",
	"usagePricePerUnit":    "{price} each beyond what is included",
	"payAsYouGo":           "Pay as you go",
	"upcomingInvoiceTitle": "Upcoming invoice",
	"upcomingInvoiceDate":  "Billed on {date}",
	"upcomingEstimated":    "Estimated: usage so far. The total follows your usage until {date}.",
	"noUpcomingInvoice":    "Nothing to bill on your next invoice.",
	"upcomingLoadError":    "We couldn't load your upcoming invoice.",
	"upcomingSubtotal":     "Subtotal",
	"upcomingCredit":       "Account credit",
	"upcomingTotal":        "Total",
	"lineDescription":      "Description",
	"lineAmount":           "Amount",
	"lineFee":              "{plan} plan",
	"linePeriod":           "{start} – {end}",
	"lineUnits":            "{quantity} × {unit}",
	"lineTier":             "{quantity} × {unit} for units {from}–{to}",
	"lineTierOpen":         "{quantity} × {unit} for units {from} and up",
	"lineFlat":             "{detail} + {flat}",
	"lineProrated":         "{detail}, prorated for {start} – {end}",
	"lineUsage":            "{usage} used, {included} included · {quantity} × {unit}",
	"lineMinimum":          "Top-up to the minimum spend",
	"lineBalance":          "Credit balance applied",
	"lineCarried":          "Credit kept as balance",
	"lineCredit":           "Credit for unused time",
	"invoiceShowLines":     "Details",
	"invoiceHideLines":     "Hide details",
	"invoiceLinesLabel":    "Lines of invoice {number}",

	// States.
	"loading":        "Loading your subscription…",
	"loadError":      "We couldn't load your subscription.",
	"retry":          "Try again",
	"actionError":    "That didn't work: {error}",
	"refreshError":   "We couldn't refresh your subscription, so what you see may be out of date: {error}",
	"sessionExpired": "Your session has expired. Reload the page from your account to continue.",
	"sessionInvalid": "This link is not valid. Open the billing portal again from your account.",
	"missingSession": "This link has no portal session. Open the billing portal from your account again.",
	"dismiss":        "Dismiss",

	// Cancellation and scheduled updates, confirmed in dialogs.
	"undoCancellation":         "Undo cancellation",
	"cancelAccessUntil":        "You keep access to {plan} until {date}.",
	"cancelAccessEndsNow":      "Your access to {plan} ends now, on {date}.",
	"cancelScheduledNotice":    "Your subscription will end on {date}. You keep access until then.",
	"cancelUpdateTitle":        "Cancel the scheduled change?",
	"cancelUpdateBody":         "If you cancel it, your {plan} subscription stays as it is.",
	"keepUpdate":               "Keep the change",
	"confirmCancelUpdate":      "Cancel the change",
	"undoCancellationTitle":    "Keep your subscription?",
	"undoCancellationBody":     "Your {plan} subscription goes on after {date} and renews as usual.",
	"cancellationUndoneNotice": "Your subscription goes on and renews on {date}.",

	// Add-ons: those a change drops, those the customer adds, changes and
	// removes.
	"addonsRemoved":      "Add-ons removed",
	"availableAddons":    "Available add-ons",
	"addAddon":           "Add",
	"addAddonLabel":      "Add {addon}",
	"changeAddon":        "Change",
	"changeAddonLabel":   "Change {addon}",
	"addonUnitPrice":     "{price} {per} each",
	"addonGrants":        "each adds {grants}",
	"addonQuantityLabel": "Quantity",
	"fewerUnits":         "One fewer",
	"moreUnits":          "One more",
	"addonHave":          "You have {quantity}.",
	"addonUpTo":          "Up to {max}.",
	"addonPickQuantity":  "Choose a new quantity to see what it costs.",
	"removeAddon":        "Remove add-on",
	"replacesScheduled":  "This change replaces the one scheduled for {date}.",
	"raiseLimitWithPlan": "To raise this limit, choose another plan.",
	// usage history chart: a metered feature's usage by day and by month.
	"chartViews":              "Usage chart",
	"chartThisPeriod":         "This period",
	"chartPastMonths":         "Past months",
	"chartLoading":            "Loading your usage history…",
	"chartLoadError":          "We couldn't load your usage history.",
	"chartEmpty":              "No usage recorded yet.",
	"chartPeriodSummary":      "{feature} from {from} to {to}: {usage} so far, {projected} projected by the end of the period",
	"chartPeriodSummaryEarly": "{feature} from {from} to {to}: {usage} so far",
	"chartMonthsSummary":      "{feature} by month from {from} to {to}, up to {max} a month",
	"chartShowData":           "Show data",
	"chartHideData":           "Hide data",
	"chartPeriodCaption":      "{feature} this period, by day",
	"chartMonthsCaption":      "{feature} by month",
	"chartDay":                "Day",
	"chartMonth":              "Month",
	"chartUsed":               "Used",
	"chartTotal":              "Total so far",
	"chartProjection":         "Projected by {date}: {usage} {feature}",
	"chartProjectionLater":    "A projection of the period's end shows from its third day.",
	"chartProjectedCost":      "Projected cost: {amount}",
}

// DefaultTexts returns the English texts: every key with its default.
func DefaultTexts() Texts { return maps.Clone(english) }

// TextsFor returns the locale's texts ("fr", "fr-CA"…) with overrides
// merged over them; unknown locales fall back to English. In the wasm
// client, which holds English only, a provider reads the locale's texts
// from the page the server drew (see drawing.Bundle).
func TextsFor(locale string, overrides Texts) Texts {
	return mergeTexts(bundles[KnownLocale(locale)], overrides)
}

// LocaleTexts returns a locale's own texts as this build holds them, and
// false when it holds none: the server holds every built-in locale, the
// wasm client English only (unless built with the portico_locales tag).
func LocaleTexts(locale string) (Texts, bool) {
	b, ok := bundles[KnownLocale(locale)]
	return maps.Clone(b), ok
}

// mergeTexts is English, with a locale's texts over it and the non-empty
// overrides over both: English is the fallback of any key a locale lacks.
func mergeTexts(locale, overrides Texts) Texts {
	out := maps.Clone(english)
	maps.Copy(out, locale)
	for k, v := range overrides {
		if v != "" {
			out[k] = v
		}
	}
	return out
}

// Get returns the text for key with {name} placeholders filled from args
// given as name, value pairs. A missing key shows the key itself, so a typo
// is visible rather than blank.
func (t Texts) Get(key string, args ...string) string {
	s, ok := t[key]
	if !ok {
		s = english[key]
	}
	if s == "" {
		return key
	}
	for i := 0; i+1 < len(args); i += 2 {
		s = strings.ReplaceAll(s, "{"+args[i]+"}", args[i+1])
	}
	return s
}

// Count returns a counted text in the form the locale's grammar gives n:
// the key with n's plural category added ("trialDaysLeft.one",
// "trialDaysLeft.few"…) when the texts have it, else the key itself, which
// holds the "other" form. Which categories a locale has is CLDR's
// (PluralCategories): each locale's texts give every form of its own.
func (t Texts) Count(locale, key string, n int64, args ...string) string {
	if c := PluralCategory(locale, n); c != PluralOther && t[key+"."+c] != "" {
		return t.Get(key+"."+c, args...)
	}
	return t.Get(key, args...)
}
