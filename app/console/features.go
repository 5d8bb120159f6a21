package console

import (
	"slices"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

// featuresView lists the features plans and add-ons grant; every product
// shares them. It keeps nothing of its own: its buttons open the feature
// editor.
type featuresView struct {
	app.Compo
	Catalog *portico.Catalog
}

func (v *featuresView) Render() app.UI {
	rows := make([]app.UI, len(v.Catalog.Features))
	for i, f := range v.Catalog.Features {
		reset := "—"
		if f.Type == portico.FeatureMetered {
			reset = string("every " + f.ResetPeriod)
		}
		rows[i] = app.Tr().Body(
			app.Th().Scope("row").DataSet("label", "Name").Text(f.Name),
			cell("ID").Body(app.Code().Text(f.ID)),
			cell("Type").Text(f.Type),
			cell("Unit").Text(orDash(f.Unit)),
			cell("Usage resets").Text(reset),
			app.Td().Class("pc-row-actions").Body(
				app.Button().Class("pc-button", "pc-small").Type("button").Aria("label", "Edit feature "+f.Name).Text("Edit").
					OnClick(func(ctx app.Context, e app.Event) { v.openFeature(ctx, f.ID) }, app.EventScope(f.ID))),
		)
	}
	return app.Section().Class("pc-panel").Body(
		app.Div().Class("pc-head").Body(
			app.H1().Text("Features"),
			app.Button().Class("pc-button", "pc-primary").Type("button").Text("+ New feature").
				OnClick(func(ctx app.Context, e app.Event) { v.openFeature(ctx, "") }),
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
func (v *featuresView) openFeature(ctx app.Context, id string) {
	openDialog(ctx, v.Catalog, featureDialog(v.Catalog, id))
}

// featureDialog is the editor of the feature id in cat, or of a new one.
func featureDialog(cat *portico.Catalog, id string) *dialog {
	var f *portico.Feature
	if x, ok := cat.Feature(id); ok {
		f = &x
	}
	d := newDialog(dlgFeature, "New feature")
	d.target = objectRef{"features", id}
	d.keyOf = plainKey("id", "name", "type", "unit", "resetPeriod")
	d.v["type"], d.v["resetPeriod"] = string(portico.FeatureNumeric), "month"
	if f != nil {
		d.title, d.id = "Edit feature “"+f.Name+"”", f.ID
		d.v["id"], d.v["name"], d.v["type"], d.v["unit"] = f.ID, f.Name, string(f.Type), f.Unit
		if f.ResetPeriod != "" {
			d.v["resetPeriod"] = string(f.ResetPeriod)
		}
	}
	return d
}

func (h *dialogHost) featureForm() app.UI {
	d := h.dlg
	types := []choice{{value: string(portico.FeatureBoolean), label: "Boolean (on or off)"}, {value: string(portico.FeatureNumeric), label: "Numeric (an allowance)"},
		{value: string(portico.FeatureMetered), label: "Metered (consumed, resets)"}}
	typeField := h.selectField("type", "Type", "", types)
	if d.id != "" {
		typeField = h.field("type", "Type", "A feature's type never changes; create a new feature instead.", h.input("type", "text").ReadOnly(true))
	}
	label := "Create feature"
	if d.id != "" {
		label = "Save changes"
	}
	return app.Form().Class("pc-form").NoValidate(true).OnSubmit(h.submitFeature).Body(
		app.Div().Class("pc-row").Body(
			h.field("name", "Name", "", h.input("name", "text").Required(true)),
			h.idField("feature"),
		),
		typeField,
		h.field("unit", "Unit (optional)", "Singular, e.g. seat, call, GB.", h.input("unit", "text")),
		app.If(d.v["type"] == string(portico.FeatureMetered), func() app.UI {
			return h.selectField("resetPeriod", "Usage resets every", "", []choice{
				{value: "day", label: "day"}, {value: "week", label: "week"}, {value: "month", label: "month"}, {value: "year", label: "year"}})
		}),
		h.actions(label, false),
	)
}

func (h *dialogHost) submitFeature(ctx app.Context, e app.Event) {
	e.PreventDefault()
	d := h.dlg
	if d == nil || d.busy {
		return
	}
	d.errs, d.general = map[string]string{}, nil
	next := featureEdit(d)
	if len(d.errs) > 0 {
		h.refuse(ctx)
		return
	}
	f, _ := next.Feature(d.target.id)
	d.done = "Feature “" + f.Name + "” saved."
	h.save(ctx, next)
}

// featureEdit is the catalog the dialog opened on with the feature as the
// form has it.
func featureEdit(d *dialog) *portico.Catalog {
	next := cloneCatalog(d.base)
	i := slices.IndexFunc(next.Features, func(x portico.Feature) bool { return x.ID == d.id })
	if d.id == "" || i < 0 {
		id := d.text("id")
		if _, taken := next.Feature(id); taken && id != "" {
			d.errs["id"] = "A feature already has this ID; choose another."
		}
		next.Features = append(next.Features, portico.Feature{ID: id, Type: portico.FeatureType(d.v["type"])})
		i = len(next.Features) - 1
	}
	// The feature as it was, with what the form shows changed: a type never
	// changes, and a reset period only counts for a metered feature.
	f := &next.Features[i]
	f.Name, f.Unit = d.text("name"), d.text("unit")
	d.require("id", f.ID, "Enter an ID, such as seats.")
	d.require("name", f.Name, "Enter a name.")
	if f.Type == portico.FeatureMetered {
		f.ResetPeriod = portico.ResetPeriod(d.v["resetPeriod"])
	} else if d.id == "" {
		f.ResetPeriod = ""
	}
	d.target = objectRef{"features", f.ID}
	return next
}

// plainKey maps an error on one of an object's plain fields, among those
// named, to the field.
func plainKey(names ...string) fieldKeyer {
	return func(_ *portico.Catalog, rest string) string {
		if slices.Contains(names, rest) {
			return rest
		}
		return ""
	}
}
