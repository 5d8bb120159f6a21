package components

import (
	"context"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	portico "github.com/portico-dev/portico"
)

// changeFlow is the preview-then-confirm state that the dialogs changing a
// subscription (add-on quantities, committed quantities) share: the latest
// preview asked for and its error, and the change being applied.
type changeFlow struct {
	preview    *portico.Preview
	previewErr string
	asked      int // counts previews asked for: only the latest answer shows
	applying   bool
}

// forget drops the preview shown and any answer still on its way.
func (f *changeFlow) forget() {
	f.preview, f.previewErr = nil, ""
	f.asked++
}

// fetchPreview asks for req's preview as ask number asked; its answer
// shows only if no later one was asked and the dialog is still open.
func (f *changeFlow) fetchPreview(ctx app.Context, src Source, req portico.ChangeRequest, asked int, open func() bool, errText func(error) string) {
	ctx.Async(func() {
		c, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		pv, err := src.Preview(c, req)
		ctx.Dispatch(func(ctx app.Context) {
			switch {
			case asked != f.asked || !open():
			case err != nil:
				f.previewErr = errText(err)
			default:
				f.preview = pv
			}
		})
	})
}

// applyChange makes the previewed change; on success it closes the dialog,
// says what the change did and reloads the portal, else it shows why.
func (f *changeFlow) applyChange(ctx app.Context, cfg Config, req portico.ChangeRequest, errText func(error) string, close func(app.Context)) {
	if f.applying || f.preview == nil {
		return
	}
	f.applying = true
	ctx.Async(func() {
		c, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		res, err := cfg.Source.Change(c, req)
		ctx.Dispatch(func(ctx app.Context) {
			f.applying = false
			if err != nil {
				f.previewErr = errText(err)
				return
			}
			close(ctx)
			changed(ctx, cfg, res)
		})
	})
}
