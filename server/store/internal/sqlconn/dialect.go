package sqlconn

// Dialect is what differs between the SQL of the two stores beyond the
// placeholders (which each store's Conn takes care of).
type Dialect struct {
	// Int64 and Bytes are the column types shared migrations write as
	// {{.Int64}} (Unix nanoseconds, counters) and {{.Bytes}}: SQLite's
	// INTEGER (a rowid alias as a primary key) and BLOB, PostgreSQL's
	// BIGINT (its INTEGER has 32 bits) and BYTEA.
	Int64, Bytes string
	// InvoiceSeq orders a customer's invoices created at the same instant
	// as they were added: SQLite's rowid, a column of PostgreSQL's own
	// (which has no rowid).
	InvoiceSeq string
}
