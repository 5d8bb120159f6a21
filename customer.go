package portico

import "time"

// SubscriptionStatus is where a subscription stands.
type SubscriptionStatus string

// Subscription statuses.
const (
	StatusTrialing SubscriptionStatus = "trialing"
	StatusActive   SubscriptionStatus = "active"
	StatusCanceled SubscriptionStatus = "canceled" // ended by a cancellation: no access
	StatusExpired  SubscriptionStatus = "expired"  // a trial that ended without converting: no access
)

// Values lists the subscription statuses.
func (SubscriptionStatus) Values() []SubscriptionStatus {
	return []SubscriptionStatus{StatusTrialing, StatusActive, StatusCanceled, StatusExpired}
}

// UpdateType is what a scheduled update changes.
type UpdateType string

// Scheduled update types.
const (
	UpdatePlanChange   UpdateType = "plan_change"
	UpdatePeriodChange UpdateType = "billing_period_change"
	UpdateAddonsChange UpdateType = "addons_change"
	// UpdateQuantityChange changes committed quantities (seats) alone.
	UpdateQuantityChange UpdateType = "quantity_change"
	UpdateCancellation   UpdateType = "cancellation"
)

// Values lists the scheduled update types.
func (UpdateType) Values() []UpdateType {
	return []UpdateType{UpdatePlanChange, UpdatePeriodChange, UpdateAddonsChange, UpdateQuantityChange, UpdateCancellation}
}

// Customer is a customer of the SaaS that runs Portico.
type Customer struct {
	ID        string            `json:"id"`
	Name      string            `json:"name,omitempty"`
	Email     string            `json:"email,omitempty"`
	Metadata  map[string]string `json:"metadata,omitempty"`
	CreatedAt time.Time         `json:"createdAt"`
	// Credit is unused time credited by immediate downgrades and
	// cancellations; it is spent on the next charges.
	Credit Money `json:"credit"`
	// TrialedProducts lists products whose trial the customer has had, so a
	// trial is offered once.
	TrialedProducts []string `json:"trialedProducts,omitempty"`
	// PastDue is set while the billing provider reports a failed payment.
	PastDue bool `json:"pastDue,omitempty"`
	// Currency is what the customer sees and pays prices in (ISO 4217,
	// lower case): set at creation or later, else recorded when their
	// first subscription starts, as its product's first currency.
	Currency string `json:"currency,omitempty"`
}

// AddonQuantity is an add-on on a subscription.
type AddonQuantity struct {
	ID       string `json:"id" validate:"required,slug"`
	Quantity int    `json:"quantity" validate:"min=1"`
}

// Subscription is a customer's access to a product (per resource for
// products that allow several subscriptions).
type Subscription struct {
	ID            string             `json:"id"`
	CustomerID    string             `json:"customerId"`
	ProductID     string             `json:"productId"`
	ResourceID    string             `json:"resourceId,omitempty"`
	PlanID        string             `json:"planId"`
	Status        SubscriptionStatus `json:"status"`
	Pricing       Pricing            `json:"pricing"`
	BillingPeriod BillingPeriod      `json:"billingPeriod"`
	Price         Money              `json:"price"`
	Addons        []AddonQuantity    `json:"addons"`
	// AddonPrices is the price of one unit of each add-on, as agreed at the
	// subscription's last change: like Price, it holds until the next change,
	// whatever later catalog edits say. Missing entries (subscriptions from
	// before prices were kept) read the catalog's.
	AddonPrices map[string]Money `json:"addonPrices,omitempty"`
	// Quantities are the committed quantities of the plan's per-unit and
	// tiered charges, by feature.
	Quantities map[string]int64 `json:"quantities,omitempty"`
	// Charges and MinimumSpend are the plan's charges and minimum spend for
	// the subscription's billing period as agreed at its last change (each
	// charge with its one price): like Price they hold until the next
	// change.
	Charges      []Charge `json:"charges,omitempty"`
	MinimumSpend *Money   `json:"minimumSpend,omitempty"`
	// UsageBilled is the usage of the current period billed already, by a
	// change within it: it counts toward the period's minimum spend.
	UsageBilled        int64             `json:"usageBilled,omitempty"`
	TrialEndsAt        *time.Time        `json:"trialEndsAt,omitempty"`
	CurrentPeriodStart time.Time         `json:"currentPeriodStart"`
	CurrentPeriodEnd   time.Time         `json:"currentPeriodEnd"`
	CancelAt           *time.Time        `json:"cancelAt,omitempty"`
	EndedAt            *time.Time        `json:"endedAt,omitempty"`
	ScheduledUpdates   []ScheduledUpdate `json:"scheduledUpdates"`
	// TrialEnd is what happens when the trial ends without a payment method,
	// fixed when the trial starts: journey changes are not retroactive.
	TrialEnd *TrialEnd `json:"trialEnd,omitempty"`
	// TrialRemindedFor is the trial end trial.ends_soon was sent for: a
	// trial that is extended is reminded of again.
	TrialRemindedFor *time.Time `json:"trialRemindedFor,omitempty"`
	// BillingAnchor is where billing periods are counted from; it moves when
	// the billing anchor changes (free↔paid↔custom, period switch, trial end).
	BillingAnchor time.Time `json:"billingAnchor"`
	// UsageAnchor is where metered reset periods are counted from. It moves
	// when the billing anchor changes (free↔paid↔custom, period switch).
	UsageAnchor time.Time `json:"usageAnchor"`
	CreatedAt   time.Time `json:"createdAt"`
}

// TrialEnd records, at trial start, where an unpaid trial goes.
type TrialEnd struct {
	// DowngradeToPlanID is the free plan of a reverse trial; empty revokes.
	DowngradeToPlanID string `json:"downgradeToPlanId,omitempty"`
}

