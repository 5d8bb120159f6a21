package sdk

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	portico "github.com/portico-dev/portico"
)

// MessageKind is what a Message of the event stream says.
type MessageKind int

// Message kinds.
const (
	// MessageEvent carries an event of the log.
	MessageEvent MessageKind = iota + 1
	// MessageReady: the stream is connected and has sent every event
	// missed; Seq is the position reached.
	MessageReady
	// MessageReset: events after the resume point are no longer kept
	// (pruned): whatever was built from them must be read afresh. The
	// stream goes on from Seq.
	MessageReset
	// MessageDisconnected: the stream broke (Err says why); it reconnects
	// with backoff, resuming after the last event received.
	MessageDisconnected
)

// Message is one thing the event stream says.
type Message struct {
	Kind MessageKind
	// Event is the event of a MessageEvent, Seq set.
	Event portico.Event
	// Seq is the stream's position after this message.
	Seq int64
	Err error
}

// ListenOptions say where a stream starts and what it carries.
type ListenOptions struct {
	// After resumes after this event's seq, as saved from Message.Seq;
	// with Resume false the stream starts from now.
	After  int64
	Resume bool
	// Types, when not empty, are the only event types received.
	Types []portico.EventType
	// IdleTimeout is how long a silent stream is trusted: the server
	// sends a heartbeat every 15 s, so after this long without a byte the
	// connection is taken for dead and made again (45 s by default).
	IdleTimeout time.Duration
}

// Listen receives the event stream (GET /api/v1/events/stream) until ctx
// ends, calling handle for each message in order, from one goroutine. A
// broken connection is made again with backoff, resuming after the last
// event received (Last-Event-ID), so no event is missed or repeated while
// the log keeps it. It returns ctx's error, or at once a refusal that a
// retry would not change (a wrong key: 401).
func (c *Client) Listen(ctx context.Context, opts ListenOptions, handle func(Message)) error {
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = 45 * time.Second
	}
	pos, resume := opts.After, opts.Resume
	failures := 0
	for ctx.Err() == nil {
		var ready bool
		err := c.stream(ctx, opts, pos, resume, func(m Message) {
			pos, resume = m.Seq, true
			if m.Kind == MessageReady {
				ready = true
			}
			handle(m)
		})
		if ctx.Err() != nil {
			break
		}
		var e *Error
		if errors.As(err, &e) && !e.retryable() {
			return err
		}
		if ready {
			failures = 0
		}
		handle(Message{Kind: MessageDisconnected, Seq: pos, Err: err})
		wait := c.backoff.wait(failures)
		failures++
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
		case <-t.C:
		}
	}
	return ctx.Err()
}

// stream makes one connection and reads it until it breaks.
func (c *Client) stream(ctx context.Context, opts ListenOptions, pos int64, resume bool, handle func(Message)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	q := url.Values{}
	if len(opts.Types) > 0 {
		q.Set("types", joinTypes(opts.Types))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/api/v1/events/stream?"+q.Encode(), nil)
	if err != nil {
		return err
	}
	c.authorize(req)
	req.Header.Set("Accept", "text/event-stream")
	if resume {
		req.Header.Set("Last-Event-ID", strconv.FormatInt(pos, 10))
	}
	// The stream lasts: the client's overall timeout is not for it.
	hc := &http.Client{Transport: c.http.Transport}
	res, err := hc.Do(req)
	if err != nil {
		return &Error{Title: "Portico could not be reached", Detail: err.Error(), Err: err}
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		raw, _ := io.ReadAll(io.LimitReader(res.Body, 1<<16))
		return problemOf(res, raw)
	}
	idle := time.AfterFunc(opts.IdleTimeout, cancel)
	defer idle.Stop()
	return readFrames(res.Body, func(f *frame) error {
		idle.Reset(opts.IdleTimeout)
		m, ok, err := f.message()
		if ok {
			handle(m)
		}
		return err
	}, func() { idle.Reset(opts.IdleTimeout) })
}

// frame is one server-sent event.
type frame struct {
	id, event string
	data      strings.Builder
}

// message turns a frame into a Message; ok is false for frames that say
// nothing (an unnamed or unknown one).
func (f *frame) message() (Message, bool, error) {
	seq, err := strconv.ParseInt(f.id, 10, 64)
	if err != nil {
		return Message{}, false, fmt.Errorf("portico: event stream: ID %q is not a seq", f.id)
	}
	switch f.event {
	case "ready":
		return Message{Kind: MessageReady, Seq: seq}, true, nil
	case "reset":
		return Message{Kind: MessageReset, Seq: seq}, true, nil
	case "":
		return Message{}, false, nil
	}
	var e portico.Event
	if err := json.Unmarshal([]byte(f.data.String()), &e); err != nil {
		return Message{}, false, fmt.Errorf("portico: event stream: event %d: %w", seq, err)
	}
	e.Seq = seq
	return Message{Kind: MessageEvent, Event: e, Seq: seq}, true, nil
}

// readFrames parses the text/event-stream format: fields up to a blank
// line make a frame; comments (heartbeats) only show the line is alive.
func readFrames(r io.Reader, onFrame func(*frame) error, onComment func()) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var f frame
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF // the server never ends a stream on its own accord
			}
			return err
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			if f.id != "" || f.event != "" {
				if err := onFrame(&f); err != nil {
					return err
				}
			}
			f = frame{}
			continue
		}
		if strings.HasPrefix(line, ":") {
			onComment()
			continue
		}
		name, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch name {
		case "id":
			f.id = value
		case "event":
			f.event = value
		case "data":
			if f.data.Len() > 0 {
				f.data.WriteByte('\n')
			}
			f.data.WriteString(value)
		}
	}
}
