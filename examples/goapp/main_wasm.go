//go:build js && wasm

package main

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// main runs in the browser: the same pages take over the ones the server
// rendered, and Portico's sections call the portal API with fetch.
func main() {
	routes()
	app.RunWhenOnBrowser()
}
