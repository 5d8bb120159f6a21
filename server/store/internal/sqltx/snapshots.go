package sqltx

import portico "github.com/portico-dev/portico"

// TouchedCustomers implements portico.SnapshotTx.
func (t *Tx) TouchedCustomers() []string { return t.touched.Drain() }

// PutSnapshot implements portico.SnapshotTx, keeping the body in the
// store's form.
func (t *Tx) PutSnapshot(s portico.Snapshot) error {
	t.snapshotsOf(s.CustomerID)
	return t.exec(`INSERT INTO snapshots (customer_id, kind, scope, catalog_version, valid_until, body)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (customer_id, kind, scope) DO UPDATE SET catalog_version = excluded.catalog_version,
		valid_until = excluded.valid_until, body = excluded.body`,
		s.CustomerID, s.Kind, s.Scope, s.CatalogVersion, s.ValidUntil.UnixNano(), t.cfg.packSnapshot(s.Body))
}

// DeleteSnapshots implements portico.SnapshotTx.
func (t *Tx) DeleteSnapshots(customerID string) error {
	t.snapshotsOf(customerID)
	return t.exec(`DELETE FROM snapshots WHERE customer_id = ?`, customerID)
}

func (t *Tx) snapshotsOf(customerID string) {
	if t.snapshotsWritten == nil {
		t.snapshotsWritten = map[string]bool{}
	}
	t.snapshotsWritten[customerID] = true
}
