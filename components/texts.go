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

	// Subscription overview.
	"subscriptionTitle":         "Subscription",
	"noSubscription":            "You have no active subscription.",
	"noSubscriptionHint":        "Choose a plan below to get started.",
	"statusTrialing":            "Trial",
	"statusActive":              "Active",
	"statusCanceled":            "Canceled",
	"statusExpired":             "Expired",
	"trialDaysLeft":             "{days} days left in trial",
	"trialLastDay":              "Last day of trial",
	"trialEndsOn":               "Trial ends on {date}",
	"customPrice":               "Custom price",
	"freePrice":                 "Free",
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
	"noUsage":        "No metered or limited features on this subscription.",
	"usageOf":        "{usage} of {limit}",
	"usageUnlimited": "{usage} used · Unlimited",
	"included":       "Included",
	"resetsOn":       "Resets on {date}",
	"atLimit":        "Limit reached",
	"nearLimit":      "Nearly at the limit",
	"buyMore":        "Buy more",

	// Paywall.
	"monthly":            "Monthly",
	"annually":           "Annually",
	"billingPeriodLabel": "Billing period",
	"saveUpTo":           "Save up to {percent}%",
	"mostPopular":        "Most popular",
	"currentPlan":        "Current plan",
	"choosePlan":         "Choose plan",
	"upgrade":            "Upgrade",
	"downgrade":          "Downgrade",
	"startTrial":         "Start {days}-day trial",
	"switchToAnnual":     "Switch to annual billing",
	"switchToMonthly":    "Switch to monthly billing",
	"contactSales":       "Contact sales",
	"scheduled":          "Scheduled",
	"billedMonthly":      "billed monthly",
	"billedAnnually":     "billed annually",
	"priceContactUs":     "Contact us",
	"unlimited":          "Unlimited",
	"belowUsage":         "Below your current usage of {features}",
	"noPlans":            "No plans are available.",
	"plansLoadError":     "We couldn't load the plans.",
	"productLabel":       "Product",

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
}

