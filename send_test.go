package partoo_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/partoo-go/partoo/gen"
)

// TestRawRequestOutsideTheSpecIsNotSent: a raw generated call whose request
// no longer matches an operation (here an editor moved it) fails closed.
func TestRawRequestOutsideTheSpecIsNotSent(t *testing.T) {
	t.Parallel()
	f := newFake(t, jsonReply(200, itemJSON))
	c := newClient(t, f)
	moved := func(_ context.Context, req *http.Request) error {
		req.URL.Path = "/v2/elsewhere"
		return nil
	}
	_, err := c.Raw().WebhookWithResponse(context.Background(), nil, gen.CreateWebhooksPayload{}, moved)
	if err == nil {
		t.Fatal("a request outside the spec was sent")
	}
	if n := len(f.requests()); n != 0 {
		t.Errorf("%d requests sent, want 0", n)
	}
}
