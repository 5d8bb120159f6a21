package designer

import (
	"context"
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/theme"
)

// newPage is a designer started from server, as the server renders it.
func newPage(server theme.Theme) *Page {
	p := &Page{Server: server}
	p.OnInit()
	return p
}

// themePaths lists the JSON path of every string value of a theme.
func themePaths(t reflect.Type, at string) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if at != "" {
			name = at + "." + name
		}
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch ft.Kind() {
		case reflect.String:
			out = append(out, name)
		case reflect.Struct:
			out = append(out, themePaths(ft, name)...)
		}
	}
	return out
}

func TestEveryThemeValueHasAControl(t *testing.T) {
	have := map[string]bool{}
	for _, c := range controls() {
		var th theme.Theme
		if field(&th, c.path) == nil {
			t.Errorf("control %q names no theme value", c.path)
		}
		if have[c.path] {
			t.Errorf("two controls for %q", c.path)
		}
		have[c.path] = true
	}
	for _, path := range themePaths(reflect.TypeOf(theme.Theme{}), "") {
		if !have[path] && path != "$schema" {
			t.Errorf("no control for the theme value %q", path)
		}
	}
}

func TestInvalidValueIsFlaggedAndNotApplied(t *testing.T) {
	p := newPage(theme.Theme{Palette: theme.Palette{Primary: "#123456"}})
	p.set("palette.primary", "#abcdef")
	if got := p.Theme().Palette.Primary; got != "#abcdef" {
		t.Fatalf("primary = %q after a valid change", got)
	}
	p.set("palette.primary", "bright")
	p.set("layout.maxWidth", "wide")
	if got := p.Theme().Palette.Primary; got != "#abcdef" {
		t.Errorf("an invalid primary reached the preview: %q, want the last good #abcdef", got)
	}
	if got := p.Theme().Layout.MaxWidth; got != "1040px" {
		t.Errorf("an invalid width reached the preview: %q, want the default", got)
	}
	if p.errs["palette.primary"] == "" || p.errs["layout.maxWidth"] == "" {
		t.Fatalf("errors = %v, want palette.primary and layout.maxWidth", p.errs)
	}
	var primary control
	for _, c := range controls() {
		if c.path == "palette.primary" {
			primary = c
		}
	}
	th := p.Theme()
	html := app.HTMLString(p.renderControl(primary, &th))
	// The server writes a true attribute bare; the browser sets "true".
	if !regexp.MustCompile(`\saria-invalid(="true")?[\s>]`).MatchString(html) {
		t.Error("the invalid field is not marked invalid")
	}
	for _, want := range []string{`value="bright"`, `aria-describedby="pd-palette-primary-error"`,
		`id="pd-palette-primary-error"`, "not a colour", `type="color"`, `value="#abcdef"`} {
		if !strings.Contains(html, want) {
			t.Errorf("the primary control lacks %s:\n%s", want, html)
		}
	}
	if strings.Contains(p.themeJSON(), "bright") {
		t.Error("the export holds the invalid value")
	}
	p.set("palette.primary", "")
	if got := p.Theme().Palette.Primary; got != theme.Default().Palette.Primary {
		t.Errorf("an emptied primary = %q, want the default's", got)
	}
	if _, bad := p.errs["palette.primary"]; bad {
		t.Error("an emptied value is flagged")
	}
}

func TestThemeFileRoundTrips(t *testing.T) {
	p := newPage(theme.Default())
	for path, v := range map[string]string{"mode": "auto", "dark.primary": "hsl(250, 80%, 70%)",
		"typography.fontFamily": `"Söhne", Georgia, serif`, "radius": "0",
		"customCss": ".portico-plan-card > h3 { content: \"\\201C\"; }\n\t.x { color: red }"} {
		p.set(path, v)
	}
	if len(p.errs) > 0 {
		t.Fatalf("unexpected errors: %v", p.errs)
	}
	file := p.themeJSON()
	got, err := parse(file)
	if err != nil {
		t.Fatalf("the export does not read back: %v\n%s", err, file)
	}
	if !reflect.DeepEqual(got.Merged(), p.Theme()) {
		t.Errorf("the export reads back as another theme:\n%s\n got %+v\nwant %+v", file, got.Merged(), p.Theme())
	}
	q := newPage(theme.Default())
	q.importText = file
	if !q.importTheme() || len(q.importErrs) > 0 {
		t.Fatalf("import: %v", q.importErrs)
	}
	if q.themeJSON() != file {
		t.Errorf("export, import, export differs:\n%s\n%s", file, q.themeJSON())
	}
}

