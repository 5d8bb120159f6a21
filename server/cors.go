package server

import (
	"net/http"
	"slices"
	"strings"
)

// cors lets the listed origins call the portal API from their pages (a
// go-app host app composing the components, for one). The backend API is
// server-to-server and never answers cross-origin.
func (s *Server) cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		portal := strings.HasPrefix(r.URL.Path, "/api/v1/portal/") || r.URL.Path == "/api/v1/portal"
		if origin == "" || !portal || !slices.Contains(s.CORSOrigins, origin) {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		h.Add("Vary", "Origin")
		// Past the keyed-request bound a page needs to read when to retry,
		// and whether an answer was a replay.
		h.Set("Access-Control-Expose-Headers", "Retry-After, Idempotent-Replayed")
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", "GET, POST, DELETE")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Idempotency-Key")
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}
