package e2e

import (
	"context"
	"fmt"
	"html/template"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// hostPage is a web page of a SaaS that embeds Portico with /embed.js and
// records, in window.__events, every portico:… event its element emits.
var hostPage = template.Must(template.New("host").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Acme</title><link rel="icon" href="data:,"></head>
<body style="margin:0;font-family:sans-serif;background:#fff">
<header id="host-header" style="padding:12px 20px;background:#0f172a;color:#fff">Acme · Billing</header>
<portico-portal id="portal" session="{{.Session}}"></portico-portal>
<footer id="host-footer" style="padding:12px 20px">Acme footer</footer>
<script src="{{.Portico}}/embed.js"></script>
<script>
window.__events = [];
for (const name of ["ready", "plan-selected", "contact-support", "manage-subscription", "buy-more", "error", "session-expired"]) {
  document.getElementById("portal").addEventListener("portico:" + name, (e) => {
    window.__events.push({type: e.type, detail: JSON.parse(JSON.stringify(e.detail))});
    if (name === "session-expired") window.__renew = e.detail.renew;
  });
}
</script>
</body></html>`))

// host serves hostPage on its own loopback origin, named localhost so that
// it is another site than Portico's 127.0.0.1: the browser then runs the
// frame in its own process, as it does for a real SaaS.
type host struct {
	Origin  string
	portico atomic.Value // Portico's URL, known once it has started
}

func startHost(t *testing.T) *host {
	t.Helper()
	h := &host{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/theme.json" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"palette": {"primary": "#0f766e"}, "typography": {"fontFamily": "Georgia, serif"}}`))
			return
		}
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = hostPage.Execute(w, map[string]string{"Session": r.URL.Query().Get("session"), "Portico": h.portico.Load().(string)})
	}))
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	h.Origin = "http://localhost:" + port
	return h
}

