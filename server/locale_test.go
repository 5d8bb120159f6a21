package server_test

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	portico "github.com/portico-dev/portico"
)

// localeSession mints a portal session for ada in a locale.
func (h *harness) localeSession(locale string) string {
	h.t.Helper()
	r := h.backend(http.MethodPost, "/api/v1/portal-sessions", M{"customerId": "ada", "locale": locale})
	expectStatus(h.t, r, http.StatusCreated)
	return decodeAs[portico.PortalSession](h.t, r).Token
}

func TestAPortalSessionTakesAKnownLocaleOnly(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createCustomer("ada", false)
	for _, bad := range []string{"ru", "zh-TW", "klingon", `de"><x`} {
		p := expectProblem(t, h.backend(http.MethodPost, "/api/v1/portal-sessions", M{"customerId": "ada", "locale": bad}),
			http.StatusUnprocessableEntity, "locale")
		if len(p.Errors) != 1 || !strings.Contains(p.Errors[0].Message, "pt-BR") {
			t.Errorf("locale %q: the problem does not list the locales: %+v", bad, p)
		}
	}
	h.localeSession("de-AT") // a regional form is taken as its language
}

// pageIn fetches ada's portal page with the session, the query's extra and
// the Accept-Language header, and returns the <html> tag, the
// Content-Language header and the page.
func pageIn(t *testing.T, base, token, extra, acceptLanguage string) (htmlTag, contentLanguage, page string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+"/portal?session="+token+extra, nil)
	if err != nil {
		t.Fatal(err)
	}
	if acceptLanguage != "" {
		req.Header.Set("Accept-Language", acceptLanguage)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b strings.Builder
	if _, err := io.Copy(&b, res.Body); err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /portal: %d", res.StatusCode)
	}
	if !strings.Contains(res.Header.Get("Vary"), "Accept-Language") {
		t.Errorf("the page varies with Accept-Language but does not say so: Vary %q", res.Header.Get("Vary"))
	}
	return regexp.MustCompile(`<html[^>]*>`).FindString(b.String()), res.Header.Get("Content-Language"), b.String()
}

func TestThePortalPageFollowsSessionThenURLThenBrowser(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createCustomer("ada", false)
	hs := newWeb(t, h)
	plain := h.session("ada", "", "")
	german := h.localeSession("de")
	cases := []struct {
		name, token, extra, accept string
		want, title                string
	}{
		{"nothing asked", plain, "", "", "en", "Subscription"},
		{"the browser's first served language", plain, "", "ru, pt;q=0.9, en;q=0.8", "pt-BR", "Assinatura"},
		{"q-values over order", plain, "", "en;q=0.5, ja", "ja", "ご契約"},
		{"the URL over the browser", plain, "&locale=nl", "fr", "nl", "Abonnement"},
		{"an unknown URL locale leaves it to the browser", plain, "&locale=ru", "es-MX", "es", "Suscripción"},
		{"the session over the URL and the browser", german, "&locale=fr", "ar", "de", "Abonnement"},
		{"right to left", plain, "&locale=ar", "", "ar", "الاشتراك"},
	}
	for _, c := range cases {
		tag, lang, page := pageIn(t, hs.URL, c.token, c.extra, c.accept)
		dir := "ltr"
		if c.want == "ar" {
			dir = "rtl"
		}
		if want := `<html lang="` + c.want + `" dir="` + dir + `">`; tag != want || lang != c.want {
			t.Errorf("%s: <html> %s, Content-Language %q; want %s", c.name, tag, lang, want)
		}
		if !strings.Contains(page, "<title>"+c.title+"</title>") {
			t.Errorf("%s: the page's title is not %q", c.name, c.title)
		}
	}
}