func TestImportRefusesWhatIsNotATheme(t *testing.T) {
	p := newPage(theme.Default())
	before := p.Theme()
	// As the server reads theme files: each problem named by its path.
	for text, want := range map[string]string{``: "(body): is empty", `{`: "(body): ends before",
		`[]`: "(body): must be a JSON object", `{"palette": {"primary": 1}}`: "palette.primary: must be a string",
		`{"pallete": {}}`: "pallete: is not a known field", `{} {}`: "(body): goes on after",
		`{"Radius": "2px"}`: "Radius: is not a known field", `{"radius": "2px", "radius": "3px"}`: "radius: ",
		`{"palette": {"primary": "#000", "surface": 2}}`: "palette.surface: must be a string"} {
		p.importText = text
		if p.importTheme() || len(p.importErrs) != 1 || !strings.HasPrefix(p.importErrs[0], want) {
			t.Errorf("import of %s: errors %q, want one starting %q", text, p.importErrs, want)
		}
	}
	if !reflect.DeepEqual(p.Theme(), before) {
		t.Error("a refused import changed the theme")
	}
	p.importText = `{"palette": {"primary": "#0f766e", "text": "ink"}, "radius": "huge"}`
	if !p.importTheme() {
		t.Fatal("a readable theme with bad values was refused")
	}
	if got := p.Theme().Palette.Primary; got != "#0f766e" {
		t.Errorf("the good value was not applied: %q", got)
	}
	if got := p.Theme().Palette.Text; got != before.Palette.Text {
		t.Errorf("the bad value was applied: %q", got)
	}
	if len(p.importErrs) != 2 || !strings.HasPrefix(p.importErrs[0], "palette.text:") || !strings.HasPrefix(p.importErrs[1], "radius:") {
		t.Errorf("import errors = %q, want palette.text then radius", p.importErrs)
	}
	if p.errs["palette.text"] == "" || get(p.draft, "palette.text") != "ink" {
		t.Error("the bad value is not kept, flagged, in its field")
	}
}

func TestFragmentRestoresThemeWidgetAndState(t *testing.T) {
	p := newPage(theme.Default())
	if frag := p.fragmentOf(); len(frag) > 120 {
		t.Errorf("the default theme's fragment is %d characters: %s", len(frag), frag)
	}
	p.set("palette.primary", "#b45309")
	p.set("dark.surface", "#000000")
	p.set("customCss", ".portico-root { letter-spacing: .01em }")
	p.widget, p.state = WidgetUsage, "trial"
	frag := p.fragmentOf()

	// Opened on a server with another theme, the link shows the same one.
	q := newPage(theme.Theme{Palette: theme.Palette{Primary: "#000000", Surface: "#eeeeee"}})
	if !q.restore(frag) {
		t.Fatalf("restore(%q) failed: %s", frag, q.status)
	}
	if !reflect.DeepEqual(q.Theme(), p.Theme()) {
		t.Errorf("restored theme differs:\n got %+v\nwant %+v", q.Theme(), p.Theme())
	}
	if q.widget != WidgetUsage || q.state != "trial" {
		t.Errorf("restored widget %q and state %q", q.widget, q.state)
	}
	if q.themeJSON() != p.themeJSON() {
		t.Error("the restored theme exports differently")
	}
	for _, bad := range []string{"theme=%%%", "theme=bm90IGpzb24", "widget=usage"} {
		r := newPage(theme.Default())
		if r.restore(bad) || r.status == "" {
			t.Errorf("restore(%q) = true or says nothing", bad)
		}
	}
	r := newPage(theme.Default())
	r.restore(strings.NewReplacer("state=trial", "state=nobody", "widget=usage", "widget=Usage").Replace(frag))
	if r.state != States[0].ID || r.widget != WidgetPortal {
		t.Errorf("unknown state and widget gave %q and %q", r.state, r.widget)
	}
}

