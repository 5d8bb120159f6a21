package console

import (
	"slices"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/components"
)

// Translations: each product, plan, add-on and feature may give its name
// and description (a feature: its name and unit) in the portal's other
// languages. The product page lists the product's objects with the
// languages each is translated into, and opens one editor per object.

const dlgTranslations = "translations"

// localeNames are the portal's languages as their speakers write them.
var localeNames = map[string]string{
	"fr": "Français", "de": "Deutsch", "es": "Español", "it": "Italiano", "pt-BR": "Português (Brasil)",
	"nl": "Nederlands", "ja": "日本語", "zh-CN": "简体中文", "ar": "العربية",
}

// translatedLocales are the languages an object can be translated into:
// the portal's, English (the catalog's own language) aside.
func translatedLocales() []string {
	return slices.DeleteFunc(components.Locales(), func(l string) bool { return l == "en" })
}

func localeLabel(l string) string {
	if n, ok := localeNames[l]; ok {
		return n + " (" + l + ")"
	}
	return l
}

// translatable is an object's texts and translations, whatever its kind.
type translatable struct {
	ref          objectRef
	kind, name   string
	unit         bool // a feature: a unit instead of a description
	translations portico.Translations
}

func translatableOf(cat *portico.Catalog, ref objectRef) (translatable, bool) {
	t := translatable{ref: ref}
	ok := false
	switch ref.collection {
	case "products":
		var p portico.Product
		p, ok = cat.Product(ref.id)
		t.kind, t.name, t.translations = "product", p.Name, p.Translations
	case "plans":
		var p portico.Plan
		p, ok = cat.Plan(ref.id)
		t.kind, t.name, t.translations = "plan", p.Name, p.Translations
	case "addons":
		var a portico.Addon
		a, ok = cat.Addon(ref.id)
		t.kind, t.name, t.translations = "add-on", a.Name, a.Translations
	case "features":
		var f portico.Feature
		f, ok = cat.Feature(ref.id)
		t.kind, t.name, t.translations, t.unit = "feature", f.Name, f.Translations, true
	}
	return t, ok
}

// translationsDialog edits the translations of the object ref in cat; nil
// when it is gone.
func translationsDialog(cat *portico.Catalog, ref objectRef) *dialog {
	t, ok := translatableOf(cat, ref)
	if !ok {
		return nil
	}
	d := newDialog(dlgTranslations, "Translations of the "+t.kind+" “"+t.name+"”")
	d.id, d.target, d.keyOf = ref.id, ref, d.translationKey
	if ref.collection == "plans" || ref.collection == "addons" || ref.collection == "products" {
		d.product = productOfObject(cat, ref)
	}
	for _, l := range translatedLocales() {
		tr := t.translations[l]
		d.v[trKey(l, "name")] = tr.Name
		if t.unit {
			d.v[trKey(l, "unit")] = tr.Unit
		} else {
			d.v[trKey(l, "description")] = tr.Description
		}
	}
	return d
}

func productOfObject(cat *portico.Catalog, ref objectRef) string {
	switch ref.collection {
	case "plans":
		p, _ := cat.Plan(ref.id)
		return p.ProductID
	case "addons":
		a, _ := cat.Addon(ref.id)
		return a.ProductID
	}
	return ref.id
}

func trKey(locale, part string) string { return "tr." + locale + "." + part }

func (h *dialogHost) translationsForm() app.UI {
	d := h.dlg
	t, _ := translatableOf(d.base, d.target)
	second := "description"
	if t.unit {
		second = "unit"
	}
	groups := make([]app.UI, 0, len(translatedLocales()))
	for _, l := range translatedLocales() {
		dir := "ltr"
		if l == "ar" {
			dir = "rtl"
		}
		var other app.UI
		if t.unit {
			other = h.field(trKey(l, "unit"), "Unit", "", h.input(trKey(l, "unit"), "text").Lang(l).Dir(dir))
		} else {
			other = h.fieldOf(trKey(l, "description"), "Description", "", h.textareaControl(trKey(l, "description")).Lang(l).Dir(dir))
		}
		groups = append(groups, app.FieldSet().Class("pc-translation").Body(
			app.Legend().Text(localeLabel(l)),
			h.field(trKey(l, "name"), "Name", "", h.input(trKey(l, "name"), "text").Lang(l).Dir(dir)),
			other,
		))
	}
	hint := "Customers reading one of these languages see the " + t.kind + "’s name and " + second +
		" as written here; a language left empty shows the catalog’s own."
	if t.unit {
		hint += " A feature whose name is translated shows no unit unless one is given."
	}
	return app.Form().Class("pc-form").NoValidate(true).OnSubmit(h.submitTranslations).Body(
		app.P().Class("pc-hint").Text(hint),
		app.Div().Class("pc-translations").Body(groups...),
		h.actions("Save translations", false),
	)
}

// textareaControl is a bare text area for a field, as textarea is with
// its label.
func (h *dialogHost) textareaControl(key string) app.HTMLTextarea {
	id := fieldID(key)
	ta := app.Textarea().ID(id).Class("pc-input").Name(key).Rows(2).Text(h.dlg.v[key]).
		Aria("describedby", id+"-hint "+id+"-error").OnInput(h.set(key), app.EventScope(key))
	if h.dlg.errs[key] != "" {
		ta = ta.Aria("invalid", "true")
	}
	return ta
}

func (h *dialogHost) submitTranslations(ctx app.Context, e app.Event) {
	e.PreventDefault()
	d := h.dlg
	if d == nil || d.busy {
		return
	}
	d.errs, d.general = map[string]string{}, nil
	next := translationsEdit(d)
	if len(d.errs) > 0 || next == nil {
		h.refuse(ctx)
		return
	}
	d.done = "Translations saved."
	h.save(ctx, next)
}

