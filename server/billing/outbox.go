package billing

import (
	"cmp"
	"context"
	"slices"
	"time"
)

// memReport is a slot of MemoryStore's outbox.
type memReport struct {
	report        Report
	version, sent int64
	attempts      int
	next          time.Time
	reason        string
}

var _ Outbox = (*MemoryStore)(nil)

// Enqueue implements Outbox. The memory store has no transactions: the
// report is kept at once.
func (m *MemoryStore) Enqueue(_ context.Context, r Report) error {
	if err := r.Validate(); err != nil {
		return err
	}
	r.PeriodStart, r.PeriodEnd = r.PeriodStart.UTC(), r.PeriodEnd.UTC()
	m.mu.Lock()
	defer m.mu.Unlock()
	slot := r.Slot()
	cur := m.reports[slot]
	if cur != nil && cur.report == r {
		return nil
	}
	if cur == nil {
		cur = &memReport{}
		m.reports[slot] = cur
	}
	cur.report, cur.version, cur.attempts, cur.next, cur.reason = r, cur.version+1, 0, time.Time{}, ""
	return nil
}

// DueReports implements Outbox.
func (m *MemoryStore) DueReports(_ context.Context, now time.Time, limit int) ([]Pending, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Pending
	for slot, r := range m.reports {
		if r.version > r.sent && !r.next.After(now) {
			out = append(out, Pending{Report: r.report, Slot: slot, Version: r.version, Attempts: r.attempts})
		}
	}
	slices.SortFunc(out, func(a, b Pending) int {
		if c := m.reports[a.Slot].next.Compare(m.reports[b.Slot].next); c != 0 {
			return c
		}
		return cmp.Compare(a.Slot, b.Slot)
	})
	return out[:min(len(out), limit)], nil
}

// ReportSent implements Outbox.
func (m *MemoryStore) ReportSent(_ context.Context, slot string, version int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if r := m.reports[slot]; r != nil && r.version == version {
		r.sent, r.attempts, r.reason = version, 0, ""
	}
	return nil
}

// ReportFailed implements Outbox.
func (m *MemoryStore) ReportFailed(_ context.Context, slot string, version int64, next time.Time, reason string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if r := m.reports[slot]; r != nil && r.version == version {
		r.attempts++
		r.next, r.reason = next, reason
	}
	return nil
}
