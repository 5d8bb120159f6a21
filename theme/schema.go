package theme

import _ "embed"

//go:embed schema.json
var schema string

// Schema is the JSON Schema (draft 2020-12) of a theme file: every field
// with its help text and default, and the values Parse accepts. Its $id is
// relative, theme.schema.json, so it resolves to wherever it is served. A
// theme file may name it in "$schema" for editors to complete and check it.
func Schema() []byte { return []byte(schema) }
