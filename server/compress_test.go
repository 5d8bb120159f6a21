package server_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// fetch makes a request with headers (name, value, …) through a client
// that leaves the body as the server sent it, and returns the answer and
// its raw body.
func fetch(t testing.TB, method, url string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("bad gzip: %v", err)
	}
	return out
}

func varies(res *http.Response) bool {
	return strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "Accept-Encoding")
}

// Every text answer — pages, scripts, stylesheets, the schema, JSON API
// answers — comes gzipped to a browser that accepts it, decodes to what
// is sent uncompressed, and says it varies with Accept-Encoding.
func TestTextAnswersAreCompressed(t *testing.T) {
	h := newHarness(t)
	h.createCustomer("grace", true)
	token := h.session("grace", "", "")
	hs := newWeb(t, h)
	const browser = "gzip, deflate, br, zstd"
	for _, c := range []struct {
		path, auth string
	}{
		{"/", ""},
		{"/designer", ""},
		{"/console/sign-in", ""},
		{"/embed.js", ""},
		{"/web/boot.js", ""},
		{"/web/page.css", ""},
		{"/app.js", ""},
		{"/wasm_exec.js", ""},
		{"/console/app.js", ""},
		{"/theme.schema.json", ""},
		{"/api/v1/catalog", secretKey},
		{"/api/v1/portal", token},
		{"/api/v1/portal/paywall?productId=acme", token},
	} {
		t.Run(c.path, func(t *testing.T) {
			auth := []string{}
			if c.auth != "" {
				auth = []string{"Authorization", "Bearer " + c.auth}
			}
			plain, want := fetch(t, http.MethodGet, hs.URL+c.path, auth...)
			res, body := fetch(t, http.MethodGet, hs.URL+c.path, append(auth, "Accept-Encoding", browser)...)
			if res.StatusCode != http.StatusOK || plain.StatusCode != http.StatusOK {
				t.Fatalf("%d and %d, want 200", plain.StatusCode, res.StatusCode)
			}
			if plain.Header.Get("Content-Encoding") != "" {
				t.Errorf("compressed for a client that does not accept it: %s", plain.Header.Get("Content-Encoding"))
			}
			if res.Header.Get("Content-Encoding") != "gzip" {
				t.Fatalf("Content-Encoding %q, want gzip (%d bytes, %s)", res.Header.Get("Content-Encoding"), len(want), res.Header.Get("Content-Type"))
			}
			if !varies(res) || !varies(plain) {
				t.Errorf("Vary %q and %q lack Accept-Encoding", res.Header.Values("Vary"), plain.Header.Values("Vary"))
			}
			if res.Header.Get("Content-Type") != plain.Header.Get("Content-Type") {
				t.Errorf("Content-Type %q compressed, %q not", res.Header.Get("Content-Type"), plain.Header.Get("Content-Type"))
			}
			got := gunzip(t, body)
			if c.path == "/" || strings.HasPrefix(c.path, "/api/v1/portal") {
				// Each answer opens fresh sessions: compare the rest.
				got, want = stable(got), stable(want)
			}
			if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") && c.path != "/" {
				// go-app writes a tag's attributes in any order: compare
				// the pages' bytes, in any order.
				got, want = sortedBytes(got), sortedBytes(want)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("decoded body (%d bytes) differs from the uncompressed one (%d bytes)", len(got), len(want))
			}
			if len(body) >= len(want) {
				t.Errorf("compressed to %d bytes from %d", len(body), len(want))
			}
		})
	}
}

// stable blanks the portal sessions in an answer.
func stable(b []byte) []byte {
	return regexp.MustCompile(`ps_[A-Za-z0-9._~%-]+`).ReplaceAll(b, []byte("ps_…"))
}

// sortedBytes is a copy of b with its bytes in order.
func sortedBytes(b []byte) []byte {
	out := bytes.Clone(b)
	slices.Sort(out)
	return out
}

// Short answers, answers to HEAD, and answers that are not text (or are
// compressed already) are sent as they are.
func TestShortAndBinaryAnswersAreNotCompressed(t *testing.T) {
	h := newHarness(t)
	hs := newWeb(t, h)
	for _, c := range []struct{ method, path string }{
		{http.MethodGet, "/healthz"},            // a few bytes of JSON
		{http.MethodGet, "/api/v1/nothing"},     // a short problem document
		{http.MethodGet, "/web/icon.png"},       // an image
		{http.MethodGet, "/web/app.wasm"},       // wasm (without .gz beside it here)
		{http.MethodHead, "/theme.schema.json"}, // no body
	} {
		res, body := fetch(t, c.method, hs.URL+c.path, "Accept-Encoding", "gzip")
		if enc := res.Header.Get("Content-Encoding"); enc != "" {
			t.Errorf("%s %s: Content-Encoding %q (%d bytes)", c.method, c.path, enc, len(body))
		}
	}
}

// A compressed answer keeps its ETag as a weak one, which still answers a
// revalidation with 304.
func TestCompressedAnswersRevalidate(t *testing.T) {
	h := newHarness(t)
	hs := newWeb(t, h)
	res, _ := fetch(t, http.MethodGet, hs.URL+"/embed.js", "Accept-Encoding", "gzip")
	etag := res.Header.Get("ETag")
	if !strings.HasPrefix(etag, `W/"`) {
		t.Fatalf("ETag %q, want a weak one", etag)
	}
	again, body := fetch(t, http.MethodGet, hs.URL+"/embed.js", "Accept-Encoding", "gzip", "If-None-Match", etag)
	if again.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Errorf("revalidation: %d with %d bytes, want 304", again.StatusCode, len(body))
	}
}

// The pages load the static scripts by version: that URL is kept for a
// year; any other (a host page's plain /embed.js, another build's
// version) is revalidated by ETag on each use.
func TestStaticScriptsAreCachedByVersion(t *testing.T) {
	h := newHarness(t)
	hs := newWeb(t, h)
	_, page := get(t, hs.URL+"/designer")
	for _, name := range []string{"boot.js", "frame.js"} {
		m := regexp.MustCompile(`"/web/` + regexp.QuoteMeta(name) + `\?v=([0-9a-f]{16})"`).FindSubmatch(page)
		if m == nil {
			t.Fatalf("the page does not load %s by its version", name)
		}
		versioned, _ := fetch(t, http.MethodGet, hs.URL+"/web/"+name+"?v="+string(m[1]))
		if cc := versioned.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
			t.Errorf("%s?v=%s: Cache-Control %q, want a year, immutable", name, m[1], cc)
		}
		if etag := versioned.Header.Get("ETag"); etag != `"`+string(m[1])+`"` {
			t.Errorf("%s: ETag %q, want its version", name, etag)
		}
	}
	for _, path := range []string{"/embed.js", "/web/page.css", "/web/boot.js", "/web/boot.js?v=0123456789abcdef"} {
		res, _ := fetch(t, http.MethodGet, hs.URL+path)
		if cc := res.Header.Get("Cache-Control"); cc != "no-cache" || res.Header.Get("ETag") == "" {
			t.Errorf("%s: Cache-Control %q, ETag %q; want no-cache with an ETag", path, cc, res.Header.Get("ETag"))
		}
		if res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", path, res.Header.Get("X-Content-Type-Options"))
		}
		again, _ := fetch(t, http.MethodGet, hs.URL+path, "If-None-Match", res.Header.Get("ETag"))
		if again.StatusCode != http.StatusNotModified {
			t.Errorf("%s revalidated: %d, want 304", path, again.StatusCode)
		}
	}
}
