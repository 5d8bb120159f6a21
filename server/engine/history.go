package engine

import (
	"context"
	"errors"
	"fmt"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/catalog"
)

// CatalogChange is who makes a catalog change and on which version. The
// history records the author; the version keeps a change made on a copy
// that someone else's change has overtaken from silently undoing theirs.
type CatalogChange struct {
	// By names who makes the change ("backend API", "console").
	By string
	// IfVersion, when set, is the version the change was made on (the one
	// the client read): the change applies only while the catalog is still
	// at it, and is refused (KindStale) otherwise. Nil applies the change to
	// whatever version is current.
	IfVersion *int64
}

// fresh refuses a catalog change made on a version that is no longer
// current. Each change checks it first, before its own rules.
func (o *op) fresh(change CatalogChange) error {
	if want := change.IfVersion; want != nil && *want != o.catVersion {
		return &portico.Error{Kind: portico.KindStale, Title: "The catalog has changed",
			Detail: fmt.Sprintf("the catalog is at version %d, not version %d that this change was made on: reload it, then make the change again", o.catVersion, *want)}
	}
	return nil
}

// putCatalog saves the next catalog version as the change's author and
// returns its number.
func (o *op) putCatalog(c *portico.Catalog, change CatalogChange, note string) (int64, error) {
	if err := o.tx.PutCatalog(c, portico.CatalogChange{By: change.By, At: o.now, Note: note}); err != nil {
		return 0, err
	}
	// Writers are serialised: the version saved is the one after the
	// version read.
	return o.catVersion + 1, nil
}

// maxVersions bounds one page of the history.
const maxVersions = 100

// CatalogVersions lists the catalog's kept versions, newest first, at most
// limit of them below before (0: from the newest), each with its changes.
func (e *Engine) CatalogVersions(ctx context.Context, before int64, limit int) ([]portico.CatalogVersionView, error) {
	if limit <= 0 || limit > maxVersions {
		limit = maxVersions
	}
	out := []portico.CatalogVersionView{}
	err := e.view(ctx, func(o *op) error {
		vs, err := o.tx.CatalogVersions(before, limit)
		if err != nil {
			return err
		}
		for _, v := range vs {
			entry, _, err := o.versionEntry(v)
			if err != nil {
				return err
			}
			out = append(out, entry)
		}
		return nil
	})
	return out, err
}

// CatalogVersion returns one kept version with its document and changes.
func (e *Engine) CatalogVersion(ctx context.Context, version int64) (*portico.CatalogVersionDetail, error) {
	var out *portico.CatalogVersionDetail
	err := e.view(ctx, func(o *op) error {
		v, cat, err := o.tx.CatalogVersion(version)
		if errors.Is(err, portico.ErrNotFound) {
			return portico.NotFound("catalog version", fmt.Sprint(version))
		}
		if err != nil {
			return err
		}
		entry, _, err := o.versionEntry(*v)
		out = &portico.CatalogVersionDetail{CatalogVersionView: entry, Catalog: cat}
		return err
	})
	return out, err
}

// versionEntry compares a version with the one before it.
func (o *op) versionEntry(v portico.CatalogVersion) (portico.CatalogVersionView, *portico.Catalog, error) {
	_, cat, err := o.tx.CatalogVersion(v.Version)
	if err != nil {
		return portico.CatalogVersionView{}, nil, err
	}
	prev := &portico.Catalog{}
	if _, p, err := o.tx.CatalogVersion(v.Version - 1); err == nil {
		prev = p
	} else if !errors.Is(err, portico.ErrNotFound) {
		return portico.CatalogVersionView{}, nil, err
	}
	return portico.CatalogVersionView{CatalogVersion: v, Current: v.Version == o.catVersion,
		Changes: catalog.Diff(prev, cat)}, cat, nil
}

// RestoreCatalog applies a kept version again, as a new version, and
// returns it with its number. It goes through the same checks as applying a
// document: a version that lacks an object created since cannot be restored
// (objects are archived, never removed), and restoring the current version
// changes nothing (409).
func (e *Engine) RestoreCatalog(ctx context.Context, version int64, change CatalogChange) (*portico.Catalog, int64, error) {
	var out *portico.Catalog
	var saved int64
	err := e.update(ctx, func(o *op) error {
		if err := o.fresh(change); err != nil {
			return err
		}
		_, cat, err := o.tx.CatalogVersion(version)
		if errors.Is(err, portico.ErrNotFound) {
			return portico.NotFound("catalog version", fmt.Sprint(version))
		}
		if err != nil {
			return err
		}
		if version == o.catVersion || len(catalog.Diff(o.cat, cat)) == 0 {
			return portico.Conflict("version %d is the same as the current catalog: there is nothing to restore", version)
		}
		if err := catalog.Validate(cat); err != nil {
			return err
		}
		if err := catalog.CheckEvolution(o.cat, cat, o.tx.ProductHasSubscriptions); err != nil {
			return err
		}
		out = cat
		saved, err = o.putCatalog(cat, change, fmt.Sprintf("restored version %d", version))
		return err
	})
	return out, saved, err
}
