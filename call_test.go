package partoo_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
)

// fast is a retry policy that waits a millisecond between attempts.
var fast = partoo.WithRetryPolicy(partoo.RetryPolicy{MinWait: time.Millisecond, MaxWait: time.Millisecond})

// scripted answers the n-th request with the n-th handler, and the last
// handler afterwards.
func scripted(steps ...http.HandlerFunc) http.HandlerFunc {
	var n atomic.Int64
	return func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		steps[min(i, len(steps)-1)](w, r)
	}
}

func withHeader(h http.HandlerFunc, kv ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(kv); i += 2 {
			w.Header().Set(kv[i], kv[i+1])
		}
		h(w, r)
	}
}

func TestWithHeader(t *testing.T) {
	t.Parallel()
	f := newFake(t, jsonReply(200, itemJSON))
	c := newClient(t, f)
	if _, err := c.Webhooks.Get(context.Background(), 1, partoo.WithHeader("X-Trace", "a"), partoo.WithHeader("x-trace", "b"), partoo.WithHeader("User-Agent", "mine/1")); err != nil {
		t.Fatal(err)
	}
	got := f.requests()[0].Header
	if v := got.Values("X-Trace"); !slices.Equal(v, []string{"a", "b"}) || got.Get("User-Agent") != "mine/1" || got.Get(partoo.APIKeyHeader) != testKey {
		t.Errorf("headers = %v, want X-Trace a and b, the caller's User-Agent and the key", got)
	}
	for _, bad := range []partoo.CallOption{
		partoo.WithHeader("X-APIKey", "stolen"), partoo.WithHeader("content-type", "text/plain"),
		partoo.WithHeader("Content-Length", "1"), partoo.WithHeader("Bad Name", "v"), partoo.WithHeader("X-A", "v\r\nX-B: 1"),
	} {
		if _, err := c.Webhooks.Get(context.Background(), 1, bad); err == nil {
			t.Errorf("a forbidden WithHeader was accepted")
		}
	}
	if n := len(f.requests()); n != 1 {
		t.Errorf("%d requests, want 1: a bad option fails before anything is sent", n)
	}
}

func TestPerCallRetryPolicy(t *testing.T) {
	t.Parallel()
	busy := jsonReply(503, `{"errors":{"json":"busy"}}`)
	ok := jsonReply(200, itemJSON)
	tests := []struct {
		name      string
		opts      []partoo.CallOption
		steps     []http.HandlerFunc
		wantSent  int
		wantError bool
	}{
		{"client policy", nil, []http.HandlerFunc{busy, ok}, 2, false},
		{"WithoutCallRetries", []partoo.CallOption{partoo.WithoutCallRetries()}, []http.HandlerFunc{busy, ok}, 1, true},
		{"WithCallRetryPolicy MaxAttempts 5", []partoo.CallOption{partoo.WithCallRetryPolicy(partoo.RetryPolicy{MaxAttempts: 5, MinWait: time.Millisecond, MaxWait: time.Millisecond})},
			[]http.HandlerFunc{busy, busy, busy, busy, ok}, 5, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, scripted(tt.steps...))
			c := newClient(t, f, fast)
			var meta partoo.Response
			_, err := c.Webhooks.Get(context.Background(), 1, append(tt.opts, partoo.CaptureResponse(&meta))...)
			if (err != nil) != tt.wantError {
				t.Fatalf("err = %v, want error %t", err, tt.wantError)
			}
			if n := len(f.requests()); n != tt.wantSent || meta.Attempts != tt.wantSent {
				t.Errorf("%d requests, Response.Attempts %d; want %d", n, meta.Attempts, tt.wantSent)
			}
		})
	}
	if _, err := newClient(t, newFake(t, ok)).Webhooks.Get(context.Background(), 1, partoo.WithCallRetryPolicy(partoo.RetryPolicy{MinWait: -1})); err == nil {
		t.Error("a negative MinWait was accepted")
	}
}

