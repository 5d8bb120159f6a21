// Package txn holds what both SQL stores' transactions keep beside their
// connection: the customers whose data they wrote, and nested updates as
// savepoints.
package txn

import (
	"errors"
	"slices"
	"strconv"
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
		exec("RELEASE SAVEPOINT " + name)
		return err
	}
	return exec("RELEASE SAVEPOINT " + name)
}
