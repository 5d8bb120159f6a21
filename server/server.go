// Package server is Portico's HTTP front: the backend API (secret key), the
// portal API (portal session tokens), health and the test clock. Handlers
// parse and authorise; the engine decides.
package server

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/billing"
	"github.com/portico-dev/portico/server/clock"
	"github.com/portico-dev/portico/server/engine"
	"github.com/portico-dev/portico/server/eventstream"
	"github.com/portico-dev/portico/server/metrics"
	"github.com/portico-dev/portico/server/session"
)

// Server serves the HTTP API.
type Server struct {
	Engine    *engine.Engine
	Store     portico.Store
	Sessions  *session.Signer
	SecretKey string
	// PublicURL is where browsers reach Portico; portal session URLs are
	// built on it.
	PublicURL string
	// TestClock, when set, enables the test-clock endpoints.
	TestClock *clock.Test
	// SharedClock, when set beside TestClock, keeps the test clock in the
	// database so that every replica tells the same time.
	SharedClock portico.SharedClock
	// Billing is the billing provider (Stripe); nil keeps billing local.
	Billing billing.Provider
	// Reporter sends the reports the engine keeps for the billing provider
	// (usage of metered items, minimum-spend top-ups); set by
	// ConnectBilling when the store keeps an outbox and the provider takes
	// reports. Whoever runs the server runs it (Reporter.Run).
	Reporter *billing.Reporter
	// BillingDeadline bounds the portal's wait for the billing provider
	// (3 s by default).
	BillingDeadline time.Duration
	// CORSOrigins may call the portal API from their pages.
	CORSOrigins []string
	// SessionTTL is a portal session's default lifetime.
	SessionTTL time.Duration
	// ConsolePassword, when set, signs in to the console besides the
	// secret key (MinConsolePassword characters at least).
	ConsolePassword string
	// Business names the business in the portal's header and sets where
	// "Contact support" leads by default (see SupportLink, LogoLink).
	Business portico.Business
	// IdempotencyLimit is how many idempotency records one portal session
	// scope may hold within 24 hours (1,000 by default); past it keyed
	// portal requests are refused with 429.
	IdempotencyLimit int
	// SignInLimits bound failed console sign-ins per client address and
	// in all.
	SignInLimits SignInLimits
	// WallClock tells console sessions and the sign-in throttle the time
	// (clock.Real when nil): the test clock moves subscriptions, not
	// sign-ins.
	WallClock portico.Clock
	Log       *slog.Logger
	// Metrics, when set, counts requests by route, usage events and the
	// reports sent to the billing provider (set it before ConnectBilling);
	// nil counts nothing.
	Metrics *metrics.Metrics

	signIns signInThrottle
	usage   usageQueue

	// Event stream: one hub per server, made on first use.
	streamOnce sync.Once
	stream     *eventstream.Hub
}

// wallTime is the real time, as WallClock tells it.
func (s *Server) wallTime() time.Time {
	if s.WallClock == nil {
		return clock.Real{}.Now()
	}
	return s.WallClock.Now()
}

// Handler returns the server's routes, their answers compressed when the
// client accepts it.
func (s *Server) Handler() http.Handler {
	return s.Metrics.Instrument(gzipWhenAccepted(s.handler()), apiNotFound)
}

// apiNotFound is the pattern of the API's answer to paths it does not
// know: its requests count under the metrics' "other" route.
const apiNotFound = "/api/"

