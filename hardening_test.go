package partoo_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
)

// heapGrowth returns how many bytes f allocates, as the runtime counts them.
func heapGrowth(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestErrorBodiesAreBounded: an error body built to amplify (a long key
// repeated by thousands of messages, or nesting thousands deep) gives an
// APIError of a few KiB whose Error() is short too, and costs the client
// little memory to decode, through the client and through CheckResponse.
// It does not run in parallel: it measures the memory the runtime counts.
func TestErrorBodiesAreBounded(t *testing.T) {
	longKey := strings.Repeat("k", 32<<10)
	var many strings.Builder
	many.WriteString(`{"error":{"` + longKey + `":[`)
	for many.Len() < 63<<10 {
		many.WriteString(`"",`)
	}
	many.WriteString(`""]}}`)
	deep := strings.Repeat(`{"a":`, 9000) + `"x"` + strings.Repeat("}", 9000)
	deepArrays := `{"errors":` + strings.Repeat("[", 9000) + `"x"` + strings.Repeat("]", 9000) + `}`
	manyMessages := `{"errors":{` + strings.TrimSuffix(strings.Repeat(`"f":"a reasonably long message about a field",`, 1000), ",") + `}}`
	bodies := map[string]string{
		"long key, many messages": many.String(),
		"nested 9000 deep":        `{"error":` + deep + `}`,
		"arrays 9000 deep":        deepArrays,
		"a thousand messages":     manyMessages,
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			f := newFake(t, jsonReply(400, body))
			c := newClient(t, f)
			var err error
			grew := heapGrowth(func() { _, err = c.Webhooks.Get(context.Background(), 1) })
			var apiErr *partoo.APIError
			if !errors.As(err, &apiErr) || !errors.Is(err, partoo.ErrBadRequest) {
				t.Fatalf("err = %v, want a 400 *APIError", err)
			}
			if !apiErr.Truncated && name != "nested 9000 deep" && name != "arrays 9000 deep" {
				t.Errorf("Truncated = false, want the cut reported")
			}
			total := 0
			for _, m := range apiErr.Messages {
				total += len(m)
			}
			if len(apiErr.Messages) > 40 || total > 8<<10 {
				t.Errorf("kept %d messages, %d bytes: want at most a few dozen and a few KiB", len(apiErr.Messages), total)
			}
			if n := len(err.Error()); n > 16<<10 {
				t.Errorf("Error() is %d bytes, want a few KiB at most", n)
			}
			if grew > 8<<20 {
				t.Errorf("decoding the error allocated %d bytes, want a few MiB at most", grew)
			}
			resp := &http.Response{StatusCode: 400, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body))}
			var direct *partoo.APIError
			if !errors.As(partoo.CheckResponse(resp), &direct) || len(direct.Messages) > 40 {
				t.Errorf("CheckResponse kept %d messages, want the same bounds", len(direct.Messages))
			}
		})
	}
}

// TestResponseSizeCap: a successful body larger than the limit ends the
// call with ErrResponseTooLarge as soon as the limit is crossed, without
// reading the rest, with or without Content-Length; an iterator stops with
// it.
func TestResponseSizeCap(t *testing.T) {
	t.Parallel()
	const limit = 64 << 10
	for _, announce := range []bool{true, false} {
		t.Run("Content-Length "+strconv.FormatBool(announce), func(t *testing.T) {
			t.Parallel()
			const total = 16 << 20
			var written atomic.Int64
			f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				if announce {
					w.Header().Set("Content-Length", strconv.Itoa(total))
				}
				w.WriteHeader(200)
				chunk := []byte(strings.Repeat(" ", 32<<10))
				for written.Load() < total {
					n, err := w.Write(chunk)
					written.Add(int64(n))
					if err != nil {
						return
					}
				}
			})
			c := newClient(t, f, partoo.WithMaxResponseSize(limit))
			_, err := c.Webhooks.Get(context.Background(), 1)
			if !errors.Is(err, partoo.ErrResponseTooLarge) {
				t.Fatalf("err = %v, want ErrResponseTooLarge", err)
			}
			if n := len(f.requests()); n != 1 {
				t.Errorf("%d requests, want 1: a body too large is not retried", n)
			}
			var iterErr error
			for _, err := range c.Webhooks.List(context.Background(), nil) {
				iterErr = err
			}
			if !errors.Is(iterErr, partoo.ErrResponseTooLarge) {
				t.Errorf("iterator error = %v, want ErrResponseTooLarge", iterErr)
			}
		})
	}
}

