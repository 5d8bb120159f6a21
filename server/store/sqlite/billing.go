package sqlite

import (
	"context"

	"github.com/portico-dev/portico/server/store/internal/billinglinks"
	"github.com/portico-dev/portico/server/store/internal/sqlconn"
)

// links are the billing provider's links and webhook events (billing.Store)
// on the store's pools: lookups on a reader, events on the writer, and a
// link outside any transaction in a short one of its own.
func (s *Store) links() billinglinks.Links {
	return billinglinks.Links{Txs: s.txs, Reads: dbConn{s.read}, Events: dbConn{s.write}, InTx: s.inWriteTx}
}

// inWriteTx runs fn in a write transaction of its own, statements
// unprepared.
func (s *Store) inWriteTx(ctx context.Context, fn func(sqlconn.Conn) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(dbConn{tx}); err != nil {
		return err
	}
	return tx.Commit()
}
