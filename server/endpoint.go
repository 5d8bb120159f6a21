package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/session"
)

// handler is an API endpoint: from the request and its body it returns a
// status and a value to encode, or an error to report as a problem.
type handler func(r *http.Request, body []byte) (int, any, error)

// principal is who a request acts for.
type principal struct {
	backend bool
	console bool // signed in to the console
	session *session.Session
}

// name is who keeps a request's idempotency keys: the backend, the
// console, or a portal session's whole scope — customer, product and
// resource — so that sessions of one customer with other scopes never see
// each other's answers. Each part is escaped, so no two scopes share a
// name.
func (p *principal) name() string {
	switch {
	case p.backend:
		return "backend"
	case p.console:
		return "console"
	}
	sc := p.session.Scope
	return "portal:" + url.PathEscape(sc.CustomerID) + "/" + url.PathEscape(sc.ProductID) + "/" + url.PathEscape(sc.ResourceID)
}

// portal tells whether the principal is a portal session.
func (p *principal) portal() bool { return p.session != nil }

// author is how the catalog's history names who acts.
func (p *principal) author() string {
	switch {
	case p.backend:
		return "backend API"
	case p.console:
		return "console"
	}
	return "portal"
}

type principalKey struct{}

func principalOf(ctx context.Context) *principal {
	p, _ := ctx.Value(principalKey{}).(*principal)
	return p
}

// scopeOf is the portal session's scope of a portal request.
// scopeOf is the portal session's scope, in the language the request asks
// for.
func scopeOf(r *http.Request) portico.PortalScope {
	sc := principalOf(r.Context()).session.Scope
	sc.Locale = requestLocale(r)
	return sc
}

type authFunc func(r *http.Request) (*principal, error)

func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		return ""
	}
	return strings.TrimSpace(tok)
}

func (s *Server) backendAuth(r *http.Request) (*principal, error) {
	tok := bearer(r)
	switch {
	case tok == "":
		return nil, unauthorized("The backend API needs the secret key: Authorization: Bearer sk_…")
	case strings.HasPrefix(tok, session.Prefix):
		return nil, portico.Forbidden("a portal session cannot use the backend API")
	case subtle.ConstantTimeCompare([]byte(tok), []byte(s.SecretKey)) != 1:
		return nil, unauthorized("The secret key is not valid.")
	}
	return &principal{backend: true}, nil
}

func (s *Server) portalAuth(r *http.Request) (*principal, error) {
	tok := bearer(r)
	if tok == "" {
		return nil, unauthorized("The portal API needs a portal session: Authorization: Bearer ps_…")
	}
	sess, err := s.Sessions.Verify(tok, s.Engine.Now())
	switch {
	case errors.Is(err, session.ErrExpired):
		return nil, &portico.Error{Kind: portico.KindUnauthorized, Title: portico.TitleSessionExpired,
			Detail: "The portal session has expired; ask for a new one."}
	case err != nil:
		return nil, &portico.Error{Kind: portico.KindUnauthorized, Title: portico.TitleSessionInvalid,
			Detail: "The portal session is not valid: it was altered or is not from this server."}
	}
	return &principal{session: sess}, nil
}

// endpoint authenticates, reads the body and runs h; mutating calls with an
// Idempotency-Key go through the idempotency record.
func (s *Server) endpoint(auth authFunc, h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := auth(r)
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), principalKey{}, p))
		if err := s.SyncClock(r.Context()); err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		body, err := readBody(r)
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		if key := r.Header.Get("Idempotency-Key"); key != "" && r.Method != http.MethodGet {
			s.idempotent(w, r, p, key, body, h)
			return
		}
		status, v, err := h(r, body)
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		writeJSON(w, r, s.Log, status, v)
	})
}

// errRetryable rolls back a keyed request whose answer is a server error:
// such an answer is not kept, so the client's retry runs again.
var errRetryable = errors.New("server error: not kept")