// TestDotSegmentsInTheBaseURL: a base URL with dot segments is resolved,
// so the operations are still recognised: validation and org_id apply.
func TestDotSegmentsInTheBaseURL(t *testing.T) {
	t.Parallel()
	f := newFake(t, jsonReply(200, `{"items":[`+itemJSON+`]}`))
	bad := gen.CustomHeaders{"X-Partoo-Evil": "v", "Bad Name": "v"}
	for _, base := range []string{"/x/../v2", "/v2/./", "/v2/x/.."} {
		c, err := partoo.NewClient(testKey, partoo.WithBaseURL(f.URL+base), partoo.WithTransport(f.Client().Transport), partoo.WithOrgID(42))
		if err != nil {
			t.Fatalf("%s: %v", base, err)
		}
		if got, want := c.BaseURL(), f.URL+"/v2"; got != want {
			t.Errorf("%s: BaseURL() = %q, want %q", base, got, want)
		}
		before := len(f.requests())
		_, err = c.Webhooks.Create(context.Background(), gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{{URL: "https://e.com", EventType: gen.EventTypeBusinessCreated, CustomHeaders: &bad}}})
		if !errors.Is(err, partoo.ErrInvalidCustomHeaders) {
			t.Errorf("%s: err = %v, want ErrInvalidCustomHeaders", base, err)
		}
		// The raw generated method finds its operation too.
		_, err = c.Raw().WebhookWithResponse(context.Background(), nil, gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{{URL: "https://e.com", EventType: gen.EventTypeBusinessCreated, CustomHeaders: &bad}}})
		if !errors.Is(err, partoo.ErrInvalidCustomHeaders) {
			t.Errorf("%s: raw: err = %v, want ErrInvalidCustomHeaders", base, err)
		}
		if n := len(f.requests()) - before; n != 0 {
			t.Errorf("%s: %d requests sent, want 0", base, n)
		}
		if _, err := c.Webhooks.Create(context.Background(), gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{{URL: "https://e.com", EventType: gen.EventTypeBusinessCreated}}}); err != nil {
			t.Fatal(err)
		}
		reqs := f.requests()
		if last := reqs[len(reqs)-1]; last.Path != "/v2/webhooks" || last.Query != "org_id=42" {
			t.Errorf("%s: sent %s?%s, want /v2/webhooks?org_id=42", base, last.Path, last.Query)
		}
	}
	c, err := partoo.NewClient(testKey, partoo.WithBaseURL(f.URL+"/v2?"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.BaseURL(), f.URL+"/v2"; got != want {
		t.Errorf("BaseURL() of %q = %q, want %q", f.URL+"/v2?", got, want)
	}
}

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

// TestRetryAfterAboveMaxWait: a Retry-After longer than the policy's
// MaxWait, in seconds (however large) or as a date, returns the 429 at
// once.
func TestRetryAfterAboveMaxWait(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"86401", "31", "99999999999999999999999", "Wed, 21 Oct 2099 07:28:00 GMT"} {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", v)
				jsonReply(429, `{}`)(w, r)
			})
			c := newClient(t, f)
			_, err := c.Webhooks.Get(context.Background(), 1)
			var apiErr *partoo.APIError
			if !errors.As(err, &apiErr) || !errors.Is(err, partoo.ErrRateLimited) {
				t.Fatalf("err = %v, want a 429 *APIError", err)
			}
			if apiErr.Attempts != 1 || len(f.requests()) != 1 {
				t.Errorf("%d attempts, %d requests; want the 429 returned at once", apiErr.Attempts, len(f.requests()))
			}
			if apiErr.RetryAfter <= partoo.DefaultMaxWait {
				t.Errorf("RetryAfter = %v, want the long wait kept", apiErr.RetryAfter)
			}
		})
	}
}

// TestIteratorStopsAfterMaxPages: a server that always announces one more
// page cannot make a loop run forever.
func TestIteratorStopsAfterMaxPages(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		page := 1
		if p := r.URL.Query().Get("page"); p != "" {
			page, _ = strconv.Atoi(p)
		}
		jsonReply(200, fmt.Sprintf(`{"page":%d,"max_page":1000000,"count":1000000,"items":[%s]}`, page, itemJSON))(w, r)
	})
	c := newClient(t, f)
	items := 0
	var last error
	for _, err := range c.Webhooks.List(context.Background(), nil, partoo.WithMaxPages(3)) {
		if err != nil {
			last = err
			break
		}
		items++
	}
	if !errors.Is(last, partoo.ErrTooManyPages) || items != 3 || len(f.requests()) != 3 {
		t.Errorf("err = %v after %d items and %d requests, want ErrTooManyPages after 3 pages", last, items, len(f.requests()))
	}
}

