package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/portico-dev/portico/server/metrics"
)

// startMetrics binds PORTICO_METRICS and serves Prometheus's metrics at
// /metrics there, apart from the public address: a start whose metrics
// address is taken stops, rather than run unobserved. cfg.MetricsAddr
// becomes the address bound (a ":0" port shows as the one chosen). Without
// the variable, metrics are off: m is nil and stop does nothing.
func startMetrics(cfg *config, log *slog.Logger) (m *metrics.Metrics, stop func(), err error) {
	if cfg.MetricsAddr == "" {
		return nil, func() {}, nil
	}
	ln, err := net.Listen("tcp", cfg.MetricsAddr)
	if err != nil {
		return nil, nil, fmt.Errorf("PORTICO_METRICS: %w", err)
	}
	cfg.MetricsAddr = ln.Addr().String()
	m = metrics.New()
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler(log))
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: time.Minute}
	go func() {
		if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			log.Error("PORTICO_METRICS", "err", err)
		}
	}()
	return m, func() { _ = hs.Close() }, nil
}
