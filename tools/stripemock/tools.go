//go:build tools

// Package tools pins stripe-mock; make builds it into bin/stripe-mock, which
// the billing/stripe tests start on a loopback port.
package tools

import _ "github.com/stripe/stripe-mock"
