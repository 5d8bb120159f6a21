package server

import (
	"bytes"
	"html"
	"net/http"

	"github.com/portico-dev/portico/components"
)

// pageLocale picks the locale a portal page is drawn in: the portal
// session's (the backend knows its customer's language best), else the
// page's locale= parameter (a host page's choice), else the browser's
// Accept-Language, else English.
func (s *Server) pageLocale(r *http.Request) string {
	sessionLocale := ""
	if sess, err := s.Sessions.Verify(r.URL.Query().Get("session"), s.Engine.Now()); err == nil {
		sessionLocale = sess.Locale
	}
	if l, ok := chooseLocale(sessionLocale, r); ok {
		return l
	}
	return "en"
}

// chooseLocale is the order both pages and API calls follow: the portal
// session's locale, else the request's locale= parameter, else its
// Accept-Language; false when none names a portal locale.
func chooseLocale(sessionLocale string, r *http.Request) (string, bool) {
	if sessionLocale != "" {
		return sessionLocale, true
	}
	if l, ok := components.MatchLocale(r.URL.Query().Get("locale")); ok {
		return l, true
	}
	return components.NegotiateLocale(r.Header.Get("Accept-Language"))
}

// localized hands the pages their locale: the page reads it from its
// locale= parameter, which is set to the one chosen; the answer says which
// it is and that the browser's languages may change it.
func localized(locale func(*http.Request) string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		l := locale(r)
		q := r.URL.Query()
		q.Set("locale", l)
		r = r.Clone(r.Context())
		r.URL.RawQuery = q.Encode()
		rw.Header().Set("Content-Language", l)
		rw.Header().Add("Vary", "Accept-Language")
		next.ServeHTTP(rw, r)
	})
}

// setLang writes a page's language, and its direction when it is written
// right to left, on its <html> element, which go-app writes as
// <html lang="en">: screen readers pick their voice by it, and the
// browser lays out a right-to-left page mirrored.
func setLang(page []byte, locale string) []byte {
	start := bytes.Index(page, []byte("<html"))
	if start < 0 {
		return page
	}
	end := bytes.IndexByte(page[start:], '>')
	if end < 0 {
		return page
	}
	// The locale is one of the built-in ones, which need no escaping.
	tag := `<html lang="` + components.KnownLocale(locale) + `" dir="` + components.Direction(locale) + `">`
	return splice(page, start, start+end+1, []byte(tag))
}

// setDescription puts the page's description in its language: go-app
// writes the English one (Web.Handler's) into every page, as its
// description and its Open Graph description.
func setDescription(page []byte, locale string) []byte {
	english := html.EscapeString(components.DefaultTexts().Get("pageDescription"))
	local := html.EscapeString(components.TextsFor(components.KnownLocale(locale), nil).Get("pageDescription"))
	if local == english {
		return page
	}
	return bytes.ReplaceAll(page, []byte(`content="`+english+`"`), []byte(`content="`+local+`"`))
}

// requestLocale is the locale a portal API call shows the catalog's texts
// in, chosen as a page's is: the portal session's, else the call's locale=
// parameter, else its Accept-Language (the page's client sends the page's
// locale there); "" when none names a portal locale, for the catalog's
// own texts. Only the portal's locales are answered, so what a call names
// never makes more than a handful of kept views per customer.
func requestLocale(r *http.Request) string {
	l, _ := chooseLocale(principalOf(r.Context()).session.Locale, r)
	return l
}
