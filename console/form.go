package console

import (
	"context"
	"encoding/json"
	"fmt"
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
	errs    map[string]string
	general []string
	busy    bool
	rows    int // entitlement or metadata rows
	// idEdited is set once the ID was typed: it then stops following the
	// name.
	idEdited bool
	// priceOrder is the billing period of each price sent, to put a price
	// error beside its field.
	priceOrder []string
	// confirm is the confirmation's action and message.
	confirm func(ctx context.Context) (*portico.Catalog, error)
	message string
	done    string
	// then runs once the server has accepted the change.
	then func(ctx app.Context)
}

const (
	dlgProduct  = "product"
	dlgPlan     = "plan"
	dlgAddon    = "addon"
	dlgFeature  = "feature"
	dlgMetadata = "metadata"
	dlgConfirm  = "confirm"
)

func newDialog(kind, title string) *dialog {
	return &dialog{kind: kind, title: title, v: map[string]string{}, errs: map[string]string{}}
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
			p.dlg.v["id"] = p.suggestID(p.dlg, v)
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
	return p.fieldOf(key, label, hint, ta)
}

// choice is one option of a select or radio group.
type choice struct{ value, label, note string }

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

// radios is a group of radio buttons, each with an optional note.
func radios(name, current string, choices []choice, onChange func(v string) app.EventHandler) app.UI {
	items := make([]app.UI, len(choices))
	for i, c := range choices {
		id := fieldID(name + "." + c.value)
		items[i] = app.Label().Class("pc-radio").For(id).Body(
			app.Input().ID(id).Type("radio").Name(name).Value(c.value).Checked(c.value == current).
				OnChange(onChange(c.value), app.EventScope(name, c.value)),
			app.Span().Class("pc-radio-text").Body(
				app.Strong().Text(c.label),
				app.If(c.note != "", func() app.UI { return app.Span().Class("pc-hint").Text(c.note) }),
			),
		)
	}
	return app.Div().Class("pc-radios").Body(items...)
}

func (p *Page) checkbox(key, label string) app.UI {
	id := fieldID(key)
	return app.Label().Class("pc-check").For(id).Body(
		app.Input().ID(id).Type("checkbox").Name(key).Checked(p.dlg.v[key] == "true").OnChange(p.set(key), app.EventScope(key)),
		app.Span().Text(label),
	)
}

// cloneCatalog is a deep copy: edits never touch the catalog shown until
// the server accepts them.
func cloneCatalog(c *portico.Catalog) *portico.Catalog {
	b, _ := json.Marshal(c)
	var out portico.Catalog
	_ = json.Unmarshal(b, &out)
	return &out
}

// save sends the edited catalog. A refusal keeps the dialog open with each
// error beside its field: errors under prefix (the edited object's JSON
// path) are mapped to field keys by keyOf, the others listed above the
// form. Nothing changes on the page until the server accepts.
func (p *Page) save(ctx app.Context, next *portico.Catalog, prefix string, keyOf func(rest string) string, notice string) {
	p.send(ctx, func(c context.Context) (*portico.Catalog, error) { return p.api.PutCatalog(c, next) }, prefix, keyOf, notice)
}

func (p *Page) send(ctx app.Context, call func(context.Context) (*portico.Catalog, error), prefix string, keyOf func(string) string, notice string) {
	d := p.dlg
	if d == nil || d.busy {
		return
	}
	d.busy, d.general = true, nil
	ctx.Async(func() {
		c, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		cat, err := call(c)
		ctx.Dispatch(func(ctx app.Context) {
			d.busy = false
			if err == nil {
				p.saved(cat, notice)
				components.Refresh(ctx)
				if d.then != nil {
					d.then(ctx)
				}
				return
			}
			if statusOf(err) == 401 {
				p.failed(ctx, err, &p.loadErr)
				return
			}
			d.errs = map[string]string{}
			p.showErrors(d, err, prefix, keyOf)
			ctx.Defer(func(app.Context) { focusFirstError() })
		})
	})
}

