package stripebilling

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/stripe/stripe-go/v76"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/billing"
)

// MaxInvoicesPage is the most invoices one Invoices call returns (Stripe's
// own page limit).
const MaxInvoicesPage = 100

// Invoices implements billing.Provider. Drafts are left out: they change
// until Stripe finalises them (about an hour after a renewal) and have no
// number or link yet. Stripe pages are walked as far as needed to fill the
// page despite drafts, within one call timeout.
func (p *Provider) Invoices(ctx context.Context, c billing.Customer, limit int, startingAfter string) ([]portico.Invoice, bool, error) {
	if limit <= 0 || limit > MaxInvoicesPage {
		return nil, false, portico.Invalid("limit", "must be between 1 and %d", MaxInvoicesPage)
	}
	key := fmt.Sprintf("invoices:%d:%s", limit, startingAfter)
	if v, ok := p.cache.get(c.ID, key); ok {
		pg := v.(invoicePage)
		return slices.Clone(pg.invoices), pg.hasMore, nil
	}
	id, err := p.linkedCustomer(ctx, c.ID)
	if err != nil {
		return nil, false, err
	}
	if id == "" {
		return []portico.Invoice{}, false, nil
	}
	cctx, cancel := p.call(ctx)
	defer cancel()
	lp := &stripe.InvoiceListParams{
		// One more than asked tells whether more follow without another
		// page (within Stripe's page limit of 100).
		ListParams: stripe.ListParams{Context: cctx, Limit: stripe.Int64(int64(min(limit+1, MaxInvoicesPage)))},
		Customer:   stripe.String(id),
	}
	if startingAfter != "" {
		lp.StartingAfter = stripe.String(startingAfter)
	}
	out := []portico.Invoice{}
	hasMore := false
	for it := p.api.Invoices.List(lp); ; {
		if !it.Next() {
			if err := it.Err(); err != nil {
				return nil, false, classify(err)
			}
			break
		}
		inv := it.Invoice()
		if inv.Status == stripe.InvoiceStatusDraft {
			continue
		}
		if len(out) == limit {
			hasMore = true
			break
		}
		out = append(out, p.withSubscription(ctx, invoice(inv), inv))
	}
	p.cache.put(c.ID, key, invoicePage{slices.Clone(out), hasMore})
	return out, hasMore, nil
}

// withSubscription names the Portico subscription a Stripe invoice bills,
// when Portico mirrors it, so a portal limited to a resource shows only
// that resource's invoices.
func (p *Provider) withSubscription(ctx context.Context, out portico.Invoice, inv *stripe.Invoice) portico.Invoice {
	if inv.Subscription == nil || inv.Subscription.ID == "" {
		return out
	}
	if id, err := p.store.SubscriptionOf(ctx, inv.Subscription.ID); err == nil {
		out.SubscriptionID = id
	}
	return out
}

type invoicePage struct {
	invoices []portico.Invoice
	hasMore  bool
}

func invoice(inv *stripe.Invoice) portico.Invoice {
	out := portico.Invoice{
		ID:          inv.ID,
		Number:      inv.Number,
		Status:      string(inv.Status),
		Total:       inv.Total,
		Currency:    string(inv.Currency),
		Created:     time.Unix(inv.Created, 0).UTC(),
		Description: inv.Description,
		HostedURL:   inv.HostedInvoiceURL,
		PDFURL:      inv.InvoicePDF,
	}
	if out.Description == "" && inv.Lines != nil && len(inv.Lines.Data) > 0 {
		out.Description = inv.Lines.Data[0].Description
	}
	return out
}
