package partoo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/partoo-go/partoo/internal/apispec"
)

// nextListOp is a list operation of next-link style, as specgen writes one
// for an answer with a next link (the live spec may have none).
var nextListOp = apispec.Operation{ID: "listNotes", Method: "GET", Path: "/notes", Success: apispec.Response{Status: 200, Schema: apispec.NoSchema},
	Body: apispec.Body{Schema: apispec.NoSchema}, List: apispec.List{Style: apispec.NextList, Field: "notes", Item: apispec.NoSchema}, Resource: apispec.Resource{Item: apispec.NoSchema}}

// cursorListOp is nextListOp with cursor pagination (next_cursor).
var cursorListOp = func() apispec.Operation {
	op := nextListOp
	op.List.Style = apispec.CursorList
	return op
}()

// walkNotes walks nextListOp as a generated iterator does, against base.
func walkNotes(t *testing.T, base string) (items []string, err error) {
	t.Helper()
	return walkList(t, &nextListOp, base)
}

// walkList walks the list op of notes as a generated iterator does,
// against base.
func walkList(t *testing.T, op *apispec.Operation, base string) (items []string, err error) {
	t.Helper()
	c, err := NewClient("test-key", WithBaseURL(base), WithoutRetries())
	if err != nil {
		t.Fatal(err)
	}
	seq := pages(context.Background(), c, op, nil, func() (*http.Request, error) {
		return http.NewRequest(http.MethodGet, c.server+"notes?per_page=2", nil)
	}, func(b []byte) (page[string], error) {
		var v struct {
			pageInfo
			Next  *string  `json:"next"`
			Items []string `json:"notes"`
		}
		err := c.decode(b, &v)
		return page[string]{info: v.pageInfo, next: v.Next, items: v.Items}, err
	})
	for item, err := range seq {
		if err != nil {
			return items, err
		}
		items = append(items, item)
	}
	return items, nil
}

// TestNextLinkList: a next-link list follows each answer's next link, an
// absolute or a relative URL, until a null one; a link that is not a page
// of the same list under the base URL (another host or scheme, a path
// outside the base path or beside it, escaped dot segments, another
// operation) is refused with ErrCrossOriginRedirect and nothing is sent
// there; a link that repeats the one just followed, or does not parse,
// ends the walk with an error of its own.
func TestNextLinkList(t *testing.T) {
	t.Parallel()
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { elsewhere.Add(1) }))
	t.Cleanup(other.Close)
	t.Cleanup(func() { // after the parallel subtests
		if n := elsewhere.Load(); n != 0 {
			t.Errorf("%d requests reached the other origin", n)
		}
	})
	for _, tt := range []struct {
		name      string
		second    func(srv string) string // the first answer's next link
		wantItems int
		wantErr   error
	}{
		{"absolute link", func(srv string) string { return srv + "/v2/notes?cursor=b&per_page=2" }, 5, nil},
		{"relative link", func(string) string { return "/v2/notes?cursor=b&per_page=2" }, 5, nil},
		{"another host", func(string) string { return other.URL + "/v2/notes?cursor=b" }, 4, ErrCrossOriginRedirect},
		{"another scheme", func(srv string) string { return "https" + srv[len("http"):] + "/v2/notes?cursor=b" }, 4, ErrCrossOriginRedirect},
		{"outside the base path", func(string) string { return "/admin/notes?cursor=b" }, 4, ErrCrossOriginRedirect},
		{"a sibling of the base path", func(string) string { return "/v2evil/notes?cursor=b" }, 4, ErrCrossOriginRedirect},
		{"the base path run into the list's", func(string) string { return "/v2notes?cursor=b" }, 4, ErrCrossOriginRedirect},
		{"escaped dot segments", func(string) string { return "/v2/%2e%2e/notes?cursor=b" }, 4, ErrCrossOriginRedirect},
		{"another operation", func(string) string { return "/v2/admin?cursor=b" }, 4, ErrCrossOriginRedirect},
		{"a link that does not parse", func(string) string { return "http://[::1" }, 4, errOwn},
		{"an escape that does not parse", func(string) string { return "/v2/notes%zz" }, 4, errOwn},
		{"the same link again", func(string) string { return "/v2/notes?cursor=a" }, 4, ErrPaginationStalled},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var srv *httptest.Server
			srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				switch r.URL.Query().Get("cursor") {
				case "":
					fmt.Fprintf(w, `{"next":%q,"notes":["n1","n2"]}`, "/v2/notes?cursor=a")
				case "a":
					fmt.Fprintf(w, `{"next":%q,"notes":["n3","n4"]}`, tt.second(srv.URL))
				default:
					io.WriteString(w, `{"next":null,"notes":["n5"]}`)
				}
			}))
			t.Cleanup(srv.Close)
			items, err := walkNotes(t, srv.URL+"/v2")
			switch {
			case tt.wantErr == errOwn:
				if err == nil || errors.Is(err, ErrCrossOriginRedirect) || len(items) != tt.wantItems {
					t.Errorf("got %d items, err %v; want %d items and an error of the walk's own", len(items), err, tt.wantItems)
				}
			case !errors.Is(err, tt.wantErr) || len(items) != tt.wantItems:
				t.Errorf("got %v, err %v; want %d items and %v", items, err, tt.wantItems, tt.wantErr)
			}
		})
	}
}

