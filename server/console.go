package server

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/engine"
)

// The console's session lives in one cookie, signed rather than stored, so
// every replica accepts it. It opens the console's own API only: the
// backend API still wants the secret key, and no portal session opens the
// console.
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

func (s *Server) consoleMAC(expires int64) string {
	m := hmac.New(sha256.New, s.consoleKey())
	m.Write([]byte("console|" + strconv.FormatInt(expires, 10)))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// consoleToken is a session cookie's value, valid until expires.
func (s *Server) consoleToken(expires time.Time) string {
	exp := expires.Unix()
	return "cs1." + strconv.FormatInt(exp, 10) + "." + s.consoleMAC(exp)
}

// consoleSignedIn reports whether the request carries a valid, unexpired
// console session cookie. The real clock decides expiry: the test clock
// moves subscriptions, not sign-ins.
func (s *Server) consoleSignedIn(r *http.Request) bool {
	c, err := r.Cookie(consoleCookie)
	if err != nil {
		return false
	}
	parts := strings.Split(c.Value, ".")
	if len(parts) != 3 || parts[0] != "cs1" {
		return false
	}
	exp, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || time.Now().Unix() >= exp {
		return false
	}
	return hmac.Equal([]byte(parts[2]), []byte(s.consoleMAC(exp)))
}

// consoleAuth admits console API calls with a valid session cookie. A
// mutating call must also come from Portico's own pages: the cookie is
// SameSite=Strict already, and the browser's fetch metadata is checked as
// well.
func (s *Server) consoleAuth(r *http.Request) (*principal, error) {
	if !s.consoleSignedIn(r) {
		return nil, unauthorized("Sign in to the console first.")
	}
	if r.Method != http.MethodGet && !sameOrigin(r) {
		return nil, portico.Forbidden("console changes are accepted from the console's own pages only")
	}
	return &principal{console: true}, nil
}

// sameOrigin reports whether a browser request comes from Portico's own
// pages; a request without fetch metadata or Origin (not a browser's) is
// let through, the cookie being the credential.
func sameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" {
		return false
	}
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		return err == nil && u.Host == r.Host
	}
	return true
}

// signInRequest is the console's sign-in form.
type signInRequest struct {
	Secret string `json:"secret" validate:"required,max=512"`
}

// consoleSignIn checks the secret key, or the console password when one is
// set, and answers with the session cookie.
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
	if !sameOrigin(r) {
		writeError(w, r, s.Log, portico.Forbidden("sign in from the console's own page"))
		return
	}
	if !s.consoleSecret(req.Secret) {
		// A short pause makes guessing slow without locking anyone out.
		time.Sleep(300 * time.Millisecond)
		writeError(w, r, s.Log, &portico.Error{Kind: portico.KindUnauthorized, Title: "Unauthorized",
			Detail: "That is not the backend secret key or the console password.",
			Fields: []portico.FieldError{{Field: "secret", Message: "is not the backend secret key or the console password"}}})
		return
	}
	expires := time.Now().Add(ConsoleTTL)
	http.SetCookie(w, s.sessionCookie(s.consoleToken(expires), expires))
	writeJSON(w, http.StatusOK, consoleSession{SignedIn: true, ExpiresAt: expires.UTC().Truncate(time.Second)})
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

// consoleSignOut clears the session cookie.
func (s *Server) consoleSignOut(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, s.sessionCookie("", time.Time{}))
	writeJSON(w, http.StatusOK, consoleSession{})
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
// cookie.
func (s *Server) consoleRoutes(mux *http.ServeMux) {
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
	mux.Handle("/console/api/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.consoleSignedIn(r) {
			writeError(w, r, s.Log, unauthorized("Sign in to the console first."))
			return
		}
		writeError(w, r, s.Log, &portico.Error{Kind: portico.KindNotFound, Title: "Not found",
			Detail: r.Method + " " + r.URL.Path + " is not part of the console API"})
	}))
}

func (s *Server) prospectPaywall(r *http.Request, _ []byte) (int, any, error) {
	period := r.URL.Query().Get("billingPeriod")
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
	return s.changeCatalog(r, func(ctx context.Context) (*portico.Catalog, error) { return s.Engine.RestoreCatalog(ctx, n) })
}
