// Package testspec holds a frozen copy of the Webhooks spec and its names
// file, for the tools' own tests. Those tests mutate a known document to
// prove each rule; they use this copy rather than api/openapi-bundled.yaml so
// that they keep passing when make update-spec brings in a new spec. The
// live spec is checked by make spec-lint, make generate and the pipeline
// tests.
package testspec

import _ "embed"

//go:embed webhooks-openapi.yaml
var webhooks []byte

// Webhooks returns a copy of the frozen Webhooks spec.
func Webhooks() []byte { return append([]byte(nil), webhooks...) }

// Paths of the files, relative to a package directory two levels below the
// tools module (tools/cmd/<name>).
const (
	WebhooksPathFromCmd = "../../internal/testspec/webhooks-openapi.yaml"
	NamesPathFromCmd    = "../../internal/testspec/names.yaml"
)
