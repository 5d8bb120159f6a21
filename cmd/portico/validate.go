package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	portico "github.com/portico-dev/portico"
	"github.com/portico-dev/portico/server/catalog"
)

// validateCatalog checks a catalog file; it prints each problem as
// "path: message" and returns 1 when there is any.
func validateCatalog(path string, stdout, stderr io.Writer) int {
	c, err := readCatalog(path)
	if err == nil {
		err = catalog.Validate(c)
	}
	if err != nil {
		printProblems(stderr, path, err)
		return 1
	}
	fmt.Fprintf(stdout, "%s: valid (%d features, %d products, %d plans, %d add-ons)\n",
		path, len(c.Features), len(c.Products), len(c.Plans), len(c.Addons))
	return 0
}

func readCatalog(path string) (*portico.Catalog, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return catalog.Decode(f)
}

func printProblems(w io.Writer, path string, err error) {
	var e *portico.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		fmt.Fprintf(w, "%s: %v\n", path, err)
		return
	}
	for _, f := range e.Fields {
		fmt.Fprintf(w, "%s: %s: %s\n", path, f.Field, f.Message)
	}
}
