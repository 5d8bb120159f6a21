package portico

import (
	"encoding/json"
	"slices"
	"time"
)

// EventType names what happened to a customer, a subscription or the
// catalog. Host backends hear of events through webhooks and the event
// stream; the names are part of the API.
type EventType string

// Event types.
const (
	EventCustomerCreated           EventType = "customer.created"
	EventCustomerUpdated           EventType = "customer.updated"
	EventSubscriptionCreated       EventType = "subscription.created"
	EventSubscriptionUpdated       EventType = "subscription.updated"
	EventSubscriptionCanceled      EventType = "subscription.canceled"
	EventScheduledUpdateCreated    EventType = "subscription.scheduled_update.created"
	EventScheduledUpdateCanceled   EventType = "subscription.scheduled_update.canceled"
	EventTrialStarted              EventType = "trial.started"
	EventTrialEndsSoon             EventType = "trial.ends_soon"
	EventTrialConverted            EventType = "trial.converted"
	EventTrialExpired              EventType = "trial.expired"
	EventEntitlementsUpdated       EventType = "entitlements.updated"
	EventEntitlementUsageThreshold EventType = "entitlement.usage_threshold"
	EventInvoiceCreated            EventType = "invoice.created"
	EventPromotionGranted          EventType = "promotion.granted"
	EventPromotionExpired          EventType = "promotion.expired"
	EventCatalogUpdated            EventType = "catalog.updated"
)

// Values lists the event types.
func (EventType) Values() []EventType {
	return []EventType{EventCustomerCreated, EventCustomerUpdated, EventSubscriptionCreated,
		EventSubscriptionUpdated, EventSubscriptionCanceled, EventScheduledUpdateCreated,
		EventScheduledUpdateCanceled, EventTrialStarted, EventTrialEndsSoon, EventTrialConverted,
		EventTrialExpired, EventEntitlementsUpdated, EventEntitlementUsageThreshold,
		EventInvoiceCreated, EventPromotionGranted, EventPromotionExpired, EventCatalogUpdated}
}

// AllEvents, in an endpoint's list of events, takes every type.
const AllEvents EventType = "*"

// TrialEndsSoonBefore is how long before a trial's end trial.ends_soon is
// sent.
const TrialEndsSoonBefore = 3 * 24 * time.Hour

// DefaultUsageThresholds are the percentages of a limit at which an
// endpoint that names none hears entitlement.usage_threshold.
var DefaultUsageThresholds = []int{80, 100}

// Event is one entry of the event log: what a webhook delivery posts and
// the event stream sends, in the order the changes committed.
type Event struct {
	// ID is stable across deliveries and replicas: receivers deduplicate
	// on it.
	ID        string    `json:"id"`
	Type      EventType `json:"type"`
	CreatedAt time.Time `json:"createdAt"`
	// Data is the type's payload (see docs/webhooks.md).
	Data json.RawMessage `json:"data"`
	// Seq is the event's place in the log (the stream's event ID);
	// CustomerID the customer it concerns ("" for the catalog): events of
	// one customer are delivered in order.
	Seq        int64  `json:"-"`
	CustomerID string `json:"-"`
	// Threshold is an entitlement.usage_threshold event's percentage: only
	// endpoints that asked for it receive the event.
	Threshold int `json:"-"`
}

// SubscriptionEventData is the payload of subscription.* and trial.*
// events: the subscription as it now stands.
type SubscriptionEventData struct {
	CustomerID   string            `json:"customerId"`
	Subscription *SubscriptionView `json:"subscription"`
}

// ScheduledUpdateEventData is the payload of
// subscription.scheduled_update.* events.
type ScheduledUpdateEventData struct {
	CustomerID      string          `json:"customerId"`
	SubscriptionID  string          `json:"subscriptionId"`
	ScheduledUpdate ScheduledUpdate `json:"scheduledUpdate"`
}

// EntitlementsEventData is the payload of entitlements.updated: a
// customer's entitlements (for one resource, when ResourceID is set) after
// a change of subscriptions or promotions. Usage alone does not send it.
type EntitlementsEventData struct {
	CustomerID   string            `json:"customerId"`
	ResourceID   string            `json:"resourceId,omitempty"`
	Entitlements []EntitlementView `json:"entitlements"`
}

// UsageThresholdEventData is the payload of entitlement.usage_threshold:
// usage reached threshold percent of limit (for a usage-priced feature,
// of the units included), once per threshold and usage period.
type UsageThresholdEventData struct {
	CustomerID  string     `json:"customerId"`
	FeatureID   string     `json:"featureId"`
	ResourceID  string     `json:"resourceId,omitempty"`
	Threshold   int        `json:"threshold"`
	Usage       int64      `json:"usage"`
	Limit       int64      `json:"limit"`
	PeriodStart *time.Time `json:"periodStart,omitempty"`
}

// InvoiceEventData is the payload of invoice.created.
type InvoiceEventData struct {
	CustomerID string  `json:"customerId"`
	Invoice    Invoice `json:"invoice"`
}

// PromotionEventData is the payload of promotion.granted and
// promotion.expired.
type PromotionEventData struct {
	CustomerID string    `json:"customerId"`
	Promotion  Promotion `json:"promotion"`
}

// CatalogEventData is the payload of catalog.updated.
type CatalogEventData struct {
	Version int64 `json:"version"`
	CatalogChange
}

// CustomerEventData is the payload of customer.created and
// customer.updated.
type CustomerEventData struct {
	Customer *Customer `json:"customer"`
}

