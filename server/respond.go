package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/validation"
)

// maxBody is the largest request body accepted.
const maxBody = 1 << 20

// problem is an RFC 9457 problem document.
type problem struct {
	Type   string               `json:"type"`
	Title  string               `json:"title"`
	Status int                  `json:"status"`
	Detail string               `json:"detail,omitempty"`
	Errors []portico.FieldError `json:"errors,omitempty"`
}

var kindStatus = map[portico.Kind]int{
	portico.KindInvalid:          http.StatusUnprocessableEntity,
	portico.KindNotFound:         http.StatusNotFound,
	portico.KindConflict:         http.StatusConflict,
	portico.KindForbidden:        http.StatusForbidden,
	portico.KindUnauthorized:     http.StatusUnauthorized,
	portico.KindUnavailable:      http.StatusServiceUnavailable,
	portico.KindTooLarge:         http.StatusRequestEntityTooLarge,
	portico.KindStale:            http.StatusPreconditionFailed,
	portico.KindTooManyRequests:  http.StatusTooManyRequests,
	portico.KindUnsupportedMedia: http.StatusUnsupportedMediaType,
}

var kindType = map[portico.Kind]string{
	portico.KindInvalid:          "invalid-request",
	portico.KindNotFound:         "not-found",
	portico.KindConflict:         "conflict",
	portico.KindForbidden:        "forbidden",
	portico.KindUnauthorized:     "unauthorized",
	portico.KindUnavailable:      "unavailable",
	portico.KindTooLarge:         "too-large",
	portico.KindStale:            "stale",
	portico.KindTooManyRequests:  "too-many-requests",
	portico.KindUnsupportedMedia: "unsupported-media-type",
}

// tagged is an answer with its entity tag (the catalog's version), which a
// client sends back in If-Match to change what it read and nothing newer.
type tagged struct {
	etag string
	v    any
}

func (t tagged) MarshalJSON() ([]byte, error) { return json.Marshal(t.v) }

// writeJSON answers with v as JSON. v is encoded before anything is sent:
// a value that cannot be encoded is answered as a server error, not as a
// success without a body.
func writeJSON(w http.ResponseWriter, r *http.Request, log *slog.Logger, status int, v any) {
	if status == http.StatusNoContent {
		w.WriteHeader(status) // no body, not even "null"
		return
	}
	etag := ""
	if t, ok := v.(tagged); ok {
		etag, v = t.etag, t.v
	}
	raw, ok := v.(json.RawMessage)
	if !ok {
		// Not yet encoded; a kept answer (encoded by encoding/json with the
		// same escaping) is written as is, not scanned again.
		var err error
		if raw, err = json.Marshal(v); err != nil {
			writeError(w, r, log, fmt.Errorf("encode the answer: %w", err))
			return
		}
	}
	if etag != "" {
		w.Header().Set("ETag", etag)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(raw)+1))
	w.WriteHeader(status)
	// Two writes: a kept answer's bytes are shared, never appended to.
	w.Write(raw)
	w.Write([]byte{'\n'})
}

// writeError answers with a problem document; errors that are not the
// domain's are logged and reported as a bare 500, without internals.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	var e *portico.Error
	if !errors.As(err, &e) {
		log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		e = &portico.Error{Title: "Internal error", Detail: "The server could not complete the request; it has been logged."}
	}
	status, ok := kindStatus[e.Kind]
	if !ok {
		status = http.StatusInternalServerError
	}
	typ := kindType[e.Kind]
	if typ == "" {
		typ = "internal"
	}
	w.Header().Set("Content-Type", "application/problem+json")
	if status == http.StatusUnauthorized {
		// RFC 9110: a 401 names the scheme that would be accepted.
		w.Header().Set("WWW-Authenticate", `Bearer realm="portico"`)
	}
	// A problem holds strings and a number only: it always encodes.
	body, _ := json.Marshal(problem{Type: "https://portico.dev/problems/" + typ, Title: e.Title,
		Status: status, Detail: e.Detail, Errors: e.Fields})
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}

func unauthorized(detail string) error {
	return &portico.Error{Kind: portico.KindUnauthorized, Title: "Unauthorized", Detail: detail}
}

// readBody reads the request body up to maxBody.
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, &portico.Error{Kind: portico.KindTooLarge, Title: "Request body too large",
			Detail: "The body exceeds 1 MiB.", Fields: []portico.FieldError{{Field: "(body)", Message: "must be at most 1 MiB"}}}
	}
	return b, err
}

// decode reads the JSON body into v strictly (unknown fields are errors)
// and validates it. An empty body decodes as {} when emptyOK.
func decode(body []byte, v any, emptyOK bool) error {
	if len(body) == 0 && emptyOK {
		body = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return validation.DecodeError(err, body, v)
	}
	if dec.More() {
		return portico.Invalid("(body)", "must hold one JSON object only")
	}
	return validation.Struct(v, "")
}
