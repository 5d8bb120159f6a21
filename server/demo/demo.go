// Package demo loads the demo catalog and demo customers that `make run`
// starts with, each in a state worth seeing in the portal.
package demo

import (
	"bytes"
	"context"
	"fmt"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/assets"
	"github.com/portico-dev/portico/server/catalog"
	"github.com/portico-dev/portico/server/engine"
)

// Customer is a demo customer and what their state shows.
type Customer struct {
	ID    string
	Shows string
	// Resource is the resource the demo's portal sessions are scoped to,
	// if any.
	Resource string
	setup    func(ctx context.Context, e *engine.Engine) error
}

var card = &portico.PaymentMethod{Brand: "visa", Last4: "4242", ExpMonth: 12, ExpYear: 2030}

func billing(name, email string) *portico.BillingProfile {
	return &portico.BillingProfile{Name: name, Email: email, PaymentMethod: card,
		Address: &portico.Address{Line1: "1 Market Street", City: "San Francisco", State: "CA", PostalCode: "94105", Country: "US"}}
}

func i64(n int64) *int64 { return &n }

// Customers are the demo customers, in the order they are printed.
var Customers = []Customer{
	{ID: "ada", Shows: "free plan", setup: func(ctx context.Context, e *engine.Engine) error {
		_, err := e.CreateCustomer(ctx, portico.CreateCustomerRequest{ID: "ada", Name: "Ada Lovelace", Email: "ada@example.com"})
		return err
	}},
	{ID: "grace", Shows: "Pro with add-ons and a promotion", setup: func(ctx context.Context, e *engine.Engine) error {
		return all(
			create(ctx, e, "grace", "Grace Hopper", "grace@example.com", true),
			trialUsed(ctx, e, "grace"),
			change(ctx, e, "grace", portico.ChangeRequest{PlanID: "pro", BillingPeriod: portico.Monthly,
				Addons: []portico.AddonQuantity{{ID: "extra-seats", Quantity: 2}, {ID: "extra-calls", Quantity: 1}}}),
			func() error {
				_, err := e.GrantPromotion(ctx, "grace", portico.PromotionRequest{FeatureID: "priority-support"})
				return err
			},
			func() error {
				_, err := e.GrantPromotion(ctx, "grace", portico.PromotionRequest{FeatureID: "storage-gb", Limit: i64(500)})
				return err
			},
			usage(ctx, e, "grace", "seats", 14), usage(ctx, e, "grace", "api-calls", 61250), usage(ctx, e, "grace", "projects", 23),
		)
	}},
	{ID: "alan", Shows: "trialing Pro", setup: func(ctx context.Context, e *engine.Engine) error {
		return all(create(ctx, e, "alan", "Alan Turing", "alan@example.com", false),
			change(ctx, e, "alan", portico.ChangeRequest{PlanID: "pro"}), usage(ctx, e, "alan", "seats", 4))
	}},
	{ID: "linus", Shows: "Pro annual with a downgrade to Basic scheduled", setup: func(ctx context.Context, e *engine.Engine) error {
		return all(create(ctx, e, "linus", "Linus Torvalds", "linus@example.com", true),
			trialUsed(ctx, e, "linus"),
			change(ctx, e, "linus", portico.ChangeRequest{PlanID: "pro", BillingPeriod: portico.Annually}),
			change(ctx, e, "linus", portico.ChangeRequest{PlanID: "basic", BillingPeriod: portico.Annually}),
			usage(ctx, e, "linus", "seats", 4))
	}},
	{ID: "margaret", Shows: "Enterprise at a custom price", setup: func(ctx context.Context, e *engine.Engine) error {
		return all(create(ctx, e, "margaret", "Margaret Hamilton", "margaret@example.com", true),
			change(ctx, e, "margaret", portico.ChangeRequest{PlanID: "enterprise", BillingPeriod: portico.Annually,
				Price: &portico.Money{Amount: 1200000, Currency: "usd"}}),
			usage(ctx, e, "margaret", "seats", 140))
	}},
	{ID: "barbara", Shows: "Basic, near its API-call limit", setup: func(ctx context.Context, e *engine.Engine) error {
		return all(create(ctx, e, "barbara", "Barbara Liskov", "barbara@example.com", true),
			trialUsed(ctx, e, "barbara"),
			change(ctx, e, "barbara", portico.ChangeRequest{PlanID: "basic"}),
			usage(ctx, e, "barbara", "api-calls", 9620), usage(ctx, e, "barbara", "seats", 5), usage(ctx, e, "barbara", "projects", 7))
	}},
	{ID: "ken", Resource: "blog", Shows: "two sites (one subscription per site)", setup: func(ctx context.Context, e *engine.Engine) error {
		return all(create(ctx, e, "ken", "Ken Thompson", "ken@example.com", true),
			change(ctx, e, "ken", portico.ChangeRequest{PlanID: "site-growth", ResourceID: "blog"}),
			change(ctx, e, "ken", portico.ChangeRequest{PlanID: "site-starter", ResourceID: "docs"}),
			func() error {
				_, err := e.ReportUsage(ctx, portico.UsageRequest{CustomerID: "ken", FeatureID: "pageviews", Value: 48210, ResourceID: "blog"})
				return err
			})
	}},
	{ID: "dennis", Shows: "Team, 12 members on tiered per-member pricing", setup: func(ctx context.Context, e *engine.Engine) error {
		return all(create(ctx, e, "dennis", "Dennis Ritchie", "dennis@example.com", true),
			change(ctx, e, "dennis", portico.ChangeRequest{PlanID: "platform-team", Quantities: map[string]int64{"members": 12}}),
			usage(ctx, e, "dennis", "members", 9), usage(ctx, e, "dennis", "requests", 31250))
	}},
	{ID: "radia", Shows: "Scale, usage-priced API requests with a monthly minimum", setup: func(ctx context.Context, e *engine.Engine) error {
		return all(create(ctx, e, "radia", "Radia Perlman", "radia@example.com", true),
			change(ctx, e, "radia", portico.ChangeRequest{PlanID: "platform-scale"}),
			usage(ctx, e, "radia", "requests", 123400))
	}},
	{ID: "edsger", Shows: "Basic in euros, with an extra seat", setup: func(ctx context.Context, e *engine.Engine) error {
		return all(createIn(ctx, e, "edsger", "Edsger Dijkstra", "edsger@example.com", "eur",
			&portico.Address{Line1: "Science Park 123", City: "Amsterdam", PostalCode: "1098 XG", Country: "NL"}),
			trialUsed(ctx, e, "edsger"),
			change(ctx, e, "edsger", portico.ChangeRequest{PlanID: "basic", Addons: []portico.AddonQuantity{{ID: "extra-seats", Quantity: 1}}}),
			usage(ctx, e, "edsger", "seats", 6), usage(ctx, e, "edsger", "api-calls", 4180), usage(ctx, e, "edsger", "projects", 4))
	}},
}

