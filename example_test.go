package partoo_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"time"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/partootest"
)

func ExampleNewClient() {
	// Production is the default; WithServer(partoo.Sandbox) selects the
	// sandbox and WithOrgID scopes every call for PROVIDER keys.
	client, err := partoo.NewClient("my-api-key", partoo.WithServer(partoo.Sandbox), partoo.WithOrgID(42))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(client.BaseURL())

	_, err = partoo.NewClient("")
	fmt.Println(err)
	// Output:
	// https://api.sandbox.partoo.co/v2
	// partoo: the API key is empty
}

func ExampleWebhooksService_Get() {
	srv := partootest.NewServer() // a fake Partoo on a loopback port
	defer srv.Close()
	hooks, err := srv.CreateWebhooks(gen.WebhookItem{URL: "https://example.com/webhook", EventType: gen.EventTypeBusinessCreated})
	if err != nil {
		fmt.Println(err)
		return
	}
	hook := hooks[0]
	client := srv.Client()

	got, err := client.Webhooks.Get(context.Background(), hook.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(got.ID, got.EventType, got.URL)

	_, err = client.Webhooks.Get(context.Background(), 999)
	fmt.Println(errors.Is(err, partoo.ErrNotFound))
	fmt.Println(err)
	// Output:
	// 1 business_created https://example.com/webhook
	// true
	// partoo: GET /v2/webhooks/999: 404 Not Found: Resource not found
}

func ExampleWebhooksService_List() {
	srv := partootest.NewServer()
	defer srv.Close()
	for _, e := range []gen.EventType{gen.EventTypeBusinessCreated, gen.EventTypeBusinessUpdated, gen.EventTypeLeadReceived} {
		if _, err := srv.CreateWebhooks(gen.WebhookItem{URL: "https://example.com/" + string(e), EventType: e}); err != nil {
			fmt.Println(err)
			return
		}
	}
	client := srv.Client()

	// The iterator fetches the pages as the loop goes: two items a page
	// here, so two requests.
	perPage := 2
	for hook, err := range client.Webhooks.List(context.Background(), &gen.GetWebhookListParams{PerPage: &perPage}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(hook.ID, hook.EventType)
	}
	fmt.Println(srv.RequestCount(), "requests")
	// Output:
	// 1 business_created
	// 2 business_updated
	// 3 lead_received
	// 2 requests
}

func ExampleWebhooksService_Create() {
	srv := partootest.NewServer()
	defer srv.Close()
	client := srv.Client()

	created, err := client.Webhooks.Create(context.Background(), gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{{
		URL:           "https://example.com/webhook",
		EventType:     gen.EventTypeBusinessCreated,
		CustomHeaders: &gen.CustomHeaders{"X-Auth-Token": "secret-token"},
	}}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(created), created[0].ID, created[0].EventType)
	// Output:
	// 1 1 business_created
}

// Call options change one call: here a header of the caller's, and the
// capture of the response's metadata.
func ExampleWithHeader() {
	srv := partootest.NewServer()
	defer srv.Close()
	hooks, err := srv.CreateWebhooks(gen.WebhookItem{URL: "https://example.com/webhook", EventType: gen.EventTypeBusinessCreated})
	if err != nil {
		fmt.Println(err)
		return
	}
	hook := hooks[0]
	client := srv.Client()

	if _, err := client.Webhooks.Get(context.Background(), hook.ID, partoo.WithHeader("X-Correlation-Id", "job-42")); err != nil {
		log.Fatal(err)
	}
	reqs := srv.Requests()
	fmt.Println(reqs[len(reqs)-1].Header.Get("X-Correlation-Id"))

	// The client owns the key and the media type: they cannot be set.
	_, err = client.Webhooks.Get(context.Background(), hook.ID, partoo.WithHeader("x-APIKey", "another-key"))
	fmt.Println(err != nil, srv.RequestCount())
	// Output:
	// job-42
	// true 1
}

// A 503 is retried; CaptureResponse tells how the call went.
func ExampleCaptureResponse() {
	srv := partootest.NewServer()
	defer srv.Close()
	hooks, err := srv.CreateWebhooks(gen.WebhookItem{URL: "https://example.com/webhook", EventType: gen.EventTypeBusinessCreated})
	if err != nil {
		fmt.Println(err)
		return
	}
	hook := hooks[0]
	srv.AddFault(partootest.Fault{Method: "GET", Path: "/webhooks/{webhook_id}", Times: 1, Status: http.StatusServiceUnavailable})
	client := srv.Client(partoo.WithRetryPolicy(partoo.RetryPolicy{MinWait: time.Millisecond, MaxWait: time.Millisecond}))

	var meta partoo.Response
	if _, err := client.Webhooks.Get(context.Background(), hook.ID, partoo.CaptureResponse(&meta)); err != nil {
		log.Fatal(err)
	}
	fmt.Println(meta.StatusCode, meta.Attempts)
	// Partoo documents no request-ID header, so the fake sends none and
	// RequestID is empty here; against a server that sends one of the
	// usual headers (X-Request-Id, ...), it holds its value.
	fmt.Printf("request id %q\n", meta.RequestID)

	// A call refused before sending has no attempt.
	perPage := 500
	for _, err := range client.Webhooks.List(context.Background(), &gen.GetWebhookListParams{PerPage: &perPage}, partoo.CaptureResponse(&meta)) {
		fmt.Println(errors.Is(err, partoo.ErrInvalidRequest), meta.Attempts)
	}
	// Output:
	// 200 2
	// request id ""
	// true 0
}

// Retries can be set or switched off for one call, and each attempt
// bounded.
func ExampleWithoutCallRetries() {
	srv := partootest.NewServer()
	defer srv.Close()
	hooks, err := srv.CreateWebhooks(gen.WebhookItem{URL: "https://example.com/webhook", EventType: gen.EventTypeBusinessCreated})
	if err != nil {
		fmt.Println(err)
		return
	}
	hook := hooks[0]
	srv.AddFault(partootest.Fault{Method: "GET", Path: "/webhooks/{webhook_id}", Times: 1, Status: http.StatusServiceUnavailable})
	client := srv.Client()

	_, err = client.Webhooks.Get(context.Background(), hook.ID, partoo.WithoutCallRetries(), partoo.WithAttemptTimeout(5*time.Second))
	var apiErr *partoo.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Attempts)
	}
	// Output:
	// 503 1
}