// TestAttemptTimeout: WithAttemptTimeout bounds each attempt, and the
// timed-out attempt of a GET is retried; the context bounds the call. Every
// attempt hangs until the client gives up on it, so the outcome does not
// depend on how fast the machine answers.
func TestAttemptTimeout(t *testing.T) {
	t.Parallel()
	// Each attempt hangs in the transport until the client gives up on it,
	// so that the count of round trips does not depend on how fast a loaded
	// machine gets a request to a server.
	var roundTrips atomic.Int32
	hang := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		roundTrips.Add(1)
		<-r.Context().Done()
		return nil, r.Context().Err()
	})
	f := newFake(t, jsonReply(200, itemJSON))
	c := newClient(t, f, fast, partoo.WithTimeout(time.Hour), partoo.WithTransport(hang))
	var meta partoo.Response
	_, err := c.Webhooks.Get(context.Background(), 1, partoo.WithAttemptTimeout(50*time.Millisecond),
		partoo.WithCallRetryPolicy(partoo.RetryPolicy{MaxAttempts: 2, MinWait: time.Millisecond, MaxWait: time.Millisecond}), partoo.CaptureResponse(&meta))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the attempt timeout", err)
	}
	if meta.Attempts != 2 || roundTrips.Load() != 2 {
		t.Errorf("Attempts = %d, %d round trips; want 2 and 2: the hung attempt timed out and was retried", meta.Attempts, roundTrips.Load())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Webhooks.Get(ctx, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want the call's context to bound it", err)
	}
	if _, err := c.Webhooks.Get(context.Background(), 1, partoo.WithAttemptTimeout(-time.Second)); err == nil {
		t.Error("a negative attempt timeout was accepted")
	}
}

// TestCaptureResponse fills the metadata after a retried success, after a
// failure, and for a call refused before sending.
func TestCaptureResponse(t *testing.T) {
	t.Parallel()
	f := newFake(t, scripted(
		withHeader(jsonReply(503, `{}`), "X-Request-Id", "req-1"),
		withHeader(jsonReply(200, itemJSON), "X-Request-Id", "req-2"),
		withHeader(jsonReply(429, `{}`), "Retry-After", "3", "Request-Id", "req-3"),
	))
	c := newClient(t, f, fast)
	var meta partoo.Response
	if _, err := c.Webhooks.Get(context.Background(), 1, partoo.CaptureResponse(&meta)); err != nil {
		t.Fatal(err)
	}
	if meta.StatusCode != 200 || meta.Attempts != 2 || meta.RequestID != "req-2" || meta.Header.Get("Content-Type") != "application/json" || meta.Duration <= 0 {
		t.Errorf("after a retried success: %+v", meta)
	}
	_, err := c.Webhooks.Get(context.Background(), 1, partoo.CaptureResponse(&meta), partoo.WithoutCallRetries())
	var apiErr *partoo.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v, want an *APIError", err)
	}
	if meta.StatusCode != 429 || meta.Attempts != 1 || meta.RequestID != "req-3" || meta.RetryAfter != 3*time.Second {
		t.Errorf("after a failure: %+v", meta)
	}
	if apiErr.RequestID != "req-3" || apiErr.Attempts != 1 || apiErr.StatusCode != 429 {
		t.Errorf("APIError = %+v, want its request ID, attempts and status", apiErr)
	}
	n := 500
	meta = partoo.Response{StatusCode: -1}
	for _, err := range c.Webhooks.List(context.Background(), &gen.GetWebhookListParams{PerPage: &n}, partoo.CaptureResponse(&meta)) {
		if !errors.Is(err, partoo.ErrInvalidRequest) {
			t.Errorf("per_page 500: err = %v, want ErrInvalidRequest", err)
		}
	}
	if meta.Attempts != 0 || meta.StatusCode != 0 {
		t.Errorf("a call refused before sending: %+v, want 0 attempts and no status", meta)
	}
	if strings.Contains(fmt.Sprintf("%+v %#v", meta, apiErr), testKey) {
		t.Error("a Response or an APIError shows the API key")
	}
}

