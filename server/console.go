package server

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/engine"
)

// The console's session lives in one cookie, signed rather than stored, so
// every replica accepts it; signing out records its ID in the store, so
// every replica refuses it from then on. It opens the console's own API
// only: the backend API still wants the secret key, and no portal session
// opens the console.
const (
	consoleCookie = "portico_console"
	// ConsoleTTL is how long a console sign-in lasts.
	ConsoleTTL    = 12 * time.Hour
	consolePrefix = "/console"
	consoleSignIn = "/console/sign-in"
)

// consoleKey signs console sessions. It is derived from the secret key and
// the console password, so changing either signs everyone out.
func (s *Server) consoleKey() []byte {
	m := hmac.New(sha256.New, []byte(s.SecretKey))
	m.Write([]byte("portico console session\x00" + s.ConsolePassword))
	return m.Sum(nil)
}

func (s *Server) consoleMAC(id string, expires int64) string {
	m := hmac.New(sha256.New, s.consoleKey())
	m.Write([]byte("console|" + strconv.FormatInt(expires, 10) + "|" + id))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// newConsoleToken is a new session's cookie value, valid until expires:
// "cs2.<expiry>.<ID>.<MAC>". The random ID tells sessions apart, so that
// signing out ends this one and no other.
func (s *Server) newConsoleToken(expires time.Time) string {
	b := make([]byte, 16)
	rand.Read(b)
	id, exp := base64.RawURLEncoding.EncodeToString(b), expires.Unix()
	return "cs2." + strconv.FormatInt(exp, 10) + "." + id + "." + s.consoleMAC(id, exp)
}

// consoleClaim is what a valid session cookie says.
type consoleClaim struct {
	id      string
	expires time.Time
}

// consoleClaimOf reads the request's session cookie: ok when it is signed
// with the console's key and unexpired. The real clock decides expiry:
// the test clock moves subscriptions, not sign-ins.
func (s *Server) consoleClaimOf(r *http.Request) (consoleClaim, bool) {
	c, err := r.Cookie(consoleCookie)
	if err != nil {
		return consoleClaim{}, false
	}
	parts := strings.Split(c.Value, ".")
	if len(parts) != 4 || parts[0] != "cs2" {
		return consoleClaim{}, false
	}
	exp, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || s.wallTime().Unix() >= exp || !hmac.Equal([]byte(parts[3]), []byte(s.consoleMAC(parts[2], exp))) {
		return consoleClaim{}, false
	}
	return consoleClaim{id: parts[2], expires: time.Unix(exp, 0)}, true
}

// consoleSignedIn reports whether the request carries a valid, unexpired
// console session that was not signed out.
func (s *Server) consoleSignedIn(r *http.Request) (bool, error) {
	c, ok := s.consoleClaimOf(r)
	if !ok {
		return false, nil
	}
	var revoked bool
	err := s.Store.View(r.Context(), func(tx portico.Tx) error {
		var err error
		revoked, err = tx.ConsoleSessionRevoked(c.id)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("read the console session's revocation: %w", err)
	}
	return !revoked, nil
}

// consoleAuth admits console API calls with a valid session cookie. What a
// write must show besides is checked before, by guardConsoleWrites.
func (s *Server) consoleAuth(r *http.Request) (*principal, error) {
	signedIn, err := s.consoleSignedIn(r)
	if err != nil {
		return nil, err
	}
	if !signedIn {
		return nil, unauthorized("Sign in to the console first.")
	}
	return &principal{console: true}, nil
}

// guardConsoleWrites lets a console write (any call but a read) through
// only when it shows that the console's own client sent it from Portico's
// own pages, before its session or body is looked at. The session cookie
// is SameSite=Strict already; these checks do not rest on the browser
// applying it.
func (s *Server) guardConsoleWrites(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if err := s.checkConsoleWrite(r); err != nil {
				writeError(w, r, s.Log, err)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// checkConsoleWrite requires the console's header (no HTML form can send
// one), a request from Portico's own origin, and a JSON body (no form can
// send one either).
func (s *Server) checkConsoleWrite(r *http.Request) error {
	switch {
	case r.Header.Get(portico.ConsoleHeader) != "1":
		return &portico.Error{Kind: portico.KindForbidden, Title: "Forbidden",
			Detail: "Console changes must carry the header " + portico.ConsoleHeader + ": 1, as the console's own client sends it.",
			Fields: []portico.FieldError{{Field: portico.ConsoleHeader, Message: "must be 1"}}}
	case !s.sameOrigin(r):
		return portico.Forbidden("console changes are accepted from the console's own pages only")
	case !isJSON(r.Header.Get("Content-Type")):
		return &portico.Error{Kind: portico.KindUnsupportedMedia, Title: "Unsupported media type",
			Detail: "Console changes are sent as application/json.",
			Fields: []portico.FieldError{{Field: "Content-Type", Message: "must be application/json"}}}
	}
	return nil
}

// isJSON reports whether a Content-Type is JSON's, with any parameters.
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/json"
}

// sameOrigin reports whether a browser request comes from Portico's own
// pages: its fetch metadata, when sent, says same-origin, and its Origin,
// when sent, is the request's host with the public URL's scheme (an http
// page on the host of an https Portico is another origin, which anyone on
// the network path could serve). A request with neither is not a
// browser's: it is let through, the session cookie being the credential.
func (s *Server) sameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" {
		return false
	}
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Scheme == s.publicScheme(r) && u.Host == r.Host
}

// publicScheme is the scheme browsers reach Portico by: the public URL's,
// else the request's own.
func (s *Server) publicScheme(r *http.Request) string {
	if u, err := url.Parse(s.PublicURL); err == nil && u.Scheme != "" {
		return u.Scheme
	}
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

// signInRequest is the console's sign-in form.
type signInRequest struct {
	Secret string `json:"secret" validate:"required,max=512"`
}

// MinConsolePassword is the fewest characters a console password may
// have: with the sign-in throttle, guessing twelve characters would take
// longer than anyone has.
const MinConsolePassword = 12

// consoleSignIn checks the secret key, or the console password when one is
// set, and answers with the session cookie. Failed attempts are throttled
// per client address and in all, and logged (without what was tried).
func (s *Server) consoleSignIn(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		writeError(w, r, s.Log, err)
		return
	}
	var req signInRequest
	if err := decode(body, &req, false); err != nil {
		writeError(w, r, s.Log, err)
		return
	}
	limits, address := s.SignInLimits.withDefaults(), clientAddress(r)
	// The attempt is counted before the secret is checked, so that
	// parallel guesses cannot overtake the count, and one refused now
	// learns nothing of the secret.
	if wait := s.signIns.admit(limits, address, s.wallTime()); wait > 0 {
		retry := int64((wait + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.FormatInt(retry, 10))
		writeError(w, r, s.Log, &portico.Error{Kind: portico.KindTooManyRequests, Title: "Too many failed sign-ins",
			Detail: "Too many failed sign-ins: try again in " + strconv.FormatInt(retry, 10) + " seconds."})
		return
	}
	if !s.consoleSecret(req.Secret) {
		// The throttle bounds these lines too.
		s.Log.WarnContext(r.Context(), "console sign-in failed: not the secret key or the console password", "address", address)
		writeError(w, r, s.Log, &portico.Error{Kind: portico.KindUnauthorized, Title: "Unauthorized",
			Detail: "That is not the backend secret key or the console password.",
			Fields: []portico.FieldError{{Field: "secret", Message: "is not the backend secret key or the console password"}}})
		return
	}
	s.signIns.succeeded(limits, address)
	expires := s.wallTime().Add(ConsoleTTL)
	http.SetCookie(w, s.sessionCookie(s.newConsoleToken(expires), expires))
	writeJSON(w, r, s.Log, http.StatusOK, consoleSession{SignedIn: true, ExpiresAt: expires.UTC().Truncate(time.Second)})
}

func (s *Server) consoleSecret(secret string) bool {
	ok := subtle.ConstantTimeCompare([]byte(secret), []byte(s.SecretKey)) == 1
	if s.ConsolePassword != "" {
		ok = ok || subtle.ConstantTimeCompare([]byte(secret), []byte(s.ConsolePassword)) == 1
	}
	return ok
}

// sessionCookie is the console cookie: HttpOnly, SameSite=Strict, limited
// to the console's paths, Secure when Portico is served over https.
func (s *Server) sessionCookie(value string, expires time.Time) *http.Cookie {
	c := &http.Cookie{Name: consoleCookie, Value: value, Path: consolePrefix, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: strings.HasPrefix(s.PublicURL, "https://")}
	if value == "" {
		c.MaxAge = -1
	} else {
		c.Expires = expires
	}
	return c
}

// consoleSignOut ends the session on every replica, not only in this
// browser: a copy of the cookie is refused from now on. The cookie is
// cleared only once that is recorded, so a failed sign-out can be tried
// again.
func (s *Server) consoleSignOut(w http.ResponseWriter, r *http.Request) {
	if c, ok := s.consoleClaimOf(r); ok {
		if err := s.revokeConsoleSession(r.Context(), c); err != nil {
			writeError(w, r, s.Log, err)
			return
		}
	}
	http.SetCookie(w, s.sessionCookie("", time.Time{}))
	writeJSON(w, r, s.Log, http.StatusOK, consoleSession{})
}

// revokeConsoleSession records a signed-out session until it expires. The
// record is only ever added to here, so here the ones whose session has
// expired since are pruned: what is kept is at most the sign-outs of the
// last ConsoleTTL.
func (s *Server) revokeConsoleSession(ctx context.Context, c consoleClaim) error {
	return s.Store.Update(ctx, func(tx portico.Tx) error {
		if err := tx.RevokeConsoleSession(c.id, c.expires); err != nil {
			return fmt.Errorf("revoke the console session: %w", err)
		}
		if err := tx.PruneConsoleRevocations(s.wallTime()); err != nil {
			return fmt.Errorf("prune the console's revocations: %w", err)
		}
		return nil
	})
}

type consoleSession struct {
	SignedIn  bool      `json:"signedIn"`
	ExpiresAt time.Time `json:"expiresAt,omitzero"`
}

func (s *Server) getConsoleSession(r *http.Request, _ []byte) (int, any, error) {
	return http.StatusOK, consoleSession{SignedIn: true}, nil
}

// consoleRoutes are the console's API: the catalog calls of the backend
// API, the catalog's history and the paywall preview, behind the session
// cookie, every write behind guardConsoleWrites.
func (s *Server) consoleRoutes(root *http.ServeMux) {
	mux := http.NewServeMux()
	root.Handle("/console/api/", s.guardConsoleWrites(mux))
	c := s.consoleAuth
	mux.HandleFunc("POST /console/api/sign-in", s.consoleSignIn)
	mux.HandleFunc("POST /console/api/sign-out", s.consoleSignOut)
	mux.Handle("GET /console/api/session", s.endpoint(c, s.getConsoleSession))
	mux.Handle("GET /console/api/catalog", s.endpoint(c, s.getCatalog))
	mux.Handle("PUT /console/api/catalog", s.endpoint(c, s.putCatalog))
	mux.Handle("POST /console/api/products/{id}/archive", s.endpoint(c, s.archive(engine.KindProduct)))
	mux.Handle("POST /console/api/plans/{id}/archive", s.endpoint(c, s.archive(engine.KindPlan)))
	mux.Handle("POST /console/api/addons/{id}/archive", s.endpoint(c, s.archive(engine.KindAddon)))
	mux.Handle("GET /console/api/products/{id}/paywall", s.endpoint(c, s.prospectPaywall))
	mux.Handle("GET /console/api/plans/{id}/price-holders", s.endpoint(c, s.priceHolders(engine.KindPlan)))
	mux.Handle("GET /console/api/addons/{id}/price-holders", s.endpoint(c, s.priceHolders(engine.KindAddon)))
	mux.Handle("GET /console/api/catalog/versions", s.endpoint(c, s.catalogVersions))
	mux.Handle("GET /console/api/catalog/versions/{n}", s.endpoint(c, s.catalogVersion))
	mux.Handle("POST /console/api/catalog/versions/{n}/restore", s.endpoint(c, s.restoreCatalog))
	s.webhookRoutes(mux, c, "/console/api")
	mux.Handle("/console/api/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := s.consoleAuth(r); err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		writeError(w, r, s.Log, &portico.Error{Kind: portico.KindNotFound, Title: "Not found",
			Detail: r.Method + " " + r.URL.Path + " is not part of the console API"})
	}))
}

