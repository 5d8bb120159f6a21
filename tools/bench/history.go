package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/store/sqlite"
)

// historyRun is the usage history at scale: customers × months kept, what
// it takes on disk, and how fast a customer's 13 months read.
type historyRun struct {
	Customers, Months int
	Rows              int
	Bytes             int64
	Seed              time.Duration
	Reads             int
	P50, P99          time.Duration
}

// measureHistory fills a SQLite store's history with customers × months
// (three days of usage a month each, as a metered feature reported daily
// would leave a row a month), then reads random customers' 13 months.
func measureHistory(ctx context.Context, customers, months int) (historyRun, error) {
	r := historyRun{Customers: customers, Months: months}
	dir, err := os.MkdirTemp("", "portico-history-")
	if err != nil {
		return r, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "portico.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		return r, err
	}
	defer st.Close()
	now := time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC)
	start := time.Now()
	const perTx = 20_000
	var adds []portico.HistoryAdd
	flush := func() error {
		err := st.Update(ctx, func(tx portico.Tx) error { return tx.AddUsageHistories(adds) })
		adds = adds[:0]
		return err
	}
	for c := range customers {
		for m := range months {
			month := time.Date(now.Year(), now.Month()-time.Month(m), 1, 0, 0, 0, 0, time.UTC)
			for _, d := range []int{3, 11, 19} {
				adds = append(adds, portico.HistoryAdd{CustomerID: customerID(c), FeatureID: "api-calls", Day: month.AddDate(0, 0, d-1), Value: int64(100 + c%900)})
			}
		}
		if len(adds) >= perTx {
			if err := flush(); err != nil {
				return r, err
			}
		}
	}
	if err := flush(); err != nil {
		return r, err
	}
	r.Seed, r.Rows = time.Since(start), customers*months
	if fi, err := os.Stat(path); err == nil {
		r.Bytes = fi.Size()
	}
	r.Reads = 5000
	lat := make([]time.Duration, 0, r.Reads)
	for i := range r.Reads {
		id := customerID(spread(i, customers))
		t0 := time.Now()
		err := st.View(ctx, func(tx portico.Tx) error {
			days, err := tx.UsageHistory(id, "api-calls", "", now.AddDate(0, -months, 0), now.AddDate(0, 1, 0))
			if err == nil && len(days) != 3*months {
				err = fmt.Errorf("customer %s: %d days read, want %d", id, len(days), 3*months)
			}
			return err
		})
		if err != nil {
			return r, err
		}
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	r.P50, r.P99 = percentiles(lat)
	return r, nil
}
