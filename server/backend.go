package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/components"
	"github.com/portico-dev/portico/server/catalog"
	"github.com/portico-dev/portico/server/engine"
	"github.com/portico-dev/portico/server/session"
	"github.com/portico-dev/portico/server/validation"
)

// The catalog's answers carry its version as their ETag; a change sent with
// If-Match applies only to that version (412 when the catalog has moved on).

func (s *Server) getCatalog(r *http.Request, _ []byte) (int, any, error) {
	c, version, err := s.Engine.CurrentCatalog(r.Context())
	return http.StatusOK, tagged{etag: catalogETag(version), v: withLists(c)}, err
}

func (s *Server) putCatalog(r *http.Request, body []byte) (int, any, error) {
	c, err := catalog.Decode(bytesReader(body))
	if err != nil {
		return 0, nil, err
	}
	return s.changeCatalog(r, func(change engine.CatalogChange) (*portico.Catalog, int64, error) {
		return s.Engine.ApplyCatalog(r.Context(), c, change)
	})
}

func (s *Server) archive(kind string) handler {
	return func(r *http.Request, _ []byte) (int, any, error) {
		return s.changeCatalog(r, func(change engine.CatalogChange) (*portico.Catalog, int64, error) {
			return s.Engine.Archive(r.Context(), kind, r.PathValue("id"), change)
		})
	}
}

// changeCatalog makes a catalog change as the request's principal, under
// its If-Match, and answers the catalog with the version saved as its ETag.
func (s *Server) changeCatalog(r *http.Request, apply func(engine.CatalogChange) (*portico.Catalog, int64, error)) (int, any, error) {
	change, err := catalogChangeOf(r)
	if err != nil {
		return 0, nil, err
	}
	c, saved, err := apply(change)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, tagged{etag: catalogETag(saved), v: withLists(c)}, nil
}

// catalogChangeOf is who makes a request's catalog change and, when it
// sends If-Match, the version it was made on.
func catalogChangeOf(r *http.Request) (engine.CatalogChange, error) {
	change := engine.CatalogChange{By: principalOf(r.Context()).author()}
	if m := r.Header.Get("If-Match"); m != "" && m != "*" {
		v, err := strconv.ParseInt(strings.Trim(strings.TrimPrefix(m, "W/"), `"`), 10, 64)
		if err != nil || v < 0 {
			return change, portico.Invalid("If-Match", "must be the catalog's ETag, such as \"12\"")
		}
		change.IfVersion = &v
	}
	return change, nil
}

func catalogETag(version int64) string {
	if version == 0 {
		return ""
	}
	return `"` + strconv.FormatInt(version, 10) + `"`
}

// withLists answers a catalog's empty collections as [] rather than null,
// like every other list of the API.
func withLists(c *portico.Catalog) *portico.Catalog {
	if c == nil {
		return nil
	}
	out := *c
	if out.Features == nil {
		out.Features = []portico.Feature{}
	}
	if out.Products == nil {
		out.Products = []portico.Product{}
	}
	if out.Plans == nil {
		out.Plans = []portico.Plan{}
	}
	if out.Addons == nil {
		out.Addons = []portico.Addon{}
	}
	return &out
}

func (s *Server) createCustomer(r *http.Request, body []byte) (int, any, error) {
	var req portico.CreateCustomerRequest
	if err := decode(body, &req, false); err != nil {
		return 0, nil, err
	}
	c, err := s.Engine.CreateCustomer(r.Context(), req)
	return http.StatusCreated, c, err
}

func (s *Server) getCustomer(r *http.Request, _ []byte) (int, any, error) {
	c, err := s.Engine.Customer(r.Context(), r.PathValue("id"))
	return http.StatusOK, c, err
}

// updateCustomer changes the fields the body gives (PATCH); a currency
// change is refused while something is billed in the old one.
func (s *Server) updateCustomer(r *http.Request, body []byte) (int, any, error) {
	var req portico.UpdateCustomerRequest
	if err := decode(body, &req, false); err != nil {
		return 0, nil, err
	}
	c, err := s.Engine.UpdateCustomer(r.Context(), r.PathValue("id"), req)
	return http.StatusOK, c, err
}

func (s *Server) upcomingInvoice(r *http.Request, _ []byte) (int, any, error) {
	inv, err := s.Engine.UpcomingInvoice(r.Context(), r.PathValue("id"), r.URL.Query().Get("subscriptionId"), engine.Backend)
	return http.StatusOK, inv, err
}

func (s *Server) putBilling(r *http.Request, body []byte) (int, any, error) {
	var p portico.BillingProfile
	if err := decode(body, &p, false); err != nil {
		return 0, nil, err
	}
	err := s.Engine.SetBillingProfile(r.Context(), r.PathValue("id"), &p)
	return http.StatusOK, p, err
}

