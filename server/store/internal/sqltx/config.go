package sqltx

import (
	"context"
	"sync/atomic"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/store/internal/sqlconn"
)

// Config is what one store's transactions share.
type Config struct {
	dialect sqlconn.Dialect
	// packSnapshot turns a snapshot's body into the form the store keeps.
	packSnapshot func(body []byte) []byte
	// catalog is the last committed catalog decoded, shared by readers
	// while its version is current: decoding it was most of a read's cost.
	catalog atomic.Pointer[versionedCatalog]
}

type versionedCatalog struct {
	version int64
	cat     *portico.Catalog
}

// NewConfig is the configuration of a store's transactions. packSnapshot
// turns a snapshot's body into the form the store keeps (SQLite's is
// compressed); nil keeps bodies as they are.
func NewConfig(d sqlconn.Dialect, packSnapshot func(body []byte) []byte) *Config {
	if packSnapshot == nil {
		packSnapshot = func(body []byte) []byte { return body }
	}
	return &Config{dialect: d, packSnapshot: packSnapshot}
}

// txKey marks a context bound to a write transaction.
type txKey struct{}

// TxOf is the write transaction of this store that ctx is bound to, if
// any: a call made with it joins the transaction. A transaction of another
// store is not joined.
func (c *Config) TxOf(ctx context.Context) *Tx {
	if t, _ := ctx.Value(txKey{}).(*Tx); t != nil && t.cfg == c {
		return t
	}
	return nil
}
