// Package api ships Partoo's bundled OpenAPI document, the single source of
// truth of this module, so that tests and other teams' code generators can
// read the exact spec the generated code in gen/ was built from.
//
// The package has no dependencies beyond the standard library and parses
// nothing: it only hands out the file's bytes.
package api

import (
	"bytes"
	_ "embed"
)

// FileName is the name of the bundled spec file in this directory. It mirrors
// Partoo's /assets/openapi/openapi-bundled.yaml, so updating the spec means
// replacing this one file.
const FileName = "openapi-bundled.yaml"

//go:embed openapi-bundled.yaml
var bundled []byte

// OpenAPIBundled returns a copy of the bundled OpenAPI 3.1 document (YAML).
func OpenAPIBundled() []byte {
	return bytes.Clone(bundled)
}