// translationsEdit is the catalog the dialog opened on with the object's
// translations as the form has them; nil when the object is gone. Only
// the portal's languages are edited: others the catalog holds are kept.
func translationsEdit(d *dialog) *portico.Catalog {
	t, ok := translatableOf(d.base, d.target)
	if !ok {
		return nil
	}
	out := portico.Translations{}
	for l, tr := range t.translations {
		if !slices.Contains(translatedLocales(), l) {
			out[l] = tr
		}
	}
	limits := map[string]int{"name": 200, "description": 2000, "unit": 50}
	for _, l := range translatedLocales() {
		var tr portico.Translation
		for part, limit := range limits {
			k := trKey(l, part)
			v := d.text(k)
			if len([]rune(v)) > limit {
				d.errs[k] = "Use at most " + strconv.Itoa(limit) + " characters."
			}
			switch part {
			case "name":
				tr.Name = v
			case "description":
				tr.Description = v
			case "unit":
				tr.Unit = v
			}
		}
		if tr != (portico.Translation{}) {
			out[l] = tr
		}
	}
	if len(out) == 0 {
		out = nil
	}
	next := cloneCatalog(d.base)
	setTranslations(next, d.target, out)
	return next
}

func setTranslations(cat *portico.Catalog, ref objectRef, ts portico.Translations) {
	switch ref.collection {
	case "products":
		if i := slices.IndexFunc(cat.Products, func(x portico.Product) bool { return x.ID == ref.id }); i >= 0 {
			cat.Products[i].Translations = ts
		}
	case "plans":
		if i := slices.IndexFunc(cat.Plans, func(x portico.Plan) bool { return x.ID == ref.id }); i >= 0 {
			cat.Plans[i].Translations = ts
		}
	case "addons":
		if i := slices.IndexFunc(cat.Addons, func(x portico.Addon) bool { return x.ID == ref.id }); i >= 0 {
			cat.Addons[i].Translations = ts
		}
	case "features":
		if i := slices.IndexFunc(cat.Features, func(x portico.Feature) bool { return x.ID == ref.id }); i >= 0 {
			cat.Features[i].Translations = ts
		}
	}
}

// translationKey maps the server's error on a translation
// ("translations[de].name") to its field; an unknown language's error is
// listed above the form.
func (d *dialog) translationKey(_ *portico.Catalog, rest string) string {
	inner, ok := strings.CutPrefix(rest, "translations[")
	if !ok {
		return ""
	}
	locale, part, _ := strings.Cut(inner, "]")
	part = strings.TrimPrefix(part, ".")
	if !slices.Contains(translatedLocales(), locale) {
		return ""
	}
	if part == "" {
		part = "name"
	}
	return trKey(locale, part)
}

// translatedInto lists the languages an object is translated into, for
// the product page: "de, fr" or "none".
func translatedInto(ts portico.Translations) string {
	var ls []string
	for l := range ts {
		ls = append(ls, l)
	}
	if len(ls) == 0 {
		return "None yet"
	}
	slices.Sort(ls)
	return strings.Join(ls, ", ")
}

// renderTranslations is the product page's panel: the product, its plans
// and add-ons and the features they grant, each with its languages and
// an editor.
func (v *productView) renderTranslations(pr portico.Product) app.UI {
	var rows []app.UI
	row := func(ref objectRef, kind, name string, ts portico.Translations) {
		rows = append(rows, app.Tr().Body(
			app.Th().Scope("row").DataSet("label", "Name").Text(name),
			cell("Kind").Text(kind),
			cell("Languages").Text(translatedInto(ts)),
			app.Td().Class("pc-row-actions").Body(
				app.Button().Class("pc-button", "pc-small").Type("button").Aria("label", "Translate the "+kind+" "+name).Text("Translate").
					OnClick(v.editTranslations(ref), app.EventScope(ref.collection+"/"+ref.id))),
		))
	}
	row(objectRef{"products", pr.ID}, "product", pr.Name, pr.Translations)
	features := map[string]bool{}
	for _, p := range v.Catalog.PlansOf(pr.ID) {
		row(objectRef{"plans", p.ID}, "plan", p.Name, p.Translations)
		for _, e := range p.Entitlements {
			features[e.FeatureID] = true
		}
		for _, c := range p.Charges {
			features[c.FeatureID] = true
		}
	}
	for _, a := range v.Catalog.Addons {
		if a.ProductID == pr.ID {
			row(objectRef{"addons", a.ID}, "add-on", a.Name, a.Translations)
			for _, e := range a.Entitlements {
				features[e.FeatureID] = true
			}
		}
	}
	for _, f := range v.Catalog.Features {
		if features[f.ID] {
			row(objectRef{"features", f.ID}, "feature", f.Name, f.Translations)
		}
	}
	return app.Section().Class("pc-panel").Aria("labelledby", "pc-translations").Body(
		app.Div().Class("pc-head").Body(app.H2().ID("pc-translations").Text("Translations")),
		app.P().Class("pc-hint").Text("Names and descriptions in the portal’s other languages. Customers see the catalog’s own text in any language left empty."),
		app.Table().Class("pc-table").Body(
			app.THead().Body(app.Tr().Body(app.Th().Text("Name"), app.Th().Text("Kind"), app.Th().Text("Languages"),
				app.Th().Body(app.Span().Class("pc-sr").Text("Actions")))),
			app.TBody().Body(rows...)),
	)
}

func (v *productView) editTranslations(ref objectRef) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		if d := translationsDialog(v.Catalog, ref); d != nil {
			openDialog(ctx, v.Catalog, d)
		}
	}
}
