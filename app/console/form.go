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
func (p *Page) set(key string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		if p.dlg == nil {
			return
		}
		v := ctx.JSSrc().Get("value").String()
		if t := ctx.JSSrc().Get("type").String(); t == "checkbox" {
			v = ""
			if ctx.JSSrc().Get("checked").Bool() {
				v = "true"
			}
		}
		p.dlg.v[key] = v
		delete(p.dlg.errs, key)
		if key == "name" && p.dlg.id == "" && !p.dlg.idEdited {
			p.dlg.v["id"] = suggestID(p.cat, p.dlg, v)
		}
		if key == "id" {
			p.dlg.idEdited = true
		}
	}
}

// field is a labelled control with its hint and its error beside it.
func (p *Page) field(key, label, hint string, control app.HTMLInput) app.UI {
	return p.fieldOf(key, label, hint, control)
}

func (p *Page) fieldOf(key, label, hint string, control app.UI) app.UI {
	id := fieldID(key)
	msg := p.dlg.errs[key]
	return app.Div().Class("pc-field").Body(
		app.Label().For(id).Text(label),
		control,
		app.If(hint != "", func() app.UI { return app.P().ID(id + "-hint").Class("pc-hint").Text(hint) }),
		app.P().ID(id+"-error").Class("pc-error").Text(msg),
	)
}

// input is a text input bound to a field key.
func (p *Page) input(key, typ string) app.HTMLInput {
	id := fieldID(key)
	in := app.Input().ID(id).Class("pc-input").Type(typ).Name(key).Value(p.dlg.v[key]).
		Aria("describedby", id+"-hint "+id+"-error").OnInput(p.set(key), app.EventScope(key))
	if p.dlg.errs[key] != "" {
		in = in.Aria("invalid", "true")
	}
	return in
}

func (p *Page) text(key, label, hint string) app.UI {
	return p.field(key, label, hint, p.input(key, "text"))
}

func (p *Page) textarea(key, label, hint string) app.UI {
	id := fieldID(key)
	ta := app.Textarea().ID(id).Class("pc-input").Name(key).Rows(3).Text(p.dlg.v[key]).
		Aria("describedby", id+"-hint "+id+"-error").OnInput(p.set(key), app.EventScope(key))
	if p.dlg.errs[key] != "" {
		ta = ta.Aria("invalid", "true")
	}
	return p.fieldOf(key, label, hint, ta)
}

// choice is one option of a select or radio group, with an optional note
// and, for a radio, what the option needs once chosen (a plan to pick),
// shown beside it.
type choice struct {
	value, label, note string
	detail             app.UI
}

