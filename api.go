package portico

import "time"

// The request and response bodies of the HTTP API (docs/api.md). The server
// validates requests with the `validate` tags; the client only decodes.

// CreateCustomerRequest is the body of POST /api/v1/customers.
type CreateCustomerRequest struct {
	ID       string            `json:"id" validate:"required,slug"`
	Name     string            `json:"name,omitempty" validate:"max=200"`
	Email    string            `json:"email,omitempty" validate:"omitempty,email,max=320"`
	Metadata map[string]string `json:"metadata,omitempty" validate:"max=50,dive,keys,max=40,endkeys,max=500"`
	// Billing optionally seeds the local billing profile.
	Billing *BillingProfile `json:"billing,omitempty"`
	// Currency is the currency the customer pays in; empty: their first
	// subscription's product's first currency.
	Currency string `json:"currency,omitempty" validate:"omitempty,currency"`
}

// UpdateCustomerRequest is the body of PATCH /api/v1/customers/{id}: the
// fields given change, the others stay.
type UpdateCustomerRequest struct {
	// Currency changes what the customer pays in. It is refused while a
	// live subscription is billed in another currency, or while a credit
	// balance in another currency remains.
	Currency string `json:"currency,omitempty" validate:"omitempty,currency"`
}

// ChangeRequest provisions or changes a subscription (backend and portal).
type ChangeRequest struct {
	// SubscriptionID names the subscription to change; for single products
	// the product's live subscription is found without it.
	SubscriptionID string          `json:"subscriptionId,omitempty" validate:"omitempty,slug"`
	PlanID         string          `json:"planId" validate:"required,slug"`
	BillingPeriod  BillingPeriod   `json:"billingPeriod,omitempty" validate:"omitempty,billing_period"`
	Addons         []AddonQuantity `json:"addons,omitempty" validate:"max=50,dive"`
	ResourceID     string          `json:"resourceId,omitempty" validate:"omitempty,slug"`
	// Price sets the price of a custom-priced plan (backend only).
	Price *Money `json:"price,omitempty"`
	// Quantities are the committed quantities of the target plan's per-unit
	// and tiered charges, by feature; on a change an omitted one keeps the
	// current quantity.
	Quantities map[string]int64 `json:"quantities,omitempty" validate:"max=20"`
}

// CancelRequest is the body of a cancellation.
type CancelRequest struct {
	AlsoCancelProductIDs []string `json:"alsoCancelProductIds,omitempty" validate:"max=50,dive,slug"`
}

// PromotionRequest grants a promotional entitlement.
type PromotionRequest struct {
	FeatureID string     `json:"featureId" validate:"required,slug"`
	Limit     *int64     `json:"limit,omitempty" validate:"omitempty,min=0"`
	Unlimited bool       `json:"unlimited,omitempty"`
	ExpiresAt *time.Time `json:"expiresAt,omitempty"`
}

// UsageRequest adds Value to a feature's usage. Value may be negative for
// numeric features (seats freed) but never takes usage below zero.
type UsageRequest struct {
	CustomerID string `json:"customerId" validate:"required,slug"`
	FeatureID  string `json:"featureId" validate:"required,slug"`
	Value      int64  `json:"value" validate:"required"`
	ResourceID string `json:"resourceId,omitempty" validate:"omitempty,slug"`
	// IdempotencyKey, when given, counts the event once per key, whichever
	// call (this one or a batch) brings it; Timestamp places it.
	IdempotencyKey string     `json:"idempotencyKey,omitempty" validate:"max=255"`
	Timestamp      *time.Time `json:"timestamp,omitempty"`
}

// Event is the request as an event of a batch.
func (r UsageRequest) Event() UsageEvent {
	return UsageEvent{CustomerID: r.CustomerID, FeatureID: r.FeatureID, Value: r.Value, ResourceID: r.ResourceID,
		IdempotencyKey: r.IdempotencyKey, Timestamp: r.Timestamp}
}

// EntitlementView is a feature's access for a customer.
type EntitlementView struct {
	FeatureID   string      `json:"featureId"`
	FeatureName string      `json:"featureName"`
	Type        FeatureType `json:"type"`
	Unit        string      `json:"unit,omitempty"`
	HasAccess   bool        `json:"hasAccess"`
	Limit       int64       `json:"limit"`
	Unlimited   bool        `json:"unlimited"`
	Usage       int64       `json:"usage"`
	ResetAt     *time.Time  `json:"resetAt,omitempty"`
	// PeriodStart is when a metered feature's current usage period began
	// (it ends at ResetAt).
	PeriodStart *time.Time `json:"periodStart,omitempty"`
	Source      string     `json:"source"`
	// SoftLimit marks a usage-priced feature: usage beyond Limit (the
	// included units) keeps access and is billed.
	SoftLimit bool `json:"softLimit,omitempty"`
}

