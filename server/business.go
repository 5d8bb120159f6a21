package server

import (
	"encoding/json"
	"net/mail"
	"net/url"
	"strings"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/components"
	"github.com/portico-dev/portico/server/session"
)

// SupportLink returns v as a link "Contact support" can open: what the
// components accept (components.SupportLink: an absolute http(s) URL or a
// mailto: URL) with a mailto: address that parses, or an email address made
// into one. It returns "" for anything else, a javascript: URL among them.
func SupportLink(v string) string {
	v = strings.TrimSpace(v)
	if !strings.Contains(v, ":") {
		if a, err := mail.ParseAddress(v); err == nil && a.Name == "" {
			return "mailto:" + a.Address
		}
		return ""
	}
	link := components.SupportLink(v)
	if address, ok := strings.CutPrefix(link, "mailto:"); ok {
		if _, err := mail.ParseAddress(address); err != nil {
			return ""
		}
	}
	return link
}

// LogoLink returns v when it can be a logo's address: an absolute http(s)
// URL or a path on this server; else "".
func LogoLink(v string) string {
	v = strings.TrimSpace(v)
	u, err := url.Parse(v)
	switch {
	case err != nil || v == "":
		return ""
	case u.Scheme == "" && u.Host == "" && strings.HasPrefix(u.Path, "/") && !strings.HasPrefix(v, "//"):
		return u.String()
	case (u.Scheme == "https" || u.Scheme == "http") && u.Host != "":
		return u.String()
	}
	return ""
}

// businessFor is the business a session's portal shows: the server's,
// with the session's support link in place of the server's.
func (s *Server) businessFor(sess *session.Session) *portico.Business {
	b := s.Business
	if sess.SupportURL != "" {
		b.SupportURL = sess.SupportURL
	}
	if b == (portico.Business{}) {
		return nil
	}
	return &b
}

// withSessionFields adds what the session decides — the return URL and
// the business — to an encoded portal view, as its last members.
func withSessionFields(view json.RawMessage, returnURL string, business *portico.Business) json.RawMessage {
	if (returnURL == "" && business == nil) || len(view) == 0 || view[len(view)-1] != '}' {
		return view
	}
	out := make([]byte, 0, len(view)+256)
	out = append(out, view[:len(view)-1]...)
	if returnURL != "" {
		u, _ := json.Marshal(returnURL)
		out = append(append(out, `,"returnUrl":`...), u...)
	}
	if business != nil {
		b, _ := json.Marshal(business)
		out = append(append(out, `,"business":`...), b...)
	}
	return append(out, '}')
}
