package validation

import (
	"encoding/json"
	"errors"
	"io"
	"strings"

	portico "github.com/portico-dev/portico"
)

// DecodeError turns a JSON decoding error into a 422 that names the field
// where it can (wrong type, unknown field) and the position otherwise.
func DecodeError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		field := typeErr.Field
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
		return portico.Invalid(name, "is not a known field")
	}
	return portico.Invalid("(body)", "cannot be read: %v", err)
}

func article(kind string) string {
	switch kind {
	case "int", "int64", "int32", "uint", "uint64", "float64":
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
