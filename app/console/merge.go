package console

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strings"

	portico "github.com/portico-dev/portico"
)

// Every save is made on the catalog the page read, and sent with its
// version (If-Match). When someone else has saved since, the server
// refuses it (412); the console then reads their catalog and re-applies
// this edit — what changed from the catalog read to the one edited — on
// theirs. Only when both changed the same field to different values does
// the operator have to choose. The merge works on the catalog's JSON, so
// it covers every field, those the console does not know included.

// maxReapply bounds the re-applications of one save: each means yet
// another save came in between.
const maxReapply = 3

// statusStale is the answer to a change made on a catalog that has changed
// since (412 Precondition Failed).
const statusStale = 412

// putResult is how a save ended.
type putResult struct {
	// saved is the catalog saved, when it was.
	saved *portico.Catalog
	// read is the newest catalog read on the way, when one was: the page
	// shows it from then on, since the client's version has moved to it.
	read *portico.Catalog
	// sent is the catalog last sent: errors name its fields.
	sent *portico.Catalog
	// conflicts, when set, stopped the save: nothing was saved.
	conflicts *conflictSet
	err       error
}

// named is the catalog the errors of r name fields of: the one sent, else
// the one the page shows once it takes r (see newest).
func (r putResult) named(shown *portico.Catalog) *portico.Catalog {
	if r.sent != nil {
		return r.sent
	}
	return r.newest(shown)
}

// newest is the catalog the page shows once it takes r: the newest read on
// the way, else shown, the one it shows now.
func (r putResult) newest(shown *portico.Catalog) *portico.Catalog {
	if r.read != nil {
		return r.read
	}
	return shown
}

// putReapplied saves mine, an edit of base, re-applying it on the newer
// catalog each time someone else's save overtook it. current is the
// catalog the page shows, whose version the client sends: when the page
// has read a newer one since the edit began, the edit is re-applied on it
// before it is sent.
func putReapplied(ctx context.Context, api API, base, mine, current *portico.Catalog) putResult {
	var r putResult
	if current != nil && current != base {
		merged, conflicts, err := mergeCatalogs(base, mine, current, nil)
		switch {
		case err != nil:
			r.err = err
			return r
		case len(conflicts) > 0:
			r.conflicts = &conflictSet{base: base, mine: mine, theirs: current, list: conflicts, keepMine: map[string]bool{}}
			return r
		}
		base, mine = current, merged
	}
	for try := 0; ; try++ {
		r.sent = mine
		if r.saved, r.err = api.PutCatalog(ctx, mine); r.err != nil {
			r.saved = nil // the client answers an empty catalog with its error
		}
		if statusOf(r.err) != statusStale || try == maxReapply {
			return r
		}
		theirs, err := api.Catalog(ctx)
		if err != nil {
			r.err = err
			return r
		}
		r.read = theirs
		merged, conflicts, err := mergeCatalogs(base, mine, theirs, nil)
		if err != nil {
			r.err = err
			return r
		}
		if len(conflicts) > 0 {
			r.err, r.conflicts = nil, &conflictSet{base: base, mine: mine, theirs: theirs, list: conflicts, keepMine: map[string]bool{}}
			return r
		}
		base, mine = theirs, merged
	}
}

// retryStale runs a change that does not depend on the rest of the catalog
// (archiving one object) again on the newer catalog when another save
// overtook it.
func retryStale(ctx context.Context, api API, change func(context.Context) (*portico.Catalog, error)) putResult {
	var r putResult
	for try := 0; ; try++ {
		if r.saved, r.err = change(ctx); r.err != nil {
			r.saved = nil // the client answers an empty catalog with its error
		}
		if statusOf(r.err) != statusStale || try == maxReapply {
			return r
		}
		theirs, err := api.Catalog(ctx)
		if err != nil {
			r.err = err
			return r
		}
		r.read = theirs
	}
}

// conflictSet is an edit that could not be re-applied on its own: the
// catalog it was made on, the edit, their catalog, the fields both
// changed, and the operator's choice for each (true: keep this edit's).
type conflictSet struct {
	base, mine, theirs *portico.Catalog
	list               []conflict
	keepMine           map[string]bool
}

// resolved is the edit re-applied on their catalog with the operator's
// choices.
func (cs *conflictSet) resolved() (*portico.Catalog, error) {
	merged, _, err := mergeCatalogs(cs.base, cs.mine, cs.theirs, cs.keepMine)
	return merged, err
}

