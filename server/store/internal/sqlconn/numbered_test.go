package sqlconn

import "testing"

func TestNumbered(t *testing.T) {
	for _, c := range []struct {
		query string
		args  int
		want  string
	}{
		{`SELECT doc FROM customers WHERE id = ?`, 1, `SELECT doc FROM customers WHERE id = $1`},
		{`INSERT INTO t (a, b, c) VALUES (?, ?, ?)`, 3, `INSERT INTO t (a, b, c) VALUES ($1, $2, $3)`},
		{`UPDATE t SET a = ? WHERE b = ? AND c <= ?`, 3, `UPDATE t SET a = $1 WHERE b = $2 AND c <= $3`},
		{`SELECT COUNT(*) FROM customers`, 0, `SELECT COUNT(*) FROM customers`},
		// A script runs without arguments: nothing in it is a placeholder.
		{`-- why? CREATE TABLE t (a TEXT);`, 0, `-- why? CREATE TABLE t (a TEXT);`},
		{`SELECT ?,?,?,?,?,?,?,?,?,?,?`, 11, `SELECT $1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11`},
	} {
		if got := Numbered(c.query, c.args); got != c.want {
			t.Errorf("Numbered(%q) = %q, want %q", c.query, got, c.want)
		}
	}
}
