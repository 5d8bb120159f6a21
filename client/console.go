package client

import (
	"context"
	"net/url"
	"strconv"
	"sync"

	portico "github.com/portico-dev/portico"
)

// Console calls the console API (/console/api) with the browser's console
// session cookie. Outside the browser it has no cookie: tests use the
// console API through httptest instead.
type Console struct {
	base string

	mu sync.Mutex
	// version is the ETag of the catalog last read or saved: changes are
	// sent with it (If-Match), so a change made on a catalog that someone
	// else has changed since is refused rather than undoing theirs.
	version string
}

// NewConsole returns a console client for the server at base ("" for the
// page's own origin).
func NewConsole(base string) *Console { return &Console{base: base} }

func (c *Console) call(ctx context.Context, method, path string, in, out any) error {
	req := request{method: method, url: c.base + "/console/api" + path, console: true}
	c.mu.Lock()
	if method != "GET" {
		req.ifMatch = c.version
	}
	c.mu.Unlock()
	r, err := roundTrip(ctx, req, in, out)
	if r.etag != "" && err == nil {
		c.mu.Lock()
		c.version = r.etag
		c.mu.Unlock()
	}
	return err
}

// SignIn opens a console session with the secret key or console password.
func (c *Console) SignIn(ctx context.Context, secret string) error {
	return c.call(ctx, "POST", "/sign-in", map[string]string{"secret": secret}, nil)
}

// SignOut ends the console session.
func (c *Console) SignOut(ctx context.Context) error {
	return c.call(ctx, "POST", "/sign-out", struct{}{}, nil)
}

func (c *Console) Catalog(ctx context.Context) (*portico.Catalog, error) {
	var v portico.Catalog
	return &v, c.call(ctx, "GET", "/catalog", nil, &v)
}

func (c *Console) PutCatalog(ctx context.Context, cat *portico.Catalog) (*portico.Catalog, error) {
	var v portico.Catalog
	return &v, c.call(ctx, "PUT", "/catalog", cat, &v)
}

// Archive archives a "products", "plans" or "addons" object.
func (c *Console) Archive(ctx context.Context, collection, id string) (*portico.Catalog, error) {
	var v portico.Catalog
	return &v, c.call(ctx, "POST", "/"+collection+"/"+url.PathEscape(id)+"/archive", struct{}{}, &v)
}

func (c *Console) Paywall(ctx context.Context, productID string, period portico.BillingPeriod) (*portico.PaywallView, error) {
	path := "/products/" + url.PathEscape(productID) + "/paywall"
	if period != "" {
		path += "?billingPeriod=" + url.QueryEscape(string(period))
	}
	var v portico.PaywallView
	return &v, c.call(ctx, "GET", path, nil, &v)
}

func (c *Console) Versions(ctx context.Context, before int64) (*portico.CatalogVersionList, error) {
	path := "/catalog/versions"
	if before > 0 {
		path += "?before=" + strconv.FormatInt(before, 10)
	}
	var v portico.CatalogVersionList
	return &v, c.call(ctx, "GET", path, nil, &v)
}

func (c *Console) Version(ctx context.Context, n int64) (*portico.CatalogVersionDetail, error) {
	var v portico.CatalogVersionDetail
	return &v, c.call(ctx, "GET", "/catalog/versions/"+strconv.FormatInt(n, 10), nil, &v)
}

func (c *Console) Restore(ctx context.Context, n int64) (*portico.Catalog, error) {
	var v portico.Catalog
	return &v, c.call(ctx, "POST", "/catalog/versions/"+strconv.FormatInt(n, 10)+"/restore", struct{}{}, &v)
}