// CustomerView is a customer with subscriptions (GET /customers/{id}).
type CustomerView struct {
	Customer
	Subscriptions []SubscriptionView `json:"subscriptions"`
	Promotions    []Promotion        `json:"promotions"`
}

// SubscriptionView is a subscription as shown to people.
type SubscriptionView struct {
	ID                 string             `json:"id"`
	ProductID          string             `json:"productId"`
	ProductName        string             `json:"productName"`
	ResourceID         string             `json:"resourceId"`
	Plan               PlanRef            `json:"plan"`
	Status             SubscriptionStatus `json:"status"`
	Pricing            Pricing            `json:"pricing"`
	BillingPeriod      BillingPeriod      `json:"billingPeriod"`
	Price              Money              `json:"price"`
	Total              Money              `json:"total"`
	Addons             []AddonView        `json:"addons"`
	TrialEndsAt        *time.Time         `json:"trialEndsAt"`
	CurrentPeriodStart time.Time          `json:"currentPeriodStart"`
	CurrentPeriodEnd   time.Time          `json:"currentPeriodEnd"`
	CancelAt           *time.Time         `json:"cancelAt"`
	EndedAt            *time.Time         `json:"endedAt"`
	ScheduledUpdates   []ScheduledUpdate  `json:"scheduledUpdates"`
	// Quantities are the committed quantities; Charges the charges of the
	// current period (committed amounts, usage so far priced).
	Quantities map[string]int64 `json:"quantities"`
	Charges    []ChargeView     `json:"charges"`
	// MinimumSpend is the period's minimum spend, if the plan has one.
	MinimumSpend *Money `json:"minimumSpend,omitempty"`
	// Cancellation is when a cancellation asked for now would end access:
	// "end_of_period" (at CurrentPeriodEnd) or "immediate"; empty once the
	// subscription has ended. It lets the portal give the date before the
	// customer confirms.
	Cancellation Timing `json:"cancellation,omitempty"`

	// TrialOutcome, on a trial, says what its end will do.
	TrialOutcome *TrialOutcome `json:"trialOutcome,omitempty"`
}

// TrialAction is what a trial's end does.
type TrialAction string

// Trial outcomes.
const (
	TrialConverts   TrialAction = "convert"   // a payment method is on file: the paid plan starts and is billed
	TrialDowngrades TrialAction = "downgrade" // no payment method: the customer moves to Plan, the free plan
	TrialExpires    TrialAction = "expire"    // no payment method: access ends
)

// Values lists what a trial's end may do.
func (TrialAction) Values() []TrialAction {
	return []TrialAction{TrialConverts, TrialDowngrades, TrialExpires}
}

// TrialOutcome is what a trial's end will do, as things stand.
type TrialOutcome struct {
	Action TrialAction `json:"action"`
	Plan   *PlanRef    `json:"plan,omitempty"`
}

// PlanRef names a plan.
type PlanRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// AddonView is an add-on on a subscription.
type AddonView struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Quantity int    `json:"quantity"`
	Price    Money  `json:"price"`
}

// PortalView is everything the portal shows (GET /api/v1/portal).
type PortalView struct {
	Customer      PortalCustomer     `json:"customer"`
	Subscriptions []SubscriptionView `json:"subscriptions"`
	Entitlements  []EntitlementView  `json:"entitlements"`
	Promotions    []PromotionView    `json:"promotions"`
	Billing       BillingView        `json:"billing"`
	Invoices      []Invoice          `json:"invoices"`
	NextBill      *Bill              `json:"nextBill"`
	// NextBillFor lists the subscriptions the next bill is for.
	NextBillFor []string    `json:"nextBillFor,omitempty"`
	Credit      Money       `json:"credit"`
	Scope       PortalScope `json:"scope"`
	// Now is the server's time (the test clock's, when on), for "days left".
	Now time.Time `json:"now"`
	// PastDue is set while a payment has failed: the portal asks the
	// customer to update their payment method.
	PastDue bool `json:"pastDue"`
	// ReturnURL is where the portal's back link leads, from the session.
	ReturnURL string `json:"returnUrl,omitempty"`
	// Business is who runs the portal, from the server's settings and the
	// session.
	Business *Business `json:"business,omitempty"`
}

