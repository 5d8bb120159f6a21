package main

import (
	"context"
	"log/slog"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/engine"
	"github.com/portico-dev/portico/server/metrics"
	"github.com/portico-dev/portico/server/webhooks"
)

// startWebhooks starts sending the event log to the webhook endpoints,
// woken by every change this process commits (other replicas' changes
// are found by polling). stop ends it once the attempts under way are
// recorded.
func startWebhooks(ctx context.Context, store portico.Store, eng *engine.Engine, clk portico.Clock, log *slog.Logger, m *metrics.Metrics) (sender *webhooks.Sender, stop func()) {
	opts := webhooks.Options{Clock: clk, Log: log}
	if m != nil {
		opts.Observer = deliveryMetrics{m}
	}
	sender = webhooks.New(store, opts)
	m.WebhookBacklog(func() (int, error) { return sender.Backlog(context.Background()) })
	eng.OnEvents(sender.Wake)
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		sender.Run(ctx)
	}()
	return sender, func() { cancel(); <-done }
}

// deliveryMetrics counts the sender's attempts in the metrics, by the
// metrics' names of their outcomes.
type deliveryMetrics struct{ m *metrics.Metrics }

func (d deliveryMetrics) Delivered(outcome string, took time.Duration) {
	switch outcome {
	case webhooks.OutcomeRetry:
		outcome = metrics.WebhookFailed
	case webhooks.OutcomeGivenUp:
		outcome = metrics.WebhookAbandoned
	}
	d.m.WebhookDelivery(outcome, took)
}

// pruneEvents forgets the events older than webhooks.Retention whose
// deliveries are settled. On a shared database one replica at a time
// prunes; the others skip the round.
func pruneEvents(ctx context.Context, eng *engine.Engine, store portico.Store) (int, error) {
	prune := func(ctx context.Context) (int, error) {
		return webhooks.Prune(ctx, store, eng.Now().Add(-webhooks.Retention))
	}
	ex, ok := store.(portico.Exclusive)
	if !ok {
		return prune(ctx)
	}
	var n int
	_, err := ex.TryExclusive(ctx, "event pruning", func(ctx context.Context) error {
		var err error
		n, err = prune(ctx)
		return err
	})
	return n, err
}