// TestParamsCheckedBeforeSending: a parameter the spec forbids fails
// locally, naming the parameter, the value and the rule.
func TestParamsCheckedBeforeSending(t *testing.T) {
	t.Parallel()
	f := newFake(t, jsonReply(200, `{"page":1,"max_page":1,"items":[]}`))
	c := newClient(t, f)
	for _, p := range []gen.GetWebhookListParams{{PerPage: ptr(101)}, {PerPage: ptr(0)}, {Page: ptr(0)}} {
		for _, err := range c.Webhooks.List(context.Background(), &p) {
			var ve *partoo.ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, partoo.ErrInvalidRequest) || ve.In != "query" || (ve.Rule != "minimum" && ve.Rule != "maximum") {
				t.Errorf("err = %v, want a query ValidationError on a bound", err)
			}
		}
	}
	if n := len(f.requests()); n != 0 {
		t.Errorf("%d requests sent, want 0", n)
	}
}

func ptr[T any](v T) *T { return &v }

func TestDo(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v2/photos/7":
			jsonReply(200, `{"id":7,"url":"https://example.com/p.jpg"}`)(w, r)
		case "/v2/echo":
			b, _ := json.Marshal(map[string]any{"query": r.URL.RawQuery, "ct": r.Header.Get("Content-Type")})
			jsonReply(200, string(b))(w, r)
		case "/v2/empty":
			w.WriteHeader(http.StatusNoContent)
		default:
			jsonReply(404, `{"errors":{"json":"Resource not found"}}`)(w, r)
		}
	})
	c := newClient(t, f, partoo.WithOrgID(3))
	ctx := context.Background()

	var photo struct {
		ID  int    `json:"id"`
		URL string `json:"url"`
	}
	if err := c.Do(ctx, http.MethodGet, "/photos/7", nil, nil, &photo); err != nil || photo.ID != 7 {
		t.Fatalf("GET: %v %+v", err, photo)
	}
	if q := f.requests()[0].Query; q != "" {
		t.Errorf("a path outside the spec got the query %q, want none (no org_id unless asked)", q)
	}
	var raw json.RawMessage
	if err := c.Do(ctx, http.MethodPost, "echo", url.Values{"a": {"1"}}, map[string]int{"n": 2}, &raw, partoo.WithCallOrgID(9)); err != nil {
		t.Fatal(err)
	}
	if want := `{"ct":"application/json","query":"a=1\u0026org_id=9"}`; string(raw) != want {
		t.Errorf("echo = %s, want %s", raw, want)
	}
	if reqs := f.requests(); reqs[len(reqs)-1].Body != `{"n":2}` {
		t.Errorf("body sent = %q, want the JSON of the value", reqs[len(reqs)-1].Body)
	}
	if err := c.Do(ctx, http.MethodPost, "/echo", nil, json.RawMessage(`{"x":true}`), nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Do(ctx, http.MethodDelete, "/empty", nil, nil, &photo); err != nil {
		t.Errorf("204: %v", err)
	}
	err := c.Do(ctx, http.MethodGet, "/nowhere", nil, nil, nil)
	var apiErr *partoo.APIError
	if !errors.Is(err, partoo.ErrNotFound) || !errors.As(err, &apiErr) {
		t.Errorf("404: err = %v, want an *APIError matching ErrNotFound", err)
	}
	// On an operation of the spec, Do applies its rules.
	var item gen.WebhookItem
	_ = c.Do(ctx, http.MethodGet, "/webhooks/1", nil, nil, &item)
	reqs := f.requests()
	if q := reqs[len(reqs)-1].Query; q != "org_id=3" {
		t.Errorf("Do on getWebhook: query %q, want the client's org_id", q)
	}
	before := len(f.requests())
	if err := c.Do(ctx, http.MethodGet, "/webhooks", url.Values{"per_page": {"500"}}, nil, nil); !errors.Is(err, partoo.ErrInvalidRequest) {
		t.Errorf("Do with per_page 500 on getWebhookList: err = %v, want ErrInvalidRequest", err)
	}
	bad := map[string]any{"custom_headers": map[string]string{"X-Partoo-Id": "1"}}
	if err := c.Do(ctx, http.MethodPut, "/webhooks/1", nil, bad, nil); !errors.Is(err, partoo.ErrInvalidCustomHeaders) {
		t.Errorf("Do with invalid custom headers on updateWebhook: err = %v, want ErrInvalidCustomHeaders", err)
	}
	if n := len(f.requests()) - before; n != 0 {
		t.Errorf("%d requests sent, want 0", n)
	}
}

