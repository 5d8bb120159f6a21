// Command portal is the customers' browser client: the portal and embed
// pages (package app/portal), talking to the portal API through fetch. The
// console and the designer have their own (wasm/console, wasm/designer), so
// customers download neither. Build it with GOOS=js GOARCH=wasm.
package main

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/portico-dev/portico/app/portal"
	"github.com/portico-dev/portico/client"
	"github.com/portico-dev/portico/components"
)

func main() {
	portal.Routes(portal.Config{NewSource: func(token, locale string) components.Source {
		return client.New("", token).Locale(locale)
	}})
	app.RunWhenOnBrowser()
}
