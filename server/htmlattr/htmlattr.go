// Package htmlattr makes go-app's prerendered pages safe to send: it
// rewrites every attribute value go-app wrote as HTML.
//
// go-app v10 writes an attribute value as a Go string literal
// (strconv.Quote): a `"` inside it becomes `\"`, which HTML does not read as
// an escape, so the quote ends the attribute and whatever follows — `>`,
// `<h1>`, `onfocus=` — becomes markup. Text nodes are HTML-escaped by go-app
// and need nothing. Every page the server prerenders passes through Escape,
// so no component, text, catalog string or query parameter can open an
// element or an attribute, whatever its source.
//
// go-app also writes an attribute whose value is "true" as a bare name.
// For the ARIA states that read a bare name as an empty, invalid value
// (aria-checked, aria-selected…), Escape writes "true" back.
package htmlattr

import (
	"bytes"
	"html"
	"net/http"
	"net/http/httptest"
	"strconv"
)

// Handler serves next's pages with their attributes escaped. It buffers
// each response: prerendered pages are small and go-app sets their length.
func Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if isHTML(rec.Header().Get("Content-Type")) {
			body = Escape(body)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(rec.Code)
		w.Write(body)
	})
}

func isHTML(contentType string) bool {
	return len(contentType) >= 9 && contentType[:9] == "text/html"
}

// Escape returns page with each attribute value go-app quoted re-encoded
// as an HTML-escaped, double-quoted value. The contents of script and
// style elements (raw text in HTML) are copied as they are.
func Escape(page []byte) []byte {
	out := make([]byte, 0, len(page)+len(page)/16)
	for i := 0; i < len(page); {
		lt := bytes.IndexByte(page[i:], '<')
		if lt < 0 {
			return append(out, page[i:]...)
		}
		out = append(out, page[i:i+lt]...)
		i += lt
		if i+1 < len(page) && isLetter(page[i+1]) {
			var name []byte
			out, i, name = startTag(out, page, i)
			i = skipRawText(&out, page, i, name)
			continue
		}
		out = append(out, '<')
		i++
	}
	return out
}

// startTag copies the start tag at page[i] ('<' then a letter) to out with
// its attribute values re-encoded, and returns where it ends and the tag's
// name, lower-cased.
func startTag(out, page []byte, i int) ([]byte, int, []byte) {
	j := i + 1
	for j < len(page) && !isSpace(page[j]) && page[j] != '>' && page[j] != '/' {
		j++
	}
	name := bytes.ToLower(page[i+1 : j])
	out = append(out, page[i:j]...)
	for j < len(page) {
		switch c := page[j]; {
		case c == '>':
			return append(out, '>'), j + 1, name
		case isSpace(c) || c == '/':
			out = append(out, c)
			j++
		default:
			out, j = attribute(out, page, j)
		}
	}
	return out, j, name
}

// attribute copies the attribute at page[i] to out, its value re-encoded,
// and returns where it ends.
func attribute(out, page []byte, i int) ([]byte, int) {
	j := i
	for j < len(page) && !isSpace(page[j]) && page[j] != '=' && page[j] != '>' && page[j] != '/' {
		j++
	}
	name := page[i:j]
	out = append(out, name...)
	if j >= len(page) || page[j] != '=' {
		if isARIAState(string(bytes.ToLower(name))) {
			out = append(out, `="true"`...)
		}
		return out, j
	}
	j++ // '='
	value, end := attributeValue(page, j)
	out = append(out, '=', '"')
	out = append(out, html.EscapeString(value)...)
	return append(out, '"'), end
}

// attributeValue reads the value at page[i]: a Go string literal as go-app
// writes it; failing that (markup written by hand), what a browser would
// read — up to the closing quote, or up to a space or '>' when unquoted.
func attributeValue(page []byte, i int) (string, int) {
	if quoted, err := strconv.QuotedPrefix(string(page[i:])); err == nil && quoted[0] == '"' {
		if v, err := strconv.Unquote(quoted); err == nil {
			return v, i + len(quoted)
		}
	}
	if i < len(page) && (page[i] == '"' || page[i] == '\'') {
		q := page[i]
		end := bytes.IndexByte(page[i+1:], q)
		if end < 0 {
			return html.UnescapeString(string(page[i+1:])), len(page)
		}
		return html.UnescapeString(string(page[i+1 : i+1+end])), i + 1 + end + 1
	}
	j := i
	for j < len(page) && !isSpace(page[j]) && page[j] != '>' {
		j++
	}
	return html.UnescapeString(string(page[i:j])), j
}

// skipRawText copies the contents of a script or style element that starts
// at page[i] to out unchanged, and returns where they end: they are not
// markup, and a `"` in a stylesheet is no attribute.
func skipRawText(out *[]byte, page []byte, i int, tag []byte) int {
	if string(tag) != "script" && string(tag) != "style" {
		return i
	}
	closing := append([]byte("</"), tag...)
	end := indexFold(page[i:], closing)
	if end < 0 {
		end = len(page) - i
	}
	*out = append(*out, page[i:i+end]...)
	return i + end
}

// indexFold is bytes.Index, ignoring ASCII case.
func indexFold(s, sep []byte) int {
	for i := 0; i+len(sep) <= len(s); i++ {
		if bytes.EqualFold(s[i:i+len(sep)], sep) {
			return i
		}
	}
	return -1
}

// isARIAState reports whether a bare attribute name would mean an empty,
// invalid value where go-app meant "true".
func isARIAState(name string) bool {
	switch name {
	case "aria-atomic", "aria-busy", "aria-checked", "aria-current", "aria-disabled", "aria-expanded",
		"aria-hidden", "aria-invalid", "aria-modal", "aria-multiline", "aria-multiselectable",
		"aria-pressed", "aria-readonly", "aria-required", "aria-selected":
		return true
	}
	return false
}

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }
