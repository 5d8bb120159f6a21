package theme

import (
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	portico "github.com/portico-dev/portico"
)

// FuzzParse checks that Parse never panics and either accepts a theme that
// Validate accepts, that encodes and parses back to the same value and
// whose CSS cannot close the page's style element, or refuses with a 422
// whose every problem is named by a JSON path of the document.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"testdata/brand.json", "testdata/minimal.json"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	def, err := json.Marshal(Default())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(def)
	for _, s := range []string{
		`{}`,
		`{"mode": "dark", "dark": {}}`,
		`{"palette": {"primary": "red; } body { display:none"}}`,
		`{"palette": {"primary": 5, "colour": "red"}, "radius": null}`,
		`{"mode": "auto", "mode": "dark"}`,
		`{"customCss": "</STYLE><script>alert(1)</script>"}`,
		`{"typography": {"fontFamily": "a /* b */"}, "layout": {"alignment": "right", "maxWidth": "none"}}`,
		`{"shadows": {"card": ["none"]}, "dark": "black"}`,
		`[]`, `null`, `{"palette": {`, `{} {}`, ``, "{\"radius\": \"\t1.5rem\n\"}",
	} {
		f.Add([]byte(s))
	}

	paths := themePaths()
	f.Fuzz(func(t *testing.T, data []byte) {
		th, err := Parse(data)
		if err != nil {
			var e *portico.Error
			if !errors.As(err, &e) || e.Kind != portico.KindInvalid || len(e.Fields) == 0 {
				t.Fatalf("Parse(%q) = %v: want a 422 naming each problem", data, err)
			}
			if !reflect.DeepEqual(th, Theme{}) {
				t.Fatalf("Parse(%q) refused it but returned a theme: %+v", data, th)
			}
			for _, fe := range e.Fields {
				if fe.Message == "" || !namesPath(paths, fe) {
					t.Fatalf("Parse(%q): problem %q: %q does not name a JSON path of the theme", data, fe.Field, fe.Message)
				}
			}
			return
		}
		if err := th.Validate(); err != nil {
			t.Fatalf("Parse(%q) accepted a theme Validate refuses: %v", data, err)
		}
		enc, err := json.Marshal(th)
		if err != nil {
			t.Fatalf("an accepted theme does not encode: %v", err)
		}
		again, err := Parse(enc)
		if err != nil {
			t.Fatalf("Parse(%q) accepted a theme whose encoding %s it refuses: %v", data, enc, err)
		}
		if !reflect.DeepEqual(again, th) {
			t.Fatalf("Parse(%q) = %+v; encoded as %s it parses as %+v", data, th, enc, again)
		}
		if css := th.CSS("portico"); strings.Contains(strings.ToLower(css), "</style") {
			t.Fatalf("Parse(%q) accepted a theme whose CSS closes the style element:\n%s", data, css)
		}
	})
}

// themePaths is every member path of a theme: "mode", "palette",
// "palette.primary", "dark.primary", …
func themePaths() map[string]bool {
	out := map[string]bool{}
	var walk func(prefix string, t reflect.Type)
	walk = func(prefix string, t reflect.Type) {
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		for name, i := range jsonFields(t) {
			p := name
			if prefix != "" {
				p = prefix + "." + name
			}
			out[p] = true
			if ft := t.Field(i).Type; ft.Kind() == reflect.Struct || ft.Kind() == reflect.Pointer {
				walk(p, ft)
			}
		}
	}
	walk("", reflect.TypeOf(Theme{}))
	return out
}

// namesPath reports whether a problem names the document ("(body)") or a
// member of the theme; a member that does not belong, or is repeated, is
// named as written (after its object's path, when nested), whatever it is.
func namesPath(paths map[string]bool, fe portico.FieldError) bool {
	if fe.Field == bodyField || paths[fe.Field] {
		return true
	}
	return fe.Field != "" && (fe.Message == "is not a known field" || fe.Message == "is given more than once")
}
