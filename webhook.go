package portico

import "time"

// WebhookEndpointRequest is the body of POST /api/v1/webhook-endpoints.
type WebhookEndpointRequest struct {
	// URL receives the deliveries: an absolute http or https URL.
	URL string `json:"url" validate:"required,max=2000,http_url"`
	// Events are the types the endpoint receives, or ["*"] for all.
	Events      []EventType `json:"events" validate:"required,min=1,max=20,unique,dive,event_type"`
	Description string      `json:"description,omitempty" validate:"max=500"`
	// UsageThresholds are percentages of a limit, 1 to 100, each once
	// (DefaultUsageThresholds when left out).
	UsageThresholds []int `json:"usageThresholds,omitempty" validate:"omitempty,min=1,max=10,unique,dive,min=1,max=100"`
}

// WebhookEndpointView is an endpoint as the API shows it. Secret is shown
// when the endpoint is created and when its secret is rotated, never
// afterwards.
type WebhookEndpointView struct {
	ID              string      `json:"id"`
	URL             string      `json:"url"`
	Events          []EventType `json:"events"`
	Description     string      `json:"description"`
	UsageThresholds []int       `json:"usageThresholds"`
	Secret          string      `json:"secret,omitempty"`
	// PreviousSecretExpires is when the secret replaced by a rotation
	// stops signing deliveries (absent when none does).
	PreviousSecretExpires *time.Time `json:"previousSecretExpires,omitempty"`
	CreatedAt             time.Time  `json:"createdAt"`
	// FailingSince is when deliveries to the endpoint began to fail; null
	// while they succeed.
	FailingSince *time.Time `json:"failingSince"`
}

// WebhookEndpointList is the answer of GET /api/v1/webhook-endpoints,
// oldest first.
type WebhookEndpointList struct {
	Endpoints []WebhookEndpointView `json:"endpoints"`
}

// WebhookDeliveryList is an endpoint's recent deliveries, newest first.
type WebhookDeliveryList struct {
	Deliveries []WebhookDelivery `json:"deliveries"`
}

// SecretRotationGrace is how long a rotated-out secret still signs
// deliveries beside the new one.
const SecretRotationGrace = 24 * time.Hour

// View is the endpoint as the API shows it, with its secret when
// withSecret is set, at now (a rotated-out secret past its grace is not
// mentioned).
func (w *WebhookEndpoint) View(withSecret bool, now time.Time) WebhookEndpointView {
	v := WebhookEndpointView{ID: w.ID, URL: w.URL, Events: w.Events, Description: w.Description,
		UsageThresholds: w.UsageThresholds, CreatedAt: w.CreatedAt, FailingSince: w.FailingSince}
	if withSecret {
		v.Secret = w.Secret
	}
	if w.PreviousSecret != "" && w.PreviousSecretExpires != nil && now.Before(*w.PreviousSecretExpires) {
		v.PreviousSecretExpires = w.PreviousSecretExpires
	}
	if v.UsageThresholds == nil {
		v.UsageThresholds = []int{}
	}
	return v
}
