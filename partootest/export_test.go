package partootest

import (
	"slices"

	"github.com/partoo-go/partoo/internal/apispec"
)

// WithoutRules serves the spec's operations with the generic behaviour of
// their roles (stateful, example) only, without the rules Partoo documents
// beyond the spec, so that this package's tests exercise the engine alone
// on the spec's own operations.
func WithoutRules() Option {
	return func(c *config) error {
		c.noRules = true
		return nil
	}
}

// WithOperations serves ops instead of the spec's operations: a test's own
// table, whose schema indexes point into apispec.Schemas.
func WithOperations(ops ...apispec.Operation) Option {
	return func(c *config) error {
		c.ops = slices.Clone(ops)
		return nil
	}
}

// WithSchemas makes the operations of WithOperations point into schemas,
// a test's own table, instead of apispec.Schemas.
func WithSchemas(schemas ...apispec.Schema) Option {
	return func(c *config) error {
		c.schemas = slices.Clone(schemas)
		return nil
	}
}
