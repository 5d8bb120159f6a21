// Package validation checks request bodies and documents against their
// `validate` struct tags and reports each failure by its JSON path, so a
// person can see which field to fix (e.g. "plans[2].prices[0].amount").
package validation

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/go-playground/validator/v10"
	portico "github.com/portico-dev/portico"
)

// SlugPattern is the form of every ID in Portico.
var SlugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// stripeIDPattern is how Stripe writes its IDs (price_1PqR2s…).
var stripeIDPattern = regexp.MustCompile(`^[a-z]+_[A-Za-z0-9_-]+$`)

// localePattern is a language tag as catalogs key translations: a language,
// then an optional script or region ("de", "pt-BR", "zh-Hans").
var localePattern = regexp.MustCompile(`^[a-z]{2,3}(-([A-Z]{2}|[0-9]{3}|[A-Z][a-z]{3}))?$`)

var v = newValidator()

func newValidator() *validator.Validate {
	val := validator.New(validator.WithRequiredStructEnabled())
	val.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		if name == "" {
			return f.Name
		}
		return name
	})
	must(val.RegisterValidation("slug", func(fl validator.FieldLevel) bool {
		return SlugPattern.MatchString(fl.Field().String())
	}))
	// A Stripe ID is letters, digits and '_': nothing else is stored to be
	// sent to Stripe later.
	must(val.RegisterValidation("stripeid", func(fl validator.FieldLevel) bool {
		return stripeIDPattern.MatchString(fl.Field().String())
	}))
	must(val.RegisterValidation("locale", func(fl validator.FieldLevel) bool {
		return localePattern.MatchString(fl.Field().String())
	}))
	must(val.RegisterValidation("currency", func(fl validator.FieldLevel) bool {
		s := fl.Field().String()
		return s == strings.ToLower(s) && val.Var(strings.ToUpper(s), "iso4217") == nil
	}))
	for _, e := range enums() {
		must(val.RegisterValidation(e.tag, func(fl validator.FieldLevel) bool {
			return slices.Contains(e.values, fl.Field().String())
		}))
	}
	return val
}

// enum is a validation tag accepting the values of one of the domain's
// enumerations.
type enum struct {
	tag    string
	typ    reflect.Type
	values []string
}

// enums are the domain's enumerations by their validation tag. Each accepts
// what its type's Values method lists, so the accepted values are written
// once, beside the type's constants.
func enums() []enum {
	return []enum{
		enumOf("feature_type", portico.FeatureType.Values),
		enumOf("reset_period", portico.ResetPeriod.Values),
		enumOf("subscription_type", portico.SubscriptionType.Values),
		enumOf("pricing", portico.Pricing.Values),
		enumOf("billing_period", portico.BillingPeriod.Values),
		enumOf("journey_start", portico.JourneyStart.Values),
		enumOf("timing", portico.Timing.Values),
		enumOf("usage_reset", portico.UsageReset.Values),
		enumOf("after_cancel", portico.AfterCancel.Values),
		enumOf("billing_flow", portico.BillingFlow.Values),
		enumOf("charge_model", portico.ChargeModel.Values),
		enumOf("tiers_mode", portico.TiersMode.Values),
		// Webhooks: an endpoint's events are known types, or "*" for all.
		enumOf("event_type", func(t portico.EventType) []portico.EventType {
			return append(t.Values(), portico.AllEvents)
		}),
	}
}

func enumOf[T ~string](tag string, values func(T) []T) enum {
	var zero T
	e := enum{tag: tag, typ: reflect.TypeFor[T]()}
	for _, v := range values(zero) {
		e.values = append(e.values, string(v))
	}
	return e
}

// enumValues are the values an enumeration's tag accepts.
func enumValues(tag string) ([]string, bool) {
	for _, e := range enums() {
		if e.tag == tag {
			return e.values, true
		}
	}
	return nil, false
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// Struct validates s and returns a portico 422 error naming every bad field,
// or nil. Field paths are relative to s, prefixed with prefix when given.
func Struct(s any, prefix string) error {
	err := v.Struct(s)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return err
	}
	fields := make([]portico.FieldError, 0, len(verrs))
	for _, fe := range verrs {
		fields = append(fields, portico.FieldError{Field: path(fe.Namespace(), prefix), Message: message(fe)})
	}
	return portico.Invalids(fields)
}

// path drops the root type's name ("Catalog.plans[0].id" → "plans[0].id").
func path(namespace, prefix string) string {
	_, rest, ok := strings.Cut(namespace, ".")
	if !ok {
		rest = namespace
	}
	if prefix != "" {
		return prefix + "." + rest
	}
	return rest
}

// message says what is wrong in words a person understands.
func message(fe validator.FieldError) string {
	switch fe.Tag() {
	case "required", "required_if":
		return "is required"
	case "slug":
		return "must be a slug: lower-case letters, digits, '-' or '_', starting with a letter or digit, at most 64 characters"
	case "locale":
		return fmt.Sprintf("%q is not a language tag such as \"de\" or \"pt-BR\"", fe.Value())
	case "currency":
		return "must be a lower-case ISO 4217 currency code such as \"usd\""
	case "stripeid":
		return "must be a Stripe ID: its prefix, '_', then letters, digits, '_' or '-'"
	case "min":
		if fe.Kind() == reflect.Slice || fe.Kind() == reflect.String {
			return fmt.Sprintf("must have at least %s items or characters", fe.Param())
		}
		return "must be at least " + fe.Param()
	case "max":
		if fe.Kind() == reflect.Slice || fe.Kind() == reflect.Map {
			return fmt.Sprintf("must have at most %s items", fe.Param())
		}
		if fe.Kind() == reflect.String {
			return fmt.Sprintf("must be at most %s characters", fe.Param())
		}
		return "must be at most " + fe.Param()
	case "startswith":
		return fmt.Sprintf("must start with %q", fe.Param())
	case "len":
		return fmt.Sprintf("must be exactly %s characters", fe.Param())
	case "email":
		return "must be an email address"
	case "url":
		return "must be an absolute URL"
	case "http_url":
		return "must be an absolute http or https URL"
	case "unique":
		return "must not name a value twice"
	case "numeric":
		return "must contain digits only"
	case "iso3166_1_alpha2":
		return "must be a two-letter ISO 3166 country code such as \"US\""
	}
	if values, ok := enumValues(fe.Tag()); ok {
		return "must be one of: " + strings.Join(values, ", ")
	}
	return fmt.Sprintf("fails the %q rule", fe.Tag())
}
