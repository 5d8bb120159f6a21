package engine

import (
	"context"
	"time"

	portico "github.com/portico-dev/portico"
)

// maxDayPoints bounds a daily history: a chart of more days is unreadable
// and a client asking for them means weeks or months.
const maxDayPoints = 400

// UsageHistory answers the usage added per bucket of a customer's feature:
// every bucket in the range, those without usage at zero. The usage is the
// one kept for the feature's grant (a single product's usage is the
// customer's whatever resource is named).
func (e *Engine) UsageHistory(ctx context.Context, customerID string, q portico.UsageHistoryQuery, actor Actor) (*portico.UsageHistory, error) {
	var out *portico.UsageHistory
	err := e.view(ctx, func(o *op) error {
		c, err := o.customer(customerID)
		if err != nil {
			return err
		}
		if err := o.normalize(&q); err != nil {
			return err
		}
		if actor.Portal && actor.Scope.ResourceID != "" && q.ResourceID != actor.Scope.ResourceID {
			return portico.Forbidden("this portal session is limited to resource %q", actor.Scope.ResourceID)
		}
		key := usageResource(o.grantFor(c, q.FeatureID, q.ResourceID), q.ResourceID)
		days, err := o.tx.UsageHistory(c.ID, q.FeatureID, key, q.From, q.To)
		if err != nil {
			return err
		}
		out = &portico.UsageHistory{FeatureID: q.FeatureID, ResourceID: q.ResourceID, Bucket: q.Bucket,
			From: q.From, To: q.To, Points: bucketed(days, q)}
		return nil
	})
	return out, err
}

// normalize checks the query and fills in its defaults, naming the
// parameter at fault.
func (o *op) normalize(q *portico.UsageHistoryQuery) error {
	f, ok := o.cat.Feature(q.FeatureID)
	switch {
	case !ok:
		return portico.Invalid("featureId", "unknown feature %q", q.FeatureID)
	case f.Type == portico.FeatureBoolean:
		return portico.Invalid("featureId", "feature %q is boolean and has no usage", f.ID)
	}
	if q.Bucket == "" {
		q.Bucket = portico.BucketDay
	}
	switch q.Bucket {
	case portico.BucketDay, portico.BucketWeek, portico.BucketMonth:
	default:
		return portico.Invalid("bucket", "must be day, week or month")
	}
	if q.To.IsZero() {
		q.To = o.now.Add(time.Nanosecond) // up to now, its bucket included
	}
	if q.From.IsZero() {
		q.From = q.To.AddDate(0, -13, 0)
	}
	q.From, q.To = bucketStart(q.From.UTC(), q.Bucket), bucketEnd(q.To.UTC(), q.Bucket)
	switch {
	case !q.From.Before(q.To):
		return portico.Invalid("from", "must be before to")
	case q.Bucket == portico.BucketDay && q.To.Sub(q.From) > maxDayPoints*24*time.Hour:
		return portico.Invalid("from", "a daily history spans at most %d days; ask for weeks or months", maxDayPoints)
	}
	return nil
}

// bucketStart is the start of the bucket holding t: its day, its week
// (Monday) or its month, in UTC.
func bucketStart(t time.Time, b portico.UsageBucket) time.Time {
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	switch b {
	case portico.BucketWeek:
		return day.AddDate(0, 0, -(int(day.Weekday())+6)%7)
	case portico.BucketMonth:
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	return day
}

// bucketEnd is the end of the bucket holding the last instant before t,
// so a range up to now takes in the bucket now is in.
func bucketEnd(t time.Time, b portico.UsageBucket) time.Time {
	return nextBucket(bucketStart(t.Add(-time.Nanosecond), b), b)
}

func nextBucket(t time.Time, b portico.UsageBucket) time.Time {
	switch b {
	case portico.BucketWeek:
		return t.AddDate(0, 0, 7)
	case portico.BucketMonth:
		return t.AddDate(0, 1, 0)
	}
	return t.AddDate(0, 0, 1)
}

// bucketed adds the days up per bucket, every bucket of the range listed.
func bucketed(days []portico.DayUsage, q portico.UsageHistoryQuery) []portico.UsagePoint {
	points := []portico.UsagePoint{}
	index := map[time.Time]int{}
	for t := q.From; t.Before(q.To); t = nextBucket(t, q.Bucket) {
		index[t] = len(points)
		points = append(points, portico.UsagePoint{Start: t})
	}
	for _, d := range days {
		if i, ok := index[bucketStart(d.Day, q.Bucket)]; ok {
			points[i].Value += d.Value
		}
	}
	return points
}
