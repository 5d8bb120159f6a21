package sdk

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	portico "github.com/portico-dev/portico"
)

// ErrBufferFull is what UsageBuffer.Add returns when MaxQueued events wait
// already: the event is not queued (see UsageBufferOptions.MaxQueued).
var ErrBufferFull = errors.New("portico: the usage buffer is full")

// ErrBufferClosed is what Add returns after Close.
var ErrBufferClosed = errors.New("portico: the usage buffer is closed")

// UsageBufferOptions tune a usage buffer.
type UsageBufferOptions struct {
	// FlushEvery is how often queued events are sent (1 s by default).
	FlushEvery time.Duration
	// BatchSize is how many events one call sends, and how many queued
	// send them without waiting for FlushEvery (500 by default, at most
	// portico.MaxUsageBatch).
	BatchSize int
	// MaxQueued bounds memory: past this many events waiting (100,000 by
	// default, a few tens of MB), Add refuses new events with
	// ErrBufferFull and queues nothing, so what is queued is never
	// dropped; the caller chooses what to do with the refused event.
	MaxQueued int
	// StampTime sets each event's timestamp, when it has none, to the
	// time it was queued. Left false, Portico places an event when it
	// arrives: after an outage across a metered feature's period end,
	// its usage then counts in the new period rather than being rejected
	// as before the current one.
	StampTime bool
	// OnRejected hears of each event Portico refused (an unknown
	// customer or feature, a bad value): it is not counted and not sent
	// again.
	OnRejected func(portico.UsageEvent, portico.FieldError)
	// OnError hears of failed sends; they are retried with backoff.
	OnError func(error)
}

// UsageBuffer queues usage events and sends them in batches
// (POST /api/v1/usage/batch). Each event's idempotency key is fixed when
// it is queued, so however often a batch is sent again — a lost answer,
// an outage of minutes — each event counts once (Portico keeps keys at
// least 24 hours). Events are sent in the order queued, one batch at a
// time. Usage queued is counted at once by the entitlement caches built
// on the same Client.
type UsageBuffer struct {
	client *Client
	opts   UsageBufferOptions

	mu       sync.Mutex
	queue    []portico.UsageEvent
	queued   uint64        // events ever queued
	settled  uint64        // events ever sent (or rejected)
	progress chan struct{} // closed and replaced whenever settled moves on
	closed   bool

	wake chan struct{}
	stop context.CancelFunc
	done chan struct{}
}

// NewUsageBuffer starts a usage buffer sending through the client.
func NewUsageBuffer(c *Client, opts UsageBufferOptions) *UsageBuffer {
	if opts.FlushEvery <= 0 {
		opts.FlushEvery = time.Second
	}
	if opts.BatchSize <= 0 || opts.BatchSize > portico.MaxUsageBatch {
		opts.BatchSize = 500
	}
	if opts.MaxQueued <= 0 {
		opts.MaxQueued = 100_000
	}
	ctx, stop := context.WithCancel(context.Background())
	b := &UsageBuffer{client: c, opts: opts, progress: make(chan struct{}), wake: make(chan struct{}, 1),
		stop: stop, done: make(chan struct{})}
	go b.run(ctx)
	return b
}

// Add queues one event, giving it a key (when it has none) and counting
// it in the caches at once. It never waits on Portico.
func (b *UsageBuffer) Add(ev portico.UsageEvent) error {
	if ev.IdempotencyKey == "" {
		ev.IdempotencyKey = NewKey()
	}
	if b.opts.StampTime && ev.Timestamp == nil {
		now := time.Now().UTC()
		ev.Timestamp = &now
	}
	b.mu.Lock()
	switch {
	case b.closed:
		b.mu.Unlock()
		return ErrBufferClosed
	case len(b.queue) >= b.opts.MaxQueued:
		b.mu.Unlock()
		return ErrBufferFull
	}
	b.queue = append(b.queue, ev)
	b.queued++
	full := len(b.queue) >= b.opts.BatchSize
	b.mu.Unlock()
	b.client.tellQueued(ev, 1)
	if full {
		b.poke()
	}
	return nil
}

// Len is how many events wait to be sent.
func (b *UsageBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.queue)
}

func (b *UsageBuffer) poke() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// Flush sends every event queued before it was called, returning once
// Portico has counted them (or refused them, through OnRejected), or with
// ctx's error: the events stay queued and are sent later.
func (b *UsageBuffer) Flush(ctx context.Context) error {
	b.mu.Lock()
	target := b.queued
	b.mu.Unlock()
	b.poke()
	for {
		b.mu.Lock()
		settled, progress := b.settled, b.progress
		b.mu.Unlock()
		if settled >= target {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("portico: usage buffer: %d events not sent yet: %w", target-settled, ctx.Err())
		case <-progress:
		}
	}
}

// Close refuses new events, flushes (see Flush) and stops. When ctx ends
// first, the events still queued are returned by Pending, for the caller
// to keep.
func (b *UsageBuffer) Close(ctx context.Context) error {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	err := b.Flush(ctx)
	b.stop()
	<-b.done
	return err
}

// Pending returns the events not sent yet.
func (b *UsageBuffer) Pending() []portico.UsageEvent {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]portico.UsageEvent(nil), b.queue...)
}

// run sends batches: every FlushEvery, or at once when a batch is full or
// a Flush asks. A failed send is retried with backoff, the same events
// with the same keys, until it goes through.
func (b *UsageBuffer) run(ctx context.Context) {
	defer close(b.done)
	t := time.NewTicker(b.opts.FlushEvery)
	defer t.Stop()
	failures := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-b.wake:
		}
		for ctx.Err() == nil {
			sent, err := b.sendOne(ctx)
			if err != nil {
				failures++
				if b.opts.OnError != nil {
					b.opts.OnError(err)
				}
				select {
				case <-ctx.Done():
				case <-time.After(b.client.backoff.wait(failures - 1)):
				}
				continue
			}
			failures = 0
			if !sent {
				break
			}
		}
	}
}

// sendOne sends the oldest batch queued; sent is false when none was.
// Events stay queued until Portico has answered for them.
func (b *UsageBuffer) sendOne(ctx context.Context) (bool, error) {
	b.mu.Lock()
	n := min(len(b.queue), b.opts.BatchSize)
	batch := append([]portico.UsageEvent(nil), b.queue[:n]...)
	b.mu.Unlock()
	if n == 0 {
		return false, nil
	}
	var res portico.UsageBatchResult
	// No retries here: run retries for as long as it takes, with a
	// backoff of its own.
	err := b.client.do(ctx, call{method: "POST", path: "/usage/batch", in: portico.UsageBatchRequest{Events: batch},
		out: &res, noKey: true, once: true})
	if err != nil {
		return false, err
	}
	for i, r := range res.Results {
		if r.Status == portico.UsageRejected && i < len(batch) {
			b.client.tellQueued(batch[i], -1)
			if b.opts.OnRejected != nil && r.Error != nil {
				b.opts.OnRejected(batch[i], *r.Error)
			}
		}
	}
	b.mu.Lock()
	b.queue = b.queue[n:]
	b.settled += uint64(n)
	close(b.progress)
	b.progress = make(chan struct{})
	b.mu.Unlock()
	return true, nil
}
