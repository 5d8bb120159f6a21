package server

import (
	"net/http"

	"github.com/portico-dev/portico/server/eventstream"
)

// The event stream's routes: GET /api/v1/events (a page of the log) and
// GET /api/v1/events/stream (server-sent events), backend key only.

// eventHub is the server's one hub: every stream open on this process
// shares its reads of the log.
func (s *Server) eventHub() *eventstream.Hub {
	s.streamOnce.Do(func() { s.stream = &eventstream.Hub{Store: s.Store, Log: s.Log} })
	return s.stream
}

// CloseEventStreams ends the open event streams, for a server shutting
// down: they would otherwise hold the shutdown until its deadline. Their
// clients resume, from their last event, on another replica or once the
// server is back.
func (s *Server) CloseEventStreams() { s.eventHub().Close() }

func (s *Server) listEvents(r *http.Request, _ []byte) (int, any, error) {
	req, err := eventstream.ParseRequest(r)
	if err != nil {
		return 0, nil, err
	}
	page, err := s.eventHub().Page(r.Context(), req)
	return http.StatusOK, page, err
}

// streamEndpoint authenticates and streams; a refusal before the stream
// starts is answered as a problem like any other call's.
func (s *Server) streamEndpoint(auth authFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := auth(r); err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		req, err := eventstream.ParseRequest(r)
		if err == nil {
			err = s.eventHub().Serve(w, r, req)
		}
		if err != nil {
			writeError(w, r, s.Log, err)
		}
	})
}

// notifyStream wakes the hub after each call that may have written: its
// events reach this process's streams at once rather than at the next
// poll (other replicas' streams get them by polling).
func (s *Server) notifyStream(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r)
		if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodOptions {
			s.eventHub().Notify()
		}
	})
}
