package partootest_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"

	"github.com/partoo-go/partoo/gen"
	"github.com/partoo-go/partoo/partootest"
	"github.com/partoo-go/partoo/webhook"
)

// A receiver under test gets signed deliveries from the fake: the test
// delivery of a tryout, then any event the test emits.
func ExampleServer_Emit() {
	srv := partootest.NewServer()
	defer srv.Close()

	// The receiver verifies deliveries with the fake's key.
	h, err := webhook.NewHandler(webhook.HandlerOptions{PublicKey: srv.PublicKey()},
		func(ctx context.Context, ev webhook.Event) error {
			fmt.Printf("received %s (tryout %t): %s\n", ev.Type, ev.Tryout, *ev.Message.Content)
			return nil
		})
	if err != nil {
		log.Fatal(err)
	}
	receiver := httptest.NewServer(h)
	defer receiver.Close()

	ctx := context.Background()
	item := gen.WebhookCreateItem{URL: receiver.URL, EventType: gen.EventTypeMessageCreated}
	if _, err := srv.Client().Webhooks.Create(ctx, gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{item}}); err != nil {
		log.Fatal(err)
	}
	result, err := srv.Client().Webhooks.Tryout(ctx, gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{item}})
	fmt.Println(result["delivered"], err)

	deliveries, err := srv.Emit(ctx, gen.EventTypeMessageCreated,
		map[string]any{"message": map[string]any{"id": 2, "content": "Are you open on Sunday?"}})
	fmt.Println(len(deliveries), deliveries[0].StatusCode, err)
	// Output:
	// received message_created (tryout true): <string>
	// true <nil>
	// received message_created (tryout false): Are you open on Sunday?
	// 1 200 <nil>
}
