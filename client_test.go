package partoo_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
)

const testKey = "pk_test_Sup3rS3cret-key"

// basePath mimics Partoo's /v2 prefix, so tests catch requests that drop it.
const basePath = "/v2"

// recorded is what the fake server saw of one request.
type recorded struct {
	Method, Path, Query string
	Header              http.Header
	Body                string
}

// fake is a test server mounted under /v2 that records every request and
// answers with handler.
type fake struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []recorded
}

func (f *fake) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.reqs...)
}

func newFake(t *testing.T, handler http.HandlerFunc) *fake {
	t.Helper()
	f := &fake{}
	mux := http.NewServeMux()
	mux.HandleFunc(basePath+"/", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.reqs = append(f.reqs, recorded{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: string(body)})
		f.mu.Unlock()
		handler(w, r)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request outside %s: %s %s", basePath, r.Method, r.URL.Path)
		http.Error(w, "wrong base path", http.StatusTeapot)
	})
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

func newClient(t *testing.T, f *fake, opts ...partoo.Option) *partoo.Client {
	t.Helper()
	// The fake's own transport: closing another test's httptest server
	// closes the idle connections of http.DefaultTransport, which would
	// break this test's requests when the tests run in parallel.
	c, err := partoo.NewClient(testKey, append([]partoo.Option{partoo.WithBaseURL(f.URL + basePath), partoo.WithTransport(f.Client().Transport)}, opts...)...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

func jsonReply(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

const itemJSON = `{"id":1,"url":"https://example.com/webhook","event_type":"business_created","created_at":"2024-11-27T16:10:44.929678Z","updated_at":"2024-11-27T16:10:44.929678Z","org_id":1,"custom_headers":{"X-My-Header":"my-value","X-Auth-Token":"secret-token"}}`

func TestNewClientRejectsBadOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		key     string
		opts    []partoo.Option
		wantErr string
		is      error // the sentinel the error matches
	}{
		{"empty key", "", nil, "API key is empty", partoo.ErrInvalidAPIKey},
		{"blank key", "  \t", nil, "API key is empty", partoo.ErrInvalidAPIKey},
		{"key with newline", "abc\r\nX-Evil: 1", nil, "line break", partoo.ErrInvalidAPIKey},
		{"unknown server", testKey, []partoo.Option{partoo.WithServer("https://example.com")}, "unknown server", partoo.ErrInvalidOption},
		{"relative base URL", testKey, []partoo.Option{partoo.WithBaseURL("/v2")}, "scheme must be http or https", partoo.ErrInvalidOption},
		{"ftp base URL", testKey, []partoo.Option{partoo.WithBaseURL("ftp://example.com/v2")}, "scheme must be http or https", partoo.ErrInvalidOption},
		{"unparsable base URL", testKey, []partoo.Option{partoo.WithBaseURL("https://exa mple.com/%zz")}, "invalid base URL", partoo.ErrInvalidOption},
		{"base URL with query", testKey, []partoo.Option{partoo.WithBaseURL("https://example.com/v2?token=x")}, "query or fragment", partoo.ErrInvalidOption},
		{"base URL with user info", testKey, []partoo.Option{partoo.WithBaseURL("https://user:pw@example.com/v2")}, "user info", partoo.ErrInvalidOption},
		{"plain http to a remote host", testKey, []partoo.Option{partoo.WithBaseURL("http://api.example.com/v2")}, "plain http", partoo.ErrInvalidOption},
		{"nil http client", testKey, []partoo.Option{partoo.WithHTTPClient(nil)}, "nil", partoo.ErrInvalidOption},
		{"nil transport", testKey, []partoo.Option{partoo.WithTransport(nil)}, "WithTransport: the transport is nil", partoo.ErrInvalidOption},
		{"negative timeout", testKey, []partoo.Option{partoo.WithTimeout(-time.Second)}, "negative", partoo.ErrInvalidOption},
		{"empty user agent", testKey, []partoo.Option{partoo.WithUserAgent(" ")}, "invalid user agent", partoo.ErrInvalidOption},
		{"zero org id", testKey, []partoo.Option{partoo.WithOrgID(0)}, "not a positive integer", partoo.ErrInvalidOption},
		{"base URL with an empty segment", testKey, []partoo.Option{partoo.WithBaseURL("https://example.com//v2")}, "empty segment", partoo.ErrInvalidOption},
		{"base URL with an escaped dot", testKey, []partoo.Option{partoo.WithBaseURL("https://example.com/%2e%2e/v2")}, "escaped dot", partoo.ErrInvalidOption},
		{"base URL with a fragment", testKey, []partoo.Option{partoo.WithBaseURL("https://example.com/v2#x")}, "query or fragment", partoo.ErrInvalidOption},
		{"zero response size", testKey, []partoo.Option{partoo.WithMaxResponseSize(0)}, "not a positive size", partoo.ErrInvalidOption},
		{"nil key source", "", []partoo.Option{partoo.WithAPIKeySource(nil)}, "source is nil", partoo.ErrInvalidOption},
		{"key and key source", testKey, []partoo.Option{partoo.WithAPIKeySource(func(context.Context) (string, error) { return "k", nil })}, "not both", partoo.ErrInvalidOption},
		{"nil middleware", testKey, []partoo.Option{partoo.WithMiddleware(nil)}, "middleware is nil", partoo.ErrInvalidOption},
		{"nil observer", testKey, []partoo.Option{partoo.WithObserver(nil)}, "observer is nil", partoo.ErrInvalidOption},
		{"nil logger", testKey, []partoo.Option{partoo.WithLogger(nil)}, "logger is nil", partoo.ErrInvalidOption},
		{"negative retries", testKey, []partoo.Option{partoo.WithRetryPolicy(partoo.RetryPolicy{MaxAttempts: -1})}, "negative", partoo.ErrInvalidOption},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := partoo.NewClient(tt.key, tt.opts...)
			if err == nil {
				t.Fatalf("NewClient succeeded (%v), want error containing %q", c.BaseURL(), tt.wantErr)
			}
			if !errors.Is(err, tt.is) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error = %q, want one that matches %v and says %q", err, tt.is, tt.wantErr)
			}
			if strings.Contains(err.Error(), "pw") || (tt.key != "" && strings.Contains(err.Error(), tt.key)) {
				t.Errorf("error leaks a secret: %q", err)
			}
		})
	}
}

