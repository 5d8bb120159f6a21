// Package headless finds Chromium and starts it the way Portico's
// end-to-end tests, examples' tests and benchmarks drive it: headless,
// without a sandbox, GPU, background networking or first-run pages.
package headless

import (
	"context"
	"os/exec"

	"github.com/chromedp/chromedp"
)

// Path is Debian's Chromium, else the first of chromium and
// chromium-browser on PATH; "" when there is none.
func Path() string {
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Allocator starts the browser at path for chromedp contexts made from the
// returned one.
func Allocator(parent context.Context, path string) (context.Context, context.CancelFunc) {
	return chromedp.NewExecAllocator(parent,
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("no-first-run", true),
	)
}
