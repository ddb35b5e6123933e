// Command hello creates a webhook configuration on Partoo, lists them all
// and reads one back: the README's Quickstart. Run it with a key:
//
//	PARTOO_API_KEY=... PARTOO_SERVER=sandbox go run ./examples/hello
//
// Its test runs the same code against a fake Partoo (package partootest).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/partoo-go/partoo"
	"github.com/partoo-go/partoo/gen"
)

func main() {
	server := partoo.Production
	if os.Getenv("PARTOO_SERVER") == "sandbox" {
		server = partoo.Sandbox
	}
	client, err := partoo.NewClient(os.Getenv("PARTOO_API_KEY"), partoo.WithServer(server))
	if err != nil {
		log.Fatal(err)
	}
	if err := run(context.Background(), client, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// run creates a webhook configuration, lists them all, and reads one.
func run(ctx context.Context, client *partoo.Client, out io.Writer) error {
	created, err := client.Webhooks.Create(ctx, gen.CreateWebhooksPayload{Items: []gen.WebhookCreateItem{{
		URL:           "https://example.com/partoo",
		EventType:     gen.EventTypeBusinessCreated,
		CustomHeaders: &gen.CustomHeaders{"X-Auth-Token": "a-shared-secret"},
	}}})
	if err != nil {
		return fmt.Errorf("create: %w", err)
	}
	for hook, err := range client.Webhooks.List(ctx, nil) {
		if err != nil {
			return fmt.Errorf("list: %w", err)
		}
		fmt.Fprintln(out, hook.ID, hook.EventType, hook.URL)
	}
	hook, err := client.Webhooks.Get(ctx, created[0].ID)
	switch {
	case errors.Is(err, partoo.ErrNotFound):
		fmt.Fprintln(out, "gone already")
	case err != nil:
		return fmt.Errorf("get: %w", err)
	default:
		fmt.Fprintln(out, "created", hook.ID, "at", hook.CreatedAt)
	}
	return nil
}
