package engine

import (
	"context"
	"fmt"
	"time"

	portico "github.com/portico-dev/portico"
)

// Cancel cancels a subscription under its product's journey: now with
// credit for unused time, or at the period's end; then access is revoked or
// the customer moves to the free plan. Cancellation is always possible,
// custom prices included. Products listed in AlsoCancelProductIDs are
// cancelled with it, each under its own journey.
//
// A portal session's answer lists, and credits, only subscriptions inside
// its scope: it is never told of the others, even those its journey ended
// (they are credited to the balance all the same).
func (e *Engine) Cancel(ctx context.Context, customerID, subID string, req portico.CancelRequest, actor Actor) (*portico.CancelResult, error) {
	var res *portico.CancelResult
	err := e.writeCustomer(ctx, customerID, func(o *op, c *portico.Customer) error {
		s, err := o.ownedSub(c.ID, subID, actor)
		if err != nil {
			return err
		}
		if !s.Live() {
			return portico.Conflict("subscription %q has already ended (%s)", s.ID, s.Status)
		}
		others, err := o.alsoCancel(c.ID, s, req.AlsoCancelProductIDs, actor)
		if err != nil {
			return err
		}
		var credit int64
		res, credit, err = o.cancelAll(c, append([]*portico.Subscription{s}, others...), actor)
		if err != nil {
			return err
		}
		if credit > 0 {
			c.Credit.Amount += credit
			if c.Credit.Currency == "" {
				c.Credit.Currency = res.Credit.Currency
			}
		}
		return o.tx.UpdateCustomer(c)
	})
	return res, err
}

// cancelAll cancels the subscriptions, the one asked for first, and returns
// the answer — which shows only those inside the actor's scope, and their
// credit — with the credit granted for all of them.
func (o *op) cancelAll(c *portico.Customer, subs []*portico.Subscription, actor Actor) (*portico.CancelResult, int64, error) {
	res := &portico.CancelResult{AlsoCanceled: []portico.SubscriptionView{}}
	res.Credit.Currency = o.currency(c, subs[0], nil) // before a downgrade to free changes the plan
	var credit int64
	for i, x := range subs {
		if err := o.syncCancel(c, x, actor); err != nil {
			return nil, 0, err
		}
		granted := o.cancel(c, x)
		if err := o.tx.PutSubscription(x); err != nil {
			return nil, 0, err
		}
		credit += granted
		switch {
		case i == 0:
			res.Subscription = o.subView(x)
		case !inScope(x, c.ID, actor):
			continue
		default:
			res.AlsoCanceled = append(res.AlsoCanceled, o.subView(x))
		}
		res.Credit.Amount += granted
	}
	return res, credit, nil
}

// alsoCancel finds the customer's live subscriptions in the other products:
// those the request names, then those the product's journey ends with it.
//
// A portal session names only what it could cancel one by one: a product
// outside its product scope is refused, and of a product inside it only
// the subscriptions inside its resource scope are taken (another
// resource's are left alone, unmentioned, as the session is never told of
// them). The journey's links are the merchant's rule, so they cross a
// session's product scope; they never cross its resource scope, which
// keeps one resource's session from ending another resource's
// subscriptions.
func (o *op) alsoCancel(customerID string, main *portico.Subscription, productIDs []string, actor Actor) ([]*portico.Subscription, error) {
	product, _ := o.cat.Product(main.ProductID)
	if len(productIDs) == 0 && len(product.Journey.AlsoCancelProductIDs) == 0 {
		return nil, nil
	}
	if err := o.checkAlsoCancel(productIDs, actor); err != nil {
		return nil, err
	}
	subs, err := o.tx.SubscriptionsOf(customerID)
	if err != nil {
		return nil, err
	}
	var out []*portico.Subscription
	taken := map[string]bool{main.ID: true}
	take := func(pid string, reaches func(*portico.Subscription) bool) {
		for _, s := range subs {
			if s.Live() && s.ProductID == pid && !taken[s.ID] && reaches(s) {
				taken[s.ID] = true
				out = append(out, s)
			}
		}
	}
	named := func(s *portico.Subscription) bool { return inScope(s, customerID, actor) }
	linked := func(s *portico.Subscription) bool { return inResourceScope(s, actor) }
	for _, pid := range productIDs {
		take(pid, named)
	}
	for _, pid := range product.Journey.AlsoCancelProductIDs {
		take(pid, linked)
	}
	return out, nil
}

