package portal

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"slices"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/components"
	"github.com/portico-dev/portico/theme"
)

// Events a page sends to the host page that embeds it (web/frame.js posts
// them; /embed.js re-emits them on the element as portico:… DOM events).
const (
	EventPlanSelected       = "plan-selected"
	EventContactSupport     = "contact-support"
	EventManageSubscription = "manage-subscription"
	EventBuyMore            = "buy-more"
	EventError              = "error"
	EventSessionExpired     = "session-expired"
)

// hostSettings are what a host page sets on an embedded surface: first
// through the URL (?theme=…&texts=…&hide=…&handle=…), later through props
// messages when the element's attributes change.
type hostSettings struct {
	Theme *theme.Theme
	Texts components.Texts
	Hide  []string
	// Handles lists the events the host acts on itself; the portal leaves
	// those actions to it.
	Handles []string
	// Problems are bad settings, reported to the host once mounted.
	Problems []hostProblem
}

// hostProblem is the detail of an error event.
type hostProblem struct {
	Message string               `json:"message"`
	Field   string               `json:"field,omitempty"`
	Fields  []portico.FieldError `json:"fields,omitempty"`
}

func hostFromQuery(q url.Values) hostSettings {
	h := hostSettings{Hide: splitList(q.Get("hide")), Handles: splitList(q.Get("handle"))}
	h.setTheme([]byte(q.Get("theme")))
	h.setTexts([]byte(q.Get("texts")))
	return h
}

// setTheme takes a theme JSON; a bad one is reported and the page keeps
// the server's theme.
func (h *hostSettings) setTheme(raw []byte) {
	h.Theme = nil
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return
	}
	t, err := theme.Parse(raw)
	if err != nil {
		p := hostProblem{Message: "The theme was not applied: " + err.Error(), Field: "theme"}
		var perr *portico.Error
		if errors.As(err, &perr) {
			p.Message, p.Fields = "The theme was not applied: some values are invalid", perr.Fields
		}
		h.Problems = append(h.Problems, p)
		return
	}
	h.Theme = &t
}

func (h *hostSettings) setTexts(raw []byte) {
	h.Texts = nil
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return
	}
	if err := json.Unmarshal(raw, &h.Texts); err != nil {
		h.Problems = append(h.Problems, hostProblem{Message: "The texts were not applied: an object of text keys to strings is expected", Field: "texts"})
	}
}

// props are the settings a host page sends after the page has loaded.
type props struct {
	Theme json.RawMessage `json:"theme"`
	Texts json.RawMessage `json:"texts"`
	Hide  []string        `json:"hide"`
}

// OnMount starts listening to the host page's props, applying any that
// arrived while the client was loading, and reports bad settings.
func (p *Page) OnMount(ctx app.Context) {
	if !app.IsClient {
		return
	}
	apply := func(ctx app.Context) {
		if raw := app.Window().Get("porticoProps"); raw.Truthy() {
			p.applyProps(raw.String())
		}
		p.reportProblems()
	}
	fn := app.FuncOf(func(app.Value, []app.Value) any {
		ctx.Dispatch(apply)
		return nil
	})
	app.Window().Call("addEventListener", "portico-props", fn)
	p.stopProps = func() {
		app.Window().Call("removeEventListener", "portico-props", fn)
		fn.Release()
	}
	apply(ctx)
}

func (p *Page) OnDismount() {
	if p.stopProps != nil {
		p.stopProps()
		p.stopProps = nil
	}
}

func (p *Page) applyProps(raw string) {
	var in props
	if err := json.Unmarshal([]byte(raw), &in); err != nil {
		return
	}
	handles := p.host.Handles
	p.host = hostSettings{Hide: in.Hide, Handles: handles}
	p.host.setTheme(in.Theme)
	p.host.setTexts(in.Texts)
}

func (p *Page) reportProblems() {
	for _, pr := range p.host.Problems {
		emit(EventError, pr)
	}
	p.host.Problems = nil
}

// framed reports whether a host page listens to the page's events.
func framed() bool {
	return app.IsClient && app.Window().Get("porticoEmit").Truthy()
}

// emit sends an event to the host page, if one listens.
func emit(event string, detail any) {
	if !framed() {
		return
	}
	b, err := json.Marshal(detail)
	if err != nil {
		return
	}
	app.Window().Call("porticoEmit", event, string(b))
}

// callbacks tell the host page about each action; an action the host
// handles itself is left to it, the others the portal does too.
func (p *Page) callbacks() components.Callbacks {
	hostDoes := func(event string) bool { return framed() && slices.Contains(p.host.Handles, event) }
	return components.Callbacks{
		OnPlanSelected: func(_ app.Context, sel components.PlanSelection) bool {
			emit(EventPlanSelected, map[string]string{"planId": sel.PlanID, "billingPeriod": string(sel.BillingPeriod),
				"intent": string(sel.Intent), "subscriptionId": sel.SubscriptionID})
			return hostDoes(EventPlanSelected)
		},
		OnContactSupport: func(app.Context) bool {
			emit(EventContactSupport, map[string]string{})
			return hostDoes(EventContactSupport)
		},
		OnManageSubscription: func(_ app.Context, intent string) bool {
			emit(EventManageSubscription, map[string]string{"intent": intent})
			return hostDoes(EventManageSubscription)
		},
		OnBuyMore: func(_ app.Context, featureID string) bool {
			emit(EventBuyMore, map[string]string{"featureId": featureID})
			return hostDoes(EventBuyMore)
		},
		OnError: func(_ app.Context, msg string) { emit(EventError, hostProblem{Message: msg}) },
		OnSessionExpired: func(app.Context) {
			texts := p.texts(p.host.Texts)
			emit(EventSessionExpired, map[string]string{"message": texts.Get("sessionExpired")})
		},
	}
}
