package sdk_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/sdk"
)

const body = `{"id":"evt_1","type":"subscription.updated","createdAt":"2026-03-01T10:00:00Z","data":{"customerId":"dennis"}}`

func TestVerifyWebhook(t *testing.T) {
	now := time.Now()
	good := sdk.SignWebhook([]byte(body), "whsec_new", now)
	old := sdk.SignWebhook([]byte(body), "whsec_old", now)
	oldV1 := old[strings.Index(old, "v1="):]
	cases := []struct {
		name, header, secret string
		want                 error
	}{
		{"signed with the secret", good, "whsec_new", nil},
		{"one of several v1 entries (a rotation)", good + "," + oldV1, "whsec_old", nil},
		{"another secret", good, "whsec_other", sdk.ErrBadSignature},
		{"no header", "", "whsec_new", sdk.ErrNoSignature},
		{"no v1", "t=" + strings.Split(good, ",")[0][2:], "whsec_new", sdk.ErrNoSignature},
		{"too old", sdk.SignWebhook([]byte(body), "whsec_new", now.Add(-6*time.Minute)), "whsec_new", sdk.ErrTooOld},
		{"from the future", sdk.SignWebhook([]byte(body), "whsec_new", now.Add(6*time.Minute)), "whsec_new", sdk.ErrTooOld},
		{"a timestamp changed", strings.Replace(good, "t=", "t=1", 1), "whsec_new", sdk.ErrBadSignature},
	}
	for _, tc := range cases {
		if err := sdk.VerifyWebhook([]byte(body), tc.header, tc.secret, 0); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	if err := sdk.VerifyWebhook([]byte(body+" "), good, "whsec_new", 0); !errors.Is(err, sdk.ErrBadSignature) {
		t.Errorf("a changed body: %v", err)
	}
}

// The handler hands over verified events only, and asks for a resend when
// handling fails.
func TestWebhookHandler(t *testing.T) {
	var got []portico.Event
	fail := false
	h := sdk.WebhookHandler("whsec_1", time.Minute, func(_ context.Context, e portico.Event) error {
		if fail {
			return errors.New("database down")
		}
		got = append(got, e)
		return nil
	})
	post := func(sig string) int {
		r := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(body))
		r.Header.Set(sdk.SignatureHeader, sig)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	if code := post(sdk.SignWebhook([]byte(body), "whsec_1", time.Now())); code != http.StatusNoContent || len(got) != 1 ||
		got[0].ID != "evt_1" || got[0].Type != portico.EventSubscriptionUpdated {
		t.Fatalf("signed delivery: %d, %+v", code, got)
	}
	if code := post(sdk.SignWebhook([]byte(body), "whsec_2", time.Now())); code != http.StatusBadRequest || len(got) != 1 {
		t.Fatalf("forged delivery: %d, handled %d", code, len(got))
	}
	fail = true
	if code := post(sdk.SignWebhook([]byte(body), "whsec_1", time.Now())); code != http.StatusInternalServerError {
		t.Fatalf("failed handling: %d, want 500 so Portico sends it again", code)
	}
}
