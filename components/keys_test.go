package components

import "testing"

// The arrow keys move the choice the way the items are laid out: forward
// to the right (to the left in a right-to-left layout) and down, wrapping
// at either end; Home and End jump to the ends; other keys do nothing.
func TestArrowKeysMoveAlongTheItems(t *testing.T) {
	for _, c := range []struct {
		key         string
		rtl         bool
		current, n  int
		want        int
		wantHandled bool
	}{
		{"ArrowRight", false, 0, 2, 1, true},
		{"ArrowRight", false, 1, 2, 0, true},
		{"ArrowLeft", false, 0, 3, 2, true},
		{"ArrowDown", false, 1, 3, 2, true},
		{"ArrowUp", false, 0, 3, 2, true},
		{"ArrowRight", true, 0, 3, 2, true},
		{"ArrowLeft", true, 0, 3, 1, true},
		{"ArrowDown", true, 0, 3, 1, true},
		{"Home", false, 2, 3, 0, true},
		{"End", false, 0, 3, 2, true},
		{"Enter", false, 0, 3, 0, false},
		{"ArrowRight", false, 0, 0, 0, false},
	} {
		got, ok := arrowMove(c.key, c.rtl, c.current, c.n)
		if ok != c.wantHandled || (ok && got != c.want) {
			t.Errorf("%s (rtl %v) from %d of %d = %d, %v; want %d, %v", c.key, c.rtl, c.current, c.n, got, ok, c.want, c.wantHandled)
		}
	}
}