// WebhookEndpoint is a URL of the host's backend that receives events.
type WebhookEndpoint struct {
	ID  string `json:"id"`
	URL string `json:"url"`
	// Events are the types it receives; ["*"] takes every type.
	Events      []EventType `json:"events"`
	Description string      `json:"description,omitempty"`
	// UsageThresholds are the percentages of a limit at which it hears
	// entitlement.usage_threshold (DefaultUsageThresholds when created
	// without).
	UsageThresholds []int `json:"usageThresholds"`
	// Secret signs deliveries. The API shows it when the endpoint is
	// created and when it is rotated, never in lists.
	Secret string `json:"secret,omitempty"`
	// PreviousSecret, until PreviousSecretExpires, also signs deliveries:
	// a receiver can move to a rotated secret without missing any.
	PreviousSecret        string     `json:"previousSecret,omitempty"`
	PreviousSecretExpires *time.Time `json:"previousSecretExpires,omitempty"`
	CreatedAt             time.Time  `json:"createdAt"`
	// FailingSince is when deliveries to it began to fail, nil while they
	// succeed.
	FailingSince *time.Time `json:"failingSince,omitempty"`
}

// Takes tells whether the endpoint receives an event.
func (w *WebhookEndpoint) Takes(e *Event) bool {
	if !slices.Contains(w.Events, AllEvents) && !slices.Contains(w.Events, e.Type) {
		return false
	}
	if e.Type == EventEntitlementUsageThreshold {
		return slices.Contains(w.UsageThresholds, e.Threshold)
	}
	return true
}

// DeliveryStatus is where one event's delivery to one endpoint stands.
type DeliveryStatus string

// Delivery statuses.
const (
	DeliveryPending   DeliveryStatus = "pending"   // not delivered yet, retried
	DeliveryDelivered DeliveryStatus = "delivered" // the endpoint answered 2xx
	DeliveryFailed    DeliveryStatus = "failed"    // given up after the retries
)

// WebhookDelivery is one event's delivery to one endpoint.
type WebhookDelivery struct {
	EndpointID     string         `json:"-"`
	EventID        string         `json:"eventId"`
	Type           EventType      `json:"type"`
	Status         DeliveryStatus `json:"status"`
	Attempts       int            `json:"attempts"`
	LastStatusCode int            `json:"lastStatusCode"`
	LastError      string         `json:"lastError,omitempty"`
	CreatedAt      time.Time      `json:"createdAt"`
	// NextAttemptAt is when it is next tried, nil once delivered or given
	// up.
	NextAttemptAt *time.Time `json:"nextAttemptAt"`
	DeliveredAt   *time.Time `json:"deliveredAt,omitempty"`
}

// PendingDelivery is a delivery a sender has claimed: the event to post
// and where.
type PendingDelivery struct {
	Endpoint WebhookEndpoint
	Event    Event
	Attempts int
	// Body is the event as posted: exactly the bytes signed.
	Body []byte
}

// EventTx keeps the event log and the webhook endpoints and deliveries.
type EventTx interface {
	// AddEvent appends e to the log (setting its Seq) with a pending
	// delivery to each endpoint that takes it. A non-empty dedupe key
	// adds it only once: false when an event with that key was added
	// before.
	AddEvent(e *Event, dedupe string) (bool, error)
	// EventsAfter lists at most limit events whose Seq is above seq, in
	// order.
	EventsAfter(seq int64, limit int) ([]Event, error)
	// LastEventSeq is the Seq of the newest event (0 with none).
	LastEventSeq() (int64, error)
	// PruneEvents forgets at most limit events created before t whose
	// deliveries are all settled (delivered or given up), with those
	// deliveries, and says how many it forgot.
	PruneEvents(before time.Time, limit int) (int, error)

	// UsageThresholds lists the percentages any endpoint asked for,
	// ascending.
	UsageThresholds() ([]int, error)
	PutWebhookEndpoint(w *WebhookEndpoint) error
	WebhookEndpoint(id string) (*WebhookEndpoint, error)
	WebhookEndpoints() ([]WebhookEndpoint, error)
	// DeleteWebhookEndpoint deletes the endpoint and its deliveries.
	DeleteWebhookEndpoint(id string) error

	// WebhookDeliveries lists an endpoint's deliveries, newest first, at
	// most limit.
	WebhookDeliveries(endpointID string, limit int) ([]WebhookDelivery, error)
	// WebhookBacklog counts the deliveries not yet delivered nor given up.
	WebhookBacklog() (int, error)
	// ClaimDeliveries leases to owner, until leaseUntil, at most limit
	// pending deliveries due at now whose lease has lapsed and that are
	// each the oldest pending delivery of their endpoint and customer:
	// events of a customer reach an endpoint in order, and a delivery is
	// held by one sender at a time. It leaves an endpoint with at most
	// perEndpoint deliveries leased at once (by any sender): a slow
	// endpoint holds its own share of the senders, never everyone's.
	ClaimDeliveries(now, leaseUntil time.Time, owner string, limit, perEndpoint int) ([]PendingDelivery, error)
	// DeliverySucceeded records a 2xx answer.
	DeliverySucceeded(endpointID string, seq int64, statusCode int, at time.Time) error
	// DeliveryFailed records a failed attempt: retried at next, or given
	// up when next is zero.
	DeliveryFailed(endpointID string, seq int64, statusCode int, reason string, at, next time.Time) error
	// RetryDelivery makes a delivery due again now, whatever its status,
	// unless a sender holds it at now (a conflict: it is being posted).
	RetryDelivery(endpointID, eventID string, now time.Time) error
}