func TestSourceServesEveryStateAndRefusesChanges(t *testing.T) {
	ctx := context.Background()
	for _, st := range States {
		src := newSource(st.ID)
		v, err := src.Portal(ctx)
		if err != nil || v.Customer.ID != st.Customer {
			t.Fatalf("%s: portal %v, %v", st.ID, v, err)
		}
		first, err := src.Paywall(ctx, "", "")
		if err != nil || len(first.Plans) == 0 {
			t.Fatalf("%s: paywall %v", st.ID, err)
		}
		for _, period := range first.BillingPeriods {
			pw, err := src.Paywall(ctx, "", period)
			if err != nil || pw.BillingPeriod != period {
				t.Fatalf("%s: paywall for %s: %v", st.ID, period, err)
			}
			for _, pl := range pw.Plans {
				switch pl.Intent {
				case portico.IntentCurrent, portico.IntentScheduled, portico.IntentContactSales:
					continue
				}
				if pl.Pricing == portico.PricingPaid && pl.Price == nil && pl.StartsAt == nil {
					continue // not sold for this period: no preview to take
				}
				if _, err := src.Preview(ctx, portico.ChangeRequest{PlanID: pl.ID, BillingPeriod: period}); err != nil {
					t.Errorf("%s: no preview for %s/%s: %v", st.ID, pl.ID, period, err)
				}
			}
		}
		_, e1 := src.Change(ctx, portico.ChangeRequest{PlanID: "pro"})
		_, e2 := src.Cancel(ctx, "sub")
		_, e3 := src.CancelScheduled(ctx, "sub")
		_, e4 := src.BillingSession(ctx, "payment_method_update")
		for _, err := range []error{e1, e2, e3, e4} {
			if !errors.Is(err, errPreview) {
				t.Errorf("%s: an action answered %v, want the preview notice", st.ID, err)
			}
		}
	}
}

