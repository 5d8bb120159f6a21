package console

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/components"
)

// endpointForm is the form that adds a webhook endpoint, as typed, with
// the server's errors by field ("url", "events", "usageThresholds",
// "description") and those it names no field for.
type endpointForm struct {
	url, description, thresholds string
	all                          bool
	types                        map[portico.EventType]bool
	errs                         map[string]string
	general                      []string
	busy                         bool
}

// reset empties the form: every event type, the default thresholds.
func (f *endpointForm) reset() {
	*f = endpointForm{all: true, types: map[portico.EventType]bool{}, errs: map[string]string{},
		thresholds: joinInts(portico.DefaultUsageThresholds)}
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}

// request is the form as the API takes it, or the error of a threshold
// that is not a number.
func (f *endpointForm) request() (portico.WebhookEndpointRequest, string) {
	req := portico.WebhookEndpointRequest{URL: strings.TrimSpace(f.url), Description: strings.TrimSpace(f.description),
		Events: []portico.EventType{}}
	if f.all {
		req.Events = []portico.EventType{portico.AllEvents}
	} else {
		for _, t := range portico.EventType("").Values() {
			if f.types[t] {
				req.Events = append(req.Events, t)
			}
		}
	}
	for _, part := range strings.FieldsFunc(f.thresholds, func(r rune) bool { return r == ',' || r == ' ' || r == '%' }) {
		n, err := strconv.Atoi(part)
		if err != nil {
			return req, fmt.Sprintf("“%s” is not a whole number: write percentages such as 80, 100.", part)
		}
		req.UsageThresholds = append(req.UsageThresholds, n)
	}
	return req, ""
}

// formKeys are the form's fields, by the API's name for them, with the
// words an error about one starts with.
var formKeys = map[string]string{"url": "The URL", "events": "The event types", "usageThresholds": "The thresholds",
	"description": "The description"}

// showErrors puts each of the server's errors beside its field.
func (f *endpointForm) showErrors(err error) {
	f.errs, f.general = map[string]string{}, nil
	e, ok := err.(*components.APIError)
	if !ok || len(e.Fields) == 0 {
		f.general = append(f.general, errorText(err))
		return
	}
	for _, fe := range e.Fields {
		key, _, _ := strings.Cut(fe.Field, "[")
		label, known := formKeys[key]
		if !known {
			f.general = append(f.general, finish(capitalize(fe.Field+" "+fe.Message)))
			continue
		}
		if i := strings.Index(fe.Field, "["); i >= 0 && key == "usageThresholds" {
			n, _ := strconv.Atoi(strings.Trim(fe.Field[i:], "[]"))
			label = fmt.Sprintf("Threshold %d", n+1)
		}
		addError(f.errs, key, finish(label+" "+fe.Message))
	}
}

// add sends the form; the endpoint added is listed and its secret shown.
func (v *webhooksView) add(ctx app.Context, e app.Event) {
	e.PreventDefault()
	f := &v.form
	if f.busy || v.API == nil {
		return
	}
	req, bad := f.request()
	if bad != "" {
		f.errs, f.general = map[string]string{"usageThresholds": bad}, nil
		ctx.Defer(func(app.Context) { focusFirstError(".pc-add-endpoint") })
		return
	}
	f.busy, f.general = true, nil
	api, ctx := v.API, v.own.or(ctx)
	ctx.Async(func() {
		c, cancel := ctxTimeout()
		defer cancel()
		ep, err := api.AddWebhookEndpoint(c, req)
		ctx.Dispatch(func(ctx app.Context) { v.added(ctx, ep, err) })
	})
}

func (v *webhooksView) added(ctx app.Context, ep *portico.WebhookEndpointView, err error) {
	f := &v.form
	f.busy = false
	if err != nil {
		if statusOf(err) == 401 {
			signInAgain(ctx)
			return
		}
		f.showErrors(err)
		ctx.Defer(func(app.Context) { focusFirstError(".pc-add-endpoint") })
		return
	}
	listed := *ep
	listed.Secret = ""
	v.endpoints = append(v.endpoints, listed)
	v.secret, v.copied = ep, false
	f.reset()
	showNotice(ctx, "Endpoint added: "+ep.URL+".")
	ctx.Defer(func(app.Context) {
		f.syncDOM()
		focusElement("#pc-wh-secret-value")
	})
}