func TestDoRefusesPathsThatLeaveTheBaseURL(t *testing.T) {
	t.Parallel()
	f := newFake(t, jsonReply(200, `{}`))
	c := newClient(t, f)
	for _, path := range []string{
		"https://evil.example.com/v2/webhooks", "//evil.example.com/x", "/../admin", "a/../../b", "/%2e%2e/admin",
		"/webhooks?token=x", "/webhooks#x", "", "/", "./webhooks",
	} {
		if err := c.Do(context.Background(), http.MethodGet, path, nil, nil, nil); err == nil {
			t.Errorf("Do(%q) succeeded", path)
		}
	}
	if err := c.Do(context.Background(), "GET X", "/webhooks", nil, nil, nil); err == nil {
		t.Error("an invalid method was accepted")
	}
	if err := c.Do(context.Background(), http.MethodPost, "/x", nil, []byte(`{not json`), nil); err == nil {
		t.Error("a body that is not JSON was sent")
	}
	if err := c.Do(context.Background(), http.MethodGet, "/x", nil, nil, nil, partoo.WithPathTemplate("x?y")); err == nil {
		t.Error("an invalid path template was accepted")
	}
	if n := len(f.requests()); n != 0 {
		t.Errorf("%d requests sent, want 0", n)
	}
}

// TestDoPOSTRetries: a Do POST is retried when no byte left (a refused
// connection) and never once it may have been sent.
func TestDoPOSTRetries(t *testing.T) {
	t.Parallel()
	f := newFake(t, jsonReply(503, `{}`))
	if err := newClient(t, f, fast).Do(context.Background(), http.MethodPost, "/things", nil, map[string]int{"a": 1}, nil); !errors.Is(err, partoo.ErrServer) {
		t.Fatalf("err = %v, want the 503", err)
	}
	if n := len(f.requests()); n != 1 {
		t.Errorf("the POST was sent %d times, want 1", n)
	}
	var dials atomic.Int64
	refusing := &http.Transport{DialContext: func(_ context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		return nil, &net.OpError{Op: "dial", Net: network, Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	}}
	c, err := partoo.NewClient(testKey, partoo.WithBaseURL("http://127.0.0.1:9/v2"), partoo.WithTransport(refusing), fast)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Do(context.Background(), http.MethodPost, "/things", nil, map[string]int{"a": 1}, nil); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("err = %v, want the refused dial", err)
	}
	if n := dials.Load(); n != partoo.DefaultMaxAttempts {
		t.Errorf("%d dials, want %d", n, partoo.DefaultMaxAttempts)
	}
}