func TestPageRendersTheServerThemeAndThePreview(t *testing.T) {
	p := &Page{Server: theme.Theme{Palette: theme.Palette{Primary: "#123456"}, Typography: theme.Typography{
		FontFamily: `"Iowan Old Style", serif`}}}
	eng := app.NewTestEngine()
	if err := eng.Load(p); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { eng.ConsumeAll(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the page did not settle")
	}
	html := app.HTMLString(p)
	for _, want := range []string{
		"--portico-primary: #123456;",        // the preview's theme
		`id="pd-palette-primary"`,            // its control…
		`value="#123456"`,                    // …holding the server's value
		`value="&quot;Iowan Old Style&quot;`, // quotes survive the server's attribute quoting
		`id="portico-designer-theme"`,        // the theme carried to the browser
		"portico-usage-at-limit", "Basic",    // the first state's data in the real components
		`data-action="reset"`, `for="pd-palette-primary"`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
}

// TestStylesStayOutOfThePreview checks that every rule of the designer's
// stylesheet selects by a pd- class, and that none reaches inside the
// elements that hold the preview.
func TestStylesStayOutOfThePreview(t *testing.T) {
	holders := []string{".pd-app", ".pd-view", ".pd-stage", ".pd-canvas"}
	for _, block := range strings.Split(css, "}") {
		decls := strings.LastIndex(block, "{")
		if decls < 0 {
			continue
		}
		sel := block[:decls]
		if media := strings.LastIndex(sel, "{"); media >= 0 {
			sel = sel[media+1:] // the first rule of a media query
		}
		for _, one := range strings.Split(sel, ",") {
			one = strings.TrimSpace(one)
			if one == "" {
				continue
			}
			if !strings.HasPrefix(one, ".pd-") {
				t.Errorf("rule %q does not select by a designer class", one)
			}
			for _, h := range holders {
				if rest, ok := strings.CutPrefix(one, h); ok && rest != "" && !strings.HasPrefix(rest, "-") {
					t.Errorf("rule %q reaches inside %s, which holds the preview", one, h)
				}
			}
		}
	}
}

// The brand colour set for the light palette shows in dark mode too, with
// the text on it, until the dark palette sets its own.
func TestDarkModeKeepsTheBrandColourSet(t *testing.T) {
	p := newPage(theme.Default())
	p.set("palette.primary", "#e11d48")
	p.set("mode", "dark")
	css := p.Theme().CSS("portico")
	for _, want := range []string{"--portico-primary: #e11d48;", "--portico-on-primary: #ffffff;", "--portico-surface: #121a2f;"} {
		if !strings.Contains(css, want) {
			t.Errorf("dark mode lacks %s:\n%s", want, css)
		}
	}
	p.set("palette.primary", "#0f766e")
	if got := p.Theme().Dark.Primary; got != "#0f766e" {
		t.Errorf("the dark primary did not follow the brand's change: %q", got)
	}
	if got := get(p.draft, "dark.primary"); got != "#0f766e" {
		t.Errorf("the dark primary's control shows %q, not the brand it follows", got)
	}
	p.set("dark.primary", "#5eead4")
	p.set("palette.primary", "#7c3aed")
	if got := p.Theme().Dark.Primary; got != "#5eead4" {
		t.Errorf("a dark primary set on its own was replaced: %q", got)
	}

	// A server theme with its own dark brand keeps it.
	q := newPage(theme.Theme{Palette: theme.Palette{Primary: "#111111"}, Dark: &theme.Palette{Primary: "#eeeeee"}})
	q.set("palette.primary", "#e11d48")
	if got := q.Theme().Dark.Primary; got != "#eeeeee" {
		t.Errorf("the server's dark primary was replaced: %q", got)
	}
}

// The samples' dates are moved to today: the period starts today, renews
// on the same day next month, and the trial ends as many days on.
func TestSampleDatesAreToday(t *testing.T) {
	today := time.Date(2027, time.February, 10, 15, 4, 5, 0, time.UTC)
	s, err := sample("limit", today)
	if err != nil {
		t.Fatal(err)
	}
	sub := s.Portal.Subscriptions[0]
	day := func(t time.Time) string { return t.Format("2006-01-02") }
	if day(s.Portal.Now) != "2027-02-10" || day(sub.CurrentPeriodStart) != "2027-02-10" || day(sub.CurrentPeriodEnd) != "2027-03-10" {
		t.Errorf("now %s, period %s to %s; want today and a month on", s.Portal.Now, sub.CurrentPeriodStart, sub.CurrentPeriodEnd)
	}
	trial, err := sample("trial", today)
	if err != nil {
		t.Fatal(err)
	}
	ends := trial.Portal.Subscriptions[0].TrialEndsAt
	original, _ := sample("trial", SampleTime())
	if ends == nil || ends.Sub(trial.Portal.Now) != original.Portal.Subscriptions[0].TrialEndsAt.Sub(original.Portal.Now) {
		t.Errorf("the trial ends %v after today; the sample's ended %v after its day", ends.Sub(trial.Portal.Now),
			original.Portal.Subscriptions[0].TrialEndsAt.Sub(original.Portal.Now))
	}
	if s.Portal.Invoices[0].Created.Before(today.AddDate(0, 0, -1)) {
		t.Errorf("the invoice is of %s, before today", s.Portal.Invoices[0].Created)
	}
}

// renderHTML is the page as the server renders it.
func renderHTML(t *testing.T, p *Page) string {
	t.Helper()
	eng := app.NewTestEngine()
	if err := eng.Load(p); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { eng.ConsumeAll(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the page did not settle")
	}
	return app.HTMLString(p)
}

// A colour whose text falls under 4.5:1 is warned about beside its
// control, with where it shows and a button offering the nearest colour
// that passes; the default theme has no warning, and the suggestion
// applied clears it.
func TestLowContrastColourIsWarnedWithASuggestion(t *testing.T) {
	if html := renderHTML(t, &Page{Server: theme.Default()}); strings.Contains(html, `class="pd-warning"`) {
		t.Error("the default theme shows a contrast warning")
	}
	html := renderHTML(t, &Page{Server: theme.Theme{Palette: theme.Palette{Success: "#34d399"}}})
	if n := strings.Count(html, `class="pd-warning"`); n != 1 {
		t.Fatalf("%d contrast warnings, want one for palette.success", n)
	}
	warning := regexp.MustCompile(`id="pd-palette-success-contrast"[^>]*>\s*<p>Contrast 1\.[0-9]+:1, under the 4\.5:1 text needs, for ([^<]+)</p>`)
	if m := warning.FindStringSubmatch(html); m == nil || !strings.Contains(m[1], "badges") {
		t.Fatalf("no contrast warning beside palette.success")
	}
	if !strings.Contains(html, `aria-describedby="pd-palette-success-contrast"`) {
		t.Error("the colour's field is not described by its warning")
	}
	suggest := regexp.MustCompile(`data-value="(#[0-9a-f]{6})"`).FindStringSubmatch(html)
	if suggest == nil || !strings.Contains(html, `data-path="palette.success"`) || !strings.Contains(html, "Use "+suggest[1]) {
		t.Fatal("the warning offers no colour")
	}
	if html := renderHTML(t, &Page{Server: theme.Theme{Palette: theme.Palette{Success: suggest[1]}}}); strings.Contains(html, `class="pd-warning"`) {
		t.Errorf("the suggested %s still warns", suggest[1])
	}
}
