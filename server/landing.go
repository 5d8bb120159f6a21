package server

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"time"

	portico "github.com/portico-dev/portico"
)

// DemoCustomer is a demo customer the start page opens a portal for.
type DemoCustomer struct {
	ID    string
	Shows string // what the customer's state shows, e.g. "trialing Pro"
	Scope portico.PortalScope
}

// landingStyle is the start page's stylesheet, kept in a CSS file so that
// it reads, and is edited, as CSS; it is set by the embed directive and
// only read. The page's CSP admits it by its hash: the page runs no script
// and loads nothing it does not name.
//
//go:embed landing.css
var landingStyle string

// landingPage is the start page: where the console, the designer and the
// documentation are, and with the demo, a portal for each demo customer.
// html/template escapes every value for where it lands.
const landingPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Portico</title>
<link rel="icon" href="/web/icon.svg" type="image/svg+xml">
<style>{{.Style}}</style>
</head>
<body>
<main>
<header>
<img src="/web/icon.svg" alt="">
<div><h1>Portico</h1><p>A self-hosted customer portal for SaaS subscriptions.</p></div>
</header>
<ul class="cards">
<li><a href="/console"><strong>Console</strong><span>Products, plans, add-ons, features and the customer journey. Sign in with the backend API key.</span></a></li>
<li><a href="/designer"><strong>Theme designer</strong><span>Every theme value with a control, previewed on the real components; download the theme as JSON.</span></a></li>
</ul>
{{if .Demo}}
<h2>Demo portals</h2>
<p class="note">Portal sessions opened for this page, each valid for {{.TTL}}.</p>
<table>
{{range .Demo}}<tr><td>{{.ID}}</td><td><a href="{{.URL}}">{{.Shows}}</a></td></tr>
{{end}}</table>
{{end}}
<h2>Documentation</h2>
<p class="note">In Portico's source folder, readable offline:</p>
<dl>
<dt><code>README.md</code></dt><dd>set-up, configuration, the portal, the console, embedding, themes, tests</dd>
<dt><code>docs/api.md</code></dt><dd>every backend and portal API call, the catalog document and the journey rules</dd>
<dt><code>docs/components.md</code></dt><dd>the go-app components, text keys, locales and CSS class hooks</dd>
<dt><code>docs/security.md</code></dt><dd>keys, portal sessions, the console's sign-in and the pages' headers</dd>
<dt><code>docs/webhooks.md</code></dt><dd>the webhook events, their payloads, signatures and retries</dd>
</dl>
<h2>Served here</h2>
<dl>
<dt><a href="/embed.js"><code>/embed.js</code></a></dt><dd>the script that puts <code>&lt;portico-portal&gt;</code> in any page</dd>
<dt><a href="/theme.schema.json"><code>/theme.schema.json</code></a></dt><dd>the theme files' JSON Schema, for editors</dd>
<dt><a href="/healthz"><code>/healthz</code></a></dt><dd>the health check</dd>
</dl>
</main>
</body>
</html>
`

// landingCSP admits the page's own stylesheet (by its hash) and images,
// and nothing else: no script, no form, no framing.
func landingCSP() string {
	sum := sha256.Sum256([]byte(landingStyle))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; img-src 'self'; " +
		"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}

// demoLink is a demo customer's line on the start page.
type demoLink struct{ ID, Shows, URL string }

// landing serves the start page at /. Demo portals are listed only when
// the server was given demo customers (PORTICO_DEMO): otherwise the page
// opens no session.
func (w *Web) landing() http.Handler {
	page := template.Must(template.New("landing").Parse(landingPage))
	csp := landingCSP()
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		var body bytes.Buffer
		data := map[string]any{"Style": template.CSS(landingStyle), "Demo": w.demoLinks(), "TTL": duration(w.sessionTTL())}
		if err := page.Execute(&body, data); err != nil {
			w.API.Log.Error("start page", "err", err)
			http.Error(rw, "the start page failed", http.StatusInternalServerError)
			return
		}
		h := rw.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Security-Policy", csp)
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Content-Type-Options", "nosniff")
		// With the demo the page carries sessions: never stored.
		h.Set("Cache-Control", "no-store")
		rw.Write(body.Bytes())
	})
}

// demoLinks opens a portal session for each demo customer.
func (w *Web) demoLinks() []demoLink {
	out := make([]demoLink, 0, len(w.Demo))
	for _, c := range w.Demo {
		s := w.API.MintSession(c.Scope, w.sessionTTL())
		out = append(out, demoLink{ID: c.ID, Shows: c.Shows, URL: "/portal?session=" + url.QueryEscape(s.Token)})
	}
	return out
}

// sessionTTL is how long the start page's portal sessions last.
func (w *Web) sessionTTL() time.Duration {
	if w.API.SessionTTL > 0 {
		return w.API.SessionTTL
	}
	return time.Hour
}

// duration says a whole number of hours or minutes in words.
func duration(d time.Duration) string {
	n, unit := int(d/time.Minute), "minute"
	if d%time.Hour == 0 {
		n, unit = int(d/time.Hour), "hour"
	}
	if n != 1 {
		unit += "s"
	}
	return strconv.Itoa(n) + " " + unit
}