// TestUndeliverableCustomHeaders: names that are not HTTP tokens and values
// with control characters are refused before sending, with their own
// sentinel, unless the rule is switched off.
func TestUndeliverableCustomHeaders(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		h    gen.CustomHeaders
	}{
		{"tab in the name", gen.CustomHeaders{"X-Bad\tName": "v"}},
		{"line feed in the name", gen.CustomHeaders{"X-Bad\nName": "v"}},
		{"non-ASCII name", gen.CustomHeaders{"X-Café": "v"}},
		{"CR LF in the value", gen.CustomHeaders{"X-A": "v\r\nX-Injected: 1"}},
		{"NUL in the value", gen.CustomHeaders{"X-A": "v\x00"}},
		{"DEL in the value", gen.CustomHeaders{"X-A": "v\x7f"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := partoo.ValidateCustomHeaders(tt.h); err != nil {
				t.Fatalf("the spec's schema allows it, but ValidateCustomHeaders says %v", err)
			}
			if err := partoo.CheckDeliverable(tt.h); !errors.Is(err, partoo.ErrUndeliverableCustomHeader) || !errors.Is(err, partoo.ErrInvalidCustomHeaders) {
				t.Errorf("CheckDeliverable = %v, want ErrUndeliverableCustomHeader", err)
			}
			f := newFake(t, jsonReply(200, itemJSON))
			_, err := newClient(t, f).Webhooks.Update(context.Background(), 1, gen.UpdateWebhookPayload{CustomHeaders: &tt.h})
			if !errors.Is(err, partoo.ErrUndeliverableCustomHeader) || !errors.Is(err, partoo.ErrInvalidRequest) {
				t.Errorf("Update: err = %v, want ErrUndeliverableCustomHeader", err)
			}
			if n := len(f.requests()); n != 0 {
				t.Errorf("%d requests sent, want 0", n)
			}
			if _, err := newClient(t, f, partoo.WithoutDeliverabilityCheck()).Webhooks.Update(context.Background(), 1, gen.UpdateWebhookPayload{CustomHeaders: &tt.h}); err != nil {
				t.Errorf("with the rule off: %v", err)
			}
		})
	}
	if err := partoo.CheckDeliverable(gen.CustomHeaders{"X-Tab": "a\tb", "X-Fine_1.2": "é"}); err != nil {
		t.Errorf("CheckDeliverable refuses a tab or a non-ASCII value: %v", err)
	}
}

// TestCrossOriginRedirectTable checks the origin rule on its own: another
// scheme (https to http), host or port is refused.
func TestCrossOriginRedirectTable(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(target.Close)
	tls := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// https to http, to another port of the same host.
		http.Redirect(w, r, target.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	t.Cleanup(tls.Close)
	c, err := partoo.NewClient(testKey, partoo.WithBaseURL(tls.URL+"/v2"), partoo.WithTransport(tls.Client().Transport))
	if err != nil {
		t.Fatal(err)
	}
	h := gen.CustomHeaders{"X-Auth-Token": "secret"}
	_, err = c.Webhooks.Update(context.Background(), 1, gen.UpdateWebhookPayload{CustomHeaders: &h})
	if !errors.Is(err, partoo.ErrCrossOriginRedirect) {
		t.Fatalf("err = %v, want ErrCrossOriginRedirect", err)
	}
	if !strings.Contains(err.Error(), strings.TrimPrefix(target.URL, "http://")) {
		t.Errorf("err = %v, want it to name the target host", err)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the http target received %d requests, want 0", n)
	}
}

// TestEscapedBaseURLPath checks that a base URL's escaped path (a proxy
// mounted at "/api v2", say) is sent as it was given, by the helpers and by
// Do, not escaped a second time.
func TestEscapedBaseURLPath(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.URL.EscapedPath())
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, itemJSON)
	}))
	t.Cleanup(srv.Close)
	for _, tt := range []struct{ base, wantBase, wantPath string }{
		{"/api%20v2", "/api%20v2", "/api%20v2/webhooks/3"},
		{"/a%2Fb/v2", "/a%2Fb/v2", "/a%2Fb/v2/webhooks/3"},
		{"/x/../api%20v2/", "/api%20v2", "/api%20v2/webhooks/3"},
	} {
		c, err := partoo.NewClient(testKey, partoo.WithBaseURL(srv.URL+tt.base), partoo.WithTransport(srv.Client().Transport))
		if err != nil {
			t.Fatalf("%s: %v", tt.base, err)
		}
		if got, want := c.BaseURL(), srv.URL+tt.wantBase; got != want {
			t.Errorf("%s: BaseURL() = %q, want %q", tt.base, got, want)
		}
		mu.Lock()
		got = nil
		mu.Unlock()
		if _, err := c.Webhooks.Get(context.Background(), 3); err != nil {
			t.Fatalf("%s: Get: %v", tt.base, err)
		}
		if err := c.Do(context.Background(), http.MethodGet, "webhooks/3", nil, nil, nil); err != nil {
			t.Fatalf("%s: Do: %v", tt.base, err)
		}
		mu.Lock()
		if want := []string{tt.wantPath, tt.wantPath}; !slices.Equal(got, want) {
			t.Errorf("%s: paths sent %q, want %q", tt.base, got, want)
		}
		mu.Unlock()
	}
}
