package components

import (
	"slices"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// roving makes a tab list or a radio group one stop of the Tab key, as
// WAI-ARIA's roving tabindex does: only the chosen item is in the Tab order
// (tabIndex), and the arrow keys, Home and End choose another and move the
// focus to it. ids are the items' element IDs, in order.
type roving struct {
	ids     []string
	current int
	choose  func(ctx app.Context, i int)
}

// tabIndex is 0 for the chosen item, -1 for the others.
func (r roving) tabIndex(i int) int {
	if i == r.current {
		return 0
	}
	return -1
}

// onKeyDown handles the keys on the group's element. The item moved from
// is the one the key was pressed on: go-app keeps the handler of the
// group's first render, whose current item may be out of date.
func (r roving) onKeyDown(ctx app.Context, e app.Event) {
	from := slices.Index(r.ids, e.Get("target").Get("id").String())
	if from < 0 {
		from = r.current
	}
	rtl := app.IsClient && app.Window().Call("getComputedStyle", e.Get("currentTarget")).Get("direction").String() == "rtl"
	next, ok := arrowMove(e.Get("key").String(), rtl, from, len(r.ids))
	if !ok {
		return
	}
	e.PreventDefault()
	if next != from {
		r.choose(ctx, next)
	}
	id := r.ids[next]
	ctx.Defer(func(app.Context) { focus(id) })
}

// arrowMove is the item a key moves to from current among n, wrapping
// around: right and down go forward, left and up back (left and right
// swapped in a right-to-left layout), Home to the first, End to the last.
// ok is false for any other key.
func arrowMove(key string, rtl bool, current, n int) (next int, ok bool) {
	if n == 0 {
		return 0, false
	}
	step := 0
	switch key {
	case "ArrowRight":
		step = 1
	case "ArrowLeft":
		step = -1
	case "ArrowDown":
		return (current + 1) % n, true
	case "ArrowUp":
		return (current - 1 + n) % n, true
	case "Home":
		return 0, true
	case "End":
		return n - 1, true
	default:
		return 0, false
	}
	if rtl {
		step = -step
	}
	return (current + step + n) % n, true
}
