package session

import (
	"errors"
	"strings"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
)

func TestTokensVerifyOnlyUnchangedAndUnexpired(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := NewSigner("sk_test")
	scope := portico.PortalScope{CustomerID: "ada", ProductID: "app", ResourceID: "site-1"}
	tok := s.Mint(Session{Scope: scope, ReturnURL: "https://example.com/back", ExpiresAt: now.Add(time.Hour)})

	got, err := s.Verify(tok, now)
	if err != nil || got.Scope != scope || got.ReturnURL != "https://example.com/back" {
		t.Fatalf("Verify = %+v, %v", got, err)
	}
	if _, err := s.Verify(tok, now.Add(time.Hour)); !errors.Is(err, ErrExpired) {
		t.Errorf("at expiry: %v, want ErrExpired", err)
	}
	if _, err := NewSigner("sk_other").Verify(tok, now); !errors.Is(err, ErrSignature) {
		t.Errorf("other key: %v, want ErrSignature", err)
	}
	// Another customer's claims under the original signature must fail.
	body, sig, _ := strings.Cut(strings.TrimPrefix(tok, Prefix), ".")
	other := s.Mint(Session{Scope: portico.PortalScope{CustomerID: "eve"}, ReturnURL: "", ExpiresAt: now.Add(time.Hour)})
	otherBody, _, _ := strings.Cut(strings.TrimPrefix(other, Prefix), ".")
	if _, err := s.Verify(Prefix+otherBody+"."+sig, now); !errors.Is(err, ErrSignature) {
		t.Errorf("swapped body: %v, want ErrSignature", err)
	}
	// Each token has one spelling: flipping the unused low bits of the last
	// signature character must not verify.
	last := sig[len(sig)-1]
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	i := strings.IndexByte(alphabet, last)
	spare := Prefix + body + "." + sig[:len(sig)-1] + string(alphabet[i^1])
	for _, bad := range []string{"", "sk_abc", Prefix + body, Prefix + "!!." + sig, Prefix + body + ".%%", spare} {
		if _, err := s.Verify(bad, now); err == nil {
			t.Errorf("Verify(%q) accepted", bad)
		}
	}
}

// Tokens verified before are remembered within a bound, and what a caller
// does with one answer does not change the next.
func TestVerifiedTokensAreRememberedWithinABound(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := NewSigner("sk_test")
	for i := range verifiedLimit + 10 {
		tok := s.Mint(Session{Scope: portico.PortalScope{CustomerID: "c" + strings.Repeat("x", i%7)}, ReturnURL: "", ExpiresAt: now.Add(time.Duration(i+1) * time.Second)})
		if _, err := s.Verify(tok, now); err != nil {
			t.Fatalf("token %d: %v", i, err)
		}
		if len(s.verified) > verifiedLimit {
			t.Fatalf("%d tokens remembered", len(s.verified))
		}
	}
	tok := s.Mint(Session{Scope: portico.PortalScope{CustomerID: "ada"}, ReturnURL: "", ExpiresAt: now.Add(time.Hour)})
	first, _ := s.Verify(tok, now)
	first.Scope.CustomerID = "eve"
	if again, err := s.Verify(tok, now); err != nil || again.Scope.CustomerID != "ada" {
		t.Errorf("the second answer is %+v, %v", again, err)
	}
}

// A session's locale travels in its token, signed like the rest: a
// fresh signer (another replica) reads it back.
func TestASessionCarriesItsLocale(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tok := NewSigner("sk_test").Mint(Session{Scope: portico.PortalScope{CustomerID: "ada"}, Locale: "pt-BR", ExpiresAt: now.Add(time.Hour)})
	got, err := NewSigner("sk_test").Verify(tok, now)
	if err != nil || got.Locale != "pt-BR" {
		t.Fatalf("Verify = %+v, %v; want the locale pt-BR", got, err)
	}
	plain := NewSigner("sk_test").Mint(Session{Scope: portico.PortalScope{CustomerID: "ada"}, ExpiresAt: now.Add(time.Hour)})
	if len(plain) >= len(tok) {
		t.Errorf("a session without a locale carries one: %q", plain)
	}
}
