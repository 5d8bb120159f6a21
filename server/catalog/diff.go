package catalog

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	portico "github.com/portico-dev/portico"
)

// Diff describes what next changes from prev, one readable line per object
// added, removed, archived, restored or edited, naming the edited fields
// (with old and new values when they are short).
func Diff(prev, next *portico.Catalog) []string {
	out := []string{}
	out = append(out, diffKind("feature", docs(prev.Features, featureID), docs(next.Features, featureID))...)
	out = append(out, diffKind("product", docs(prev.Products, productID), docs(next.Products, productID))...)
	out = append(out, diffKind("plan", docs(prev.Plans, planID), docs(next.Plans, planID))...)
	out = append(out, diffKind("add-on", docs(prev.Addons, addonID), docs(next.Addons, addonID))...)
	return out
}

func featureID(f portico.Feature) string { return f.ID }
func productID(p portico.Product) string { return p.ID }
func planID(p portico.Plan) string       { return p.ID }
func addonID(a portico.Addon) string     { return a.ID }

// object is one catalog object as its JSON fields, in document order.
type object struct {
	id     string
	fields map[string]json.RawMessage
}

func docs[T any](xs []T, id func(T) string) []object {
	out := make([]object, 0, len(xs))
	for _, x := range xs {
		b, _ := json.Marshal(x)
		var m map[string]json.RawMessage
		_ = json.Unmarshal(b, &m)
		out = append(out, object{id: id(x), fields: m})
	}
	return out
}

func diffKind(kind string, prev, next []object) []string {
	var out []string
	old := map[string]object{}
	for _, o := range prev {
		old[o.id] = o
	}
	seen := map[string]bool{}
	for _, n := range next {
		seen[n.id] = true
		o, ok := old[n.id]
		if !ok {
			out = append(out, fmt.Sprintf("Added %s %q%s", kind, n.id, named(n)))
			continue
		}
		out = append(out, diffObject(kind, o, n)...)
	}
	for _, o := range prev {
		if !seen[o.id] {
			out = append(out, fmt.Sprintf("Removed %s %q", kind, o.id))
		}
	}
	return out
}

func named(o object) string {
	var name string
	if json.Unmarshal(o.fields["name"], &name) == nil && name != "" {
		return " (" + name + ")"
	}
	return ""
}

func diffObject(kind string, prev, next object) []string {
	var out []string
	was, is := string(prev.fields["archived"]) == "true", string(next.fields["archived"]) == "true"
	switch {
	case is && !was:
		out = append(out, fmt.Sprintf("Archived %s %q", kind, next.id))
	case was && !is:
		out = append(out, fmt.Sprintf("Unarchived %s %q", kind, next.id))
	}
	delete(prev.fields, "archived")
	delete(next.fields, "archived")
	if edits := fieldChanges("", prev.fields, next.fields); len(edits) > 0 {
		out = append(out, fmt.Sprintf("Changed %s %q: %s", kind, next.id, strings.Join(edits, "; ")))
	}
	return out
}

// fieldChanges lists the fields that differ, going into objects (a
// product's journey) so each setting changed is named on its own.
func fieldChanges(prefix string, prev, next map[string]json.RawMessage) []string {
	var keys []string
	for k := range prev {
		keys = append(keys, k)
	}
	for k := range next {
		if _, ok := prev[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out []string
	for _, k := range keys {
		a, b := prev[k], next[k]
		if string(a) == string(b) {
			continue
		}
		if prefix == "" && (k == "charges" || k == "minimumSpend") {
			out = append(out, pricingChanges(k, a, b)...)
			continue
		}
		var ma, mb map[string]json.RawMessage
		if json.Unmarshal(a, &ma) == nil && json.Unmarshal(b, &mb) == nil && ma != nil && mb != nil && k != "metadata" {
			out = append(out, fieldChanges(prefix+k+".", ma, mb)...)
			continue
		}
		out = append(out, fieldChange(prefix+k, a, b))
	}
	return out
}

// fieldChange names a field and, when both values are short, shows them.
func fieldChange(name string, a, b json.RawMessage) string {
	show := func(v json.RawMessage) string {
		if len(v) == 0 {
			return "none"
		}
		return string(v)
	}
	if len(a)+len(b) <= 120 {
		return fmt.Sprintf("%s %s → %s", name, show(a), show(b))
	}
	return name
}
