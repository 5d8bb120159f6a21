// Command console is the catalog console's browser client: the /console
// pages, talking to the console API through fetch. It is a binary of its
// own (assets/web/console.wasm) so that customers loading the portal do not
// download the console. Build it with GOOS=js GOARCH=wasm.
package main

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/portico-dev/portico/app/console"
	"github.com/portico-dev/portico/client"
)

func main() {
	console.Route(func() console.API { return client.NewConsole("") })
	app.RunWhenOnBrowser()
}
