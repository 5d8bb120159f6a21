// Package openfeature is an OpenFeature provider answering flags from
// Portico's entitlements, for host backends that already gate features
// through OpenFeature (github.com/open-feature/go-sdk).
//
// A flag is a feature ID; the evaluation context's targeting key is the
// customer ID and its "resourceId" attribute, when set, the resource.
//
//   - Boolean flags: access to the feature.
//   - Integer and float flags: what remains of the feature's limit (limit
//     less usage, at least 0). "<feature>.limit" is the limit itself and
//     "<feature>.usage" the usage; an unlimited feature's remaining and
//     limit are math.MaxInt64 (integers) or +Inf (floats).
//   - Object flags: the whole portico.EntitlementView.
//
// Reasons: CACHED for an answer from the SDK's cache (flag metadata
// "stale" is true while the event stream is down), STATIC for a
// configured fallback (Portico unreachable, nothing cached), ERROR when
// there is neither (the caller's default is used).
package openfeature

import (
	"context"
	"errors"
	"math"
	"strings"

	of "github.com/open-feature/go-sdk/openfeature"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/sdk"
)

// ResourceAttribute is the evaluation context's attribute naming the
// resource.
const ResourceAttribute = "resourceId"

// Provider answers flags from an entitlement cache.
type Provider struct {
	ents *sdk.Entitlements
}

var _ of.FeatureProvider = (*Provider)(nil)

// NewProvider returns a provider over the cache; the caller keeps the
// cache and closes it.
func NewProvider(ents *sdk.Entitlements) *Provider { return &Provider{ents: ents} }

// Metadata names the provider.
func (p *Provider) Metadata() of.Metadata { return of.Metadata{Name: "Portico"} }

// Hooks are none.
func (p *Provider) Hooks() []of.Hook { return nil }

// answer is the entitlement a flag asks about, or the resolution error
// that makes the caller's default the value.
func (p *Provider) answer(ctx context.Context, flag string, flat of.FlattenedContext) (sdk.Entitlement, string, *of.ProviderResolutionDetail) {
	customer, _ := flat[of.TargetingKey].(string)
	if customer == "" {
		return sdk.Entitlement{}, "", failed(of.NewTargetingKeyMissingResolutionError("the targeting key must be the customer ID"))
	}
	resource, _ := flat[ResourceAttribute].(string)
	feature, part, _ := strings.Cut(flag, ".")
	e := p.ents.ResourceFeature(ctx, customer, resource, feature)
	switch {
	case errors.Is(e.Err, sdk.ErrNotFound):
		return e, part, failed(of.NewInvalidContextResolutionError("Portico does not know customer " + customer))
	case e.Source == sdk.SourceNone:
		return e, part, failed(of.NewGeneralResolutionError("Portico could not be reached and the feature has no fallback", e.Err))
	}
	return e, part, nil
}

func failed(err of.ResolutionError) *of.ProviderResolutionDetail {
	return &of.ProviderResolutionDetail{ResolutionError: err, Reason: of.ErrorReason}
}

// detail is the reason and metadata of an answer.
func detail(e sdk.Entitlement, variant string) of.ProviderResolutionDetail {
	reason := of.CachedReason
	if e.Source == sdk.SourceFallback {
		reason = of.StaticReason
	}
	return of.ProviderResolutionDetail{Reason: reason, Variant: variant,
		FlagMetadata: of.FlagMetadata{"source": string(e.Source), "stale": e.Stale}}
}

// BooleanEvaluation answers access to the feature.
func (p *Provider) BooleanEvaluation(ctx context.Context, flag string, def bool, flat of.FlattenedContext) of.BoolResolutionDetail {
	e, part, fail := p.answer(ctx, flag, flat)
	if fail != nil {
		return of.BoolResolutionDetail{Value: def, ProviderResolutionDetail: *fail}
	}
	if part != "" {
		return of.BoolResolutionDetail{Value: def, ProviderResolutionDetail: *failed(of.NewTypeMismatchResolutionError(flag + " is a number"))}
	}
	variant := "off"
	if e.HasAccess {
		variant = "on"
	}
	return of.BoolResolutionDetail{Value: e.HasAccess, ProviderResolutionDetail: detail(e, variant)}
}

// IntEvaluation answers what remains of the limit, the limit or the usage.
func (p *Provider) IntEvaluation(ctx context.Context, flag string, def int64, flat of.FlattenedContext) of.IntResolutionDetail {
	e, part, fail := p.answer(ctx, flag, flat)
	if fail != nil {
		return of.IntResolutionDetail{Value: def, ProviderResolutionDetail: *fail}
	}
	n, unlimited, err := number(e, part)
	if err != nil {
		return of.IntResolutionDetail{Value: def, ProviderResolutionDetail: *failed(*err)}
	}
	if unlimited {
		n = math.MaxInt64
	}
	return of.IntResolutionDetail{Value: n, ProviderResolutionDetail: detail(e, part)}
}

// FloatEvaluation is IntEvaluation as a float.
func (p *Provider) FloatEvaluation(ctx context.Context, flag string, def float64, flat of.FlattenedContext) of.FloatResolutionDetail {
	e, part, fail := p.answer(ctx, flag, flat)
	if fail != nil {
		return of.FloatResolutionDetail{Value: def, ProviderResolutionDetail: *fail}
	}
	n, unlimited, err := number(e, part)
	if err != nil {
		return of.FloatResolutionDetail{Value: def, ProviderResolutionDetail: *failed(*err)}
	}
	v := float64(n)
	if unlimited {
		v = math.Inf(1)
	}
	return of.FloatResolutionDetail{Value: v, ProviderResolutionDetail: detail(e, part)}
}

// number is the part of a limited feature a numeric flag asks for: ""
// or "remaining", "limit", "usage".
func number(e sdk.Entitlement, part string) (n int64, unlimited bool, err *of.ResolutionError) {
	if e.Type == portico.FeatureBoolean {
		fail := of.NewTypeMismatchResolutionError(e.FeatureID + " is a boolean feature: evaluate it as a boolean")
		return 0, false, &fail
	}
	switch part {
	case "", "remaining":
		return max(e.Limit-e.Usage, 0), e.Unlimited, nil
	case "limit":
		return e.Limit, e.Unlimited, nil
	case "usage":
		return e.Usage, false, nil
	}
	fail := of.NewFlagNotFoundResolutionError("unknown part ." + part + ": use .remaining, .limit or .usage")
	return 0, false, &fail
}

// StringEvaluation has no meaning for entitlements.
func (p *Provider) StringEvaluation(_ context.Context, flag string, def string, _ of.FlattenedContext) of.StringResolutionDetail {
	return of.StringResolutionDetail{Value: def,
		ProviderResolutionDetail: *failed(of.NewTypeMismatchResolutionError(flag + ": entitlements are booleans, numbers or objects"))}
}

// ObjectEvaluation answers the whole entitlement (portico.EntitlementView).
func (p *Provider) ObjectEvaluation(ctx context.Context, flag string, def any, flat of.FlattenedContext) of.InterfaceResolutionDetail {
	e, _, fail := p.answer(ctx, flag, flat)
	if fail != nil {
		return of.InterfaceResolutionDetail{Value: def, ProviderResolutionDetail: *fail}
	}
	return of.InterfaceResolutionDetail{Value: e.EntitlementView, ProviderResolutionDetail: detail(e, "")}
}