// Business is the business whose customers use the portal: its name and
// logo head the portal, and SupportURL (an http(s) URL or a mailto:
// address; the session's, else the server's) is where "Contact support"
// leads when the page sets no link of its own.
type Business struct {
	Name       string `json:"name,omitempty"`
	LogoURL    string `json:"logoUrl,omitempty"`
	SupportURL string `json:"supportUrl,omitempty"`
}

// PortalCustomer is the customer as the portal shows them.
type PortalCustomer struct {
	ID    string `json:"id"`
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	// Currency is what the customer pays in; empty until set or until
	// their first subscription starts.
	Currency string `json:"currency,omitempty"`
}

// PortalScope is what a portal session is limited to.
type PortalScope struct {
	CustomerID string `json:"customerId"`
	ProductID  string `json:"productId,omitempty"`
	ResourceID string `json:"resourceId,omitempty"`
	// Locale is the language a request asked for: views show the
	// catalog's translations into it. It grants nothing: sessions are not
	// minted with it.
	Locale string `json:"locale,omitempty"`
}

// PromotionView is a promotion with its feature's name.
type PromotionView struct {
	Promotion
	FeatureName string `json:"featureName"`
	Unit        string `json:"unit,omitempty"`
}

// BillingView is the payment details section's data.
type BillingView struct {
	Connected bool `json:"connected"`
	// Unavailable is set when the billing provider did not answer in time:
	// the rest of the portal is current, this part should be retried.
	Unavailable   bool           `json:"unavailable,omitempty"`
	Provider      string         `json:"provider,omitempty"`
	Name          string         `json:"name,omitempty"`
	Email         string         `json:"email,omitempty"`
	Address       *Address       `json:"address,omitempty"`
	PaymentMethod *PaymentMethod `json:"paymentMethod,omitempty"`
}

// Invoice is a bill issued to the customer.
type Invoice struct {
	ID       string    `json:"id"`
	Number   string    `json:"number"`
	Status   string    `json:"status"`
	Total    int64     `json:"total"`
	Currency string    `json:"currency"`
	Created  time.Time `json:"created"`
	// Description says what was billed, e.g. "Pro (monthly)".
	Description string `json:"description,omitempty"`
	// SubscriptionID is the subscription billed, when the invoice is for
	// one: a portal limited to a product or resource shows only its own.
	SubscriptionID string `json:"subscriptionId,omitempty"`
	HostedURL      string `json:"hostedUrl,omitempty"`
	PDFURL         string `json:"pdfUrl,omitempty"`
	// Lines are what the total is made of.
	Lines []Line `json:"lines,omitempty"`
}

// Bill is an upcoming charge.
type Bill struct {
	Amount   int64     `json:"amount"`
	Currency string    `json:"currency"`
	Date     time.Time `json:"date"`
}

// ConsoleHeader is the header, with the value "1", that the console's own
// client sends with every call: console writes are refused without it. A
// plain HTML form cannot send a header of its own, and another site's
// script could only after a CORS preflight that Portico never grants.
const ConsoleHeader = "X-Portico-Console"

// Intent is what choosing a plan would do for a customer.
type Intent string

// Paywall intents.
const (
	IntentCurrent      Intent = "current"
	IntentSubscribe    Intent = "subscribe"
	IntentUpgrade      Intent = "upgrade"
	IntentDowngrade    Intent = "downgrade"
	IntentStartTrial   Intent = "start_trial"
	IntentSwitchPeriod Intent = "switch_period"
	IntentContactSales Intent = "contact_sales"
	IntentScheduled    Intent = "scheduled"
)

// Values lists the intents.
func (Intent) Values() []Intent {
	return []Intent{IntentCurrent, IntentSubscribe, IntentUpgrade, IntentDowngrade, IntentStartTrial,
		IntentSwitchPeriod, IntentContactSales, IntentScheduled}
}

// PaywallView is a product's plans for one customer
// (GET /api/v1/portal/paywall).
type PaywallView struct {
	Product        ProductRef      `json:"product"`
	BillingPeriod  BillingPeriod   `json:"billingPeriod"`
	BillingPeriods []BillingPeriod `json:"billingPeriods"`
	SubscriptionID string          `json:"subscriptionId,omitempty"`
	Plans          []PaywallPlan   `json:"plans"`
	Addons         []PaywallAddon  `json:"addons"`
	// Currency is the customer's currency (the product's first for one who
	// has none yet): the plans and add-ons shown are those sold in it, with
	// their prices in it.
	Currency string `json:"currency"`
}

// ProductRef names a product.
type ProductRef struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Description string            `json:"description,omitempty"`
	Metadata    map[string]string `json:"metadata,omitempty"`
}

