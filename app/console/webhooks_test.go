package console

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/components"
)

var whT0 = time.Date(2026, time.January, 1, 9, 30, 0, 0, time.UTC)

func TestWebhooksPageShowsHealthAndEvents(t *testing.T) {
	failing := whT0.Add(time.Hour)
	v := &webhooksView{loaded: true, endpoints: []portico.WebhookEndpointView{
		{ID: "we_1", URL: "https://a.example.com/hook", Events: []portico.EventType{"*"}, CreatedAt: whT0, Description: "billing"},
		{ID: "we_2", URL: "https://b.example.com/hook", Events: []portico.EventType{"trial.ends_soon", "invoice.created"},
			CreatedAt: whT0, FailingSince: &failing},
	}}
	html := render(t, v)
	for _, want := range []string{"https://a.example.com/hook", "billing", "All events", "Delivering",
		"trial.ends_soon, invoice.created", "since 1 Jan 2026 10:30 UTC", "pc-badge-failing",
		`aria-label="Delete https://b.example.com/hook"`, `aria-label="Rotate the secret of https://a.example.com/hook"`} {
		if !strings.Contains(html, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Count(html, "pc-badge-failing") != 1 {
		t.Error("a healthy endpoint is shown failing")
	}
}

func TestWebhooksPageStates(t *testing.T) {
	for _, c := range []struct {
		v    *webhooksView
		want string
	}{
		{&webhooksView{}, "Loading the webhook endpoints…"},
		{&webhooksView{loadErr: "The server could not be reached."}, "could not be loaded: The server could not be reached."},
		{&webhooksView{loaded: true}, "No endpoint yet"},
	} {
		if html := render(t, c.v); !strings.Contains(html, c.want) {
			t.Errorf("the page lacks %q", c.want)
		}
	}
}

func TestWebhookDeliveriesShowStatusAttemptsAndNextAttempt(t *testing.T) {
	next := whT0.Add(10 * time.Second)
	v := &webhooksView{loaded: true, open: "we_1",
		endpoints: []portico.WebhookEndpointView{{ID: "we_1", URL: "https://a.example.com/hook", Events: []portico.EventType{"*"}}},
		recent: deliveriesState{list: []portico.WebhookDelivery{
			{EventID: "evt_3", Type: "customer.updated", Status: portico.DeliveryPending, Attempts: 2, LastStatusCode: 0,
				LastError: "no answer within 10s", CreatedAt: whT0, NextAttemptAt: &next},
			{EventID: "evt_2", Type: "invoice.created", Status: portico.DeliveryFailed, Attempts: 71, LastStatusCode: 503, CreatedAt: whT0},
			{EventID: "evt_1", Type: "customer.created", Status: portico.DeliveryDelivered, Attempts: 1, LastStatusCode: 200, CreatedAt: whT0},
		}}}
	html := render(t, v)
	for _, want := range []string{"Recent deliveries to", "Pending", "No answer", "no answer within 10s",
		"1 Jan 2026 09:30 UTC", "Given up", "HTTP 503", ">71<", "Delivered", "HTTP 200",
		`aria-label="Resend invoice.created evt_2"`, `aria-expanded`} {
		if !strings.Contains(html, want) {
			t.Errorf("the deliveries lack %q", want)
		}
	}
}

func TestEndpointFormSendsWhatIsTicked(t *testing.T) {
	var f endpointForm
	f.reset()
	f.url = "  https://x.example.com/hook "
	req, bad := f.request()
	if bad != "" || req.URL != "https://x.example.com/hook" || !slices.Equal(req.Events, []portico.EventType{"*"}) ||
		!slices.Equal(req.UsageThresholds, []int{80, 100}) {
		t.Errorf("default form sends %+v (%q)", req, bad)
	}
	f.all = false
	f.types["invoice.created"], f.types["customer.created"] = true, true
	f.thresholds = "50%, 90"
	req, _ = f.request()
	if !slices.Equal(req.Events, []portico.EventType{"customer.created", "invoice.created"}) || !slices.Equal(req.UsageThresholds, []int{50, 90}) {
		t.Errorf("ticked types sent as %v, thresholds %v", req.Events, req.UsageThresholds)
	}
	f.thresholds = "80, lots"
	if _, bad := f.request(); !strings.Contains(bad, "“lots” is not a whole number") {
		t.Errorf("a word as a threshold: %q", bad)
	}
	f.thresholds = ""
	if req, _ := f.request(); req.UsageThresholds != nil {
		t.Errorf("no thresholds sent as %v, want none (the server's default)", req.UsageThresholds)
	}
}

// The server's 422 goes beside each field it names.
func TestEndpointFormShowsTheServersErrorsBesideTheirFields(t *testing.T) {
	v := &webhooksView{loaded: true}
	v.form.reset()
	v.form.showErrors(&components.APIError{Status: 422, Title: "Invalid", Fields: []portico.FieldError{
		{Field: "url", Message: "must be an absolute http or https URL"},
		{Field: "usageThresholds[1]", Message: "must be at most 100"},
		{Field: "events", Message: "must have at least 1 items or characters"},
		{Field: "(body)", Message: "is not valid JSON"},
	}})
	html := render(t, v)
	for id, want := range map[string]string{
		"pc-wh-url-error":             "The URL must be an absolute http or https URL.",
		"pc-wh-usageThresholds-error": "Threshold 2 must be at most 100.",
		"pc-wh-events-error":          "The event types must have at least 1 items or characters.",
	} {
		if got := textOf(html, id); got != want {
			t.Errorf("#%s says %q, want %q", id, got, want)
		}
	}
	for _, want := range []string{"(body) is not valid JSON.", "The endpoint was not added:"} {
		if !strings.Contains(html, want) {
			t.Errorf("the form lacks %q", want)
		}
	}
	if n := strings.Count(html, `aria-invalid`); n != 3 {
		t.Errorf("%d fields marked invalid, want 3", n)
	}
}

// textOf is the text of the element with that ID in html (attributes
// come in any order).
func textOf(html, id string) string {
	m := regexp.MustCompile(`id="` + regexp.QuoteMeta(id) + `"[^>]*>([^<]*)<`).FindStringSubmatch(html)
	if m == nil {
		return ""
	}
	return m[1]
}

func TestSecretShownOnceWithGrace(t *testing.T) {
	expires := whT0.Add(24 * time.Hour)
	v := &webhooksView{loaded: true, secret: &portico.WebhookEndpointView{ID: "we_1", URL: "https://a.example.com",
		Secret: "whsec_abc", PreviousSecretExpires: &expires}}
	html := render(t, v)
	for _, want := range []string{`value="whsec_abc"`, "it is not shown again", "until 2 Jan 2026 09:30 UTC", ">Copy<"} {
		if !strings.Contains(html, want) {
			t.Errorf("the secret panel lacks %q", want)
		}
	}
}
