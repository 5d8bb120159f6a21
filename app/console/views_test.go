package console

import (
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

// Each view owns its state and changes it in its hooks and handlers only:
// drawing it changes nothing.
func TestDrawingAViewChangesNoState(t *testing.T) {
	j := &journeyView{API: fakeAPI{}, Catalog: testCatalog(), ProductID: "chat"}
	j.Render()
	if j.draft != nil {
		t.Error("drawing the journey started a draft: the draft starts when the view mounts")
	}
	j.OnInit()
	draft := j.draft
	j.Render()
	if j.draft != draft || draft.base != j.Catalog {
		t.Error("drawing the journey replaced its draft")
	}

	p := &productView{API: fakeAPI{}, Catalog: testCatalog(), ProductID: "chat"}
	p.Render()
	if p.preview != nil {
		t.Error("drawing a product made its preview source: it is made when the view mounts")
	}
}

// The journey draft is the operator's until this console saves: someone
// else's catalog read on the way keeps it (the save re-applies it on
// theirs), a save or another product starts it again.
func TestTheJourneyDraftOutlivesAReadButNotASave(t *testing.T) {
	v := &journeyView{API: fakeAPI{}, Catalog: testCatalog(), ProductID: "chat"}
	v.OnInit()
	v.draft.j.Start = portico.StartTrial
	drafted := v.draft

	v.Catalog, v.Version.read = testCatalog(), v.Version.read+1
	v.OnUpdate(app.Context{})
	if v.draft != drafted || v.draft.j.Start != portico.StartTrial {
		t.Fatal("someone else's catalog read on the way dropped the draft")
	}

	saved := testCatalog()
	saved.Products[0].Journey.Downgrade = portico.EndOfPeriod
	v.Catalog, v.Version = saved, catalogVersion{read: v.Version.read + 1, saved: v.Version.saved + 1}
	v.OnUpdate(app.Context{})
	if v.draft == drafted || v.draft.base != saved || v.draft.j.Downgrade != portico.EndOfPeriod || v.draft.j.Start == portico.StartTrial {
		t.Fatalf("after a save the draft is %+v, want the journey as saved", v.draft.j)
	}

	v.ProductID = "video"
	v.OnUpdate(app.Context{})
	if v.draft.product != "video" {
		t.Errorf("another product's journey shows the draft of %q", v.draft.product)
	}
}

// The pricing preview keeps its data source, and so what it read, while
// the page redraws; another product gets a source of its own.
func TestAProductKeepsItsPreviewSourceUntilAnotherProduct(t *testing.T) {
	v := &productView{API: fakeAPI{}, Catalog: testCatalog(), ProductID: "chat"}
	v.OnInit()
	src := v.preview
	v.Catalog = testCatalog()
	v.OnUpdate(app.Context{})
	if v.preview != src {
		t.Error("a new catalog gave the same product another preview source")
	}
	v.ProductID = "video"
	v.OnUpdate(app.Context{})
	if v.preview == src || v.preview.product != "video" {
		t.Errorf("product video previews %q", v.preview.product)
	}
}

// A notice kept for the next page shows there, once; one shown now goes
// with the page.
func TestANoticeKeptForTheNextPageShowsThere(t *testing.T) {
	n := &noticeSlot{}
	n.onNotice(app.Context{}, app.Action{Value: notice{text: "Product “Chat” saved."}})
	n.onNotice(app.Context{}, app.Action{Value: notice{text: "Product “Chat” created.", afterNav: true}})
	if n.text != "Product “Chat” saved." {
		t.Errorf("the notice shown is %q", n.text)
	}
	n.OnNav(app.Context{})
	if n.text != "Product “Chat” created." {
		t.Errorf("on the next page the notice is %q", n.text)
	}
	n.OnNav(app.Context{})
	if n.text != "" {
		t.Errorf("the page after shows %q still", n.text)
	}
}