// showErrors puts the API's field errors beside their fields.
func (p *Page) showErrors(d *dialog, err error, prefix string, keyOf func(string) string) {
	e, ok := err.(*components.APIError)
	if !ok || len(e.Fields) == 0 {
		d.general = append(d.general, errorText(err))
		return
	}
	for _, f := range e.Fields {
		rest, under := strings.CutPrefix(f.Field, prefix)
		key := ""
		if under && prefix != "" && keyOf != nil {
			key = keyOf(strings.TrimPrefix(rest, "."))
		}
		if key == "" {
			d.general = append(d.general, f.Field+": "+f.Message)
			continue
		}
		if d.errs[key] == "" {
			d.errs[key] = f.Message
		} else if !strings.Contains(d.errs[key], f.Message) {
			d.errs[key] += "; " + f.Message
		}
	}
}

// focusFirstError moves the focus to the first field in error, or to the
// dialog's error list, so a keyboard user lands on what to fix.
func focusFirstError() {
	doc := app.Window().Get("document")
	for _, sel := range []string{".pc-dialog [aria-invalid=true]", ".pc-dialog .pc-general"} {
		if el := doc.Call("querySelector", sel); el.Truthy() {
			el.Call("focus")
			return
		}
	}
}

// suggestID is a new object's ID from its name. IDs are unique across
// products, so a plan or add-on whose name another product already uses
// gets its product's ID in front ("chat-pro"), then a number.
func (p *Page) suggestID(d *dialog, name string) string {
	id := slug(name)
	taken := func(id string) bool {
		switch d.kind {
		case dlgPlan:
			_, ok := p.cat.Plan(id)
			return ok
		case dlgAddon:
			_, ok := p.cat.Addon(id)
			return ok
		case dlgFeature:
			_, ok := p.cat.Feature(id)
			return ok
		case dlgProduct:
			_, ok := p.cat.Product(id)
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
		return 0, fmt.Errorf("use at most two decimals")
	}
	frac += strings.Repeat("0", 2-len(frac))
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil || w < 0 || w > 1e12 {
		return 0, fmt.Errorf("enter an amount such as 29.00")
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
	switch d.kind {
	case dlgProduct:
		body = p.productForm()
	case dlgPlan:
		body = p.planForm()
	case dlgAddon:
		body = p.addonForm()
	case dlgFeature:
		body = p.featureForm()
	case dlgMetadata:
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

// openDialog shows a dialog and puts the focus in it.
func (p *Page) openDialog(ctx app.Context, d *dialog) {
	p.dlg, p.notice = d, ""
	ctx.Defer(func(app.Context) {
		el := app.Window().Get("document").Call("querySelector", ".pc-dialog input:not([readonly]), .pc-dialog select, .pc-dialog textarea, .pc-dialog button")
		if el.Truthy() {
			el.Call("focus")
		}
	})
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
	}
	cls := "pc-primary"
	if danger {
		cls = "pc-danger"
	}
	return app.Div().Class("pc-actions").Body(
		app.Button().Class("pc-button").Type("button").Text("Cancel").Disabled(d.busy).OnClick(p.closeDialog),
		app.Button().Class("pc-button", cls).Type("submit").Disabled(d.busy).Text(label),
	)
}

// confirmForm asks before archiving or restoring.
func (p *Page) confirmForm() app.UI {
	d := p.dlg
	return app.Form().Class("pc-form").OnSubmit(func(ctx app.Context, e app.Event) {
		e.PreventDefault()
		if d := p.dlg; d != nil && d.confirm != nil {
			p.send(ctx, d.confirm, "", nil, d.done)
		}
	}).Body(
		app.P().Text(d.message),
		p.actions(d.v["action"], d.v["danger"] == "true"),
	)
}

// confirmArchive asks before archiving a product, plan or add-on.
func (p *Page) confirmArchive(ctx app.Context, collection, kind, id, name string) {
	d := newDialog(dlgConfirm, "Archive "+kind+" "+strconvQuote(name)+"?")
	d.message = "An archived " + kind + " takes no new subscriptions; customers already on it keep it. " +
		"Archiving is recorded in the catalog history."
	d.v["action"], d.v["danger"] = "Archive", "true"
	d.done = strings.ToUpper(kind[:1]) + kind[1:] + " " + strconvQuote(name) + " archived."
	api := p.api
	d.confirm = func(c context.Context) (*portico.Catalog, error) { return api.Archive(c, collection, id) }
	p.openDialog(ctx, d)
}

func strconvQuote(s string) string { return "“" + s + "”" }

func ctxTimeout() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), callTimeout)
}