func TestServerSelection(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts []partoo.Option
		want string
	}{
		{"default is production", nil, "https://api.partoo.co/v2"},
		{"production", []partoo.Option{partoo.WithServer(partoo.Production)}, "https://api.partoo.co/v2"},
		{"sandbox", []partoo.Option{partoo.WithServer(partoo.Sandbox)}, "https://api.sandbox.partoo.co/v2"},
		{"custom URL keeps its path", []partoo.Option{partoo.WithBaseURL("https://proxy.example.com/partoo/v2/")}, "https://proxy.example.com/partoo/v2"},
		{"loopback http is allowed", []partoo.Option{partoo.WithBaseURL("http://127.0.0.1:8080/v2")}, "http://127.0.0.1:8080/v2"},
		{"localhost http is allowed", []partoo.Option{partoo.WithBaseURL("http://localhost:8080")}, "http://localhost:8080"},
		{"ipv6 loopback http is allowed", []partoo.Option{partoo.WithBaseURL("http://[::1]:8080/v2")}, "http://[::1]:8080/v2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := partoo.NewClient(testKey, tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.BaseURL(); got != tt.want {
				t.Errorf("BaseURL() = %q, want %q", got, tt.want)
			}
		})
	}
	if partoo.Production.String() != gen.ServerURLProductionServer || partoo.Sandbox.String() != gen.ServerURLSandboxServerDevEnvironmentForClientsPartners {
		t.Error("the named servers must be the spec's servers")
	}
}

// TestBaseURLNotAbsoluteHTTPSRefused checks that NewClient refuses a base
// URL that is not an absolute https URL (plain http goes only to a loopback
// host). Production and Sandbox, the spec's server URLs
// (TestServerSelection), go through the same checks, so a spec that declares
// either otherwise fails the root tests.
func TestBaseURLNotAbsoluteHTTPSRefused(t *testing.T) {
	t.Parallel()
	for _, url := range []string{
		"http://api.partoo.co/v2", "/v2", "api.partoo.co/v2", "//api.partoo.co/v2", "https:///v2", "ftp://api.partoo.co/v2",
	} {
		if _, err := partoo.NewClient(testKey, partoo.WithBaseURL(url)); !errors.Is(err, partoo.ErrInvalidOption) {
			t.Errorf("base URL %q: err = %v, want ErrInvalidOption", url, err)
		}
	}
}