// ScheduledUpdate is a change that takes effect later, at EffectiveAt.
type ScheduledUpdate struct {
	Type         UpdateType `json:"type"`
	EffectiveAt  time.Time  `json:"effectiveAt"`
	TargetPlanID string     `json:"targetPlanId,omitempty"`
	// TargetPlanName is filled in views, for people to read.
	TargetPlanName      string          `json:"targetPlanName,omitempty"`
	TargetBillingPeriod BillingPeriod   `json:"targetBillingPeriod,omitempty"`
	TargetAddons        []AddonQuantity `json:"targetAddons,omitempty"`
	// TargetPrice and TargetAddonPrices are the prices the customer agreed
	// to when the change was scheduled; the change applies at them.
	TargetPrice       *Money           `json:"targetPrice,omitempty"`
	TargetAddonPrices map[string]Money `json:"targetAddonPrices,omitempty"`
	// TargetQuantities, TargetCharges and TargetMinimumSpend are the
	// committed quantities and the charges agreed for the change.
	TargetQuantities   map[string]int64 `json:"targetQuantities,omitempty"`
	TargetCharges      []Charge         `json:"targetCharges,omitempty"`
	TargetMinimumSpend *Money           `json:"targetMinimumSpend,omitempty"`
	// DowngradeToPlanID is set on a cancellation that moves the customer to
	// the free plan instead of revoking access.
	DowngradeToPlanID string    `json:"downgradeToPlanId,omitempty"`
	CreatedAt         time.Time `json:"createdAt"`
}

// Live reports whether the subscription currently grants access.
func (s *Subscription) Live() bool {
	return s.Status == StatusActive || s.Status == StatusTrialing
}

// TrialReminderDue is when trial.ends_soon is due (TrialEndsSoonBefore the
// trial's end), zero when it was sent or there is no trial.
func (s *Subscription) TrialReminderDue() time.Time {
	if s.Status != StatusTrialing || s.TrialEndsAt == nil ||
		(s.TrialRemindedFor != nil && s.TrialRemindedFor.Equal(*s.TrialEndsAt)) {
		return time.Time{}
	}
	return s.TrialEndsAt.Add(-TrialEndsSoonBefore)
}

// WakeAt is when the scheduler must next look at the subscription: its
// NextDue, or sooner a trial's reminder. Bills are dated by NextDue.
func (s *Subscription) WakeAt() time.Time {
	due := s.NextDue()
	if r := s.TrialReminderDue(); !r.IsZero() && (due.IsZero() || r.Before(due)) {
		return r
	}
	return due
}

// NextDue is the earliest moment something must happen to the subscription:
// a renewal, a trial end or a scheduled update. Zero when nothing will.
func (s *Subscription) NextDue() time.Time {
	if !s.Live() {
		return time.Time{}
	}
	due := s.CurrentPeriodEnd
	if s.Status == StatusTrialing && s.TrialEndsAt != nil && s.TrialEndsAt.Before(due) {
		due = *s.TrialEndsAt
	}
	for _, u := range s.ScheduledUpdates {
		if u.EffectiveAt.Before(due) {
			due = u.EffectiveAt
		}
	}
	return due
}

// Promotion is an entitlement granted to a customer outside any plan.
type Promotion struct {
	ID         string     `json:"id"`
	CustomerID string     `json:"customerId"`
	FeatureID  string     `json:"featureId"`
	Limit      int64      `json:"limit,omitempty"`
	Unlimited  bool       `json:"unlimited,omitempty"`
	ExpiresAt  *time.Time `json:"expiresAt,omitempty"`
	GrantedAt  time.Time  `json:"grantedAt"`
}

// ActiveAt reports whether the promotion applies at t.
func (p Promotion) ActiveAt(t time.Time) bool {
	return p.ExpiresAt == nil || t.Before(*p.ExpiresAt)
}

// UsageRecord is a customer's usage of a feature (per resource). For
// metered features Value counts from PeriodStart and is zero once a later
// reset period has begun.
type UsageRecord struct {
	CustomerID  string    `json:"customerId"`
	FeatureID   string    `json:"featureId"`
	ResourceID  string    `json:"resourceId,omitempty"`
	Value       int64     `json:"value"`
	PeriodStart time.Time `json:"periodStart"`
}

// BillingProfile is the billing identity and payment method summary shown
// in the portal. The local billing keeps it in Portico's store.
type BillingProfile struct {
	Name          string         `json:"name,omitempty" validate:"max=200"`
	Email         string         `json:"email,omitempty" validate:"omitempty,email,max=320"`
	Address       *Address       `json:"address,omitempty"`
	PaymentMethod *PaymentMethod `json:"paymentMethod,omitempty"`
}

// Address is a postal address.
type Address struct {
	Line1      string `json:"line1,omitempty" validate:"max=200"`
	Line2      string `json:"line2,omitempty" validate:"max=200"`
	City       string `json:"city,omitempty" validate:"max=200"`
	State      string `json:"state,omitempty" validate:"max=200"`
	PostalCode string `json:"postalCode,omitempty" validate:"max=20"`
	Country    string `json:"country,omitempty" validate:"omitempty,iso3166_1_alpha2"`
}

// PaymentMethod summarises a card.
type PaymentMethod struct {
	Brand    string `json:"brand" validate:"required,max=30"`
	Last4    string `json:"last4" validate:"required,len=4,numeric"`
	ExpMonth int    `json:"expMonth" validate:"min=1,max=12"`
	ExpYear  int    `json:"expYear" validate:"min=2000,max=2200"`
}
