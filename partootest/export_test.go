package partootest

import (
	"slices"

	"github.com/partoo-go/partoo/internal/apispec"
)

// WithoutOverrides serves the Webhooks family with the generic behaviour
// of its roles (stateful, example), so that this package's tests exercise
// the engine on the spec's own operations.
func WithoutOverrides() Option {
	return func(c *config) error {
		c.noOverrides = true
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