func TestRequestsCarryAuthAndUserAgentOnceUnderTheBasePath(t *testing.T) {
	t.Parallel()
	f := newFake(t, jsonReply(200, itemJSON))
	c := newClient(t, f)
	if _, err := c.Webhooks.Get(context.Background(), 42); err != nil {
		t.Fatal(err)
	}
	reqs := f.requests()
	if len(reqs) != 1 {
		t.Fatalf("got %d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.Method != http.MethodGet || r.Path != "/v2/webhooks/42" {
		t.Errorf("request = %s %s, want GET /v2/webhooks/42", r.Method, r.Path)
	}
	if got := r.Header.Values("X-Apikey"); len(got) != 1 || got[0] != testKey {
		t.Errorf("x-APIKey values = %q, want exactly [%q]", got, testKey)
	}
	wantUA := "partoo-go/" + partoo.Version + " (" + runtime.Version() + ")"
	if got := r.Header.Get("User-Agent"); got != wantUA {
		t.Errorf("User-Agent = %q, want %q", got, wantUA)
	}
	if r.Query != "" {
		t.Errorf("query = %q, want none (no org_id configured)", r.Query)
	}

	c2 := newClient(t, f, partoo.WithUserAgent("my-app/1.2"))
	if _, err := c2.Webhooks.Get(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	if got := f.requests()[1].Header.Get("User-Agent"); got != "my-app/1.2" {
		t.Errorf("User-Agent = %q, want my-app/1.2", got)
	}
}

func TestOrgIDDefaultAndOverride(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/v2/webhooks":
			jsonReply(200, `{"page":1,"max_page":1,"count":1,"items":[`+itemJSON+`]}`)(w, r)
		case r.Method == http.MethodPost && r.URL.Path == "/v2/webhooks/tryout":
			jsonReply(200, `{"status":"sent"}`)(w, r)
		case r.Method == http.MethodPost:
			jsonReply(200, `{"items":[`+itemJSON+`]}`)(w, r)
		default:
			jsonReply(200, itemJSON)(w, r)
		}
	})
	ctx := context.Background()
	c := newClient(t, f, partoo.WithOrgID(7))
	item := gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{{URL: "https://example.com/hook", EventType: gen.EventTypeBusinessCreated}}}

	calls := []struct {
		name string
		call func() error
		want string
	}{
		{"get", func() error { _, err := c.Webhooks.Get(ctx, 1); return err }, "org_id=7"},
		{"update", func() error { _, err := c.Webhooks.Update(ctx, 1, gen.UpdateWebhookPayload{}); return err }, "org_id=7"},
		{"create", func() error { _, err := c.Webhooks.Create(ctx, item); return err }, "org_id=7"},
		{"tryout", func() error { _, err := c.Webhooks.Tryout(ctx, item); return err }, "org_id=7"},
		{"WithCallOrgID wins over the client's", func() error {
			_, err := c.Webhooks.Get(ctx, 1, partoo.WithCallOrgID(8))
			return err
		}, "org_id=8"},
		{"Do on an operation of the spec", func() error {
			return c.Do(ctx, http.MethodGet, "/webhooks/1", nil, nil, nil)
		}, "org_id=7"},
		{"list", func() error {
			for _, err := range c.Webhooks.List(ctx, &gen.GetWebhookListParams{}) {
				return err
			}
			return nil
		}, "org_id=7"},
		{"params win over the default", func() error {
			org := 9
			_, err := c.Raw().GetWebhookWithResponse(ctx, 1, &gen.GetWebhookParams{OrgID: &org})
			return err
		}, "org_id=9"},
		{"ForOrg changes the default", func() error {
			c9, err := c.ForOrg(11)
			if err != nil {
				return err
			}
			_, err = c9.Webhooks.Get(ctx, 1)
			return err
		}, "org_id=11"},
		{"the parent keeps its default", func() error { _, err := c.Webhooks.Get(ctx, 1); return err }, "org_id=7"},
	}
	for _, tt := range calls {
		before := len(f.requests())
		if err := tt.call(); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		reqs := f.requests()
		if len(reqs) != before+1 {
			t.Fatalf("%s: %d requests, want 1", tt.name, len(reqs)-before)
		}
		if q := reqs[before].Query; q != tt.want {
			t.Errorf("%s: query = %q, want %q", tt.name, q, tt.want)
		}
	}
	if _, err := c.ForOrg(-1); err == nil {
		t.Error("ForOrg(-1) succeeded, want an error")
	}
}

func TestEveryNon2xxIsATypedAPIError(t *testing.T) {
	t.Parallel()
	httpDate := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	tests := []struct {
		name         string
		status       int
		contentType  string
		body         string
		retryAfter   string
		sentinel     error
		wantMessages []string
		wantInError  string
		minRetry     time.Duration
	}{
		{name: "400 error key with fields", status: 400, contentType: "application/json",
			body:     `{"error":{"json":{"url":["Not a valid URL."],"event_type":["Must be one of: business_created."]}}}`,
			sentinel: partoo.ErrBadRequest, wantMessages: []string{"event_type: Must be one of: business_created.", "url: Not a valid URL."}},
		{name: "400 empty json object", status: 400, contentType: "application/json", body: `{"error": {"json": {}}}`,
			sentinel: partoo.ErrBadRequest},
		{name: "401 error key", status: 401, contentType: "application/json", body: `{"error": {"authentication": "User not authenticated"}}`,
			sentinel: partoo.ErrUnauthorized, wantMessages: []string{"authentication: User not authenticated"}},
		{name: "401 errors key", status: 401, contentType: "application/json", body: `{"errors": {"authentication": "User not authenticated"}}`,
			sentinel: partoo.ErrUnauthorized, wantMessages: []string{"authentication: User not authenticated"}},
		{name: "403", status: 403, contentType: "application/json", body: `{"error": {"authorization": "Operation not allowed"}}`,
			sentinel: partoo.ErrForbidden, wantMessages: []string{"authorization: Operation not allowed"}},
		{name: "404", status: 404, contentType: "application/json", body: `{"errors": {"json": "Resource not found"}}`,
			sentinel: partoo.ErrNotFound, wantMessages: []string{"Resource not found"}, wantInError: "404 Not Found: Resource not found"},
		{name: "415", status: 415, contentType: "application/json", body: `{"errors": {"json": "Unsupported media type. Please use application/json"}}`,
			sentinel: partoo.ErrUnsupportedMediaType, wantMessages: []string{"Unsupported media type. Please use application/json"}},
		{name: "string error value", status: 400, contentType: "application/json", body: `{"error": "bad things"}`,
			sentinel: partoo.ErrBadRequest, wantMessages: []string{"bad things"}},
		{name: "429 seconds", status: 429, retryAfter: "60", sentinel: partoo.ErrRateLimited, minRetry: 60 * time.Second, wantInError: "retry after 1m0s"},
		{name: "429 http date", status: 429, retryAfter: httpDate, sentinel: partoo.ErrRateLimited, minRetry: 80 * time.Second},
		{name: "502 html from a proxy", status: 502, contentType: "text/html", body: "<html><body><h1>502 Bad Gateway</h1>\n<p>nginx</p></body></html>",
			sentinel: partoo.ErrServer, wantInError: `"<html><body><h1>502 Bad Gateway</h1> <p>nginx</p></body></html>"`},
		{name: "500 empty", status: 500, sentinel: partoo.ErrServer, wantInError: "500 Internal Server Error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
				if tt.contentType != "" {
					w.Header().Set("Content-Type", tt.contentType)
				}
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			})
			c := newClient(t, f, partoo.WithoutRetries()) // retries: retry_test.go
			// The hand-written helper and the raw generated operation share
			// the same error path.
			_, errHelper := c.Webhooks.Get(context.Background(), 5)
			_, errRaw := c.Raw().GetWebhookListWithResponse(context.Background(), &gen.GetWebhookListParams{})
			for _, err := range []error{errHelper, errRaw} {
				var apiErr *partoo.APIError
				if !errors.As(err, &apiErr) {
					t.Fatalf("error %v (%T) is not an *APIError", err, err)
				}
				if apiErr.StatusCode != tt.status {
					t.Errorf("StatusCode = %d, want %d", apiErr.StatusCode, tt.status)
				}
				if !errors.Is(err, tt.sentinel) {
					t.Errorf("errors.Is(%v, %v) = false", err, tt.sentinel)
				}
				for _, other := range []error{partoo.ErrBadRequest, partoo.ErrUnauthorized, partoo.ErrForbidden, partoo.ErrNotFound, partoo.ErrUnsupportedMediaType, partoo.ErrRateLimited, partoo.ErrServer} {
					if other != tt.sentinel && errors.Is(err, other) {
						t.Errorf("errors.Is(%v, %v) = true, want false", err, other)
					}
				}
				if diff := cmp.Diff(tt.wantMessages, apiErr.Messages); diff != "" {
					t.Errorf("Messages (-want +got):\n%s", diff)
				}
				if apiErr.RetryAfter < tt.minRetry {
					t.Errorf("RetryAfter = %v, want at least %v", apiErr.RetryAfter, tt.minRetry)
				}
				if !strings.Contains(err.Error(), tt.wantInError) {
					t.Errorf("Error() = %q, want it to contain %q", err.Error(), tt.wantInError)
				}
				if apiErr.Method == "" || !strings.HasPrefix(apiErr.Path, "/v2/webhooks") {
					t.Errorf("Method/Path = %q %q", apiErr.Method, apiErr.Path)
				}
				if strings.Contains(err.Error(), testKey) {
					t.Errorf("error leaks the API key: %q", err)
				}
			}
		})
	}
}

