package theme

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"

	portico "github.com/portico-dev/portico"
)

// schemaURL is where the server publishes the schema.
const schemaURL = "http://localhost:8080/theme.schema.json"

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema()))
	if err != nil {
		t.Fatalf("schema.json is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(schemaURL, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(schemaURL)
	if err != nil {
		t.Fatalf("schema.json is not a valid JSON Schema: %v", err)
	}
	return sch
}

// schemaVerdict validates a document with the schema: whether it is
// valid, and the instance locations of every error, as dotted paths ("" is
// the document). An additional property is located at itself, as Parse
// names it, as well as at its object. Data that is not a single JSON value
// is invalid with no location.
func schemaVerdict(sch *jsonschema.Schema, data string) (valid bool, at []string) {
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(data))
	if err != nil {
		return false, nil
	}
	err = sch.Validate(inst)
	if err == nil {
		return true, nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		panic(err)
	}
	var walk func(*jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		loc := strings.Join(e.InstanceLocation, ".")
		at = append(at, loc)
		if ap, ok := e.ErrorKind.(*kind.AdditionalProperties); ok {
			for _, p := range ap.Properties {
				at = append(at, strings.TrimPrefix(loc+"."+p, "."))
			}
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	return false, at
}

// parseVerdict is Parse's verdict: whether the data is a valid theme, and
// the paths of the problems ("" for the document).
func parseVerdict(t *testing.T, data string) (valid bool, paths []string) {
	t.Helper()
	_, err := Parse([]byte(data))
	if err == nil {
		return true, nil
	}
	var e *portico.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		t.Fatalf("Parse(%q) = %v, want a *portico.Error naming fields", data, err)
	}
	for _, f := range e.Fields {
		paths = append(paths, strings.TrimPrefix(f.Field, bodyField))
	}
	return false, paths
}

// agree checks that the schema and Parse give data the same verdict, and
// that each path Parse names is one the schema reports.
func agree(t *testing.T, sch *jsonschema.Schema, data string) (valid bool) {
	t.Helper()
	sValid, sAt := schemaVerdict(sch, data)
	pValid, pPaths := parseVerdict(t, data)
	if sValid != pValid {
		_, err := Parse([]byte(data))
		t.Errorf("%q: schema says valid=%v, Parse says valid=%v (%v)", data, sValid, pValid, err)
		return pValid
	}
	if !pValid && sAt != nil {
		for _, p := range pPaths {
			if !slices.Contains(sAt, p) {
				t.Errorf("%q: Parse names %q, the schema reports only %q", data, p, sAt)
			}
		}
	}
	return pValid
}

func TestSchemaAndParseAgree(t *testing.T) {
	sch := compileSchema(t)
	def, err := json.Marshal(Default())
	if err != nil {
		t.Fatal(err)
	}
	good := []string{
		`{}`,
		` { } `,
		`{"$schema": "http://localhost:8080/theme.schema.json"}`,
		`{"$schema": "./theme.schema.json", "palette": {"primary": "#0a7"}}`,
		string(def),
		`{"mode": "dark", "dark": {"primary": "#818cf8", "surface": "#121a2f"}}`,
		`{"mode": "auto", "palette": {"primary": "#4f46e5"}, "dark": {}}`,
		`{"mode": "light"}`,
		`{"mode": "", "palette": {"primary": ""}, "dark": {"text": ""}, "typography": {"headingWeight": "", "fontFamily": ""},
		  "layout": {"alignment": "", "maxWidth": ""}, "radius": "", "shadows": {"card": ""}, "customCss": ""}`,
		`{"palette": {"primary": "RebeccaPurple", "text": "NAVY", "border": "wHiTe", "highlight": "transparent", "surface": "CurrentColor", "danger": "FireBrick"}}`,
		`{"palette": {"primary": "rgb(12, 34, 56)", "text": "rgba(0 0 0 / 50%)", "border": "hsl(220deg 20% 10%)", "surface": "hsla(220, 20%, 10%, .5)", "success": "rgb( +1.5e0 , 2, 3 )"}}`,
		`{"palette": {"primary": "#FFF", "text": "#ffff", "border": "#A1b2C3", "surface": "#00000080"}}`,
		`{"palette": {"primary": " #fff\n", "text": "\tred ", "border": "\r\frgb(1,2,3)  "}}`,
		`{"dark": {"primary": "gold", "onPrimary": "#000", "background": "#111", "surface": "#1a1a1a", "text": "ivory", "textMuted": "silver",
		  "border": "dimgrey", "highlight": "navy", "success": "seagreen", "warning": "goldenrod", "danger": "tomato", "subtleFill": "#222"}}`,
		`{"typography": {"fontSize": "1rem", "titleSize": "1.5em", "sectionSize": " 17px "}, "layout": {"spacing": "0", "sectionPadding": "0px",
		  "planCardWidth": "60ch", "maxWidth": "100%"}, "radius": "2vw"}`,
		`{"layout": {"maxWidth": "none", "alignment": "center"}, "radius": "80vh"}`,
		`{"typography": {"headingWeight": "normal"}}`,
		`{"typography": {"headingWeight": "bold"}}`,
		`{"typography": {"headingWeight": "950"}}`,
		`{"typography": {"fontFamily": "\"Source Sans 3\", Georgia, serif"}, "shadows": {"card": "none", "popup": "0 0 0 1px rgba(0,0,0,.1), 0 8px 16px #0003"}}`,
		`{"customCss": ".portico-plan { outline: 1px solid red; } /* a note */ .portico-root > div { gap: 4px; }"}`,
		`{"customCss": "</div></styl </ style <\u017ftyle"}`,
	}
	bad := []string{
		// Colours.
		`{"palette": {"primary": "blurple"}}`,
		`{"palette": {"primary": "#12345"}}`,
		`{"palette": {"primary": "#fffffff"}}`,
		`{"palette": {"primary": "#ggg"}}`,
		`{"palette": {"primary": "fff"}}`,
		`{"palette": {"primary": "rgb()"}}`,
		`{"palette": {"primary": "RGB(1, 2, 3)"}}`,
		`{"palette": {"primary": "rgb(1, 2, 3"}}`,
		`{"palette": {"primary": "rgb(var(--x))"}}`,
		`{"palette": {"primary": "hsl(0.5turn 20% 10%)"}}`,
		`{"palette": {"primary": "red blue"}}`,
		`{"palette": {"primary": "   "}}`,
		`{"palette": {"primary": "\u00a0red"}}`,
		`{"palette": {"primary": "\u000bred"}}`,
		`{"palette": {"primary": "blac\u212a"}}`,
		`{"palette": {"primary": "\u017filver"}}`,
		`{"palette": {"onPrimary": "red; } body { display: none"}}`,
		`{"dark": {"surface": "#12345"}}`,
		`{"dark": {"subtleFill": "lightgreyish"}}`,
		// Lengths and widths.
		`{"typography": {"fontSize": "15"}}`,
		`{"typography": {"fontSize": "15PX"}}`,
		`{"typography": {"titleSize": "-1px"}}`,
		`{"typography": {"sectionSize": ".5rem"}}`,
		`{"layout": {"spacing": "1.rem"}}`,
		`{"layout": {"sectionPadding": "1e2px"}}`,
		`{"layout": {"planCardWidth": "1 px"}}`,
		`{"radius": "calc(1px + 2px)"}`,
		`{"radius": "\u00a012px"}`,
		`{"radius": "round"}`,
		`{"layout": {"maxWidth": "wide"}}`,
		`{"layout": {"maxWidth": " none"}}`,
		`{"layout": {"maxWidth": "auto"}}`,
		// Font weights.
		`{"typography": {"headingWeight": "heavy"}}`,
		`{"typography": {"headingWeight": "99"}}`,
		`{"typography": {"headingWeight": "1000"}}`,
		`{"typography": {"headingWeight": "050"}}`,
		`{"typography": {"headingWeight": "Bold"}}`,
		`{"typography": {"headingWeight": " 650"}}`,
		`{"typography": {"headingWeight": 650}}`,
		// Mode and alignment.
		`{"mode": "sepia"}`,
		`{"mode": "Dark"}`,
		`{"layout": {"alignment": "right"}}`,
		`{"layout": {"alignment": "Center"}}`,
		// Unsafe text.
		`{"typography": {"fontFamily": "Inter; color: red"}}`,
		`{"typography": {"fontFamily": "Inter } body {"}}`,
		`{"typography": {"fontFamily": "Inter /* x"}}`,
		`{"shadows": {"card": "0 0 1px red; color: red"}}`,
		`{"shadows": {"popup": "<b>"}}`,
		`{"shadows": {"popup": "0 0 1px red */"}}`,
		`{"customCss": "</style><script>alert(1)</script>"}`,
		`{"customCss": "</STYLE>"}`,
		`{"customCss": "a { } </StYlE >"}`,
		// Unknown members, at each level.
		`{"palete": {"primary": "#fff"}}`,
		`{"Palette": {"primary": "#fff"}}`,
		`{"schema": "theme.schema.json"}`,
		`{"palette": {"primary": "#fff", "colour": "red"}}`,
		`{"palette": {"Primary": "#fff"}}`,
		`{"dark": {"accent": "#fff"}}`,
		`{"typography": {"font": "Inter"}}`,
		`{"layout": {"width": "10px"}}`,
		`{"shadows": {"drop": "none"}}`,
		`{"extra": {"nested": {"deeper": [1, 2]}}, "radius": "4px"}`,
		// Wrong types.
		`{"palette": "red"}`,
		`{"palette": {"primary": 5}}`,
		`{"palette": {"primary": null}}`,
		`{"palette": null}`,
		`{"dark": null}`,
		`{"dark": []}`,
		`{"typography": [{"fontSize": "1px"}]}`,
		`{"customCss": true}`,
		`{"$schema": 1}`,
		`{"mode": null}`,
		`{"radius": 12}`,
		`[]`,
		`"#fff"`,
		`null`,
		// Several problems at once.
		`{"palette": {"primary": "blurple", "text": 1}, "layout": {"alignment": "right"}, "radius": "round", "oops": 1}`,
		// Not a single JSON value.
		``,
		`{"palette": {`,
		`{"palette" {}}`,
		`{} {}`,
		`{"radius": "4px"},`,
	}
	for _, data := range good {
		if !agree(t, sch, data) {
			t.Errorf("%q: want valid", data)
		}
	}
	for _, data := range bad {
		if agree(t, sch, data) {
			t.Errorf("%q: want invalid", data)
		}
	}
}

// Value by value, over every named colour in three cases and over strings
// made at random from the characters that matter, the schema's patterns
// accept what the Go checks accept.
func TestSchemaPatternsAgreeWithTheChecks(t *testing.T) {
	sch := compileSchema(t)
	var values []string
	for _, n := range namedColours {
		values = append(values, n, strings.ToUpper(n), strings.ToUpper(n[:1])+n[1:], " "+n+"\t",
			strings.ReplaceAll(n, "k", "\u212a"), strings.ReplaceAll(n, "s", "\u017f"))
	}
	values = append(values, "none", "normal", "bold", "0", "#", "#fff", "rgb(1,2,3)", "hsl(1deg 2% 3%)", "12px", "</style", "/*", "*/", "/ *")
	alphabet := []rune("#0159.afAFgx%+-,/degpxremvwhcnolbdsty(){};<>* \t\n\f\r\v\u00a0\u2003\u212a\u017f")
	words := []string{"rgb(", "hsla(", "px", "rem", "none", "bold", "red", "RED", "</style", "/*", "*/", "00", "#abc"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		var b strings.Builder
		for range rng.IntN(7) {
			if rng.IntN(4) == 0 {
				b.WriteString(words[rng.IntN(len(words))])
			} else {
				b.WriteRune(alphabet[rng.IntN(len(alphabet))])
			}
		}
		values = append(values, b.String())
	}
	fields := []string{`{"palette": {"primary": %s}}`, `{"dark": {"text": %s}}`, `{"radius": %s}`, `{"layout": {"maxWidth": %s}}`,
		`{"typography": {"headingWeight": %s}}`, `{"typography": {"fontFamily": %s}}`, `{"shadows": {"card": %s}}`, `{"customCss": %s}`,
		`{"mode": %s}`, `{"layout": {"alignment": %s}}`}
	accepted := map[string]int{}
	for _, v := range values {
		s, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fields {
			if agree(t, sch, fmt.Sprintf(f, s)) {
				accepted[f]++
			}
		}
	}
	// The values must exercise both verdicts for each kind of value.
	for _, f := range fields {
		if accepted[f] == 0 || accepted[f] == len(values) {
			t.Errorf("%s: %d of %d values accepted; the sample does not test it", f, accepted[f], len(values))
		}
	}
}

// The schema's defaults are the built-in theme's values.
func TestSchemaDefaultsAreTheDefaultTheme(t *testing.T) {
	props := schemaDoc(t)["properties"].(map[string]any)
	d := Default().Merged()
	var check func(path string, props map[string]any, v reflect.Value)
	check = func(path string, props map[string]any, v reflect.Value) {
		for i := range v.NumField() {
			name := jsonName(v.Type().Field(i))
			at := strings.TrimPrefix(path+"."+name, ".")
			p, _ := props[name].(map[string]any)
			if p == nil {
				continue // TestSchemaHasEveryField reports it
			}
			f := v.Field(i)
			if f.Kind() == reflect.Pointer {
				f = f.Elem()
			}
			switch f.Kind() {
			case reflect.Struct:
				sub, _ := p["properties"].(map[string]any)
				check(at, sub, f)
			case reflect.String:
				if name == "$schema" {
					if _, ok := p["default"]; ok {
						t.Errorf("%s: has a default; it has none", at)
					}
					continue
				}
				if got, ok := p["default"]; !ok || got != f.String() {
					t.Errorf("%s: schema default %#v, the default theme has %q", at, got, f.String())
				}
			}
		}
	}
	check("", props, reflect.ValueOf(d))
}

// Every field of the Go types is in the schema, under its JSON name, with
// help for editors, and the schema has no member the Go types lack: a new
// field cannot be left out of the schema.
func TestSchemaHasEveryField(t *testing.T) {
	var check func(path string, s map[string]any, typ reflect.Type)
	check = func(path string, s map[string]any, typ reflect.Type) {
		if s["type"] != "object" || s["additionalProperties"] != false {
			t.Errorf("%q: want an object schema with additionalProperties false, got type %v, additionalProperties %v",
				path, s["type"], s["additionalProperties"])
		}
		props, _ := s["properties"].(map[string]any)
		var names []string
		for i := range typ.NumField() {
			f := typ.Field(i)
			name := jsonName(f)
			names = append(names, name)
			at := strings.TrimPrefix(path+"."+name, ".")
			p, ok := props[name].(map[string]any)
			if !ok {
				t.Errorf("%s (%s.%s) is not in the schema", at, typ.Name(), f.Name)
				continue
			}
			if title, _ := p["title"].(string); title == "" {
				t.Errorf("%s: no title", at)
			}
			if desc, _ := p["description"].(string); desc == "" {
				t.Errorf("%s: no description", at)
			}
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			switch ft.Kind() {
			case reflect.Struct:
				check(at, p, ft)
			case reflect.String:
				if p["type"] != "string" && p["$ref"] == nil {
					t.Errorf("%s: not a string in the schema", at)
				}
			default:
				t.Errorf("%s: a %s; the schema and Parse know strings and groups", at, ft)
			}
		}
		for name := range props {
			if !slices.Contains(names, name) {
				t.Errorf("%s: in the schema but not a field of %s", strings.TrimPrefix(path+"."+name, "."), typ.Name())
			}
		}
	}
	check("", schemaDoc(t), reflect.TypeFor[Theme]())
}

func TestSchemaIdentifiesItself(t *testing.T) {
	doc := schemaDoc(t)
	if doc["$schema"] != "https://json-schema.org/draft/2020-12/schema" || doc["$id"] != "theme.schema.json" {
		t.Errorf("$schema %v, $id %v", doc["$schema"], doc["$id"])
	}
	if s := Schema(); len(s) > 0 {
		s[0] = 'x'
		if Schema()[0] != '{' {
			t.Error("Schema returned the package's copy")
		}
	}
}

// The example themes are valid for both.
func TestExampleThemes(t *testing.T) {
	sch := compileSchema(t)
	files, _ := filepath.Glob("testdata/*.json")
	if len(files) == 0 {
		t.Fatal("no example themes in testdata")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !agree(t, sch, string(data)) {
			_, err := Parse(data)
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestParseNamesEachProblemByPath(t *testing.T) {
	_, err := Parse([]byte(`{
		"palette": {"primary": 5, "colour": "red", "text": "blurple"},
		"palete": {},
		"dark": null,
		"layout": {"alignment": "right"}
	}`))
	var e *portico.Error
	if !errors.As(err, &e) {
		t.Fatalf("Parse = %v, want a *portico.Error", err)
	}
	var got []string
	for _, f := range e.Fields {
		got = append(got, f.Field+": "+f.Message)
	}
	want := []string{
		"palette.primary: must be a string, not a JSON number",
		"palette.colour: is not a known field",
		"palete: is not a known field",
		"dark: must be an object, not null",
		"palette.text: not a colour (#rrggbb, rgb(…), hsl(…) or a colour name)",
		"layout.alignment: must be left or center",
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for data, want := range map[string]string{
		``:                     "(body): is empty; a JSON object is required",
		`[1]`:                  "(body): must be a JSON object, not a JSON array",
		`{"radius": "4px"`:     "(body): ends before the JSON object is complete",
		"{\n  \"radius\" 4\n}": "(body): is not valid JSON (line 2, column 12): invalid character '4' after object key",
		"{}\n{}":               "(body): goes on after the JSON object (line 2, column 1); a theme is a single JSON object",
	} {
		_, err := Parse([]byte(data))
		if !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Field+": "+e.Fields[0].Message != want {
			t.Errorf("Parse(%q) = %v, want %s", data, err, want)
		}
	}
}

// A member given twice is refused: JSON parsers differ on which one counts
// (a schema validator sees only one of them), so a theme must not depend on
// it. This is the one thing the schema cannot state.
func TestParseRefusesARepeatedMember(t *testing.T) {
	_, err := Parse([]byte(`{"radius": "4px", "palette": {"primary": "#fff", "primary": "#000"}, "radius": "8px"}`))
	var e *portico.Error
	if !errors.As(err, &e) || len(e.Fields) != 2 || e.Fields[0].Field != "palette.primary" || e.Fields[1].Field != "radius" ||
		e.Fields[0].Message != "is given more than once" {
		t.Errorf("Parse = %v, want palette.primary and radius refused as given more than once", err)
	}
}

func TestParseReadsEveryField(t *testing.T) {
	want := Default()
	want.Mode = "auto"
	want.Schema = schemaURL
	want.CustomCSS = ".x { color: red; }"
	data, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Parse(%s) = %+v", data, got)
	}
	// "$schema" is for editors: the theme's CSS is the same with it.
	if got.CSS("p") != (func() Theme { w := want; w.Schema = ""; return w })().CSS("p") || strings.Contains(got.CSS("p"), schemaURL) {
		t.Error("$schema changed the CSS")
	}
	if m := got.Merged(); m.Schema != schemaURL || m.Palette != want.Palette {
		t.Errorf("Merged = %+v", m)
	}
}

func schemaDoc(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(Schema(), &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name
}
