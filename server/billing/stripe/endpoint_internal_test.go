package stripebilling

import (
	"net/http/httptest"
	"testing"
)

// The metrics name each endpoint Portico calls once, whatever the IDs in
// its path, real Stripe ones or the short ones of test doubles.
func TestEndpointReplacesObjectIDs(t *testing.T) {
	for path, want := range map[string]string{
		"/v1/balance":                                                 "/v1/balance",
		"/v1/customers":                                               "/v1/customers",
		"/v1/customers/cus_NffrFeUfNV2Hib":                            "/v1/customers/{id}",
		"/v1/customers/cus_acme":                                      "/v1/customers/{id}",
		"/v1/customers/cus_abcdefghijklmnop":                          "/v1/customers/{id}",
		"/v1/customers/cus_NffrFeUfNV2Hib/payment_methods":            "/v1/customers/{id}/payment_methods",
		"/v1/customers/search":                                        "/v1/customers/search",
		"/v1/subscription_items/si_calls/usage_records":               "/v1/subscription_items/{id}/usage_records",
		"/v1/subscription_items/si_OcF9dzC3iyvWyC/usage_records":      "/v1/subscription_items/{id}/usage_records",
		"/v1/subscription_schedules/sub_sched_1Mr3YcLkdIwHu7/release": "/v1/subscription_schedules/{id}/release",
		"/v1/subscriptions/sub_1MowQVLkdIwHu7ixeRlqHVzs":              "/v1/subscriptions/{id}",
		"/v1/billing_portal/sessions":                                 "/v1/billing_portal/sessions",
		"/v1/checkout/sessions/cs_test_a1b2c3":                        "/v1/checkout/sessions/{id}",
		"/v1/invoices/upcoming":                                       "/v1/invoices/upcoming",
		"/v1/invoiceitems":                                            "/v1/invoiceitems",
		"/v1/setup_intents/seti_1Mm8s8LkdIwHu7ix0OXBfTRG":             "/v1/setup_intents/{id}",
		"/v1/customers/Robert%27%29%3B%20DROP":                        "/v1/customers/{id}",
		"/healthz":                                                    "other",
	} {
		if got := endpoint(httptest.NewRequest("GET", "http://stripe.invalid"+path, nil)); got != want {
			t.Errorf("%s: endpoint %q, want %q", path, got, want)
		}
	}
}