func TestErrorPathHasNoQuery(t *testing.T) {
	t.Parallel()
	f := newFake(t, jsonReply(404, `{"errors":{"json":"Resource not found"}}`))
	c := newClient(t, f, partoo.WithOrgID(3))
	_, err := c.Webhooks.Get(context.Background(), 8)
	var apiErr *partoo.APIError
	if !errors.As(err, &apiErr) || apiErr.Path != "/v2/webhooks/8" || strings.Contains(err.Error(), "org_id") {
		t.Errorf("err = %v, want path /v2/webhooks/8 without the query", err)
	}
}

func TestListWalksEveryPage(t *testing.T) {
	t.Parallel()
	const maxPage = 3
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		page := r.URL.Query().Get("page")
		if page == "" {
			page = "1"
		}
		var n int
		fmt.Sscan(page, &n)
		items := make([]string, 0, 2)
		for i := 1; i <= 2; i++ {
			items = append(items, fmt.Sprintf(`{"id":%d,"url":"https://e.com","event_type":"business_created","created_at":"","updated_at":"","org_id":1}`, (n-1)*2+i))
		}
		jsonReply(200, fmt.Sprintf(`{"page":%d,"max_page":%d,"count":6,"items":[%s]}`, n, maxPage, strings.Join(items, ",")))(w, r)
	})
	c := newClient(t, f)
	perPage := 2
	var ids []int
	for item, err := range c.Webhooks.List(context.Background(), &gen.GetWebhookListParams{PerPage: &perPage}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, item.ID)
	}
	if diff := cmp.Diff([]int{1, 2, 3, 4, 5, 6}, ids); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
	var queries []string
	for _, r := range f.requests() {
		queries = append(queries, r.Query)
	}
	if diff := cmp.Diff([]string{"per_page=2", "page=2&per_page=2", "page=3&per_page=2"}, queries); diff != "" {
		t.Errorf("queries (-want +got):\n%s", diff)
	}
}

func TestListStopsOnErrorAndOnBreak(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 2 {
			jsonReply(500, `{"errors":{"json":"boom"}}`)(w, r)
			return
		}
		jsonReply(200, `{"page":1,"max_page":5,"count":10,"items":[`+itemJSON+`,`+itemJSON+`]}`)(w, r)
	})
	c := newClient(t, f)
	var got, errs int
	for _, err := range c.Webhooks.List(context.Background(), nil) {
		if err != nil {
			errs++
			if !errors.Is(err, partoo.ErrServer) {
				t.Errorf("err = %v, want ErrServer", err)
			}
			continue
		}
		got++
	}
	if got != 2 || errs != 1 || calls.Load() != 2 {
		t.Errorf("items=%d errors=%d requests=%d, want 2, 1, 2", got, errs, calls.Load())
	}

	// Breaking out after the first item fetches nothing more.
	calls.Store(10)
	for range c.Webhooks.List(context.Background(), nil) {
		break
	}
	if calls.Load() != 11 {
		t.Errorf("requests after break = %d, want 1", calls.Load()-10)
	}
}

