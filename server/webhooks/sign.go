// Package webhooks sends the event log to the host's webhook endpoints:
// each pending delivery is claimed under a lease (one sender at a time,
// whatever the replicas), posted signed, and recorded as delivered or
// retried with backoff until it is given up.
package webhooks

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// SignatureHeader is the header that carries a delivery's signature.
const SignatureHeader = "Portico-Signature"

// Sign is the hex HMAC-SHA256, keyed with secret, of "<t>.<body>": what a
// receiver computes to check a delivery.
func Sign(secret string, t int64, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strconv.FormatInt(t, 10)))
	m.Write([]byte{'.'})
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Signature is the header's value for body sent at t: "t=<unix>,v1=<hex>",
// with one v1 per secret (the current one first, then a rotated one
// during its grace period).
func Signature(t time.Time, body []byte, secrets ...string) string {
	ts := t.Unix()
	var b strings.Builder
	b.WriteString("t=" + strconv.FormatInt(ts, 10))
	for _, s := range secrets {
		b.WriteString(",v1=" + Sign(s, ts, body))
	}
	return b.String()
}

// Verification errors.
var (
	ErrNoSignature = errors.New("webhooks: no valid signature for this secret")
	ErrTooOld      = errors.New("webhooks: signature timestamp outside the tolerance")
	ErrMalformed   = errors.New("webhooks: malformed Portico-Signature header")
)

// Verify checks header (a Portico-Signature value) against body and
// secret, refusing a timestamp more than tolerance away from now (0 skips
// the check): what a receiver does with each delivery.
func Verify(header string, body []byte, secret string, tolerance time.Duration, now time.Time) error {
	var ts int64
	var sigs []string
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		switch {
		case !ok:
			return ErrMalformed
		case k == "t":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return ErrMalformed
			}
			ts = n
		case k == "v1":
			sigs = append(sigs, v)
		}
	}
	if ts == 0 || len(sigs) == 0 {
		return ErrMalformed
	}
	if tolerance > 0 && now.Sub(time.Unix(ts, 0)).Abs() > tolerance {
		return ErrTooOld
	}
	want := Sign(secret, ts, body)
	for _, s := range sigs {
		if hmac.Equal([]byte(s), []byte(want)) {
			return nil
		}
	}
	return ErrNoSignature
}
