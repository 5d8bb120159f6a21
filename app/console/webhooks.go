package console

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

// PathWebhooks is the page of the webhook endpoints.
const PathWebhooks = "/console/webhooks"

// webhooksAPI is what the webhooks page asks of the console API.
type webhooksAPI interface {
	WebhookEndpoints(ctx context.Context) (*portico.WebhookEndpointList, error)
	AddWebhookEndpoint(ctx context.Context, req portico.WebhookEndpointRequest) (*portico.WebhookEndpointView, error)
	DeleteWebhookEndpoint(ctx context.Context, id string) error
	WebhookDeliveries(ctx context.Context, id string) (*portico.WebhookDeliveryList, error)
	ResendWebhookDelivery(ctx context.Context, id, eventID string) error
	RotateWebhookSecret(ctx context.Context, id string) (*portico.WebhookEndpointView, error)
}

// webhooksView is the webhook endpoints page: the endpoints with their
// health, one endpoint's recent deliveries, the form that adds one, and
// the secret of an endpoint just added or rotated, shown once. It owns
// all of it: nothing here is part of the catalog.
type webhooksView struct {
	app.Compo
	API API

	endpoints []portico.WebhookEndpointView
	loaded    bool
	loading   bool
	loadErr   string

	// secret is the endpoint whose secret was just given, shown until
	// dismissed; copied says the copy button worked.
	secret *portico.WebhookEndpointView
	copied bool

	form     endpointForm
	open     string // the endpoint whose deliveries are shown
	recent   deliveriesState
	confirm  *endpointConfirm // the confirmation asked, nil when none
	rowError string           // a failed resend, shown above the deliveries
	own      ownContext
}

// deliveriesState is the deliveries shown and how their reading went.
type deliveriesState struct {
	list    []portico.WebhookDelivery
	loading bool
	err     string
	busy    string // the event being resent
}

// endpointConfirm asks before deleting an endpoint or rotating its secret.
type endpointConfirm struct {
	endpoint portico.WebhookEndpointView
	rotate   bool
	busy     bool
	err      string
}

func (v *webhooksView) OnMount(ctx app.Context) {
	v.own.keep(ctx)
	v.form.reset()
	v.load(ctx)
}

// load reads the endpoints.
func (v *webhooksView) load(ctx app.Context) {
	if v.API == nil || v.loading {
		return
	}
	v.loading, v.loadErr = true, ""
	api, ctx := v.API, v.own.or(ctx)
	ctx.Async(func() {
		c, cancel := ctxTimeout()
		defer cancel()
		list, err := api.WebhookEndpoints(c)
		ctx.Dispatch(func(ctx app.Context) {
			v.loading = false
			if err != nil {
				failed(ctx, err, &v.loadErr)
				return
			}
			v.endpoints, v.loaded = list.Endpoints, true
		})
	})
}

func (v *webhooksView) Render() app.UI {
	return app.Div().Class("pc-webhooks").Body(
		app.Section().Class("pc-panel").Aria("labelledby", "pc-webhooks-title").Body(
			app.Div().Class("pc-head").Body(
				app.H1().ID("pc-webhooks-title").TabIndex(-1).Text("Webhooks"),
				app.Button().Class("pc-button").Type("button").Disabled(v.loading).Text("Refresh").
					OnClick(func(ctx app.Context, e app.Event) { v.load(ctx) }),
			),
			app.P().Class("pc-hint").Text("Portico posts each event to the endpoints that take it, signed with the endpoint's secret, and retries for 3 days when an endpoint does not answer 2xx. Events of one customer arrive in order; receivers deduplicate on the event's id."),
			v.renderSecret(),
			v.renderEndpoints(),
		),
		v.renderDeliveries(),
		v.form.render(v),
		v.renderConfirm(),
	)
}

