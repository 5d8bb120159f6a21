package portico

import (
	"errors"
	"fmt"
)

// Kind classifies a domain error; the server maps each to an HTTP status.
type Kind int

// Error kinds.
const (
	KindInvalid          Kind = iota + 1 // 422: the request breaks a rule
	KindNotFound                         // 404
	KindConflict                         // 409: the current state forbids it
	KindForbidden                        // 403: allowed to no one in this role
	KindUnauthorized                     // 401
	KindUnavailable                      // 503: a dependency is down
	KindTooLarge                         // 413: the body is over the limit
	KindStale                            // 412: made on a copy that has changed since (If-Match)
	KindTooManyRequests                  // 429: over a limit for now; retry later
	KindUnsupportedMedia                 // 415: the body is not of a type the call takes
)

// Titles of the 401 a portal session gets, so a portal can tell a session
// that ran out (open a new one) from a link that was never valid (altered,
// truncated, or signed by another installation).
const (
	TitleSessionExpired = "Session expired"
	TitleSessionInvalid = "Invalid session"
)

// FieldError names a request field and what is wrong with it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is a domain error that people can act on.
type Error struct {
	Kind   Kind
	Title  string
	Detail string
	Fields []FieldError
}

func (e *Error) Error() string {
	msg := e.Title
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	for _, f := range e.Fields {
		msg += fmt.Sprintf("; %s: %s", f.Field, f.Message)
	}
	return msg
}

// Invalid is a 422 naming the field at fault.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Kind: KindInvalid, Title: "Invalid request",
		Detail: "One or more fields are invalid.",
		Fields: []FieldError{{Field: field, Message: fmt.Sprintf(format, args...)}}}
}

// Invalids is a 422 for several fields at once.
func Invalids(fields []FieldError) *Error {
	return &Error{Kind: KindInvalid, Title: "Invalid request",
		Detail: "One or more fields are invalid.", Fields: fields}
}

// NotFound is a 404 for a missing object.
func NotFound(what, id string) *Error {
	return &Error{Kind: KindNotFound, Title: "Not found", Detail: fmt.Sprintf("%s %q does not exist", what, id)}
}

// Conflict is a 409: the request is well formed but the state forbids it.
func Conflict(format string, args ...any) *Error {
	return &Error{Kind: KindConflict, Title: "Conflict", Detail: fmt.Sprintf(format, args...)}
}

// ConflictField is a 409 naming the request field whose value the current
// state forbids.
func ConflictField(field, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	return &Error{Kind: KindConflict, Title: "Conflict", Detail: msg,
		Fields: []FieldError{{Field: field, Message: msg}}}
}

// Forbidden is a 403.
func Forbidden(format string, args ...any) *Error {
	return &Error{Kind: KindForbidden, Title: "Forbidden", Detail: fmt.Sprintf(format, args...)}
}

// ForbiddenField is a 403 naming the request field that asks for what the
// caller may not do.
func ForbiddenField(field, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	return &Error{Kind: KindForbidden, Title: "Forbidden", Detail: msg,
		Fields: []FieldError{{Field: field, Message: msg}}}
}

// ErrNotFound is what stores return for a missing row.
var ErrNotFound = errors.New("not found")

// KindOf returns the kind of a domain error, or 0 for any other error.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}
