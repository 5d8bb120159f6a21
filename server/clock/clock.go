// Package clock provides the real clock and a test clock that can be moved
// forward, like Stripe's test clocks, to exercise trials and renewals.
package clock

import (
	"sync"
	"time"
)

// Real is the wall clock, in UTC.
type Real struct{}

// Now returns the current time in UTC.
func (Real) Now() time.Time { return time.Now().UTC() }

// Test is a clock that runs with the wall clock from an offset that Advance
// moves forward. It never goes backwards.
type Test struct {
	mu     sync.Mutex
	offset time.Duration
	base   func() time.Time
}

// NewTest returns a test clock at the wall clock's time.
func NewTest() *Test { return &Test{base: Real{}.Now} }

// NewFrozen returns a test clock stopped at t: it moves only when advanced.
// Engine tests use it so that every instant is known.
func NewFrozen(t time.Time) *Test {
	return &Test{base: func() time.Time { return t.UTC() }}
}

// Now returns the clock's time.
func (c *Test) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.base().Add(c.offset)
}

// Advance moves the clock forward by d (ignored when not positive).
func (c *Test) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.offset += d
	}
	return c.base().Add(c.offset)
}

// AdvanceTo moves the clock to t if t is later than now.
func (c *Test) AdvanceTo(t time.Time) time.Time {
	return c.Advance(t.Sub(c.Now()))
}

// Offset is how far the clock is ahead of its base.
func (c *Test) Offset() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.offset
}

// RaiseOffset moves the clock to offset d ahead of its base when that is
// later than its time now: replicas sharing a test clock catch up with the
// one that advanced it.
func (c *Test) RaiseOffset(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > c.offset {
		c.offset = d
	}
}
