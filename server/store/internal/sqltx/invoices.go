package sqltx

import (
	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/store/internal/rows"
)

// InvoicesOf implements portico.InvoiceTx: newest first, and the last
// added first among those created at the same instant.
func (t *Tx) InvoicesOf(customerID string) ([]portico.Invoice, error) {
	return listDocs[portico.Invoice](t, `SELECT doc FROM invoices WHERE customer_id = ? ORDER BY created DESC, `+
		t.cfg.dialect.InvoiceSeq+` DESC`, customerID)
}

// AddInvoice implements portico.InvoiceTx.
func (t *Tx) AddInvoice(customerID string, inv portico.Invoice) error {
	doc, err := rows.Doc(inv)
	if err != nil {
		return err
	}
	t.touched.Add(customerID)
	return t.exec(`INSERT INTO invoices (id, customer_id, created, doc) VALUES (?, ?, ?, ?)`, inv.ID, customerID, inv.Created.UnixNano(), doc)
}
