package components

import (
	"fmt"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

func TestExplore(t *testing.T) {
	src := &fakeSource{portal: demoPortal(), paywall: demoPaywall()}
	h := mount(t, Portal(src))
	fmt.Println(h.html()[:3000])
	fmt.Println(h.text())
	fmt.Println(src.log())
	h2 := mount(t, Portal(src).WithCallbacks(Callbacks{OnContactSupport: func(app.Context) bool { return true }}))
	_ = h2
	fmt.Println(src.log())
}
