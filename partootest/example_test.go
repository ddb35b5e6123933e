package partootest_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/partootest"
)

// ensureWebhook is the kind of code a consumer of the client writes and
// wants to test: register url for event, unless the organization already
// has a webhook for it (Partoo allows one per event type and organization).
func ensureWebhook(ctx context.Context, c *partoo.Client, event gen.EventType, url string) (id int, created bool, err error) {
	for hook, err := range c.Webhooks.List(ctx, nil) {
		if err != nil {
			return 0, false, err
		}
		if hook.EventType == event {
			return hook.ID, false, nil
		}
	}
	items, err := c.Webhooks.Create(ctx, gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{{URL: url, EventType: event}}})
	if err != nil {
		return 0, false, err
	}
	return items[0].ID, true, nil
}

// A consumer's test: the fake stands in for Partoo, and its request log
// shows what the code under test sent. In a test function, use
// NewTestServer(t), which closes the server when the test ends.
func Example() {
	srv := partootest.NewServer()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	id, created, err := ensureWebhook(ctx, client, gen.EventTypeBusinessCreated, "https://example.com/partoo")
	fmt.Println(id, created, err)
	id, created, err = ensureWebhook(ctx, client, gen.EventTypeBusinessCreated, "https://example.com/partoo")
	fmt.Println(id, created, err)

	for _, r := range srv.Requests() {
		fmt.Println(r.Method, r.Path, r.Status, r.Header.Get("x-APIKey"))
	}
	// Output:
	// 1 true <nil>
	// 1 false <nil>
	// GET /v2/webhooks 200 REDACTED
	// POST /v2/webhooks 200 REDACTED
	// GET /v2/webhooks 200 REDACTED
}

// Faults make the fake fail the way a real server does, so tests can check
// the error handling of the code under test.
func ExampleServer_AddFault() {
	srv := partootest.NewServer()
	defer srv.Close()
	if _, err := srv.CreateWebhooks(gen.WebhookItem{ID: 7, URL: "https://example.com/partoo", EventType: gen.EventTypeLeadReceived}); err != nil {
		fmt.Println(err)
		return
	}
	client := srv.Client()

	srv.AddFault(partootest.Fault{Method: "GET", Path: "/webhooks/{webhook_id}", Times: 1, Status: http.StatusNotFound})
	_, err := client.Webhooks.Get(context.Background(), 7)
	fmt.Println(errors.Is(err, partoo.ErrNotFound), err)

	hook, err := client.Webhooks.Get(context.Background(), 7)
	fmt.Println(hook.ID, hook.EventType, err)
	// Output:
	// true partoo: GET /v2/webhooks/7: 404 Not Found: Resource not found
	// 7 lead_received <nil>
}

// A PROVIDER key acts on several organizations and must name one.
func ExampleWithProviderKey() {
	srv := partootest.NewServer(partootest.WithProviderKey("provider-key", 10, 11))
	defer srv.Close()
	ctx := context.Background()

	_, err := srv.ClientWithKey("provider-key").Webhooks.Get(ctx, 1)
	fmt.Println(err)

	client := srv.ClientWithKey("provider-key", partoo.WithOrgID(11))
	items, err := client.Webhooks.Create(ctx, gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{{URL: "https://example.com/partoo", EventType: gen.EventTypeMessageCreated}}})
	fmt.Println(items[0].OrgID, err)
	// Output:
	// partoo: GET /v2/webhooks/1: 403 Forbidden: authorization: org_id: Missing data for required field: a PROVIDER key must give the organization it acts on.
	// 11 <nil>
}

// CreateWebhooks seeds a server with configurations Partoo would accept:
// it refuses, all or nothing, what POST /webhooks refuses, and says which
// item broke which rule.
func ExampleServer_CreateWebhooks() {
	srv := partootest.NewServer()
	defer srv.Close()

	_, err := srv.CreateWebhooks(
		gen.WebhookItem{URL: "https://example.com/leads", EventType: gen.EventTypeLeadReceived},
		gen.WebhookItem{URL: "http://example.com/messages", EventType: gen.EventTypeMessageCreated},
		gen.WebhookItem{URL: "https://example.com/other-leads", EventType: gen.EventTypeLeadReceived},
	)
	var fields partootest.FieldErrors
	if errors.As(err, &fields) {
		for _, field := range slices.Sorted(maps.Keys(fields)) {
			fmt.Println("refused:", field)
		}
	}
	fmt.Println(len(srv.Webhooks()), "webhooks stored")

	hooks, err := srv.CreateWebhooks(gen.WebhookItem{URL: "https://example.com/leads", EventType: gen.EventTypeLeadReceived})
	fmt.Println(hooks[0].ID, hooks[0].OrgID, err)
	// Output:
	// refused: items[1].url
	// refused: items[2].event_type
	// 0 webhooks stored
	// 1 1 <nil>
}

// AddResource is the one way to seed a resource family: each item is
// checked as the family's create checks it, with the exact property names,
// and may set its id.
func ExampleServer_AddResource() {
	srv := partootest.NewServer()
	defer srv.Close()

	_, err := srv.AddResource("/webhooks", map[string]any{"URL": "https://example.com/leads", "event_type": "lead_received"})
	var fields partootest.FieldErrors
	if errors.As(err, &fields) {
		for _, field := range slices.Sorted(maps.Keys(fields)) {
			fmt.Println("refused:", field)
		}
	}

	_, err = srv.AddResource("/webhooks", map[string]any{"id": 7, "url": "https://example.com/leads", "event_type": "lead_received"})
	hooks := srv.Webhooks()
	fmt.Println(len(hooks), hooks[0].ID, hooks[0].OrgID, err)
	// Output:
	// refused: items[0].URL
	// refused: items[0].url
	// 1 7 1 <nil>
}
