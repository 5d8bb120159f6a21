package components

import (
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// quantityStepper sets a committed quantity (members, seats) between its
// bounds: − and + buttons named for the feature, and a labelled number
// field that takes typing and the arrow keys.
type quantityStepper struct {
	id     string // the field's ID
	label  string
	hint   string
	units  string // the feature in a running sentence ("members")
	value  int64
	lowest int64
	// highest is the largest quantity, 0 for none.
	highest int64
	// scope ties the handlers to what they set (see busyButton).
	scope string
	set   func(ctx app.Context, q int64)
}

// clamp keeps q within the stepper's bounds.
func (st quantityStepper) clamp(q int64) int64 {
	q = max(q, st.lowest)
	if st.highest > 0 {
		q = min(q, st.highest)
	}
	return q
}

func (s *section) stepper(st quantityStepper) app.UI {
	field := app.Input().Type("number").ID(st.id).Class(s.c("stepper-input", "quantity-input")).
		Attr("inputmode", "numeric").Attr("min", st.lowest).Value(s.shownQuantity(st)).
		OnInput(func(ctx app.Context, e app.Event) {
			raw := strings.TrimSpace(ctx.JSSrc().Get("value").String())
			if s.drafts == nil {
				s.drafts = map[string]string{}
			}
			s.drafts[st.id] = raw
			// An empty or partial entry waits for the next keystroke.
			if q, err := strconv.ParseInt(raw, 10, 64); err == nil {
				st.set(ctx, st.clamp(q))
			}
		}, app.EventScope(st.scope))
	if st.highest > 0 {
		field = field.Attr("max", st.highest)
	}
	if st.hint != "" {
		field = field.Aria("describedby", st.id+"-hint")
	}
	step := func(class, label, text string, by int64, off bool) app.UI {
		b := app.Button().Type("button").Class(s.c("button", "button-secondary", "stepper-button", class)).
			Aria("label", label).Aria("controls", st.id).Text(text).
			OnClick(func(ctx app.Context, e app.Event) { st.set(ctx, st.clamp(st.value+by)) },
				app.EventScope(st.scope+"/"+strconv.FormatInt(st.value, 10))) // steps from the value shown
		if off {
			b = b.Disabled(true)
		}
		return b
	}
	return app.Div().Class(s.c("quantity-stepper")).Body(
		app.Label().For(st.id).Class(s.c("label", "quantity-label")).Text(st.label),
		app.Div().Class(s.c("stepper")).Role("group").Aria("label", st.label).Body(
			step("stepper-decrement", s.t("fewerOf", "units", st.units), "−", -1, st.value <= st.lowest),
			field,
			step("stepper-increment", s.t("moreOf", "units", st.units), "+", 1, st.highest > 0 && st.value >= st.highest),
		),
		app.If(st.hint != "", func() app.UI {
			return app.P().ID(st.id + "-hint").Class(s.c("muted", "quantity-hint")).Text(st.hint)
		}),
	)
}

// shownQuantity is what the field shows: what the customer is typing while
// it is empty or names the quantity set, else the quantity.
func (s *section) shownQuantity(st quantityStepper) string {
	value := strconv.FormatInt(st.value, 10)
	d, ok := s.drafts[st.id]
	if !ok {
		return value
	}
	if q, err := strconv.ParseInt(d, 10, 64); d == "" || err == nil && st.clamp(q) == st.value {
		return d
	}
	delete(s.drafts, st.id)
	return value
}

// boundsHint says how far the stepper goes: "From 1 to 500 members."
func (s *section) boundsHint(st quantityStepper) string {
	f := s.f()
	if st.highest > 0 {
		return s.t("quantityBetween", "min", f.Number(st.lowest), "max", f.Number(st.highest), "units", st.units)
	}
	return s.t("quantityAtLeast", "min", f.Number(st.lowest), "units", st.units)
}