// frame attaches to the frame of an element on the page: the browser
// lists a frame from another site as a target of its own.
func (p *page) frame(pathPrefix string) *page {
	p.t.Helper()
	deadline := time.Now().Add(stepTimeout)
	for {
		infos, err := chromedp.Targets(p.tab)
		if err != nil {
			p.t.Fatalf("list the browser's targets: %v", err)
		}
		for _, info := range infos {
			if info.Type == "iframe" && strings.Contains(info.URL, pathPrefix) {
				ctx, cancel := chromedp.NewContext(p.tab, chromedp.WithTargetID(info.TargetID))
				p.t.Cleanup(cancel)
				if err := chromedp.Do(ctx); err != nil {
					p.t.Fatalf("attach to the frame %s: %v", pathPrefix, err)
				}
				dctx, dcancel := context.WithDeadline(ctx, mustDeadline(p.ctx))
				p.t.Cleanup(dcancel)
				f := *p
				f.tab, f.ctx, f.scenario = ctx, dctx, p.scenario+"-frame"
				return &f
			}
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("no frame of %s appeared within %v", pathPrefix, stepTimeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func mustDeadline(ctx context.Context) time.Time {
	d, ok := ctx.Deadline()
	if !ok {
		return time.Now().Add(testTimeout)
	}
	return d
}

const (
	// embedFrame is the host's frame, inside the element's shadow root.
	embedFrame   = `document.getElementById("portal").shadowRoot.querySelector("iframe")`
	frameHeight  = embedFrame + `.getBoundingClientRect().height`
	contentHeigh = `document.documentElement.getBoundingClientRect().height`
)

// events are the portico events the host page received, of one type.
func events(p *page, typ string) []map[string]any {
	p.t.Helper()
	return eval[[]map[string]any](p, "read the host's events", `window.__events.filter((e) => e.type === `+js(typ)+`).map((e) => e.detail)`)
}

// heightsAgree waits until the host sized the frame to the content the
// frame shows, and returns that height.
func heightsAgree(t *testing.T, hostTab, frame *page) float64 {
	t.Helper()
	deadline := time.Now().Add(stepTimeout)
	for {
		outer := eval[float64](hostTab, "read the frame's height", frameHeight)
		inner := eval[float64](frame, "read the content's height", contentHeigh)
		if inner > 0 && math.Abs(outer-math.Ceil(inner)) <= 1 {
			return outer
		}
		if time.Now().After(deadline) {
			t.Fatalf("the frame is %.0f px tall for %.0f px of content", outer, inner)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A SaaS page on one origin embeds the portal from Portico's: it renders,
// the frame follows the content's height, actions reach the host as events,
// a theme attribute restyles it in place, and an expired session is handed
// over for a fresh one.
func TestEmbedOnAnotherOrigin(t *testing.T) {
	path := requireBrowser(t)
	deadline := time.Now().Add(testTimeout)
	h := startHost(t)
	srv := startServer(t, "PORTICO_EMBED_ORIGINS="+h.Origin)
	h.portico.Store(srv.URL)
	p := newPage(t, path, "embed", deadline)
	token := sessionToken(t, srv.Portal(t, "grace"))

	p.do("open the host page", chromedp.Navigate(h.Origin+"/?session="+token), visible("#host-header"))
	p.until("the embedded portal is ready", `window.__events.some((e) => e.type === "portico:ready")`)
	f := p.frame("/embed/portal")
	f.waitWasm()
	f.waitPlans()
	checkGraceOverview(f)
	if got := eval[string](f, "read the frame's host origin", `new URLSearchParams(location.search).get("origin")`); got != h.Origin {
		t.Errorf("the frame posts to %q, want the host's origin %q", got, h.Origin)
	}
	full := heightsAgree(t, p, f)
	if full < 1200 {
		t.Errorf("the frame is %.0f px tall: the full portal should be taller", full)
	}
	p.shot("host")

	t.Run("height follows the content", func(t *testing.T) {
		p, f := p.sub(t, "embed-hide"), f.sub(t, "embed-hide-frame")
		eval[bool](f, "mark the frame's document", `window.__sameDocument = true`)
		eval[bool](p, "hide sections", `(document.getElementById("portal").setAttribute("hide", "usage, plans, invoices"), true)`)
		f.do("the sections go", gone(".portico-plans"), gone(".portico-invoices"))
		short := heightsAgree(t, p, f)
		if short > full-400 {
			t.Errorf("after hiding three sections the frame is %.0f px tall, it was %.0f px", short, full)
		}
		if !eval[bool](f, "check the frame was not reloaded", `window.__sameDocument === true`) {
			t.Error("hiding sections reloaded the frame; it should have updated in place")
		}
		eval[bool](p, "show them again", `(document.getElementById("portal").removeAttribute("hide"), true)`)
		f.waitPlans()
		if again := heightsAgree(t, p, f); math.Abs(again-full) > 2 {
			t.Errorf("with every section back the frame is %.0f px tall, it was %.0f px", again, full)
		}
	})

	t.Run("a theme attribute restyles the portal", func(t *testing.T) {
		p, f := p.sub(t, "embed-theme"), f.sub(t, "embed-theme-frame")
		primary := `getComputedStyle(document.querySelector(".portico-usage-bar-fill")).backgroundColor`
		before := eval[string](f, "read the usage bar's colour", primary)
		eval[bool](p, "set the theme", `(document.getElementById("portal").setAttribute("theme",
  JSON.stringify({palette: {primary: "#e11d48"}, radius: "2px"})), true)`)
		f.until("the primary colour is the theme's", primary+` === "rgb(225, 29, 72)"`, func() string {
			return "before " + before
		})
		if !eval[bool](f, "check the frame was not reloaded", `window.__sameDocument === true`) {
			t.Error("the theme change reloaded the frame; it should have restyled it in place")
		}
		// A bad value is reported to the host, naming it, and not applied.
		eval[bool](p, "set a bad theme", `(document.getElementById("portal").setAttribute("theme",
  JSON.stringify({palette: {primary: "blurple"}})), true)`)
		p.until("an error event names palette.primary", `window.__events.some((e) => e.type === "portico:error" &&
  (e.detail.fields || []).some((f) => f.field === "palette.primary"))`)
		f.until("the server's theme is back", primary+` === `+js(before))
		// A theme file on the host's origin, named by its URL.
		eval[bool](p, "set a theme URL", `(document.getElementById("portal").setAttribute("theme", "/theme.json"), true)`)
		f.until("the theme file's primary colour shows", primary+` === "rgb(15, 118, 110)"`)
		if font := eval[string](f, "read the font", `getComputedStyle(document.querySelector(".portico-root")).fontFamily`); !strings.Contains(font, "Georgia") {
			t.Errorf("font family = %q, want the theme file's Georgia", font)
		}
		p.shot("")
	})

	t.Run("a plan selection reaches the host", func(t *testing.T) {
		p, f := p.sub(t, "embed-plan"), f.sub(t, "embed-plan-frame")
		f.waitPlans()
		f.click("#portico-plan-button-basic")
		p.until("the host got portico:plan-selected", `window.__events.some((e) => e.type === "portico:plan-selected")`)
		got := events(p, "portico:plan-selected")
		if d := got[len(got)-1]; d["planId"] != "basic" || d["intent"] != "downgrade" || d["subscriptionId"] == "" {
			t.Errorf("plan-selected detail = %v, want planId basic, intent downgrade and the subscription", d)
		}
		// The host did not say it handles plan selections: the portal goes on
		// to its confirm step.
		f.do("the confirm step opens", visible(".portico-confirm-dialog"))
		// The dialog is in the middle of a frame as tall as the portal: the
		// host page is scrolled to show it whole.
		inView := func() bool {
			top := eval[float64](p, "read where the frame is", embedFrame+`.getBoundingClientRect().top`)
			viewport := eval[float64](p, "read the viewport's height", `innerHeight`)
			r := eval[struct{ Top, Bottom float64 }](f, "read where the dialog is",
				`(() => { const r = document.querySelector(".portico-confirm-dialog").getBoundingClientRect(); return {top: r.top, bottom: r.bottom}; })()`)
			return top+r.Top >= 0 && top+r.Bottom <= viewport
		}
		for end := time.Now().Add(stepTimeout); !inView(); time.Sleep(50 * time.Millisecond) {
			if time.Now().After(end) {
				t.Fatal("the confirm dialog is not wholly in the host page's view")
			}
		}
		p.shotViewport("")
	})

	t.Run("an expired session is handed over", func(t *testing.T) {
		p := p.sub(t, "embed-expired")
		p.allowConsoleError("status of 401")
		bad := token[:len(token)-1] + string(flipBase64URL(token[len(token)-1], 32))
		eval[bool](p, "set a bad session", `(document.getElementById("portal").setAttribute("session", `+js(bad)+`), true)`)
		p.until("the host got portico:session-expired", `typeof window.__renew === "function"`)
		ready := len(events(p, "portico:ready"))
		eval[bool](p, "hand over a fresh session", `(window.__renew(`+js(token)+`), true)`)
		p.until("the frame is ready again", fmt.Sprintf(`window.__events.filter((e) => e.type === "portico:ready").length > %d`, ready))
		f := p.frame("session=" + token)
		f.waitWasm()
		checkGraceOverview(f)
	})
}

// Only the origins of PORTICO_EMBED_ORIGINS may frame the embed pages: the
// browser refuses the frame anywhere else, and the host hears nothing.
func TestEmbedRefusedOnAnotherOrigin(t *testing.T) {
	path := requireBrowser(t)
	deadline := time.Now().Add(testTimeout)
	allowed, other := startHost(t), startHost(t)
	srv := startServer(t, "PORTICO_EMBED_ORIGINS="+allowed.Origin)
	other.portico.Store(srv.URL)
	p := newPage(t, path, "embed-refused", deadline)
	p.allowConsoleError("frame-ancestors")
	token := sessionToken(t, srv.Portal(t, "grace"))

	resp, err := http.Get(srv.URL + "/embed/portal?session=" + token)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'self' "+allowed.Origin) {
		t.Errorf("the embed page's CSP is %q, want frame-ancestors 'self' %s", csp, allowed.Origin)
	}

	p.do("open the other host's page", chromedp.Navigate(other.Origin+"/?session="+token), visible("#host-header"))
	// Give the frame the time it takes to load where it is allowed.
	time.Sleep(3 * time.Second)
	if n := eval[int](p, "count the host's events", `window.__events.length`); n != 0 {
		t.Errorf("the host on a refused origin received %d portico events: %v", n, eval[any](p, "read them", `window.__events`))
	}
	if hgt := eval[float64](p, "read the frame's height", frameHeight); hgt != 0 {
		t.Errorf("the refused frame was sized to %.0f px", hgt)
	}
	for _, info := range must(chromedp.Targets(p.tab)) {
		if info.Type == "iframe" && strings.Contains(info.URL, "/embed/portal") {
			ctx, cancel := chromedp.NewContext(p.tab, chromedp.WithTargetID(info.TargetID))
			defer cancel()
			if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(".portico-customer-portal").length`)); err == nil && n > 0 {
				t.Error("the portal rendered in a frame on a host origin that is not allowed")
			}
		}
	}
	p.shot("")
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
