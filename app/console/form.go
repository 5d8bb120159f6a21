package console

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/components"
)

// dialog is the open editor or confirmation. Its form values are kept as
// typed, by field key, until saved; errors are kept by the same keys and
// shown beside their fields.
type dialog struct {
	kind    string // dialog kinds below
	title   string
	id      string // the object edited, "" when new
	product string // the product the object belongs to
	v       map[string]string
	// loaded is the form as it opened: a field left as it was keeps the
	// object's value exactly (spaces and all), and only fields changed are
	// checked and written.
	loaded  map[string]string
	errs    map[string]string
	general []string
	busy    bool
	rows    int // entitlement or metadata rows
	charges int // charge rows of a plan, removed ones included
	// idEdited is set once the ID was typed: it then stops following the
	// name.
	idEdited bool
	// base is the catalog the dialog opened on: its edit is what changed
	// from it, re-applied on a newer catalog when someone else saved since.
	base *portico.Catalog
	// target is the object the dialog saves, to find it (and the errors
	// about it) in the catalog sent, wherever it stands there.
	target objectRef
	// keyOf maps an error on the target, by its path below the object, to
	// the field it goes beside ("" for none: it is listed above the form).
	keyOf fieldKeyer
	// step is the plan and add-on editors' confirmation of a price change
	// ("" while editing); notes say whom the change concerns, commit saves.
	step   string
	notes  []string
	commit func(ctx app.Context)
	// change is a confirmation's action; message says what it does.
	change  func(ctx context.Context) putResult
	message string
	// conflicts are the fields both this edit and someone else's saved
	// change set differently, for the operator to choose from.
	conflicts *conflictSet
	done      string
	// busyText is the primary button's label while busy ("Saving…").
	busyText string
	// then runs once the server has accepted the change.
	then func(ctx app.Context)
}

const (
	dlgProduct   = "product"
	dlgPlan      = "plan"
	dlgAddon     = "addon"
	dlgFeature   = "feature"
	dlgMetadata  = "metadata"
	dlgConfirm   = "confirm"
	dlgConflicts = "conflicts"

	stepPrices = "prices"
)

func newDialog(kind, title string) *dialog {
	return &dialog{kind: kind, title: title, v: map[string]string{}, errs: map[string]string{}}
}

// changed reports whether a field differs from what the dialog opened with.
func (d *dialog) changed(key string) bool { return d.v[key] != d.loaded[key] }

// text is a text field's value: as loaded when left alone, else trimmed.
func (d *dialog) text(key string) string {
	if !d.changed(key) {
		return d.v[key]
	}
	return strings.TrimSpace(d.v[key])
}

// objectRef names a catalog object by its collection ("plans") and ID.
type objectRef struct{ collection, id string }

// path is the object's JSON path in cat ("plans[3]"), "" when absent.
func (o objectRef) path(cat *portico.Catalog) string {
	i := -1
	switch o.collection {
	case "features":
		i = slices.IndexFunc(cat.Features, func(x portico.Feature) bool { return x.ID == o.id })
	case "products":
		i = slices.IndexFunc(cat.Products, func(x portico.Product) bool { return x.ID == o.id })
	case "plans":
		i = slices.IndexFunc(cat.Plans, func(x portico.Plan) bool { return x.ID == o.id })
	case "addons":
		i = slices.IndexFunc(cat.Addons, func(x portico.Addon) bool { return x.ID == o.id })
	}
	if i < 0 {
		return ""
	}
	return fmt.Sprintf("%s[%d]", o.collection, i)
}

// fieldKeyer maps an error's path below the dialog's object in the catalog
// sent to the key of the field it goes beside, or "".
type fieldKeyer func(sent *portico.Catalog, rest string) string

// below is the rest of path under prefix ("plans[1]" holds "plans[1].name"
// but not "plans[10].name").
func below(path, prefix string) (string, bool) {
	rest, ok := strings.CutPrefix(path, prefix)
	switch {
	case !ok || prefix == "":
		return "", false
	case rest == "":
		return "", true
	case rest[0] == '.':
		return rest[1:], true
	case rest[0] == '[':
		return rest, true
	}
	return "", false
}

// fieldID is the element ID of a field key.
func fieldID(key string) string {
	return "pc-f-" + strings.NewReplacer(".", "-", "[", "-", "]", "").Replace(key)
}

// set returns an input handler that keeps the field's value as typed.
func (h *dialogHost) set(key string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		if h.dlg == nil {
			return
		}
		v := ctx.JSSrc().Get("value").String()
		if t := ctx.JSSrc().Get("type").String(); t == "checkbox" {
			v = ""
			if ctx.JSSrc().Get("checked").Bool() {
				v = "true"
			}
		}
		h.dlg.v[key] = v
		delete(h.dlg.errs, key)
		if key == "name" && h.dlg.id == "" && !h.dlg.idEdited {
			h.dlg.v["id"] = suggestID(h.Catalog, h.dlg, v)
		}
		if key == "id" {
			h.dlg.idEdited = true
		}
	}
}

