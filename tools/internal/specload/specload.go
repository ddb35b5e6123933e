// Package specload loads the bundled OpenAPI document for the project's
// generators, the same way for all of them.
package specload

import (
	"context"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
)

// Load reads, resolves and validates the OpenAPI document at path.
// Schema patterns are not compiled during validation: they are ECMA-262 and
// may use lookaheads that Go's regexp rejects; spec-lint checks them with an
// ECMAScript engine. Examples are not validated either: one that breaks its
// schema is an advisory finding of spec-lint, and the generators never
// serve it (specgen builds a valid value instead). Each element records
// the keys it was written with (its Origin), so that an explicit
// "example: null" differs from no example. opts adds validation options.
func Load(path string, opts ...openapi3.ValidationOption) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	loader.IncludeOrigin = true
	doc, err := loader.LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	opts = append([]openapi3.ValidationOption{openapi3.DisableSchemaPatternValidation(), openapi3.DisableExamplesValidation()}, opts...)
	if err := doc.Validate(context.Background(), opts...); err != nil {
		return nil, fmt.Errorf("validate %s: %w", path, err)
	}
	return doc, nil
}
