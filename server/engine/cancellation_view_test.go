package engine_test

import (
	"testing"

	portico "github.com/portico-dev/portico"
)

// The subscription view says when a cancellation would end access, as the
// cancellation then does: at the period's end under an end_of_period rule
// (so the portal can give that date before the customer confirms), now
// under an immediate rule or on a free plan, and nothing once it has ended.
func TestSubscriptionViewSaysWhenACancellationEndsAccess(t *testing.T) {
	cases := []struct {
		name string
		rule portico.Timing
		plan string
		want portico.Timing
	}{
		{"end of period", portico.EndOfPeriod, pro, portico.EndOfPeriod},
		{"immediate", portico.Immediate, pro, portico.Immediate},
		{"free plan under end of period", portico.EndOfPeriod, free, portico.Immediate},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, withJourney(func(j *portico.Journey) { j.Cancellation = tc.rule }))
			e.createCustomer("acme", nil)
			e.change("acme", portico.ChangeRequest{PlanID: tc.plan})
			before := e.appSub("acme")
			if before.Cancellation != tc.want {
				t.Fatalf("cancellation = %q, want %q", before.Cancellation, tc.want)
			}
			after := e.cancel("acme", before.ID).Subscription
			switch tc.want {
			case portico.EndOfPeriod:
				if after.CancelAt == nil || !after.CancelAt.Equal(before.CurrentPeriodEnd) || after.EndedAt != nil {
					t.Errorf("cancelled: cancelAt %v, endedAt %v; want access until %v", after.CancelAt, after.EndedAt, before.CurrentPeriodEnd)
				}
			default:
				if after.EndedAt == nil || after.Status != portico.StatusCanceled {
					t.Errorf("cancelled: %s, endedAt %v; want it ended now", after.Status, after.EndedAt)
				}
				if after.Cancellation != "" {
					t.Errorf("an ended subscription says cancelling it would be %q", after.Cancellation)
				}
			}
		})
	}
}