func (p *Page) selectField(key, label, hint string, choices []choice) app.UI {
	id := fieldID(key)
	opts := make([]app.UI, len(choices))
	for i, c := range choices {
		opts[i] = app.Option().Value(c.value).Selected(c.value == p.dlg.v[key]).Text(c.label)
	}
	sel := app.Select().ID(id).Class("pc-input").Name(key).Aria("describedby", id+"-hint "+id+"-error").
		OnChange(p.set(key), app.EventScope(key)).Body(opts...)
	if p.dlg.errs[key] != "" {
		sel = sel.Aria("invalid", "true")
	}
	return p.fieldOf(key, label, hint, sel)
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

func (p *Page) checkbox(key, label string) app.UI {
	return p.checkboxIn(key, label, "", false)
}

// checkboxIn is a checkbox of a group whose error (described by errID)
// is about the group as a whole; flagged marks the box that takes the
// focus when the group is in error.
func (p *Page) checkboxIn(key, label, errID string, flagged bool) app.UI {
	id := fieldID(key)
	in := app.Input().ID(id).Type("checkbox").Name(key).Checked(p.dlg.v[key] == "true").OnChange(p.set(key), app.EventScope(key))
	if errID != "" {
		in = in.Aria("describedby", errID)
	}
	if p.dlg.errs[key] != "" || flagged {
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

// save sends next, the dialog's edit of the catalog it opened on. A
// refusal keeps the dialog open with each error beside its field (or
// listed above the form when it has none); nothing changes on the page
// until the server accepts.
func (p *Page) save(ctx app.Context, next *portico.Catalog) {
	d := p.dlg
	api, base, current := p.api, d.base, p.cat
	p.send(ctx, func(c context.Context) putResult { return putReapplied(c, api, base, next, current) })
}

// send runs the dialog's change and shows how it went.
func (p *Page) send(ctx app.Context, change func(context.Context) putResult) {
	d := p.dlg
	if d == nil || d.busy {
		return
	}
	d.busy, d.general = true, nil
	ctx = p.own(ctx)
	ctx.Async(func() {
		c, cancel := ctxTimeout()
		defer cancel()
		r := change(c)
		ctx.Dispatch(func(ctx app.Context) { p.settle(ctx, d, r) })
	})
}

// settle shows the outcome of a dialog's change: the catalog saved and the
// notice, the fields to choose between, or the errors.
func (p *Page) settle(ctx app.Context, d *dialog, r putResult) {
	d.busy = false
	if r.read != nil {
		// The client sends the version it read last: the page must show
		// that catalog, or its next edit would undo what it missed.
		p.take(r.read, false)
		components.Refresh(ctx)
	}
	switch {
	case r.saved != nil:
		p.saved(r.saved, d.done)
		components.Refresh(ctx)
		if d.then != nil {
			d.then(ctx)
		}
	case r.conflicts != nil:
		p.openDialog(ctx, conflictsDialog(d, r.conflicts))
	case statusOf(r.err) == 401:
		failed(ctx, r.err, &p.loadErr)
	default:
		// A refused save shows the form again, its errors beside its fields.
		d.errs, d.step = map[string]string{}, ""
		d.showErrors(r.err, r.named(p.cat))
		p.refuse(ctx)
	}
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

// refuse ends a refused save: the focus goes to the first field in error.
func (p *Page) refuse(ctx app.Context) {
	ctx.Defer(func(app.Context) { focusFirstError(".pc-dialog") })
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

func (p *Page) renderDialog() app.UI {
	d := p.dlg
	if d == nil {
		return app.Div().Class("pc-dialog-slot")
	}
	var body app.UI
	switch {
	case d.step == stepPrices:
		body = p.priceConfirmForm()
	case d.kind == dlgConflicts:
		body = p.conflictsForm()
	case d.kind == dlgProduct:
		body = p.productForm()
	case d.kind == dlgPlan:
		body = p.planForm()
	case d.kind == dlgAddon:
		body = p.addonForm()
	case d.kind == dlgFeature:
		body = p.featureForm()
	case d.kind == dlgMetadata:
		body = p.metadataForm()
	default:
		body = p.confirmForm()
	}
	return app.Div().Class("pc-dialog-slot").Body(
		app.Div().Class("pc-backdrop").OnClick(p.closeDialog),
		app.Div().Class("pc-dialog").Role("dialog").Aria("modal", "true").Aria("labelledby", "pc-dialog-title").
			OnKeyDown(func(ctx app.Context, e app.Event) {
				if e.Get("key").String() == "Escape" {
					p.closeDialog(ctx, e)
				}
			}).Body(
			app.H2().ID("pc-dialog-title").Text(d.title),
			app.If(len(d.general) > 0, func() app.UI {
				items := make([]app.UI, len(d.general))
				for i, g := range d.general {
					items[i] = app.Li().Text(g)
				}
				return app.Div().Class("pc-general").TabIndex(-1).Role("alert").Body(
					app.P().Text("Nothing was saved:"), app.Ul().Body(items...))
			}),
			body,
		),
	)
}

// openDialog shows a dialog and puts the focus in it. What the form holds
// now is what "unchanged" means on saving, and the catalog shown is the
// one its edit is made on.
func (p *Page) openDialog(ctx app.Context, d *dialog) {
	d.prepare(p.cat)
	p.showDialog(ctx, d)
}

// showDialog shows a prepared dialog and puts the focus in it.
func (p *Page) showDialog(ctx app.Context, d *dialog) {
	p.dlg, p.notice = d, ""
	ctx.Defer(func(app.Context) {
		el := app.Window().Get("document").Call("querySelector", ".pc-dialog input:not([readonly]), .pc-dialog select, .pc-dialog textarea, .pc-dialog button")
		if el.Truthy() {
			el.Call("focus")
		}
	})
}

// prepare records what the dialog opens with, and on which catalog.
func (d *dialog) prepare(cat *portico.Catalog) {
	d.loaded, d.base = maps.Clone(d.v), cat
}

func (p *Page) closeDialog(ctx app.Context, e app.Event) {
	if p.dlg != nil && !p.dlg.busy {
		p.dlg = nil
	}
}

// actions are a dialog's buttons: cancel and the primary action.
func (p *Page) actions(primary string, danger bool) app.UI {
	d := p.dlg
	label := primary
	if d.busy {
		label = "Saving…"
		if d.busyText != "" {
			label = d.busyText
		}
	}
	cls := "pc-primary"
	if danger {
		cls = "pc-danger"
	}
	return app.Div().Class("pc-actions").Body(
		app.Button().Class("pc-button", "pc-cancel").Type("button").Text("Cancel").Disabled(d.busy).OnClick(p.closeDialog),
		app.Button().Class("pc-button", cls).Type("submit").Disabled(d.busy).Text(label),
	)
}

// confirmForm asks before archiving, unarchiving or restoring.
func (p *Page) confirmForm() app.UI {
	d := p.dlg
	return app.Form().Class("pc-form").NoValidate(true).OnSubmit(func(ctx app.Context, e app.Event) {
		e.PreventDefault()
		if d := p.dlg; d != nil && d.change != nil {
			p.send(ctx, d.change)
		}
	}).Body(
		app.P().Text(d.message),
		p.actions(d.v["action"], d.v["danger"] == "true"),
	)
}

// archiveDialog asks before archiving a product, plan or add-on.
func archiveDialog(api API, collection, kind, id, name string) *dialog {
	d := newDialog(dlgConfirm, "Archive "+kind+" "+strconvQuote(name)+"?")
	d.message = "An archived " + kind + " takes no new subscriptions; customers already on it keep it. " +
		"You can unarchive it later. Archiving is recorded in the catalog history."
	d.v["action"], d.v["danger"] = "Archive", "true"
	d.done = capitalize(kind) + " " + strconvQuote(name) + " archived."
	d.target = objectRef{collection, id}
	// Archiving one object does not depend on the rest of the catalog: when
	// someone else saved meanwhile, it is simply made on their version.
	d.change = func(c context.Context) putResult {
		return retryStale(c, api, func(c context.Context) (*portico.Catalog, error) { return api.Archive(c, collection, id) })
	}
	return d
}

// unarchiveDialog asks before putting an archived product, plan or add-on
// of cat back on sale. The catalog's rules apply as to any change: a name
// another live object has taken since is refused.
func unarchiveDialog(api API, cat *portico.Catalog, collection, kind, id, name string) *dialog {
	d := newDialog(dlgConfirm, "Unarchive "+kind+" "+strconvQuote(name)+"?")
	d.message = "It takes new subscriptions again and shows wherever a live " + kind + " does. " +
		"Unarchiving is recorded in the catalog history."
	d.v["action"] = "Unarchive"
	d.done = capitalize(kind) + " " + strconvQuote(name) + " unarchived."
	d.target = objectRef{collection, id}
	d.keyOf = func(*portico.Catalog, string) string { return "" }
	if next := cloneCatalog(cat); setArchived(next, collection, id, false) {
		d.change = func(c context.Context) putResult { return putReapplied(c, api, cat, next, cat) }
	}
	return d
}

// setArchived archives or unarchives an object of cat; false when there
// is none.
func setArchived(cat *portico.Catalog, collection, id string, archived bool) bool {
	switch collection {
	case "products":
		if i := slices.IndexFunc(cat.Products, func(x portico.Product) bool { return x.ID == id }); i >= 0 {
			cat.Products[i].Archived = archived
			return true
		}
	case "plans":
		if i := slices.IndexFunc(cat.Plans, func(x portico.Plan) bool { return x.ID == id }); i >= 0 {
			cat.Plans[i].Archived = archived
			return true
		}
	case "addons":
		if i := slices.IndexFunc(cat.Addons, func(x portico.Addon) bool { return x.ID == id }); i >= 0 {
			cat.Addons[i].Archived = archived
			return true
		}
	}
	return false
}

func strconvQuote(s string) string { return "“" + s + "”" }

func ctxTimeout() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), callTimeout)
}
