package session

import (
	"errors"
	"testing"
	"time"
	"unicode/utf8"

	portico "github.com/portico-dev/portico"
)

// fuzzKey is the secret key the seed tokens under testdata/fuzz were minted
// with; fuzzNow is the time they are verified at (they expire later).
const fuzzKey = "sk_test_fuzz"

var fuzzNow = time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)

// FuzzVerify checks that any string, verified as a portal session token,
// is either refused with one of Verify's errors or is exactly the token
// Mint gives for the claims it carries: no second spelling of a token, no
// token not minted with the key. A token that verifies stops verifying when
// any one of its bytes is changed, and under another key.
func FuzzVerify(f *testing.F) {
	s := NewSigner(fuzzKey)
	exp := fuzzNow.Add(time.Hour)
	f.Add(s.Mint(Session{Scope: portico.PortalScope{CustomerID: "ada"}, ReturnURL: "", ExpiresAt: exp}), uint16(0), byte('x'))
	f.Add(s.Mint(Session{Scope: portico.PortalScope{CustomerID: "ken", ProductID: "sites", ResourceID: "blog"}, ReturnURL: "https://app.example.com/account", ExpiresAt: exp}), uint16(40), byte('A'))
	f.Add(s.Mint(Session{Scope: portico.PortalScope{CustomerID: "grace", ProductID: "acme"}, ReturnURL: "", ExpiresAt: exp}), uint16(65535), byte('.'))
	f.Add(s.Mint(Session{Scope: portico.PortalScope{CustomerID: "ada"}, ReturnURL: "", ExpiresAt: fuzzNow}), uint16(3), byte('_'))
	f.Add(NewSigner("sk_other").Mint(Session{Scope: portico.PortalScope{CustomerID: "ada"}, ReturnURL: "", ExpiresAt: exp}), uint16(9), byte('='))
	f.Add("", uint16(0), byte(0))
	f.Add("ps_", uint16(0), byte(0))
	f.Add("ps_.", uint16(1), byte('.'))
	f.Add("sk_test_fuzz", uint16(0), byte('p'))
	f.Add("ps_eyJjIjoiYWRhIiwiZSI6OTk5OTk5OTk5OX0.AAAA", uint16(5), byte('Z'))

	other := NewSigner("sk_test_fuzz_other")
	f.Fuzz(func(t *testing.T, token string, at uint16, b byte) {
		sess, err := s.Verify(token, fuzzNow)
		if err != nil {
			if sess != nil {
				t.Fatalf("Verify(%q) returned a session with error %v", token, err)
			}
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrSignature) && !errors.Is(err, ErrExpired) {
				t.Fatalf("Verify(%q): unexpected error %v", token, err)
			}
			return
		}
		if sess.Scope.CustomerID == "" || !fuzzNow.Before(sess.ExpiresAt) {
			t.Fatalf("Verify(%q) accepted a session without a customer or already expired: %+v", token, sess)
		}
		if again := s.Mint(*sess); again != token {
			t.Fatalf("Verify accepted %q, which is not the token minted for its claims (%q)", token, again)
		}
		if _, err := other.Verify(token, fuzzNow); !errors.Is(err, ErrSignature) {
			t.Fatalf("a token verified under another key: %v", err)
		}
		i := int(at) % len(token)
		if token[i] == b {
			return
		}
		tampered := token[:i] + string([]byte{b}) + token[i+1:]
		if got, err := s.Verify(tampered, fuzzNow); err == nil {
			t.Fatalf("token with byte %d changed to %q verified: %q → %+v", i, b, tampered, got)
		}
	})
}

// FuzzMint checks that whatever a session holds comes back from Verify
// unchanged (strings as JSON carries them: valid UTF-8), until it expires.
func FuzzMint(f *testing.F) {
	f.Add("ada", "", "", "", int64(3600))
	f.Add("ken", "sites", "blog", "https://app.example.com/account?tab=billing", int64(86400))
	f.Add("grace", "acme", "", "http://127.0.0.1:8080/", int64(1))
	f.Add("zoë", "prodüct", "a.b", "https://x.test/\"quoted\"", int64(0))
	f.Add("ada", "", "", "", int64(-1))

	s := NewSigner(fuzzKey)
	f.Fuzz(func(t *testing.T, customer, product, resource, returnURL string, ttl int64) {
		if customer == "" || ttl > 1<<40 || ttl < -(1<<40) {
			return // Verify refuses a session without a customer; Unix seconds stay in range
		}
		for _, s := range []string{customer, product, resource, returnURL} {
			if !utf8.ValidString(s) {
				return
			}
		}
		scope := portico.PortalScope{CustomerID: customer, ProductID: product, ResourceID: resource}
		expires := fuzzNow.Add(time.Duration(ttl) * time.Second)
		tok := s.Mint(Session{Scope: scope, ReturnURL: returnURL, ExpiresAt: expires})
		got, err := s.Verify(tok, fuzzNow)
		if ttl <= 0 {
			if !errors.Is(err, ErrExpired) {
				t.Fatalf("a session expiring at %v verified at %v: %+v, %v", expires, fuzzNow, got, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("Verify(Mint(%+v, %q)): %v", scope, returnURL, err)
		}
		if got.Scope != scope || got.ReturnURL != returnURL || !got.ExpiresAt.Equal(expires) {
			t.Fatalf("minted %+v %q %v, verified %+v", scope, returnURL, expires, got)
		}
	})
}