// TestCursorList: a cursor list sends each answer's next_cursor as its
// cursor until an empty one; an answer that repeats the cursor it was
// asked with ends the walk with ErrPaginationStalled.
func TestCursorList(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name      string
		second    string // the next_cursor of the answer to cursor a
		wantItems int
		wantErr   error
	}{
		{"a new cursor", "b", 5, nil},
		{"the same cursor again", "a", 4, ErrPaginationStalled},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				switch r.URL.Query().Get("cursor") {
				case "":
					io.WriteString(w, `{"next_cursor":"a","notes":["n1","n2"]}`)
				case "a":
					fmt.Fprintf(w, `{"next_cursor":%q,"notes":["n3","n4"]}`, tt.second)
				default:
					io.WriteString(w, `{"next_cursor":"","notes":["n5"]}`)
				}
			}))
			t.Cleanup(srv.Close)
			items, err := walkList(t, &cursorListOp, srv.URL+"/v2")
			if !errors.Is(err, tt.wantErr) || len(items) != tt.wantItems {
				t.Errorf("got %v, err %v; want %d items and %v", items, err, tt.wantItems, tt.wantErr)
			}
		})
	}
}

// errOwn marks the cases where the walk must end with an error of its
// own (a link that does not parse), not ErrCrossOriginRedirect.
var errOwn = errors.New("the walk's own error")

// TestRawAnswer: a helper whose answer is not JSON gets the body as it
// is, and its request accepts any media type unless it says otherwise.
func TestRawAnswer(t *testing.T) {
	t.Parallel()
	body := []byte("\x89PNG\r\n\x1a\n not JSON")
	var accept atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		accept.Store(r.Header.Get("Accept"))
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient("test-key", WithBaseURL(srv.URL+"/v2"))
	if err != nil {
		t.Fatal(err)
	}
	op := apispec.Operation{ID: "getNoteFile", Method: "GET", Path: "/notes/file", Success: apispec.Response{Status: 200, Schema: apispec.NoSchema},
		Body: apispec.Body{Schema: apispec.NoSchema}, Resource: apispec.Resource{Item: apispec.NoSchema}}
	req, err := http.NewRequest(http.MethodGet, c.server+"notes/file", nil)
	var out []byte
	if err := c.call(context.Background(), &op, req, err, goTypesOnly, &out, nil); err != nil {
		t.Fatal(err)
	}
	if string(out) != string(body) || accept.Load() != "*/*" {
		t.Errorf("got %q with Accept %q, want the body as it is with Accept */*", out, accept.Load())
	}
}