// idempotent runs h at most once per key: a repeat with the same body gets
// the first answer back, a repeat with another body is refused. The key's
// record, the request's effect and its answer commit in one transaction,
// so no crash can separate them; a concurrent repeat waits for the first
// and replays it. Records expire after idempotencyTTL, and a portal
// session's scope holds at most IdempotencyLimit live ones.
func (s *Server) idempotent(w http.ResponseWriter, r *http.Request, p *principal, key string, body []byte, h handler) {
	if len(key) > 255 {
		writeError(w, r, s.Log, portico.Invalid("Idempotency-Key", "must be at most 255 characters"))
		return
	}
	who := p.name()
	scope := who + " " + r.Method + " " + r.URL.Path
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	var seen *portico.IdempotencyRecord
	var status int
	var out []byte
	var etag string
	var full *keysFull
	err := s.Store.Update(r.Context(), func(tx portico.Tx) error {
		now := s.Engine.Now()
		rec, err := tx.Idempotency(scope, key, now.Add(-idempotencyTTL))
		if err == nil {
			seen = rec
			return nil
		}
		if !errors.Is(err, portico.ErrNotFound) {
			return err
		}
		if full, err = s.keysFull(tx, p, who, now); err != nil || full != nil {
			return err
		}
		// The handler's own store calls join this transaction. The
		// transaction's context need not carry the request's values: the
		// principal is put back on it.
		ctx := context.WithValue(tx.Context(), principalKey{}, p)
		status, out, etag = render(r.WithContext(ctx), s, h, body)
		if status >= 500 {
			return errRetryable
		}
		return tx.PutIdempotency(&portico.IdempotencyRecord{Scope: scope, Principal: who, Key: key, RequestHash: hash,
			Status: status, Body: out, CreatedAt: s.Engine.Now()})
	})
	switch {
	case errors.Is(err, errRetryable):
		writeRaw(w, status, out)
	case err != nil:
		writeError(w, r, s.Log, err)
	case full != nil:
		w.Header().Set("Retry-After", strconv.Itoa(full.retryAfterSeconds()))
		writeError(w, r, s.Log, full.problem(s.idempotencyLimit()))
	case seen != nil && seen.RequestHash != hash:
		writeError(w, r, s.Log, portico.Invalid("Idempotency-Key", "was used before with a different request; use a new key for a new request"))
	case seen != nil:
		w.Header().Set("Idempotent-Replayed", "true")
		writeRaw(w, seen.Status, seen.Body)
	default:
		if etag != "" {
			w.Header().Set("ETag", etag)
		}
		writeRaw(w, status, out)
	}
}

// render runs h and returns its answer as bytes, to be kept and replayed,
// and its entity tag, if any (sent with the first answer, not kept).
func render(r *http.Request, s *Server, h handler, body []byte) (int, []byte, string) {
	rec := &bufferWriter{header: http.Header{}}
	status, v, err := h(r, body)
	var b []byte
	if err == nil {
		// A value that cannot be encoded is a server error: never kept.
		if b, err = json.Marshal(v); err != nil {
			err = fmt.Errorf("encode the answer: %w", err)
		}
	}
	if err != nil {
		writeError(rec, r, s.Log, err)
		return rec.status, rec.buf.Bytes(), ""
	}
	var etag string
	if t, ok := v.(tagged); ok {
		etag = t.etag
	}
	return status, append(b, '\n'), etag
}

func writeRaw(w http.ResponseWriter, status int, body []byte) {
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	ct := "application/json"
	if status >= 400 {
		ct = "application/problem+json"
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(status)
	w.Write(body)
}

// bufferWriter captures a problem answer in memory.
type bufferWriter struct {
	header http.Header
	status int
	buf    bytes.Buffer
}

func (b *bufferWriter) Header() http.Header         { return b.header }
func (b *bufferWriter) Write(p []byte) (int, error) { return b.buf.Write(p) }
func (b *bufferWriter) WriteHeader(code int)        { b.status = code }
