package engine

import (
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }

func TestMonthlyBoundariesClampWithoutDrift(t *testing.T) {
	anchor := date(2026, time.January, 31)
	want := []time.Time{date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30), date(2026, 5, 31)}
	for k, w := range want {
		if got := boundary(anchor, unitMonth, k+1); !got.Equal(w) {
			t.Errorf("boundary %d = %v, want %v", k+1, got, w)
		}
	}
	if got := boundary(date(2024, 2, 29), unitYear, 1); !got.Equal(date(2025, 2, 28)) {
		t.Errorf("leap-day anchor + 1 year = %v", got)
	}
}

func TestPeriodAroundFindsTheContainingPeriod(t *testing.T) {
	anchor := date(2026, time.January, 31)
	cases := []struct {
		unit       portico.ResetPeriod
		at         time.Time
		start, end time.Time
	}{
		{unitMonth, date(2026, 3, 1), date(2026, 2, 28), date(2026, 3, 31)},
		{unitMonth, date(2026, 3, 31), date(2026, 3, 31), date(2026, 4, 30)},
		{unitMonth, anchor, anchor, date(2026, 2, 28)},
		{unitDay, date(2026, 2, 3), date(2026, 2, 3), date(2026, 2, 4)},
		{unitWeek, date(2026, 2, 8), date(2026, 2, 7), date(2026, 2, 14)},
		{unitYear, date(2030, 1, 30), date(2029, 1, 31), date(2030, 1, 31)},
		{unitMonth, date(2025, 12, 1), anchor, date(2026, 2, 28)},
	}
	for _, c := range cases {
		s, e := periodAround(anchor, c.unit, c.at)
		if !s.Equal(c.start) || !e.Equal(c.end) {
			t.Errorf("%s around %v = [%v, %v), want [%v, %v)", c.unit, c.at, s, e, c.start, c.end)
		}
	}
}

func TestProrateRoundsHalfUpToTheCent(t *testing.T) {
	day := 24 * time.Hour
	cases := []struct {
		amount      int64
		part, whole time.Duration
		want        int64
	}{
		{2900, 15 * day, 30 * day, 1450},
		{2900, 10 * day, 30 * day, 967}, // 966.67
		{1000, day, 3 * day, 333},       // 333.33
		{1, day, 2 * day, 1},            // 0.5 rounds up
		{2900, 0, 30 * day, 0},
		{2900, 31 * day, 30 * day, 2900},
		{99_999_999_99, 364 * day, 365 * day, 9_972_602_739},
	}
	for _, c := range cases {
		if got := prorate(c.amount, c.part, c.whole); got != c.want {
			t.Errorf("prorate(%d, %v, %v) = %d, want %d", c.amount, c.part, c.whole, got, c.want)
		}
	}
}
