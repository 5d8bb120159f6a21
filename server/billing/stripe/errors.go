package stripebilling

import (
	"errors"
	"net/http"

	"github.com/stripe/stripe-go/v76"

	portico "github.com/portico-dev/portico"
)

// unavailableDetail is what people read when Stripe cannot be reached: the
// rest of the portal still answers, and trying again later may work.
const unavailableDetail = "billing is unavailable; try again"

// failure is a portico.Error that keeps the Stripe error behind it, for logs
// and errors.Is / errors.As (e.g. context.DeadlineExceeded, *stripe.Error).
type failure struct {
	pe    *portico.Error
	cause error
}

func (f *failure) Error() string   { return f.pe.Error() + ": " + f.cause.Error() }
func (f *failure) Unwrap() []error { return []error{f.pe, f.cause} }

// classify turns an error from stripe-go into a portico.Error:
//   - Stripe down, slow, rate limiting or rejecting Portico's key: the
//     billing part of the portal is unavailable for now (KindUnavailable);
//   - Stripe refusing a payment, or the state of its objects forbidding the
//     request: KindConflict with Stripe's message;
//   - Stripe rejecting the request's parameters: KindInvalid with Stripe's
//     message.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var pe *portico.Error
	if errors.As(err, &pe) {
		return err
	}
	var se *stripe.Error
	if !errors.As(err, &se) {
		// Timeouts, cancelled contexts, network errors, unreadable answers.
		return unavailable(err)
	}
	switch {
	case se.HTTPStatusCode >= 500, se.HTTPStatusCode == http.StatusTooManyRequests,
		se.HTTPStatusCode == http.StatusUnauthorized, se.HTTPStatusCode == http.StatusForbidden,
		se.Type == stripe.ErrorTypeAPI:
		return unavailable(err)
	case se.Type == stripe.ErrorTypeCard, se.HTTPStatusCode == http.StatusPaymentRequired:
		return &failure{pe: &portico.Error{Kind: portico.KindConflict, Title: "Payment refused",
			Detail: message(se, "the payment was refused")}, cause: err}
	case se.HTTPStatusCode == http.StatusNotFound, se.HTTPStatusCode == http.StatusConflict,
		se.Type == stripe.ErrorTypeIdempotency:
		return &failure{pe: &portico.Error{Kind: portico.KindConflict, Title: "Billing refused the request",
			Detail: message(se, "the billing provider's state forbids it")}, cause: err}
	default:
		return &failure{pe: &portico.Error{Kind: portico.KindInvalid, Title: "Billing refused the request",
			Detail: message(se, "the billing provider rejected the request")}, cause: err}
	}
}

func unavailable(cause error) error {
	return &failure{pe: &portico.Error{Kind: portico.KindUnavailable, Title: "Billing unavailable",
		Detail: unavailableDetail}, cause: cause}
}

func message(se *stripe.Error, fallback string) string {
	if se.Msg != "" {
		return se.Msg
	}
	return fallback
}
