package server

import (
	"net/http"

	portico "github.com/portico-dev/portico"
)

// priceHolders answers how many subscriptions hold, or are scheduled onto,
// one price of a plan or add-on (kind): the console asks before a price
// is changed, to say whom the change leaves on the price they agreed to.
func (s *Server) priceHolders(kind string) handler {
	return func(r *http.Request, _ []byte) (int, any, error) {
		v, err := s.Engine.PriceHolders(r.Context(), kind, r.PathValue("id"), portico.BillingPeriod(r.URL.Query().Get("billingPeriod")))
		return http.StatusOK, v, err
	}
}