// PROVIDER keys say which organization each call acts on.
func ExampleWithCallOrgID() {
	srv := partootest.NewServer(partootest.WithProviderKey("provider-key", 7, 8))
	defer srv.Close()
	client := srv.ClientWithKey("provider-key", partoo.WithOrgID(7))

	_, err := client.Webhooks.Create(context.Background(), gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{
		{URL: "https://example.com/hook", EventType: gen.EventTypeLeadReceived},
	}}, partoo.WithCallOrgID(8))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(srv.Webhooks()[0].OrgID)
	// Output:
	// 8
}

// Do reaches endpoints the spec lacks, through the same pipeline.
func ExampleClient_Do() {
	srv := partootest.NewServer()
	defer srv.Close()
	client := srv.Client()

	// An endpoint outside the spec: the fake answers 404, in Partoo's shape.
	var out json.RawMessage
	err := client.Do(context.Background(), http.MethodGet, "/business/123/photos", url.Values{"page": {"1"}}, nil, &out,
		partoo.WithPathTemplate("/business/{business_id}/photos"))
	fmt.Println(errors.Is(err, partoo.ErrNotFound))

	// An operation of the spec: its rules apply, before anything is sent.
	err = client.Do(context.Background(), http.MethodGet, "/webhooks", url.Values{"per_page": {"500"}}, nil, &out)
	fmt.Println(errors.Is(err, partoo.ErrInvalidRequest))

	// A path cannot leave the base URL.
	err = client.Do(context.Background(), http.MethodGet, "../admin", nil, nil, nil)
	fmt.Println(err != nil, srv.RequestCount())
	// Output:
	// true
	// true
	// true 1
}

