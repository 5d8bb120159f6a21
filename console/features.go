package console

import (
	"fmt"
	"slices"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

// renderFeatures lists the features plans and add-ons grant; every
// product shares them.
func (p *Page) renderFeatures() app.UI {
	rows := make([]app.UI, len(p.cat.Features))
	for i, f := range p.cat.Features {
		reset := "—"
		if f.Type == portico.FeatureMetered {
			reset = "every " + f.ResetPeriod
		}
		rows[i] = app.Tr().Body(
			app.Th().Scope("row").Text(f.Name),
			app.Td().Body(app.Code().Text(f.ID)),
			app.Td().Text(f.Type),
			app.Td().Text(orDash(f.Unit)),
			app.Td().Text(reset),
			app.Td().Class("pc-row-actions").Body(
				app.Button().Class("pc-button", "pc-small").Type("button").Aria("label", "Edit feature "+f.Name).Text("Edit").
					OnClick(func(ctx app.Context, e app.Event) { p.openFeature(ctx, f.ID) }, app.EventScope(f.ID))),
		)
	}
	return app.Section().Class("pc-panel").Body(
		app.Div().Class("pc-head").Body(
			app.H1().Text("Features"),
			app.Button().Class("pc-button", "pc-primary").Type("button").Text("+ New feature").
				OnClick(func(ctx app.Context, e app.Event) { p.openFeature(ctx, "") }),
		),
		app.P().Class("pc-hint").Text("What plans and add-ons grant: an on/off capability (boolean), a countable allowance such as seats (numeric), or a consumable that resets every period such as API calls (metered). A feature's type never changes."),
		app.If(len(rows) == 0, func() app.UI { return app.P().Class("pc-empty").Text("No features yet.") }).
			Else(func() app.UI {
				return app.Table().Class("pc-table").Body(
					app.THead().Body(app.Tr().Body(app.Th().Text("Name"), app.Th().Text("ID"), app.Th().Text("Type"),
						app.Th().Text("Unit"), app.Th().Text("Usage resets"), app.Th().Body(app.Span().Class("pc-sr").Text("Actions")))),
					app.TBody().Body(rows...))
			}),
	)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// openFeature opens the feature editor: a new feature, or the feature id.
func (p *Page) openFeature(ctx app.Context, id string) {
	var f *portico.Feature
	if x, ok := p.cat.Feature(id); ok {
		f = &x
	}
	d := newDialog(dlgFeature, "New feature")
	d.v["type"], d.v["resetPeriod"] = portico.FeatureNumeric, "month"
	if f != nil {
		d.title, d.id = "Edit feature “"+f.Name+"”", f.ID
		d.v["id"], d.v["name"], d.v["type"], d.v["unit"] = f.ID, f.Name, f.Type, f.Unit
		if f.ResetPeriod != "" {
			d.v["resetPeriod"] = f.ResetPeriod
		}
	}
	p.openDialog(ctx, d)
}

func (p *Page) featureForm() app.UI {
	d := p.dlg
	types := []choice{{portico.FeatureBoolean, "Boolean (on or off)", ""}, {portico.FeatureNumeric, "Numeric (an allowance)", ""},
		{portico.FeatureMetered, "Metered (consumed, resets)", ""}}
	typeField := p.selectField("type", "Type", "", types)
	if d.id != "" {
		typeField = p.field("type", "Type", "A feature's type never changes; create a new feature instead.", p.input("type", "text").ReadOnly(true))
	}
	label := "Create feature"
	if d.id != "" {
		label = "Save changes"
	}
	return app.Form().Class("pc-form").OnSubmit(p.submitFeature).Body(
		app.Div().Class("pc-row").Body(
			p.field("name", "Name", "", p.input("name", "text").Required(true)),
			p.idField("feature"),
		),
		typeField,
		p.field("unit", "Unit (optional)", "Singular, e.g. seat, call, GB.", p.input("unit", "text")),
		app.If(d.v["type"] == portico.FeatureMetered, func() app.UI {
			return p.selectField("resetPeriod", "Usage resets every", "", []choice{
				{"day", "day", ""}, {"week", "week", ""}, {"month", "month", ""}, {"year", "year", ""}})
		}),
		p.actions(label, false),
	)
}

func (p *Page) submitFeature(ctx app.Context, e app.Event) {
	e.PreventDefault()
	d := p.dlg
	f := portico.Feature{ID: strings.TrimSpace(d.v["id"]), Name: strings.TrimSpace(d.v["name"]), Type: d.v["type"],
		Unit: strings.TrimSpace(d.v["unit"])}
	if f.Type == portico.FeatureMetered {
		f.ResetPeriod = d.v["resetPeriod"]
	}
	next := cloneCatalog(p.cat)
	i := slices.IndexFunc(next.Features, func(x portico.Feature) bool { return x.ID == d.id })
	if d.id == "" {
		if _, taken := next.Feature(f.ID); taken {
			d.errs["id"] = "a feature already has this ID; choose another"
			return
		}
		next.Features = append(next.Features, f)
		i = len(next.Features) - 1
	} else {
		next.Features[i] = f
	}
	p.save(ctx, next, fmt.Sprintf("features[%d]", i), simpleKey, "Feature “"+f.Name+"” saved.")
}
