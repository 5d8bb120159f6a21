// Command wasm is Portico's browser client: the webapp's pages, talking to
// the portal API through fetch (the console has its own, wasm/console).
// Build it with GOOS=js GOARCH=wasm.
package main

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/portico-dev/portico/client"
	"github.com/portico-dev/portico/components"
	"github.com/portico-dev/portico/webapp"
)

func main() {
	webapp.NewSource = func(token string) components.Source { return client.New("", token) }
	webapp.Routes()
	app.RunWhenOnBrowser()
}
