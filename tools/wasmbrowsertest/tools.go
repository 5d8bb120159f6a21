//go:build tools

// Package tools pins the wasm test runner; make builds it into
// bin/go_js_wasm_exec, the name `go test` looks for with GOOS=js.
package tools

import _ "github.com/agnivade/wasmbrowsertest"
