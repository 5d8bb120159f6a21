package sqltx

import (
	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/store/internal/rows"
)

// Customer implements portico.CustomerTx.
func (t *Tx) Customer(id string) (*portico.Customer, error) {
	var c portico.Customer
	if err := t.getDoc(&c, `SELECT doc FROM customers WHERE id = ?`, id); err != nil {
		return nil, err
	}
	return &c, nil
}

// CreateCustomer implements portico.CustomerTx.
func (t *Tx) CreateCustomer(c *portico.Customer) error {
	doc, err := rows.Doc(c)
	if err != nil {
		return err
	}
	t.touched.Add(c.ID)
	return t.exec(`INSERT INTO customers (id, created_at, doc) VALUES (?, ?, ?)`, c.ID, c.CreatedAt.UnixNano(), doc)
}

// UpdateCustomer implements portico.CustomerTx.
func (t *Tx) UpdateCustomer(c *portico.Customer) error {
	doc, err := rows.Doc(c)
	if err != nil {
		return err
	}
	t.touched.Add(c.ID)
	return t.exec(`UPDATE customers SET doc = ? WHERE id = ?`, doc, c.ID)
}

// CustomerCount implements portico.CustomerTx.
func (t *Tx) CustomerCount() (int, error) {
	var n int
	err := t.queryRow(`SELECT COUNT(*) FROM customers`).Scan(&n)
	return n, err
}
