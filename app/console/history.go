package console

import (
	"context"
	"fmt"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

// historyView is the catalog's history. It owns the versions read so far
// and reads them again whenever the page's catalog moves: a save, a
// restore, or someone else's version read on the way.
type historyView struct {
	app.Compo
	API     API
	Version catalogVersion // the page's catalog's

	versions []portico.CatalogVersionView
	next     int64 // the version to read older ones before, 0 when none
	loaded   bool
	loading  bool
	err      string
	readFor  catalogVersion // the catalog version the versions were read for
	own      ownContext
}

func (v *historyView) OnMount(ctx app.Context) {
	v.own.keep(ctx)
	v.reload(ctx)
}

func (v *historyView) OnUpdate(ctx app.Context) {
	if v.Version != v.readFor {
		v.reload(ctx)
	}
}

// reload reads the newest versions again.
func (v *historyView) reload(ctx app.Context) {
	v.loaded = false
	v.load(ctx, 0)
}

// load reads the newest versions, or the page of versions before before.
func (v *historyView) load(ctx app.Context, before int64) {
	if v.loading || (before == 0 && v.loaded) || v.API == nil {
		return
	}
	v.loading, v.err, v.readFor = true, "", v.Version
	api, ctx := v.API, v.own.or(ctx)
	ctx.Async(func() {
		c, cancel := ctxTimeout()
		defer cancel()
		list, err := api.Versions(c, before)
		ctx.Dispatch(func(ctx app.Context) { v.show(ctx, before, list, err) })
	})
}

// show adds the versions read before before to the list, or says why
// they could not be read.
func (v *historyView) show(ctx app.Context, before int64, list *portico.CatalogVersionList, err error) {
	v.loading = false
	if err != nil {
		failed(ctx, err, &v.err)
		return
	}
	if before == 0 {
		v.versions = nil
	}
	v.versions, v.next, v.loaded = append(v.versions, list.Versions...), list.Next, true
}

func (v *historyView) Render() app.UI {
	return app.Section().Class("pc-panel").Body(
		app.Div().Class("pc-head").Body(app.H1().Text("Catalog history")),
		app.P().Class("pc-hint").Text("Every saved change is a version. Restoring an earlier version saves it again as a new version, under the same rules as any change: a version that lacks a product, plan, add-on or feature created since cannot be restored (archive instead)."),
		v.renderBody(),
		app.If(v.next > 0, func() app.UI {
			return app.Button().Class("pc-button").Type("button").Disabled(v.loading).Text("Show older versions").
				OnClick(func(ctx app.Context, e app.Event) { v.load(ctx, v.next) })
		}),
	)
}

// renderBody is the list of versions, or what stands in its place.
func (v *historyView) renderBody() app.UI {
	switch {
	case v.err != "":
		return app.Div().Class("pc-failed").Role("alert").Body(
			app.P().Text("The history could not be loaded: "+v.err),
			app.Button().Class("pc-button").Type("button").Text("Try again").
				OnClick(func(ctx app.Context, e app.Event) { v.reload(ctx) }))
	case !v.loaded:
		return app.P().Class("pc-loading").Role("status").Text("Loading the history…")
	case len(v.versions) == 0:
		return app.P().Class("pc-empty").Text("No version yet: the history starts with the first catalog saved.")
	}
	items := make([]app.UI, len(v.versions))
	for i, ver := range v.versions {
		items[i] = v.renderVersion(ver)
	}
	return app.Ol().Class("pc-versions").Body(items...)
}

func (v *historyView) renderVersion(ver portico.CatalogVersionView) app.UI {
	by, at := ver.By, "time unknown"
	if by == "" {
		by = "unknown"
	}
	if !ver.At.IsZero() {
		at = ver.At.UTC().Format("2 Jan 2006 15:04 UTC")
	}
	changes := make([]app.UI, len(ver.Changes))
	for i, c := range ver.Changes {
		changes[i] = app.Li().Text(c)
	}
	return app.Li().Class("pc-version").ID(fmt.Sprintf("pc-version-%d", ver.Version)).Body(
		app.Div().Class("pc-head").Body(
			app.Div().Body(
				app.H2().Body(app.Text(fmt.Sprintf("Version %d ", ver.Version)),
					app.If(ver.Current, func() app.UI { return app.Span().Class("pc-badge").Text("Current") })),
				app.P().Class("pc-meta").Body(app.Text("by "), app.Strong().Text(by), app.Text(" · "),
					app.Time().DateTime(ver.At.UTC().Format("2006-01-02T15:04:05Z")).Text(at),
					app.If(ver.Note != "", func() app.UI { return app.Text(" · " + ver.Note) })),
			),
			app.If(!ver.Current, func() app.UI {
				n := ver.Version
				return app.Button().Class("pc-button").Type("button").Aria("label", fmt.Sprintf("Restore version %d", n)).
					Text("Restore").OnClick(func(ctx app.Context, e app.Event) { openDialog(ctx, nil, restoreDialog(v.API, n)) }, app.EventScope(n))
			}),
		),
		app.If(len(changes) == 0, func() app.UI { return app.P().Class("pc-hint").Text("No change from the version before.") }).
			Else(func() app.UI { return app.Ul().Class("pc-changes").Body(changes...) }),
	)
}

// restoreDialog asks before restoring version n; a restore replaces the
// whole catalog, so it is made on none. The history reads itself again
// once the catalog it follows moves.
func restoreDialog(api API, n int64) *dialog {
	d := newDialog(dlgConfirm, fmt.Sprintf("Restore version %d?", n))
	d.message = fmt.Sprintf("The catalog becomes version %d again, saved as a new version; nothing is lost. "+
		"It applies to future subscriptions and changes only.", n)
	d.v["action"] = "Restore"
	d.done = fmt.Sprintf("Version %d restored as a new version.", n)
	d.change = func(c context.Context) putResult { return restore(c, api, n) }
	return d
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
