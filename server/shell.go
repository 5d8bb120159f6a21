package server

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strconv"

	"github.com/portico-dev/portico/server/htmlattr"
)

// shell reworks go-app's page around the prerendered content so that only
// the page itself stands between the response and its first paint
// (measured in docs/performance.md):
//   - go-app's stylesheet is inlined: one render-blocking request fewer;
//   - the client's scripts are started by /web/boot.js once the page has
//     painted, instead of running (and fetching and compiling the wasm)
//     before the first frame;
//   - the prerendered page's root (the body's first element) is marked
//     portico-prerendered, which lets the browser skip rendering the
//     portal's sections off screen until they near the viewport (page.css).
//     The client's first render replaces the element, and the mark with it:
//     its absence also tells that the client has mounted. Until then boot.js
//     shows the marked page's controls busy and keeps the last one pressed,
//     to press it again on the client's page.
//
// Each step is a replacement in go-app's output; one that no longer matches
// leaves that part of the page as go-app wrote it, which still works (the
// web tests check that every step applies).
type shell struct {
	appStyle []byte // go-app's /app.css, as a <style> element
	boot     string // boot.js's URL, with its version
}

// prerendered is the class of the prerendered page's root.
const prerendered = "portico-prerendered"

// newShell reads go-app's stylesheet from the page handler; pages load
// boot.js from boot.
func newShell(pages http.Handler, boot string) shell {
	rec := httptest.NewRecorder()
	pages.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/app.css", nil))
	if rec.Code != http.StatusOK {
		return shell{boot: boot}
	}
	css := bytes.ReplaceAll(rec.Body.Bytes(), []byte("</"), []byte(`<\/`))
	return shell{appStyle: []byte("<style>\n" + string(css) + "</style>"), boot: boot}
}

// rework returns the page with go-app's stylesheet inlined, its client
// started by boot.js (wasm_exec.js, then script: go-app's app.js or the
// console's) and its prerendered root marked.
func (s shell) rework(page []byte, script string) []byte {
	if s.appStyle != nil {
		page, _ = replaceTag(page, "<link", ">", `href="/app.css"`, s.appStyle)
	}
	// Both of go-app's scripts go, or neither: app.js needs wasm_exec.js.
	noExec, exec := replaceTag(page, "<script", "</script>", `src="/wasm_exec.js"`, nil)
	noScripts, app := replaceTag(noExec, "<script", "</script>", `src="/app.js"`, nil)
	if exec && app {
		boot := `<script defer src="` + s.boot + `" data-scripts="/wasm_exec.js ` + script + `"></script>`
		page = bytes.Replace(noScripts, []byte("</head>"), []byte(boot+"</head>"), 1)
	}
	// go-app's loading image says "wasm loader icon" in English to a
	// screen reader, whatever the page's language: it only decorates the
	// loading label beside it.
	page = bytes.Replace(page, []byte(`alt="wasm loader icon"`), []byte(`alt=""`), 1)
	return markRoot(page)
}

// markRoot adds the prerendered class to the body's first element.
func markRoot(page []byte) []byte {
	body := bytes.Index(page, []byte("<body"))
	if body < 0 {
		return page
	}
	open := bytes.IndexByte(page[body+1:], '<')
	if open < 0 {
		return page
	}
	open += body + 1
	end := bytes.IndexByte(page[open:], '>')
	if end < 0 || page[open+1] == '/' || page[open+1] == '!' {
		return page
	}
	if at := bytes.Index(page[open:open+end], []byte(` class="`)); at >= 0 {
		at += open + len(` class="`)
		return splice(page, at, at, []byte(prerendered+" "))
	}
	return splice(page, open+end, open+end, []byte(` class="`+prerendered+`"`))
}

// pages serves go-app's pages reworked by the shell, their clients loading
// script, in English.
func (s shell) pages(pages http.Handler, script string) http.Handler {
	return s.localizedPages(pages, script, nil)
}

// localizedPages serves the pages as pages does, each drawn in the locale
// chosen for its request (see localized); a nil locale leaves them as
// go-app writes them, in English.
func (s shell) localizedPages(pages http.Handler, script string, locale func(*http.Request) string) http.Handler {
	// Every prerendered page passes here: go-app's attribute values become
	// HTML before anything else reads the page, as for a Go host's pages.
	escaped := htmlattr.Handler(pages)
	serve := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		escaped.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if rec.Code == http.StatusOK {
			body = s.rework(body, script)
			if locale != nil {
				body = setLang(body, r.URL.Query().Get("locale"))
				body = setDescription(body, r.URL.Query().Get("locale"))
			}
		}
		for k, v := range rec.Header() {
			rw.Header()[k] = v
		}
		rw.Header().Set("Content-Length", strconv.Itoa(len(body)))
		rw.WriteHeader(rec.Code)
		rw.Write(body)
	})
	if locale == nil {
		return serve
	}
	return localized(locale, serve)
}

// replaceTag replaces the first element from open to end (a tag, or an
// element and its closing tag) that holds attr with with, and reports
// whether it found one. go-app writes attributes in no fixed order, so the
// element is found by the attribute.
func replaceTag(page []byte, open, end, attr string, with []byte) ([]byte, bool) {
	at := bytes.Index(page, []byte(attr))
	if at < 0 {
		return page, false
	}
	start := bytes.LastIndex(page[:at], []byte(open))
	stop := bytes.Index(page[at:], []byte(end))
	if start < 0 || stop < 0 || bytes.ContainsRune(page[start:at], '>') {
		return page, false
	}
	return splice(page, start, at+stop+len(end), with), true
}

// splice returns a copy of page with page[start:stop] replaced by with.
func splice(page []byte, start, stop int, with []byte) []byte {
	out := make([]byte, 0, len(page)-(stop-start)+len(with))
	return append(append(append(out, page[:start]...), with...), page[stop:]...)
}