// renderSecret shows the secret just given, once, with a copy button.
func (v *webhooksView) renderSecret() app.UI {
	ep := v.secret
	if ep == nil {
		return app.Div().Class("pc-wh-secret-slot")
	}
	return app.Div().Class("pc-wh-secret-slot").Body(
		app.Div().Class("pc-wh-secret", "pc-callout").Role("region").Aria("labelledby", "pc-wh-secret-title").Body(
			app.H2().ID("pc-wh-secret-title").Text("Signing secret of "+ep.URL),
			app.P().Text("Copy it now and keep it with your receiver: it is not shown again."+graceNote(ep)),
			app.Div().Class("pc-wh-secret-row").Body(
				app.Input().ID("pc-wh-secret-value").Class("pc-input", "pc-wh-secret-value").ReadOnly(true).Value(ep.Secret).
					Aria("label", "Signing secret").OnFocus(func(ctx app.Context, e app.Event) { ctx.JSSrc().Call("select") }),
				app.Button().Class("pc-button", "pc-primary", "pc-copy").Type("button").Text("Copy").OnClick(v.copySecret),
				app.Button().Class("pc-button").Type("button").Text("Done").
					OnClick(func(ctx app.Context, e app.Event) { v.secret, v.copied = nil, false }),
			),
			app.P().Class("pc-hint").Role("status").Text(map[bool]string{true: "Copied to the clipboard.", false: ""}[v.copied]),
		),
	)
}

// graceNote says how long the secret replaced by a rotation still signs.
func graceNote(ep *portico.WebhookEndpointView) string {
	if ep.PreviousSecretExpires == nil {
		return ""
	}
	return " The previous secret also signs deliveries until " + when(*ep.PreviousSecretExpires) + ", so your receiver can switch without refusing any."
}

// copySecret copies the secret shown with the browser's clipboard.
func (v *webhooksView) copySecret(ctx app.Context, e app.Event) {
	if v.secret == nil {
		return
	}
	clip := app.Window().Get("navigator").Get("clipboard")
	if !clip.Truthy() {
		focusElement("#pc-wh-secret-value") // selected on focus: the viewer copies it
		return
	}
	clip.Call("writeText", v.secret.Secret)
	v.copied = true
}

// renderEndpoints is the table of endpoints, or what stands in its place.
func (v *webhooksView) renderEndpoints() app.UI {
	switch {
	case v.loadErr != "":
		return app.Div().Class("pc-failed").Role("alert").Body(
			app.P().Text("The webhook endpoints could not be loaded: "+v.loadErr),
			app.Button().Class("pc-button").Type("button").Text("Try again").
				OnClick(func(ctx app.Context, e app.Event) { v.load(ctx) }))
	case !v.loaded:
		return app.P().Class("pc-loading").Role("status").Text("Loading the webhook endpoints…")
	case len(v.endpoints) == 0:
		return app.P().Class("pc-empty").Text("No endpoint yet: add one below to receive events.")
	}
	rows := make([]app.UI, len(v.endpoints))
	for i, ep := range v.endpoints {
		rows[i] = v.renderEndpoint(ep)
	}
	return app.Table().Class("pc-table", "pc-endpoints").Body(
		app.THead().Body(app.Tr().Body(app.Th().Text("URL"), app.Th().Text("Events"), app.Th().Text("Health"),
			app.Th().Text("Added"), app.Th().Body(app.Span().Class("pc-sr").Text("Actions")))),
		app.TBody().Body(rows...))
}

func (v *webhooksView) renderEndpoint(ep portico.WebhookEndpointView) app.UI {
	open := v.open == ep.ID
	label := "Show deliveries"
	if open {
		label = "Hide deliveries"
	}
	return app.Tr().Class("pc-endpoint").DataSet("id", ep.ID).Body(
		app.Th().Scope("row").DataSet("label", "URL").Body(
			app.Div().Class("pc-endpoint-url").Body(app.Code().Text(ep.URL),
				app.If(ep.Description != "", func() app.UI { return app.Span().Class("pc-hint").Text(ep.Description) }))),
		cell("Events").Text(eventsSummary(ep.Events)),
		cell("Health").Body(healthBadge(ep)),
		cell("Added").Body(timeOf(ep.CreatedAt)),
		app.Td().Body(app.Div().Class("pc-row-actions").Body(
			app.Button().Class("pc-button", "pc-small", "pc-show-deliveries").Type("button").Aria("expanded", open).
				Aria("controls", "pc-deliveries").Aria("label", label+" of "+ep.URL).Text(label).
				OnClick(func(ctx app.Context, e app.Event) { v.toggle(ctx, ep.ID) }, app.EventScope(ep.ID)),
			app.Button().Class("pc-button", "pc-small", "pc-rotate").Type("button").Aria("label", "Rotate the secret of "+ep.URL).
				Text("Rotate secret").OnClick(func(ctx app.Context, e app.Event) { v.ask(ctx, ep, true) }, app.EventScope(ep.ID)),
			app.Button().Class("pc-button", "pc-small", "pc-danger-quiet", "pc-delete").Type("button").Aria("label", "Delete "+ep.URL).
				Text("Delete").OnClick(func(ctx app.Context, e app.Event) { v.ask(ctx, ep, false) }, app.EventScope(ep.ID)),
		)),
	)
}

