package engine

import (
	"context"
	"errors"
	"fmt"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/catalog"
)

type authorKey struct{}

// WithAuthor names who makes the catalog changes made with ctx ("backend
// API", "console"); the catalog's history records it.
func WithAuthor(ctx context.Context, by string) context.Context {
	return context.WithValue(ctx, authorKey{}, by)
}

type ifVersionKey struct{}

// IfCatalogVersion makes the catalog changes made with ctx apply only while
// the catalog is at version v, the one the client read: a change made on a
// copy that someone else's change has overtaken is refused (KindStale)
// rather than silently undoing theirs.
func IfCatalogVersion(ctx context.Context, v int64) context.Context {
	return context.WithValue(ctx, ifVersionKey{}, v)
}

type versionSinkKey struct{}

// WithCatalogVersion returns a context whose catalog change reports the
// version it saved, and the function that tells it (0 when none was saved).
func WithCatalogVersion(ctx context.Context) (context.Context, func() int64) {
	v := new(int64)
	return context.WithValue(ctx, versionSinkKey{}, v), func() int64 { return *v }
}

// fresh refuses a catalog change made on a version that is no longer
// current. Each change checks it first, before its own rules.
func (o *op) fresh() error {
	if want, ok := o.ctx.Value(ifVersionKey{}).(int64); ok && want != o.catVersion {
		return &portico.Error{Kind: portico.KindStale, Title: "The catalog has changed",
			Detail: fmt.Sprintf("the catalog is at version %d, not version %d that this change was made on: reload it, then make the change again", o.catVersion, want)}
	}
	return nil
}

// putCatalog saves the next catalog version, as the change's author.
func (o *op) putCatalog(c *portico.Catalog, note string) error {
	if err := o.tx.PutCatalog(c, o.change(note)); err != nil {
		return err
	}
	if sink, ok := o.ctx.Value(versionSinkKey{}).(*int64); ok {
		// Writers are serialised: the version saved is the one after the
		// version read.
		*sink = o.catVersion + 1
	}
	return nil
}

func (o *op) change(note string) portico.CatalogChange {
	by, _ := o.ctx.Value(authorKey{}).(string)
	return portico.CatalogChange{By: by, At: o.now, Note: note}
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

// RestoreCatalog applies a kept version again, as a new version. It goes
// through the same checks as applying a document: a version that lacks an
// object created since cannot be restored (objects are archived, never
// removed), and restoring the current version changes nothing (409).
func (e *Engine) RestoreCatalog(ctx context.Context, version int64) (*portico.Catalog, error) {
	var out *portico.Catalog
	err := e.update(ctx, func(o *op) error {
		if err := o.fresh(); err != nil {
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
		return o.putCatalog(cat, fmt.Sprintf("restored version %d", version))
	})
	return out, err
}