func TestForwardCompatibleDecoding(t *testing.T) {
	t.Parallel()
	f := newFake(t, jsonReply(200, `{"id":3,"url":"https://e.com","event_type":"future_event","created_at":"x","updated_at":"y","org_id":4,"brand_new_field":{"nested":[1,2]}}`))
	c := newClient(t, f)
	item, err := c.Webhooks.Get(context.Background(), 3)
	if err != nil {
		t.Fatal(err)
	}
	if item.EventType != "future_event" || item.EventType.Valid() || item.ID != 3 {
		t.Errorf("item = %+v, want the unknown event type kept and reported invalid", item)
	}
}

func TestDecodeErrorOn2xx(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{"truncated": `{"id":1,"url":"htt`, "empty": ``, "html": `<html>ok</html>`} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, jsonReply(200, body))
			_, err := newClient(t, f).Webhooks.Get(context.Background(), 1)
			var de *partoo.DecodeError
			if !errors.As(err, &de) || de.StatusCode != 200 || de.Path != "/v2/webhooks/1" {
				t.Errorf("err = %v (%T), want *DecodeError for GET /v2/webhooks/1", err, err)
			}
		})
	}
}

func TestAPIKeyNeverFormatted(t *testing.T) {
	t.Parallel()
	f := newFake(t, jsonReply(401, `{"error":{"authentication":"User not authenticated"}}`))
	c := newClient(t, f, partoo.WithOrgID(1))
	_, err := c.Webhooks.Get(context.Background(), 1)
	var apiErr *partoo.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v, want an *APIError", err)
	}
	values := []any{c, *c, c.Webhooks, *c.Webhooks, c.Raw(), err, apiErr, *apiErr}
	for _, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			if out := fmt.Sprintf(verb, v); strings.Contains(out, testKey) {
				t.Errorf("fmt %s of %T leaks the API key: %s", verb, v, out)
			}
		}
	}
}

func TestRawOperationsShareThePipeline(t *testing.T) {
	t.Parallel()
	f := newFake(t, jsonReply(200, itemJSON))
	c := newClient(t, f, partoo.WithOrgID(5))
	resp, err := c.Raw().GetWebhookWithResponse(context.Background(), 1, &gen.GetWebhookParams{})
	if err != nil {
		t.Fatal(err)
	}
	if resp.JSON200 == nil || resp.JSON200.URL != "https://example.com/webhook" {
		t.Fatalf("JSON200 = %+v", resp.JSON200)
	}
	r := f.requests()[0]
	if r.Header.Get("X-Apikey") != testKey || r.Query != "org_id=5" {
		t.Errorf("raw call: key=%v query=%q, want the key and org_id=5", r.Header.Get("X-Apikey") == testKey, r.Query)
	}
}

func TestTimeoutAndContext(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	c := newClient(t, f, partoo.WithTimeout(50*time.Millisecond), partoo.WithoutRetries())
	if _, err := c.Webhooks.Get(context.Background(), 1); err == nil {
		t.Error("a server slower than the timeout must give an error")
	}
	c2 := newClient(t, f, partoo.WithTimeout(0))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c2.Webhooks.Get(ctx, 1); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want context.DeadlineExceeded", err)
	}
}

