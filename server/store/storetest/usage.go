package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
)

// usageHistory: days add up within their month, months are kept apart,
// a range reads only its days, and pruning forgets whole months that ended
// before the cutoff.
func usageHistory(t *testing.T, open Opener) {
	s := open(t)
	createCustomers(t, s, "ada")
	feb := time.Date(2026, 2, 27, 15, 0, 0, 0, time.UTC)
	update(t, s, func(tx portico.Tx) error {
		for _, add := range []struct {
			at    time.Time
			value int64
		}{{feb, 5}, {feb.Add(time.Hour), 7}, {feb.AddDate(0, 0, 2), -3}, {feb.AddDate(0, 0, 3), 1 << 40}} {
			if err := tx.AddUsageHistory("ada", "calls", "", add.at, add.value); err != nil {
				return err
			}
		}
		return tx.AddUsageHistory("ada", "calls", "blog", feb, 100)
	})
	days := view(t, s, func(tx portico.Tx) ([]portico.DayUsage, error) {
		return tx.UsageHistory("ada", "calls", "", feb.AddDate(0, -1, 0), feb.AddDate(0, 1, 0))
	})
	want := "[{2026-02-27 00:00:00 +0000 UTC 12} {2026-03-01 00:00:00 +0000 UTC -3} {2026-03-02 00:00:00 +0000 UTC 1099511627776}]"
	if got := fmt.Sprint(days); got != want {
		t.Errorf("history = %s, want %s", got, want)
	}
	march := view(t, s, func(tx portico.Tx) ([]portico.DayUsage, error) {
		return tx.UsageHistory("ada", "calls", "", time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))
	})
	if len(march) != 1 || march[0].Value != 1<<40 {
		t.Errorf("March from the 2nd = %v, want the one day", march)
	}
	var n int
	update(t, s, func(tx portico.Tx) error {
		var err error
		n, err = tx.PruneUsageHistory(time.Date(2026, 4, 15, 0, 0, 0, 0, time.UTC), 10)
		return err
	})
	left := view(t, s, func(tx portico.Tx) ([]portico.DayUsage, error) {
		return tx.UsageHistory("ada", "calls", "", feb.AddDate(-1, 0, 0), feb.AddDate(1, 0, 0))
	})
	// Months ending before March 15 (the cutoff less a month) go: February.
	if n != 2 || len(left) != 2 {
		t.Errorf("pruned %d rows, left %v; want February's two rows gone and March kept", n, left)
	}
}

// usageKeys: keys are seen once put, a repeat is harmless, and pruning
// forgets those put at or before the cutoff.
func usageKeys(t *testing.T, open Opener) {
	s := open(t)
	keys := make([]string, 1200) // more than one statement's worth
	for i := range keys {
		keys[i] = fmt.Sprint("key-", i)
	}
	update(t, s, func(tx portico.Tx) error { return tx.PutUsageKeys(keys, t0) })
	update(t, s, func(tx portico.Tx) error { return tx.PutUsageKeys([]string{"key-1", "late"}, t0.Add(time.Hour)) })
	seen := view(t, s, func(tx portico.Tx) (map[string]bool, error) {
		return tx.UsageKeysSeen(append([]string{"never"}, keys...))
	})
	if len(seen) != len(keys) || seen["never"] {
		t.Errorf("seen %d keys (never: %v), want the %d put", len(seen), seen["never"], len(keys))
	}
	total := 0
	for {
		var n int
		update(t, s, func(tx portico.Tx) error {
			var err error
			n, err = tx.PruneUsageKeys(t0, 500)
			return err
		})
		total += n
		if n < 500 {
			break
		}
	}
	seen = view(t, s, func(tx portico.Tx) (map[string]bool, error) { return tx.UsageKeysSeen([]string{"key-1", "late"}) })
	if total != len(keys) || seen["key-1"] || !seen["late"] {
		t.Errorf("pruned %d, then seen %v; want %d pruned and only the later key kept", total, seen, len(keys))
	}
}

