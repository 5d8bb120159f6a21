package catalog_test

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/assets"
	"github.com/portico-dev/portico/server/catalog"
)

func demo(t *testing.T) *portico.Catalog {
	t.Helper()
	c, err := catalog.Decode(bytes.NewReader(assets.DemoCatalog))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// fieldsOf is the fields a validation error names, or nil.
func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var perr *portico.Error
	if !errors.As(err, &perr) {
		t.Fatalf("error %v is not a problem naming fields", err)
	}
	var out []string
	for _, f := range perr.Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestTheDemoCatalogIsValid(t *testing.T) {
	if err := catalog.Validate(demo(t)); err != nil {
		t.Fatal(err)
	}
}

func TestNamesAreUniqueAmongLiveObjectsOfAProduct(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(c *portico.Catalog)
		want []string
	}{
		{"a plan named as another of its product, in another case", func(c *portico.Catalog) { c.Plans[2].Name = "BASIC " },
			[]string{"plans[2].name"}},
		{"a plan named as a plan of another product", func(c *portico.Catalog) { c.Plans[4].Name = "Pro" }, nil},
		{"an archived plan named as a live one", func(c *portico.Catalog) {
			c.Plans[1].Archived = true
			c.Plans = append(c.Plans, portico.Plan{ID: "basic-2", ProductID: "acme", Name: "Basic", Pricing: portico.PricingFree})
		}, nil},
		{"two live products with one name", func(c *portico.Catalog) { c.Products[1].Name = "acme cloud" },
			[]string{"products[1].name"}},
		{"an archived product named as a live one", func(c *portico.Catalog) {
			c.Products[1].Name, c.Products[1].Archived = "Acme Cloud", true
		}, nil},
		{"two add-ons of a product with one name", func(c *portico.Catalog) { c.Addons[1].Name = "Extra seats" },
			[]string{"addons[1].name"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := demo(t)
			tc.edit(c)
			got := fieldsOf(t, catalog.Validate(c))
			if !slices.Equal(got, tc.want) {
				t.Errorf("errors name %q, want %q", got, tc.want)
			}
		})
	}
}

func TestADuplicateNameSaysWhichObjectHasIt(t *testing.T) {
	c := demo(t)
	c.Plans[2].Name = "Basic"
	err := catalog.Validate(c)
	var perr *portico.Error
	if !errors.As(err, &perr) || len(perr.Fields) != 1 || !strings.Contains(perr.Fields[0].Message, `plan "basic"`) {
		t.Fatalf("error = %v, want one naming the plan that has the name", err)
	}
}

func TestAnAddonMustGrantSomething(t *testing.T) {
	c := demo(t)
	c.Addons[0].Entitlements = nil
	if got := fieldsOf(t, catalog.Validate(c)); !slices.Equal(got, []string{"addons[0].entitlements"}) {
		t.Errorf("an add-on that grants nothing: errors name %q", got)
	}
	c.Addons[0].Archived = true
	if err := catalog.Validate(c); err != nil {
		t.Errorf("an archived add-on that grants nothing is refused: %v", err)
	}
}

func TestMaxQuantityWrittenAsZeroIsRefused(t *testing.T) {
	doc := strings.Replace(string(assets.DemoCatalog), `"maxQuantity": 10`, `"maxQuantity": 0`, 1)
	if doc == string(assets.DemoCatalog) {
		t.Fatal("the demo catalog has no add-on with a maxQuantity of 10 to change")
	}
	_, err := catalog.Decode(strings.NewReader(doc))
	if got := fieldsOf(t, err); !slices.Equal(got, []string{"addons[1].maxQuantity"}) {
		t.Errorf("maxQuantity 0: errors name %q", got)
	}
	left := strings.Replace(string(assets.DemoCatalog), `"maxQuantity": 10,`, ``, 1)
	if _, err := catalog.Decode(strings.NewReader(left)); err != nil {
		t.Errorf("maxQuantity left out (no limit) is refused: %v", err)
	}
}
