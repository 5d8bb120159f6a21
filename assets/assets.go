// Package assets holds files shipped inside the binary: the demo catalog.
package assets

import _ "embed"

// DemoCatalog is the demo catalog document.
//
//go:embed demo/catalog.json
var DemoCatalog []byte