func (s *Server) changeSubscription(r *http.Request, body []byte) (int, any, error) {
	var req portico.ChangeRequest
	if err := decode(body, &req, false); err != nil {
		return 0, nil, err
	}
	res, err := s.Engine.ChangeSubscription(r.Context(), r.PathValue("id"), req, engine.Backend)
	return http.StatusOK, res, err
}

func (s *Server) cancelSubscription(r *http.Request, body []byte) (int, any, error) {
	var req portico.CancelRequest
	if err := decode(body, &req, true); err != nil {
		return 0, nil, err
	}
	customerID, err := s.Engine.SubscriptionCustomer(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	res, err := s.Engine.Cancel(r.Context(), customerID, r.PathValue("id"), req, engine.Backend)
	return http.StatusOK, res, err
}

func (s *Server) cancelScheduled(r *http.Request, _ []byte) (int, any, error) {
	customerID, err := s.Engine.SubscriptionCustomer(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	sub, err := s.Engine.CancelScheduled(r.Context(), customerID, r.PathValue("id"), engine.Backend)
	return http.StatusOK, sub, err
}

func (s *Server) grantPromotion(r *http.Request, body []byte) (int, any, error) {
	var req portico.PromotionRequest
	if err := decode(body, &req, false); err != nil {
		return 0, nil, err
	}
	p, err := s.Engine.GrantPromotion(r.Context(), r.PathValue("id"), req)
	return http.StatusCreated, p, err
}

func (s *Server) entitlements(r *http.Request, _ []byte) (int, any, error) {
	resourceID := r.URL.Query().Get("resourceId")
	if resourceID != "" && !validation.SlugPattern.MatchString(resourceID) {
		return 0, nil, portico.Invalid("resourceId", "must be a slug")
	}
	v, err := s.Engine.EntitlementsJSON(r.Context(), r.PathValue("id"), resourceID)
	return http.StatusOK, v, err
}

// maxSessionTTL bounds a portal session's life: a leaked link stays
// dangerous for a day at most.
const maxSessionTTL = 24 * time.Hour

func (s *Server) createPortalSession(r *http.Request, body []byte) (int, any, error) {
	var req portico.PortalSessionRequest
	if err := decode(body, &req, false); err != nil {
		return 0, nil, err
	}
	ttl := s.SessionTTL
	if req.TTL != "" {
		d, err := time.ParseDuration(req.TTL)
		// Expiry is kept to the second, so a shorter session would be over
		// before it is handed out.
		if err != nil || d < time.Second || d > maxSessionTTL {
			return 0, nil, portico.Invalid("ttl", "must be a duration such as \"30m\" or \"2h\", from 1s to 24h")
		}
		ttl = d
	}
	if req.ReturnURL != "" {
		if u, err := url.Parse(req.ReturnURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return 0, nil, portico.Invalid("returnUrl", "must be an http or https URL")
		}
	}
	if _, err := s.Engine.Customer(r.Context(), req.CustomerID); err != nil {
		return 0, nil, err
	}
	if req.ProductID != "" {
		cat, err := s.Engine.Catalog(r.Context())
		if err != nil {
			return 0, nil, err
		}
		if _, ok := cat.Product(req.ProductID); !ok {
			return 0, nil, portico.Invalid("productId", "unknown product %q", req.ProductID)
		}
	}
	support := ""
	if req.SupportURL != "" {
		if support = SupportLink(req.SupportURL); support == "" {
			return 0, nil, portico.Invalid("supportUrl", "must be an http or https URL, a mailto: URL or an email address")
		}
	}
	locale := ""
	if req.Locale != "" {
		var ok bool
		if locale, ok = components.MatchLocale(req.Locale); !ok {
			return 0, nil, portico.Invalid("locale", "must be one of: %s (or a regional form of one, such as de-AT)", strings.Join(components.Locales(), ", "))
		}
	}
	scope := portico.PortalScope{CustomerID: req.CustomerID, ProductID: req.ProductID, ResourceID: req.ResourceID}
	return http.StatusCreated, s.mintSession(session.Session{Scope: scope, ReturnURL: req.ReturnURL, SupportURL: support, Locale: locale}, ttl), nil
}

// mintSession returns a portal session lasting ttl and the URL that opens
// the portal.
func (s *Server) mintSession(sess session.Session, ttl time.Duration) portico.PortalSession {
	expires := s.Engine.Now().Add(ttl).Truncate(time.Second)
	sess.ExpiresAt = expires
	tok := s.Sessions.Mint(sess)
	return portico.PortalSession{Token: tok, ExpiresAt: expires,
		URL: strings.TrimRight(s.PublicURL, "/") + "/portal?session=" + url.QueryEscape(tok)}
}

// MintSession mints a portal session for start-up output (demo URLs).
func (s *Server) MintSession(scope portico.PortalScope, ttl time.Duration) portico.PortalSession {
	return s.mintSession(session.Session{Scope: scope}, ttl)
}
