package components

import (
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// testRoot hosts the component under test, keeps a context of the engine
// and, when frame is set, closes it once the first frame has been drawn.
type testRoot struct {
	app.Compo
	content app.UI
	ctx     app.Context
	frame   chan struct{}
}

func (r *testRoot) OnPreRender(ctx app.Context) {
	r.ctx = ctx
	if r.frame != nil {
		ch := r.frame
		ctx.Defer(func(app.Context) { close(ch) })
	}
}

func (r *testRoot) Render() app.UI { return app.Div().Class("test-root").Body(r.content) }

// harness mounts a UI in a go-app test engine and drives it as a browser
// would: clicks run the mounted element's own click handler.
type harness struct {
	t    *testing.T
	eng  app.TestEngine
	root *testRoot
}

// settleTimeout bounds how long the engine may take to go idle; an update
// loop that never ends fails the test instead of hanging it.
const settleTimeout = 10 * time.Second

// mount loads ui and lets every load, dispatch and update finish.
func mount(t *testing.T, ui app.UI) *harness {
	t.Helper()
	h := load(t, ui, nil)
	h.settle()
	return h
}

// load loads ui without running its dispatches.
func load(t *testing.T, ui app.UI, frame chan struct{}) *harness {
	t.Helper()
	h := &harness{t: t, eng: app.NewTestEngine(), root: &testRoot{content: ui, frame: frame}}
	if err := h.eng.Load(h.root); err != nil {
		t.Fatalf("load: %v", err)
	}
	return h
}

// mountPending loads ui with src's Portal held open and returns once the
// first frame is drawn; release lets Portal answer and the engine settle.
func mountPending(t *testing.T, ui app.UI, src *fakeSource) (h *harness, release func()) {
	t.Helper()
	src.gate, src.entered = make(chan struct{}), make(chan struct{})
	frame := make(chan struct{})
	h = load(t, ui, frame)
	done := h.consume()
	released := false
	release = func() {
		t.Helper()
		if released {
			return
		}
		released = true
		close(src.gate)
		select {
		case <-done:
		case <-time.After(settleTimeout):
			t.Fatal("the engine did not settle once the portal answered")
		}
	}
	for _, ch := range []chan struct{}{frame, src.entered} {
		select {
		case <-ch:
		case <-time.After(settleTimeout):
			release()
			t.Fatal("the portal was not requested")
		}
	}
	return h, release
}

// settle runs every pending dispatch, goroutine and update.
func (h *harness) settle() {
	h.t.Helper()
	select {
	case <-h.consume():
	case <-time.After(settleTimeout):
		h.t.Fatalf("the engine did not settle within %v (an endless update loop?)", settleTimeout)
	}
}

// consume runs ConsumeAll in the background and reports when it returns.
func (h *harness) consume() <-chan struct{} {
	done := make(chan struct{})
	go func() {
		h.eng.ConsumeAll()
		close(done)
	}()
	return done
}

// html is the mounted tree as HTML.
func (h *harness) html() string { return app.HTMLString(h.root) }

// text is the visible text of the mounted tree, with tags removed, entities
// decoded and white space collapsed.
func (h *harness) text() string { return visibleText(h.html()) }

var (
	styleRE = regexp.MustCompile(`(?s)<style>.*?</style>`)
	tagRE   = regexp.MustCompile(`<[^>]*>`)
	spaceRE = regexp.MustCompile(`\s+`)
	classRE = regexp.MustCompile(`class="([^"]*)"`)
)

func visibleText(html string) string {
	s := styleRE.ReplaceAllString(html, " ")
	s = tagRE.ReplaceAllString(s, " ")
	s = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'").Replace(s)
	return strings.TrimSpace(spaceRE.ReplaceAllString(s, " "))
}

// classesIn lists every class name used in rendered HTML.
func classesIn(html string) map[string]bool {
	out := map[string]bool{}
	for _, m := range classRE.FindAllStringSubmatch(html, -1) {
		for _, c := range strings.Fields(m[1]) {
			out[c] = true
		}
	}
	return out
}

func (h *harness) hasClass(class string) bool { return classesIn(h.html())[class] }

// contains fails the test unless the visible text holds each string.
func (h *harness) contains(want ...string) {
	h.t.Helper()
	text := h.text()
	for _, w := range want {
		if !strings.Contains(text, w) {
			h.t.Errorf("the page does not show %q; it shows:\n%s", w, text)
		}
	}
}

// lacks fails the test if the visible text holds any of the strings.
func (h *harness) lacks(unwanted ...string) {
	h.t.Helper()
	text := h.text()
	for _, w := range unwanted {
		if strings.Contains(text, w) {
			h.t.Errorf("the page shows %q but should not; it shows:\n%s", w, text)
		}
	}
}

// node is a mounted element: an HTML element or a component.
type node struct {
	ui       app.UI
	html     bool
	classes  []string
	attrs    map[string]string
	children []node
}

// tree walks the mounted tree. go-app keeps it in unexported fields, so
// they are read with reflection; the engine version is pinned in go.mod.
func tree(ui app.UI) node {
	n := node{ui: ui}
	switch v := ui.(type) {
	case app.HTML:
		n.html = true
		el := reflect.ValueOf(v).Elem()
		n.attrs = map[string]string{}
		attrs := unexported(el, "attributes")
		for _, k := range attrs.MapKeys() {
			n.attrs[k.String()] = attrs.MapIndex(k).String()
		}
		n.classes = strings.Fields(n.attrs["class"])
		children := unexported(el, "children")
		for i := range children.Len() {
			if c, ok := children.Index(i).Interface().(app.UI); ok && c != nil {
				n.children = append(n.children, tree(c))
			}
		}
	case app.Composer:
		if root, ok := unexported(reflect.ValueOf(v).Elem(), "rootElement").Interface().(app.UI); ok && root != nil {
			n.children = append(n.children, tree(root))
		}
	}
	return n
}

func unexported(v reflect.Value, name string) reflect.Value {
	f := v.FieldByName(name)
	if !f.IsValid() {
		panic("go-app has no field " + name + " in " + v.Type().String())
	}
	return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
}

// find returns the first element, depth first, below n or n itself, that
// has the class, or the ID when sel starts with '#', or exactly the visible
// text when sel starts with '='.
func (n node) find(sel string) (node, bool) {
	if n.html && n.matches(sel) {
		return n, true
	}
	for _, c := range n.children {
		if found, ok := c.find(sel); ok {
			return found, true
		}
	}
	return node{}, false
}

// findPath finds the element matching the last selector inside elements
// matching the selectors before it.
func (h *harness) findPath(path ...string) (node, bool) {
	n := tree(h.root)
	for _, class := range path {
		var ok bool
		if n, ok = n.find(class); !ok {
			return node{}, false
		}
	}
	return n, true
}

func (h *harness) mustFind(path ...string) node {
	h.t.Helper()
	n, ok := h.findPath(path...)
	if !ok {
		h.t.Fatalf("no element %s in:\n%s", strings.Join(path, " › "), h.html())
	}
	return n
}

// disabled reports whether the element at path is disabled.
func (h *harness) disabled(path ...string) bool {
	h.t.Helper()
	_, ok := h.mustFind(path...).attrs["disabled"]
	return ok
}

// click runs the click handler of the element at path the way the browser
// would (dispatched on the UI goroutine with the element as source), then
// lets the engine settle. Disabled elements cannot be clicked.
func (h *harness) click(path ...string) {
	h.t.Helper()
	h.press(path...)
	h.settle()
}

// clickFrame clicks and draws the one frame the click's handler changes,
// leaving what that frame dispatches (the mount hooks of the components it
// mounts) to run later: what the frame shows is what the click first puts
// on screen.
func (h *harness) clickFrame(path ...string) {
	h.t.Helper()
	h.press(path...)
	h.eng.ConsumeNext()
}

// press dispatches the click handler of the element at path.
func (h *harness) press(path ...string) {
	h.t.Helper()
	n := h.mustFind(path...)
	if _, off := n.attrs["disabled"]; off {
		h.t.Fatalf("%s is disabled", strings.Join(path, " › "))
	}
	handlers := unexported(reflect.ValueOf(n.ui).Elem(), "eventHandlers")
	hv := handlers.MapIndex(reflect.ValueOf("click"))
	if !hv.IsValid() {
		h.t.Fatalf("%s has no click handler", strings.Join(path, " › "))
	}
	copied := reflect.New(hv.Type()).Elem()
	copied.Set(hv)
	handler := unexported(copied, "goHandler").Interface().(app.EventHandler)

	ctx := h.root.ctx
	src := unexported(reflect.ValueOf(&ctx).Elem(), "sourceElement")
	src.Set(reflect.ValueOf(n.ui))
	ctx.Dispatch(func(ctx app.Context) { handler(ctx, app.Event{Value: app.Null()}) })
}

// classCount counts the elements that carry a class.
func (h *harness) classCount(class string) int {
	var count func(n node) int
	count = func(n node) int {
		c := 0
		if n.html && slices.Contains(n.classes, class) {
			c++
		}
		for _, ch := range n.children {
			c += count(ch)
		}
		return c
	}
	return count(tree(h.root))
}

// textOf is the visible text of the element at path.
func (h *harness) textOf(path ...string) string {
	h.t.Helper()
	return visibleText(app.HTMLString(h.mustFind(path...).ui))
}

// visibleTextOf is the visible text of a mounted element.
func visibleTextOf(n node) string { return visibleText(app.HTMLString(n.ui)) }

func (n node) matches(sel string) bool {
	switch {
	case strings.HasPrefix(sel, "#"):
		return n.attrs["id"] == sel[1:]
	case strings.HasPrefix(sel, "="):
		return visibleTextOf(n) == sel[1:]
	}
	return slices.Contains(n.classes, sel)
}
