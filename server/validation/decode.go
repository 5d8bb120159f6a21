package validation

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	portico "github.com/portico-dev/portico"
)

// DecodeError turns an error decoding body into a 422 that names the field
// by its JSON path, indices included ("addons[1].quantity").
func DecodeError(err error, body []byte, v any) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		field := pathAtOffset(body, typeErr.Offset)
		if field == "" {
			field = typeErr.Field
		}
		if field == "" {
			field = "(body)"
		}
		return portico.Invalid(field, "must be %s, not a JSON %s", article(typeErr.Type.Kind().String()), typeErr.Value)
	case errors.As(err, &syntaxErr):
		return portico.Invalid("(body)", "is not valid JSON (at byte %d): %v", syntaxErr.Offset, err)
	case errors.Is(err, io.EOF):
		return portico.Invalid("(body)", "is empty; a JSON object is required")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return portico.Invalid("(body)", "ends before the JSON object is complete")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		field := pathOfUnknownKey(body, name, reflect.TypeOf(v))
		if field == "" {
			field = name
		}
		if field == "" {
			field = `""`
		}
		return portico.Invalid(field, "is not a known field")
	case isTimeError(err):
		field := pathOfBadTime(body)
		if field == "" {
			field = "(body)"
		}
		return portico.Invalid(field, "must be an RFC 3339 time such as \"2026-01-31T12:00:00Z\"")
	}
	return portico.Invalid("(body)", "cannot be read: %v", err)
}

func isTimeError(err error) bool {
	var pe *time.ParseError
	return errors.As(err, &pe) || strings.Contains(err.Error(), "Time.UnmarshalJSON")
}

func article(kind string) string {
	switch kind {
	case "int", "int64", "int32", "uint", "uint64":
		// A fraction or a number past the range is "a JSON number" too:
		// say which numbers are taken.
		return "a whole number within range"
	case "float64":
		return "a number"
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice":
		return "an array"
	case "map", "struct", "ptr":
		return "an object"
	}
	return "a " + kind
}

// pathAtOffset is the path of the first value ending at or after offset:
// the value a type error at offset is about.
func pathAtOffset(body []byte, offset int64) string {
	return walk(body, func(path, key string, tok json.Token, end int64) bool { return end >= offset })
}

// pathOfKey is the path of the first object member named key.
func pathOfKey(body []byte, key string) string {
	return walk(body, func(path, k string, tok json.Token, end int64) bool { return k == key && tok == nil })
}

// pathOfUnknownKey is the path of the first member named key that the type
// decoded into (t) does not know at its place: a name known in one object
// (a product's "description") is not blamed for the same name where it is
// not (a charge's). Without a type, the first member of that name.
func pathOfUnknownKey(body []byte, key string, t reflect.Type) string {
	if t == nil {
		return pathOfKey(body, key)
	}
	return walk(body, func(path, k string, tok json.Token, end int64) bool {
		if k != key || tok != nil {
			return false
		}
		parent, ok := typeAt(t, strings.TrimSuffix(strings.TrimSuffix(path, k), "."))
		return ok && parent.Kind() == reflect.Struct && !hasJSONField(parent, k)
	})
}

// pathPart matches one step of a path: a member name or an index.
var pathPart = regexp.MustCompile(`([^.\[\]]+)|\[(\d+)\]`)

// typeAt is the type found at path ("plans[6].charges[0]") inside t.
func typeAt(t reflect.Type, path string) (reflect.Type, bool) {
	for _, m := range pathPart.FindAllStringSubmatch(path, -1) {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch {
		case m[2] != "" && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array):
			t = t.Elem()
		case m[1] != "" && t.Kind() == reflect.Map:
			t = t.Elem()
		case m[1] != "" && t.Kind() == reflect.Struct:
			f, ok := jsonField(t, m[1])
			if !ok {
				return nil, false
			}
			t = f.Type
		default:
			return nil, false
		}
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t, true
}

func hasJSONField(t reflect.Type, name string) bool {
	_, ok := jsonField(t, name)
	return ok
}

// jsonField is the field of struct t that JSON names name, looking into
// embedded structs as encoding/json does.
func jsonField(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && tag == "" && f.Type.Kind() == reflect.Struct {
			if inner, ok := jsonField(f.Type, name); ok {
				return inner, true
			}
			continue
		}
		if tag == "-" || !f.IsExported() {
			continue
		}
		if tag == "" {
			tag = f.Name
		}
		if strings.EqualFold(tag, name) {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// pathOfBadTime is the path of the first time field (named "…At" or "to")
// whose value is not an RFC 3339 time.
func pathOfBadTime(body []byte) string {
	return walk(body, func(path, key string, tok json.Token, end int64) bool {
		if tok == nil || (!strings.HasSuffix(key, "At") && key != "to") {
			return false
		}
		s, ok := tok.(string)
		if !ok {
			return true
		}
		_, err := time.Parse(time.RFC3339, s)
		return err != nil
	})
}

// frame is one level of the document being walked.
type frame struct {
	object  bool
	key     string
	index   int
	wantKey bool
}

// walk visits each object key (with a nil token) and each value of a JSON
// document in order, with its path and the input offset after it, and
// returns the path where visit first says yes.
func walk(body []byte, visit func(path, key string, tok json.Token, end int64) bool) string {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var stack []frame
	path := func() string {
		var b strings.Builder
		for _, f := range stack {
			if f.object {
				if b.Len() > 0 {
					b.WriteByte('.')
				}
				if f.key == "" {
					b.WriteString(`""`) // an empty member name, named all the same
				} else {
					b.WriteString(f.key)
				}
			} else {
				b.WriteString("[" + strconv.Itoa(f.index) + "]")
			}
		}
		return b.String()
	}
	key := func() string {
		if len(stack) > 0 && stack[len(stack)-1].object {
			return stack[len(stack)-1].key
		}
		return ""
	}
	next := func() {
		if len(stack) == 0 {
			return
		}
		if top := &stack[len(stack)-1]; top.object {
			top.wantKey = true
		} else {
			top.index++
		}
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].wantKey {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:n-1]
				next()
				continue
			}
			stack[n-1].key, stack[n-1].wantKey = tok.(string), false
			if visit(path(), key(), nil, dec.InputOffset()) {
				return path()
			}
			continue
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			next()
			continue
		}
		if visit(path(), key(), tok, dec.InputOffset()) {
			return path()
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, frame{object: true, wantKey: true})
		case json.Delim('['):
			stack = append(stack, frame{})
		default:
			next()
		}
	}
}
