package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The console's Webhooks page, against a receiver that fails then
// recovers: a refused endpoint shows the server's errors beside the
// fields, the secret is shown once, the endpoint turns failing, its
// deliveries show the 500 and a resend delivers; the secret is rotated and
// the endpoint deleted behind confirmations reachable from the keyboard.
func TestConsoleWebhooksPage(t *testing.T) {
	path := requireBrowser(t)
	deadline := time.Now().Add(consoleTimeout)
	var status atomic.Int32
	status.Store(http.StatusInternalServerError)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(int(status.Load()))
	}))
	defer rcv.Close()
	srv := startServer(t)
	p := newPage(t, path, "console-webhooks", deadline)
	p.allowConsoleError("422") // the refused endpoint

	p.do("open the console", chromedp.Navigate(srv.URL+"/console/webhooks"), visible("#pc-secret"))
	p.waitWasm()
	p.edit("#pc-secret", srv.Key)
	p.click(".pc-signin button[type=submit]")
	p.waitText(".pc-main h1", "Webhooks")
	p.waitText(".pc-webhooks", "No endpoint yet")

	// The server's refusals, each beside its field, the focus on the first.
	p.edit("#pc-wh-url", "ftp://hooks.example.com")
	p.edit("#pc-wh-usageThresholds", "80, 150")
	p.press(".pc-add-endpoint button[type=submit]")
	p.waitText("#pc-wh-url-error", "must be an absolute http or https URL")
	p.waitText("#pc-wh-usageThresholds-error", "Threshold 2 must be at most 100")
	p.until("the focus is on the URL", focusOn("#pc-wh-url"), p.focused())
	p.shotWidths("form-error")

	p.edit("#pc-wh-url", rcv.URL+"/hook")
	p.edit("#pc-wh-description", "Billing service")
	p.edit("#pc-wh-usageThresholds", "80, 100")
	p.press(".pc-add-endpoint button[type=submit]")
	p.do("wait for the secret", visible("#pc-wh-secret-value"))
	p.until("the focus is on the secret", focusOn("#pc-wh-secret-value"), p.focused())
	secret := eval[string](p, "read the secret", `document.querySelector("#pc-wh-secret-value").value`)
	if len(secret) < 40 || secret[:6] != "whsec_" {
		t.Fatalf("secret shown: %q", secret)
	}
	if got := eval[string](p, "read the URL field", `document.querySelector("#pc-wh-url").value`); got != "" {
		t.Errorf("after adding, the form still holds %q", got)
	}
	p.shotWidths("secret")
	p.click(".pc-wh-secret .pc-button:last-child") // Done
	p.do("the secret is gone", gone("#pc-wh-secret-value"))

	// A change: the receiver answers 500, so the endpoint turns failing.
	backendPost(t, srv, "/api/v1/customers", map[string]string{"id": "hooked", "name": "Hooked"})
	p.until("the endpoint is failing", `(() => { document.querySelector(".pc-webhooks .pc-head button").click();
  return !!document.querySelector(".pc-endpoints .pc-badge-failing"); })()`, p.showing(".pc-endpoints"))
	p.click(".pc-show-deliveries")
	p.waitText(".pc-delivery-list", "HTTP 500")
	p.waitText(".pc-delivery-list", "customer.created")
	p.shotWidths("deliveries")

	// The receiver recovers; a resend delivers at once.
	status.Store(http.StatusOK)
	p.click(".pc-resend")
	p.waitText(".pc-notice", "is being sent again")
	p.until("the delivery is delivered", `(() => { document.querySelector(".pc-deliveries .pc-head button").click();
  return document.querySelector(".pc-delivery-list").textContent.includes("Delivered"); })()`, p.showing(".pc-delivery-list"))

	// Rotate: Escape closes the confirmation, the focus back on its button.
	p.click(".pc-rotate")
	p.waitText(".pc-wh-confirm h2", "Rotate the signing secret?")
	p.until("the focus is on Cancel", focusOn(".pc-wh-confirm .pc-cancel"), p.focused())
	p.do("press Escape", chromedp.KeyEvent(kb.Escape))
	p.do("the confirmation closes", gone(".pc-wh-confirm"))
	p.until("the focus is back on Rotate secret", focusOn(".pc-rotate"), p.focused())
	p.do("press Enter", chromedp.KeyEvent(kb.Enter))
	p.waitText(".pc-wh-confirm h2", "Rotate the signing secret?")
	p.submitDialog()
	p.do("wait for the new secret", visible("#pc-wh-secret-value"))
	rotated := eval[string](p, "read the new secret", `document.querySelector("#pc-wh-secret-value").value`)
	if rotated == secret || rotated[:6] != "whsec_" {
		t.Errorf("rotated secret %q, was %q", rotated, secret)
	}
	p.waitText(".pc-wh-secret", "The previous secret also signs deliveries until")

	// Delete, behind its confirmation.
	p.click(".pc-delete")
	p.waitText(".pc-wh-confirm h2", "Delete this endpoint?")
	p.shotWidths("delete-confirm")
	p.submitDialog()
	p.waitText(".pc-webhooks", "No endpoint yet")
	p.waitText(".pc-notice", "Endpoint deleted")
	if errs := p.unexpectedConsoleErrors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
}

// backendPost calls the backend API with the server's key.
func backendPost(t *testing.T, s *server, path string, body any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, s.URL+path, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+s.Key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode >= 300 {
		out, _ := io.ReadAll(res.Body)
		t.Fatalf("POST %s: %s %s", path, res.Status, out)
	}
}
