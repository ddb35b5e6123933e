package partoo_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/partoo-go/partoo"
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

// orgObserver records the OrgID of the calls it sees start.
type orgObserver struct{ orgs []int }

func (o *orgObserver) StartCall(ctx context.Context, call partoo.CallInfo) (context.Context, func(*partoo.Response, error)) {
	o.orgs = append(o.orgs, call.OrgID)
	return ctx, nil
}

func (o *orgObserver) RoundTripper(next http.RoundTripper) http.RoundTripper { return next }

// TestCallInfoOrgID: observers see the org_id a call sends, wherever it
// comes from: the client's default, the call's option, the helper's
// parameter or the request's own query; 0 when it sends none or one that
// is not a number.
func TestCallInfoOrgID(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	outside := partoo.WithPathTemplate("/things/{id}")
	tests := []struct {
		name    string
		options []partoo.Option
		call    func(c *partoo.Client) error
		want    int
	}{
		{"none", nil, func(c *partoo.Client) error { _, err := c.Webhooks.Get(ctx, 1); return err }, 0},
		{"the client's default", []partoo.Option{partoo.WithOrgID(7)}, func(c *partoo.Client) error {
			_, err := c.Webhooks.Get(ctx, 1)
			return err
		}, 7},
		{"the call's option", []partoo.Option{partoo.WithOrgID(7)}, func(c *partoo.Client) error {
			_, err := c.Webhooks.Get(ctx, 1, partoo.WithCallOrgID(8))
			return err
		}, 8},
		{"the helper's parameter", []partoo.Option{partoo.WithOrgID(7)}, func(c *partoo.Client) error {
			org := 9
			_, err := c.Raw().GetWebhookWithResponse(ctx, 1, &gen.GetWebhookParams{OrgID: &org})
			return err
		}, 9},
		{"the query of Do", []partoo.Option{partoo.WithOrgID(7)}, func(c *partoo.Client) error {
			return c.Do(ctx, http.MethodGet, "/webhooks/1", url.Values{"org_id": {"12"}}, nil, nil)
		}, 12},
		{"the query of Do outside the spec", nil, func(c *partoo.Client) error {
			return c.Do(ctx, http.MethodGet, "/things/1", url.Values{"org_id": {"13"}}, nil, nil, outside, partoo.WithCallOrgID(4))
		}, 13},
		{"the option of Do outside the spec", nil, func(c *partoo.Client) error {
			return c.Do(ctx, http.MethodGet, "/things/1", nil, nil, nil, outside, partoo.WithCallOrgID(4))
		}, 4},
		{"a query value that is not a number", []partoo.Option{partoo.WithOrgID(7)}, func(c *partoo.Client) error {
			return c.Do(ctx, http.MethodGet, "/things/1", url.Values{"org_id": {"abc"}}, nil, nil, outside, partoo.WithCallOrgID(4))
		}, 0},
		{"a query value that is not a number, refused", []partoo.Option{partoo.WithOrgID(7)}, func(c *partoo.Client) error {
			if err := c.Do(ctx, http.MethodGet, "/webhooks/1", url.Values{"org_id": {"abc"}}, nil, nil); !errors.Is(err, partoo.ErrInvalidRequest) {
				return fmt.Errorf("got %v, want ErrInvalidRequest", err)
			}
			return nil
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, jsonReply(200, itemJSON))
			var o orgObserver
			c := newClient(t, f, append(tt.options, partoo.WithObserver(&o))...)
			if err := tt.call(c); err != nil {
				t.Fatal(err)
			}
			if len(o.orgs) != 1 || o.orgs[0] != tt.want {
				t.Errorf("observed org_ids %v, want [%d]", o.orgs, tt.want)
			}
		})
	}
}