// field is a labelled control with its hint and its error beside it.
func (h *dialogHost) field(key, label, hint string, control app.HTMLInput) app.UI {
	return h.fieldOf(key, label, hint, control)
}

func (h *dialogHost) fieldOf(key, label, hint string, control app.UI) app.UI {
	id := fieldID(key)
	msg := h.dlg.errs[key]
	return app.Div().Class("pc-field").Body(
		app.Label().For(id).Text(label),
		control,
		app.If(hint != "", func() app.UI { return app.P().ID(id + "-hint").Class("pc-hint").Text(hint) }),
		app.P().ID(id+"-error").Class("pc-error").Text(msg),
	)
}

// input is a text input bound to a field key.
func (h *dialogHost) input(key, typ string) app.HTMLInput {
	id := fieldID(key)
	in := app.Input().ID(id).Class("pc-input").Type(typ).Name(key).Value(h.dlg.v[key]).
		Aria("describedby", id+"-hint "+id+"-error").OnInput(h.set(key), app.EventScope(key))
	if h.dlg.errs[key] != "" {
		in = in.Aria("invalid", "true")
	}
	return in
}

func (h *dialogHost) textarea(key, label, hint string) app.UI {
	id := fieldID(key)
	ta := app.Textarea().ID(id).Class("pc-input").Name(key).Rows(3).Text(h.dlg.v[key]).
		Aria("describedby", id+"-hint "+id+"-error").OnInput(h.set(key), app.EventScope(key))
	if h.dlg.errs[key] != "" {
		ta = ta.Aria("invalid", "true")
	}
	return h.fieldOf(key, label, hint, ta)
}

// choice is one option of a select or radio group, with an optional note
// and, for a radio, what the option needs once chosen (a plan to pick),
// shown beside it.
type choice struct {
	value, label, note string
	detail             app.UI
}

func (h *dialogHost) selectField(key, label, hint string, choices []choice) app.UI {
	id := fieldID(key)
	opts := make([]app.UI, len(choices))
	for i, c := range choices {
		opts[i] = app.Option().Value(c.value).Selected(c.value == h.dlg.v[key]).Text(c.label)
	}
	sel := app.Select().ID(id).Class("pc-input").Name(key).Aria("describedby", id+"-hint "+id+"-error").
		OnChange(h.set(key), app.EventScope(key)).Body(opts...)
	if h.dlg.errs[key] != "" {
		sel = sel.Aria("invalid", "true")
	}
	return h.fieldOf(key, label, hint, sel)
}

// radios is a group of radio buttons, each with an optional note and
// detail. When the group is in error (invalid), the chosen button, or the
// first, says so, and the focus lands there on a refused save.
func radios(name, current string, invalid bool, choices []choice, onChange func(v string) app.EventHandler) app.UI {
	items := make([]app.UI, len(choices))
	flagged := slices.IndexFunc(choices, func(c choice) bool { return c.value == current })
	if flagged < 0 {
		flagged = 0
	}
	for i, c := range choices {
		id := fieldID(name + "." + c.value)
		in := app.Input().ID(id).Type("radio").Name(name).Value(c.value).Checked(c.value == current).
			Aria("describedby", fieldID(name)+"-error").
			OnChange(onChange(c.value), app.EventScope(name, c.value))
		if invalid && i == flagged {
			in = in.Aria("invalid", "true")
		}
		items[i] = app.Div().Class("pc-option").Body(
			app.Label().Class("pc-radio").For(id).Body(
				in,
				app.Span().Class("pc-radio-text").Body(
					app.Strong().Text(c.label),
					app.If(c.note != "", func() app.UI { return app.Span().Class("pc-hint").Text(c.note) }),
				),
			),
			app.If(c.detail != nil, func() app.UI { return app.Div().Class("pc-option-detail").Body(c.detail) }),
		)
	}
	return app.Div().Class("pc-radios").Body(items...)
}

func (h *dialogHost) checkbox(key, label string) app.UI {
	return h.checkboxIn(key, label, "", false)
}

// checkboxIn is a checkbox of a group whose error (described by errID)
// is about the group as a whole; flagged marks the box that takes the
// focus when the group is in error.
func (h *dialogHost) checkboxIn(key, label, errID string, flagged bool) app.UI {
	id := fieldID(key)
	in := app.Input().ID(id).Type("checkbox").Name(key).Checked(h.dlg.v[key] == "true").OnChange(h.set(key), app.EventScope(key))
	if errID != "" {
		in = in.Aria("describedby", errID)
	}
	if h.dlg.errs[key] != "" || flagged {
		in = in.Aria("invalid", "true")
	}
	return app.Label().Class("pc-check").For(id).Body(in, app.Span().Text(label))
}