// conflict is one field both sides changed. at is its place as names and
// "#key"s of list items ("plans", "#pro", "prices", "#monthly", "amount"),
// which stays the same however the lists are ordered.
type conflict struct {
	at           []string
	mine, theirs value
}

func (c conflict) id() string { return strings.Join(c.at, "/") }

// value is a JSON value, or its absence.
type value struct {
	v  any
	ok bool
}

// mergeCatalogs re-applies the change from base to mine on theirs. A field
// both changed differently is a conflict: the result keeps theirs, or mine
// where keepMine says so.
func mergeCatalogs(base, mine, theirs *portico.Catalog, keepMine map[string]bool) (*portico.Catalog, []conflict, error) {
	docs := make([]value, 3)
	for i, c := range []*portico.Catalog{base, mine, theirs} {
		v, err := toJSON(c)
		if err != nil {
			return nil, nil, err
		}
		docs[i] = value{v: v, ok: true}
	}
	m := &merger{keepMine: keepMine}
	out := m.merge(nil, docs[0], docs[1], docs[2])
	b, err := json.Marshal(out.v)
	if err != nil {
		return nil, nil, err
	}
	var merged portico.Catalog
	if err := json.Unmarshal(b, &merged); err != nil {
		return nil, nil, err
	}
	return &merged, m.conflicts, nil
}

// toJSON is a value's JSON as maps, lists and json.Numbers (kept exact).
func toJSON(x any) (any, error) {
	b, err := json.Marshal(x)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	return v, dec.Decode(&v)
}

type merger struct {
	keepMine  map[string]bool
	conflicts []conflict
}

// merge merges one value: unchanged on a side, the other side's wins;
// objects merge field by field, lists of objects item by item, lists of
// IDs as sets; anything else changed on both sides is a conflict.
func (m *merger) merge(at []string, base, mine, theirs value) value {
	switch {
	case same(mine, base):
		return theirs
	case same(theirs, base), same(mine, theirs):
		return mine
	}
	if b, mi, th, ok := asMaps(base, mine, theirs); ok {
		return value{v: m.mergeMaps(at, b, mi, th), ok: true}
	}
	if b, mi, th, ok := asLists(base, mine, theirs); ok {
		if key := itemKey(b, mi, th); key != "" {
			return value{v: m.mergeItems(at, key, b, mi, th), ok: true}
		}
		if allScalars(b, mi, th) {
			return value{v: mergeSets(b, mi, th), ok: true}
		}
	}
	return m.conflict(at, mine, theirs)
}

func (m *merger) conflict(at []string, mine, theirs value) value {
	c := conflict{at: slices.Clone(at), mine: mine, theirs: theirs}
	m.conflicts = append(m.conflicts, c)
	if m.keepMine[c.id()] {
		return mine
	}
	return theirs
}

