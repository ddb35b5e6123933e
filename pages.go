package partoo

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/partoo-go/partoo/internal/apispec"
)

// ErrPaginationStalled matches the error an iterator yields when the
// server's answer does not move the walk on: another page than the one
// asked for, or the cursor or next link it was asked with again. The
// iterator stops there instead of fetching the same page forever.
var ErrPaginationStalled = errors.New("partoo: pagination did not advance")

// pageInfo holds the pagination fields of a list answer: page, max_page and
// count for page lists, next_cursor (and count) for cursor lists. The
// generated decoders embed it next to the list's array.
type pageInfo struct {
	Page       *int    `json:"page"`
	MaxPage    *int    `json:"max_page"`
	NextCursor *string `json:"next_cursor"`
}

// page is one decoded page of a list.
type page[T any] struct {
	info  pageInfo
	next  *string // the next link of a next-link list (its answer's next)
	items []T
}

// pages walks every page of the list operation op and yields its items one
// by one. build makes the request of the first page as the caller's params
// say; each later request asks for the next page (page+1, the
// next_cursor of the last answer, or the URL its next link gives, which
// must be another page of op under the base URL: any other link is not
// followed, and ends the walk with ErrCrossOriginRedirect). decode reads an answer. On an error the
// iterator yields it once, with the zero T, and stops; breaking out of the
// loop stops fetching. A server that answers another page than the one
// asked for or repeats a cursor ([ErrPaginationStalled]), or announces
// pages beyond the maximum ([WithMaxPages]), ends the walk with an error, so a misbehaving server
// can never make the loop spin forever.
func pages[T any](ctx context.Context, c *Client, op *apispec.Operation, opts []CallOption,
	build func() (*http.Request, error), decode func([]byte) (page[T], error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		settings, err := applyOptions(opts)
		if err != nil {
			yield(zero, fmt.Errorf("partoo: %s %s: request not sent: %w", op.Method, c.basePath+op.Path, err))
			return
		}
		maxPages := settings.maxPages
		if maxPages == 0 {
			maxPages = DefaultMaxPages
		}
		next := ""     // the page number, cursor or link to ask for; "" for the first page
		requested := 0 // the page number asked for, in a page list
		for n := 1; ; n++ {
			if n > maxPages {
				yield(zero, fmt.Errorf("partoo: %s %s: %w: fetched %d pages and the server announces more", op.Method, c.basePath+op.Path, ErrTooManyPages, maxPages))
				return
			}
			if err := ctx.Err(); err != nil {
				yield(zero, err)
				return
			}
			req, err := build()
			if err != nil {
				yield(zero, fmt.Errorf("partoo: %s %s: build the request: %w", op.Method, c.basePath+op.Path, err))
				return
			}
			switch {
			case next == "":
			case op.List.Style == apispec.NextList:
				u, err := req.URL.Parse(next)
				if err != nil {
					yield(zero, fmt.Errorf("partoo: %s %s: the next page's link %q: %w", op.Method, c.basePath+op.Path, next, err))
					return
				}
				if !c.linksTo(op, req.URL, u) {
					yield(zero, fmt.Errorf("partoo: %s %s: %w: the next page's link %q is not a page of this list under the base URL %s; not followed", op.Method, c.basePath+op.Path, ErrCrossOriginRedirect, next, c.BaseURL()))
					return
				}
				req.URL = u
			case op.List.Style == apispec.CursorList:
				setQuery(req.URL, "cursor", next)
			default:
				setQuery(req.URL, "page", next)
			}
			resp, err := c.send(ctx, op, req, goTypesOnly, opts)
			if err != nil {
				yield(zero, err)
				return
			}
			p, err := decode(bodyBytes(resp))
			if err != nil {
				yield(zero, &DecodeError{Method: req.Method, Path: req.URL.Path, StatusCode: resp.StatusCode, Err: err})
				return
			}
			if requested != 0 && (p.info.Page == nil || *p.info.Page != requested) {
				yield(zero, fmt.Errorf("partoo: %s %s: %w: asked for page %d, got page %s", op.Method, c.basePath+op.Path, ErrPaginationStalled, requested, pageString(p.info.Page)))
				return
			}
			for _, item := range p.items {
				if !yield(item, nil) {
					return
				}
			}
			switch op.List.Style {
			case apispec.NextList:
				if p.next == nil || *p.next == "" {
					return
				}
				if *p.next == next {
					yield(zero, fmt.Errorf("partoo: %s %s: %w: the server answered link %q with the same next link", op.Method, c.basePath+op.Path, ErrPaginationStalled, next))
					return
				}
				next = *p.next
			case apispec.CursorList:
				if p.info.NextCursor == nil || *p.info.NextCursor == "" {
					return
				}
				if *p.info.NextCursor == next {
					yield(zero, fmt.Errorf("partoo: %s %s: %w: the server answered cursor %q with the same next_cursor", op.Method, c.basePath+op.Path, ErrPaginationStalled, next))
					return
				}
				next = *p.info.NextCursor
			default:
				if len(p.items) == 0 || p.info.Page == nil || p.info.MaxPage == nil || *p.info.Page >= *p.info.MaxPage {
					return
				}
				requested = *p.info.Page + 1
				next = strconv.Itoa(requested)
			}
		}
	}
}

// setQuery sets one query parameter of u.
func setQuery(u *url.URL, name, value string) {
	q := u.Query()
	q.Set(name, value)
	u.RawQuery = q.Encode()
}

func pageString(p *int) string {
	if p == nil {
		return "none"
	}
	return strconv.Itoa(*p)
}

// linksTo reports whether link, found in the answer to the request at
// from, asks for another page of the list op: the same scheme and host,
// and a path under the base path that op's own path template matches
// (so neither a sibling of the base path such as /v2evil nor an escaped
// dot segment passes).
func (c *Client) linksTo(op *apispec.Operation, from, link *url.URL) bool {
	if link.Scheme != from.Scheme || !strings.EqualFold(link.Host, from.Host) {
		return false
	}
	rel, under := c.relativePath(link)
	return under && strings.HasPrefix(rel, "/") && apispec.Route([]apispec.Operation{*op}, op.Method, rel) != nil
}
