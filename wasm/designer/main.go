// Command designer is the theme designer's browser client (package
// app/designer): it draws sample data only and calls no API. It is a
// binary of its own so that customers loading the portal do not download
// it. Build it with GOOS=js GOARCH=wasm.
package main

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/portico-dev/portico/app/designer"
)

func main() {
	// The server's theme travels in the page the server rendered; the
	// designer reads it there (see designer.Page).
	designer.Route(nil)
	app.RunWhenOnBrowser()
}