func (m *merger) mergeMaps(at []string, base, mine, theirs map[string]any) map[string]any {
	var keys []string
	for _, src := range []map[string]any{base, mine, theirs} {
		for k := range src {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	slices.Sort(keys)
	out := map[string]any{}
	for _, k := range keys {
		if r := m.merge(append(at, k), get(base, k), get(mine, k), get(theirs, k)); r.ok {
			out[k] = r.v
		}
	}
	return out
}

// mergeItems merges lists of objects told apart by key: their order, with
// this edit's new items last. An item removed on one side and changed on
// the other is a conflict as a whole.
func (m *merger) mergeItems(at []string, key string, base, mine, theirs []any) []any {
	b, mi, th := byKey(base, key), byKey(mine, key), byKey(theirs, key)
	var out []any
	add := func(r value) {
		if r.ok {
			out = append(out, r.v)
		}
	}
	for _, item := range theirs {
		k := keyOf(item, key)
		at := append(at, "#"+k)
		switch {
		case has(b, k) && !has(mi, k): // removed by this edit
			add(m.removed(at, get(b, k), value{}, value{v: item, ok: true}))
		default:
			add(m.merge(at, get(b, k), get(mi, k), value{v: item, ok: true}))
		}
	}
	for _, item := range mine {
		k := keyOf(item, key)
		if has(th, k) {
			continue
		}
		at := append(at, "#"+k)
		if has(b, k) { // removed by them
			add(m.removed(at, get(b, k), value{v: item, ok: true}, value{}))
		} else {
			add(value{v: item, ok: true})
		}
	}
	return out
}

// removed settles an item one side removed: gone, unless the other side
// changed it, which is a conflict.
func (m *merger) removed(at []string, base, mine, theirs value) value {
	switch {
	case !mine.ok && same(theirs, base), !theirs.ok && same(mine, base):
		return value{}
	}
	return m.conflict(at, mine, theirs)
}

// mergeSets merges lists of IDs: theirs, less what this edit removed, plus
// what it added.
func mergeSets(base, mine, theirs []any) []any {
	in := func(list []any, x any) bool {
		return slices.ContainsFunc(list, func(y any) bool { return reflect.DeepEqual(x, y) })
	}
	out := []any{}
	for _, x := range theirs {
		if !in(base, x) || in(mine, x) {
			out = append(out, x)
		}
	}
	for _, x := range mine {
		if !in(base, x) && !in(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// same reports whether two values are equal, an absent value, null, [] and
// {} all counting as empty (the catalog leaves empty lists out).
func same(a, b value) bool {
	if isEmpty(a) || isEmpty(b) {
		return isEmpty(a) && isEmpty(b)
	}
	return reflect.DeepEqual(a.v, b.v)
}

func isEmpty(x value) bool {
	switch v := x.v.(type) {
	case nil:
		return true
	case []any:
		return len(v) == 0
	case map[string]any:
		return len(v) == 0
	}
	return !x.ok
}

// asMaps reads three values as objects, an empty one standing for {}.
func asMaps(vs ...value) (b, mi, th map[string]any, ok bool) {
	out := make([]map[string]any, 3)
	for i, x := range vs {
		switch v := x.v.(type) {
		case map[string]any:
			out[i] = v
		default:
			if !isEmpty(x) {
				return nil, nil, nil, false
			}
			out[i] = map[string]any{}
		}
	}
	return out[0], out[1], out[2], true
}

// asLists reads three values as lists, an empty one standing for [].
func asLists(vs ...value) (b, mi, th []any, ok bool) {
	out := make([][]any, 3)
	for i, x := range vs {
		switch v := x.v.(type) {
		case []any:
			out[i] = v
		default:
			if !isEmpty(x) {
				return nil, nil, nil, false
			}
		}
	}
	return out[0], out[1], out[2], true
}

// itemKeys are the fields that may tell a list's objects apart: an
// object's "id", a price's "billingPeriod" (its billing period and
// currency when it is sold in several), an entitlement's "featureId". A
// key of several fields joins them with "+".
var itemKeys = []string{"id", "billingPeriod", "billingPeriod+currency", "featureId"}

// itemKey is the first of itemKeys that tells the objects of all three
// lists apart; "" when none does.
func itemKey(lists ...[]any) string {
	for _, key := range itemKeys {
		if keyedBy(key, lists...) {
			return key
		}
	}
	return ""
}

func keyedBy(key string, lists ...[]any) bool {
	for _, list := range lists {
		seen := map[string]bool{}
		for _, item := range list {
			k, ok := keyValue(item, key)
			if !ok || seen[k] {
				return false
			}
			seen[k] = true
		}
	}
	return true
}

// keyValue is an item's value of a key: its fields' text values joined by
// a space ("monthly eur"); false when the item lacks one.
func keyValue(item any, key string) (string, bool) {
	obj, ok := item.(map[string]any)
	if !ok {
		return "", false
	}
	var parts []string
	for _, f := range strings.Split(key, "+") {
		v, ok := obj[f].(string)
		if !ok {
			return "", false
		}
		parts = append(parts, v)
	}
	return strings.Join(parts, " "), true
}

func allScalars(lists ...[]any) bool {
	for _, list := range lists {
		for _, item := range list {
			switch item.(type) {
			case map[string]any, []any:
				return false
			}
		}
	}
	return true
}

func keyOf(item any, key string) string {
	k, _ := keyValue(item, key)
	return k
}

func byKey(list []any, key string) map[string]any {
	out := map[string]any{}
	for _, item := range list {
		out[keyOf(item, key)] = item
	}
	return out
}

func get(m map[string]any, k string) value {
	v, ok := m[k]
	return value{v: v, ok: ok}
}

func has(m map[string]any, k string) bool { _, ok := m[k]; return ok }
