package stripemock

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"testing"
)

// Refusal is an error answer as Stripe sends it.
type Refusal struct {
	Status  int
	Type    string // e.g. "invalid_request_error", "card_error"
	Code    string // e.g. "resource_missing", "card_declined"
	Message string
}

// NoSuchPrice is Stripe's answer to a request naming a price it does not
// know: what a catalog whose stripePriceId is wrong gets.
func NoSuchPrice(price string) *Refusal {
	return &Refusal{Status: http.StatusBadRequest, Type: "invalid_request_error", Code: "resource_missing",
		Message: "No such price: '" + price + "'"}
}

// CardDeclined is Stripe's answer when the customer's card is declined.
func CardDeclined() *Refusal {
	return &Refusal{Status: http.StatusPaymentRequired, Type: "card_error", Code: "card_declined",
		Message: "Your card was declined."}
}

// Refusing puts a proxy in front of the stripe-mock at base and returns its
// URL. stripe-mock accepts every well-formed request; the proxy lets a test
// see what Portico does when Stripe refuses one. refuse is asked about each
// subscription creation (POST /v1/subscriptions), given its form: the
// Refusal it returns is the answer, nil passes the request on.
func Refusing(t testing.TB, base string, refuse func(form url.Values) *Refusal) string {
	t.Helper()
	target, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/v1/subscriptions" {
			if ref := refusalFor(r, refuse); ref != nil {
				writeRefusal(w, ref)
				return
			}
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// refusalFor reads the request's form for refuse and leaves the body as it
// was, to be passed on.
func refusalFor(r *http.Request, refuse func(url.Values) *Refusal) *Refusal {
	body, err := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return nil
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil
	}
	return refuse(form)
}

func writeRefusal(w http.ResponseWriter, ref *Refusal) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(ref.Status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
		"type": ref.Type, "code": ref.Code, "message": ref.Message}})
}