// cloneCatalog is a deep copy: edits never touch the catalog shown until
// the server accepts them.
func cloneCatalog(c *portico.Catalog) *portico.Catalog {
	b, _ := json.Marshal(c)
	var out portico.Catalog
	_ = json.Unmarshal(b, &out)
	return &out
}

// showErrors puts the API's field errors beside their fields, as plain
// sentences; those about other objects, or about fields the form does not
// show, are listed above the form, labelled as the console labels them.
// Errors name fields of sent, the catalog sent.
func (d *dialog) showErrors(err error, sent *portico.Catalog) {
	e, ok := err.(*components.APIError)
	if !ok || len(e.Fields) == 0 {
		d.general = append(d.general, errorText(err))
		return
	}
	// A refusal other than the field rules' own (an archive the catalog
	// depends on) says first what was refused.
	if e.Status != 422 && e.Detail != "" {
		d.general = append(d.general, finish(capitalize(e.Detail)))
	}
	prefix := d.target.path(sent)
	for _, f := range e.Fields {
		key := ""
		if rest, under := below(f.Field, prefix); under && d.keyOf != nil {
			key = d.keyOf(sent, rest)
		}
		if key == "" {
			d.general = append(d.general, sentence(describe(sent, f.Field), f.Message))
			continue
		}
		label, _ := describeParts(sent, f.Field)
		addError(d.errs, key, sentence(label, f.Message))
	}
}

// addError sets a field's error, or adds a second one to it.
func addError(errs map[string]string, key, msg string) {
	switch {
	case errs[key] == "":
		errs[key] = msg
	case !strings.Contains(errs[key], msg):
		errs[key] += " " + msg
	}
}

// focusFirstError moves the focus to the first field in error within
// scope, or to its error list, so a keyboard user lands on what to fix.
// Controls in error carry aria-invalid; a button that opens what is missing
// (an entitlement row) carries data-invalid.
func focusFirstError(scope string) {
	doc := app.Window().Get("document")
	for _, sel := range []string{scope + " [aria-invalid=true], " + scope + " [data-invalid]", scope + " .pc-general"} {
		if el := doc.Call("querySelector", sel); el.Truthy() {
			el.Call("focus")
			return
		}
	}
}

// suggestID is a new object's ID from its name, free in cat. IDs are
// unique across products, so a plan or add-on whose name another product
// already uses gets its product's ID in front ("chat-pro"), then a number.
func suggestID(cat *portico.Catalog, d *dialog, name string) string {
	id := slug(name)
	taken := func(id string) bool {
		switch d.kind {
		case dlgPlan:
			_, ok := cat.Plan(id)
			return ok
		case dlgAddon:
			_, ok := cat.Addon(id)
			return ok
		case dlgFeature:
			_, ok := cat.Feature(id)
			return ok
		case dlgProduct:
			_, ok := cat.Product(id)
			return ok
		}
		return false
	}
	if id == "" || !taken(id) {
		return id
	}
	if d.product != "" && !strings.HasPrefix(id, d.product+"-") {
		id = slug(d.product + "-" + name)
	}
	for n, base := 2, id; taken(id); n++ {
		id = fmt.Sprintf("%s-%d", base, n)
	}
	return id
}

// slug makes an ID from a name: lower case, runs of other characters
// become one dash.
func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
		if b.Len() >= 64 {
			break
		}
	}
	s := b.String()
	if len(s) > 64 {
		s = strings.TrimRight(s[:64], "-")
	}
	return s
}

// parseAmount reads a price typed in major units ("29", "29.00", "1,290.5")
// as minor units.
func parseAmount(s string) (int64, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" {
		whole = "0"
	}
	if len(frac) > 2 {
		return 0, fmt.Errorf("Use at most two decimals, such as 29.99.")
	}
	frac += strings.Repeat("0", 2-len(frac))
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil || w < 0 || w > 1e12 {
		return 0, fmt.Errorf("Enter an amount such as 29.00.")
	}
	return w*100 + f, nil
}

// amountText shows minor units in major units, as typed back.
func amountText(minor int64) string {
	return fmt.Sprintf("%d.%02d", minor/100, minor%100)
}

// money shows a price for people.
func money(minor int64, currency string) string {
	return amountText(minor) + " " + strings.ToUpper(currency)
}

// atoi reads a whole number; blank is zero.
func atoi(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	return strconv.Atoi(s)
}

// prepare records what the dialog opens with, and on which catalog.
func (d *dialog) prepare(cat *portico.Catalog) {
	d.loaded, d.base = maps.Clone(d.v), cat
}

func strconvQuote(s string) string { return "“" + s + "”" }

func ctxTimeout() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), callTimeout)
}
