// Command portico runs the Portico server and checks catalog files.
//
//	portico serve                    start the server (settings from the environment)
//	portico catalog validate FILE    check a catalog document
//	portico theme validate FILE      check a theme file
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

const usage = `Portico — a self-hostable customer portal for SaaS subscriptions.

Usage:
  portico serve                    start the server; settings come from PORTICO_* variables (see README)
  portico catalog validate FILE    check a catalog document and name every problem by its JSON path
  portico theme validate FILE      check a theme file and name every bad value by its JSON path;
                                   warn of text colours under WCAG 2.2 AA contrast
`

func main() {
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		// The server's live heap is small (tens of MB) and its garbage is
		// short-lived request data: collecting at 4× the live heap rather
		// than 2× gives requests back the CPU the collector took, and the
		// soft limit collects sooner should the heap ever grow large.
		// GOGC and GOMEMLIMIT override both.
		debug.SetGCPercent(400)
		debug.SetMemoryLimit(96 << 20)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	switch {
	case len(args) >= 1 && args[0] == "serve":
		if err := serve(ctx, stdout, stderr); err != nil {
			fmt.Fprintln(stderr, "portico:", err)
			return 1
		}
		return 0
	case len(args) == 3 && args[0] == "catalog" && args[1] == "validate":
		return validateCatalog(args[2], stdout, stderr)
	case len(args) == 3 && args[0] == "theme" && args[1] == "validate":
		return validateTheme(args[2], stdout, stderr)
	case len(args) == 1 && (args[0] == "help" || args[0] == "-h" || args[0] == "--help"):
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprint(stderr, usage)
	return 2
}