func (f *endpointForm) render(v *webhooksView) app.UI {
	return app.Section().Class("pc-panel", "pc-add-endpoint").Aria("labelledby", "pc-add-title").Body(
		app.H2().ID("pc-add-title").Text("Add an endpoint"),
		app.If(len(f.general) > 0, func() app.UI {
			items := make([]app.UI, len(f.general))
			for i, g := range f.general {
				items[i] = app.Li().Text(g)
			}
			return app.Div().Class("pc-general").TabIndex(-1).Role("alert").Body(
				app.P().Text("The endpoint was not added:"), app.Ul().Body(items...))
		}),
		app.Form().Class("pc-form").NoValidate(true).OnSubmit(v.add).Body(
			f.textField("url", "URL", "Where Portico posts events: an http or https URL of your backend.", "url", &f.url),
			f.textField("description", "Description (optional)", "What receives the events, for you to tell endpoints apart.", "text", &f.description),
			f.renderTypes(),
			f.textField("usageThresholds", "Usage thresholds (%)",
				"entitlement.usage_threshold is sent when a customer's usage reaches these percentages of a limit, once per period. Separate them with commas.",
				"text", &f.thresholds),
			app.Div().Class("pc-actions").Body(
				app.Button().Class("pc-button", "pc-primary").Type("submit").Disabled(f.busy).
					Text(map[bool]string{true: "Adding…", false: "Add endpoint"}[f.busy])),
		),
	)
}

// syncDOM shows the form's values in its controls. The browser keeps what
// was typed in a control over the value the page renders, so an emptied
// form is emptied here too.
func (f *endpointForm) syncDOM() {
	doc := app.Window().Get("document")
	for id, v := range map[string]string{"pc-wh-url": f.url, "pc-wh-description": f.description, "pc-wh-usageThresholds": f.thresholds} {
		if el := doc.Call("getElementById", id); el.Truthy() {
			el.Set("value", v)
		}
	}
	boxes := doc.Call("querySelectorAll", ".pc-event-types input[type=checkbox]")
	for i := range boxes.Length() {
		boxes.Index(i).Set("checked", f.all)
	}
}

// textField is a labelled input bound to *value, its error beside it.
func (f *endpointForm) textField(key, label, hint, typ string, value *string) app.UI {
	id := "pc-wh-" + key
	in := app.Input().ID(id).Class("pc-input").Type(typ).Name(key).Value(*value).
		Aria("describedby", id+"-hint "+id+"-error").
		OnInput(func(ctx app.Context, e app.Event) {
			*value = ctx.JSSrc().Get("value").String()
			delete(f.errs, key)
		})
	if f.errs[key] != "" {
		in = in.Aria("invalid", "true")
	}
	return app.Div().Class("pc-field").Body(
		app.Label().For(id).Text(label),
		in,
		app.P().ID(id+"-hint").Class("pc-hint").Text(hint),
		app.P().ID(id+"-error").Class("pc-error").Text(f.errs[key]),
	)
}

// renderTypes is the event types: all of them, or those ticked.
func (f *endpointForm) renderTypes() app.UI {
	types := portico.EventType("").Values()
	boxes := make([]app.UI, 0, len(types))
	for _, t := range types {
		boxes = append(boxes, f.check("pc-wh-type-"+strings.NewReplacer(".", "-", "_", "-").Replace(string(t)), string(t),
			f.all || f.types[t], f.all, func(on bool) { f.types[t] = on }))
	}
	fs := app.FieldSet().Class("pc-field", "pc-event-types").Aria("describedby", "pc-wh-events-error")
	if f.errs["events"] != "" {
		fs = fs.Aria("invalid", "true").TabIndex(-1)
	}
	return fs.Body(
		app.Legend().Text("Event types"),
		f.check("pc-wh-all", "All event types, including those added later", f.all, false, func(on bool) {
			f.all = on
			if !on {
				clear(f.types)
			}
		}),
		app.Div().Class("pc-checks", "pc-type-checks").Body(boxes...),
		app.P().ID("pc-wh-events-error").Class("pc-error").Text(f.errs["events"]),
	)
}

// check is a checkbox that calls set with its new state.
func (f *endpointForm) check(id, label string, checked, disabled bool, set func(bool)) app.UI {
	return app.Label().Class("pc-check").For(id).Body(
		app.Input().ID(id).Type("checkbox").Checked(checked).Disabled(disabled).
			OnChange(func(ctx app.Context, e app.Event) {
				set(ctx.JSSrc().Get("checked").Bool())
				delete(f.errs, "events")
			}, app.EventScope(id)),
		app.Span().Text(label),
	)
}

// ask opens the confirmation of deleting an endpoint or rotating its
// secret; the focus goes to Cancel, the choice that changes nothing.
func (v *webhooksView) ask(ctx app.Context, ep portico.WebhookEndpointView, rotate bool) {
	v.confirm = &endpointConfirm{endpoint: ep, rotate: rotate}
	ctx.Defer(func(app.Context) { focusElement(".pc-wh-confirm .pc-cancel") })
}

