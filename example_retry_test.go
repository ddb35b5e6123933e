package partoo_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/partootest"
)

func ExampleWithRetryPolicy() {
	srv := partootest.NewServer()
	defer srv.Close()
	hooks, err := srv.CreateWebhooks(gen.WebhookItem{URL: "https://example.com/hook", EventType: gen.EventTypeBusinessCreated})
	if err != nil {
		fmt.Println(err)
		return
	}
	hook := hooks[0]
	// Partoo is briefly unavailable: the next two GETs answer 503.
	srv.AddFault(partootest.Fault{Method: "GET", Path: "/webhooks/{webhook_id}", Times: 2, Status: 503})

	client := srv.Client(partoo.WithRetryPolicy(partoo.RetryPolicy{
		MaxAttempts: 4,                     // the default is 3
		MinWait:     10 * time.Millisecond, // the default is 1s
	}))
	got, err := client.Webhooks.Get(context.Background(), hook.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(got.URL, "after", srv.RequestCount(), "attempts")

	// A create is never retried once it may have reached Partoo.
	srv.ClearRequests()
	srv.AddFault(partootest.Fault{Method: "POST", Path: "/webhooks", Times: 1, Status: 503})
	_, err = client.Webhooks.Create(context.Background(), gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{gen.WebhookCreateItem{URL: "https://example.com/new", EventType: gen.EventTypeBusinessUpdated}}})
	fmt.Println(errors.Is(err, partoo.ErrServer), srv.RequestCount(), "attempt")
	// Output:
	// https://example.com/hook after 3 attempts
	// true 1 attempt
}

func ExampleRetryPolicy_checkRetry() {
	// Partoo's guide also suggests retrying a 500. DefaultCheckRetry does
	// not (see its doc); a policy can add it for idempotent methods.
	policy := partoo.RetryPolicy{
		CheckRetry: func(ctx context.Context, req *http.Request, err error) bool {
			var apiErr *partoo.APIError
			if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusInternalServerError && req.Method != http.MethodPost {
				return ctx.Err() == nil
			}
			return partoo.DefaultCheckRetry(ctx, req, err)
		},
		MinWait: time.Millisecond,
	}
	srv := partootest.NewServer()
	defer srv.Close()
	hooks, err := srv.CreateWebhooks(gen.WebhookItem{URL: "https://example.com/hook", EventType: gen.EventTypeBusinessCreated})
	if err != nil {
		fmt.Println(err)
		return
	}
	hook := hooks[0]
	srv.AddFault(partootest.Fault{Method: "PUT", Path: "/webhooks/{webhook_id}", Times: 1, Status: 500})

	client := srv.Client(partoo.WithRetryPolicy(policy))
	newURL := "https://example.com/moved"
	updated, err := client.Webhooks.Update(context.Background(), hook.ID, gen.UpdateWebhookPayload{URL: &newURL})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(updated.URL, "after", srv.RequestCount(), "attempts")
	// Output:
	// https://example.com/moved after 2 attempts
}

func ExampleWithRateLimit() {
	srv := partootest.NewServer()
	defer srv.Close()
	// Partoo allows 300 requests per minute; this example uses 20 per
	// second so that it runs fast.
	client := srv.Client(partoo.WithRateLimit(20, time.Second))

	start := time.Now()
	for range 3 {
		for _, err := range client.Webhooks.List(context.Background(), nil) {
			if err != nil {
				log.Fatal(err)
			}
		}
	}
	// The first request goes at once, the next two 50ms apart.
	fmt.Println(time.Since(start) >= 100*time.Millisecond)
	// Output:
	// true
}

func ExampleWithLogger() {
	srv := partootest.NewServer()
	defer srv.Close()
	hooks, err := srv.CreateWebhooks(gen.WebhookItem{URL: "https://example.com/hook", EventType: gen.EventTypeBusinessCreated})
	if err != nil {
		fmt.Println(err)
		return
	}
	hook := hooks[0]
	srv.AddFault(partootest.Fault{Method: "GET", Path: "/webhooks/{webhook_id}", Times: 1, Status: 429, Header: http.Header{"Retry-After": {"0"}}})

	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		// Drop the time so that the output is stable.
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && len(groups) == 0 {
				return slog.Attr{}
			}
			return a
		},
	}))
	client := srv.Client(partoo.WithLogger(logger), partoo.WithRetryPolicy(partoo.RetryPolicy{
		Backoff: func(int, time.Duration, time.Duration, error) time.Duration { return time.Millisecond },
	}))
	// At Info level only retries are logged. At Debug level each attempt is
	// logged too. No header, query string or body is logged unless
	// WithBodyLogging asks for bodies (redacted).
	if _, err := client.Webhooks.Get(context.Background(), hook.ID); err != nil {
		log.Fatal(err)
	}
	// Output:
	// level=INFO msg="partoo: retrying" method=GET path=/v2/webhooks/1 attempt=1 status=429 error=api wait=1ms
}
