// Package host is what the example hosts share: the part of a SaaS's own
// backend that talks to Portico. A real host does the same from its
// server: it holds the secret key and mints a portal session for the
// signed-in customer; the browser only ever sees the session.
package host

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"time"
)

// Portico is a Portico server as the host's backend sees it.
type Portico struct {
	URL       string // e.g. http://127.0.0.1:8080
	SecretKey string
}

// FromEnv reads PORTICO_URL and PORTICO_SECRET_KEY.
func FromEnv() (Portico, error) {
	p := Portico{URL: os.Getenv("PORTICO_URL"), SecretKey: os.Getenv("PORTICO_SECRET_KEY")}
	if p.URL == "" {
		p.URL = "http://127.0.0.1:8080"
	}
	if p.SecretKey == "" {
		return p, fmt.Errorf("PORTICO_SECRET_KEY is not set: the host needs Portico's secret key to open portal sessions")
	}
	return p, nil
}

// Wait waits until Portico answers its health check.
func (p Portico) Wait(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.URL+"/healthz", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("Portico at %s does not answer: %w", p.URL, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Session opens a portal session for a customer and returns its token.
func (p Portico) Session(ctx context.Context, customerID string) (string, error) {
	body, _ := json.Marshal(map[string]string{"customerId": customerID})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.URL+"/api/v1/portal-sessions", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+p.SecretKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("opening a portal session for %q: Portico answered %s", customerID, resp.Status)
	}
	var out struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return "", err
	}
	return out.Token, nil
}
