// errcheck, the unchecked-error linter, pinned in its own module so its
// dependencies stay out of Portico's go.mod.
module github.com/portico-dev/portico/tools/errcheck

go 1.26

require github.com/kisielk/errcheck v1.9.0

require (
	golang.org/x/mod v0.23.0 // indirect
	golang.org/x/sync v0.11.0 // indirect
	golang.org/x/tools v0.30.0 // indirect
)
