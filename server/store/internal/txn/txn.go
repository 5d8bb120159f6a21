// Package txn holds what both SQL stores' transactions keep beside their
// connection: the customers whose data they wrote, the subscriptions a read
// has read, and nested updates as savepoints.
package txn

import (
	"errors"
	"slices"
	"strconv"

	portico "github.com/portico-dev/portico"
)

// Touched are the customers whose entitlements' inputs a transaction wrote.
type Touched map[string]bool

// Add notes a customer.
func (t *Touched) Add(customerID string) {
	if *t == nil {
		*t = Touched{}
	}
	(*t)[customerID] = true
}

// Drain returns the customers noted, sorted, and forgets them.
func (t *Touched) Drain() []string {
	ids := make([]string, 0, len(*t))
	for id := range *t {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	*t = nil
	return ids
}

// SubscriptionReads are the subscriptions a read-only transaction has read,
// by customer: a read sees one snapshot, and its readers ask for a
// customer's subscriptions several times (what is due, the view, the
// entitlements). A write transaction reads them afresh every time.
type SubscriptionReads map[string][]*portico.Subscription

// Of returns a customer's subscriptions: those read before when readOnly,
// else (and then kept, when readOnly) what read returns.
func (m *SubscriptionReads) Of(customerID string, readOnly bool, read func() ([]*portico.Subscription, error)) ([]*portico.Subscription, error) {
	if subs, ok := (*m)[customerID]; ok && readOnly {
		return subs, nil
	}
	subs, err := read()
	if err == nil && readOnly {
		if *m == nil {
			*m = SubscriptionReads{}
		}
		(*m)[customerID] = subs
	}
	return subs, err
}

// Savepoint runs fn within a transaction at nesting *depth, undoing only
// fn's writes when it fails. exec runs one SQL statement on the
// transaction (SAVEPOINT, ROLLBACK TO SAVEPOINT and RELEASE SAVEPOINT are
// the same in SQLite and PostgreSQL).
func Savepoint(depth *int, exec func(string) error, fn func() error) error {
	*depth++
	defer func() { *depth-- }()
	name := "sp" + strconv.Itoa(*depth)
	if err := exec("SAVEPOINT " + name); err != nil {
		return err
	}
	if err := fn(); err != nil {
		if rerr := exec("ROLLBACK TO SAVEPOINT " + name); rerr != nil {
			return errors.Join(err, rerr)
		}
		// ROLLBACK TO keeps the savepoint: it is released as well, or the
		// failure to release it is reported.
		if rerr := exec("RELEASE SAVEPOINT " + name); rerr != nil {
			return errors.Join(err, rerr)
		}
		return err
	}
	return exec("RELEASE SAVEPOINT " + name)
}