func TestWithHTTPClientCopiesTheClient(t *testing.T) {
	t.Parallel()
	f := newFake(t, jsonReply(200, itemJSON))
	hc := &http.Client{Timeout: time.Minute, Transport: f.Client().Transport}
	c := newClient(t, f, partoo.WithHTTPClient(hc))
	hc.Transport = roundTripFunc(func(*http.Request) (*http.Response, error) {
		return nil, errors.New("the caller's later change must not apply")
	})
	if _, err := c.Webhooks.Get(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
}

func TestWithTransport(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == basePath+"/webhooks/2" {
			select { // slower than any timeout below
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		jsonReply(200, itemJSON)(w, r)
	})
	defer close(release)
	var trips atomic.Int64
	counting := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		trips.Add(1)
		return f.Client().Transport.RoundTrip(r)
	})

	c := newClient(t, f, partoo.WithTransport(counting), partoo.WithoutRetries())
	if _, err := c.Webhooks.Get(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	if n := trips.Load(); n != 1 {
		t.Errorf("%d round trips through the transport, want 1", n)
	}
	// net/http reports the client timeout either as its own timeout error or
	// as the context deadline it set: assert on the behaviour, not the text.
	// The request hangs, so the short timeout always fires, however slow
	// the machine.
	c = newClient(t, f, partoo.WithTransport(counting), partoo.WithTimeout(100*time.Millisecond), partoo.WithoutRetries())
	_, err := c.Webhooks.Get(context.Background(), 2)
	var netErr net.Error
	if !errors.Is(err, context.DeadlineExceeded) && !(errors.As(err, &netErr) && netErr.Timeout()) {
		t.Errorf("err = %v, want a timeout: WithTimeout must apply with WithTransport", err)
	}

	// WithHTTPClient brings its own transport: WithTransport has no effect.
	trips.Store(0)
	c2 := newClient(t, f, partoo.WithTransport(counting), partoo.WithHTTPClient(&http.Client{Transport: f.Client().Transport}))
	if _, err := c2.Webhooks.Get(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	if n := trips.Load(); n != 0 {
		t.Errorf("%d round trips through WithTransport's transport, want 0 with WithHTTPClient", n)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestListStopsWhenThePageDoesNotAdvance(t *testing.T) {
	t.Parallel()
	// A server that always answers page 1 of 10 (Prism's static example does).
	f := newFake(t, jsonReply(200, `{"page":1,"max_page":10,"count":10,"items":[`+itemJSON+`]}`))
	c := newClient(t, f)
	var items int
	var lastErr error
	for _, err := range c.Webhooks.List(context.Background(), nil) {
		if err != nil {
			lastErr = err
			continue
		}
		items++
	}
	if items != 1 || !errors.Is(lastErr, partoo.ErrPaginationStalled) {
		t.Errorf("items=%d err=%v, want 1 item then a did-not-advance error", items, lastErr)
	}
	if n := len(f.requests()); n != 2 {
		t.Errorf("requests = %d, want 2", n)
	}
}

// TestRedirectsStayOnTheOrigin: a redirect to another origin is refused
// before anything is sent there (no key, no body), whatever the method and
// whichever HTTP client; a same-origin redirect is followed, key included.
func TestRedirectsStayOnTheOrigin(t *testing.T) {
	t.Parallel()
	var otherHits atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherHits.Add(1)
		jsonReply(200, itemJSON)(w, r)
	}))
	t.Cleanup(other.Close)
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v2/webhooks/1": // to another origin
			http.Redirect(w, r, other.URL+"/v2/webhooks/1", http.StatusFound)
		case "/v2/webhooks": // a POST, kept as a POST by 307
			http.Redirect(w, r, other.URL+"/v2/webhooks", http.StatusTemporaryRedirect)
		case "/v2/webhooks/2": // same origin
			http.Redirect(w, r, "/v2/webhooks/3", http.StatusFound)
		default:
			jsonReply(200, itemJSON)(w, r)
		}
	})
	for _, tt := range []struct {
		name string
		opts []partoo.Option
	}{
		{"default HTTP client", nil},
		{"caller's HTTP client", []partoo.Option{partoo.WithHTTPClient(&http.Client{Transport: f.Client().Transport})}},
	} {
		c := newClient(t, f, tt.opts...)
		before := len(f.requests())
		_, err := c.Webhooks.Get(context.Background(), 1)
		if !errors.Is(err, partoo.ErrCrossOriginRedirect) {
			t.Errorf("%s: GET redirected elsewhere: err = %v, want ErrCrossOriginRedirect", tt.name, err)
		}
		_, err = c.Webhooks.Create(context.Background(), gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{{URL: "https://example.com/h", EventType: gen.EventTypeBusinessCreated}}})
		if !errors.Is(err, partoo.ErrCrossOriginRedirect) {
			t.Errorf("%s: POST redirected elsewhere: err = %v, want ErrCrossOriginRedirect", tt.name, err)
		}
		if n := otherHits.Load(); n != 0 {
			t.Errorf("%s: the other origin received %d requests, want 0", tt.name, n)
		}
		if n := len(f.requests()) - before; n != 2 {
			t.Errorf("%s: the API received %d requests, want 2: a refused redirect is not retried", tt.name, n)
		}
		if _, err := c.Webhooks.Get(context.Background(), 2); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		reqs := f.requests()
		last := reqs[len(reqs)-1]
		if last.Path != "/v2/webhooks/3" || last.Header.Get(partoo.APIKeyHeader) != testKey {
			t.Errorf("%s: same-origin redirect: %s with key=%v, want /v2/webhooks/3 with the key", tt.name, last.Path, last.Header.Get(partoo.APIKeyHeader) == testKey)
		}
	}
}

// TestPOSTNotResentAfterARedirectHopFails: the origin processed the POST
// and redirected it; the next hop fails to connect. The dial error comes
// from the hop, not from the first request, so the POST is not sent again.
func TestPOSTNotResentAfterARedirectHopFails(t *testing.T) {
	t.Parallel()
	var origin atomic.Int64
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.URL.Path == "/v2/webhooks" {
			origin.Add(1)
			return &http.Response{StatusCode: http.StatusTemporaryRedirect, Header: http.Header{"Location": {"/v2/elsewhere"}},
				Body: http.NoBody, Request: r}, nil
		}
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}
	})
	c, err := partoo.NewClient(testKey, partoo.WithBaseURL("http://127.0.0.1:9/v2"), partoo.WithTransport(rt))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Webhooks.Create(context.Background(), gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{{URL: "https://example.com/h", EventType: gen.EventTypeBusinessCreated}}})
	var opErr *net.OpError
	if !errors.As(err, &opErr) {
		t.Fatalf("err = %v, want the hop's dial error", err)
	}
	if n := origin.Load(); n != 1 {
		t.Errorf("the origin received the POST %d times, want 1", n)
	}
}