var french = Texts{
	"manageSubscription":                "Changer d’offre",
	"usageTabTitle":                     "Utilisation",
	"addonsTabTitle":                    "Options",
	"promotionsTabTitle":                "Promotions",
	"promotionsSubtitle":                "Vous bénéficiez de fonctionnalités supplémentaires sans frais.",
	"promotionsAccountWide":             "Elles valent pour tout votre compte, quel que soit l’abonnement qui les utilise.",
	"contactSupportTitle":               "Des questions sur votre abonnement ?",
	"contactSupportLink":                "Contacter le support",
	"editBilling":                       "Modifier la facturation",
	"invoicesTitle":                     "Factures",
	"viewInvoiceHistory":                "Historique des factures",
	"editPaymentDetails":                "Modifier",
	"paywallSectionTitle":               "Offres",
	"cancelScheduledUpdatesButtonTitle": "Annuler la modification",

	"subscriptionTitle":         "Abonnement",
	"noSubscription":            "Vous n’avez pas d’abonnement actif.",
	"noSubscriptionHint":        "Choisissez une offre ci-dessous pour commencer.",
	"statusTrialing":            "Essai",
	"statusActive":              "Actif",
	"statusCanceled":            "Résilié",
	"statusExpired":             "Expiré",
	"trialDaysLeft":             "Encore {days} jours d’essai",
	"trialLastDay":              "Dernier jour d’essai",
	"trialEndsOn":               "L’essai se termine le {date}",
	"customPrice":               "Prix sur mesure",
	"freePrice":                 "Gratuit",
	"perMonth":                  "/ mois",
	"perYear":                   "/ an",
	"nextBill":                  "Prochaine facture : {amount} le {date}",
	"noUpcomingBill":            "Aucune facture à venir",
	"credit":                    "Crédit : {amount}",
	"cancelsOn":                 "Résiliation le {date}",
	"renewsOn":                  "Renouvellement le {date}",
	"trialConverts":             "Ensuite {plan} à {amount}, débité sur votre moyen de paiement enregistré.",
	"trialDowngrades":           "Ensuite vous passez à l’offre {plan}, sauf si vous ajoutez un moyen de paiement.",
	"trialExpires":              "Ensuite votre accès prend fin, sauf si vous ajoutez un moyen de paiement.",
	"addPaymentMethod":          "Ajouter un moyen de paiement",
	"returnTo":                  "← Retour à {name}",
	"returnToApp":               "← Retour",
	"billFor":                   "pour {subscriptions}",
	"endedOn":                   "Terminé le {date}",
	"scheduledPlanChange":       "Votre offre passe à {plan} le {date}.",
	"scheduledPeriodChange":     "Votre facturation passe en {period} le {date}.",
	"scheduledAddonsChange":     "Vos options changent le {date}.",
	"scheduledCancellation":     "La fin de votre abonnement est prévue le {date}.",
	"scheduledCancellationFree": "La fin de votre abonnement est prévue le {date} ; vous passerez alors à {plan}.",
	"cancelSubscription":        "Résilier l’abonnement",
	"cancelConfirmTitle":        "Résilier votre abonnement ?",
	"cancelConfirmBody":         "Vous pouvez vous réabonner à tout moment.",
	"cancelConfirmButton":       "Résilier",
	"keepSubscription":          "Conserver l’abonnement",
	"canceledNotice":            "Votre abonnement a été résilié.",
	"updateCanceledNotice":      "La modification prévue a été annulée.",
	"noAddons":                  "Aucune option sur cet abonnement.",
	"noPromotions":              "Aucune promotion.",
	"promotionExpires":          "Jusqu’au {date}",

	"noUsage":        "Aucune fonctionnalité limitée sur cet abonnement.",
	"usageOf":        "{usage} sur {limit}",
	"usageUnlimited": "{usage} utilisés · Illimité",
	"included":       "Inclus",
	"resetsOn":       "Remise à zéro le {date}",
	"atLimit":        "Limite atteinte",
	"nearLimit":      "Limite presque atteinte",
	"buyMore":        "En acheter plus",

	"monthly":            "Mensuel",
	"annually":           "Annuel",
	"billingPeriodLabel": "Période de facturation",
	"saveUpTo":           "Jusqu’à {percent} % d’économie",
	"mostPopular":        "La plus choisie",
	"currentPlan":        "Offre actuelle",
	"choosePlan":         "Choisir",
	"upgrade":            "Monter en gamme",
	"downgrade":          "Descendre en gamme",
	"startTrial":         "Essai gratuit de {days} jours",
	"switchToAnnual":     "Passer à la facturation annuelle",
	"switchToMonthly":    "Passer à la facturation mensuelle",
	"contactSales":       "Contacter l’équipe commerciale",
	"scheduled":          "Prévu",
	"billedMonthly":      "facturé chaque mois",
	"billedAnnually":     "facturé chaque année",
	"priceContactUs":     "Nous contacter",
	"unlimited":          "Illimité",
	"belowUsage":         "Inférieur à votre utilisation actuelle de {features}",
	"noPlans":            "Aucune offre disponible.",
	"plansLoadError":     "Impossible de charger les offres.",
	"productLabel":       "Produit",

	"confirmTitle":       "Confirmer la modification",
	"amountDueNow":       "À payer maintenant",
	"creditApplied":      "Crédit pour la période non utilisée",
	"takesEffect":        "Prise d’effet",
	"immediately":        "Immédiatement",
	"onDate":             "Le {date}",
	"nextBillLabel":      "Prochaine facture",
	"youGain":            "Vous gagnez",
	"youLose":            "Vous perdez",
	"limitChange":        "{feature} : {from} → {to}",
	"usageWillReset":     "L’utilisation mesurée repart de zéro.",
	"belowUsageWarning":  "Votre utilisation actuelle dépasse les nouvelles limites pour : {features}.",
	"confirmButton":      "Confirmer",
	"backButton":         "Retour",
	"previewLoading":     "Calcul de la modification…",
	"changeApplied":      "Votre abonnement a été mis à jour.",
	"changeScheduled":    "Votre modification est prévue le {date}.",
	"trialStarted":       "Votre essai a commencé.",
	"checkoutRedirect":   "Redirection vers le paiement…",
	"checkoutDone":       "Paiement reçu. Votre abonnement sera mis à jour dès sa confirmation.",
	"setupDone":          "Votre moyen de paiement est enregistré. Il s’affiche ici dès sa confirmation.",
	"contactSupportBody": "Votre abonnement a un prix sur mesure. Contactez-nous pour le modifier.",
	"contactSalesBody":   "Cette offre est tarifée sur mesure par notre équipe commerciale. Contactez-nous pour l’obtenir.",

	"paymentDetailsTitle":  "Moyen de paiement",
	"billingInformation":   "Informations de facturation",
	"paymentMethod":        "Moyen de paiement",
	"cardEnding":           "{brand} se terminant par {last4}",
	"cardExpires":          "Expire le {month}/{year}",
	"noPaymentMethod":      "Aucun moyen de paiement enregistré.",
	"billingNotConnected":  "Aucune information de paiement enregistrée pour l’instant.",
	"billingManagedByTeam": "Notre équipe gère vos informations de paiement. Pour les ajouter ou les modifier, contactez-nous.",
	"billingUnavailable":   "Les informations de facturation sont momentanément indisponibles.",
	"pastDue":              "Votre dernier paiement a échoué. Mettez à jour votre moyen de paiement pour conserver votre abonnement.",
	"updatePaymentMethod":  "Mettre à jour le moyen de paiement",

	"invoiceNumber":        "Facture",
	"invoiceDate":          "Date",
	"invoiceStatus":        "Statut",
	"invoiceTotal":         "Total",
	"invoiceLinks":         "Liens",
	"invoiceView":          "Voir",
	"invoicePaid":          "Payée",
	"invoiceOpen":          "À payer",
	"invoiceDraft":         "Brouillon",
	"invoiceVoid":          "Annulée",
	"invoiceUncollectible": "Irrécouvrable",
	"noInvoices":           "Aucune facture pour le moment.",
	"previousPage":         "Précédent",
	"nextPage":             "Suivant",
	"pageOf":               "Page {page} sur {pages}",

	"loading":        "Chargement de votre abonnement…",
	"loadError":      "Impossible de charger votre abonnement.",
	"retry":          "Réessayer",
	"actionError":    "L’opération a échoué : {error}",
	"refreshError":   "Impossible d’actualiser votre abonnement ; l’affichage peut ne pas être à jour : {error}",
	"sessionExpired": "Votre session a expiré. Rechargez la page depuis votre compte pour continuer.",
	"sessionInvalid": "Ce lien n’est pas valide. Ouvrez de nouveau le portail de facturation depuis votre compte.",
	"missingSession": "Ce lien ne contient pas de session. Ouvrez de nouveau le portail de facturation depuis votre compte.",
	"dismiss":        "Fermer",

	"undoCancellation":         "Annuler la résiliation",
	"cancelAccessUntil":        "Vous gardez l’accès à {plan} jusqu’au {date}.",
	"cancelAccessEndsNow":      "Votre accès à {plan} prend fin maintenant, le {date}.",
	"cancelScheduledNotice":    "Votre abonnement prendra fin le {date}. Vous gardez l’accès d’ici là.",
	"cancelUpdateTitle":        "Annuler la modification prévue ?",
	"cancelUpdateBody":         "Si vous l’annulez, votre abonnement {plan} reste tel quel.",
	"keepUpdate":               "Conserver la modification",
	"confirmCancelUpdate":      "Annuler la modification",
	"undoCancellationTitle":    "Conserver votre abonnement ?",
	"undoCancellationBody":     "Votre abonnement {plan} continue après le {date} et se renouvelle normalement.",
	"cancellationUndoneNotice": "Votre abonnement continue et se renouvelle le {date}.",

	"addonsRemoved":      "Options retirées",
	"availableAddons":    "Options disponibles",
	"addAddon":           "Ajouter",
	"addAddonLabel":      "Ajouter {addon}",
	"changeAddon":        "Modifier",
	"changeAddonLabel":   "Modifier {addon}",
	"addonUnitPrice":     "{price} {per} l’unité",
	"addonGrants":        "chaque unité ajoute {grants}",
	"addonQuantityLabel": "Quantité",
	"fewerUnits":         "Une de moins",
	"moreUnits":          "Une de plus",
	"addonHave":          "Vous en avez {quantity}.",
	"addonUpTo":          "Jusqu’à {max}.",
	"addonPickQuantity":  "Choisissez une nouvelle quantité pour en voir le prix.",
	"removeAddon":        "Retirer l’option",
	"replacesScheduled":  "Cette modification remplace celle prévue le {date}.",
	"raiseLimitWithPlan": "Pour relever cette limite, choisissez une autre offre.",
}

// bundles are the built-in locales; English is the fallback for any key a
// bundle lacks.
var bundles = map[string]Texts{"en": english, "fr": french}

// Locales lists the built-in locale bundles.
func Locales() []string { return []string{"en", "fr"} }

// DefaultTexts returns the English texts: every key with its default.
func DefaultTexts() Texts { return maps.Clone(english) }

// TextsFor returns the locale's texts ("fr", "fr-CA"…) with overrides
// merged over them; unknown locales fall back to English.
func TextsFor(locale string, overrides Texts) Texts {
	out := maps.Clone(english)
	lang, _, _ := strings.Cut(strings.ToLower(locale), "-")
	maps.Copy(out, bundles[lang])
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
