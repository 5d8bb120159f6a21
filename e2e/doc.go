// Package e2e holds Portico's end-to-end tests: each starts the real server
// (built from ./cmd/portico, with the demo catalog and customers) and drives
// the portal in a headless Chromium with chromedp, from the prerendered page
// through the wasm client taking it over to the changes a customer makes.
//
// The tests need the web client built (make build) and Chromium installed
// (/usr/bin/chromium, or chromium or chromium-browser on PATH). Without a
// browser they skip, unless CI is set: then they fail. Screenshots of each
// scenario's key state are written to $PORTICO_SCREENSHOTS (a temporary
// folder by default).
package e2e
