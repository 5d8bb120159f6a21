package sqlite

import "github.com/portico-dev/portico/server/store/internal/billinglinks"

// links are the billing provider's links and webhook events (billing.Store)
// on the store's pools: lookups on a reader, events on the writer, and a
// link outside any transaction in a short one of its own.
func (s *Store) links() billinglinks.Links {
	return billinglinks.New(s.txs, dbConn{s.read}, dbConn{s.write}, s.inWriteTx)
}
