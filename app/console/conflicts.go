package console

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

// conflictsDialog replaces an edit's dialog (or opens over the journey
// page) with the fields both this edit and someone else's saved change
// set, each with both versions to choose from. The edit's other changes
// are re-applied on their version with the choices.
func conflictsDialog(from *dialog, cs *conflictSet) *dialog {
	d := newDialog(dlgConflicts, "Someone else changed this too")
	d.conflicts, d.target, d.product = cs, from.target, from.product
	d.done, d.then = from.done, from.then
	return d
}

func (h *dialogHost) conflictsForm() app.UI {
	d := h.dlg
	cs := d.conflicts
	groups := make([]app.UI, 0, len(cs.list)+2)
	groups = append(groups, app.P().Text("Someone else saved the catalog while you were editing. Your other changes "+
		"are kept on their version; you both changed what is below. Choose the version of each to keep."))
	for i, c := range cs.list {
		name := fmt.Sprintf("conflict-%d", i)
		groups = append(groups, app.FieldSet().Class("pc-field", "pc-conflict").Body(
			app.Legend().Text(conflictLabel(cs, c)),
			radios(name, d.v[name], d.errs[name] != "", []choice{
				{value: "mine", label: "Yours: " + showValue(c.at, c.mine)},
				{value: "theirs", label: "Theirs: " + showValue(c.at, c.theirs)},
			}, func(v string) app.EventHandler {
				return func(ctx app.Context, e app.Event) {
					if h.dlg != nil {
						h.dlg.v[name] = v
						delete(h.dlg.errs, name)
					}
				}
			}),
			app.P().ID(fieldID(name)+"-error").Class("pc-error").Text(d.errs[name]),
		))
	}
	groups = append(groups, h.actions("Save with these choices", false))
	return app.Form().Class("pc-form").NoValidate(true).OnSubmit(h.submitConflicts).Body(groups...)
}

// submitConflicts re-applies the edit on their version with the choices
// made, once each field has one.
func (h *dialogHost) submitConflicts(ctx app.Context, e app.Event) {
	e.PreventDefault()
	d := h.dlg
	if d == nil || d.busy || d.conflicts == nil {
		return
	}
	cs := d.conflicts
	d.errs, d.general = map[string]string{}, nil
	for i, c := range cs.list {
		switch name := fmt.Sprintf("conflict-%d", i); d.v[name] {
		case "mine":
			cs.keepMine[c.id()] = true
		case "theirs":
			cs.keepMine[c.id()] = false
		default:
			d.errs[name] = "Choose the version to keep."
		}
	}
	if len(d.errs) > 0 {
		h.refuse(ctx)
		return
	}
	merged, err := cs.resolved()
	if err != nil {
		d.general = append(d.general, errorText(err))
		h.refuse(ctx)
		return
	}
	api, theirs, current := h.API, cs.theirs, h.Catalog
	h.send(ctx, func(c context.Context) putResult { return putReapplied(c, api, theirs, merged, current) })
}

// conflictLabel names a conflicting field as the console labels it ("Monthly
// price of plan “Pro”"), finding it in their catalog, else in the edit.
func conflictLabel(cs *conflictSet, c conflict) string {
	for _, cat := range []*portico.Catalog{cs.theirs, cs.mine} {
		doc, err := toJSON(cat)
		if err != nil {
			continue
		}
		if path, ok := jsonPath(doc, c.at); ok {
			return describe(cat, path)
		}
	}
	return humanName(c.at[len(c.at)-1])
}

// jsonPath turns a conflict's place into the JSON path of the field in doc
// ("plans[2].prices[0].amount"); false when doc lacks one of its items.
func jsonPath(doc any, at []string) (string, bool) {
	var b strings.Builder
	for _, seg := range at {
		if key, ok := strings.CutPrefix(seg, "#"); ok {
			list, _ := doc.([]any)
			i := slices.IndexFunc(list, func(item any) bool {
				return slices.ContainsFunc(itemKeys, func(k string) bool { v, ok := keyValue(item, k); return ok && v == key })
			})
			if i < 0 {
				return "", false
			}
			fmt.Fprintf(&b, "[%d]", i)
			doc = list[i]
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(seg)
		obj, _ := doc.(map[string]any)
		doc = obj[seg]
	}
	return b.String(), true
}

// showValue shows one side's value of a field for people: prices as money,
// grants by their limit, text quoted.
func showValue(at []string, v value) string {
	if isEmpty(v) {
		if s, ok := v.v.(string); ok && s == "" && v.ok {
			return "empty"
		}
		return "none"
	}
	last := at[len(at)-1]
	switch x := v.v.(type) {
	case string:
		return strconvQuote(x)
	case json.Number:
		if n, err := x.Int64(); err == nil && last == "amount" {
			return amountText(n)
		}
		return x.String()
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case []any:
		parts := make([]string, len(x))
		for i, item := range x {
			parts[i] = showValue(at, value{v: item, ok: true})
		}
		return strings.Join(parts, ", ")
	case map[string]any:
		return showObject(x)
	}
	b, _ := json.Marshal(v.v)
	return string(b)
}

// showObject shows a price or a grant as the forms do, anything else as
// its fields.
func showObject(obj map[string]any) string {
	if amount, ok := obj["amount"].(json.Number); ok {
		n, _ := amount.Int64()
		cur, _ := obj["currency"].(string)
		s := money(n, cur)
		if id, ok := obj["stripePriceId"].(string); ok && id != "" {
			s += " (Stripe " + id + ")"
		}
		return s
	}
	if f, ok := obj["featureId"].(string); ok {
		switch {
		case obj["unlimited"] == true:
			return f + ": unlimited"
		case obj["limit"] != nil:
			return fmt.Sprintf("%s: limit %v", f, obj["limit"])
		}
		return f
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + showValue([]string{k}, value{v: obj[k], ok: true})
	}
	return strings.Join(parts, "; ")
}
