package console

import (
	"context"
	"fmt"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

// historyState is the catalog's history as loaded.
type historyState struct {
	versions []portico.CatalogVersionView
	next     int64
	loaded   bool
	loading  bool
	err      string
}

// loadHistory reads the newest versions, or the page before before.
func (p *Page) loadHistory(ctx app.Context) {
	p.loadVersions(ctx, 0)
}

func (p *Page) loadVersions(ctx app.Context, before int64) {
	h := &p.hist
	if h.loading || (before == 0 && h.loaded) || p.api == nil {
		return
	}
	h.loading, h.err = true, ""
	api, ctx := p.api, p.own(ctx)
	ctx.Async(func() {
		c, cancel := ctxTimeout()
		defer cancel()
		list, err := api.Versions(c, before)
		ctx.Dispatch(func(ctx app.Context) {
			h.loading = false
			if err != nil {
				p.failed(ctx, err, &h.err)
				return
			}
			if before == 0 {
				h.versions = nil
			}
			h.versions, h.next, h.loaded = append(h.versions, list.Versions...), list.Next, true
		})
	})
}

func (p *Page) renderHistory() app.UI {
	h := &p.hist
	items := make([]app.UI, len(h.versions))
	for i, v := range h.versions {
		items[i] = p.renderVersion(v)
	}
	var body app.UI
	switch {
	case h.err != "":
		body = app.Div().Class("pc-failed").Role("alert").Body(
			app.P().Text("The history could not be loaded: "+h.err),
			app.Button().Class("pc-button").Type("button").Text("Try again").
				OnClick(func(ctx app.Context, e app.Event) { h.loaded = false; p.loadHistory(ctx) }))
	case !h.loaded:
		body = app.P().Class("pc-loading").Role("status").Text("Loading the history…")
	case len(items) == 0:
		body = app.P().Class("pc-empty").Text("No version yet: the history starts with the first catalog saved.")
	default:
		body = app.Ol().Class("pc-versions").Body(items...)
	}
	return app.Section().Class("pc-panel").Body(
		app.Div().Class("pc-head").Body(app.H1().Text("Catalog history")),
		app.P().Class("pc-hint").Text("Every saved change is a version. Restoring an earlier version saves it again as a new version, under the same rules as any change: a version that lacks a product, plan, add-on or feature created since cannot be restored (archive instead)."),
		body,
		app.If(h.next > 0, func() app.UI {
			return app.Button().Class("pc-button").Type("button").Disabled(h.loading).Text("Show older versions").
				OnClick(func(ctx app.Context, e app.Event) { p.loadVersions(ctx, h.next) })
		}),
	)
}

func (p *Page) renderVersion(v portico.CatalogVersionView) app.UI {
	by, at := v.By, "time unknown"
	if by == "" {
		by = "unknown"
	}
	if !v.At.IsZero() {
		at = v.At.UTC().Format("2 Jan 2006 15:04 UTC")
	}
	changes := make([]app.UI, len(v.Changes))
	for i, c := range v.Changes {
		changes[i] = app.Li().Text(c)
	}
	return app.Li().Class("pc-version").ID(fmt.Sprintf("pc-version-%d", v.Version)).Body(
		app.Div().Class("pc-head").Body(
			app.Div().Body(
				app.H2().Body(app.Text(fmt.Sprintf("Version %d ", v.Version)),
					app.If(v.Current, func() app.UI { return app.Span().Class("pc-badge").Text("Current") })),
				app.P().Class("pc-meta").Body(app.Text("by "), app.Strong().Text(by), app.Text(" · "),
					app.Time().DateTime(v.At.UTC().Format("2006-01-02T15:04:05Z")).Text(at),
					app.If(v.Note != "", func() app.UI { return app.Text(" · " + v.Note) })),
			),
			app.If(!v.Current, func() app.UI {
				return app.Button().Class("pc-button").Type("button").Aria("label", fmt.Sprintf("Restore version %d", v.Version)).
					Text("Restore").OnClick(func(ctx app.Context, e app.Event) { p.confirmRestore(ctx, v.Version) }, app.EventScope(v.Version))
			}),
		),
		app.If(len(changes) == 0, func() app.UI { return app.P().Class("pc-hint").Text("No change from the version before.") }).
			Else(func() app.UI { return app.Ul().Class("pc-changes").Body(changes...) }),
	)
}

func (p *Page) confirmRestore(ctx app.Context, n int64) {
	d := newDialog(dlgConfirm, fmt.Sprintf("Restore version %d?", n))
	d.message = fmt.Sprintf("The catalog becomes version %d again, saved as a new version; nothing is lost. "+
		"It applies to future subscriptions and changes only.", n)
	d.v["action"] = "Restore"
	d.done = fmt.Sprintf("Version %d restored as a new version.", n)
	api := p.api
	d.change = func(c context.Context) putResult { return restore(c, api, n) }
	d.then = func(ctx app.Context) { p.loadHistory(ctx) }
	p.openDialog(ctx, d)
}

// restore restores version n. Unlike an edit, a restore is not re-applied
// when someone else saved meanwhile: it replaces the whole catalog, so it
// would undo their change unseen. The page shows their version instead,
// for the operator to decide again.
func restore(ctx context.Context, api API, n int64) putResult {
	var r putResult
	if r.saved, r.err = api.Restore(ctx, n); r.err != nil {
		r.saved = nil // the client answers an empty catalog with its error
	}
	if statusOf(r.err) != statusStale {
		return r
	}
	r.saved, r.err = nil, plainError(fmt.Sprintf("Someone else saved the catalog since the history was read; "+
		"the history now shows their version. Restore version %d again if you still want it.", n))
	if theirs, err := api.Catalog(ctx); err == nil {
		r.read = theirs
	}
	return r
}