// dismiss closes the confirmation, the focus back on the button that
// opened it.
func (v *webhooksView) dismiss(ctx app.Context) {
	c := v.confirm
	if c == nil || c.busy {
		return
	}
	v.confirm = nil
	sel := ".pc-delete"
	if c.rotate {
		sel = ".pc-rotate"
	}
	// The dialog that asked is gone: the view's own context outlives it.
	v.own.or(ctx).Defer(func(app.Context) {
		focusElement(`.pc-endpoint[data-id="` + c.endpoint.ID + `"] ` + sel)
	})
}

func (v *webhooksView) renderConfirm() app.UI {
	c := v.confirm
	if c == nil {
		return app.Div().Class("pc-wh-confirm-slot")
	}
	title, text, action, cls := "Delete this endpoint?",
		"Portico stops sending events to "+c.endpoint.URL+" and forgets its deliveries. This cannot be undone.",
		"Delete endpoint", "pc-danger"
	if c.rotate {
		title, text, action, cls = "Rotate the signing secret?",
			"A new secret signs deliveries to "+c.endpoint.URL+" from now on and is shown once. The current secret keeps signing beside it for 24 hours, so your receiver can switch without refusing any delivery.",
			"Rotate secret", "pc-primary"
	}
	busy := map[bool]string{true: "Working…", false: action}[c.busy]
	return app.Div().Class("pc-wh-confirm-slot").Body(
		app.Div().Class("pc-backdrop").OnClick(func(ctx app.Context, e app.Event) { v.dismiss(ctx) }),
		app.Div().Class("pc-dialog", "pc-wh-confirm").Role("dialog").Aria("modal", "true").Aria("labelledby", "pc-wh-confirm-title").
			Aria("describedby", "pc-wh-confirm-text").
			OnKeyDown(func(ctx app.Context, e app.Event) {
				if e.Get("key").String() == "Escape" {
					v.dismiss(ctx)
				}
			}).Body(
			app.H2().ID("pc-wh-confirm-title").Text(title),
			app.P().ID("pc-wh-confirm-text").Text(text),
			app.If(c.err != "", func() app.UI { return app.P().Class("pc-general").Role("alert").Text(c.err) }),
			app.Form().Class("pc-form").NoValidate(true).OnSubmit(func(ctx app.Context, e app.Event) {
				e.PreventDefault()
				v.confirmed(ctx)
			}).Body(app.Div().Class("pc-actions").Body(
				app.Button().Class("pc-button", "pc-cancel").Type("button").Disabled(c.busy).Text("Cancel").
					OnClick(func(ctx app.Context, e app.Event) { v.dismiss(ctx) }),
				app.Button().Class("pc-button", cls).Type("submit").Disabled(c.busy).Text(busy),
			)),
		),
	)
}

// confirmed deletes the endpoint or rotates its secret.
func (v *webhooksView) confirmed(ctx app.Context) {
	c := v.confirm
	if c == nil || c.busy || v.API == nil {
		return
	}
	c.busy, c.err = true, ""
	api, ctx, id := v.API, v.own.or(ctx), c.endpoint.ID
	ctx.Async(func() {
		cx, cancel := ctxTimeout()
		defer cancel()
		var rotated *portico.WebhookEndpointView
		var err error
		if c.rotate {
			rotated, err = api.RotateWebhookSecret(cx, id)
		} else {
			err = api.DeleteWebhookEndpoint(cx, id)
		}
		ctx.Dispatch(func(ctx app.Context) { v.done(ctx, c, rotated, err) })
	})
}

// done shows the outcome of a confirmation: the new secret, the endpoint
// gone, or why not.
func (v *webhooksView) done(ctx app.Context, c *endpointConfirm, rotated *portico.WebhookEndpointView, err error) {
	c.busy = false
	if err != nil {
		failed(ctx, err, &c.err)
		return
	}
	v.confirm = nil
	if c.rotate {
		v.secret, v.copied = rotated, false
		showNotice(ctx, "Secret rotated for "+c.endpoint.URL+".")
		ctx.Defer(func(app.Context) { focusElement("#pc-wh-secret-value") })
		return
	}
	v.endpoints = slices.DeleteFunc(v.endpoints, func(ep portico.WebhookEndpointView) bool { return ep.ID == c.endpoint.ID })
	if v.open == c.endpoint.ID {
		v.open = ""
	}
	if v.secret != nil && v.secret.ID == c.endpoint.ID {
		v.secret = nil
	}
	showNotice(ctx, "Endpoint deleted: "+c.endpoint.URL+".")
	ctx.Defer(func(app.Context) { focusElement("#pc-webhooks-title") })
}
