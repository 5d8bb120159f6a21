package validation

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	portico "github.com/portico-dev/portico"
)

func TestStructNamesFieldsByJSONPath(t *testing.T) {
	c := portico.Catalog{Plans: []portico.Plan{
		{ID: "ok", ProductID: "app", Name: "Ok", Pricing: "free"},
		{ID: "Bad ID", ProductID: "app", Name: "Pro", Pricing: "paid",
			Prices: []portico.Price{{BillingPeriod: "weekly", Amount: -1, Currency: "USD"}}},
	}}
	err := Struct(&c, "")
	got := map[string]string{}
	for _, f := range err.(*portico.Error).Fields {
		got[f.Field] = f.Message
	}
	for _, want := range []string{"plans[1].id", "plans[1].prices[0].billingPeriod", "plans[1].prices[0].amount", "plans[1].prices[0].currency"} {
		if got[want] == "" {
			t.Errorf("no error for %s; got %v", want, got)
		}
	}
	if len(got) != 4 {
		t.Errorf("got %d errors, want 4: %v", len(got), got)
	}
}

func TestCurrencyAcceptsLowerCaseISOCodes(t *testing.T) {
	for cur, ok := range map[string]bool{"usd": true, "eur": true, "USD": false, "xyz": false, "us": false} {
		err := Struct(&portico.Price{BillingPeriod: "monthly", Currency: cur}, "")
		if (err == nil) != ok {
			t.Errorf("currency %q: err = %v, want ok=%v", cur, err, ok)
		}
	}
}

func TestAStripePriceIDMustBeAPriceID(t *testing.T) {
	err := Struct(&portico.Price{BillingPeriod: "monthly", Currency: "usd", StripePriceID: "prod_123"}, "")
	var perr *portico.Error
	if !errors.As(err, &perr) || len(perr.Fields) != 1 || perr.Fields[0].Field != "stripePriceId" ||
		perr.Fields[0].Message != `must start with "price_"` {
		t.Errorf("a product ID as the Stripe price: %v", err)
	}
}

// Only what Stripe writes is stored to be sent to Stripe: no quote, no
// markup, no space.
func TestAStripePriceIDHoldsOnlyWhatStripeWrites(t *testing.T) {
	for id, ok := range map[string]bool{"price_1PqR2sAbC": true, "price_pro_monthly": true,
		`price_x"><img src=x onerror=alert(1)>`: false, "price_a b": false, "price_": false, "price_é": false} {
		err := Struct(&portico.Price{BillingPeriod: "monthly", Currency: "usd", StripePriceID: id}, "")
		var perr *portico.Error
		switch {
		case ok && err != nil:
			t.Errorf("%q refused: %v", id, err)
		case !ok && (!errors.As(err, &perr) || len(perr.Fields) != 1 || perr.Fields[0].Field != "stripePriceId"):
			t.Errorf("%q: %v, want a refusal naming stripePriceId", id, err)
		}
	}
}

func TestDecodeErrorsNameTheFieldWithIndices(t *testing.T) {
	type addon struct {
		ID       string `json:"id"`
		Quantity int    `json:"quantity"`
	}
	type req struct {
		PlanID    string     `json:"planId"`
		Addons    []addon    `json:"addons"`
		ExpiresAt *time.Time `json:"expiresAt"`
	}
	cases := map[string]string{
		`{"planId":"pro","addons":[{"id":"a","quantity":1},{"id":"b","quantity":"two"}]}`: "addons[1].quantity",
		`{"planId":7}`:                                 "planId",
		`{"addons":[{"id":"a","colour":"red"}]}`:       "addons[0].colour",
		`{"planId":"pro","expiresAt":"next week"}`:     "expiresAt",
		`{"planId":"pro","expiresAt":1767225600}`:      "expiresAt",
		`{"planId":"pro","addons":{"id":"a"}}`:         "addons",
		`{"planId":"pro","addons":[{"id":"a"}],"x":1}`: "x",
		// A name known elsewhere is blamed where it is not known.
		`{"planId":"pro","addons":[{"id":"a","planId":"b"}]}`: "addons[0].planId",
	}
	for body, want := range cases {
		dec := json.NewDecoder(strings.NewReader(body))
		dec.DisallowUnknownFields()
		var r req
		err := DecodeError(dec.Decode(&r), []byte(body), &r)
		var e *portico.Error
		if !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Field != want {
			t.Errorf("%s: %v, want the field %q", body, err, want)
		}
	}
}

// Each enumeration's tag accepts exactly what its type's Values lists, and
// a refusal names those values.
func TestEnumTagsAcceptTheirTypesValues(t *testing.T) {
	for _, e := range enums() {
		for _, value := range e.values {
			if err := v.Var(value, e.tag); err != nil {
				t.Errorf("%s refuses %q: %v", e.tag, value, err)
			}
		}
		if err := v.Var("nope", e.tag); err == nil {
			t.Errorf("%s accepts %q", e.tag, "nope")
		}
	}
	err := Struct(&portico.Plan{ID: "p", ProductID: "app", Name: "P", Pricing: "gratis"}, "")
	var perr *portico.Error
	if !errors.As(err, &perr) || len(perr.Fields) != 1 || perr.Fields[0].Field != "pricing" ||
		perr.Fields[0].Message != "must be one of: free, paid, custom" {
		t.Errorf("an unknown pricing: %v", err)
	}
}

// Every field of an enumeration's type, in the documents and requests
// Portico validates, is checked against its type's values.
func TestEnumFieldsAreValidated(t *testing.T) {
	tags := map[reflect.Type]string{}
	for _, e := range enums() {
		tags[e.typ] = e.tag
	}
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type)
	walk = func(typ reflect.Type) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Map {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || seen[typ] {
			return
		}
		seen[typ] = true
		for f := range typ.Fields() {
			if tag, ok := tags[f.Type]; ok && !slices.Contains(strings.Split(f.Tag.Get("validate"), ","), tag) {
				t.Errorf("%s.%s (%s) is not validated with %q", typ.Name(), f.Name, f.Type.Name(), tag)
			}
			walk(f.Type)
		}
	}
	for _, root := range []any{portico.Catalog{}, portico.ChangeRequest{}, portico.BillingSessionRequest{},
		portico.CreateCustomerRequest{}, portico.CancelRequest{}, portico.PromotionRequest{}, portico.UsageRequest{},
		portico.PortalSessionRequest{}, portico.AdvanceRequest{}} {
		walk(reflect.TypeOf(root))
	}
	if len(seen) < 10 {
		t.Errorf("walked %d types, want the catalog's and the requests'", len(seen))
	}
}
