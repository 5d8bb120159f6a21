package server

import (
	"net/http"

	portico "github.com/portico-dev/portico"
)

// priceHolders answers how many subscriptions hold, or are scheduled onto,
// one price of a plan or add-on (kind), in a currency when one is given:
// the console asks before a price is changed, to say whom the change leaves on the price they agreed to.
func (s *Server) priceHolders(kind string) handler {
	return func(r *http.Request, _ []byte) (int, any, error) {
		q := r.URL.Query()
		v, err := s.Engine.PriceHolders(r.Context(), kind, r.PathValue("id"), portico.BillingPeriod(q.Get("billingPeriod")), q.Get("currency"))
		return http.StatusOK, v, err
	}
}
