package theme

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	portico "github.com/portico-dev/portico"
)

// bodyField names the whole document in errors, as the APIs do.
const bodyField = "(body)"

// Parse reads a theme file and checks every value, accepting exactly what
// the schema (Schema) accepts: a single JSON object whose members are
// Theme's, spelled as in the schema (case matters), each given once and
// holding a string or an object as the schema says (null is not a value),
// with values Validate accepts. On any problem it returns the zero Theme
// and a *portico.Error naming each problem by its JSON path:
// "palette.primary: not a colour …", "palette.colour: is not a known
// field", "radius: must be a string, not a JSON number". JSON that is not
// well formed gives a single problem, named "(body)".
func Parse(data []byte) (Theme, error) {
	var t Theme
	if len(bytes.Trim(data, " \t\r\n")) == 0 {
		return Theme{}, portico.Invalid(bodyField, "is empty; a JSON object is required")
	}
	r := &themeReader{dec: json.NewDecoder(bytes.NewReader(data)), data: data}
	r.dec.UseNumber()
	if err := r.document(reflect.ValueOf(&t).Elem()); err != nil {
		return Theme{}, portico.Invalid(bodyField, "%s", err.Error())
	}
	problems := r.problems
	if err := t.Validate(); err != nil {
		var e *portico.Error
		if !errors.As(err, &e) {
			return Theme{}, err
		}
		problems = append(problems, e.Fields...)
	}
	if len(problems) > 0 {
		return Theme{}, portico.Invalids(problems)
	}
	return t, nil
}

// themeReader decodes a theme token by token, so that each problem is
// named by its path and reading goes on past it: members of the wrong type,
// unknown or repeated are noted and skipped. Only JSON that is not well
// formed stops it.
type themeReader struct {
	dec      *json.Decoder
	data     []byte
	problems []portico.FieldError
}

func (r *themeReader) bad(path, format string, args ...any) {
	r.problems = append(r.problems, portico.FieldError{Field: path, Message: fmt.Sprintf(format, args...)})
}

// document reads the one JSON object the data must hold into v.
func (r *themeReader) document(v reflect.Value) error {
	tok, err := r.token()
	if err != nil {
		return err
	}
	if tok != json.Delim('{') {
		return fmt.Errorf("must be a JSON object, not %s", describe(tok))
	}
	if err := r.object("", v); err != nil {
		return err
	}
	end := int(r.dec.InputOffset())
	if extra := bytes.TrimLeft(r.data[end:], " \t\r\n"); len(extra) > 0 {
		line, column := r.position(len(r.data) - len(extra))
		return fmt.Errorf("goes on after the JSON object (line %d, column %d); a theme is a single JSON object", line, column)
	}
	return nil
}

// object reads the members of an object, whose "{" has been read, into the
// struct v.
func (r *themeReader) object(path string, v reflect.Value) error {
	fields := jsonFields(v.Type())
	seen := map[string]bool{}
	for r.dec.More() {
		tok, err := r.token()
		if err != nil {
			return err
		}
		key, _ := tok.(string) // the decoder allows nothing else here
		at := key
		if key == "" {
			at = `""` // named, so that a problem with it names something
		}
		if path != "" {
			at = path + "." + at
		}
		i, known := fields[key]
		switch {
		case seen[key]:
			r.bad(at, "is given more than once")
		case !known:
			r.bad(at, "is not a known field")
		}
		if seen[key] || !known {
			seen[key] = true
			if err := r.skip(); err != nil {
				return err
			}
			continue
		}
		seen[key] = true
		if err := r.value(at, v.Field(i)); err != nil {
			return err
		}
	}
	_, err := r.token() // the closing "}"
	return err
}

// value reads the next value into v: a string, a group (a struct) or the
// dark palette (a pointer to one).
func (r *themeReader) value(path string, v reflect.Value) error {
	tok, err := r.token()
	if err != nil {
		return err
	}
	switch v.Kind() {
	case reflect.String:
		if s, ok := tok.(string); ok {
			v.SetString(s)
			return nil
		}
		r.bad(path, "must be a string, not %s", describe(tok))
	case reflect.Struct, reflect.Pointer:
		if tok == json.Delim('{') {
			if v.Kind() == reflect.Pointer {
				v.Set(reflect.New(v.Type().Elem()))
				v = v.Elem()
			}
			return r.object(path, v)
		}
		r.bad(path, "must be an object, not %s", describe(tok))
	default:
		panic("theme: Parse cannot read a " + v.Type().String())
	}
	return r.skipRest(tok)
}

// skip reads past the next value.
func (r *themeReader) skip() error {
	tok, err := r.token()
	if err != nil {
		return err
	}
	return r.skipRest(tok)
}

// skipRest reads past the rest of a value whose first token was tok.
func (r *themeReader) skipRest(tok json.Token) error {
	depth := 0
	for {
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
		var err error
		if tok, err = r.token(); err != nil {
			return err
		}
	}
}

// token is the next token; the end of the data inside the document is an
// error.
func (r *themeReader) token() (json.Token, error) {
	tok, err := r.dec.Token()
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, errors.New("ends before the JSON object is complete")
	}
	if err != nil {
		return nil, r.syntax(err)
	}
	return tok, nil
}

// syntax describes a decoder error, with the line and column of a syntax
// error.
func (r *themeReader) syntax(err error) error {
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return fmt.Errorf("cannot be read: %v", err)
	}
	line, column := r.position(int(se.Offset))
	return fmt.Errorf("is not valid JSON (line %d, column %d): %s", line, column, se.Error())
}

// position is the line and column (from 1, in bytes) of the byte at offset.
func (r *themeReader) position(offset int) (line, column int) {
	at := min(max(offset, 0), len(r.data))
	return 1 + bytes.Count(r.data[:at], []byte("\n")), at - bytes.LastIndexByte(r.data[:at], '\n')
}

// describe names a token's JSON type for a message.
func describe(tok json.Token) string {
	switch tok := tok.(type) {
	case string:
		return "a JSON string"
	case json.Number:
		return "a JSON number"
	case bool:
		return fmt.Sprint(tok)
	case nil:
		return "null"
	case json.Delim:
		if tok == '[' {
			return "a JSON array"
		}
		return "a JSON object"
	}
	return fmt.Sprintf("%v", tok)
}

// jsonFields maps a struct's JSON member names to its field indexes.
func jsonFields(t reflect.Type) map[string]int {
	fields := map[string]int{}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			fields[name] = i
		}
	}
	return fields
}
