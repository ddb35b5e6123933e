package partoo

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"strconv"

	"github.com/partoo-go/partoo/gen"
)

// ListOperation is the shape of every generated list operation of the raw
// client, for example (*gen.Client).GetWebhookList: it takes the operation's
// params and request editors and returns the raw response.
type ListOperation[P any] func(ctx context.Context, params *P, reqEditors ...gen.RequestEditorFn) (*http.Response, error)

// page is the body of a Partoo list response: ListResult plus items.
type page[T any] struct {
	gen.ListResult
	Items []T `json:"items"`
}

// Paginate walks every page of a Partoo list operation and yields its items
// one by one. Every Partoo list operation answers with ListResult (page,
// max_page, count) and an items array, so Paginate serves all of them:
//
//	for item, err := range partoo.Paginate[gen.WebhookItem](ctx, client.GetWebhookList, &gen.GetWebhookListParams{}) {
//		...
//	}
//
// The first request uses params as given (its page, if set, is the starting
// page); each later request asks for the next page, until max_page is
// reached or a page has no items. params is not modified. On an error the
// iterator yields it once, with the zero T, and stops. Breaking out of the
// loop stops fetching. A server that answers a later page with another page
// number than the one asked for ends the walk with an error, so a
// misbehaving server can never make the loop spin forever.
func Paginate[T any, P any](ctx context.Context, op ListOperation[P], params *P) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		var editors []gen.RequestEditorFn
		requested := 0 // the page asked for; 0 means "as params say"
		for {
			p, err := fetchPage[T](ctx, op, params, editors)
			if err != nil {
				yield(zero, err)
				return
			}
			if requested != 0 && (p.Page == nil || *p.Page != requested) {
				yield(zero, fmt.Errorf("partoo: pagination did not advance: asked for page %d, got page %s", requested, pageString(p.Page)))
				return
			}
			for _, item := range p.Items {
				if !yield(item, nil) {
					return
				}
			}
			if len(p.Items) == 0 || p.Page == nil || p.MaxPage == nil || *p.Page >= *p.MaxPage {
				return
			}
			requested = *p.Page + 1
			editors = []gen.RequestEditorFn{setQuery("page", strconv.Itoa(requested))}
		}
	}
}

func fetchPage[T any, P any](ctx context.Context, op ListOperation[P], params *P, editors []gen.RequestEditorFn) (*page[T], error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	resp, err := op(ctx, params, editors...)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var p page[T]
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
		return nil, newDecodeError(resp, err)
	}
	return &p, nil
}

// setQuery returns a request editor that sets one query parameter.
func setQuery(name, value string) gen.RequestEditorFn {
	return func(_ context.Context, req *http.Request) error {
		q := req.URL.Query()
		q.Set(name, value)
		req.URL.RawQuery = q.Encode()
		return nil
	}
}

func pageString(p *int) string {
	if p == nil {
		return "none"
	}
	return strconv.Itoa(*p)
}
