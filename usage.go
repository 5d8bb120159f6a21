package portico

import "time"

// MaxUsageBatch is the most events one batch call takes.
const MaxUsageBatch = 1000

// UsageEvent is one usage report of a batch (POST /api/v1/usage/batch):
// Value added to a feature's usage, counted once per IdempotencyKey, placed
// at Timestamp (now when absent).
type UsageEvent struct {
	CustomerID     string     `json:"customerId" validate:"required,slug"`
	FeatureID      string     `json:"featureId" validate:"required,slug"`
	Value          int64      `json:"value" validate:"required"`
	ResourceID     string     `json:"resourceId,omitempty" validate:"omitempty,slug"`
	IdempotencyKey string     `json:"idempotencyKey" validate:"required,max=255"`
	Timestamp      *time.Time `json:"timestamp,omitempty"`
}

// UsageBatchRequest is the body of POST /api/v1/usage/batch.
type UsageBatchRequest struct {
	Events []UsageEvent `json:"events"`
}

// UsageStatus is what became of one event of a batch.
type UsageStatus string

// Event outcomes.
const (
	UsageAccepted  UsageStatus = "accepted"  // counted now
	UsageDuplicate UsageStatus = "duplicate" // its key was counted before: not again
	UsageRejected  UsageStatus = "rejected"  // refused, changing nothing; Error says why
)

// Values lists the outcomes.
func (UsageStatus) Values() []UsageStatus {
	return []UsageStatus{UsageAccepted, UsageDuplicate, UsageRejected}
}

// UsageResult is one event's outcome, in request order.
type UsageResult struct {
	Status UsageStatus `json:"status"`
	Error  *FieldError `json:"error,omitempty"`
}

// UsageBatchResult answers a batch.
type UsageBatchResult struct {
	Results []UsageResult `json:"results"`
}

// UsageBucket is the span of time a history point adds usage over.
type UsageBucket string

// History buckets. Weeks start on Monday, months on their first day (UTC).
const (
	BucketDay   UsageBucket = "day"
	BucketWeek  UsageBucket = "week"
	BucketMonth UsageBucket = "month"
)

// Values lists the buckets.
func (UsageBucket) Values() []UsageBucket { return []UsageBucket{BucketDay, BucketWeek, BucketMonth} }

// UsageHistory is a feature's usage over time
// (GET …/usage-history): usage added per bucket.
type UsageHistory struct {
	FeatureID  string       `json:"featureId"`
	ResourceID string       `json:"resourceId,omitempty"`
	Bucket     UsageBucket  `json:"bucket"`
	From       time.Time    `json:"from"`
	To         time.Time    `json:"to"`
	Points     []UsagePoint `json:"points"`
}

// UsageHistoryQuery asks for a feature's usage history: [From, To) in
// buckets. Zero times default to the 13 months up to now; an empty bucket
// to day. ResourceID is the resource asked about (a single product's usage
// is the customer's whatever resource is named).
type UsageHistoryQuery struct {
	FeatureID  string
	ResourceID string
	From, To   time.Time
	Bucket     UsageBucket
}

// UsagePoint is the usage added in the bucket starting at Start.
type UsagePoint struct {
	Start time.Time `json:"start"`
	Value int64     `json:"value"`
}

// HistoryAdd is usage added to a customer's feature on a day (UTC).
type HistoryAdd struct {
	CustomerID, FeatureID, ResourceID string
	Day                               time.Time
	Value                             int64
}

// DayUsage is the usage added on one day (UTC), as the history keeps it.
type DayUsage struct {
	Day   time.Time
	Value int64
}

// HistoryRetention is how long the usage history is kept: 13 months and a
// few days, so a year-on-year chart is whole.
const HistoryRetention = 400 * 24 * time.Hour