// PaywallPlan is a plan card.
type PaywallPlan struct {
	ID           string            `json:"id"`
	Name         string            `json:"name"`
	Description  string            `json:"description,omitempty"`
	Order        int               `json:"order"`
	Pricing      Pricing           `json:"pricing"`
	Prices       []Price           `json:"prices"`
	Price        *Money            `json:"price,omitempty"`
	TrialDays    int               `json:"trialDays,omitempty"`
	Entitlements []EntitlementLine `json:"entitlements"`
	AddonIDs     []string          `json:"addonIds,omitempty"`
	Intent       Intent            `json:"intent"`
	Highlighted  bool              `json:"highlighted,omitempty"`
	// BelowUsage lists features whose limit on this plan is below the
	// customer's current usage.
	BelowUsage []string `json:"belowUsage,omitempty"`
	// Charges are the plan's charges at the chosen period's prices;
	// StartsAt the period's total at each charge's least quantity and no
	// usage; MinimumSpend the period's minimum spend.
	Charges      []Charge `json:"charges,omitempty"`
	StartsAt     *Money   `json:"startsAt,omitempty"`
	MinimumSpend *Money   `json:"minimumSpend,omitempty"`
	// ChargeFeatures name the features the charges price (name, unit,
	// type), for the card's wording.
	ChargeFeatures []EntitlementLine `json:"chargeFeatures,omitempty"`
	// Quantities are the customer's current committed quantities on this
	// plan's charged features (the stepper's starting values).
	Quantities map[string]int64 `json:"quantities,omitempty"`
}

// PaywallAddon is an add-on offered with plans.
type PaywallAddon struct {
	ID           string            `json:"id"`
	Name         string            `json:"name"`
	Description  string            `json:"description,omitempty"`
	MaxQuantity  int               `json:"maxQuantity,omitempty"`
	Prices       []Price           `json:"prices"`
	Entitlements []EntitlementLine `json:"entitlements"`
}

// EntitlementLine is an entitlement with its feature's name.
type EntitlementLine struct {
	FeatureID   string      `json:"featureId"`
	FeatureName string      `json:"featureName"`
	Type        FeatureType `json:"type"`
	Unit        string      `json:"unit,omitempty"`
	Limit       int64       `json:"limit,omitempty"`
	Unlimited   bool        `json:"unlimited,omitempty"`
	// Change and PreviousLimit describe a preview's gained and lost lines:
	// "added", "removed", "increased" or "decreased".
	Change            string `json:"change,omitempty"`
	PreviousLimit     *int64 `json:"previousLimit,omitempty"`
	PreviousUnlimited bool   `json:"previousUnlimited,omitempty"`
}

// Preview is what a change would do, computed without making it.
type Preview struct {
	Intent       Intent            `json:"intent"`
	Effective    Timing            `json:"effective"`
	EffectiveAt  time.Time         `json:"effectiveAt"`
	AmountDueNow Money             `json:"amountDueNow"`
	Credit       Money             `json:"credit"`
	NextBill     *Bill             `json:"nextBill"`
	Gained       []EntitlementLine `json:"gained"`
	Lost         []EntitlementLine `json:"lost"`
	// DroppedAddons are the current add-ons the change removes.
	DroppedAddons []AddonView `json:"droppedAddons"`
	// BelowUsage lists features whose new limit is below current usage.
	BelowUsage []string `json:"belowUsage,omitempty"`
	// UsageReset reports whether metered usage restarts from zero.
	UsageReset bool `json:"usageReset"`
	// Lines are what is charged now; their amounts less Credit make
	// AmountDueNow.
	Lines []Line `json:"lines"`
	// Quantities are the committed quantities after the change.
	Quantities map[string]int64 `json:"quantities,omitempty"`
}

// CancelResult is the answer to a cancellation: the subscription and any
// others cancelled with it.
type CancelResult struct {
	Subscription SubscriptionView   `json:"subscription"`
	AlsoCanceled []SubscriptionView `json:"alsoCanceled"`
	Credit       Money              `json:"credit"`
}

// ChangeResult is the answer to an applied change. With CheckoutURL set
// nothing has changed yet: the customer pays there first, and the change
// applies when the billing provider reports the payment.
type ChangeResult struct {
	Subscription SubscriptionView `json:"subscription"`
	Preview      Preview          `json:"preview"`
	CheckoutURL  string           `json:"checkoutUrl,omitempty"`
}