// TestAPIKeySource: the key is asked for before each attempt; an error of
// the source ends the call before anything is sent and reveals no key.
func TestAPIKeySource(t *testing.T) {
	t.Parallel()
	f := newFake(t, scripted(jsonReply(503, `{}`), jsonReply(200, itemJSON)))
	var n atomic.Int64
	keys := []string{"key-one", "key-two"}
	src := func(ctx context.Context) (string, error) {
		if ctx == nil {
			return "", errors.New("no context")
		}
		return keys[min(int(n.Add(1))-1, 1)], nil
	}
	c, err := partoo.NewClient("", partoo.WithBaseURL(f.URL+"/v2"), partoo.WithTransport(f.Client().Transport), partoo.WithAPIKeySource(src), fast)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Webhooks.Get(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range f.requests() {
		got = append(got, r.Header.Values(partoo.APIKeyHeader)...)
	}
	if diff := cmp.Diff(keys, got); diff != "" {
		t.Errorf("keys sent (-want +got):\n%s", diff)
	}
	vault := errors.New("vault sealed")
	failing, err := partoo.NewClient("", partoo.WithBaseURL(f.URL+"/v2"), partoo.WithTransport(f.Client().Transport),
		partoo.WithAPIKeySource(func(context.Context) (string, error) { return "", vault }))
	if err != nil {
		t.Fatal(err)
	}
	before := len(f.requests())
	if _, err := failing.Webhooks.Get(context.Background(), 1); !errors.Is(err, vault) {
		t.Errorf("err = %v, want the source's error", err)
	}
	const badKey = "sk-live-bad\nkey"
	broken, _ := partoo.NewClient("", partoo.WithBaseURL(f.URL+"/v2"), partoo.WithTransport(f.Client().Transport),
		partoo.WithAPIKeySource(func(context.Context) (string, error) { return badKey, nil }))
	if _, err := broken.Webhooks.Get(context.Background(), 1); err == nil || strings.Contains(err.Error(), "sk-live") {
		t.Errorf("err = %v, want an error that does not show the key", err)
	}
	if n := len(f.requests()) - before; n != 0 {
		t.Errorf("%d requests sent, want 0", n)
	}
}

// order records what the middlewares saw.
type order struct {
	mu  sync.Mutex
	log []string
}

func (o *order) add(s string) {
	o.mu.Lock()
	o.log = append(o.log, s)
	o.mu.Unlock()
}

func (o *order) middleware(name string) func(http.RoundTripper) http.RoundTripper {
	return func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			a, ok := partoo.AttemptFromContext(r.Context())
			key := r.Header.Get(partoo.APIKeyHeader) == testKey
			o.add(fmt.Sprintf("%s> %s attempt %d key %t %t", name, a.Call.OperationID, a.Attempt, key, ok))
			resp, err := next.RoundTrip(r)
			o.add("<" + name)
			return resp, err
		})
	}
}

// TestMiddlewareOrder: middlewares wrap every attempt, the first given
// outermost, with the key set and the attempt known.
func TestMiddlewareOrder(t *testing.T) {
	t.Parallel()
	f := newFake(t, scripted(jsonReply(503, `{}`), jsonReply(200, itemJSON)))
	var o order
	c := newClient(t, f, fast, partoo.WithMiddleware(o.middleware("A")), partoo.WithMiddleware(o.middleware("B")))
	if _, err := c.Webhooks.Get(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"A> getWebhook attempt 1 key true true", "B> getWebhook attempt 1 key true true", "<B", "<A",
		"A> getWebhook attempt 2 key true true", "B> getWebhook attempt 2 key true true", "<B", "<A",
	}
	if diff := cmp.Diff(want, o.log); diff != "" {
		t.Errorf("middleware calls (-want +got):\n%s", diff)
	}
}

// recorder is an Observer that records the calls.
type recorder struct {
	order
}

func (r *recorder) StartCall(ctx context.Context, call partoo.CallInfo) (context.Context, func(*partoo.Response, error)) {
	r.add(fmt.Sprintf("start %s %s %s org %d", call.OperationID, call.Method, call.PathTemplate, call.OrgID))
	return ctx, func(resp *partoo.Response, err error) {
		r.add(fmt.Sprintf("end %d after %d attempts, error %t", resp.StatusCode, resp.Attempts, err != nil))
	}
}

func (r *recorder) RoundTripper(next http.RoundTripper) http.RoundTripper {
	return r.middleware("obs")(next)
}

func TestObserver(t *testing.T) {
	t.Parallel()
	f := newFake(t, scripted(jsonReply(503, `{}`), jsonReply(200, itemJSON), jsonReply(404, `{}`)))
	var r recorder
	c := newClient(t, f, fast, partoo.WithObserver(&r), partoo.WithOrgID(5))
	if _, err := c.Webhooks.Get(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	_ = c.Do(context.Background(), http.MethodGet, "/things/1", nil, nil, nil, partoo.WithPathTemplate("/things/{id}"), partoo.WithoutCallRetries())
	want := []string{
		"start getWebhook GET /webhooks/{webhook_id} org 5",
		"obs> getWebhook attempt 1 key true true", "<obs",
		"obs> getWebhook attempt 2 key true true", "<obs",
		"end 200 after 2 attempts, error false",
		"start  GET /things/{id} org 0",
		"obs>  attempt 1 key true true", "<obs",
		"end 404 after 1 attempts, error true",
	}
	if diff := cmp.Diff(want, r.log); diff != "" {
		t.Errorf("observer calls (-want +got):\n%s", diff)
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
