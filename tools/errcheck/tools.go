//go:build tools

// Package tools pins errcheck, the unchecked-error linter; make builds it
// into bin/errcheck and make vet runs it over the production packages.
package tools

import _ "github.com/kisielk/errcheck"