// eventsSummary names the types an endpoint takes.
func eventsSummary(types []portico.EventType) string {
	if len(types) == 1 && types[0] == portico.AllEvents {
		return "All events"
	}
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}

// healthBadge says whether deliveries to the endpoint succeed.
func healthBadge(ep portico.WebhookEndpointView) app.UI {
	if ep.FailingSince == nil {
		return app.Span().Class("pc-badge").Text("Delivering")
	}
	return app.Div().Class("pc-endpoint-url").Body(
		app.Span().Class("pc-badge", "pc-badge-failing").Text("Failing"),
		app.Span().Class("pc-hint").Text("since "+when(*ep.FailingSince)))
}

// when is a time as the console writes it.
func when(t time.Time) string { return t.UTC().Format("2 Jan 2006 15:04 UTC") }

func timeOf(t time.Time) app.UI {
	return app.Time().DateTime(t.UTC().Format(time.RFC3339)).Text(when(t))
}

// toggle shows or hides an endpoint's deliveries.
func (v *webhooksView) toggle(ctx app.Context, id string) {
	if v.open == id {
		v.open = ""
		return
	}
	v.open, v.recent, v.rowError = id, deliveriesState{}, ""
	v.loadDeliveries(ctx)
}

// loadDeliveries reads the open endpoint's recent deliveries.
func (v *webhooksView) loadDeliveries(ctx app.Context) {
	id := v.open
	if id == "" || v.API == nil || v.recent.loading {
		return
	}
	v.recent.loading, v.recent.err = true, ""
	api, ctx := v.API, v.own.or(ctx)
	ctx.Async(func() {
		c, cancel := ctxTimeout()
		defer cancel()
		list, err := api.WebhookDeliveries(c, id)
		ctx.Dispatch(func(ctx app.Context) {
			if v.open != id {
				return // another endpoint was opened meanwhile
			}
			v.recent.loading = false
			if err != nil {
				failed(ctx, err, &v.recent.err)
				return
			}
			v.recent.list = list.Deliveries
		})
	})
}

// endpoint is the endpoint shown with that ID.
func (v *webhooksView) endpoint(id string) (portico.WebhookEndpointView, bool) {
	for _, ep := range v.endpoints {
		if ep.ID == id {
			return ep, true
		}
	}
	return portico.WebhookEndpointView{}, false
}

// renderDeliveries is the open endpoint's recent deliveries.
func (v *webhooksView) renderDeliveries() app.UI {
	ep, ok := v.endpoint(v.open)
	if !ok {
		return app.Div().ID("pc-deliveries").Class("pc-deliveries-slot")
	}
	return app.Section().ID("pc-deliveries").Class("pc-panel", "pc-deliveries").Aria("labelledby", "pc-deliveries-title").Body(
		app.Div().Class("pc-head").Body(
			app.H2().ID("pc-deliveries-title").Body(app.Text("Recent deliveries to "), app.Code().Text(ep.URL)),
			app.Button().Class("pc-button", "pc-small").Type("button").Disabled(v.recent.loading).Text("Refresh").
				OnClick(func(ctx app.Context, e app.Event) { v.loadDeliveries(ctx) }),
		),
		app.If(v.rowError != "", func() app.UI { return app.P().Class("pc-general").Role("alert").Text(v.rowError) }),
		v.renderDeliveryRows(),
	)
}