// bulkReads: reading many customers at once gives each what reading one
// at a time gives, in the same order, and leaves out who does not exist.
func bulkReads(t *testing.T, open Opener) {
	s := open(t)
	ids := make([]string, 520) // more than one statement's worth
	for i := range ids {
		ids[i] = fmt.Sprintf("c%03d", i)
	}
	createCustomers(t, s, ids...)
	update(t, s, func(tx portico.Tx) error {
		for i, id := range ids[:3] {
			for k := range 2 {
				s := sub(fmt.Sprintf("s%d-%d", i, k), id, fmt.Sprint("r", k), portico.StatusActive, t0.Add(time.Duration(k)*time.Second))
				if err := tx.PutSubscription(s); err != nil {
					return err
				}
			}
			if err := tx.AddPromotion(portico.Promotion{ID: "p" + id, CustomerID: id, FeatureID: "seats", GrantedAt: t0}); err != nil {
				return err
			}
			if err := tx.PutUsage(portico.UsageRecord{CustomerID: id, FeatureID: "api", Value: int64(i + 1), PeriodStart: t0}); err != nil {
				return err
			}
		}
		return tx.PutUsage(portico.UsageRecord{CustomerID: ids[519], FeatureID: "api", Value: 9, PeriodStart: t0})
	})
	asked := append(slices.Clone(ids), "nobody")
	update(t, s, func(tx portico.Tx) error {
		cs, err := tx.CustomersByID(asked)
		if err != nil {
			return err
		}
		subs, err := tx.SubscriptionsOfCustomers(asked)
		if err != nil {
			return err
		}
		promos, err := tx.PromotionsOfCustomers(asked)
		if err != nil {
			return err
		}
		usage, err := tx.UsageOfCustomers(asked)
		if err != nil {
			return err
		}
		if _, ok := cs["nobody"]; len(cs) != len(ids) || ok || cs["c007"].ID != "c007" {
			t.Errorf("CustomersByID: %d customers (nobody: %v)", len(cs), ok)
		}
		for _, id := range []string{ids[1], ids[519], ids[200]} {
			one, _ := tx.SubscriptionsOf(id)
			if fmt.Sprint(subIDs(subs[id])) != fmt.Sprint(subIDs(one)) {
				t.Errorf("subscriptions of %s: %v in bulk, %v alone", id, subIDs(subs[id]), subIDs(one))
			}
			u, _ := tx.UsageOf(id)
			if fmt.Sprint(usage[id]) != fmt.Sprint(u) {
				t.Errorf("usage of %s: %v in bulk, %v alone", id, usage[id], u)
			}
			p, _ := tx.PromotionsOf(id)
			if len(promos[id]) != len(p) {
				t.Errorf("promotions of %s: %v in bulk, %v alone", id, promos[id], p)
			}
		}
		return nil
	})
}

// bulkWrites: many usage values and history days written at once read back
// as written one at a time would.
func bulkWrites(t *testing.T, open Opener) {
	s := open(t)
	ids := make([]string, 230) // more than one statement's worth
	for i := range ids {
		ids[i] = fmt.Sprintf("w%03d", i)
	}
	createCustomers(t, s, ids...)
	day := time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)
	update(t, s, func(tx portico.Tx) error {
		var recs []portico.UsageRecord
		var adds []portico.HistoryAdd
		for i, id := range ids {
			recs = append(recs, portico.UsageRecord{CustomerID: id, FeatureID: "api", Value: int64(i), PeriodStart: t0})
			adds = append(adds, portico.HistoryAdd{CustomerID: id, FeatureID: "api", Day: day, Value: int64(i)},
				portico.HistoryAdd{CustomerID: id, FeatureID: "api", Day: day.AddDate(0, 0, 1), Value: 1})
		}
		if err := tx.PutUsages(recs); err != nil {
			return err
		}
		if err := tx.AddUsageHistories(adds); err != nil {
			return err
		}
		// A second round adds to the days and replaces the values.
		recs[7].Value = 700
		if err := tx.PutUsages(recs[7:8]); err != nil {
			return err
		}
		return tx.AddUsageHistories(adds[14:15])
	})
	usage := view(t, s, func(tx portico.Tx) ([]portico.UsageRecord, error) { return tx.UsageOf("w007") })
	days := view(t, s, func(tx portico.Tx) ([]portico.DayUsage, error) {
		return tx.UsageHistory("w007", "api", "", day.AddDate(0, 0, -1), day.AddDate(0, 0, 3))
	})
	if len(usage) != 1 || usage[0].Value != 700 || fmt.Sprint(days) != "[{2026-03-14 00:00:00 +0000 UTC 14} {2026-03-15 00:00:00 +0000 UTC 1}]" {
		t.Errorf("w007: usage %v, history %v; want 700, and 7+7 then 1", usage, days)
	}
	last := view(t, s, func(tx portico.Tx) ([]portico.UsageRecord, error) { return tx.UsageOf("w229") })
	if len(last) != 1 || last[0].Value != 229 {
		t.Errorf("w229: usage %v, want 229", last)
	}
}
