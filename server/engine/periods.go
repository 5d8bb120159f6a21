package engine

import (
	"time"

	portico "github.com/portico-dev/portico"
)

// Period units: metered features reset by day, week, month or year, and
// billing periods map to months and years.
const (
	unitDay   = portico.ResetDaily
	unitWeek  = portico.ResetWeekly
	unitMonth = portico.ResetMonthly
	unitYear  = portico.ResetYearly
)

func billingUnit(period portico.BillingPeriod) portico.ResetPeriod {
	if period == portico.Annually {
		return unitYear
	}
	return unitMonth
}

// boundary returns the k-th period boundary after anchor. Months are counted
// from the anchor itself and clamped to the month's last day, so an anchor on
// the 31st renews on Feb 28 and then on Mar 31 again (no drift).
func boundary(anchor time.Time, unit portico.ResetPeriod, k int) time.Time {
	switch unit {
	case unitDay:
		return anchor.AddDate(0, 0, k)
	case unitWeek:
		return anchor.AddDate(0, 0, 7*k)
	case unitYear:
		return addMonths(anchor, 12*k)
	default:
		return addMonths(anchor, k)
	}
}

func addMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	last := first.AddDate(0, 1, -1).Day()
	if d > last {
		d = last
	}
	return first.AddDate(0, 0, d-1)
}

// periodAround returns the reset period [start, end) that contains t, for
// periods of unit counted from anchor. Before the anchor it is the first one.
func periodAround(anchor time.Time, unit portico.ResetPeriod, t time.Time) (time.Time, time.Time) {
	if t.Before(anchor) {
		return anchor, boundary(anchor, unit, 1)
	}
	k := estimate(anchor, unit, t)
	for k > 0 && boundary(anchor, unit, k).After(t) {
		k--
	}
	for !boundary(anchor, unit, k+1).After(t) {
		k++
	}
	return boundary(anchor, unit, k), boundary(anchor, unit, k+1)
}

// estimate guesses how many whole periods lie between anchor and t, so
// periodAround adjusts by a step or two instead of counting from zero.
func estimate(anchor time.Time, unit portico.ResetPeriod, t time.Time) int {
	switch unit {
	case unitDay:
		return int(t.Sub(anchor) / (24 * time.Hour))
	case unitWeek:
		return int(t.Sub(anchor) / (7 * 24 * time.Hour))
	case unitYear:
		return t.Year() - anchor.Year()
	default:
		return (t.Year()-anchor.Year())*12 + int(t.Month()) - int(anchor.Month())
	}
}

// prorate is the one rounding rule, portico.Prorate: amount × part ÷
// whole, rounded half up to the minor unit.
func prorate(amount int64, part, whole time.Duration) int64 {
	return portico.Prorate(amount, part, whole)
}

// unusedCredit is the value of the rest of the subscription's current
// period at now: the credit an immediate downgrade or cancellation grants.
func unusedCredit(total int64, s *portico.Subscription, now time.Time) int64 {
	if s.Status != portico.StatusActive {
		return 0 // a trial costs nothing, so leaves nothing to credit
	}
	return prorate(total, s.CurrentPeriodEnd.Sub(now), s.CurrentPeriodEnd.Sub(s.CurrentPeriodStart))
}
