package server

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"slices"
	"strconv"

	portico "github.com/portico-dev/portico"
)

// The backend API's webhook endpoints: the host adds the URLs that receive
// events, sees what was delivered to each, resends a delivery and rotates
// a secret. The sender (server/webhooks) does the delivering.

// maxWebhookEndpoints bounds the endpoints: every event is written once
// per endpoint that takes it.
const maxWebhookEndpoints = 20

func (s *Server) webhookRoutes(mux *http.ServeMux, auth authFunc, prefix string) {
	mux.Handle("POST "+prefix+"/webhook-endpoints", s.endpoint(auth, s.createWebhookEndpoint))
	mux.Handle("GET "+prefix+"/webhook-endpoints", s.endpoint(auth, s.listWebhookEndpoints))
	mux.Handle("GET "+prefix+"/webhook-endpoints/{id}", s.endpoint(auth, s.getWebhookEndpoint))
	mux.Handle("DELETE "+prefix+"/webhook-endpoints/{id}", s.endpoint(auth, s.deleteWebhookEndpoint))
	mux.Handle("GET "+prefix+"/webhook-endpoints/{id}/deliveries", s.endpoint(auth, s.webhookDeliveries))
	mux.Handle("POST "+prefix+"/webhook-endpoints/{id}/deliveries/{eventId}/retry", s.endpoint(auth, s.retryWebhookDelivery))
	mux.Handle("POST "+prefix+"/webhook-endpoints/{id}/rotate-secret", s.endpoint(auth, s.rotateWebhookSecret))
}

func (s *Server) createWebhookEndpoint(r *http.Request, body []byte) (int, any, error) {
	var req portico.WebhookEndpointRequest
	if err := decode(body, &req, false); err != nil {
		return 0, nil, err
	}
	if slices.Contains(req.Events, portico.AllEvents) && len(req.Events) > 1 {
		return 0, nil, portico.Invalid("events", `"*" takes every type: send it alone, or list the types`)
	}
	thresholds := slices.Clone(req.UsageThresholds)
	if thresholds == nil {
		thresholds = slices.Clone(portico.DefaultUsageThresholds)
	}
	slices.Sort(thresholds)
	ep := &portico.WebhookEndpoint{ID: randomID("we_", 10), URL: req.URL, Events: req.Events,
		Description: req.Description, UsageThresholds: thresholds, Secret: newWebhookSecret(), CreatedAt: s.Engine.Now()}
	err := s.Store.Update(r.Context(), func(tx portico.Tx) error {
		eps, err := tx.WebhookEndpoints()
		if err != nil {
			return err
		}
		if len(eps) >= maxWebhookEndpoints {
			return portico.Conflict("there are %d webhook endpoints already, the most there can be: delete one first", len(eps))
		}
		return tx.PutWebhookEndpoint(ep)
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, ep.View(true, ep.CreatedAt), nil
}

func (s *Server) listWebhookEndpoints(r *http.Request, _ []byte) (int, any, error) {
	var eps []portico.WebhookEndpoint
	err := s.Store.View(r.Context(), func(tx portico.Tx) error {
		var err error
		eps, err = tx.WebhookEndpoints()
		return err
	})
	out := portico.WebhookEndpointList{Endpoints: []portico.WebhookEndpointView{}}
	now := s.Engine.Now()
	for i := range eps {
		out.Endpoints = append(out.Endpoints, eps[i].View(false, now))
	}
	return http.StatusOK, out, err
}

func (s *Server) getWebhookEndpoint(r *http.Request, _ []byte) (int, any, error) {
	ep, err := s.webhookEndpoint(r)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ep.View(false, s.Engine.Now()), nil
}

// webhookEndpoint reads the endpoint the path names.
func (s *Server) webhookEndpoint(r *http.Request) (*portico.WebhookEndpoint, error) {
	var ep *portico.WebhookEndpoint
	err := s.Store.View(r.Context(), func(tx portico.Tx) error {
		var err error
		ep, err = tx.WebhookEndpoint(r.PathValue("id"))
		return err
	})
	return ep, notFoundAs(err, "webhook endpoint", r.PathValue("id"))
}

// notFoundAs names what was not found, so the 404 says which.
func notFoundAs(err error, what, id string) error {
	if errors.Is(err, portico.ErrNotFound) {
		return portico.NotFound(what, id)
	}
	return err
}

func (s *Server) deleteWebhookEndpoint(r *http.Request, _ []byte) (int, any, error) {
	id := r.PathValue("id")
	err := s.Store.Update(r.Context(), func(tx portico.Tx) error { return tx.DeleteWebhookEndpoint(id) })
	return http.StatusNoContent, nil, notFoundAs(err, "webhook endpoint", id)
}

func (s *Server) webhookDeliveries(r *http.Request, _ []byte) (int, any, error) {
	limit := 50
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return 0, nil, portico.Invalid("limit", "must be from 1 to 100")
		}
		limit = n
	}
	id := r.PathValue("id")
	out := portico.WebhookDeliveryList{Deliveries: []portico.WebhookDelivery{}}
	err := s.Store.View(r.Context(), func(tx portico.Tx) error {
		if _, err := tx.WebhookEndpoint(id); err != nil {
			return err
		}
		ds, err := tx.WebhookDeliveries(id, limit)
		out.Deliveries = append(out.Deliveries, ds...)
		return err
	})
	return http.StatusOK, out, notFoundAs(err, "webhook endpoint", id)
}

