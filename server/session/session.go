// Package session mints and verifies portal session tokens: short-lived,
// HMAC-signed and scoped to one customer (and optionally one product and
// resource), like the links of Stripe's billing portal. The browser holds
// only such a token, never the secret key.
package session

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"hash"
	"strings"
	"sync"
	"time"

	portico "github.com/portico-dev/portico"
)

// Prefix marks portal session tokens, so logs and people can tell them from
// secret keys at a glance.
const Prefix = "ps_"

// Errors of Verify.
var (
	ErrMalformed = errors.New("malformed portal session token")
	ErrSignature = errors.New("portal session token signature does not match")
	ErrExpired   = errors.New("portal session has expired")
)

// Signer mints and verifies tokens with one key.
type Signer struct {
	key []byte
	// macs are keyed HMACs kept for reuse: setting one up hashes the key
	// twice and allocates, a tenth of a portal call when done every time.
	macs sync.Pool
	// verified are tokens whose signature and claims were checked, so a
	// portal's calls skip the MAC and the decoding (most of a token check);
	// only the expiry is checked again. Bounded: emptied when full.
	mu       sync.RWMutex
	verified map[string]Session
}

// verifiedLimit bounds the tokens remembered as verified.
const verifiedLimit = 4096

// NewSigner derives the signing key from the backend secret key, so every
// replica sharing the secret verifies every replica's tokens, and rotating
// the secret key ends all sessions.
func NewSigner(secretKey string) *Signer {
	mac := hmac.New(sha256.New, []byte(secretKey))
	mac.Write([]byte("portico portal session v1"))
	s := &Signer{key: mac.Sum(nil)}
	s.macs.New = func() any { return hmac.New(sha256.New, s.key) }
	return s
}

// claims is the signed payload. Short names keep URLs short.
type claims struct {
	Customer string `json:"c"`
	Product  string `json:"p,omitempty"`
	Resource string `json:"r,omitempty"`
	Return   string `json:"u,omitempty"`
	Support  string `json:"s,omitempty"`
	Locale   string `json:"l,omitempty"`
	Expires  int64  `json:"e"`
}

// Session is a token's content: whose portal it opens and until when.
type Session struct {
	Scope     portico.PortalScope
	ReturnURL string
	// SupportURL, when set, is where this session's "Contact support" leads.
	SupportURL string
	// Locale, when set, is the locale the portal is shown in, whatever the
	// page's URL or the browser asks for.
	Locale    string
	ExpiresAt time.Time
}

// Mint returns a token for the session, valid until its ExpiresAt (kept to
// the second).
func (s *Signer) Mint(sess Session) string {
	scope := sess.Scope
	payload, _ := json.Marshal(claims{Customer: scope.CustomerID, Product: scope.ProductID,
		Resource: scope.ResourceID, Return: sess.ReturnURL, Support: sess.SupportURL, Locale: sess.Locale, Expires: sess.ExpiresAt.Unix()})
	body := base64.RawURLEncoding.EncodeToString(payload)
	return Prefix + body + "." + base64.RawURLEncoding.EncodeToString(s.sign(body))
}

func (s *Signer) sign(body string) []byte {
	mac := s.macs.Get().(hash.Hash)
	defer s.macs.Put(mac)
	mac.Reset()
	mac.Write([]byte(body))
	return mac.Sum(nil)
}

// Verify checks a token's signature and expiry at now.
func (s *Signer) Verify(token string, now time.Time) (*Session, error) {
	s.mu.RLock()
	known, ok := s.verified[token]
	s.mu.RUnlock()
	if !ok {
		var err error
		if known, err = s.verify(token); err != nil {
			return nil, err
		}
		s.remember(token, known)
	}
	if !now.Before(known.ExpiresAt) {
		return nil, ErrExpired
	}
	return &known, nil
}

func (s *Signer) remember(token string, sess Session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.verified == nil || len(s.verified) >= verifiedLimit {
		s.verified = make(map[string]Session)
	}
	s.verified[token] = sess
}

// verify checks a token's signature and reads its claims.
func (s *Signer) verify(token string) (Session, error) {
	rest, ok := strings.CutPrefix(token, Prefix)
	if !ok {
		return Session{}, ErrMalformed
	}
	body, sig, ok := strings.Cut(rest, ".")
	if !ok {
		return Session{}, ErrMalformed
	}
	got, err := base64.RawURLEncoding.Strict().DecodeString(sig)
	// The decoder skips line breaks: a signature is taken in its one
	// spelling only.
	if err != nil || len(sig) != base64.RawURLEncoding.EncodedLen(len(got)) {
		return Session{}, ErrMalformed
	}
	if !hmac.Equal(got, s.sign(body)) {
		return Session{}, ErrSignature
	}
	payload, err := base64.RawURLEncoding.Strict().DecodeString(body)
	if err != nil {
		return Session{}, ErrMalformed
	}
	var c claims
	if err := json.Unmarshal(payload, &c); err != nil || c.Customer == "" {
		return Session{}, ErrMalformed
	}
	return Session{Scope: portico.PortalScope{CustomerID: c.Customer, ProductID: c.Product, ResourceID: c.Resource},
		ReturnURL: c.Return, SupportURL: c.Support, Locale: c.Locale, ExpiresAt: time.Unix(c.Expires, 0).UTC()}, nil
}
