package components

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// publicComponents are the package's public components, each made by its
// constructor.
func publicComponents() []app.Composer {
	return []app.Composer{
		NewCustomerPortal(nil), NewPortalProvider(nil),
		NewPortalHeader(), NewNoticeBar(), NewSubscriptionOverview(), NewAddonsList(), NewPromotions(),
		NewUsage(), NewUpcomingInvoice(), NewPaywall(), NewPaymentDetails(), NewInvoices(),
	}
}

// renderedTypes returns the exported types of the package's source that
// have a Render method, and the package's function names.
func renderedTypes(t *testing.T) (types []string, funcs map[string]*ast.FuncDecl) {
	t.Helper()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	funcs = map[string]*ast.FuncDecl{}
	fset := token.NewFileSet()
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			if fn.Recv == nil {
				funcs[fn.Name.Name] = fn
				continue
			}
			recv := fn.Recv.List[0].Type
			if star, ok := recv.(*ast.StarExpr); ok {
				recv = star.X
			}
			if id, ok := recv.(*ast.Ident); ok && fn.Name.Name == "Render" && ast.IsExported(id.Name) {
				types = append(types, id.Name)
			}
		}
	}
	return types, funcs
}

// Every public component is made by a constructor named New and its type,
// which returns a pointer to it, so hosts build every one the same way.
func TestEveryPublicComponentHasItsConstructor(t *testing.T) {
	types, funcs := renderedTypes(t)
	var listed []string
	for _, c := range publicComponents() {
		listed = append(listed, reflect.TypeOf(c).Elem().Name())
	}
	for _, name := range types {
		fn := funcs["New"+name]
		if fn == nil {
			t.Errorf("component %s has no constructor New%s", name, name)
			continue
		}
		res := fn.Type.Results
		if star, ok := res.List[0].Type.(*ast.StarExpr); len(res.List) != 1 || !ok || star.X.(*ast.Ident).Name != name {
			t.Errorf("New%s does not return a *%s", name, name)
		}
		if !slices.Contains(listed, name) {
			t.Errorf("component %s is missing from publicComponents", name)
		}
	}
	if len(types) != len(listed) {
		t.Errorf("rendered types %v, publicComponents %v", types, listed)
	}
}

// A component's props are set by its setters only. go-app hands a mounted
// component new props through its exported fields, so a component with
// props keeps them in one exported field, Props, whose type and fields are
// unexported: no host can set one but through a setter.
func TestPropsAreSetOnlyThroughTheSetters(t *testing.T) {
	compo := reflect.TypeOf(app.Compo{})
	for _, c := range publicComponents() {
		typ := reflect.TypeOf(c).Elem()
		for _, f := range reflect.VisibleFields(typ) {
			switch {
			case !f.IsExported() || f.Type == compo:
			case f.Name != "Props" || len(f.Index) != 1:
				t.Errorf("%s.%s: a prop outside Props", typ.Name(), f.Name)
			case ast.IsExported(f.Type.Name()):
				t.Errorf("%s.Props is of the exported type %s", typ.Name(), f.Type.Name())
			default:
				for _, p := range reflect.VisibleFields(f.Type) {
					if p.IsExported() {
						t.Errorf("%s.Props.%s is exported", typ.Name(), p.Name)
					}
				}
			}
		}
	}
}

// go-app carries the props of a parent's new render to a mounted
// component through Props.
func TestNewPropsReachAMountedComponent(t *testing.T) {
	host := &productHost{product: "acme"}
	src := &fakeSource{portal: demoPortal(), paywall: demoPaywall()}
	h := mount(t, withNotices(src, host))
	host.ctx.Dispatch(func(app.Context) { host.product = "beta" })
	h.settle()
	if host.shown.Props.productID != "beta" {
		t.Errorf("the mounted paywall has product %q after the host re-rendered with beta", host.shown.Props.productID)
	}
}

// productHost renders a Paywall for its product, and keeps the one
// mounted.
type productHost struct {
	app.Compo
	product string
	ctx     app.Context
	shown   *Paywall
}

func (h *productHost) OnMount(ctx app.Context)     { h.ctx = ctx }
func (h *productHost) OnPreRender(ctx app.Context) { h.ctx = ctx }

func (h *productHost) Render() app.UI {
	pw := NewPaywall().ProductID(h.product)
	if h.shown == nil {
		h.shown = pw // the first render's is the one mounted
	}
	return app.Div().Body(pw)
}