// The generated client of package gen, for the whole generated response
// of an operation; its calls take the client's pipeline.
func ExampleClient_Raw() {
	srv := partootest.NewServer()
	defer srv.Close()
	hooks, err := srv.CreateWebhooks(gen.WebhookItem{URL: "https://example.com/webhook", EventType: gen.EventTypeLeadReceived})
	if err != nil {
		log.Fatal(err)
	}
	client := srv.Client()

	resp, err := client.Raw().GetWebhookWithResponse(context.Background(), hooks[0].ID, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.StatusCode(), resp.JSON200.EventType)
	_, err = client.Raw().GetWebhookWithResponse(context.Background(), 999, nil)
	fmt.Println(errors.Is(err, partoo.ErrNotFound))
	// Output:
	// 200 lead_received
	// true
}

// A key source is asked before each attempt: rotation, vaults.
func ExampleWithAPIKeySource() {
	srv := partootest.NewServer()
	defer srv.Close()
	keys := func(context.Context) (string, error) { return srv.APIKey, nil } // read from a vault
	client, err := partoo.NewClient("", partoo.WithBaseURL(srv.URL), partoo.WithAPIKeySource(keys))
	if err != nil {
		log.Fatal(err)
	}
	perPage := 10
	for _, err := range client.Webhooks.List(context.Background(), &gen.GetWebhookListParams{PerPage: &perPage}) {
		log.Fatal(err)
	}

	sealed := errors.New("vault sealed")
	failing, err := partoo.NewClient("", partoo.WithBaseURL(srv.URL),
		partoo.WithAPIKeySource(func(context.Context) (string, error) { return "", sealed }))
	if err != nil {
		log.Fatal(err)
	}
	for _, err := range failing.Webhooks.List(context.Background(), nil) {
		fmt.Println(errors.Is(err, sealed), srv.RequestCount())
	}
	// Output:
	// true 1
}

// roundTripper adapts a function to http.RoundTripper.
type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Middlewares see every attempt, below the retries; the first one given is
// the outermost.
func ExampleWithMiddleware() {
	srv := partootest.NewServer()
	defer srv.Close()
	hooks, err := srv.CreateWebhooks(gen.WebhookItem{URL: "https://example.com/webhook", EventType: gen.EventTypeBusinessCreated})
	if err != nil {
		fmt.Println(err)
		return
	}
	hook := hooks[0]
	srv.AddFault(partootest.Fault{Method: "GET", Path: "/webhooks/{webhook_id}", Times: 1, Status: http.StatusBadGateway})

	logAttempts := func(next http.RoundTripper) http.RoundTripper {
		return roundTripper(func(r *http.Request) (*http.Response, error) {
			a, _ := partoo.AttemptFromContext(r.Context())
			resp, err := next.RoundTrip(r)
			if err == nil {
				fmt.Println(a.Call.OperationID, "attempt", a.Attempt, resp.StatusCode)
			}
			return resp, err
		})
	}
	client := srv.Client(partoo.WithMiddleware(logAttempts),
		partoo.WithRetryPolicy(partoo.RetryPolicy{MinWait: time.Millisecond, MaxWait: time.Millisecond}))
	if _, err := client.Webhooks.Get(context.Background(), hook.ID); err != nil {
		log.Fatal(err)
	}
	// Output:
	// getWebhook attempt 1 502
	// getWebhook attempt 2 200
}