// PortalSessionRequest mints a portal session.
type PortalSessionRequest struct {
	CustomerID string `json:"customerId" validate:"required,slug"`
	ProductID  string `json:"productId,omitempty" validate:"omitempty,slug"`
	ResourceID string `json:"resourceId,omitempty" validate:"omitempty,slug"`
	ReturnURL  string `json:"returnUrl,omitempty" validate:"omitempty,url,max=2000"`
	// SupportURL overrides the server's support link for this session: an
	// http(s) URL, a mailto: URL or an email address.
	SupportURL string `json:"supportUrl,omitempty" validate:"omitempty,max=2000"`
	// Locale is the locale the portal is shown in (one of the built-in
	// locales, or a regional form of one such as "de-AT"); without it,
	// the page's locale= parameter, then the browser's languages, decide.
	Locale string `json:"locale,omitempty" validate:"omitempty,max=35"`
	// TTL is how long the session lasts, as a Go duration (default 1h, at most 24h).
	TTL string `json:"ttl,omitempty" validate:"omitempty,max=20"`
}

// PortalSession is a minted portal session.
type PortalSession struct {
	Token     string    `json:"token"`
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// BillingFlow is what the billing provider's portal opens on.
type BillingFlow string

// Billing-portal flows.
const (
	// FlowGeneral opens the portal's home, e.g. for the invoice history.
	FlowGeneral BillingFlow = ""
	// FlowPaymentMethodUpdate opens straight on changing the payment method.
	FlowPaymentMethodUpdate BillingFlow = "payment_method_update"
	// FlowSubscriptionCancel opens on cancelling the customer's subscription.
	FlowSubscriptionCancel BillingFlow = "subscription_cancel"
	// FlowSubscriptionUpdate opens on changing the customer's subscription.
	FlowSubscriptionUpdate BillingFlow = "subscription_update"
	// FlowPaymentMethodSetup adds a payment method for a customer who has
	// none, such as a trial that should convert at its end. It is not a
	// page of the provider's portal but a hosted setup page.
	FlowPaymentMethodSetup BillingFlow = "payment_method_setup"
)

// Values lists the flows a request may name (the general one is asked for
// by naming none).
func (BillingFlow) Values() []BillingFlow {
	return []BillingFlow{FlowPaymentMethodUpdate, FlowSubscriptionCancel, FlowSubscriptionUpdate, FlowPaymentMethodSetup}
}

// BillingSessionRequest asks for the billing provider's portal, or its
// page for adding a payment method (payment_method_setup).
type BillingSessionRequest struct {
	Flow BillingFlow `json:"flow,omitempty" validate:"omitempty,billing_flow"`
}

// BillingSession is a link to the billing provider's portal or page.
type BillingSession struct {
	URL string `json:"url"`
}

// TestClockView is the test clock's time.
type TestClockView struct {
	Now     time.Time `json:"now"`
	Applied int       `json:"applied"`
}

// AdvanceRequest moves the test clock to a time or by a duration.
type AdvanceRequest struct {
	To *time.Time `json:"to,omitempty"`
	By string     `json:"by,omitempty" validate:"omitempty,max=20"`
}

// CatalogVersionView is a kept catalog version as the history lists it:
// who saved it, when, and what it changed from the version before it.
type CatalogVersionView struct {
	CatalogVersion
	// Current is true for the version in use.
	Current bool `json:"current"`
	// Changes are readable lines: "Added plan \"pro\" (Pro)", "Changed plan
	// \"pro\": trialDays 14 → 30", "Archived add-on \"extra-seats\"".
	Changes []string `json:"changes"`
}

// CatalogVersionDetail is one kept version with its document.
type CatalogVersionDetail struct {
	CatalogVersionView
	Catalog *Catalog `json:"catalog"`
}

// CatalogVersionList is a page of the catalog's history, newest first.
type CatalogVersionList struct {
	Versions []CatalogVersionView `json:"versions"`
	// Next is the before= of the next page; 0 on the last.
	Next int64 `json:"next,omitempty"`
}

// PriceHolders counts the customers a change to one price of a plan or
// add-on concerns: the live subscriptions on it now, and those a scheduled
// change moves onto it. Each keeps the price it agreed to until its next
// change, so the console says how many before a price is changed.
type PriceHolders struct {
	// PlanID or AddonID names the plan or add-on; BillingPeriod and
	// Currency its price.
	PlanID        string        `json:"planId,omitempty"`
	AddonID       string        `json:"addonId,omitempty"`
	BillingPeriod BillingPeriod `json:"billingPeriod"`
	// Currency is the price's currency; empty counts every currency of the
	// billing period.
	Currency string `json:"currency,omitempty"`
	// Subscriptions counts the live subscriptions on the price now or
	// scheduled onto it; Scheduled how many of them only through a
	// scheduled change; Customers the customers they belong to.
	Subscriptions int `json:"subscriptions"`
	Scheduled     int `json:"scheduled"`
	Customers     int `json:"customers"`
}
