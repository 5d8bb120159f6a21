// Command sdk is a host backend's use of Portico's Go SDK, against the
// demo that `make run` starts: it checks an entitlement from the SDK's
// cache, reports usage through the usage buffer, and verifies a webhook
// delivery's signature.
//
//	make run                # in one terminal
//	go run ./examples/sdk   # in another
//
// PORTICO_URL is Portico's address (http://127.0.0.1:8080 by default) and
// PORTICO_SECRET_KEY its backend key (by default the one `make run` keeps
// in ./data/secret_key).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/sdk"
)

func main() {
	base := os.Getenv("PORTICO_URL")
	if base == "" {
		base = "http://127.0.0.1:8080"
	}
	key := os.Getenv("PORTICO_SECRET_KEY")
	if key == "" {
		b, err := os.ReadFile("data/secret_key")
		if err != nil {
			log.Fatalf("set PORTICO_SECRET_KEY, or run from the folder where `make run` keeps data/: %v", err)
		}
		key = strings.TrimSpace(string(b))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := run(ctx, os.Stdout, base, key); err != nil {
		// The likeliest cause on a first try: Portico is elsewhere.
		log.Fatalf("%v\n(is Portico running at %s? set PORTICO_URL to its address)", err, base)
	}
}

// run does what a host backend does with the SDK, saying what it sees.
func run(ctx context.Context, out io.Writer, base, key string) error {
	client := sdk.New(base, key)

	// The cache answers checks from memory; the event stream keeps it
	// fresh. If Portico cannot be reached and nothing is cached, "sso"
	// stays open (a fallback) and other features closed.
	ents := sdk.NewEntitlements(client, sdk.EntitlementsOptions{Fallback: sdk.Fallback{"sso": {HasAccess: true}}})
	defer ents.Close()
	if err := ents.Preload(ctx, "dennis"); err != nil {
		return fmt.Errorf("load dennis: %w", err)
	}
	sso := ents.Feature(ctx, "dennis", "sso")
	fmt.Fprintf(out, "dennis has sso: %v (answered from %s)\n", sso.HasAccess, sso.Source)
	before := ents.Feature(ctx, "dennis", "requests")
	fmt.Fprintf(out, "dennis's requests: %d used of %d\n", before.Usage, before.Limit)

	// Usage goes through a buffer: batched, each event counted once
	// however often a batch is sent again, and counted in the cache at
	// once.
	buf := sdk.NewUsageBuffer(client, sdk.UsageBufferOptions{
		OnRejected: func(ev portico.UsageEvent, fe portico.FieldError) {
			fmt.Fprintf(out, "rejected: %s %s: %s\n", ev.FeatureID, fe.Field, fe.Message)
		}})
	for range 10 {
		if err := buf.Add(portico.UsageEvent{CustomerID: "dennis", FeatureID: "requests", Value: 25}); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "after reporting 10 × 25 requests, the cache says %d used\n", ents.Feature(ctx, "dennis", "requests").Usage)
	if err := buf.Close(ctx); err != nil {
		return fmt.Errorf("send the usage: %w", err)
	}
	ev, err := client.Entitlements(ctx, "dennis", "")
	if err != nil {
		return err
	}
	for _, e := range ev {
		if e.FeatureID == "requests" {
			fmt.Fprintf(out, "Portico counted them: %d used\n", e.Usage)
		}
	}

	return verifyWebhook(out)
}

// verifyWebhook checks a delivery as a webhook receiver would. The
// delivery is signed here with a made-up secret; a real one comes from
// Portico, signed with the endpoint's secret ("whsec_…").
func verifyWebhook(out io.Writer) error {
	const secret = "whsec_example"
	body := []byte(`{"id":"evt_example","type":"entitlements.updated","createdAt":"2026-01-01T00:00:00Z","data":{"customerId":"dennis","entitlements":[]}}`)
	header := sdk.SignWebhook(body, secret, time.Now())
	if err := sdk.VerifyWebhook(body, header, secret, 5*time.Minute); err != nil {
		return fmt.Errorf("a genuine delivery failed the check: %w", err)
	}
	fmt.Fprintln(out, "webhook: the genuine delivery verifies")
	tampered := []byte(strings.Replace(string(body), "dennis", "mallory", 1))
	if err := sdk.VerifyWebhook(tampered, header, secret, 5*time.Minute); !errors.Is(err, sdk.ErrBadSignature) {
		return fmt.Errorf("a tampered delivery passed the check: %v", err)
	}
	fmt.Fprintln(out, "webhook: the tampered delivery is refused")
	return nil
}
