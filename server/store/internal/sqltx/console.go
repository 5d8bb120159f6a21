package sqltx

import "time"

// RevokeConsoleSession implements portico.ConsoleSessionTx.
func (t *Tx) RevokeConsoleSession(id string, expires time.Time) error {
	return t.exec(`INSERT INTO console_revocations (id, expires_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`, id, expires.UnixNano())
}

// ConsoleSessionRevoked implements portico.ConsoleSessionTx.
func (t *Tx) ConsoleSessionRevoked(id string) (bool, error) {
	var ok bool
	err := t.queryRow(`SELECT EXISTS (SELECT 1 FROM console_revocations WHERE id = ?)`, id).Scan(&ok)
	return ok, err
}

// PruneConsoleRevocations implements portico.ConsoleSessionTx.
func (t *Tx) PruneConsoleRevocations(at time.Time) error {
	return t.exec(`DELETE FROM console_revocations WHERE expires_at <= ?`, at.UnixNano())
}
