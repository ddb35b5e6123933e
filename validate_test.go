package partoo_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
)

// TestEscapedQueryNamesAreChecked: a query parameter whose name is sent
// percent-encoded (per%5Fpage is per_page to the server) is validated, and
// an escaped org_id counts as the call's org_id.
func TestEscapedQueryNamesAreChecked(t *testing.T) {
	t.Parallel()
	f := newFake(t, jsonReply(200, `{"page":1,"max_page":1,"count":0,"items":[]}`))
	c := newClient(t, f, partoo.WithOrgID(42))
	rawQuery := func(q string) gen.RequestEditorFn {
		return func(_ context.Context, req *http.Request) error {
			req.URL.RawQuery = q
			return nil
		}
	}
	_, err := c.Raw().GetWebhookListWithResponse(context.Background(), nil, rawQuery("per%5Fpage=500"))
	if !errors.Is(err, partoo.ErrInvalidRequest) {
		t.Errorf("per%%5Fpage=500: err = %v, want ErrInvalidRequest", err)
	}
	if n := len(f.requests()); n != 0 {
		t.Fatalf("%d requests sent, want 0", n)
	}
	// An escaped org_id is the request's own: the default is not added.
	if _, err := c.Raw().GetWebhookListWithResponse(context.Background(), nil, rawQuery("org%5Fid=7")); err != nil {
		t.Fatal(err)
	}
	if got := f.requests()[0].Query; got != "org%5Fid=7" {
		t.Errorf("sent query %q, want org%%5Fid=7 alone", got)
	}
}