// checkAlsoCancel refuses unknown products, and products outside a portal
// session's product scope, naming the field.
func (o *op) checkAlsoCancel(productIDs []string, actor Actor) error {
	for i, pid := range productIDs {
		field := fmt.Sprintf("alsoCancelProductIds[%d]", i)
		if _, ok := o.cat.Product(pid); !ok {
			return portico.Invalid(field, "unknown product %q", pid)
		}
		if actor.Portal && actor.Scope.ProductID != "" && actor.Scope.ProductID != pid {
			return portico.ForbiddenField(field, "this portal session is limited to product %q", actor.Scope.ProductID)
		}
	}
	return nil
}

// cancel applies the product's cancellation rule to s and returns the
// credit granted for unused time.
func (o *op) cancel(c *portico.Customer, s *portico.Subscription) int64 {
	product, _ := o.cat.Product(s.ProductID)
	toFree := ""
	if product.Journey.AfterCancel == portico.AfterCancelDowngradeToFree && s.PlanID != product.Journey.FreePlanID {
		toFree = product.Journey.FreePlanID
	}
	if cancellationTiming(product, s) == portico.EndOfPeriod {
		at := s.CurrentPeriodEnd
		s.CancelAt = &at
		s.ScheduledUpdates = []portico.ScheduledUpdate{{
			Type: portico.UpdateCancellation, EffectiveAt: at, DowngradeToPlanID: toFree, CreatedAt: o.now,
		}}
		return 0
	}
	credit := unusedCredit(o.total(s).Amount, s, o.now)
	o.end(c, s, o.now, toFree)
	return credit
}

// end ends a subscription at t: access is revoked, or with a free plan to go
// to, the subscription moves to it (a reverse trial when it was a trial).
func (o *op) end(c *portico.Customer, s *portico.Subscription, t time.Time, freePlanID string) {
	s.ScheduledUpdates, s.CancelAt, s.TrialEnd = []portico.ScheduledUpdate{}, nil, nil
	if s.TrialEndsAt != nil && t.Before(*s.TrialEndsAt) {
		s.TrialEndsAt = &t // a trial cut short ends now
	}
	if freePlanID == "" {
		closing, err := o.closingLines(s, t)
		o.fail(err)
		o.queueTopUp(s, s.CurrentPeriodStart, t, closing)
		o.issue(c, s, t, closing, o.currency(c, s, nil))
		s.Status = portico.StatusCanceled
		s.EndedAt = &t
		return
	}
	o.moveTo(c, s, t, freePlanID, portico.Monthly, nil, nil)
	o.events.endedToFree(s.ID)
}

// EndSubscription ends a subscription now, as the billing provider
// reports it ended (unpaid invoices, a cancellation in its own portal):
// access is revoked or the customer moves to the free plan, per the
// product's journey. Ending one that has ended already changes nothing.
// Nothing is mirrored to the provider, which ended it.
func (e *Engine) EndSubscription(ctx context.Context, customerID, subID string) error {
	return e.writeCustomer(ctx, customerID, func(o *op, c *portico.Customer) error {
		s, err := o.ownedSub(c.ID, subID, Provider)
		if err != nil || !s.Live() {
			return err
		}
		product, _ := o.cat.Product(s.ProductID)
		toFree := ""
		if product.Journey.AfterCancel == portico.AfterCancelDowngradeToFree && s.PlanID != product.Journey.FreePlanID {
			toFree = product.Journey.FreePlanID
		}
		o.end(c, s, o.now, toFree)
		return o.tx.PutSubscription(s)
	})
}
