package catalog

import (
	"fmt"

	portico "github.com/portico-dev/portico"
)

// CheckEvolution checks that next may replace prev: nothing is deleted (it is
// archived instead), an object's identity does not change, and a product
// with subscriptions keeps its subscription type. hasSubscriptions reports
// whether a product has ever had a subscription.
func CheckEvolution(prev, next *portico.Catalog, hasSubscriptions func(productID string) (bool, error)) error {
	var errs problems
	for _, f := range prev.Features {
		if nf, ok := next.Feature(f.ID); !ok {
			errs.add("features", "feature %q cannot be removed", f.ID)
		} else if nf.Type != f.Type {
			errs.add(fieldOf("features", next.Features, f.ID, func(x portico.Feature) string { return x.ID })+".type", "feature %q is %s and cannot change type; create a new feature", f.ID, f.Type)
		}
	}
	for _, p := range prev.Plans {
		if np, ok := next.Plan(p.ID); !ok {
			errs.add("plans", "plan %q cannot be removed; archive it instead", p.ID)
		} else if np.ProductID != p.ProductID {
			errs.add(fieldOf("plans", next.Plans, p.ID, func(x portico.Plan) string { return x.ID })+".productId", "plan %q belongs to product %q; IDs are immutable, create a new plan", p.ID, p.ProductID)
		}
	}
	for _, a := range prev.Addons {
		if na, ok := next.Addon(a.ID); !ok {
			errs.add("addons", "add-on %q cannot be removed; archive it instead", a.ID)
		} else if na.ProductID != a.ProductID {
			errs.add(fieldOf("addons", next.Addons, a.ID, func(x portico.Addon) string { return x.ID })+".productId", "add-on %q belongs to product %q; IDs are immutable, create a new add-on", a.ID, a.ProductID)
		}
	}
	for _, p := range prev.Products {
		if _, ok := next.Product(p.ID); !ok {
			errs.add("products", "product %q cannot be removed; archive it instead", p.ID)
		}
	}
	if err := errs.err(); err != nil {
		return err
	}
	return checkTypeLock(prev, next, hasSubscriptions)
}

func checkTypeLock(prev, next *portico.Catalog, hasSubscriptions func(string) (bool, error)) error {
	for _, p := range prev.Products {
		np, _ := next.Product(p.ID)
		if np.SubscriptionType == p.SubscriptionType {
			continue
		}
		has, err := hasSubscriptions(p.ID)
		if err != nil {
			return err
		}
		if has {
			return portico.Conflict("product %q has subscriptions, so its subscription type stays %q", p.ID, p.SubscriptionType)
		}
	}
	return nil
}

func fieldOf[T any](kind string, xs []T, id string, idOf func(T) string) string {
	for i, x := range xs {
		if idOf(x) == id {
			return fmt.Sprintf("%s[%d]", kind, i)
		}
	}
	return kind
}
