// Package testspec holds a frozen copy of the Webhooks spec, its names
// file and its seed (the excerpt of Partoo's docs it was checked against),
// for the tools' own tests. Those tests mutate a known document to prove
// each rule; they use these copies rather than api/openapi-bundled.yaml and
// the live seed so that they keep passing when make update-spec brings in a
// new spec. The live spec is checked by make spec-lint, make generate and
// the pipeline tests.
package testspec

import _ "embed"

//go:embed webhooks-openapi.yaml
var webhooks []byte

// Webhooks returns a copy of the frozen Webhooks spec.
func Webhooks() []byte { return append([]byte(nil), webhooks...) }

//go:embed defects/bundle.yaml
var defectsBundle []byte

//go:embed defects/repairs.yaml
var defectsRepairs []byte

// DefectsBundle returns an invented OpenAPI 3.0 bundle with one of each
// defect that a real bundle taken as it is has been seen to carry (types
// that are not JSON Schema's, an array without items, undeclared and
// optional path parameters, a blank parameter name, a schema's
// "required: true" and scalar examples, a misspelt keyword, a pattern that
// names a format, a discriminator mapping to a missing schema, names that
// collide in Go, an operation without operationId, an example that breaks
// its schema, an unknown format), and 3.0's nullable, example and boolean
// exclusiveMaximum.
func DefectsBundle() []byte { return append([]byte(nil), defectsBundle...) }

// DefectsRepairs returns the repairs overlay of DefectsBundle: one action
// per blocking defect, each with its reason.
func DefectsRepairs() []byte { return append([]byte(nil), defectsRepairs...) }