// retryWebhookDelivery makes a delivery due now, whatever its status: a
// delivered one is sent again, a given-up one is tried once more.
func (s *Server) retryWebhookDelivery(r *http.Request, _ []byte) (int, any, error) {
	id, eventID := r.PathValue("id"), r.PathValue("eventId")
	var d *portico.WebhookDelivery
	err := s.Store.Update(r.Context(), func(tx portico.Tx) error {
		if _, err := tx.WebhookEndpoint(id); err != nil {
			return notFoundAs(err, "webhook endpoint", id)
		}
		if err := tx.RetryDelivery(id, eventID, s.Engine.Now()); err != nil {
			return notFoundAs(err, "delivery of event", eventID)
		}
		var err error
		d, err = deliveryOf(tx, id, eventID)
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, d, nil
}

// deliveryOf finds one event's delivery among the endpoint's recent ones
// (a delivery just retried is recent enough: the list is newest first by
// event, and a retry is asked of what the list showed).
func deliveryOf(tx portico.Tx, endpointID, eventID string) (*portico.WebhookDelivery, error) {
	ds, err := tx.WebhookDeliveries(endpointID, 1000)
	if err != nil {
		return nil, err
	}
	for i := range ds {
		if ds[i].EventID == eventID {
			return &ds[i], nil
		}
	}
	return &portico.WebhookDelivery{EventID: eventID, Status: portico.DeliveryPending}, nil
}

// rotateWebhookSecret gives the endpoint a new secret; the one it replaces
// still signs deliveries, beside it, for SecretRotationGrace, so that the
// receiver can switch without refusing any.
func (s *Server) rotateWebhookSecret(r *http.Request, _ []byte) (int, any, error) {
	id := r.PathValue("id")
	now := s.Engine.Now()
	var ep *portico.WebhookEndpoint
	err := s.Store.Update(r.Context(), func(tx portico.Tx) error {
		var err error
		if ep, err = tx.WebhookEndpoint(id); err != nil {
			return notFoundAs(err, "webhook endpoint", id)
		}
		expires := now.Add(portico.SecretRotationGrace)
		ep.PreviousSecret, ep.PreviousSecretExpires, ep.Secret = ep.Secret, &expires, newWebhookSecret()
		return tx.PutWebhookEndpoint(ep)
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ep.View(true, now), nil
}

// newWebhookSecret is a secret of 32 random bytes, as receivers paste it.
func newWebhookSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return "whsec_" + base64.RawURLEncoding.EncodeToString(b)
}

func randomID(prefix string, n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}