func TestRedirectLoopStops(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Path, http.StatusFound)
	})
	_, err := newClient(t, f).Webhooks.Get(context.Background(), 1)
	if err == nil {
		t.Fatal("a redirect loop succeeded")
	}
	if n := len(f.requests()); n != 10 {
		t.Errorf("the server received %d requests, want 10: the loop stops and is not retried", n)
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

// zeros is a response body of n zero bytes that allocates nothing, then
// ends with err (io.EOF for a complete body).
type zeros struct {
	n   int64
	err error
}

func (z *zeros) Read(p []byte) (int, error) {
	if z.n == 0 {
		return 0, z.err
	}
	k := int(min(int64(len(p)), z.n))
	clear(p[:k])
	z.n -= int64(k)
	return k, nil
}

func (z *zeros) Close() error { return nil }

// TestResponseBodyMemory: the memory a successful body costs grows with
// the bytes that arrive. An announced Content-Length alone costs at most
// the first chunk (1 MiB), a body refused at the cap costs at most 1.5
// times the cap, and a body read whole at most 1.5 times its size. The
// bytes allocated during the call bound its peak heap; the body comes from
// an in-memory transport that allocates nothing. It does not run in
// parallel: it measures the memory the runtime counts.
func TestResponseBodyMemory(t *testing.T) {
	const mib = 1 << 20
	tests := []struct {
		name     string
		limit    int64
		announce int64 // Content-Length, -1 for none
		body     *zeros
		wantErr  error
		maxAlloc int64
	}{
		{"64 MiB announced, none sent", 64 * mib, 64 * mib, &zeros{0, io.ErrUnexpectedEOF}, io.ErrUnexpectedEOF, 2 * mib},
		{"64 MiB announced, 2 MiB sent", 64 * mib, 64 * mib, &zeros{2 * mib, io.ErrUnexpectedEOF}, io.ErrUnexpectedEOF, 8 * mib},
		{"no length, 4 times the cap", 8 * mib, -1, &zeros{32 * mib, io.EOF}, partoo.ErrResponseTooLarge, 12 * mib},
		{"no length, under the cap", 64 * mib, -1, &zeros{6 * mib, io.EOF}, nil, 14 * mib}, // chunks, then joined
		{"24 MiB announced and sent", 64 * mib, 24 * mib, &zeros{24 * mib, io.EOF}, nil, 37 * mib},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
				return &http.Response{StatusCode: 200, Header: http.Header{}, ContentLength: tt.announce, Body: tt.body, Request: r}, nil
			})
			c, err := partoo.NewClient(testKey, partoo.WithBaseURL("https://api.example.com/v2"), partoo.WithTransport(rt),
				partoo.WithMaxResponseSize(tt.limit), partoo.WithoutRetries())
			if err != nil {
				t.Fatal(err)
			}
			var callErr error
			grew := heapGrowth(func() { callErr = c.Do(context.Background(), http.MethodGet, "/things", nil, nil, nil) })
			if !errors.Is(callErr, tt.wantErr) || (tt.wantErr == nil) != (callErr == nil) {
				t.Errorf("err = %v, want %v", callErr, tt.wantErr)
			}
			if int64(grew) > tt.maxAlloc {
				t.Errorf("the call allocated %.1f MiB, want at most %.1f MiB", float64(grew)/mib, float64(tt.maxAlloc)/mib)
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

// TestUnsendableKeyRefused: a key or User-Agent with a byte net/http
// refuses in a header (DEL, 0x01, ESC) is refused by NewClient, and a key
// source's such key ends the call with ErrInvalidAPIKey before anything is
// sent, without retry. The error never quotes the key.
func TestUnsendableKeyRefused(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"\x7f", "\x01", "\x1b[0m", "\n"} {
		key := "pk_live_" + bad + "secret"
		_, err := partoo.NewClient(key)
		if !errors.Is(err, partoo.ErrInvalidAPIKey) {
			t.Errorf("NewClient(%q): err = %v, want ErrInvalidAPIKey", key, err)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("NewClient(%q): the error quotes the key: %v", key, err)
		}
		if _, err := partoo.NewClient(testKey, partoo.WithUserAgent("agent/1 "+bad)); !errors.Is(err, partoo.ErrInvalidOption) {
			t.Errorf("WithUserAgent with %q: err = %v, want ErrInvalidOption", bad, err)
		}
		f := newFake(t, jsonReply(200, itemJSON))
		c, err := partoo.NewClient("", partoo.WithBaseURL(f.URL+basePath), partoo.WithTransport(f.Client().Transport),
			partoo.WithAPIKeySource(func(context.Context) (string, error) { return key, nil }))
		if err != nil {
			t.Fatal(err)
		}
		var resp partoo.Response
		_, err = c.Webhooks.Get(context.Background(), 1, partoo.CaptureResponse(&resp))
		if !errors.Is(err, partoo.ErrInvalidAPIKey) || len(f.requests()) != 0 || resp.Attempts != 0 {
			t.Errorf("key source %q: err = %v, %d requests, %d attempts; want ErrInvalidAPIKey and nothing sent", key, err, len(f.requests()), resp.Attempts)
		}
	}
}

// TestEchoedKeyReplaced: a server that echoes the API key in an error body
// or a header does not make the client print or keep it: Error(), Body,
// Messages, Header, the body log and CaptureResponse hold a marker.
func TestEchoedKeyReplaced(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{"error":"Invalid API key ` + testKey + `"}`, `Invalid API key ` + testKey} {
		f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Echo", "key="+r.Header.Get(partoo.APIKeyHeader))
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, body)
		})
		var logs strings.Builder
		var mu sync.Mutex
		logger := slog.New(slog.NewJSONHandler(writerFunc(func(p []byte) (int, error) {
			mu.Lock()
			defer mu.Unlock()
			return logs.Write(p)
		}), &slog.HandlerOptions{Level: slog.LevelDebug}))
		c := newClient(t, f, partoo.WithLogger(logger), partoo.WithBodyLogging())
		var resp partoo.Response
		_, err := c.Webhooks.Get(context.Background(), 1, partoo.CaptureResponse(&resp))
		var apiErr *partoo.APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("err = %v, want an *APIError", err)
		}
		mu.Lock()
		logged := logs.String()
		mu.Unlock()
		for what, text := range map[string]string{
			"Error()":         err.Error(),
			"Body":            string(apiErr.Body),
			"Messages":        strings.Join(apiErr.Messages, "\n"),
			"Header":          fmt.Sprint(apiErr.Header),
			"CaptureResponse": fmt.Sprint(resp.Header),
			"the log":         logged,
		} {
			if strings.Contains(text, testKey) {
				t.Errorf("%s holds the key: %s", what, text)
			}
		}
		if !strings.Contains(string(apiErr.Body), "Invalid API key ") || apiErr.Header.Get("X-Echo") == "" {
			t.Errorf("Body %q, X-Echo %q: want the server's text with a marker", apiErr.Body, apiErr.Header.Get("X-Echo"))
		}
	}
}

// writerFunc is an io.Writer made of a function.
type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestRawRequestStaysAtTheOrigin: a RequestEditorFn that changes the scheme
// and host of a raw generated call does not send the key elsewhere.
func TestRawRequestStaysAtTheOrigin(t *testing.T) {
	t.Parallel()
	other := newFake(t, jsonReply(200, itemJSON))
	f := newFake(t, jsonReply(200, itemJSON))
	c := newClient(t, f)
	_, err := c.Raw().GetWebhookWithResponse(context.Background(), 1, nil, func(_ context.Context, req *http.Request) error {
		req.URL.Host = strings.TrimPrefix(other.URL, "http://")
		return nil
	})
	if err == nil || len(other.requests()) != 0 || len(f.requests()) != 0 {
		t.Errorf("err = %v; %d requests to the other origin, %d to the base URL: want an error and none", err, len(other.requests()), len(f.requests()))
	}
}

// TestDoChecksOutBeforeSending: an out that cannot receive the answer
// fails the call before anything is sent.
func TestDoChecksOutBeforeSending(t *testing.T) {
	t.Parallel()
	f := newFake(t, jsonReply(200, itemJSON))
	c := newClient(t, f)
	for _, out := range []any{gen.WebhookItem{}, (*gen.WebhookItem)(nil), map[string]any{}} {
		if err := c.Do(context.Background(), http.MethodPost, "/things", nil, map[string]int{"n": 1}, out); err == nil {
			t.Errorf("out %T: no error", out)
		}
	}
	if n := len(f.requests()); n != 0 {
		t.Errorf("%d requests sent, want none", n)
	}
}

// TestDoBodyWithHugeNumber: a number out of float64's range is valid JSON;
// the custom-header check of a body does not refuse it.
func TestDoBodyWithHugeNumber(t *testing.T) {
	t.Parallel()
	f := newFake(t, jsonReply(200, `{"items":[`+itemJSON+`]}`))
	c := newClient(t, f)
	body := json.RawMessage(`{"items":[{"url":"https://example.com/hook","event_type":"business_created","custom_headers":{"X-A":"b"}}],"extra":1e400}`)
	if err := c.Do(context.Background(), http.MethodPost, "/webhooks", nil, body, nil); err != nil {
		t.Fatalf("Do: %v", err)
	}
	if n := len(f.requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

// TestDoRecognisesEveryspelling: Do finds an operation under percent-encoded
// unreserved characters (RFC 3986, 6.2.2.2), so its rules apply (a
// forbidden custom header is refused, org_id is added), and refuses an
// encoded slash or an empty segment; nothing refused is sent.
func TestDoRecognisesEverySpelling(t *testing.T) {
	t.Parallel()
	f := newFake(t, jsonReply(200, `{"items":[`+itemJSON+`],"page":1,"max_page":1,"count":1}`))
	c := newClient(t, f, partoo.WithOrgID(42))
	evil := map[string]any{"items": []any{map[string]any{"url": "https://example.com/hook", "event_type": "business_created", "custom_headers": map[string]string{"X-Partoo-Evil": "v"}}}}
	for _, path := range []string{"/%77ebhooks", "web%68ooks", "/webhooks/tr%79out"} {
		err := c.Do(context.Background(), http.MethodPost, path, nil, evil, nil)
		if !errors.Is(err, partoo.ErrInvalidCustomHeaders) {
			t.Errorf("POST %s: err = %v, want ErrInvalidCustomHeaders: the operation's rules apply", path, err)
		}
	}
	for _, path := range []string{"/webhooks%2Ftryout", "/webhooks%2ftryout", "/webhooks//tryout"} {
		if err := c.Do(context.Background(), http.MethodPost, path, nil, evil, nil); err == nil {
			t.Errorf("POST %s: no error", path)
		}
	}
	if n := len(f.requests()); n != 0 {
		t.Fatalf("%d requests sent, want none", n)
	}
	if err := c.Do(context.Background(), http.MethodGet, "/%77ebhooks", nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	if got := f.requests(); len(got) != 1 || got[0].Path != basePath+"/webhooks" || got[0].Query != "org_id=42" {
		t.Errorf("requests = %+v, want GET /v2/webhooks?org_id=42", got)
	}
}