func (s *Server) prospectPaywall(r *http.Request, _ []byte) (int, any, error) {
	period := portico.BillingPeriod(r.URL.Query().Get("billingPeriod"))
	if period != "" && period != portico.Monthly && period != portico.Annually {
		return 0, nil, portico.Invalid("billingPeriod", "must be monthly or annually")
	}
	v, err := s.Engine.ProspectPaywall(r.Context(), r.PathValue("id"), period)
	return http.StatusOK, v, err
}

func (s *Server) catalogVersions(r *http.Request, _ []byte) (int, any, error) {
	q := r.URL.Query()
	before, limit := int64(0), 50
	if v := q.Get("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			return 0, nil, portico.Invalid("before", "must be a version number")
		}
		before = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return 0, nil, portico.Invalid("limit", "must be from 1 to 100")
		}
		limit = n
	}
	vs, err := s.Engine.CatalogVersions(r.Context(), before, limit)
	if err != nil {
		return 0, nil, err
	}
	out := portico.CatalogVersionList{Versions: vs}
	if len(vs) == limit && vs[len(vs)-1].Version > 1 {
		out.Next = vs[len(vs)-1].Version
	}
	return http.StatusOK, out, nil
}

func versionOf(r *http.Request) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue("n"), 10, 64)
	if err != nil || n < 1 {
		return 0, portico.NotFound("catalog version", r.PathValue("n"))
	}
	return n, nil
}

func (s *Server) catalogVersion(r *http.Request, _ []byte) (int, any, error) {
	n, err := versionOf(r)
	if err != nil {
		return 0, nil, err
	}
	v, err := s.Engine.CatalogVersion(r.Context(), n)
	if v != nil {
		v.Catalog = withLists(v.Catalog)
	}
	return http.StatusOK, v, err
}

func (s *Server) restoreCatalog(r *http.Request, _ []byte) (int, any, error) {
	n, err := versionOf(r)
	if err != nil {
		return 0, nil, err
	}
	return s.changeCatalog(r, func(change engine.CatalogChange) (*portico.Catalog, int64, error) {
		return s.Engine.RestoreCatalog(r.Context(), n, change)
	})
}
