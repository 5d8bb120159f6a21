package components

import (
	"net/url"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

// PortalHeader heads the portal with the business's logo and name and,
// when the session came from the business's app, a link back to it. It
// draws nothing when there is neither.
type PortalHeader struct{ section }

// NewPortalHeader returns a PortalHeader, to place under a PortalProvider.
func NewPortalHeader() *PortalHeader { return &PortalHeader{} }

func (h *PortalHeader) Render() app.UI {
	var b portico.Business
	back := ""
	if p := h.data.Portal; p != nil {
		if p.Business != nil {
			b = *p.Business
		}
		back = webLink(p.ReturnURL)
	}
	return app.Header().Class(h.c("portal-header")).Body(
		app.If(b.Name != "" || b.LogoURL != "", func() app.UI {
			return app.Div().Class(h.c("business")).Body(
				app.If(b.LogoURL != "", func() app.UI {
					// The name beside it says who: the logo is decoration then.
					alt := b.Name
					if b.Name != "" {
						alt = ""
					}
					return app.Img().Class(h.c("business-logo")).Src(b.LogoURL).Alt(alt)
				}),
				app.If(b.Name != "", func() app.UI { return app.Span().Class(h.c("business-name")).Text(b.Name) }),
			)
		}),
		app.If(back != "", func() app.UI {
			text := h.t("returnToApp")
			if b.Name != "" {
				text = h.t("returnTo", "name", b.Name)
			}
			// _top: a framed portal sends the whole tab back.
			return app.A().Class(h.c("return-link")).Href(back).Target("_top").Text(text)
		}),
	)
}

// webLink returns v when it is an absolute http(s) URL, else "": a link
// the customer follows must not run script.
func webLink(v string) string {
	u, err := url.Parse(v)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return ""
	}
	return u.String()
}
