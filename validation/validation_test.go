package validation

import (
	"testing"

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
