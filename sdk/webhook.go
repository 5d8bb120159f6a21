package sdk

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	portico "github.com/portico-dev/portico"
)

// SignatureHeader is the header a webhook delivery's signature comes in:
// "t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">", with one v1
// entry per secret signing (two while a rotated secret's predecessor is
// still valid).
const SignatureHeader = "Portico-Signature"

// DefaultTolerance is how far a delivery's timestamp may be from now.
const DefaultTolerance = 5 * time.Minute

// Webhook verification errors.
var (
	ErrNoSignature  = errors.New("portico webhook: no signature (t= and v1=) in the header")
	ErrBadSignature = errors.New("portico webhook: no v1 signature matches the secret")
	ErrTooOld       = errors.New("portico webhook: the timestamp is outside the tolerance")
	ErrBodyTooLarge = errors.New("portico webhook: the body is over 1 MiB")
)

// maxWebhookBody is the largest delivery read.
const maxWebhookBody = 1 << 20

// VerifyWebhook checks a delivery's signature header against the
// endpoint's secret: some v1 entry must be the HMAC-SHA256 of
// "<t>.<body>" (compared in constant time) and t within tolerance of now
// (DefaultTolerance when 0), so a captured delivery cannot be replayed
// later. Verify the raw body, before decoding it.
func VerifyWebhook(body []byte, header, secret string, tolerance time.Duration) error {
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	t, sigs := parseSignature(header)
	if t == "" || len(sigs) == 0 {
		return ErrNoSignature
	}
	want := webhookMAC(secret, t, body)
	matched := false
	for _, s := range sigs {
		got, err := hex.DecodeString(s)
		// Every entry is compared, so the time taken does not tell which.
		if err == nil && hmac.Equal(got, want) {
			matched = true
		}
	}
	if !matched {
		return ErrBadSignature
	}
	sec, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		return ErrNoSignature
	}
	if d := time.Since(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return ErrTooOld
	}
	return nil
}

// SignWebhook returns the signature header of body at time t, as Portico
// signs deliveries: for tests of a receiver.
func SignWebhook(body []byte, secret string, t time.Time) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(webhookMAC(secret, ts, body))
}

func webhookMAC(secret, t string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(t))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// parseSignature reads t and every v1 of a signature header; other
// entries (schemes to come) are ignored.
func parseSignature(header string) (string, []string) {
	var t string
	var sigs []string
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		switch {
		case !ok:
		case k == "t":
			t = v
		case k == "v1":
			sigs = append(sigs, v)
		}
	}
	return t, sigs
}

// WebhookHandler verifies each delivery with the secret, decodes it and
// hands it to handle. It answers 400 to a delivery that fails the check
// (not from Portico, or replayed), 500 when handle fails (Portico sends it
// again later, with the same event ID: deduplicate on Event.ID) and 204
// otherwise.
func WebhookHandler(secret string, tolerance time.Duration, handle func(context.Context, portico.Event) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
		if err != nil {
			http.Error(w, ErrBodyTooLarge.Error(), http.StatusRequestEntityTooLarge)
			return
		}
		if err := VerifyWebhook(body, r.Header.Get(SignatureHeader), secret, tolerance); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var ev portico.Event
		if err := json.Unmarshal(body, &ev); err != nil {
			http.Error(w, "portico webhook: the body is not an event", http.StatusBadRequest)
			return
		}
		if err := handle(r.Context(), ev); err != nil {
			http.Error(w, "the event was not handled; send it again", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}