func (v *webhooksView) renderDeliveryRows() app.UI {
	r := v.recent
	switch {
	case r.err != "":
		return app.Div().Class("pc-failed").Role("alert").Body(
			app.P().Text("The deliveries could not be loaded: "+r.err),
			app.Button().Class("pc-button").Type("button").Text("Try again").
				OnClick(func(ctx app.Context, e app.Event) { v.loadDeliveries(ctx) }))
	case r.list == nil:
		return app.P().Class("pc-loading").Role("status").Text("Loading the deliveries…")
	case len(r.list) == 0:
		return app.P().Class("pc-empty").Text("No delivery yet: events that happen from now on are sent here.")
	}
	rows := make([]app.UI, len(r.list))
	for i, d := range r.list {
		rows[i] = v.renderDelivery(d)
	}
	return app.Table().Class("pc-table", "pc-delivery-list").Body(
		app.THead().Body(app.Tr().Body(app.Th().Text("Event"), app.Th().Text("Status"), app.Th().Text("Attempts"),
			app.Th().Text("Last answer"), app.Th().Text("Next attempt"), app.Th().Body(app.Span().Class("pc-sr").Text("Actions")))),
		app.TBody().Body(rows...))
}

func (v *webhooksView) renderDelivery(d portico.WebhookDelivery) app.UI {
	next := app.UI(app.Text("—"))
	if d.NextAttemptAt != nil {
		next = timeOf(*d.NextAttemptAt)
	}
	busy := v.recent.busy == d.EventID
	label := "Resend"
	if busy {
		label = "Resending…"
	}
	return app.Tr().Class("pc-delivery").DataSet("event", d.EventID).Body(
		app.Th().Scope("row").DataSet("label", "Event").Body(
			app.Div().Class("pc-endpoint-url").Body(app.Strong().Text(d.Type), app.Code().Text(d.EventID),
				app.Span().Class("pc-hint").Body(timeOf(d.CreatedAt)))),
		cell("Status").Body(statusBadge(d.Status)),
		cell("Attempts").Text(d.Attempts),
		cell("Last answer").Body(app.Div().Class("pc-endpoint-url").Body(
			app.Span().Text(answerOf(d)),
			app.If(d.LastError != "", func() app.UI { return app.Span().Class("pc-hint").Text(d.LastError) }))),
		cell("Next attempt").Body(next),
		app.Td().Body(app.Div().Class("pc-row-actions").Body(
			app.Button().Class("pc-button", "pc-small", "pc-resend").Type("button").Disabled(busy).
				Aria("label", "Resend "+string(d.Type)+" "+d.EventID).Text(label).
				OnClick(func(ctx app.Context, e app.Event) { v.resend(ctx, d.EventID) }, app.EventScope(d.EventID)))),
	)
}

// statusBadge shows a delivery's status in words.
func statusBadge(s portico.DeliveryStatus) app.UI {
	switch s {
	case portico.DeliveryDelivered:
		return app.Span().Class("pc-badge").Text("Delivered")
	case portico.DeliveryFailed:
		return app.Span().Class("pc-badge", "pc-badge-failing").Text("Given up")
	}
	return app.Span().Class("pc-badge", "pc-badge-muted").Text("Pending")
}

// answerOf is the endpoint's last answer: its status code, or none.
func answerOf(d portico.WebhookDelivery) string {
	switch {
	case d.LastStatusCode != 0:
		return fmt.Sprintf("HTTP %d", d.LastStatusCode)
	case d.Attempts > 0:
		return "No answer"
	}
	return "—"
}

// resend makes a delivery due again and reads the deliveries back.
func (v *webhooksView) resend(ctx app.Context, eventID string) {
	id := v.open
	if v.recent.busy != "" || v.API == nil {
		return
	}
	v.recent.busy, v.rowError = eventID, ""
	api, ctx := v.API, v.own.or(ctx)
	ctx.Async(func() {
		c, cancel := ctxTimeout()
		defer cancel()
		err := api.ResendWebhookDelivery(c, id, eventID)
		ctx.Dispatch(func(ctx app.Context) {
			v.recent.busy = ""
			if err != nil {
				failed(ctx, err, &v.rowError)
				return
			}
			showNotice(ctx, "The event "+eventID+" is being sent again.")
			v.loadDeliveries(ctx)
		})
	})
}
