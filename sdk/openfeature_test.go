package sdk_test

import (
	"io"
	"log/slog"
	"math"
	"net"
	"testing"
	"time"

	of "github.com/open-feature/go-sdk/openfeature"

	"github.com/portico-dev/portico/sdk"
	"github.com/portico-dev/portico/sdk/openfeature"
)

// OpenFeature flags answer from the entitlement cache: booleans are
// access, numbers what remains of a limit (or the limit, or the usage),
// with the reason saying where the answer came from.
func TestOpenFeatureFlags(t *testing.T) {
	p := startPortico(t)
	ec := newCache(t, p.client(), sdk.EntitlementsOptions{})
	waitLive(t, ec)
	if err := of.SetProviderAndWait(openfeature.NewProvider(ec)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(of.Shutdown)
	client := of.NewClient("portico-test")
	ctx := ctxT(t)
	barbara := of.NewEvaluationContext("barbara", nil)

	d, err := client.BooleanValueDetails(ctx, "audit-log", false, barbara)
	if err != nil || !d.Value || d.Reason != of.CachedReason {
		t.Fatalf("audit-log for barbara (basic): %+v, %v; want true, CACHED", d, err)
	}
	if v, _ := client.BooleanValue(ctx, "sso", true, barbara); v {
		t.Fatal("sso for barbara (basic): true")
	}
	// Barbara has used 9,620 of 10,000 API calls.
	if n, err := client.IntValue(ctx, "api-calls", 0, barbara); err != nil || n != 380 {
		t.Fatalf("api-calls remaining: %d, %v; want 380", n, err)
	}
	if n, _ := client.IntValue(ctx, "api-calls.limit", 0, barbara); n != 10000 {
		t.Fatalf("api-calls.limit: %d", n)
	}
	if f, _ := client.FloatValue(ctx, "api-calls.usage", 0, barbara); f != 9620 {
		t.Fatalf("api-calls.usage: %v", f)
	}
	margaret := of.NewEvaluationContext("margaret", nil)
	if n, _ := client.IntValue(ctx, "seats", 0, margaret); n != math.MaxInt64 {
		t.Fatalf("unlimited seats remaining: %d", n)
	}
	ken := of.NewEvaluationContext("ken", map[string]any{openfeature.ResourceAttribute: "blog"})
	if v, _ := client.BooleanValue(ctx, "custom-domain", false, ken); !v {
		t.Fatal("ken's blog has a custom domain")
	}
	// Errors leave the caller's default.
	if v, err := client.BooleanValue(ctx, "sso", true, of.NewEvaluationContext("", nil)); err == nil || !v {
		t.Fatalf("no targeting key: %v, %v; want the default and an error", v, err)
	}
	if n, err := client.IntValue(ctx, "audit-log", 7, barbara); err == nil || n != 7 {
		t.Fatalf("a boolean feature as a number: %d, %v; want the default and a type mismatch", n, err)
	}
}

// With Portico unreachable, a feature's fallback is a STATIC answer; a
// feature without one is an ERROR, so the caller's default applies.
func TestOpenFeatureFallbacks(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	c := sdk.New("http://"+addr, secretKey, sdk.WithRetries(0, time.Millisecond, time.Millisecond),
		sdk.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	ec := newCache(t, c, sdk.EntitlementsOptions{Fallback: sdk.Fallback{"sso": {HasAccess: true}}})
	prov := openfeature.NewProvider(ec)
	flat := of.FlattenedContext{of.TargetingKey: "dennis"}
	ctx := ctxT(t)
	d := prov.BooleanEvaluation(ctx, "sso", false, flat)
	if !d.Value || d.Reason != of.StaticReason || d.Error() != nil || d.FlagMetadata["source"] != "fallback" {
		t.Fatalf("sso while down: %+v, want true, STATIC", d)
	}
	d = prov.BooleanEvaluation(ctx, "audit-log", true, flat)
	if !d.Value || d.Reason != of.ErrorReason || d.Error() == nil {
		t.Fatalf("audit-log while down, no fallback: %+v, want the default, ERROR", d)
	}
}
