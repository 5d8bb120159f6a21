package server

import "testing"

// go-app writes a tag's attributes in any order; the shell finds an
// element by the attribute it holds, and only inside a tag.
func TestReplaceTagFindsTheElementByAttribute(t *testing.T) {
	for _, c := range []struct{ page, want string }{
		{`<head><script defer src="/app.js"></script><style></style></head>`, `<head>X<style></style></head>`},
		{`<head><script src="/app.js" defer></script></head>`, `<head>X</head>`},
		{`<head><script src="/other.js" defer></script></head>`, `<head><script src="/other.js" defer></script></head>`},
		{`<p>src="/app.js"</p><script></script>`, `<p>src="/app.js"</p><script></script>`},
		{`src="/app.js"<script></script>`, `src="/app.js"<script></script>`},
	} {
		got, found := replaceTag([]byte(c.page), "<script", "</script>", `src="/app.js"`, []byte("X"))
		if string(got) != c.want || found != (c.want != c.page) {
			t.Errorf("replaceTag(%s) = %s, %v; want %s", c.page, got, found, c.want)
		}
	}
}

// The body's first element carries the prerendered class, whether or not
// it has classes of its own.
func TestMarkRootMarksTheBodysFirstElement(t *testing.T) {
	for _, c := range []struct{ page, want string }{
		{"<body>\n  <main class=\"a b\">x</main></body>", "<body>\n  <main class=\"portico-prerendered a b\">x</main></body>"},
		{`<body><div id="x">y</div></body>`, `<body><div id="x" class="portico-prerendered">y</div></body>`},
		{`<body><div id="x" class="c">y</div></body>`, `<body><div id="x" class="portico-prerendered c">y</div></body>`},
		{`<body></body>`, `<body></body>`},
		{`<p>no body</p>`, `<p>no body</p>`},
	} {
		if got := string(markRoot([]byte(c.page))); got != c.want {
			t.Errorf("markRoot(%s) = %s, want %s", c.page, got, c.want)
		}
	}
}

// go-app's two scripts are replaced together or not at all: app.js needs
// wasm_exec.js, so a page where only one is found keeps both as written.
func TestReworkReplacesBothScriptsOrNeither(t *testing.T) {
	half := `<head><script defer src="/wasm_exec.js"></script></head><body><main>x</main></body>`
	got := string(shell{}.rework([]byte(half), "/app.js"))
	if want := `<head><script defer src="/wasm_exec.js"></script></head><body><main class="portico-prerendered">x</main></body>`; got != want {
		t.Errorf("rework(%s) = %s, want %s", half, got, want)
	}
	both := `<head><script src="/app.js" defer></script><script defer src="/wasm_exec.js"></script></head><body></body>`
	got = string(shell{boot: "/web/boot.js?v=1"}.rework([]byte(both), "/app.js"))
	if want := `<head><script defer src="/web/boot.js?v=1" data-scripts="/wasm_exec.js /app.js"></script></head><body></body>`; got != want {
		t.Errorf("rework(%s) = %s, want %s", both, got, want)
	}
}