// A server that announces pages without end cannot make a loop run
// forever.
func ExampleWithMaxPages() {
	srv := partootest.NewServer()
	defer srv.Close()
	var hooks []gen.WebhookItem // one per event type, as Partoo allows
	for _, e := range []gen.EventType{gen.EventTypeBusinessCreated, gen.EventTypeBusinessUpdated, gen.EventTypeBusinessDeleted, gen.EventTypeLeadReceived, gen.EventTypeMessageCreated} {
		hooks = append(hooks, gen.WebhookItem{URL: "https://example.com/h", EventType: e})
	}
	if _, err := srv.CreateWebhooks(hooks...); err != nil {
		log.Fatal(err)
	}
	client := srv.Client()
	perPage := 1
	n := 0
	for _, err := range client.Webhooks.List(context.Background(), &gen.GetWebhookListParams{PerPage: &perPage}, partoo.WithMaxPages(3)) {
		if err != nil {
			fmt.Println(n, errors.Is(err, partoo.ErrTooManyPages))
			break
		}
		n++
	}
	// Output:
	// 3 true
}

// One call can have a retry policy of its own: here, more attempts for a
// call that matters.
func ExampleWithCallRetryPolicy() {
	srv := partootest.NewServer()
	defer srv.Close()
	hooks, err := srv.CreateWebhooks(gen.WebhookItem{URL: "https://example.com/webhook", EventType: gen.EventTypeBusinessCreated})
	if err != nil {
		fmt.Println(err)
		return
	}
	hook := hooks[0]
	srv.AddFault(partootest.Fault{Method: "GET", Path: "/webhooks/{webhook_id}", Times: 3, Status: http.StatusServiceUnavailable})
	client := srv.Client() // 3 attempts at most by default

	var meta partoo.Response
	policy := partoo.RetryPolicy{MaxAttempts: 5, MinWait: time.Millisecond, MaxWait: time.Millisecond}
	got, err := client.Webhooks.Get(context.Background(), hook.ID, partoo.WithCallRetryPolicy(policy), partoo.CaptureResponse(&meta))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(got.ID, meta.StatusCode, meta.Attempts)
	// Output:
	// 1 200 4
}

// callPrinter is an Observer that prints each call and its attempts.
type callPrinter struct{}

func (callPrinter) StartCall(ctx context.Context, call partoo.CallInfo) (context.Context, func(*partoo.Response, error)) {
	fmt.Println("call", call.OperationID, call.Method, call.PathTemplate)
	return ctx, func(resp *partoo.Response, err error) {
		fmt.Println("end", resp.StatusCode, resp.Attempts, err == nil)
	}
}

func (callPrinter) RoundTripper(next http.RoundTripper) http.RoundTripper {
	return roundTripper(func(req *http.Request) (*http.Response, error) {
		if a, ok := partoo.AttemptFromContext(req.Context()); ok {
			fmt.Println("attempt", a.Attempt)
		}
		return next.RoundTrip(req)
	})
}

// An Observer sees every call and every attempt, without the key, the
// query or the body: the otel module is one.
func ExampleWithObserver() {
	srv := partootest.NewServer()
	defer srv.Close()
	hooks, err := srv.CreateWebhooks(gen.WebhookItem{URL: "https://example.com/webhook", EventType: gen.EventTypeBusinessCreated})
	if err != nil {
		fmt.Println(err)
		return
	}
	hook := hooks[0]
	srv.AddFault(partootest.Fault{Method: "GET", Path: "/webhooks/{webhook_id}", Times: 1, Status: http.StatusBadGateway})
	client := srv.Client(partoo.WithObserver(callPrinter{}),
		partoo.WithRetryPolicy(partoo.RetryPolicy{MinWait: time.Millisecond, MaxWait: time.Millisecond}))

	if _, err := client.Webhooks.Get(context.Background(), hook.ID); err != nil {
		log.Fatal(err)
	}
	// Output:
	// call getWebhook GET /webhooks/{webhook_id}
	// attempt 1
	// attempt 2
	// end 200 2 true
}