// handler returns the server's routes, for Handler and for the Web, which
// compresses its answers and the API's together.
func (s *Server) handler() http.Handler {
	mux := http.NewServeMux()
	be, po := s.backendAuth, s.portalAuth

	mux.Handle("GET /api/v1/catalog", s.endpoint(be, s.getCatalog))
	mux.Handle("PUT /api/v1/catalog", s.endpoint(be, s.putCatalog))
	mux.Handle("POST /api/v1/products/{id}/archive", s.endpoint(be, s.archive(engine.KindProduct)))
	mux.Handle("POST /api/v1/plans/{id}/archive", s.endpoint(be, s.archive(engine.KindPlan)))
	mux.Handle("POST /api/v1/addons/{id}/archive", s.endpoint(be, s.archive(engine.KindAddon)))
	mux.Handle("POST /api/v1/customers", s.endpoint(be, s.createCustomer))
	mux.Handle("GET /api/v1/customers/{id}", s.endpoint(be, s.getCustomer))
	mux.Handle("PATCH /api/v1/customers/{id}", s.endpoint(be, s.updateCustomer))
	mux.Handle("PUT /api/v1/customers/{id}/billing", s.endpoint(be, s.putBilling))
	mux.Handle("POST /api/v1/customers/{id}/subscriptions", s.endpoint(be, s.changeSubscription))
	mux.Handle("POST /api/v1/subscriptions/{id}/cancel", s.endpoint(be, s.cancelSubscription))
	mux.Handle("DELETE /api/v1/subscriptions/{id}/scheduled-updates", s.endpoint(be, s.cancelScheduled))
	mux.Handle("POST /api/v1/customers/{id}/promotions", s.endpoint(be, s.grantPromotion))
	mux.Handle("POST /api/v1/usage", s.endpoint(be, s.reportUsage))
	mux.Handle("POST /api/v1/usage/batch", s.endpoint(be, s.reportUsageBatch))
	mux.Handle("GET /api/v1/customers/{id}/usage-history", s.endpoint(be, s.usageHistory))
	mux.Handle("GET /api/v1/customers/{id}/entitlements", s.endpoint(be, s.entitlements))
	mux.Handle("GET /api/v1/customers/{id}/upcoming-invoice", s.endpoint(be, s.upcomingInvoice))
	mux.Handle("POST /api/v1/portal-sessions", s.endpoint(be, s.createPortalSession))
	mux.Handle("GET /api/v1/catalog/versions", s.endpoint(be, s.catalogVersions))
	mux.Handle("GET /api/v1/catalog/versions/{n}", s.endpoint(be, s.catalogVersion))
	mux.Handle("POST /api/v1/catalog/versions/{n}/restore", s.endpoint(be, s.restoreCatalog))
	// Event stream (issue 20): the event log for host backends.
	mux.Handle("GET /api/v1/events", s.endpoint(be, s.listEvents))
	mux.Handle("GET /api/v1/events/stream", s.streamEndpoint(be))
	mux.Handle("GET /api/v1/test-clock", s.endpoint(be, s.getTestClock))
	mux.Handle("POST /api/v1/test-clock/advance", s.endpoint(be, s.advanceTestClock))
	s.webhookRoutes(mux, be, "/api/v1")

	mux.Handle("GET /api/v1/portal", s.endpoint(po, s.getPortal))
	mux.Handle("GET /api/v1/portal/paywall", s.endpoint(po, s.getPaywall))
	mux.Handle("POST /api/v1/portal/preview", s.endpoint(po, s.previewChange))
	mux.Handle("POST /api/v1/portal/subscriptions", s.endpoint(po, s.portalChange))
	mux.Handle("DELETE /api/v1/portal/subscriptions/{id}/scheduled-updates", s.endpoint(po, s.portalCancelScheduled))
	mux.Handle("POST /api/v1/portal/subscriptions/{id}/cancel", s.endpoint(po, s.portalCancel))
	mux.Handle("POST /api/v1/portal/billing-session", s.endpoint(po, s.billingSession))
	mux.Handle("GET /api/v1/portal/upcoming-invoice", s.endpoint(po, s.portalUpcomingInvoice))
	mux.Handle("GET /api/v1/portal/usage-history", s.endpoint(po, s.portalUsageHistory))

	s.consoleRoutes(mux)

	if wh, ok := webhooksOf(s.Billing); ok {
		mux.Handle("POST /webhooks/stripe", wh.Webhooks(s.onBillingEvent))
	}
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle(apiNotFound, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, s.Log, &portico.Error{Kind: portico.KindNotFound, Title: "Not found",
			Detail: r.Method + " " + r.URL.Path + " is not part of the API; see docs/api.md"})
	}))
	return s.logRequests(securityHeaders(s.cors(s.notifyStream(mux))))
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	err := s.Store.View(ctx, func(tx portico.Tx) error { _, _, err := tx.Catalog(); return err })
	if err != nil {
		s.Log.ErrorContext(ctx, "health check failed", "err", err)
		writeJSON(w, r, s.Log, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "store": "unreachable"})
		return
	}
	writeJSON(w, r, s.Log, http.StatusOK, map[string]string{"status": "ok"})
}

// securityHeaders sets headers every answer carries. Portal URLs hold a
// session token, so no referrer leaves the page and API answers are not
// cached.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection's writer: the
// event stream flushes each event and lifts the server's deadlines.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// logRequests logs each request. The query string is left out: portal URLs
// carry session tokens.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		s.Log.InfoContext(r.Context(), "request", "method", r.Method, "path", r.URL.Path,
			"status", sw.status, "bytes", sw.bytes, "duration", time.Since(start))
	})
}
