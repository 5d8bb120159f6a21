package server

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/portico-dev/portico/components"
)

// languageTag is a tag as a request may name a language: a language, then
// subtags ("de", "pt-BR", "zh-Hans-CN").
var languageTag = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$`)

// requestLocale is the portal locale a portal API request asks the
// catalog's texts in: the one that serves its locale parameter, else the
// language Accept-Language prefers (the page's client sends the page's
// locale there); "" when neither names one. Only the portal's own locales
// are answered: what a request names never makes more than a handful of
// kept views per customer.
func requestLocale(r *http.Request) string {
	tag := r.URL.Query().Get("locale")
	if !languageTag.MatchString(tag) {
		tag = preferredLanguage(r.Header.Get("Accept-Language"))
	}
	if tag == "" {
		return ""
	}
	return components.KnownLocale(canonicalTag(tag))
}

// preferredLanguage is the tag of highest quality in an Accept-Language
// value (the first among equals), "" when it names none.
func preferredLanguage(header string) string {
	best, bestQ := "", 0.0
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			var err error
			if q, err = strconv.ParseFloat(v, 64); err != nil {
				continue
			}
		}
		if languageTag.MatchString(tag) && q > bestQ {
			best, bestQ = canonicalTag(tag), q
		}
	}
	return best
}

// canonicalTag writes a tag's language in lower case, a region in upper
// case and a script capitalised: "pt-br" is "pt-BR", "zh-hans" "zh-Hans".
func canonicalTag(tag string) string {
	parts := strings.Split(tag, "-")
	parts[0] = strings.ToLower(parts[0])
	for i := 1; i < len(parts); i++ {
		switch p := parts[i]; {
		case len(p) == 2:
			parts[i] = strings.ToUpper(p)
		case len(p) == 4:
			parts[i] = strings.ToUpper(p[:1]) + strings.ToLower(p[1:])
		}
	}
	return strings.Join(parts, "-")
}