// Load fills a store that has no catalog yet with the demo catalog and
// customers, and reports whether it did. A store with a catalog is left as
// it is: it holds what was saved since (a catalog changed in the console,
// customers' changes in the portal), and a restart must come back with
// that, not with the demo applied over it.
func Load(ctx context.Context, e *engine.Engine) (loaded bool, err error) {
	_, version, err := e.CurrentCatalog(ctx)
	if err != nil || version > 0 {
		return false, err
	}
	c, err := catalog.Decode(bytes.NewReader(assets.DemoCatalog))
	if err != nil {
		return false, fmt.Errorf("demo catalog: %w", err)
	}
	if _, _, err := e.ApplyCatalog(ctx, c, engine.CatalogChange{By: "demo"}); err != nil {
		return false, fmt.Errorf("demo catalog: %w", err)
	}
	for _, dc := range Customers {
		if err := dc.create(ctx, e); err != nil {
			return false, err
		}
	}
	return true, nil
}

// create sets the customer up unless the store has one with its ID (made
// through the API before there was a catalog).
func (dc Customer) create(ctx context.Context, e *engine.Engine) error {
	if _, err := e.Customer(ctx, dc.ID); err == nil {
		return nil
	} else if portico.KindOf(err) != portico.KindNotFound {
		return err
	}
	if err := dc.setup(ctx, e); err != nil {
		return fmt.Errorf("demo customer %s: %w", dc.ID, err)
	}
	return nil
}

func all(steps ...func() error) error {
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

func create(ctx context.Context, e *engine.Engine, id, name, email string, withCard bool) func() error {
	return func() error {
		req := portico.CreateCustomerRequest{ID: id, Name: name, Email: email}
		if withCard {
			req.Billing = billing(name, email)
		}
		_, err := e.CreateCustomer(ctx, req)
		return err
	}
}

// createIn creates a customer with a card who pays in the currency, billed
// at the address.
func createIn(ctx context.Context, e *engine.Engine, id, name, email, currency string, at *portico.Address) func() error {
	return func() error {
		b := billing(name, email)
		b.Address = at
		_, err := e.CreateCustomer(ctx, portico.CreateCustomerRequest{ID: id, Name: name, Email: email, Billing: b, Currency: currency})
		return err
	}
}

func change(ctx context.Context, e *engine.Engine, id string, req portico.ChangeRequest) func() error {
	return func() error {
		_, err := e.ChangeSubscription(ctx, id, req, engine.Backend)
		return err
	}
}

func usage(ctx context.Context, e *engine.Engine, id, feature string, n int64) func() error {
	return func() error {
		_, err := e.ReportUsage(ctx, portico.UsageRequest{CustomerID: id, FeatureID: feature, Value: n})
		return err
	}
}

// trialUsed makes the next Pro change a plain purchase: these customers
// have had their trial.
func trialUsed(ctx context.Context, e *engine.Engine, id string) func() error {
	return func() error { return e.MarkTrialed(ctx, id, "acme") }
}
