package txn

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Migration is one embedded migration file, NNNN_name.sql.
type Migration struct {
	Name    string // its path in the file system
	Version int    // its NNNN prefix
}

// Migrations lists the *.sql files of dir in fsys in the order they apply
// (file-name order), each with the version its name starts with.
func Migrations(fsys fs.FS, dir string) ([]Migration, error) {
	names, err := fs.Glob(fsys, dir+"/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := make([]Migration, 0, len(names))
	for _, name := range names {
		version, err := strconv.Atoi(strings.SplitN(path.Base(name), "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("migration %s: bad version prefix", name)
		}
		out = append(out, Migration{Name: name, Version: version})
	}
	return out, nil
}
