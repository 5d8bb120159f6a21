package sqltx

import (
	"encoding/json"
	"errors"
	"math"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/store/internal/rows"
	"github.com/portico-dev/portico/server/store/internal/sqlconn"
)

// Catalog implements portico.CatalogTx: the decoded catalog shared by the
// store's readers while its version is current, else decoded afresh.
func (t *Tx) Catalog() (*portico.Catalog, int64, error) {
	var version int64
	err := t.queryRow(`SELECT version FROM catalog WHERE id = 1`).Scan(&version)
	if errors.Is(err, sqlconn.ErrNoRows) {
		return &portico.Catalog{}, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	if c := t.cfg.catalog.Load(); c != nil && c.version == version {
		return c.cat, version, nil
	}
	cat, version, err := t.decodeCatalog()
	// Only a committed catalog is shared: a writer may be reading the one it
	// has just put, which its transaction may yet roll back.
	if err == nil && t.readOnly {
		t.cfg.catalog.Store(&versionedCatalog{version: version, cat: cat})
	}
	return cat, version, err
}

// decodeCatalog reads and decodes the catalog.
func (t *Tx) decodeCatalog() (*portico.Catalog, int64, error) {
	var doc []byte
	var version int64
	err := t.queryRow(`SELECT version, doc FROM catalog WHERE id = 1`).Scan(&version, &doc)
	if errors.Is(err, sqlconn.ErrNoRows) {
		return &portico.Catalog{}, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	var c portico.Catalog
	if err := json.Unmarshal(doc, &c); err != nil {
		return nil, 0, err
	}
	return &c, version, nil
}

// PutCatalog implements portico.CatalogTx: the catalog row and its history
// row, in the same transaction.
func (t *Tx) PutCatalog(c *portico.Catalog, change portico.CatalogChange) error {
	doc, err := rows.Doc(c)
	if err != nil {
		return err
	}
	t.catalogWritten = true
	err = t.exec(`INSERT INTO catalog (id, version, doc) VALUES (1, 1, ?)
		ON CONFLICT (id) DO UPDATE SET version = catalog.version + 1, doc = excluded.doc`, doc)
	if err != nil {
		return err
	}
	var at int64
	if !change.At.IsZero() {
		at = change.At.UnixNano()
	}
	return t.exec(`INSERT INTO catalog_versions (version, at, author, note, doc)
		SELECT version, ?, ?, ?, doc FROM catalog WHERE id = 1`, at, change.By, change.Note)
}

// CatalogVersions implements portico.CatalogTx.
func (t *Tx) CatalogVersions(before int64, limit int) ([]portico.CatalogVersion, error) {
	if before <= 0 {
		before = math.MaxInt64
	}
	r, err := t.query(`SELECT version, at, author, note FROM catalog_versions
		WHERE version < ? ORDER BY version DESC LIMIT ?`, before, limit)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return rows.Versions(r)
}

// CatalogVersion implements portico.CatalogTx.
func (t *Tx) CatalogVersion(version int64) (*portico.CatalogVersion, *portico.Catalog, error) {
	v := portico.CatalogVersion{Version: version}
	var at int64
	var doc []byte
	err := t.queryRow(`SELECT at, author, note, doc FROM catalog_versions WHERE version = ?`, version).
		Scan(&at, &v.By, &v.Note, &doc)
	if errors.Is(err, sqlconn.ErrNoRows) {
		return nil, nil, portico.ErrNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	v.At = rows.Time(at)
	var c portico.Catalog
	if err := json.Unmarshal(doc, &c); err != nil {
		return nil, nil, err
	}
	return &v, &c, nil
}
