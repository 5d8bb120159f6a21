package server

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	portico "github.com/portico-dev/portico"
)

func (s *Server) testClockOff() error {
	return &portico.Error{Kind: portico.KindNotFound, Title: "Not found",
		Detail: "The test clock is off; start the server with PORTICO_TEST_CLOCK=1 to use it."}
}

// SyncClock brings the test clock up to the time another replica moved the
// shared clock to. Each API call and each scheduler round starts with it.
func (s *Server) SyncClock(ctx context.Context) error {
	if s.TestClock == nil || s.SharedClock == nil {
		return nil
	}
	d, err := s.SharedClock.ClockOffset(ctx)
	if err != nil {
		return fmt.Errorf("read the shared test clock: %w", err)
	}
	s.TestClock.RaiseOffset(d)
	return nil
}

// moveClock moves the test clock to t. A shared clock is moved in the
// database first: a replica whose request fails half-way has not moved on
// alone.
func (s *Server) moveClock(ctx context.Context, t time.Time) error {
	if s.SharedClock == nil {
		s.TestClock.AdvanceTo(t)
		return nil
	}
	d, err := s.SharedClock.RaiseClockOffset(ctx, s.TestClock.Offset()+t.Sub(s.TestClock.Now()))
	if err != nil {
		return fmt.Errorf("store the shared test clock: %w", err)
	}
	s.TestClock.RaiseOffset(d)
	return nil
}

func (s *Server) getTestClock(r *http.Request, _ []byte) (int, any, error) {
	if s.TestClock == nil {
		return 0, nil, s.testClockOff()
	}
	return http.StatusOK, portico.TestClockView{Now: s.TestClock.Now()}, nil
}

// advanceTestClock moves the clock forward and applies everything that fell
// due: trial ends, renewals, scheduled changes and cancellations.
func (s *Server) advanceTestClock(r *http.Request, body []byte) (int, any, error) {
	if s.TestClock == nil {
		return 0, nil, s.testClockOff()
	}
	var req portico.AdvanceRequest
	if err := decode(body, &req, false); err != nil {
		return 0, nil, err
	}
	now := s.TestClock.Now()
	var to time.Time
	switch {
	case req.To != nil && req.By != "":
		return 0, nil, portico.Invalid("by", "give either to or by, not both")
	case req.To != nil:
		if !req.To.After(now) {
			return 0, nil, portico.Invalid("to", "must be after the clock's time %s; the clock only moves forward", now.Format(time.RFC3339))
		}
		if !now.Add(req.To.Sub(now)).Equal(*req.To) {
			return 0, nil, portico.Invalid("to", "is too far ahead: the clock moves at most about 290 years at once")
		}
		to = *req.To
	case req.By != "":
		d, err := parseDuration(req.By)
		if err != nil || d <= 0 {
			return 0, nil, portico.Invalid("by", "must be a positive duration such as \"720h\" or \"30d\"")
		}
		to = now.Add(d)
	default:
		return 0, nil, portico.Invalid("by", "is required (or give to)")
	}
	if err := s.moveClock(r.Context(), to); err != nil {
		return 0, nil, err
	}
	n, err := s.Engine.RunDue(r.Context())
	return http.StatusOK, portico.TestClockView{Now: s.TestClock.Now(), Applied: n}, err
}

// parseDuration reads Go durations plus whole days ("30d").
func parseDuration(v string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.ParseInt(days, 10, 64)
		if err != nil {
			return 0, err
		}
		if n > math.MaxInt64/int64(24*time.Hour) || n < math.MinInt64/int64(24*time.Hour) {
			return 0, errors.New("duration out of range")
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(v)
}
