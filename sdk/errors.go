package sdk

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	portico "github.com/portico-dev/portico"
)

// Sentinels to test an *Error against with errors.Is.
var (
	// ErrUnavailable: Portico did not answer, or answered 5xx or 429,
	// after the retries.
	ErrUnavailable = errors.New("portico is unavailable")
	// ErrNotFound: a 404 (an unknown customer or subscription).
	ErrNotFound = errors.New("not found")
	// ErrInvalid: a 422, a field is wrong (Error.Fields names it).
	ErrInvalid = errors.New("invalid request")
	// ErrConflict: a 409, the current state forbids the call.
	ErrConflict = errors.New("conflict")
)

// Error is a call that failed: the API's problem document (docs/api.md),
// or no answer at all (Status 0, Err the network error).
type Error struct {
	// Status is the HTTP status; 0 when no answer came.
	Status int
	// Type is the problem type's last part: "invalid-request",
	// "not-found", "conflict", "stale", "unavailable"…
	Type   string
	Title  string
	Detail string
	// Fields name each field at fault, as the API spells it
	// ("quantities.members", "Idempotency-Key").
	Fields []portico.FieldError
	// RetryAfter is the wait a 429 or 503 asked for.
	RetryAfter time.Duration
	// Err is the network error when no answer came.
	Err error
}

func (e *Error) Error() string {
	msg := "portico: " + e.Title
	if e.Status != 0 {
		msg = fmt.Sprintf("portico: %d %s", e.Status, e.Title)
	}
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	for _, f := range e.Fields {
		msg += fmt.Sprintf("; %s: %s", f.Field, f.Message)
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Is matches the sentinels by status.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrUnavailable:
		return e.retryable()
	case ErrNotFound:
		return e.Status == http.StatusNotFound
	case ErrInvalid:
		return e.Status == http.StatusUnprocessableEntity
	case ErrConflict:
		return e.Status == http.StatusConflict
	}
	return false
}

// Field is the message about one field, if the error names it.
func (e *Error) Field(name string) (string, bool) {
	for _, f := range e.Fields {
		if f.Field == name {
			return f.Message, true
		}
	}
	return "", false
}

// retryable: no answer, a server error or too many requests. Any other
// answer would be the same again.
func (e *Error) retryable() bool {
	return e.Status == 0 || e.Status >= 500 || e.Status == http.StatusTooManyRequests
}
