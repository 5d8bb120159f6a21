package portal

import (
	"net/url"
	"testing"

	"github.com/portico-dev/portico/theme"
)

func TestHostSettingsFromTheURL(t *testing.T) {
	q := url.Values{}
	q.Set("theme", `{"palette":{"primary":"#e11d48"},"radius":"2px"}`)
	q.Set("texts", `{"subscriptionTitle":"Your plan"}`)
	q.Set("hide", "invoices, usage")
	q.Set("handle", "plan-selected,contact-support")
	h := hostFromQuery(q)
	if len(h.Problems) != 0 {
		t.Fatalf("problems with good settings: %+v", h.Problems)
	}
	if h.Texts["subscriptionTitle"] != "Your plan" || len(h.Hide) != 2 || len(h.Handles) != 2 {
		t.Errorf("settings = %+v", h)
	}
	server := theme.Default()
	server.Palette.Surface = "#fefefe"
	p := &Page{host: h, cfg: Config{Theme: func() theme.Theme { return server }}}
	got := p.pageTheme()
	// The host's values over the server's theme, the server's elsewhere.
	if got.Palette.Primary != "#e11d48" || got.Radius != "2px" || got.Palette.Surface != "#fefefe" {
		t.Errorf("page theme: primary %q radius %q surface %q", got.Palette.Primary, got.Radius, got.Palette.Surface)
	}
}

func TestBadHostSettingsAreReportedAndLeftOut(t *testing.T) {
	q := url.Values{}
	q.Set("theme", `{"palette":{"primary":"blurple"},"radios":"2px"}`)
	q.Set("texts", `["not", "an", "object"]`)
	h := hostFromQuery(q)
	if h.Theme != nil || h.Texts != nil {
		t.Errorf("bad settings were kept: theme %v texts %v", h.Theme, h.Texts)
	}
	if len(h.Problems) != 2 {
		t.Fatalf("problems = %+v, want one for the theme and one for the texts", h.Problems)
	}
	fields := map[string]bool{}
	for _, f := range h.Problems[0].Fields {
		fields[f.Field] = true
	}
	if !fields["palette.primary"] || !fields["radios"] {
		t.Errorf("theme problem names %v, want palette.primary and radios", h.Problems[0].Fields)
	}
	if h.Problems[1].Field != "texts" {
		t.Errorf("texts problem = %+v", h.Problems[1])
	}
}
