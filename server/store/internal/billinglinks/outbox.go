package billinglinks

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/portico-dev/portico/server/billing"
	"github.com/portico-dev/portico/server/store/internal/sqlconn"
)

var _ billing.Outbox = Links{}

// Enqueue writes a report to its slot, due at once (next_attempt_at 0,
// whatever the clock says), unless the slot holds the same report: in the
// transaction ctx is bound to, else as a statement of its own.
func (l Links) Enqueue(ctx context.Context, r billing.Report) error {
	if err := r.Validate(); err != nil {
		return err
	}
	r.PeriodStart, r.PeriodEnd = r.PeriodStart.UTC(), r.PeriodEnd.UTC()
	doc, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = l.writer(ctx).Exec(ctx, `INSERT INTO billing_reports (slot, doc, version) VALUES (?, ?, 1)
		ON CONFLICT (slot) DO UPDATE SET doc = excluded.doc, version = billing_reports.version + 1,
			attempts = 0, next_attempt_at = 0, last_error = ''
		WHERE billing_reports.doc <> excluded.doc`, r.Slot(), string(doc))
	return err
}

// DueReports lists the slots whose latest version is unsent and due.
func (l Links) DueReports(ctx context.Context, now time.Time, limit int) ([]billing.Pending, error) {
	rows, err := l.reads.Query(ctx, `SELECT slot, doc, version, attempts FROM billing_reports
		WHERE version > sent_version AND next_attempt_at <= ? ORDER BY next_attempt_at, slot LIMIT ?`, now.UnixNano(), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []billing.Pending
	for rows.Next() {
		var p billing.Pending
		var doc string
		var attempts int64
		if err := rows.Scan(&p.Slot, &doc, &p.Version, &attempts); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(doc), &p.Report); err != nil {
			return nil, err
		}
		p.Attempts = int(attempts)
		out = append(out, p)
	}
	return out, rows.Err()
}

// ReportSent marks a slot's version sent.
func (l Links) ReportSent(ctx context.Context, slot string, version int64) error {
	_, err := l.events.Exec(ctx, `UPDATE billing_reports SET sent_version = version, attempts = 0, last_error = ''
		WHERE slot = ? AND version = ?`, slot, version)
	return err
}

// ReportFailed reschedules a slot's version.
func (l Links) ReportFailed(ctx context.Context, slot string, version int64, next time.Time, reason string) error {
	_, err := l.events.Exec(ctx, `UPDATE billing_reports SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?
		WHERE slot = ? AND version = ?`, next.UnixNano(), truncate(reason, 500), slot, version)
	return err
}

// writer is the transaction ctx is bound to, else the connection that
// writes outside one.
func (l Links) writer(ctx context.Context) sqlconn.Conn {
	if t := l.txs.TxOf(ctx); t != nil {
		return t.Conn()
	}
	return l.events
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
